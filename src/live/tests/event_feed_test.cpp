// EventFeed (live/event_feed.hpp): what a consumer gets and when it is woken. A consumer that
// parks whenever the feed is empty must receive every event a publisher thread sends, in order,
// without a park running into its timeout — the timeout is long only so that a lost wake-up
// fails the test instead of hanging it. Nothing is timed.
#include "live/event_feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace alphintra::live {
namespace {

using namespace std::chrono_literals;
constexpr std::chrono::nanoseconds kGuard = 20s;

engine::EngineEvent eventNumber(std::uint64_t n) {
  engine::EngineEvent e;
  e.commandSequence = n;
  return e;
}

TEST(EventFeed, AParkedConsumerIsWokenForEveryEvent) {
  constexpr std::uint64_t kEvents = 200'000;
  // A small ring: the publisher often waits for room while the consumer is parking.
  EventFeed feed([](const engine::EngineEvent&) { return EventFeed::Want::Wait; }, 64);
  std::uint64_t received = 0;
  std::uint64_t outOfOrder = 0;
  std::uint64_t timedOut = 0;
  std::thread consumer([&] {
    while (received < kEvents) {
      const std::size_t n = feed.drain([&](const engine::EngineEvent& e) {
        if (e.commandSequence != received + 1) ++outOfOrder;
        ++received;
      });
      if (n == 0 && feed.park([] { return false; }, kGuard) == WakeWord::Park::TimedOut) {
        ++timedOut;
        return;
      }
    }
  });
  for (std::uint64_t n = 1; n <= kEvents; ++n) {
    feed.publish(eventNumber(n));
    if (n % 997 == 0) {
      while (!feed.empty()) std::this_thread::yield();  // let the consumer run dry and park
    }
  }
  consumer.join();
  EXPECT_EQ(received, kEvents);
  EXPECT_EQ(outOfOrder, 0u);
  EXPECT_EQ(timedOut, 0u);
}

TEST(EventFeed, WakeEndsAParkForWorkOutsideTheRing) {
  EventFeed feed([](const engine::EngineEvent&) { return EventFeed::Want::Wait; });
  std::atomic<bool> queued{false};
  WakeWord::Park result = WakeWord::Park::Ready;
  std::thread consumer([&] {
    while (!queued.load(std::memory_order_acquire)) {
      result = feed.park([&] { return queued.load(std::memory_order_acquire); }, kGuard);
      if (result == WakeWord::Park::TimedOut) return;
    }
  });
  std::this_thread::sleep_for(10ms);  // most often parked by now; either way nothing may be lost
  queued.store(true, std::memory_order_release);
  feed.wake();
  consumer.join();
  EXPECT_NE(result, WakeWord::Park::TimedOut);
}

TEST(EventFeed, SkippedAndDroppedEventsNeverBlockThePublisher) {
  EventFeed feed(
      [](const engine::EngineEvent& e) {
        if (e.commandSequence % 2 == 0) return EventFeed::Want::Skip;
        return EventFeed::Want::DropWhenFull;
      },
      4);
  for (std::uint64_t n = 1; n <= 20; ++n) feed.publish(eventNumber(n));  // no consumer: must not wait
  std::vector<std::uint64_t> got;
  feed.drain([&](const engine::EngineEvent& e) { got.push_back(e.commandSequence); });
  EXPECT_EQ(got, (std::vector<std::uint64_t>{1, 3, 5, 7}));  // the first four odd ones fit
  EXPECT_EQ(feed.dropped(), 6u);                             // 9 … 19
  EXPECT_TRUE(feed.empty());
}

TEST(EventFeed, AClosedFeedNoLongerMakesThePublisherWait) {
  EventFeed feed([](const engine::EngineEvent&) { return EventFeed::Want::Wait; }, 2);
  feed.publish(eventNumber(1));
  feed.publish(eventNumber(2));
  feed.close();
  feed.publish(eventNumber(3));  // full and closed: returns instead of waiting
  std::vector<std::uint64_t> got;
  feed.drain([&](const engine::EngineEvent& e) { got.push_back(e.commandSequence); });
  EXPECT_EQ(got, (std::vector<std::uint64_t>{1, 2}));
}

}  // namespace
}  // namespace alphintra::live
