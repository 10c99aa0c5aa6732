// Golden scenario runner: every tests/golden/book/*.scn under the source tree is one test case
// (parameterized test), played on a fresh OrderBook and compared event by event with the
// expected `<` lines and the `=` checks. A failure names file:line with expected vs actual.
//
// ALPHINTRA_SOURCE_DIR (set by ctest, see cmake/Module.cmake; compiled in as a fallback) is the
// repository root. ALPHINTRA_GOLDEN_UPDATE=1 rewrites the expected lines of failing scenarios
// from what the book did — for maintainers, who then review every changed line against
// docs/matching.md before committing it.
//
// Also here: unit tests of the scenario format itself (printer/parser round trip, errors).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "book/tests/scenario.hpp"

namespace alphintra::book::golden {
namespace {

namespace fs = std::filesystem;

#ifndef ALPHINTRA_GOLDEN_SOURCE_DIR
#define ALPHINTRA_GOLDEN_SOURCE_DIR ""
#endif

fs::path goldenDir() {
  const char* env = std::getenv("ALPHINTRA_SOURCE_DIR");
  const std::string root = env != nullptr && *env != '\0' ? std::string{env} : std::string{ALPHINTRA_GOLDEN_SOURCE_DIR};
  return fs::path{root} / "tests" / "golden" / "book";
}

std::vector<std::string> discoverScenarios() {
  std::vector<std::string> files;
  std::error_code ec;
  const fs::path dir = goldenDir();
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".scn") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool updateRequested() {
  const char* env = std::getenv("ALPHINTRA_GOLDEN_UPDATE");
  return env != nullptr && std::string{env} == "1";
}

std::string testName(const testing::TestParamInfo<std::string>& info) {
  std::string stem = fs::path{info.param}.stem().string();
  for (char& c : stem) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) c = '_';
  }
  return stem;
}

class GoldenScenario : public testing::TestWithParam<std::string> {};

