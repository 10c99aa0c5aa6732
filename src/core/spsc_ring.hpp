// SpscRing<T>: a bounded, lock-free ring that carries trivially copyable records from exactly
// one producer thread to exactly one consumer thread (e.g. gateway → engine commands, engine →
// journal events), in the style of Aeron's agents talking through ring buffers.
//
// Owns: one buffer of capacity() slots, taken once at construction (capacity rounded up to a
// power of two) and never resized; nothing allocates, locks or makes a syscall afterwards.
// Full and empty are answered at once (tryPush / tryPop return false); waiting, spinning or
// backing off is the caller's policy.
//
// Invariants: `head` (next slot to read) and `tail` (next slot to write) are monotonically
// increasing 64-bit counters, head <= tail <= head + capacity; a counter's slot is
// counter & (capacity - 1). Slots [head, tail) hold published records. Only the producer writes
// `tail`, only the consumer writes `head`. A record is copied into its slot before `tail` is
// released past it, and copied out before `head` is released past it (acquire/release pairs),
// so the consumer never sees a half-written record and the producer never overwrites an unread
// one. Each side keeps a cached copy of the other side's counter and reloads it only when the
// ring looks full (producer) or empty (consumer): in steady flow neither side touches the
// other's cache line. `tail` with the producer's cache, `head` with the consumer's cache, and
// the read-only fields are on three separate 64-byte cache lines.
//
// Threading: exactly one producer thread calls tryPush / tryPushBatch and exactly one consumer
// thread calls tryPop / popBatch (they may be the same thread). capacity() may be called from
// anywhere; sizeApprox() from anywhere, as a snapshot that may be stale by the time it returns.
// A second producer or consumer is a data race; the producer (or consumer) role may pass from one
// thread to another only through a happens-before edge (a mutex both take, as the engine runtime
// does for its event ring). The ring is neither copyable nor movable.
//
// Limits: T must be trivially copyable (records are moved with memcpy, as fixed-layout wire and
// journal records are); 64-bit counters do not wrap in practice (centuries at 10^9 records/s).
//
// Why not Boost.Lockfree's spsc_queue (header-only in Debian's libboost-dev): it is a correct
// SPSC queue, but it loads the other side's index with acquire on every push and pop (so the
// two cache lines bounce between cores under load, where ours stay put until the ring looks
// full or empty), wraps indices by compare-and-subtract and keeps one slot always empty, and
// takes batches as pointer + count with per-element copy construction. Ours is about a hundred
// lines, batches into std::span with at most two memcpy calls, and keeps core free of Boost.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <type_traits>

