#include "backtest/tearsheet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "backtest/report.hpp"

namespace alphintra::backtest {

namespace {

constexpr double kWidth = 900;
constexpr double kHeight = 220;
constexpr double kPad = 40;

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

struct Scale {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double x(double v) const { return kPad + (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5) * (kWidth - 2 * kPad); }
  double y(double v) const { return kHeight - kPad + (y1 > y0 ? -(v - y0) / (y1 - y0) : -0.5) * (kHeight - 2 * kPad); }
};

// A line chart of ys over xs (at most ~2000 points drawn: a stride keeps files small).
std::string lineChart(const std::string& title, const std::vector<double>& xs, const std::vector<double>& ys,
                      const std::string& colour, std::string extra = {}, const Scale* given = nullptr) {
  Scale s;
  if (given != nullptr) {
    s = *given;
  } else if (!xs.empty()) {
    s.x0 = xs.front();
    s.x1 = xs.back();
    s.y0 = *std::min_element(ys.begin(), ys.end());
    s.y1 = *std::max_element(ys.begin(), ys.end());
  }
  std::string path;
  const std::size_t stride = std::max<std::size_t>(1, xs.size() / 2000);
  for (std::size_t i = 0; i < xs.size(); i += stride) {
    path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", s.x(xs[i]), s.y(ys[i]));
  }
  return fmt::format(
      "<h2>{}</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">"
      "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fafafa\"/>"
      "<text x=\"4\" y=\"{:.0f}\" font-size=\"11\">{:.6g}</text><text x=\"4\" y=\"{:.0f}\" "
      "font-size=\"11\">{:.6g}</text>"
      "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\"/>{}</svg>\n",
      escape(title), kWidth, kHeight, kWidth, kHeight, kWidth, kHeight, kPad - 4, s.y1, kHeight - kPad + 12, s.y0, path,
      colour, extra);
}

std::string metric(std::string_view name, double v, bool percent) {
  if (!std::isfinite(v)) return fmt::format("<tr><td>{}</td><td>–</td></tr>", name);
  return percent ? fmt::format("<tr><td>{}</td><td>{:.2f}%</td></tr>", name, v * 100)
                 : fmt::format("<tr><td>{}</td><td>{:.4g}</td></tr>", name, v);
}

}  // namespace

std::string tearsheetHtml(const BacktestResult& r, const Metrics& m, const std::string& title) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title><style>"
      "body{{font-family:sans-serif;margin:24px;color:#222}}table{{border-collapse:collapse}}"
      "td{{padding:2px 10px;border-bottom:1px solid #ddd}}h2{{font-size:15px;margin:18px 0 4px}}"
      ".hm td{{width:52px;text-align:right;font-size:11px;border:1px solid #fff}}</style></head><body>\n"
      "<h1>{0}</h1>\n",
      escape(title));
  html += "<table>";
  html += metric("Total return", m.totalReturn, true) + metric("CAGR", m.cagr, true) +
          metric("Annual volatility", m.annualVolatility, true) + metric("Sharpe", m.sharpe, false) +
          metric("Sortino", m.sortino, false) + metric("Max drawdown", m.maxDrawdown, true) +
          metric("Max drawdown (days)", m.maxDrawdownDays, false) + metric("Calmar", m.calmar, false) +
          metric("Win rate", m.winRate, true) + metric("Profit factor", m.profitFactor, false) +
          metric("Turnover (per year)", m.turnover, false) + metric("Exposure", m.exposure, true) +
          metric("Trades", static_cast<double>(m.trades), false) + metric("Final equity", m.finalEquity, false);
  html += "</table>\n";
  if (r.equity.empty()) return html + "<p>No bars.</p></body></html>\n";

  std::vector<double> xs, equity, drawdown;
  double peak = r.initialEquity;
  for (const EquityPoint& p : r.equity) {
    xs.push_back(static_cast<double>(p.time.nanos()) / 86'400e9);
    equity.push_back(p.equity);
    peak = std::max(peak, p.equity);
    drawdown.push_back(peak > 0 ? -(1 - p.equity / peak) * 100 : 0);
  }
  html += lineChart("Equity", xs, equity, "#1f5fa8");
  html += lineChart("Drawdown (%)", xs, drawdown, "#b03030");

  // Monthly returns: the last equity of each month against the last of the month before.
  std::map<std::pair<int, int>, double> monthEnd;
  for (const EquityPoint& p : r.equity) {
    const std::string t = formatTime(p.time);
    monthEnd[{std::stoi(t.substr(0, 4)), std::stoi(t.substr(5, 2))}] = p.equity;
  }
  html += "<h2>Monthly returns (%)</h2>\n<table class=\"hm\"><tr><td></td>";
  for (int mo = 1; mo <= 12; ++mo) html += fmt::format("<td>{}</td>", mo);
  html += "</tr>";
  double previous = r.initialEquity;
  int year = -1;
  for (const auto& [key, value] : monthEnd) {
    if (key.first != year) {
      if (year != -1) html += "</tr>";
      year = key.first;
      html += fmt::format("<tr><td>{}</td>", year);
      for (int mo = 1; mo < key.second; ++mo) html += "<td></td>";
    }
    const double ret = previous != 0 ? value / previous - 1 : 0;
    previous = value;
    const double strength = std::min(1.0, std::abs(ret) / 0.1);
    const int fade = static_cast<int>(255 - strength * 155);
    const std::string colour =
        ret >= 0 ? fmt::format("rgb({},255,{})", fade, fade) : fmt::format("rgb(255,{},{})", fade, fade);
    html += fmt::format("<td style=\"background:{}\">{:.1f}</td>", colour, ret * 100);
  }
  html += "</tr></table>\n";

  // Rolling Sharpe.
  const std::vector<double> returns = periodReturns(r.equity, r.initialEquity);
  const std::size_t window =
      std::max<std::size_t>(2, std::min<std::size_t>(static_cast<std::size_t>(m.periodsPerYear), returns.size() / 3));
  std::vector<double> rx, sharpe;
  double sum = 0, sumSq = 0;
  for (std::size_t i = 0; i < returns.size(); ++i) {
    sum += returns[i];
    sumSq += returns[i] * returns[i];
    if (i >= window) {
      sum -= returns[i - window];
      sumSq -= returns[i - window] * returns[i - window];
    }
    if (i + 1 >= window) {
      const double n = static_cast<double>(window);
      const double mean = sum / n;
      const double var = std::max(0.0, (sumSq - n * mean * mean) / (n - 1));
      rx.push_back(xs[i]);
      sharpe.push_back(var > 0 ? mean / std::sqrt(var) * std::sqrt(m.periodsPerYear) : 0);
    }
  }
  if (!rx.empty()) html += lineChart(fmt::format("Rolling Sharpe ({} bars)", window), rx, sharpe, "#6a3d9a");

  // Prices with fills.
  for (std::size_t i = 0; i < r.closes.size(); ++i) {
    const Instrument& in = r.instruments[i];
    Scale s;
    s.x0 = xs.front();
    s.x1 = xs.back();
    s.y0 = 1e300;
    s.y1 = -1e300;
    std::vector<double> px, py;
    for (std::size_t k = 0; k < r.closes[i].size(); ++k) {
      if (r.closes[i][k] <= 0) continue;
      px.push_back(xs[k]);
      py.push_back(r.closes[i][k]);
      s.y0 = std::min(s.y0, r.closes[i][k]);
      s.y1 = std::max(s.y1, r.closes[i][k]);
    }
    if (px.empty()) continue;
    std::string marks;
    std::size_t drawn = 0;
    for (const FillRecord& f : r.fills) {
      if (f.instrument != in.id() || drawn >= 2000) continue;
      ++drawn;
      const double fx = s.x(static_cast<double>(f.time.nanos()) / 86'400e9);
      const double fy = s.y(static_cast<double>(f.price.raw()) * std::pow(10.0, -in.pricePrecision()));
      marks += f.side == Side::Buy ? fmt::format("<path d=\"M{:.1f},{:.1f} l-4,7 l8,0 z\" fill=\"#1a9641\"/>", fx, fy)
                                   : fmt::format("<path d=\"M{:.1f},{:.1f} l-4,-7 l8,0 z\" fill=\"#d7191c\"/>", fx, fy);
    }
    html += lineChart(in.symbol() + " close and fills", px, py, "#444", marks, &s);
  }
  html += fmt::format("<p>{} bars, {} fills, {} round trips, {} to {}.</p>\n</body></html>\n", r.bars, r.fills.size(),
                      r.trades.size(), formatTime(r.equity.front().time), formatTime(r.equity.back().time));
  return html;
}

}  // namespace alphintra::backtest
