// IdIndex: order id (uint64, never 0) → pool index (uint32), for the book's hot path.
//
// Open addressing with linear probing and backward-shift deletion: no tombstones, so a
// cancel-heavy stream never degrades probe lengths, and no allocation per entry (unlike
// std::unordered_map). Capacity is a power of two kept at most half full; it is reserved up
// front and only grows (rehash, the one allocation) when the live count passes half of it.
// Single-threaded: owned by the book's thread.
#pragma once

#include <cstdint>
#include <vector>

namespace alphintra::book {

class IdIndex {
 public:
  static constexpr std::uint32_t kMissing = 0xFFFFFFFFu;

  explicit IdIndex(std::uint32_t expected = 1024) { reserve(expected); }

  void reserve(std::uint32_t expected) {
    std::size_t cap = 16;
    while (cap < static_cast<std::size_t>(expected) * 2) cap <<= 1;
    if (cap > slots_.size()) rehash(cap);
  }

  std::uint32_t find(std::uint64_t key) const noexcept {
    for (std::size_t i = slotOf(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == 0) return kMissing;
    }
  }

  // Inserts key (which must not be present).
  void insert(std::uint64_t key, std::uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t i = slotOf(key);
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{key, value};
    ++size_;
  }

  // Removes key if present.
  void erase(std::uint64_t key) noexcept {
    std::size_t i = slotOf(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == 0) return;
      i = (i + 1) & mask_;
    }
    // Backward-shift: pull later entries of the probe run into the hole when their home slot
    // does not lie cyclically within (hole, j].
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const std::size_t home = slotOf(slots_[j].key);
      const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
  }

  std::size_t size() const noexcept { return size_; }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = kMissing;
  };

  std::size_t slotOf(std::uint64_t key) const noexcept {
    // Fibonacci hashing: sequential ids spread over the table, multiply is one cycle.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    int bits = 0;
    while ((std::size_t{1} << bits) < capacity) ++bits;
    shift_ = 64 - bits;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key != 0) insert(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace alphintra::book
