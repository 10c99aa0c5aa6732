// Fills kept across restarts (fill_history.hpp) and the read model listing memory, then history.
#include "api/http/fill_history.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api/http/read_model.hpp"
#include "core/tests/scratch_dir.hpp"

namespace alphintra::api::http {
namespace {

std::filesystem::path tempFile(const char* name) {
  const auto dir = scratchDirectory(std::string("fill-history-") + name);
  std::filesystem::create_directories(dir);
  return dir / "fills.db";
}

FillEntry fill(std::uint64_t execId, std::uint64_t account, std::uint64_t instrument) {
  return FillEntry{execId, AccountId{account}, InstrumentId{instrument}, "{\"execId\":" + std::to_string(execId) + "}"};
}

std::vector<std::uint64_t> ids(const std::vector<FillEntry>& fills) {
  std::vector<std::uint64_t> out;
  for (const auto& f : fills) out.push_back(f.execId);
  return out;
}

TEST(FillHistory, RecordsHowFarTheEventsWereSeenWithEachCommit) {
  const auto file = tempFile("through");
  {
    auto history = FillHistory::open(file);
    ASSERT_TRUE(history.ok()) << history.error().message;
    EXPECT_EQ(history.value()->eventsThrough(), 0u);
    EXPECT_EQ(history.value()->lastExecId(), 0u);
    history.value()->append(fill(4, 1, 7));
    history.value()->advance(12);
    history.value()->advance(9);  // never backwards
    ASSERT_TRUE(history.value()->flush().ok());
    history.value()->append(fill(6, 1, 7));  // queued, not committed: reopening below never saw it
  }
  // The destructor commits the queue with the sequence then reached (still 12).
  {
    auto history = FillHistory::open(file);
    ASSERT_TRUE(history.ok());
    EXPECT_EQ(history.value()->eventsThrough(), 12u);
    EXPECT_EQ(history.value()->lastExecId(), 6u);
    // Events without fills still move the sequence on at the next commit.
    history.value()->advance(30);
    ASSERT_TRUE(history.value()->flush().ok());
  }
  auto history = FillHistory::open(file);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history.value()->eventsThrough(), 30u);
  EXPECT_EQ(history.value()->lastExecId(), 6u);
}

TEST(FillHistory, StoresQueriesAndSurvivesReopening) {
  const auto file = tempFile("reopen");
  {
    auto history = FillHistory::open(file);
    ASSERT_TRUE(history.ok()) << history.error().message;
    for (std::uint64_t e = 1; e <= 10; ++e) history.value()->append(fill(e, e % 2 == 0 ? 1 : 2, e <= 5 ? 7 : 8));
    history.value()->append(fill(3, 2, 7));  // a replayed fill is stored once
    ASSERT_TRUE(history.value()->flush().ok());
    OrderFilter all;
    auto everything = history.value()->query(all, UINT64_MAX);
    ASSERT_TRUE(everything.ok());
    EXPECT_EQ(ids(everything.value()), (std::vector<std::uint64_t>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
    EXPECT_EQ(everything.value()[0].json, "{\"execId\":10}");
  }  // closed: the destructor commits what is queued
  auto history = FillHistory::open(file);
  ASSERT_TRUE(history.ok());
  OrderFilter filter;
  filter.account = AccountId{1};
  filter.limit = 3;
  auto some = history.value()->query(filter, 9);
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(ids(some.value()), (std::vector<std::uint64_t>{8, 6, 4}));
  OrderFilter granted;
  granted.accounts = std::vector<AccountId>{AccountId{2}};
  granted.instrument = InstrumentId{8};
  auto mine = history.value()->query(granted, UINT64_MAX);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(ids(mine.value()), (std::vector<std::uint64_t>{9, 7}));
  OrderFilter none;
  none.accounts = std::vector<AccountId>{};
  EXPECT_TRUE(history.value()->query(none, UINT64_MAX).value().empty());
  std::filesystem::remove_all(file.parent_path());
}

TEST(FillHistory, TheWriterThreadCommitsWithoutAnExplicitFlush) {
  const auto file = tempFile("thread");
  auto history = FillHistory::open(file);
  ASSERT_TRUE(history.ok());
  history.value()->append(fill(42, 1, 1));
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {  // the writer commits every 200 ms; wait up to 10 s
    seen = !history.value()->query(OrderFilter{}, UINT64_MAX).value().empty();
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  EXPECT_TRUE(seen);
  std::filesystem::remove_all(file.parent_path());
}

TEST(FillHistory, ADurableFlushCommitsOrdersEvenWithNothingQueued) {
  const auto file = tempFile("durable");
  {
    auto history = FillHistory::open(file);
    ASSERT_TRUE(history.ok());
    EXPECT_TRUE(history.value()->flush(/*durable=*/true).ok());  // nothing queued: still a synced commit
    StoredOrder order;
    order.orderId = OrderId{12};
    order.account = AccountId{3};
    order.instrument = InstrumentId{7};
    order.status = oms::OrdStatus::Filled;
    order.json = "{\"orderId\":12}";
    history.value()->appendOrder(order);
    history.value()->advance(30);
    ASSERT_TRUE(history.value()->flush().ok());
    EXPECT_EQ(history.value()->durableEventsThrough(), 0u);  // an ordinary commit is not synced
    history.value()->advance(40);
    ASSERT_TRUE(history.value()->flush(/*durable=*/true).ok());
    EXPECT_EQ(history.value()->durableEventsThrough(), 40u);
    history.value()->advance(45);
    ASSERT_TRUE(history.value()->flush().ok());  // and back to the ordinary commits
    EXPECT_EQ(history.value()->durableEventsThrough(), 40u);
  }
  auto history = FillHistory::open(file);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history.value()->eventsThrough(), 45u);
  EXPECT_EQ(history.value()->durableEventsThrough(), 45u);  // what the file holds at open
  const auto stored = history.value()->order(OrderId{12});
  ASSERT_TRUE(stored.ok() && stored.value().has_value());
  EXPECT_EQ(stored.value()->json, "{\"orderId\":12}");
  EXPECT_EQ(stored.value()->account, AccountId{3});
  EXPECT_EQ(stored.value()->status, oms::OrdStatus::Filled);
  OrderFilter mine;
  mine.accounts = std::vector<AccountId>{AccountId{3}};
  mine.status = oms::OrdStatus::Filled;
  EXPECT_EQ(history.value()->orders(mine).value().size(), 1u);
  mine.status = oms::OrdStatus::Canceled;
  EXPECT_TRUE(history.value()->orders(mine).value().empty());
  std::filesystem::remove_all(file.parent_path());
}

TEST(FillHistory, AnUnwritableFileIsAnError) {
  auto history = FillHistory::open("/nonexistent-dir/for/sure/fills.db");
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().field, "fills");
  EXPECT_NE(history.error().message.find("/nonexistent-dir/for/sure/fills.db"), std::string::npos);
}

}  // namespace
}  // namespace alphintra::api::http
