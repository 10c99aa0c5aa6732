// RollingWindow: the last N values of a series in a ring, for O(1) indicators that must
// forget the value leaving the window. Storage is taken once at construction; push() never
// allocates.
//
// Threading: plain value, owned by one strategy. Known limit: capacity is fixed for its life.
#pragma once

#include <cstddef>
#include <vector>

namespace alphintra::strategy {

template <typename T>
class RollingWindow {
 public:
  explicit RollingWindow(std::size_t capacity) : values_(capacity == 0 ? 1 : capacity) {}

  // Appends `value`; returns true and sets `evicted` when the window was full.
  bool push(T value, T& evicted) noexcept {
    const bool full = size_ == values_.size();
    if (full) evicted = values_[head_];
    values_[head_] = value;
    head_ = head_ + 1 == values_.size() ? 0 : head_ + 1;
    if (!full) ++size_;
    return full;
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return values_.size(); }
  bool full() const noexcept { return size_ == values_.size(); }
  // i = 0 is the oldest value held.
  T operator[](std::size_t i) const noexcept {
    const std::size_t start = full() ? head_ : 0;
    const std::size_t j = start + i;
    return values_[j >= values_.size() ? j - values_.size() : j];
  }
  T newest() const noexcept { return values_[head_ == 0 ? values_.size() - 1 : head_ - 1]; }
  void clear() noexcept { head_ = size_ = 0; }

 private:
  std::vector<T> values_;
  std::size_t head_ = 0;  // where the next value goes
  std::size_t size_ = 0;
};

}  // namespace alphintra::strategy
