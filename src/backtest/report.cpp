#include "backtest/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "core/decimal.hpp"

namespace alphintra::backtest {

namespace {

// Days since 1970-01-01 → civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
void civil(std::int64_t days, int& y, unsigned& m, unsigned& d) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.17g}", v) : "null"; }

const Instrument* findInstrument(const BacktestResult& r, InstrumentId id) {
  for (const Instrument& in : r.instruments) {
    if (in.id() == id) return &in;
  }
  return nullptr;
}

std::string symbolOf(const BacktestResult& r, InstrumentId id) {
  const Instrument* in = findInstrument(r, id);
  return in != nullptr ? in->symbol() : std::to_string(id.value());
}

std::string jsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string formatTime(Timestamp t) {
  const std::int64_t ns = t.nanos();
  std::int64_t secs = ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
  const std::int64_t frac = ns - secs * 1'000'000'000;
  std::int64_t days = secs >= 0 ? secs / 86'400 : -((-secs + 86'399) / 86'400);
  const std::int64_t sod = secs - days * 86'400;
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  civil(days, y, mo, d);
  std::string out =
      fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", y, mo, d, sod / 3600, sod / 60 % 60, sod % 60);
  if (frac != 0) out += fmt::format(".{:09d}", frac);
  return out + "Z";
}

std::string metricsJson(const BacktestResult& result, const Metrics& m) {
  std::string out = "{\n";
  auto field = [&](std::string_view name, const std::string& value, bool last = false) {
    out += fmt::format("  \"{}\": {}{}\n", name, value, last ? "" : ",");
  };
  field("initial_equity", number(m.initialEquity));
  field("final_equity", number(m.finalEquity));
  field("total_return", number(m.totalReturn));
  field("cagr", number(m.cagr));
  field("annual_volatility", number(m.annualVolatility));
  field("sharpe", number(m.sharpe));
  field("sortino", number(m.sortino));
  field("max_drawdown", number(m.maxDrawdown));
  field("max_drawdown_days", number(m.maxDrawdownDays));
  field("max_drawdown_bars", std::to_string(m.maxDrawdownBars));
  field("calmar", number(m.calmar));
  field("win_rate", number(m.winRate));
  field("profit_factor", number(m.profitFactor));
  field("turnover", number(m.turnover));
  field("exposure", number(m.exposure));
  field("trades", std::to_string(m.trades));
  field("fills", std::to_string(m.fills));
  field("bars", std::to_string(result.bars));
  field("periods", std::to_string(m.bars));
  field("periods_per_year", number(m.periodsPerYear));
  field("years", number(m.years));
  field("start", result.equity.empty() ? "null" : jsonString(formatTime(result.equity.front().time)));
  field("end", result.equity.empty() ? "null" : jsonString(formatTime(result.equity.back().time)));
  out += "  \"strategies\": [";
  for (std::size_t i = 0; i < result.strategies.size(); ++i) {
    const StrategyOutcome& s = result.strategies[i];
    out += fmt::format(
        "{}\n    {{\"label\": {}, \"initial_equity\": {}, \"final_equity\": {}, \"orders\": {}, \"rejects\": {}}}",
        i == 0 ? "" : ",", jsonString(s.label), number(s.initialEquity), number(s.finalEquity), s.orders, s.rejects);
  }
  out += "\n  ]\n}\n";
  return out;
}

Result<bool> writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return makeError("out", "cannot write " + path.string());
  return true;
}

Result<bool> writeReports(const std::filesystem::path& dir, const BacktestResult& result, const Metrics& metrics) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError("out", "cannot create directory " + dir.string() + ": " + ec.message());
  if (auto ok = writeFile(dir / "metrics.json", metricsJson(result, metrics)); !ok) return ok;

  std::string equity = "time,equity,cash,gross_exposure,drawdown\n";
  double peak = result.initialEquity;
  for (const EquityPoint& p : result.equity) {
    peak = std::max(peak, p.equity);
    equity += fmt::format("{},{},{},{},{}\n", formatTime(p.time), number(p.equity), number(p.cash),
                          number(p.grossExposure), number(peak > 0 ? 1 - p.equity / peak : 0.0));
  }
  if (auto ok = writeFile(dir / "equity.csv", equity); !ok) return ok;

  std::string trades = "strategy,instrument,direction,entry_time,exit_time,quantity,entry_price,exit_price,pnl\n";
  for (const RoundTrip& t : result.trades) {
    trades +=
        fmt::format("{},{},{},{},{},{},{},{},{}\n", result.strategies[t.strategy].label, symbolOf(result, t.instrument),
                    t.direction == Side::Buy ? "long" : "short", formatTime(t.entryTime), formatTime(t.exitTime),
                    number(t.quantity), number(t.entryPrice), number(t.exitPrice), number(t.pnl));
  }
  if (auto ok = writeFile(dir / "trades.csv", trades); !ok) return ok;

  std::string fills = "time,strategy,instrument,side,quantity,price,fee\n";
  for (const FillRecord& f : result.fills) {
    const Instrument* in = findInstrument(result, f.instrument);
    const int minor = in != nullptr ? in->currency().minorUnits() : 2;
    fills += fmt::format("{},{},{},{},{},{},{}\n", formatTime(f.time), result.strategies[f.strategy].label,
                         symbolOf(result, f.instrument), toString(f.side),
                         in != nullptr ? in->formatQuantity(f.quantity) : std::to_string(f.quantity.raw()),
                         in != nullptr ? in->formatPrice(f.price) : std::to_string(f.price.raw()),
                         formatDecimal(f.fee.raw(), minor));
  }
  return writeFile(dir / "fills.csv", fills);
}

}  // namespace alphintra::backtest
