// Technical indicators, each updated in O(1) per value with storage taken at construction:
// SMA, EMA, RSI (Wilder), MACD, Bollinger bands, ATR (Wilder), VWAP, rolling z-score and a
// rolling least-squares regression (the pairs strategy's hedge ratio).
//
// Conventions (the ones TA-Lib and the textbooks use, so that values can be compared):
//   * An indicator is ready() once it has seen enough values; value() is meaningless before.
//   * EMA(n): alpha = 2 / (n + 1), seeded with the simple mean of the first n values.
//   * RSI(n), ATR(n): Wilder smoothing (alpha = 1 / n), seeded with the simple mean of the
//     first n changes / true ranges; RSI is 100 when there was no loss in the window.
//   * MACD(f, s, g): EMA(f) − EMA(s) from the value where EMA(s) is ready; signal = EMA(g) of
//     the MACD line; histogram = MACD − signal.
//   * Bollinger and z-score use the population standard deviation of the window.
//   * VWAP is cumulative from the last reset() (a session).
// Numbers are doubles: indicators are analytics, orders are fixed-point. Rolling means and
// variances use the windowed Welford update (add one value, remove the oldest), which keeps
// cancellation error near machine precision; sums of integer-valued inputs (raw prices) are
// exact, which is what lets sma_cross match a vectorized computation bit for bit.
//
// Threading: plain values owned by one strategy. Checked against tests/indicator_reference.py.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "strategy/rolling_window.hpp"

namespace alphintra::strategy {

class Sma {
 public:
  explicit Sma(std::size_t period) : window_(period) {}
  void update(double x) noexcept {
    double old = 0;
    if (window_.push(x, old)) sum_ -= old;
    sum_ += x;
  }
  bool ready() const noexcept { return window_.full(); }
  double value() const noexcept { return sum_ / static_cast<double>(window_.capacity()); }
  double sum() const noexcept { return sum_; }
  std::size_t period() const noexcept { return window_.capacity(); }

 private:
  RollingWindow<double> window_;
  double sum_ = 0;
};

class Ema {
 public:
  explicit Ema(std::size_t period)
      : period_(period == 0 ? 1 : period), alpha_(2.0 / (static_cast<double>(period_) + 1.0)) {}
  void update(double x) noexcept {
    if (count_ < period_) {
      seed_ += x;
      if (++count_ == period_) value_ = seed_ / static_cast<double>(period_);
      return;
    }
    value_ += alpha_ * (x - value_);
  }
  bool ready() const noexcept { return count_ >= period_; }
  double value() const noexcept { return value_; }

 private:
  std::size_t period_;
  double alpha_;
  std::size_t count_ = 0;
  double seed_ = 0;
  double value_ = 0;
};

// Wilder's smoothing: the mean of the first n inputs, then avg += (x − avg) / n.
class WilderAverage {
 public:
  explicit WilderAverage(std::size_t period) : period_(period == 0 ? 1 : period) {}
  void update(double x) noexcept {
    if (count_ < period_) {
      seed_ += x;
      if (++count_ == period_) value_ = seed_ / static_cast<double>(period_);
      return;
    }
    value_ = (value_ * static_cast<double>(period_ - 1) + x) / static_cast<double>(period_);
  }
  bool ready() const noexcept { return count_ >= period_; }
  double value() const noexcept { return value_; }

 private:
  std::size_t period_;
  std::size_t count_ = 0;
  double seed_ = 0;
  double value_ = 0;
};

class Rsi {
 public:
  explicit Rsi(std::size_t period = 14) : gains_(period), losses_(period) {}
  void update(double price) noexcept {
    if (hasPrevious_) {
      const double change = price - previous_;
      gains_.update(change > 0 ? change : 0.0);
      losses_.update(change < 0 ? -change : 0.0);
    }
    previous_ = price;
    hasPrevious_ = true;
  }
  bool ready() const noexcept { return gains_.ready(); }
  double value() const noexcept {
    if (losses_.value() == 0) return gains_.value() == 0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + gains_.value() / losses_.value());
  }

 private:
  WilderAverage gains_;
  WilderAverage losses_;
  double previous_ = 0;
  bool hasPrevious_ = false;
};

class Macd {
 public:
  Macd(std::size_t fast = 12, std::size_t slow = 26, std::size_t signal = 9)
      : fast_(fast), slow_(slow), signal_(signal) {}
  void update(double price) noexcept {
    fast_.update(price);
    slow_.update(price);
    if (slow_.ready() && fast_.ready()) {
      macd_ = fast_.value() - slow_.value();
      signal_.update(macd_);
    }
  }
  bool ready() const noexcept { return signal_.ready(); }
  double macd() const noexcept { return macd_; }
  double signal() const noexcept { return signal_.value(); }
  double histogram() const noexcept { return macd_ - signal_.value(); }

 private:
  Ema fast_;
  Ema slow_;
  Ema signal_;
  double macd_ = 0;
};