namespace alphintra {

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "SpscRing carries trivially copyable records (copied with memcpy)");

 public:
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 40;

  // Capacity: `minCapacity` (at least 1, at most kMaxCapacity) rounded up to a power of two.
  // Allocates the buffer; throws std::length_error on a capacity out of range (start-up only).
  explicit SpscRing(std::size_t minCapacity)
      : capacity_(checkedCapacity(minCapacity)),
        mask_(capacity_ - 1),
        slots_(std::allocator<T>().allocate(capacity_)) {}

  ~SpscRing() { std::allocator<T>().deallocate(slots_, capacity_); }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }

  // Records in the ring: exact when called by either side with the other idle, else a snapshot.
  std::size_t sizeApprox() const noexcept {
    const std::uint64_t head = consumer_.head.load(std::memory_order_acquire);
    const std::uint64_t tail = producer_.tail.load(std::memory_order_acquire);  // read second: tail >= head
    return static_cast<std::size_t>(std::min<std::uint64_t>(tail - head, capacity_));
  }

  // Producer only. False (and nothing written) when the ring is full.
  bool tryPush(const T& record) noexcept {
    const std::uint64_t tail = producer_.tail.load(std::memory_order_relaxed);
    if (tail - producer_.cachedHead == capacity_) {
      producer_.cachedHead = consumer_.head.load(std::memory_order_acquire);
      if (tail - producer_.cachedHead == capacity_) return false;
    }
    std::memcpy(static_cast<void*>(slots_ + (tail & mask_)), &record, sizeof(T));
    producer_.tail.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Producer only. Pushes the longest prefix of `records` that fits; returns how many.
  std::size_t tryPushBatch(std::span<const T> records) noexcept {
    if (records.empty()) return 0;
    const std::uint64_t tail = producer_.tail.load(std::memory_order_relaxed);
    std::uint64_t room = capacity_ - (tail - producer_.cachedHead);
    if (room < records.size()) {
      producer_.cachedHead = consumer_.head.load(std::memory_order_acquire);
      room = capacity_ - (tail - producer_.cachedHead);
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(room, records.size()));
    if (n == 0) return 0;
    const auto start = static_cast<std::size_t>(tail & mask_);
    const std::size_t first = std::min(n, capacity_ - start);  // up to the end of the buffer
    std::memcpy(static_cast<void*>(slots_ + start), records.data(), first * sizeof(T));
    if (n > first) std::memcpy(static_cast<void*>(slots_), records.data() + first, (n - first) * sizeof(T));
    producer_.tail.store(tail + n, std::memory_order_release);
    return n;
  }

  // Consumer only. False (and `out` untouched) when the ring is empty.
  bool tryPop(T& out) noexcept {
    const std::uint64_t head = consumer_.head.load(std::memory_order_relaxed);
    if (head == consumer_.cachedTail) {
      consumer_.cachedTail = producer_.tail.load(std::memory_order_acquire);
      if (head == consumer_.cachedTail) return false;
    }
    std::memcpy(static_cast<void*>(&out), slots_ + (head & mask_), sizeof(T));
    consumer_.head.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer only. Pops up to out.size() records, oldest first, into the front of `out`;
  // returns how many (0 when empty).
  std::size_t popBatch(std::span<T> out) noexcept {
    if (out.empty()) return 0;
    const std::uint64_t head = consumer_.head.load(std::memory_order_relaxed);
    std::uint64_t available = consumer_.cachedTail - head;
    if (available < out.size()) {
      consumer_.cachedTail = producer_.tail.load(std::memory_order_acquire);
      available = consumer_.cachedTail - head;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(available, out.size()));
    if (n == 0) return 0;
    const auto start = static_cast<std::size_t>(head & mask_);
    const std::size_t first = std::min(n, capacity_ - start);
    std::memcpy(static_cast<void*>(out.data()), slots_ + start, first * sizeof(T));
    if (n > first) std::memcpy(static_cast<void*>(out.data() + first), slots_, (n - first) * sizeof(T));
    consumer_.head.store(head + n, std::memory_order_release);
    return n;
  }

 private:
  static constexpr std::size_t kCacheLine = 64;

  static std::size_t checkedCapacity(std::size_t minCapacity) {
    if (minCapacity == 0 || minCapacity > kMaxCapacity) throw std::length_error("SpscRing capacity out of range");
    return std::bit_ceil(minCapacity);
  }

  // Written by the producer; `tail` read by the consumer.
  struct alignas(kCacheLine) ProducerLine {
    std::atomic<std::uint64_t> tail{0};
    std::uint64_t cachedHead = 0;  // the consumer's head as last seen: a lower bound of the real one
  };
  // Written by the consumer; `head` read by the producer.
  struct alignas(kCacheLine) ConsumerLine {
    std::atomic<std::uint64_t> head{0};
    std::uint64_t cachedTail = 0;  // the producer's tail as last seen: a lower bound of the real one
  };

  // Read-only after construction, on a line of their own.
  alignas(kCacheLine) const std::size_t capacity_;
  const std::size_t mask_;
  T* const slots_;
  ProducerLine producer_;
  ConsumerLine consumer_;
};

}  // namespace alphintra
