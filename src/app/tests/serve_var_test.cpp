// The server's market risk model (serve_var.hpp) on a history store written by the test: the
// covariance it estimates from 1-second bars (forward-filled gaps, EWMA, one-day scaling) gives
// the delta-normal VaR, Expected Shortfall and Euler components computed here independently, and
// every case without an estimate answers an error naming the instrument.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "app/serve_var.hpp"
#include "core/tests/scratch_dir.hpp"

namespace alphintra::app {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kEnd = 1'700'000'000;  // seconds since the epoch: the window's end
constexpr std::int64_t kWindow = 300;

struct TempDir {
  std::filesystem::path path = scratchDirectory("serve-var");
  TempDir() { std::filesystem::create_directories(path); }
};

// Writes one 1-second bar per entry of `closes` whose value is > 0 (0: no trade that second),
// second k of the window [kEnd - kWindow, kEnd).
void writeSeries(marketdata::HistoryWriter& writer, std::uint64_t id, const std::string& symbol,
                 const std::vector<std::int64_t>& closes) {
  ASSERT_TRUE(writer.describe({InstrumentId{id}, symbol, 6, 0}).ok());
  for (std::size_t k = 0; k < closes.size(); ++k) {
    if (closes[k] <= 0) continue;
    marketdata::Bar bar;
    bar.instrument = InstrumentId{id};
    bar.start = Timestamp{(kEnd - kWindow + static_cast<std::int64_t>(k)) * kSecond};
    bar.open = bar.high = bar.low = bar.close = Price::fromRaw(closes[k]);
    bar.volume = Quantity::fromRaw(1);
    bar.tradeCount = 1;
    ASSERT_TRUE(writer.appendBar(bar, kSecond).ok());
  }
}

// Simple returns of a forward-filled series from its first close on.
std::vector<double> returnsOf(std::vector<std::int64_t> closes, std::size_t from) {
  for (std::size_t k = 1; k < closes.size(); ++k) {
    if (closes[k] <= 0) closes[k] = closes[k - 1];
  }
  std::vector<double> r;
  for (std::size_t k = from + 1; k < closes.size(); ++k)
    r.push_back(static_cast<double>(closes[k]) / static_cast<double>(closes[k - 1]) - 1.0);
  return r;
}

// EWMA covariance: weights lambda^(T-1-t) normalised, around the weighted means.
double ewmaCov(const std::vector<double>& a, const std::vector<double>& b, double lambda) {
  const std::size_t n = a.size();
  std::vector<double> w(n);
  double total = 0;
  for (std::size_t t = 0; t < n; ++t) total += w[t] = std::pow(lambda, static_cast<double>(n - 1 - t));
  double ma = 0, mb = 0;
  for (std::size_t t = 0; t < n; ++t) ma += w[t] * a[t] / total, mb += w[t] * b[t] / total;
  double c = 0;
  for (std::size_t t = 0; t < n; ++t) c += w[t] * (a[t] - ma) * (b[t] - mb) / total;
  return c;
}

class ServeVarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = marketdata::HistoryWriter::open(dir.path);
    ASSERT_TRUE(writer.ok());
    // A: a deterministic zig-zag walk; B: another, with seconds without trades; C: 10 bars only.
    a.assign(kWindow, 0);
    b.assign(kWindow, 0);
    c.assign(kWindow, 0);
    std::int64_t pa = 100'000'000, pb = 50'000'000;
    for (std::size_t k = 0; k < kWindow; ++k) {
      pa += (k % 3 == 0 ? 70'000 : -30'000) + static_cast<std::int64_t>(k % 7) * 1'000;
      pb += (k % 2 == 0 ? -40'000 : 45'000);
      a[k] = pa;
      if (k % 5 != 3) b[k] = pb;  // gaps: forward-filled by the model
    }
    for (std::size_t k = kWindow - 10; k < kWindow; ++k) c[k] = 20'000'000 + static_cast<std::int64_t>(k);
    writeSeries(writer.value(), 1, "AAA", a);
    writeSeries(writer.value(), 2, "BBB", b);
    writeSeries(writer.value(), 3, "CCC", c);
    ASSERT_TRUE(writer.value().flush().ok());
    options.window = std::chrono::seconds{kWindow};
    options.lambda = 0.99;
    options.secondsPerDay = 100;
    options.minObservations = 60;
  }

  TempDir dir;
  std::vector<std::int64_t> a, b, c;
  ServeVarOptions options;
};

