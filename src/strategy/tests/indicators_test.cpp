// Each indicator against tests/indicator_reference.py, which recomputes every value from its
// definition over the whole window (no incremental update). Tolerance: 1e-9 relative to the
// magnitude of the value (at least 1e-9 absolute); the series is 3,000 bars of a random walk
// around 100 with noisy highs and lows, long enough for running sums to drift if they could.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "strategy/indicators.hpp"

namespace alphintra::strategy {
namespace {

struct Row {
  double high, low, close, volume;
};

std::vector<Row> series(std::size_t n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Row> rows;
  double price = 100;
  for (std::size_t i = 0; i < n; ++i) {
    price += step(rng);
    if (i % 97 == 50) {
      for (int k = 0; k < 3 && i < n; ++k) rows.push_back({price, price, price, 10});  // flat: RSI and z edge cases
    }
    rows.push_back({price + u(rng) * 2, price - u(rng) * 2, price, 1 + std::floor(u(rng) * 1000)});
  }
  return rows;
}

std::vector<std::vector<double>> reference(const std::vector<Row>& rows) {
  const char* source = std::getenv("ALPHINTRA_SOURCE_DIR");
  const std::string dir = source ? source : ".";
  const auto input = std::filesystem::temp_directory_path() / ("indicators_" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(input);
    out.precision(17);
    for (const Row& r : rows) out << r.high << ',' << r.low << ',' << r.close << ',' << r.volume << '\n';
  }
  const std::string command = "python3 " + dir + "/src/strategy/tests/indicator_reference.py " + input.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  std::vector<std::vector<double>> out;
  if (pipe == nullptr) return out;
  std::string text;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  ::pclose(pipe);
  std::filesystem::remove(input);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<double> values;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) values.push_back(std::strtod(cell.c_str(), nullptr));
    out.push_back(values);
  }
  return out;
}

void expectNear(double actual, double expected, const char* what, std::size_t bar) {
  const double tolerance = 1e-9 * std::max(1.0, std::abs(expected));
  ASSERT_NEAR(actual, expected, tolerance) << what << " at bar " << bar;
}

TEST(Indicators, MatchTheDirectReferenceComputation) {
  const auto rows = series(3000);
  const auto ref = reference(rows);
  ASSERT_EQ(ref.size(), rows.size()) << "python3 reference did not run";
  Sma sma(10);
  Ema ema(10);
  Rsi rsi(14);
  Macd macd(12, 26, 9);
  BollingerBands boll(20, 2.0);
  Atr atr(14);
  Vwap vwap;
  RollingZScore z(15);
  RollingRegression reg(25);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    sma.update(r.close);
    ema.update(r.close);
    rsi.update(r.close);
    macd.update(r.close);
    boll.update(r.close);
    atr.update(r.high, r.low, r.close);
    vwap.updateBar(r.high, r.low, r.close, r.volume);
    z.update(r.close);
    reg.update(r.high, r.close);
    const auto& e = ref[i];
    ASSERT_EQ(e.size(), 14u);
    EXPECT_EQ(sma.ready(), !std::isnan(e[0])) << i;
    EXPECT_EQ(ema.ready(), !std::isnan(e[1])) << i;
    EXPECT_EQ(rsi.ready(), !std::isnan(e[2])) << i;
    EXPECT_EQ(macd.ready(), !std::isnan(e[4])) << i;
    EXPECT_EQ(boll.ready(), !std::isnan(e[6])) << i;
    EXPECT_EQ(atr.ready(), !std::isnan(e[9])) << i;
    EXPECT_EQ(z.ready(), !std::isnan(e[11])) << i;
    EXPECT_EQ(reg.ready(), !std::isnan(e[12])) << i;
    if (sma.ready()) expectNear(sma.value(), e[0], "sma", i);
    if (ema.ready()) expectNear(ema.value(), e[1], "ema", i);
    if (rsi.ready()) expectNear(rsi.value(), e[2], "rsi", i);
    if (macd.ready()) {
      expectNear(macd.macd(), e[3], "macd", i);
      expectNear(macd.signal(), e[4], "macd signal", i);
      expectNear(macd.histogram(), e[5], "macd histogram", i);
    }
    if (boll.ready()) {
      expectNear(boll.middle(), e[6], "bollinger middle", i);
      expectNear(boll.upper(), e[7], "bollinger upper", i);
      expectNear(boll.lower(), e[8], "bollinger lower", i);
    }
    if (atr.ready()) expectNear(atr.value(), e[9], "atr", i);
    expectNear(vwap.value(), e[10], "vwap", i);
    if (z.ready()) expectNear(z.value(), e[11], "z-score", i);
    if (reg.ready()) {
      expectNear(reg.beta(), e[12], "regression beta", i);
      expectNear(reg.alpha(), e[13], "regression alpha", i);
    }
    ++checked;
  }
  EXPECT_EQ(checked, rows.size());
}

// Hand-computed values, independent of any script.
TEST(Indicators, TextbookValuesByHand) {
  Sma sma(3);
  for (double x : {1.0, 2.0, 3.0, 4.0}) sma.update(x);
  EXPECT_DOUBLE_EQ(sma.value(), 3.0);  // (2 + 3 + 4) / 3

  Ema ema(3);  // alpha 0.5, seed mean(1, 2, 3) = 2
  for (double x : {1.0, 2.0, 3.0, 6.0}) ema.update(x);
  EXPECT_DOUBLE_EQ(ema.value(), 4.0);  // 2 + 0.5 × (6 − 2)

  Rsi rsi(2);  // changes +1, −1: avg gain 0.5, avg loss 0.5 → RS 1 → 50; then +2: gain (0.5+2)/2, loss 0.25
  for (double x : {10.0, 11.0, 10.0}) rsi.update(x);
  EXPECT_DOUBLE_EQ(rsi.value(), 50.0);
  rsi.update(12.0);
  EXPECT_DOUBLE_EQ(rsi.value(), 100.0 - 100.0 / (1.0 + 1.25 / 0.25));

  RollingZScore z(4);  // 2, 4, 4, 4 → mean 3.5, population sd sqrt(0.75)
  for (double x : {2.0, 4.0, 4.0, 4.0}) z.update(x);
  EXPECT_NEAR(z.value(), 0.5 / std::sqrt(0.75), 1e-15);

  Atr atr(2);  // TR 2, then max(1, |5−4|, |4−4|... ) with prev close 4: bar2 h5 l4 → max(1, 1, 0) = 1
  atr.update(5, 3, 4);
  atr.update(5, 4, 4.5);
  EXPECT_DOUBLE_EQ(atr.value(), 1.5);
  atr.update(7, 6, 6.5);  // TR max(1, 2.5, 1.5) = 2.5; Wilder (1.5 + 2.5) / 2
  EXPECT_DOUBLE_EQ(atr.value(), 2.0);

  Vwap vwap;
  vwap.update(10, 1);
  vwap.update(20, 3);
  EXPECT_DOUBLE_EQ(vwap.value(), 17.5);

  RollingRegression reg(3);  // y = 1 + 2x exactly, after a point that leaves the window
  reg.update(0, 100);
  for (double x : {1.0, 2.0, 3.0}) reg.update(x, 1 + 2 * x);
  EXPECT_NEAR(reg.beta(), 2.0, 1e-12);
  EXPECT_NEAR(reg.alpha(), 1.0, 1e-12);
}

}  // namespace
}  // namespace alphintra::strategy