// Mean and population variance of the last n values (windowed Welford).
class RollingStats {
 public:
  explicit RollingStats(std::size_t period) : window_(period) {}
  void update(double x) noexcept {
    double old = 0;
    if (window_.push(x, old)) {
      const double n = static_cast<double>(window_.size());
      const double mean = mean_ + (x - old) / n;
      m2_ += (x - old) * (x - mean + old - mean_);
      mean_ = mean;
    } else {
      const double n = static_cast<double>(window_.size());
      const double d = x - mean_;
      mean_ += d / n;
      m2_ += d * (x - mean_);
    }
    if (m2_ < 0) m2_ = 0;  // rounding can leave a tiny negative for a constant window
  }
  bool ready() const noexcept { return window_.full(); }
  double mean() const noexcept { return mean_; }
  double variance() const noexcept { return window_.size() == 0 ? 0.0 : m2_ / static_cast<double>(window_.size()); }
  double stddev() const noexcept { return std::sqrt(variance()); }
  double newest() const noexcept { return window_.newest(); }

 private:
  RollingWindow<double> window_;
  double mean_ = 0;
  double m2_ = 0;
};

class BollingerBands {
 public:
  BollingerBands(std::size_t period = 20, double width = 2.0) : stats_(period), width_(width) {}
  void update(double price) noexcept { stats_.update(price); }
  bool ready() const noexcept { return stats_.ready(); }
  double middle() const noexcept { return stats_.mean(); }
  double upper() const noexcept { return stats_.mean() + width_ * stats_.stddev(); }
  double lower() const noexcept { return stats_.mean() - width_ * stats_.stddev(); }

 private:
  RollingStats stats_;
  double width_;
};

// (newest − mean) / stddev of the window that includes the newest value; 0 for a flat window.
class RollingZScore {
 public:
  explicit RollingZScore(std::size_t period) : stats_(period) {}
  void update(double x) noexcept { stats_.update(x); }
  bool ready() const noexcept { return stats_.ready(); }
  double value() const noexcept {
    const double sd = stats_.stddev();
    return sd > 0 ? (stats_.newest() - stats_.mean()) / sd : 0.0;
  }
  double mean() const noexcept { return stats_.mean(); }
  double stddev() const noexcept { return stats_.stddev(); }

 private:
  RollingStats stats_;
};

// True range: max(high − low, |high − previous close|, |low − previous close|); the first bar's
// is high − low.
class Atr {
 public:
  explicit Atr(std::size_t period = 14) : average_(period) {}
  void update(double high, double low, double close) noexcept {
    double range = high - low;
    if (hasPrevious_) range = std::max({range, std::abs(high - previousClose_), std::abs(low - previousClose_)});
    average_.update(range);
    previousClose_ = close;
    hasPrevious_ = true;
  }
  bool ready() const noexcept { return average_.ready(); }
  double value() const noexcept { return average_.value(); }

 private:
  WilderAverage average_;
  double previousClose_ = 0;
  bool hasPrevious_ = false;
};

class Vwap {
 public:
  void update(double price, double volume) noexcept {
    notional_ += price * volume;
    volume_ += volume;
  }
  // A bar's typical price (high + low + close) / 3 weighted by its volume.
  void updateBar(double high, double low, double close, double volume) noexcept {
    update((high + low + close) / 3.0, volume);
  }
  bool ready() const noexcept { return volume_ > 0; }
  double value() const noexcept { return volume_ > 0 ? notional_ / volume_ : 0.0; }
  void reset() noexcept { notional_ = volume_ = 0; }

 private:
  double notional_ = 0;
  double volume_ = 0;
};

// Least squares y = alpha + beta·x over the last n pairs (windowed co-moments).
class RollingRegression {
 public:
  explicit RollingRegression(std::size_t period) : xs_(period), ys_(period) {}
  void update(double x, double y) noexcept {
    double oldX = 0;
    double oldY = 0;
    xs_.push(x, oldX);
    if (ys_.push(y, oldY)) remove(oldX, oldY);
    add(x, y);
  }
  bool ready() const noexcept { return xs_.full(); }
  double beta() const noexcept { return cxx_ > 0 ? cxy_ / cxx_ : 0.0; }
  double alpha() const noexcept { return meanY_ - beta() * meanX_; }
  // y − (alpha + beta·x) of the newest pair.
  double residual() const noexcept { return ys_.newest() - alpha() - beta() * xs_.newest(); }

 private:
  void add(double x, double y) noexcept {
    n_ += 1;
    const double dx = x - meanX_;
    meanX_ += dx / n_;
    meanY_ += (y - meanY_) / n_;
    cxx_ += dx * (x - meanX_);
    cxy_ += dx * (y - meanY_);
  }
  void remove(double x, double y) noexcept {
    n_ -= 1;
    if (n_ <= 0) {
      n_ = meanX_ = meanY_ = cxx_ = cxy_ = 0;
      return;
    }
    const double dx = x - meanX_;
    meanX_ -= dx / n_;
    meanY_ -= (y - meanY_) / n_;
    cxx_ -= dx * (x - meanX_);
    cxy_ -= dx * (y - meanY_);
  }

  RollingWindow<double> xs_;
  RollingWindow<double> ys_;
  double n_ = 0;
  double meanX_ = 0;
  double meanY_ = 0;
  double cxx_ = 0;
  double cxy_ = 0;
};

}  // namespace alphintra::strategy
