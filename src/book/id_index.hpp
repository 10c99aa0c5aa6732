// IdIndex: a key (uint64, never 0) → pool index (uint32), for the book's hot path: order id →
// order, and price → level.
//
// Open addressing with Robin Hood linear probing and backward-shift deletion: no tombstones
// (cancel-heavy flow never degrades it), lookups of absent keys stop early, and erase stops at
// the first entry sitting in its home slot. No allocation per entry (unlike
// std::unordered_map). Capacity is a power of two kept at most half full; it is reserved up
// front and only grows (rehash, the one allocation) past that.
//
// The hash keeps locality on purpose: consecutive keys (sequential order ids, adjacent prices)
// land in consecutive slots, so a book's live orders occupy few cache lines and almost never
// collide; folding in the higher bits keeps keys that differ by a multiple of the capacity
// apart. Single-threaded: owned by the book's thread.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace alphintra::book {

class IdIndex {
 public:
  static constexpr std::uint32_t kMissing = 0xFFFFFFFFu;

  explicit IdIndex(std::uint32_t expected = 1024) { reserve(expected); }

  void reserve(std::uint32_t expected) {
    // At most half full when `expected` keys are in: Robin Hood probing keeps runs short
    // at that load, and a smaller table stays in cache.
    std::size_t cap = 16;
    while (cap < static_cast<std::size_t>(expected) * 2) cap <<= 1;
    if (cap > slots_.size()) rehash(cap);
  }

  std::uint32_t find(std::uint64_t key) const noexcept {
    std::size_t i = slotOf(key);
    for (std::size_t dist = 0;; ++dist, i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == 0 || distance(s.key, i) < dist) return kMissing;
    }
  }

  // Inserts key → value unless key is present. Returns whether it inserted.
  bool insertIfAbsent(std::uint64_t key, std::uint32_t value) {
    if (find(key) != kMissing) return false;
    insert(key, value);
    return true;
  }

  // Inserts key (which must not be present).
  void insert(std::uint64_t key, std::uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    Slot entry{key, value};
    std::size_t i = slotOf(key);
    for (std::size_t dist = 0;; ++dist, i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == 0) {
        s = entry;
        ++size_;
        return;
      }
      // Robin Hood: the entry further from its home slot takes this one.
      const std::size_t existing = distance(s.key, i);
      if (existing < dist) {
        std::swap(entry, s);
        dist = existing;
      }
    }
  }

  // Removes key if present.
  void erase(std::uint64_t key) noexcept {
    std::size_t i = slotOf(key);
    for (std::size_t dist = 0;; ++dist, i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) break;
      if (s.key == 0 || distance(s.key, i) < dist) return;
    }
    // Backward shift: pull the following displaced entries one slot closer to home.
    for (std::size_t next = (i + 1) & mask_; slots_[next].key != 0 && distance(slots_[next].key, next) > 0;
         next = (next + 1) & mask_) {
      slots_[i] = slots_[next];
      i = next;
    }
    slots_[i] = Slot{};
    --size_;
  }

  std::size_t size() const noexcept { return size_; }

  // Cache hint: the home slot of `key` (where find() starts). Changes nothing.
  void prefetch(std::uint64_t key) const noexcept { __builtin_prefetch(&slots_[slotOf(key)]); }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = kMissing;
  };

  std::size_t slotOf(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>(key ^ (key >> bits_) ^ (key >> secondShift_)) & mask_;
  }
  std::size_t distance(std::uint64_t key, std::size_t slot) const noexcept { return (slot - slotOf(key)) & mask_; }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    int bits = 0;
    while ((std::size_t{1} << bits) < capacity) ++bits;
    bits_ = bits;
    secondShift_ = bits * 2 < 64 ? bits * 2 : 63;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key != 0) insert(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int bits_ = 1;
  int secondShift_ = 2;
  std::size_t size_ = 0;
};

}  // namespace alphintra::book
