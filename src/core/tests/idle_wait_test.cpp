// Tests for WakeWord and IdleWait (core/idle_wait.hpp): the park/notify outcomes on one thread,
// a wake-up across threads, and stress runs — a producer and a consumer that parks whenever its
// ring is empty (no spinning), one or three producers, hundreds of thousands of rounds — that
// check no wake-up is lost. A lost wake-up would leave the consumer asleep with work in its
// ring; the consumer parks with a long timeout only so that such a loss fails the test (counted
// as a park that timed out while work was waiting) instead of hanging it. Nothing is timed.
#include "core/idle_wait.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "core/spsc_ring.hpp"

namespace alphintra {
namespace {

using namespace std::chrono_literals;

// Long enough that only a lost wake-up reaches it.
constexpr std::chrono::nanoseconds kGuard = 20s;

TEST(WakeWord, ParkDoesNotSleepWhenWorkIsAlreadyThere) {
  WakeWord word;
  word.notify();  // nobody parked: no effect
  EXPECT_EQ(word.park([] { return true; }, kGuard), WakeWord::Park::Ready);
  EXPECT_FALSE(word.parked());
}

TEST(WakeWord, ParkWithoutNotifyEndsAtTheTimeout) {
  WakeWord word;
  EXPECT_EQ(word.park([] { return false; }, 1ms), WakeWord::Park::TimedOut);
  EXPECT_FALSE(word.parked());
}

TEST(WakeWord, NotifyWakesAParkedConsumer) {
  WakeWord word;
  std::atomic<bool> work{false};
  WakeWord::Park result = WakeWord::Park::Ready;
  std::thread consumer([&] {
    // Loops like a real consumer: a spurious return re-checks and parks again.
    while (!work.load(std::memory_order_acquire)) {
      result = word.park([&] { return work.load(std::memory_order_acquire); }, kGuard);
      if (result == WakeWord::Park::TimedOut) return;
    }
  });
  while (!word.parked()) std::this_thread::yield();
  work.store(true, std::memory_order_release);
  word.notify();
  consumer.join();
  EXPECT_NE(result, WakeWord::Park::TimedOut);
  EXPECT_TRUE(work.load());
}

struct StressResult {
  std::uint64_t received = 0;
  std::uint64_t outOfOrder = 0;
  std::uint64_t lostWakeUps = 0;  // parks that timed out with work waiting
  std::uint64_t slept = 0;        // parks that went into the kernel and were woken
  std::uint64_t noSleep = 0;      // parks whose re-check found work
};

// `producers` threads each push `perProducer` sequential numbers into a ring of their own; one
// consumer drains all rings and parks on one WakeWord whenever they are all empty. Every
// `pingPongEvery`-th item the producer waits until its ring is drained, so the consumer is
// often just parking when the next item comes (the race the protocol must win).
StressResult stress(std::size_t producers, std::uint64_t perProducer, std::uint64_t pingPongEvery) {
  WakeWord word;
  std::vector<std::unique_ptr<SpscRing<std::uint64_t>>> rings;
  for (std::size_t p = 0; p < producers; ++p) rings.push_back(std::make_unique<SpscRing<std::uint64_t>>(64));
  std::atomic<bool> failed{false};

  StressResult r;
  std::thread consumer([&] {
    std::vector<std::uint64_t> next(producers, 0);
    const auto ready = [&] {
      for (auto& ring : rings) {
        if (ring->sizeApprox() != 0) return true;
      }
      return false;
    };
    std::array<std::uint64_t, 64> batch{};
    while (r.received < producers * perProducer && !failed.load(std::memory_order_relaxed)) {
      std::size_t n = 0;
      for (std::size_t p = 0; p < producers; ++p) {
        const std::size_t k = rings[p]->popBatch(std::span(batch));
        for (std::size_t i = 0; i < k; ++i) {
          if (batch[i] != next[p]) ++r.outOfOrder;
          next[p] = batch[i] + 1;
        }
        n += k;
      }
      r.received += n;
      if (n != 0) continue;
      switch (word.park(ready, kGuard)) {
        case WakeWord::Park::Ready: ++r.noSleep; break;
        case WakeWord::Park::Woken: ++r.slept; break;
        case WakeWord::Park::TimedOut:
          if (ready()) ++r.lostWakeUps;
          break;
      }
      if (r.lostWakeUps != 0) failed = true;
    }
  });

  std::vector<std::thread> threads;
  for (std::size_t p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      SpscRing<std::uint64_t>& ring = *rings[p];
      for (std::uint64_t i = 0; i < perProducer; ++i) {
        while (!ring.tryPush(i)) {
          if (failed.load(std::memory_order_relaxed)) return;
          std::this_thread::yield();
        }
        word.notify();
        if (i % pingPongEvery == 0) {
          while (ring.sizeApprox() != 0 && !failed.load(std::memory_order_relaxed)) cpuRelax();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  consumer.join();
  return r;
}

TEST(WakeWord, NoWakeUpIsLostBetweenOneProducerAndAParkingConsumer) {
  const StressResult r = stress(1, 50'000, 1);  // ping-pong: the consumer parks between items
  EXPECT_EQ(r.lostWakeUps, 0u);
  EXPECT_EQ(r.received, 50'000u);
  EXPECT_EQ(r.outOfOrder, 0u);
  EXPECT_GT(r.slept + r.noSleep, 0u);  // the park path ran (else this test proves nothing)
}

TEST(WakeWord, NoWakeUpIsLostWithBurstsAndAFullRing) {
  const StressResult r = stress(1, 200'000, 97);  // bursts fill the 64-slot ring between parks
  EXPECT_EQ(r.lostWakeUps, 0u);
  EXPECT_EQ(r.received, 200'000u);
  EXPECT_EQ(r.outOfOrder, 0u);
  EXPECT_GT(r.slept + r.noSleep, 0u);
}

TEST(WakeWord, NoWakeUpIsLostWithThreeProducersOnOneWord) {
  const StressResult r = stress(3, 30'000, 3);  // the sequencer's case: several rings, one consumer
  EXPECT_EQ(r.lostWakeUps, 0u);
  EXPECT_EQ(r.received, 90'000u);
  EXPECT_EQ(r.outOfOrder, 0u);
  EXPECT_GT(r.slept + r.noSleep, 0u);
}

TEST(IdleWait, SpinsThenYieldsThenParksAndStartsOverAfterAPark) {
  WakeWord word;
  IdleWait wait(word, 3, 2);
  int checks = 0;
  const auto ready = [&] {
    ++checks;
    return true;  // parks return at once
  };
  for (int i = 0; i < 5; ++i) wait.idle(ready);  // 3 spins, 2 yields: no park yet
  EXPECT_EQ(checks, 0);
  wait.idle(ready);  // the park
  EXPECT_EQ(checks, 1);
  for (int i = 0; i < 5; ++i) wait.idle(ready);  // spinning again from the start
  EXPECT_EQ(checks, 1);
  wait.reset();
  for (int i = 0; i < 5; ++i) wait.idle(ready);
  wait.idle(ready);
  EXPECT_EQ(checks, 2);
}

}  // namespace
}  // namespace alphintra