TEST_F(ServeVarTest, DeltaNormalFiguresFromTheRecordedHistory) {
  auto model = ServeVar::open(dir.path, options);
  ASSERT_TRUE(model.ok());
  model.value()->refresh(Timestamp{kEnd * kSecond});
  const std::vector<api::http::InstrumentExposure> exposures{{InstrumentId{1}, "AAA", 1'000'000.0},
                                                             {InstrumentId{2}, "BBB", -500'000.0}};
  auto figures = model.value()->estimate(exposures);
  ASSERT_TRUE(figures.ok()) << figures.error().message;

  const auto ra = returnsOf(a, 0), rb = returnsOf(b, 0);
  ASSERT_EQ(ra.size(), static_cast<std::size_t>(kWindow - 1));
  const double saa = ewmaCov(ra, ra, 0.99) * 100, sbb = ewmaCov(rb, rb, 0.99) * 100, sab = ewmaCov(ra, rb, 0.99) * 100;
  const double ea = 1'000'000.0, eb = -500'000.0;
  const double sigma = std::sqrt(ea * ea * saa + eb * eb * sbb + 2 * ea * eb * sab);
  const double z = 2.3263478740408408;  // Phi^-1(0.99)
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  EXPECT_EQ(figures->method, "parametric_ewma");
  EXPECT_EQ(figures->observations, static_cast<std::size_t>(kWindow - 1));
  EXPECT_EQ(figures->asOfNanos, kEnd * kSecond);
  EXPECT_NEAR(figures->volatility, sigma, 1e-6 * sigma);
  EXPECT_NEAR(figures->var, z * sigma, 1e-6 * z * sigma);
  EXPECT_NEAR(figures->expectedShortfall, pdf / 0.01 * sigma, 1e-6 * sigma);
  ASSERT_EQ(figures->components.size(), 2u);
  const double compA = z * ea * (ea * saa + eb * sab) / sigma, compB = z * eb * (eb * sbb + ea * sab) / sigma;
  EXPECT_NEAR(figures->components[0], compA, 1e-6 * std::fabs(compA));
  EXPECT_NEAR(figures->components[1], compB, 1e-6 * std::fabs(compB));
  EXPECT_NEAR(figures->components[0] + figures->components[1], figures->var, 1e-6 * figures->var);

  // Linear in the exposures: twice the positions, twice the VaR.
  auto doubled = model.value()->estimate(std::vector<api::http::InstrumentExposure>{
      {InstrumentId{1}, "AAA", 2'000'000.0}, {InstrumentId{2}, "BBB", -1'000'000.0}});
  ASSERT_TRUE(doubled.ok());
  EXPECT_NEAR(doubled->var, 2 * figures->var, 1e-9 * figures->var);
}

TEST_F(ServeVarTest, NoEstimateIsAnErrorNamingTheInstrument) {
  auto model = ServeVar::open(dir.path, options);
  ASSERT_TRUE(model.ok());
  const std::vector<api::http::InstrumentExposure> thin{{InstrumentId{3}, "CCC", 1000.0}};
  auto before = model.value()->estimate(thin);
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.error().message.find("not estimated"), std::string::npos);

  model.value()->refresh(Timestamp{kEnd * kSecond});
  auto thinAnswer = model.value()->estimate(thin);
  ASSERT_FALSE(thinAnswer.ok());
  EXPECT_EQ(thinAnswer.error().field, "CCC");
  EXPECT_NE(thinAnswer.error().message.find("9 one-second returns"), std::string::npos) << thinAnswer.error().message;

  auto unknown = model.value()->estimate(std::vector<api::http::InstrumentExposure>{{InstrumentId{9}, "ZZZ", 1.0}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "ZZZ");

  auto none = model.value()->estimate({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->var, 0.0);

  // A window that ends before the history starts holds nothing for anyone.
  model.value()->refresh(Timestamp{(kEnd - 2 * kWindow) * kSecond});
  auto old = model.value()->estimate(std::vector<api::http::InstrumentExposure>{{InstrumentId{1}, "AAA", 1.0}});
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().field, "AAA");
}

TEST_F(ServeVarTest, InvalidSettingsAreRefusedAndTheThreadStartsAndStops) {
  ServeVarOptions bad = options;
  bad.lambda = 1.5;
  EXPECT_FALSE(ServeVar::open(dir.path, bad).ok());
  EXPECT_FALSE(ServeVar::open(dir.path / "missing", options).ok());
  auto model = ServeVar::open(dir.path, options);
  ASSERT_TRUE(model.ok());
  model.value()->start();
  model.value()->stop();
  model.value()->stop();  // idempotent
}

}  // namespace
}  // namespace alphintra::app
