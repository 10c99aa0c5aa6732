// BarSource: where a backtest reads its bars from, in batches, in time order (bars with the
// same start may come in any instrument order; the backtester groups them). Sources stream:
// a file-backed source holds one batch, never the whole history.
//
//   MemoryBarSource   bars held in memory (tests, generated benchmarks), sorted on construction
//   MergedBarSource   several per-instrument sources (e.g. one CSV file each) merged by time
//   ReaderBarSource   adapts any reader with `Result<bool> next(Bar&)` (the market-data module's
//                     CSV readers and history store) to a BarSource
#pragma once

#include <algorithm>
#include <memory>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "marketdata/bar.hpp"

namespace alphintra::backtest {

class BarSource {
 public:
  virtual ~BarSource() = default;
  // Fills up to out.size() bars; 0 at the end. Errors name the file, line and field.
  virtual Result<std::size_t> read(std::span<marketdata::Bar> out) = 0;
  // Total bars when known in advance (progress display), else 0.
  virtual std::size_t sizeHint() const noexcept { return 0; }
  // Every bar still to come, when the source already holds them in memory in time order, for
  // the backtester to read in place instead of copying them out in batches; else empty.
  virtual std::span<const marketdata::Bar> held() const noexcept { return {}; }
};

class MemoryBarSource final : public BarSource {
 public:
  explicit MemoryBarSource(std::vector<marketdata::Bar> bars) : bars_(std::move(bars)) {
    const auto earlier = [](const marketdata::Bar& a, const marketdata::Bar& b) { return a.start < b.start; };
    // Already in time order (the usual case): a linear check instead of a sort's buffer and passes.
    if (!std::is_sorted(bars_.begin(), bars_.end(), earlier)) std::stable_sort(bars_.begin(), bars_.end(), earlier);
  }
  Result<std::size_t> read(std::span<marketdata::Bar> out) override {
    const std::size_t n = std::min(out.size(), bars_.size() - next_);
    std::copy_n(bars_.begin() + static_cast<std::ptrdiff_t>(next_), n, out.begin());
    next_ += n;
    return n;
  }
  std::size_t sizeHint() const noexcept override { return bars_.size(); }
  std::span<const marketdata::Bar> held() const noexcept override {
    return std::span<const marketdata::Bar>(bars_).subspan(next_);
  }
  void rewind() noexcept { next_ = 0; }

 private:
  std::vector<marketdata::Bar> bars_;
  std::size_t next_ = 0;
};

template <typename Reader>
class ReaderBarSource final : public BarSource {
 public:
  explicit ReaderBarSource(Reader reader) : reader_(std::move(reader)) {}
  Result<std::size_t> read(std::span<marketdata::Bar> out) override {
    std::size_t n = 0;
    while (n < out.size()) {
      auto more = reader_.next(out[n]);
      if (!more) return more.error();
      if (!*more) break;
      ++n;
    }
    return n;
  }

 private:
  Reader reader_;
};

// Merges sources by bar start (ties: the earlier source first), reading each one batch ahead.
class MergedBarSource final : public BarSource {
 public:
  explicit MergedBarSource(std::vector<std::unique_ptr<BarSource>> sources);
  Result<std::size_t> read(std::span<marketdata::Bar> out) override;
  std::size_t sizeHint() const noexcept override;

 private:
  struct Input {
    std::unique_ptr<BarSource> source;
    std::vector<marketdata::Bar> buffer;
    std::size_t next = 0;
    std::size_t size = 0;
    bool done = false;
  };
  Result<bool> refill(Input& input);

  std::vector<Input> inputs_;
};

}  // namespace alphintra::backtest
