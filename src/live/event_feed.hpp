// EventFeed: the publisher's events for one consumer thread of `alphintra serve` (the market
// simulator, the strategy host), through a bounded SPSC ring. The consumer's `classify` says, per
// event, whether it wants it and what happens when the ring is full:
//   * Skip: not for this consumer;
//   * DropWhenFull: state that the next event supersedes (quotes): dropped and counted, so the
//     publisher never waits on it;
//   * Wait: what the consumer cannot miss (its own orders' reports, trades that build bars): the
//     publisher waits for room. This is safe because the consumer drains the feed while it waits
//     to submit commands (the engine may be waiting on the publisher); close() ends the waiting.
//
// A consumer with nothing to do parks on the feed's WakeWord (core/idle_wait.hpp) instead of
// sleeping blindly: publish() wakes it when it queues an event — one fence and one load while
// the consumer is awake, a futex wake-up only when it is parked. Others that hand the consumer
// work (a control request, an answer) call wake() after queuing it.
//
// Threading: publish() on the publisher thread only; drain(), empty() and park() on the consumer
// thread only; wake() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "core/idle_wait.hpp"
#include "core/spsc_ring.hpp"
#include "engine/event.hpp"

namespace alphintra::live {

class EventFeed {
 public:
  enum class Want : std::uint8_t { Skip, DropWhenFull, Wait };
  using Classify = std::function<Want(const engine::EngineEvent&)>;

  explicit EventFeed(Classify classify, std::size_t capacity = 1u << 14)
      : classify_(std::move(classify)), ring_(capacity) {}

  // Publisher thread.
  void publish(const engine::EngineEvent& e) {
    if (closed_.load(std::memory_order_acquire)) return;
    const Want want = classify_(e);
    if (want == Want::Skip) return;
    if (want == Want::DropWhenFull) {
      if (ring_.tryPush(e)) {
        wake_.notify();
      } else {
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      return;
    }
    while (!ring_.tryPush(e)) {
      if (closed_.load(std::memory_order_acquire)) return;
      wake_.notify();  // the consumer drains while we wait
      std::this_thread::yield();
    }
    wake_.notify();
  }

  // Any thread: the consumer has work that is not in the ring (it re-checks its sources).
  void wake() noexcept { wake_.notify(); }

  // Consumer thread: whether no event is queued.
  bool empty() const noexcept { return ring_.sizeApprox() == 0; }

  // Consumer thread: sleeps until an event is queued, wake() is called, or `timeout` passes —
  // unless `ready()` (the consumer's other sources) or a queued event says there is work.
  template <typename Ready>
  WakeWord::Park park(Ready&& ready, std::chrono::nanoseconds timeout) noexcept {
    return wake_.park([&] { return !empty() || ready(); }, timeout);
  }

  // Consumer thread: hands every queued event to `onEvent`; returns how many.
  template <typename Fn>
  std::size_t drain(Fn&& onEvent) {
    engine::EngineEvent e;
    std::size_t n = 0;
    while (ring_.tryPop(e)) {
      onEvent(e);
      ++n;
    }
    return n;
  }

  // After this the publisher never waits on the ring again (the consumer is stopping).
  void close() { closed_.store(true, std::memory_order_release); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  Classify classify_;
  SpscRing<engine::EngineEvent> ring_;
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> dropped_{0};
  WakeWord wake_;
};

}  // namespace alphintra::live
