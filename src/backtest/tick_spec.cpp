#include "backtest/tick_spec.hpp"

#include <fmt/format.h>

#include "marketdata/text_fields.hpp"
#include "strategy/registry.hpp"

namespace alphintra::backtest {

Result<std::int64_t> parseLatency(std::string_view text) {
  static constexpr std::pair<std::string_view, int> kUnits[] = {{"ns", 0}, {"us", 3}, {"µs", 3}, {"ms", 6}, {"s", 9}};
  if (text == "0") return std::int64_t{0};
  for (const auto& [unit, places] : kUnits) {
    if (text.size() <= unit.size() || text.substr(text.size() - unit.size()) != unit) continue;
    const std::string_view number = text.substr(0, text.size() - unit.size());
    if (unit == "s" && (number.ends_with("m") || number.ends_with("u") || number.ends_with("n"))) continue;
    std::int64_t nanos = 0;
    std::string reason;
    if (!marketdata::parseRoundedDecimal(number, places, nanos, reason)) {
      return makeError("--latency", fmt::format("\"{}\": {}", text, reason));
    }
    std::int64_t check = 0;
    // Rounded away digits would change the run silently: refuse them.
    if (!marketdata::parseRoundedDecimal(number, places + 3, check, reason) || check != nanos * 1000) {
      return makeError("--latency", fmt::format("\"{}\" is not a whole number of nanoseconds", text));
    }
    if (nanos < 0) return makeError("--latency", fmt::format("\"{}\" is negative", text));
    return nanos;
  }
  return makeError("--latency", fmt::format("\"{}\": give a number with a unit (ns, us, ms, s), e.g. 250us", text));
}

Result<QueueModel> parseQueueModel(std::string_view text) {
  if (text == "pessimistic") return QueueModel::Pessimistic;
  if (text == "proportional") return QueueModel::Proportional;
  return makeError("--queue", fmt::format("\"{}\": must be pessimistic or proportional", text));
}

bool isTickFormat(std::string_view format) noexcept {
  return format == "lobster" || format == "itch" || format == "trades" || format == "quotes";
}

namespace {

Result<Timestamp> midnightOf(const std::string& date, const std::string& offset, const std::filesystem::path& file,
                             bool fromName) {
  std::string day = date;
  if (day.empty() && fromName) {  // TICKER_YYYY-MM-DD_..._message_N.csv
    const std::string name = file.filename().string();
    const auto underscore = name.find('_');
    if (underscore != std::string::npos && name.size() >= underscore + 11) day = name.substr(underscore + 1, 10);
  }
  Timestamp midnight;
  std::string reason;
  if (!marketdata::parseUtcTime(day + "T00:00:00" + offset, midnight, reason)) {
    return makeError("--date", fmt::format("{}: times are local times after midnight: give the trading day (--date "
                                           "YYYY-MM-DD) and --utc-offset ±HH:MM: {}",
                                           file.string(), reason));
  }
  return midnight;
}

Result<std::unique_ptr<EventSource>> openTickData(const BacktestSpec& spec, const TickSettings& settings,
                                                  const std::vector<Instrument>& instruments) {
  std::vector<std::unique_ptr<EventSource>> sources;
  if (settings.format == "itch") {
    const auto& file = spec.data.front().file;
    auto directory = itchStockDirectory(file);
    if (!directory) return directory.error();
    auto midnight = midnightOf(settings.date, settings.utcOffset, file, false);
    if (!midnight) return midnight.error();
    ItchSourceOptions o;
    o.midnight = *midnight;
    for (std::size_t i = 0; i < spec.data.size(); ++i) {
      if (spec.data[i].file != file) {
        return makeError("--data", "an ITCH run reads one file: give it once per stock with --symbol STOCK");
      }
      std::uint16_t locate = 0;
      for (const auto& [l, symbol] : *directory) {
        if (symbol == spec.data[i].symbol) locate = l;
      }
      if (locate == 0) {
        return makeError("--symbol",
                         fmt::format("{}: no stock {} in the file's stock directory ({} stocks{}{})", file.string(),
                                     spec.data[i].symbol, directory->size(), directory->empty() ? "" : ", e.g. ",
                                     directory->empty() ? "" : directory->front().second));
      }
      o.locates.push_back(locate);
      o.instruments.push_back(instruments[i].id());
    }
    auto s = ItchEventSource::open(file, o);
    if (!s) return s.error();
    return std::unique_ptr<EventSource>(std::move(s).value());
  }
  for (std::size_t i = 0; i < spec.data.size(); ++i) {
    const DataSpec& d = spec.data[i];
    if (settings.format == "lobster") {
      auto midnight = midnightOf(settings.date, settings.utcOffset, d.file, true);
      if (!midnight) return midnight.error();
      marketdata::LobsterOptions o;
      o.instrument = instruments[i].id();
      o.midnight = *midnight;
      o.pricePrecision = d.pricePrecision;
      o.quantityPrecision = d.quantityPrecision;
      auto s = LobsterEventSource::open(d.file, o);
      if (!s) return s.error();
      sources.push_back(std::move(s).value());
    } else {
      marketdata::EventCsvOptions o;
      o.instrument = instruments[i].id();
      o.pricePrecision = d.pricePrecision;
      o.quantityPrecision = d.quantityPrecision;
      if (settings.format == "trades") {
        auto s = TradeCsvEventSource::open(d.file, o);
        if (!s) return s.error();
        sources.push_back(std::move(s).value());
      } else {
        auto s = QuoteCsvEventSource::open(d.file, o);
        if (!s) return s.error();
        sources.push_back(std::move(s).value());
      }
    }
  }
  if (sources.size() == 1) return std::move(sources.front());
  return std::unique_ptr<EventSource>(std::make_unique<MergedEventSource>(std::move(sources)));
}

}  // namespace

Result<BacktestResult> runTickBacktest(const BacktestSpec& spec, const TickSettings& settings) {
  if (!isTickFormat(settings.format)) {
    return makeError("--format",
                     fmt::format("\"{}\": must be ohlcv, lobster, itch, trades or quotes", settings.format));
  }
  if (spec.data.empty()) return makeError("--data", "give at least one data file");
  if (spec.strategies.empty()) return makeError("strategy", "no strategy given");
  auto latency = parseLatency(settings.latency);
  if (!latency) return latency.error();
  auto queue = parseQueueModel(settings.queue);
  if (!queue) return queue.error();
  auto instruments = specInstruments(spec);
  if (!instruments) return instruments.error();
  TickOptions options;
  options.account = spec.options.account;
  options.fx = spec.options.fx;
  options.progress = spec.options.progress;
  options.latencyNanos = *latency;
  options.queue = *queue;
  options.depthUpdates = settings.depthUpdates;
  const bool orderLevel = settings.format == "lobster" || settings.format == "itch";
  TickBacktester bt(*instruments,
                    std::vector<ReplayDepth>(instruments->size(), orderLevel ? ReplayDepth::L3 : ReplayDepth::L2),
                    options);
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
    auto added = bt.addStrategy(std::move(made).value(), ids, s.label.empty() ? s.name : s.label);
    if (!added) return added.error();
  }
  auto source = openTickData(spec, settings, *instruments);
  if (!source) return source.error();
  return bt.run(**source);
}

}  // namespace alphintra::backtest
