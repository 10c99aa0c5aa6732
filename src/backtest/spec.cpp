#include "backtest/spec.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/toml_parser.hpp"
#include "core/toml_text.hpp"
#include "marketdata/ohlcv_csv.hpp"
#include "strategy/registry.hpp"

namespace alphintra::backtest {

namespace {

// A TOML scalar as the text a --param would carry.
std::optional<std::string> scalarText(const toml::node& n) {
  if (auto v = n.value<std::string>()) return *v;
  if (n.is_integer()) return std::to_string(*n.value<std::int64_t>());
  if (n.is_floating_point()) return fmt::format("{}", *n.value<double>());
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  return std::nullopt;
}

template <typename T>
Result<T> get(const toml::table& t, std::string_view key, T fallback, const std::string& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  if constexpr (std::is_same_v<T, double>) {
    if (auto v = n->value<double>()) return *v;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    if (n->is_integer()) return *n->value<std::int64_t>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (n->is_boolean()) return *n->value<bool>();
  } else {
    if (n->is_string()) return *n->value<std::string>();
  }
  return makeError(where + std::string(key), "has the wrong type");
}

}  // namespace

Result<BacktestSpec> loadConfig(const std::filesystem::path& file) {
  auto source = readTomlText(file);
  if (!source) return source.error();
  toml::table root;
  try {
    root = toml::parse(source.value(), file.string());
  } catch (const toml::parse_error& e) {
    return makeError("config", fmt::format("{}:{}:{}: {}", file.string(), e.source().begin.line,
                                           e.source().begin.column, e.description()));
  }
  BacktestSpec spec;
  const auto base = file.parent_path();
  auto ppy = get<double>(root, "periods_per_year", 0.0, "");
  if (!ppy) return ppy.error();
  spec.periodsPerYear = *ppy;
  if (const toml::table* a = root["account"].as_table()) {
    AccountSettings& s = spec.options.account;
    auto cash = get<double>(*a, "cash", s.initialCash, "account.");
    auto currency = get<std::string>(*a, "currency", s.currency, "account.");
    auto type = get<std::string>(*a, "type", "margin", "account.");
    auto maker = get<double>(*a, "maker_fee_bps", 0.0, "account.");
    auto taker = get<double>(*a, "taker_fee_bps", 0.0, "account.");
    auto leverage = get<double>(*a, "max_leverage", 0.0, "account.");
    for (const Error* e :
         {cash ? nullptr : &cash.error(), currency ? nullptr : &currency.error(), type ? nullptr : &type.error(),
          maker ? nullptr : &maker.error(), taker ? nullptr : &taker.error(), leverage ? nullptr : &leverage.error()}) {
      if (e != nullptr) return *e;
    }
    if (*type != "margin" && *type != "cash") return makeError("account.type", "must be \"margin\" or \"cash\"");
    if (*cash <= 0) return makeError("account.cash", "must be positive");
    s.initialCash = *cash;
    s.currency = *currency;
    s.type = *type == "cash" ? risk::AccountType::Cash : risk::AccountType::Margin;
    s.makerFeePpm = std::llround(*maker * 100);
    s.takerFeePpm = std::llround(*taker * 100);
    s.maxLeverageHundredths = static_cast<std::uint32_t>(std::llround(*leverage * 100));
  }
  if (const toml::table* f = root["fill"].as_table()) {
    auto ticks = get<std::int64_t>(*f, "slippage_ticks", 0, "fill.");
    if (!ticks) return ticks.error();
    auto bps = get<double>(*f, "slippage_bps", 0.0, "fill.");
    if (!bps) return bps.error();
    if (*ticks < 0 || *bps < 0) return makeError("fill", "slippage must not be negative");
    auto share = get<double>(*f, "max_volume_share", 0.0, "fill.");
    if (!share) return share.error();
    if (!(*share >= 0 && *share <= 1)) {
      return makeError("fill.max_volume_share", "must be between 0 (no limit) and 1, a share of each bar's volume");
    }
    spec.options.fill.slippageTicks = *ticks;
    spec.options.fill.slippageBps = *bps;
    spec.options.fill.maxVolumeShare = *share;
  }
  if (const toml::node* fx = root.get("fx")) {
    const toml::table* rates = fx->as_table();
    if (rates == nullptr) return makeError("fx", "must be a table of \"EUR/USD\" = rate");
    for (const auto& [key, value] : *rates) {
      const std::string pair(key.str());
      const auto slash = pair.find('/');
      auto rate = value.value<double>();
      if (slash == std::string::npos) return makeError("fx." + pair, "is not a pair such as \"EUR/USD\"");
      if (!rate || !(*rate > 0)) return makeError("fx." + pair, "must be a positive number (1 EUR = RATE USD)");
      spec.options.fx.push_back(FxQuote{pair.substr(0, slash), pair.substr(slash + 1), *rate});
    }
  }
  const toml::array* instruments = root["instrument"].as_array();
  if (instruments == nullptr || instruments->empty()) {
    return makeError("instrument", "the config names no [[instrument]] (symbol and data file)");
  }
  for (std::size_t i = 0; i < instruments->size(); ++i) {
    const toml::table* t = (*instruments)[i].as_table();
    const std::string where = fmt::format("instrument[{}].", i);
    if (t == nullptr) return makeError(where, "must be a table");
    DataSpec d;
    auto symbol = get<std::string>(*t, "symbol", "", where);
    auto data = get<std::string>(*t, "data", "", where);
    auto pp = get<std::int64_t>(*t, "price_precision", 2, where);
    auto qp = get<std::int64_t>(*t, "quantity_precision", 0, where);
    auto tick = get<std::string>(*t, "tick", "", where);
    auto lot = get<std::string>(*t, "lot", "1", where);
    auto adjusted = get<bool>(*t, "adjusted", false, where);
    auto currency = get<std::string>(*t, "currency", "", where);
    for (const Error* e :
         {symbol ? nullptr : &symbol.error(), data ? nullptr : &data.error(), pp ? nullptr : &pp.error(),
          qp ? nullptr : &qp.error(), tick ? nullptr : &tick.error(), lot ? nullptr : &lot.error(),
          adjusted ? nullptr : &adjusted.error(), currency ? nullptr : &currency.error()}) {
      if (e != nullptr) return *e;
    }
    if (!currency->empty()) {
      if (auto c = Currency::parse(*currency); !c) return makeError(where + "currency", c.error().message);
    }
    d.currency = *currency;
    if (symbol->empty()) return makeError(where + "symbol", "is required");
    if (data->empty()) return makeError(where + "data", "is required (a CSV file)");
    d.symbol = *symbol;
    d.file = std::filesystem::path(*data).is_absolute() ? std::filesystem::path(*data) : base / *data;
    d.pricePrecision = static_cast<int>(*pp);
    d.quantityPrecision = static_cast<int>(*qp);
    d.tick = *tick;
    d.lot = *lot;
    if (const toml::node* m = t->get("multiplier")) {
      // A number (50, 0.1) or its text ("12500000"); Instrument::create checks the value.
      if (const auto whole = m->value_exact<std::int64_t>()) {
        d.multiplier = std::to_string(*whole);
      } else if (const auto x = m->value_exact<double>()) {
        // Fixed notation (1e-05 is no decimal text), to 9 places: a number that does not come
        // back the same from them must be written as a string.
        d.multiplier = fmt::format("{:.9f}", *x);
        if (std::strtod(d.multiplier.c_str(), nullptr) != *x) {
          return makeError(where + "multiplier", fmt::format("{} has more than 9 decimal places; write it as a "
                                                             "decimal string such as \"0.125\"",
                                                             *x));
        }
      } else if (const auto text = m->value_exact<std::string>()) {
        d.multiplier = *text;
      } else {
        return makeError(where + "multiplier", "must be a number such as 50 or 0.1");
      }
    }
    d.adjusted = *adjusted;
    if (const toml::node* c = t->get("asset_class")) {
      const auto text = c->value_exact<std::string>();
      const auto assetClass = text ? parseAssetClass(*text) : std::nullopt;
      if (!assetClass) return makeError(where + "asset_class", "must be one of equity, fx, future, option, crypto");
      d.assetClass = *assetClass;
    }
    spec.data.push_back(d);
  }
  const toml::array* strategies = root["strategy"].as_array();
  if (strategies == nullptr || strategies->empty()) return makeError("strategy", "the config names no [[strategy]]");
  for (std::size_t i = 0; i < strategies->size(); ++i) {
    const toml::table* t = (*strategies)[i].as_table();
    const std::string where = fmt::format("strategy[{}].", i);
    if (t == nullptr) return makeError(where, "must be a table");
    StrategySpec s;
    auto name = get<std::string>(*t, "name", "", where);
    if (!name) return name.error();
    if (name->empty()) return makeError(where + "name", "is required");
    auto label = get<std::string>(*t, "label", *name, where);
    if (!label) return label.error();
    s.name = *name;
    s.label = *label;
    if (const toml::node* in = t->get("instruments")) {
      const toml::array* list = in->as_array();
      if (list == nullptr) return makeError(where + "instruments", "must be a list of symbols");
      for (const toml::node& n : *list) {
        auto v = n.value<std::string>();
        if (!v) return makeError(where + "instruments", "must be a list of symbols");
        s.instruments.push_back(*v);
      }
    }
    if (const toml::node* p = t->get("params")) {
      const toml::table* params = p->as_table();
      if (params == nullptr) return makeError(where + "params", "must be a table");
      for (const auto& [key, value] : *params) {
        auto text = scalarText(value);
        if (!text) return makeError(where + "params." + std::string(key.str()), "must be a number, boolean or string");
        s.params.set(std::string(key.str()), *text);
      }
    }
    spec.strategies.push_back(std::move(s));
  }
  return spec;
}

Result<std::vector<Instrument>> specInstruments(const BacktestSpec& spec) {
  std::vector<Instrument> out;
  for (std::size_t i = 0; i < spec.data.size(); ++i) {
    const DataSpec& d = spec.data[i];
    InstrumentSpec s;
    s.id = i + 1;
    s.symbol = d.symbol;
    s.currency = spec.options.account.currency;
    if (!d.currency.empty()) {
      s.currency = d.currency;
    } else if (const auto slash = d.symbol.find('/'); slash != std::string::npos) {
      // An FX pair ("EUR/USD") is quoted in its second currency.
      if (Currency::parse(std::string_view(d.symbol).substr(slash + 1))) s.currency = d.symbol.substr(slash + 1);
    }
    s.pricePrecision = d.pricePrecision;
    s.quantityPrecision = d.quantityPrecision;
    s.tickSize =
        d.tick.empty() ? (d.pricePrecision == 0 ? "1" : "0." + std::string(d.pricePrecision - 1, '0') + "1") : d.tick;
    s.lotSize = d.lot;
    s.multiplier = d.multiplier;
    s.assetClass = d.assetClass;
    auto in = Instrument::create(s);
    if (!in) return makeError("instrument " + d.symbol + "." + in.error().field, in.error().message);
    for (const Instrument& other : out) {
      if (other.symbol() == d.symbol) return makeError("instrument", "symbol " + d.symbol + " is given twice");
    }
    out.push_back(std::move(in).value());
  }
  return out;
}

Result<std::unique_ptr<BarSource>> openData(const BacktestSpec& spec) {
  std::vector<std::unique_ptr<BarSource>> sources;
  for (std::size_t i = 0; i < spec.data.size(); ++i) {
    const DataSpec& d = spec.data[i];
    marketdata::OhlcvCsvOptions o;
    o.instrument = InstrumentId{i + 1};
    o.pricePrecision = d.pricePrecision;
    o.quantityPrecision = d.quantityPrecision;
    o.adjusted = d.adjusted;
    auto reader = marketdata::OhlcvCsvReader::open(d.file, o);
    if (!reader) return reader.error();
    sources.push_back(std::make_unique<ReaderBarSource<marketdata::OhlcvCsvReader>>(std::move(reader).value()));
  }
  if (sources.size() == 1) return std::move(sources.front());
  return std::unique_ptr<BarSource>(std::make_unique<MergedBarSource>(std::move(sources)));
}

Result<std::unique_ptr<Backtester>> makeBacktester(const BacktestSpec& spec) {
  auto instruments = specInstruments(spec);
  if (!instruments) return instruments.error();
  if (spec.strategies.empty()) return makeError("strategy", "no strategy given");
  auto bt = std::make_unique<Backtester>(*instruments, spec.options);
  for (std::size_t i = 0; i < spec.strategies.size(); ++i) {
    const StrategySpec& s = spec.strategies[i];
    auto made = strategy::makeStrategy(s.name, s.params);
    if (!made) return made.error();
    std::vector<InstrumentId> ids;
    for (const std::string& symbol : s.instruments) {
      const Instrument* found = nullptr;
      for (const Instrument& in : *instruments) {
        if (in.symbol() == symbol) found = &in;
      }
      if (found == nullptr) {
        return makeError(fmt::format("strategy[{}].instruments", i), "no instrument has symbol " + symbol);
      }
      ids.push_back(found->id());
    }
    auto added = bt->addStrategy(std::move(made).value(), ids, s.label.empty() ? s.name : s.label);
    if (!added) return added.error();
  }
  return bt;
}

}  // namespace alphintra::backtest