TEST_P(GoldenScenario, MatchesExpectedEvents) {
  const std::string& path = GetParam();
  auto scenario = loadScenario(path);
  ASSERT_TRUE(scenario.ok()) << scenario.error().field << ": " << scenario.error().message;
  ASSERT_FALSE(scenario->steps.empty()) << path << ": the scenario has no command";

  // Every expected event line must survive print → parse unchanged (the format is lossless).
  auto inst = Instrument::create(scenario->instrumentSpec);
  ASSERT_TRUE(inst.ok());
  const EventFormat format{*inst};
  for (const Step& step : scenario->steps) {
    for (const auto& ex : step.expected) {
      const std::string printed = format.print(ex.event, step.command.time);
      auto back = format.parse(printed, step.command.time);
      ASSERT_TRUE(back.ok()) << path << ":" << ex.line << ": printed '" << printed
                             << "' does not parse: " << back.error().message;
      EXPECT_TRUE(sameEvent(*back, ex.event)) << path << ":" << ex.line << ": '" << printed << "' does not round-trip";
    }
  }

  auto result = runScenario(*scenario);
  ASSERT_TRUE(result.ok()) << result.error().field << ": " << result.error().message;
  for (const auto& m : result->mismatches) {
    ADD_FAILURE_AT(path.c_str(), m.line) << path << ":" << m.line << ": " << m.message;
  }
  if (!result->ok() && updateRequested()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << regenerate(*scenario, *result);
    std::cout << "ALPHINTRA_GOLDEN_UPDATE: rewrote " << path
              << " — review every changed line against docs/matching.md\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Book, GoldenScenario, testing::ValuesIn(discoverScenarios()), testName);

TEST(GoldenDiscovery, FindsScenarioFiles) {
  EXPECT_GE(discoverScenarios().size(), 25u)
      << "no (or too few) scenarios under " << goldenDir() << " — is ALPHINTRA_SOURCE_DIR the repository root?";
}

// ---- the format itself ----------------------------------------------------------------------

Event makeEvent(EventType type, std::uint64_t seq) {
  Event e;
  e.type = type;
  e.sequence = seq;
  e.time = Timestamp{34'200'000'000'000};
  return e;
}

TEST(ScenarioFormat, EveryEventTypeRoundTrips) {
  const EventFormat f{2, 0};
  const Timestamp t{34'200'000'000'000};
  std::vector<Event> events;
  Event a = makeEvent(EventType::Accepted, 1);
  a.orderId = OrderId{1};
  a.side = Side::Buy;
  a.orderType = static_cast<std::uint8_t>(OrderType::Limit);
  a.price = Price::fromRaw(1000);
  a.quantity = Quantity::fromRaw(100);
  a.leavesQuantity = Quantity::fromRaw(100);
  events.push_back(a);
  Event m = a;
  m.sequence = 2;
  m.orderType = static_cast<std::uint8_t>(OrderType::Market);
  m.price = Price::undefined();
  events.push_back(m);
  Event r = makeEvent(EventType::Rejected, 3);
  r.orderId = OrderId{4};
  r.reason = static_cast<std::uint8_t>(RejectReason::PriceOffTick);
  events.push_back(r);
  Event tr = makeEvent(EventType::Trade, 4);
  tr.orderId = OrderId{2};
  tr.contraOrderId = OrderId{1};
  tr.side = Side::Sell;
  tr.price = Price::fromRaw(1000);
  tr.quantity = Quantity::fromRaw(40);
  tr.contraLeavesQuantity = Quantity::fromRaw(60);
  events.push_back(tr);
  Event c = makeEvent(EventType::Cancelled, 5);
  c.orderId = OrderId{3};
  c.reason = static_cast<std::uint8_t>(CancelReason::ImmediateOrCancel);
  c.quantity = Quantity::fromRaw(10);
  c.time = Timestamp{34'200'000'000'001};
  events.push_back(c);
  Event st = makeEvent(EventType::StatusChanged, 6);
  st.reason = static_cast<std::uint8_t>(TradingStatus::Closed);
  events.push_back(st);
  Event lv = makeEvent(EventType::LevelUpdate, 7);
  lv.side = Side::Buy;
  lv.price = Price::fromRaw(999);
  events.push_back(lv);
  Event odd = makeEvent(static_cast<EventType>(99), 8);
  odd.side = static_cast<Side>(7);
  odd.orderType = 42;
  odd.reason = 200;
  odd.count = 3;
  odd.price = Price::fromRaw(-5);
  odd.quantity = Quantity::fromRaw(-1);
  events.push_back(odd);
  for (auto type : {EventType::Replaced, EventType::Triggered, EventType::Expired, EventType::AuctionUncross,
                    EventType::OrderAdded, EventType::OrderUpdated, EventType::OrderDeleted, EventType::Restated}) {
    Event e = makeEvent(type, events.size() + 1);
    e.orderId = OrderId{9};
    e.side = Side::Sell;
    e.price = Price::fromRaw(1234);
    e.quantity = Quantity::fromRaw(7);
    e.leavesQuantity = Quantity::fromRaw(3);
    events.push_back(e);
  }
  for (const Event& e : events) {
    const std::string text = f.print(e, t);
    auto back = f.parse(text, t);
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
    EXPECT_TRUE(sameEvent(*back, e)) << text << " → " << f.print(*back, t);
    EXPECT_EQ(f.print(*back, t), text);
  }
  EXPECT_EQ(f.print(tr, t), "4 trade id=2 contra=1 sell 40 @ 10.00 leaves=0 contra_leaves=60");
  EXPECT_EQ(f.print(m, t), "2 accepted id=1 buy market 100 @ mkt leaves=100");
  EXPECT_EQ(f.print(c, t), "5 cancelled id=3 reason=immediate_or_cancel 10 leaves=0 time=09:30:00.000000001");
  EXPECT_EQ(f.print(st, t), "6 status closed");
}

TEST(ScenarioFormat, Times) {
  EXPECT_EQ(parseTime("09:30:00")->nanos(), 34'200'000'000'000);
  EXPECT_EQ(parseTime("09:30:00.5")->nanos(), 34'200'500'000'000);
  EXPECT_EQ(parseTime("1000")->nanos(), 1000);
  EXPECT_FALSE(parseTime("9:3"));
  EXPECT_FALSE(parseTime("09:60:00"));
  EXPECT_FALSE(parseTime("09:30:00.1234567890"));
  EXPECT_EQ(formatTime(Timestamp{34'200'000'000'001}), "09:30:00.000000001");
  EXPECT_EQ(formatTime(Timestamp{34'200'000'000'000}), "09:30:00");
}

TEST(ScenarioFormat, ParsesCommandsAndChecks) {
  auto sc = parseScenario(
      "# comment\n"
      "instrument tick=0.05 lot=10 precision=2 status=pre_open\n"
      "options l2 l3\n"
      "at 09:30:00\n"
      "> new id=1 acct=2 sell stop_limit 100 @ 10.05 stop=10.10 gtd expire=10:00:00 display=10 min=20 stp=cancel_both\n"
      "< 1 accepted id=1 sell stop_limit 100 @ 10.05 leaves=100\n"
      "\n"
      "< 2 l2_level sell 10 @ 10.05 orders=1   # still the same command\n"
      "= bids -\n"
      "= asks 10.05x10(1) 10.1x5(2)\n"
      "= order 1 leaves=100\n"
      "> replace id=1 qty=50\n"
      "> cancel id=1\n"
      "> masscancel acct=0\n"
      "> status continuous\n"
      "> tick\n"
      "> reference -\n",
      "mem.scn");
  ASSERT_TRUE(sc.ok()) << sc.error().field << ": " << sc.error().message;
  EXPECT_TRUE(sc->options.levelUpdates);
  EXPECT_TRUE(sc->options.orderUpdates);
  EXPECT_EQ(sc->instrumentSpec.status, TradingStatus::PreOpen);
  ASSERT_EQ(sc->steps.size(), 10u);
  const NewOrder& o = sc->steps[0].command.order;
  EXPECT_EQ(o.id, OrderId{1});
  EXPECT_EQ(o.account, AccountId{2});
  EXPECT_EQ(o.side, Side::Sell);
  EXPECT_EQ(o.type, OrderType::StopLimit);
  EXPECT_EQ(o.timeInForce, TimeInForce::GTD);
  EXPECT_EQ(o.price, Price::fromRaw(1005));
  EXPECT_EQ(o.stopPrice, Price::fromRaw(1010));
  EXPECT_EQ(o.quantity, Quantity::fromRaw(100));
  EXPECT_EQ(o.displayQuantity, Quantity::fromRaw(10));
  EXPECT_EQ(o.minQuantity, Quantity::fromRaw(20));
  EXPECT_EQ(o.selfTrade, SelfTradePrevention::CancelBoth);
  EXPECT_EQ(o.expireTime, *parseTime("10:00:00"));
  EXPECT_EQ(sc->steps[0].expected.size(), 2u);
  EXPECT_EQ(sc->steps[0].expected[1].line, 8);
  EXPECT_EQ(sc->steps[2].check.expected, "asks 10.05x10(1) 10.10x5(2)");
  EXPECT_EQ(sc->steps[4].command.replace.quantity, Quantity::fromRaw(50));
  EXPECT_FALSE(sc->steps[4].command.replace.price.isDefined());
  EXPECT_EQ(sc->steps[7].command.status, TradingStatus::Continuous);
  EXPECT_FALSE(sc->steps[9].command.reference.isDefined());
}

void expectError(const std::string& text, const std::string& where, const std::string& words) {
  auto sc = parseScenario(text, "bad.scn");
  ASSERT_FALSE(sc.ok()) << text;
  EXPECT_EQ(sc.error().field, where) << sc.error().message;
  EXPECT_NE(sc.error().message.find(words), std::string::npos) << sc.error().message;
}

TEST(ScenarioFormat, ErrorsNameFileLineAndProblem) {
  expectError("> new id=1 acct=1 buy limit 10 @ 10.00\n< 1 acepted id=1\n", "bad.scn:2",
              "unknown event type 'acepted'");
  expectError("\n\n< 1 accepted id=1\n", "bad.scn:3", "must follow a command");
  expectError("> new id=1 buy limit 10 @ 10.00\n", "bad.scn:1", "acct=N is missing");
  expectError("> new id=1 acct=1 buy limit 10 @ 10.001\n", "bad.scn:1", "more than 2 decimal places");
  expectError("> frobnicate\n", "bad.scn:1", "unknown command 'frobnicate'");
  expectError("> tick\ninstrument tick=0.01\n", "bad.scn:2", "must come before the first command");
  expectError("instrument tick=0\n> tick\n", "bad.scn:2", "tick size");
  expectError("at 25\nat nine\n", "bad.scn:2", "'nine' is not a time");
  expectError("> tick\n< 1 rejected reason=bogus\n", "bad.scn:2", "reason=bogus");
  expectError("= asks 10.00x5\n", "bad.scn:1", "is not a level");
  expectError("> tick\n< accepted\n", "bad.scn:2", "sequence number");
}

TEST(ScenarioFormat, RegenerateReplacesOnlyExpectedLines) {
  Scenario sc;
  sc.path = "mem.scn";
  sc.instrumentSpec.id = 1;
  sc.instrumentSpec.symbol = "TEST";
  sc.lines = {"# keep me", "> tick", "< 1 status closed", "< 2 status closed", "# and me", "> tick", "= seq 0"};
  Step s1;
  s1.line = 2;
  s1.expected = {{makeEvent(EventType::StatusChanged, 1), 3}, {makeEvent(EventType::StatusChanged, 2), 4}};
  Step s2;
  s2.line = 6;
  Step s3;
  s3.line = 7;
  s3.isCheck = true;
  s3.check.kind = CheckKind::Seq;
  s3.check.expected = "seq 0";
  sc.steps = {s1, s2, s3};
  RunResult r;
  StepResult a1;
  Event e = makeEvent(EventType::Trade, 1);
  e.time = Timestamp{};
  a1.actual = {e};
  StepResult a2;
  Event e2 = makeEvent(EventType::StatusChanged, 2);
  e2.time = Timestamp{};
  e2.reason = static_cast<std::uint8_t>(TradingStatus::Halted);
  a2.actual = {e2};
  StepResult a3;
  a3.actualCheck = "seq 2";
  r.steps = {a1, a2, a3};
  EXPECT_EQ(regenerate(sc, r),
            "# keep me\n> tick\n< 1 trade leaves=0 contra_leaves=0\n# and me\n> tick\n< 2 status halted\n= seq 2\n");
}

}  // namespace
}  // namespace alphintra::book::golden
