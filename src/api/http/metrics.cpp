// MetricsRegistry (see metrics.hpp) and the text format.
#include "api/http/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

namespace alphintra::api::http {
namespace {

bool validName(std::string_view name, bool colonAllowed) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colonAllowed && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Label values: backslash, double quote and newline escaped. Help: backslash and newline.
void appendEscaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

void appendLabels(std::string& out, const MetricLabels& labels, std::string_view extraName = {},
                  std::string_view extraValue = {}) {
  if (labels.empty() && extraName.empty()) return;
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += name;
    out += "=\"";
    appendEscaped(out, value, true);
    out.push_back('"');
  }
  if (!extraName.empty()) {
    if (!first) out.push_back(',');
    out += extraName;
    out += "=\"";
    out += extraValue;
    out.push_back('"');
  }
  out.push_back('}');
}

void appendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void atomicAdd(std::atomic<double>& target, double d) noexcept {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + d, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Gauge::add(double d) noexcept { atomicAdd(value_, d); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) noexcept {
  // A dozen or so bounds: a linear scan beats a binary search's branches at this size.
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  atomicAdd(sum_, v);
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

MetricsRegistry::Child& MetricsRegistry::child(std::string_view name, std::string_view help, Type type,
                                               const std::vector<double>& bounds, MetricLabels labels) {
  if (!validName(name, true)) throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name));
  for (const auto& [label, value] : labels) {
    if (!validName(label, false) || label.starts_with("__") || label == "le") {
      throw std::invalid_argument(fmt::format("invalid label name \"{}\" on {}", label, name));
    }
  }
  if (!std::is_sorted(bounds.begin(), bounds.end())) {
    throw std::invalid_argument(fmt::format("bucket bounds of {} are not ascending", name));
  }
  std::lock_guard lock(mutex_);
  auto it = std::find_if(families_.begin(), families_.end(), [&](const auto& f) { return f->name == name; });
  if (it == families_.end()) {
    families_.push_back(std::make_unique<Family>(Family{std::string(name), std::string(help), type, bounds, {}}));
    it = std::prev(families_.end());
  } else if ((*it)->type != type || (*it)->help != help || (*it)->bounds != bounds) {
    throw std::invalid_argument(
        fmt::format("metric {} is registered already with another type, help or buckets", name));
  }
  Family& family = **it;
  for (Child& c : family.children) {
    if (c.labels == labels) return c;
  }
  Child c;
  c.labels = std::move(labels);
  switch (type) {
    case Type::Counter: c.counter = std::make_unique<Counter>(); break;
    case Type::Gauge: c.gauge = std::make_unique<Gauge>(); break;
    case Type::Histogram: c.histogram = std::make_unique<Histogram>(bounds); break;
  }
  family.children.push_back(std::move(c));
  return family.children.back();
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, MetricLabels labels) {
  return *child(name, help, Type::Counter, {}, std::move(labels)).counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, MetricLabels labels) {
  return *child(name, help, Type::Gauge, {}, std::move(labels)).gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                                      MetricLabels labels) {
  return *child(name, help, Type::Histogram, bounds, std::move(labels)).histogram;
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) {
    out += "# HELP ";
    out += family->name;
    out.push_back(' ');
    appendEscaped(out, family->help, false);
    out += "\n# TYPE ";
    out += family->name;
    out += family->type == Type::Counter ? " counter\n" : (family->type == Type::Gauge ? " gauge\n" : " histogram\n");
    for (const Child& c : family->children) {
      if (c.counter) {
        out += family->name;
        appendLabels(out, c.labels);
        fmt::format_to(std::back_inserter(out), " {}\n", c.counter->value());
      } else if (c.gauge) {
        out += family->name;
        appendLabels(out, c.labels);
        out.push_back(' ');
        appendNumber(out, c.gauge->value());
        out.push_back('\n');
      } else {
        const Histogram& h = *c.histogram;
        const std::vector<std::uint64_t> counts = h.cumulative();
        for (std::size_t i = 0; i < counts.size(); ++i) {
          std::string bound;
          if (i < h.bounds().size()) {
            appendNumber(bound, h.bounds()[i]);
          } else {
            bound = "+Inf";
          }
          out += family->name;
          out += "_bucket";
          appendLabels(out, c.labels, "le", bound);
          fmt::format_to(std::back_inserter(out), " {}\n", counts[i]);
        }
        out += family->name;
        out += "_sum";
        appendLabels(out, c.labels);
        out.push_back(' ');
        appendNumber(out, h.sum());
        out.push_back('\n');
        out += family->name;
        out += "_count";
        appendLabels(out, c.labels);
        // The +Inf bucket, not count(): the two agree in one rendering even under updates.
        fmt::format_to(std::back_inserter(out), " {}\n", counts.back());
      }
    }
  }
  return out;
}

std::vector<double> latencyBuckets() {
  return {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,    0.025,    0.05,    0.1,    0.25,    0.5,    1.0,   2.5,    10.0};
}

}  // namespace alphintra::api::http
