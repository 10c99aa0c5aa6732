#include "app/serve_var.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cmath>

#include "analytics/covariance.hpp"
#include "analytics/var.hpp"

namespace alphintra::app {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// One instrument's 1-second closes over the window, forward-filled; 0 before its first bar.
struct CloseSeries {
  std::uint64_t instrument = 0;
  std::vector<double> close;
  std::size_t first = 0;  // first second with a close
};

}  // namespace

Result<std::unique_ptr<ServeVar>> ServeVar::open(const std::filesystem::path& historyDir, ServeVarOptions options) {
  auto reader = marketdata::HistoryReader::open(historyDir);
  if (!reader.ok()) return reader.error();
  if (options.window.count() < 2 || options.refresh.count() < 1 || !(options.lambda > 0.0 && options.lambda < 1.0) ||
      !(options.secondsPerDay > 0.0) || !(options.confidence > 0.0 && options.confidence < 1.0) ||
      options.minObservations < 2) {
    return makeError("var", "invalid market risk model settings");
  }
  return std::unique_ptr<ServeVar>(new ServeVar(std::move(reader).value(), options));
}

ServeVar::ServeVar(marketdata::HistoryReader reader, ServeVarOptions options)
    : reader_(std::move(reader)), options_(options) {}

ServeVar::~ServeVar() { stop(); }

void ServeVar::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ServeVar::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ServeVar::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    refresh(Timestamp{std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()});
    lock.lock();
    wake_.wait_for(lock, options_.refresh, [this] { return stop_; });
  }
}

void ServeVar::refresh(Timestamp end) {
  const std::int64_t seconds = options_.window.count();
  const std::int64_t endSecond = end.nanos() / kSecond;  // the window is [end - window, end), whole seconds
  const Timestamp start{(endSecond - seconds) * kSecond};
  std::vector<CloseSeries> series;
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->asOfNanos = endSecond * kSecond;
  for (const marketdata::HistoryInstrument& hi : reader_.instruments()) {
    CloseSeries s;
    s.instrument = hi.instrument.value();
    s.close.assign(static_cast<std::size_t>(seconds), 0.0);
    std::size_t first = s.close.size();
    const auto bars = reader_.queryBars(hi.instrument, kSecond, start, Timestamp{endSecond * kSecond},
                                        [&](const marketdata::Bar& bar) {
                                          const std::int64_t k = bar.start.nanos() / kSecond - (endSecond - seconds);
                                          if (k < 0 || k >= seconds || !bar.close.isDefined()) return true;
                                          s.close[static_cast<std::size_t>(k)] = static_cast<double>(bar.close.raw());
                                          first = std::min(first, static_cast<std::size_t>(k));
                                          return true;
                                        });
    if (!bars.ok()) continue;  // no 1-second bars (an imported instrument): not in the model
    const std::size_t returns = first < s.close.size() ? s.close.size() - first - 1 : 0;
    if (returns < options_.minObservations) {
      snapshot->thin[s.instrument] = returns;
      continue;
    }
    for (std::size_t k = first + 1; k < s.close.size(); ++k) {
      if (s.close[k] == 0.0) s.close[k] = s.close[k - 1];
    }
    s.first = first;
    series.push_back(std::move(s));
  }
  if (!series.empty()) {
    // A common sample: the seconds after the latest first close (>= minObservations returns by
    // the filter above).
    std::size_t common = 0;
    for (const auto& s : series) common = std::max(common, s.first);
    const auto rows = static_cast<Eigen::Index>(static_cast<std::size_t>(seconds) - common - 1);
    Eigen::MatrixXd returns(rows, static_cast<Eigen::Index>(series.size()));
    for (std::size_t j = 0; j < series.size(); ++j) {
      const auto& c = series[j].close;
      for (Eigen::Index r = 0; r < rows; ++r) {
        const std::size_t k = common + 1 + static_cast<std::size_t>(r);
        returns(r, static_cast<Eigen::Index>(j)) = c[k] / c[k - 1] - 1.0;
      }
    }
    auto cov = analytics::ewmaCovariance(returns, options_.lambda);
    if (cov.ok()) {
      Eigen::MatrixXd day = cov.value() * options_.secondsPerDay;
      const double ridge = 1e-9 * std::max(day.trace() / static_cast<double>(day.rows()), 1e-300);
      day.diagonal().array() += ridge;
      snapshot->covariance = analytics::risk::Matrix(series.size(), series.size());
      for (std::size_t i = 0; i < series.size(); ++i) {
        snapshot->index[series[i].instrument] = i;
        for (std::size_t j = 0; j < series.size(); ++j)
          snapshot->covariance(i, j) = day(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      }
      snapshot->observations = static_cast<std::size_t>(rows);
    }
  }
  snapshot_.store(std::shared_ptr<const Snapshot>(std::move(snapshot)));
}

Result<api::http::VarFigures> ServeVar::estimate(std::span<const api::http::InstrumentExposure> exposures) const {
  const std::shared_ptr<const Snapshot> snap = snapshot_.load();
  if (!snap) return makeError("", "the market risk model has not estimated a covariance yet");
  api::http::VarFigures out;
  out.method = "parametric_ewma";
  out.confidence = options_.confidence;
  out.horizonDays = 1;
  out.observations = snap->observations;
  out.asOfNanos = snap->asOfNanos;
  if (exposures.empty()) return out;  // no positions: no risk
  // The covariance of the instruments held, one factor each (exposures may repeat an instrument).
  std::vector<std::size_t> rows;  // model row per factor
  std::vector<analytics::risk::Position> positions;
  positions.reserve(exposures.size());
  for (const auto& e : exposures) {
    const auto it = snap->index.find(e.instrument.value());
    if (it == snap->index.end()) {
      const auto thin = snap->thin.find(e.instrument.value());
      return makeError(e.symbol, thin == snap->thin.end()
                                     ? std::string("has no recorded price history")
                                     : fmt::format("has {} one-second returns in the last {} s, {} needed",
                                                   thin->second, options_.window.count(), options_.minObservations));
    }
    const auto at = std::find(rows.begin(), rows.end(), it->second);
    const std::size_t factor = static_cast<std::size_t>(at - rows.begin());
    if (at == rows.end()) rows.push_back(it->second);
    analytics::risk::Position p;
    p.id = e.symbol;
    p.quantity = e.value;  // price 1: the exposure is the money value
    p.price = 1.0;
    p.factor = factor;
    positions.push_back(std::move(p));
  }
  analytics::risk::Matrix cov(rows.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows.size(); ++j) cov(i, j) = snap->covariance(rows[i], rows[j]);
  }
  auto figures = analytics::risk::parametricVar(positions, cov, {options_.confidence, 1.0});
  if (!figures.ok()) return figures.error();
  out.var = figures->var;
  out.expectedShortfall = figures->expectedShortfall;
  out.volatility = figures->volatility;
  out.components.reserve(figures->components.size());
  for (const auto& c : figures->components) out.components.push_back(c.component);
  return out;
}

api::http::VarEstimator ServeVar::estimator() const {
  return [this](std::span<const api::http::InstrumentExposure> exposures) { return estimate(exposures); };
}

}  // namespace alphintra::app
