// WakeWord and IdleWait: how a consumer thread waits for work without sleeping blindly and
// without a lock on the producer's path — the consumer spins briefly, then parks on a futex that
// a producer wakes only when the consumer is parked.
//
// Owns: one 32-bit word per consumer thread (WakeWord), Awake or Parked. Only its consumer sets
// it to Parked (park); producers set it back to Awake, and the one whose exchange saw Parked
// makes the futex wake-up syscall. A consumer waiting on several sources (the sequencer on
// every gateway ring) has one word, which every producer notifies.
//
// The protocol (an eventcount, Dekker-style with two seq_cst fences):
//   producer: publish (e.g. SpscRing::tryPush); fence; if word == Parked and
//             exchange(Awake) == Parked: futex wake.
//   consumer: word = Parked; fence; if ready() (re-check every source): word = Awake, return;
//             else futex wait while word == Parked; word = Awake.
// No wake-up is lost: of the two fences, whichever comes first in the single total order of
// seq_cst operations makes the other side see its write — either the consumer's re-check sees
// the published work (it does not sleep), or the producer sees Parked (it wakes the consumer;
// futex wait returns at once when the word is no longer Parked, so a wake-up that comes before
// the consumer is inside the kernel is not lost either). A producer whose exchange finds Awake
// leaves the wake-up to the one that changed it, or the consumer is awake and re-checks before
// it parks again. Spurious returns (a late wake-up from an earlier round, a signal) are harmless:
// callers loop and re-check.
// Cost on the hot path: a producer pays one fence and one relaxed load while the consumer is
// awake (no syscall, no shared write); the wake-up syscall only when the consumer is parked.
//
// Threading: one consumer thread per WakeWord calls park; any number of producers call notify.
// Known limits: Linux only (futex); one parked consumer per word (FUTEX_WAKE of one waiter).
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <thread>

namespace alphintra {

// A pause hint for spin loops (lets the sibling hyper-thread run, saves power).
inline void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

class WakeWord {
 public:
  enum class Park : std::uint8_t {
    Ready,     // ready() held after the word said Parked: never slept
    Woken,     // slept, and a producer (or a spurious wake-up) ended it
    TimedOut,  // slept until the timeout
  };

  WakeWord() = default;
  WakeWord(const WakeWord&) = delete;
  WakeWord& operator=(const WakeWord&) = delete;

  // Producer: call after publishing what the consumer's ready() looks at.
  void notify() noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with park's fence
    if (state_.load(std::memory_order_relaxed) == kAwake) return;
    if (state_.exchange(kAwake, std::memory_order_acq_rel) == kParked) futexWake();
  }

  // Consumer (one thread): sleeps until notify(), unless `ready()` holds once the word says
  // Parked. `timeout` < 0: no limit. The caller re-checks its sources afterwards whatever this
  // returns.
  template <typename Ready>
  Park park(Ready&& ready, std::chrono::nanoseconds timeout = std::chrono::nanoseconds{-1}) noexcept {
    state_.store(kParked, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with notify's fence
    if (ready()) {
      state_.store(kAwake, std::memory_order_relaxed);
      return Park::Ready;
    }
    const bool timedOut = futexWait(timeout);
    state_.store(kAwake, std::memory_order_relaxed);
    return timedOut ? Park::TimedOut : Park::Woken;
  }

  // Whether the consumer is parked (or about to be): for tests and metrics.
  bool parked() const noexcept { return state_.load(std::memory_order_relaxed) == kParked; }

 private:
  static constexpr std::uint32_t kAwake = 0;
  static constexpr std::uint32_t kParked = 1;

  void futexWake() noexcept {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&state_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

  // True when the timeout ended the wait.
  bool futexWait(std::chrono::nanoseconds timeout) noexcept {
    timespec ts{};
    timespec* limit = nullptr;
    if (timeout.count() >= 0) {
      ts.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
      limit = &ts;
    }
    // Returns at once (EAGAIN) when a producer already set the word back to Awake.
    const long rc = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&state_), FUTEX_WAIT_PRIVATE, kParked,
                              limit, nullptr, 0);
    return rc != 0 && errno == ETIMEDOUT;
  }

  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                    std::atomic<std::uint32_t>::is_always_lock_free,
                "the futex reads the atomic's storage as a plain 32-bit word");
  // Its own cache line: producers read it after every publish.
  alignas(64) std::atomic<std::uint32_t> state_{kAwake};
};

// IdleWait: a consumer's policy for an empty round — spin `spins` rounds (a busy source refills
// within microseconds and a wake-up costs more than that), then `yields` rounds of
// sched_yield, then park on the WakeWord. reset() after work. No yields by default: on a machine
// with more runnable threads than cores a yield hands the core to another process for a whole
// time slice, and measured on the 2-core development VM it cost more than it saved.
class IdleWait {
 public:
  static constexpr unsigned kDefaultSpins = 256;  // ~7 µs of pauses on the development VM
  static constexpr unsigned kDefaultYields = 0;

  explicit IdleWait(WakeWord& word, unsigned spins = kDefaultSpins, unsigned yields = kDefaultYields) noexcept
      : word_(word), spins_(spins), yields_(yields) {}

  // One empty round. `ready()`: whether any source has work (or the thread must stop).
  template <typename Ready>
  void idle(Ready&& ready) noexcept {
    if (rounds_ < spins_) {
      ++rounds_;
      cpuRelax();
      return;
    }
    if (rounds_ < spins_ + yields_) {
      ++rounds_;
      std::this_thread::yield();
      return;
    }
    (void)word_.park(ready);
    rounds_ = 0;  // work comes in bursts: spin again before the next park
  }
  void reset() noexcept { rounds_ = 0; }

 private:
  WakeWord& word_;
  unsigned spins_;
  unsigned yields_;
  unsigned rounds_ = 0;
};

}  // namespace alphintra
