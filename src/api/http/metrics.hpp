// MetricsRegistry: counters, gauges and histograms with labels, rendered in the Prometheus text
// exposition format (version 0.0.4) for GET /metrics.
//
// A metric is registered once (name, help, fixed label values) and the caller keeps the
// returned reference: updates are single relaxed atomic operations, no lock and no allocation
// (hot paths: the publisher thread, the HTTP I/O threads). Registering the same name and labels
// again returns the same metric, so callers with labels known only at run time (a venue, a
// status) register on first sight and cache the reference.
// Invariants: a name has one type, one help and (histograms) one set of bucket bounds;
// references stay valid for the registry's life (children are never removed).
// Threading: registration and render() under one mutex, any thread; updates from any thread.
// A render() concurrent with updates sees each value at some moment (a histogram's buckets and
// count may be one observation apart).
// Known limits: counters are integers; no summaries, no timestamps, no exemplars.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alphintra::api::http {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending (an implicit +Inf bucket follows).
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Cumulative counts per bound, then +Inf (= count).
  std::vector<std::uint64_t> cumulative() const;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative; last: +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

class MetricsRegistry {
 public:
  // std::invalid_argument for a malformed name or label name, or a name registered with
  // another type, help or bucket bounds (programming errors, found at start-up).
  Counter& counter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       MetricLabels labels = {});

  // Families in registration order, children in registration order.
  std::string render() const;

 private:
  enum class Type : std::uint8_t { Counter, Gauge, Histogram };
  struct Child {
    MetricLabels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::vector<double> bounds;
    std::vector<Child> children;
  };

  Child& child(std::string_view name, std::string_view help, Type type, const std::vector<double>& bounds,
               MetricLabels labels);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// Buckets for latencies in seconds: 10 µs to 10 s.
std::vector<double> latencyBuckets();

}  // namespace alphintra::api::http
