// OrderTable: gap-free ids, lookup by (account, client order id) including ids registered by
// replaces, equal client ids of different accounts kept apart, growth past the reserved size,
// a restore that rebuilds the index, and purges of finished orders.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "oms/order_table.hpp"

namespace alphintra::oms {
namespace {

OrderRequest request(std::uint64_t account, std::string_view clientId) {
  OrderRequest r;
  r.account = AccountId{account};
  r.instrument = InstrumentId{1};
  r.clientOrderId = ClientOrderId::fromTrusted(clientId);
  r.quantity = Quantity::fromRaw(100);
  r.price = Price::fromRaw(1000);
  return r;
}

std::vector<std::pair<OrderId, ClientOrderId>> replacementList(const OrderTable& t) {
  std::vector<std::pair<OrderId, ClientOrderId>> list;
  for (const auto& [id, clientId] : t.replacementIds()) list.emplace_back(OrderId{id}, clientId);
  return list;
}

TEST(OrderTable, HandsOutGapFreeIdsAndFindsByClientId) {
  OrderTable t(4);
  for (int i = 0; i < 1000; ++i) {  // well past the reserved size: the index grows
    const OmsOrder& o = t.create(request(1 + i % 3, "c" + std::to_string(i)), Timestamp(i));
    EXPECT_EQ(o.id.value(), static_cast<std::uint64_t>(i + 1));
  }
  for (int i = 0; i < 1000; ++i) {
    OmsOrder* o = t.findByClientId(AccountId{static_cast<std::uint64_t>(1 + i % 3)},
                                   ClientOrderId::fromTrusted("c" + std::to_string(i)));
    ASSERT_NE(o, nullptr) << i;
    EXPECT_EQ(o->id.value(), static_cast<std::uint64_t>(i + 1));
  }
  EXPECT_EQ(t.findByClientId(AccountId{2}, ClientOrderId::fromTrusted("c0")), nullptr);  // c0 belongs to account 1
  EXPECT_EQ(t.find(OrderId{1001}), nullptr);
  EXPECT_EQ(t.find(OrderId{0}), nullptr);
}

TEST(OrderTable, SameClientIdInTwoAccountsAreTwoOrders) {
  OrderTable t;
  t.create(request(1, "same"), Timestamp(1));
  t.create(request(2, "same"), Timestamp(2));
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("same"))->id.value(), 1u);
  EXPECT_EQ(t.findByClientId(AccountId{2}, ClientOrderId::fromTrusted("same"))->id.value(), 2u);
}

TEST(OrderTable, ReplacementIdsFindTheOrderAndSurviveRestore) {
  OrderTable t;
  t.create(request(1, "first"), Timestamp(1));
  t.create(request(1, "other"), Timestamp(2));
  t.indexClientId(AccountId{1}, ClientOrderId::fromTrusted("second"), OrderId{1});
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("second"))->id.value(), 1u);
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("first"))->id.value(), 1u);

  OrderTable restored;
  restored.startRestore(1, 2);
  t.forEach([&](const OmsOrder& o) { EXPECT_TRUE(restored.restoreOrder(o)); });
  restored.finishRestore(replacementList(t));
  EXPECT_EQ(restored.size(), 2u);
  EXPECT_EQ(restored.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("second"))->id.value(), 1u);
  EXPECT_EQ(restored.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("other"))->id.value(), 2u);
  EXPECT_EQ(restored.nextOrderId().value(), 3u);
}

// A table of `n` orders created at times 0..n-1 (client ids "c<i>", account 1), each finished
// at its creation time except every 1000th, which stays live, and every 777th, which finished
// late (at time 1e9).
OrderTable tableWithHistory(std::size_t n) {
  OrderTable t(16);
  for (std::size_t i = 0; i < n; ++i) {
    OmsOrder& o = t.create(request(1, "c" + std::to_string(i)), Timestamp(static_cast<std::int64_t>(i)));
    if (i % 1000 == 0) {
      o.state.base = OrdStatus::New;
    } else {
      o.state.base = i % 2 == 0 ? OrdStatus::Filled : OrdStatus::Canceled;
      o.updatedTime = Timestamp(i % 777 == 0 ? 1'000'000'000 : static_cast<std::int64_t>(i));
    }
  }
  return t;
}

bool retired(std::size_t i, std::int64_t cutoff) {
  return i % 1000 != 0 && i % 777 != 0 && static_cast<std::int64_t>(i) < cutoff;
}

TEST(OrderTable, PurgeDropsOldFinishedOrdersAndKeepsTheOthersFindable) {
  constexpr std::size_t kChunk = ChunkedVector<OmsOrder>::kPerChunk;
  const std::size_t n = 3 * kChunk + 100;
  OrderTable t = tableWithHistory(n);
  t.indexClientId(AccountId{1}, ClientOrderId::fromTrusted("r1000"), OrderId{1001});  // a replace of a live one
  t.indexClientId(AccountId{1}, ClientOrderId::fromTrusted("r3"), OrderId{4});        // of a retired one
  const std::int64_t cutoff = static_cast<std::int64_t>(2 * kChunk + 50);

  const auto counts = t.purgeFinished(Timestamp(cutoff));
  // The window starts at the chunk holding the first order created at the cutoff.
  EXPECT_EQ(t.base(), 2 * kChunk + 1);
  std::size_t expectPurged = 0;
  for (std::size_t i = 0; i < 2 * kChunk; ++i) expectPurged += retired(i, cutoff);
  EXPECT_EQ(counts.purged, expectPurged);
  EXPECT_EQ(counts.parked, 2 * kChunk - expectPurged);
  EXPECT_EQ(t.parkedCount(), counts.parked);
  EXPECT_EQ(t.size(), n);  // ids handed out
  EXPECT_EQ(t.kept(), n - expectPurged);

  for (std::size_t i = 0; i < n; ++i) {
    const OrderId id{i + 1};
    const bool gone = i < 2 * kChunk && retired(i, cutoff);
    const OmsOrder* byId = t.find(id);
    const OmsOrder* byClient = t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("c" + std::to_string(i)));
    if (gone) {
      EXPECT_EQ(byId, nullptr) << i;
      EXPECT_EQ(byClient, nullptr) << i;
    } else {
      ASSERT_NE(byId, nullptr) << i;
      EXPECT_EQ(byId->id, id);
      EXPECT_EQ(byId->createdTime.nanos(), static_cast<std::int64_t>(i));
      EXPECT_EQ(byClient, byId) << i;
    }
  }
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("r1000"))->id.value(), 1001u);
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("r3")), nullptr);
  EXPECT_EQ(t.replacementIds().size(), 1u);

  // forEach visits what is kept, in id order.
  std::uint64_t last = 0;
  std::size_t visited = 0;
  t.forEach([&](const OmsOrder& o) {
    EXPECT_GT(o.id.value(), last);
    last = o.id.value();
    ++visited;
  });
  EXPECT_EQ(visited, t.kept());

  // Ids go on from where they were; a retired order's client id may be used again.
  const OmsOrder& next = t.create(request(1, "c1"), Timestamp(cutoff + 1));
  EXPECT_EQ(next.id.value(), n + 1);
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("c1")), &next);

  // A later purge also drops parked orders that have finished by then, and moves the window on.
  t.find(OrderId{1001})->state.base = OrdStatus::Canceled;
  t.find(OrderId{1001})->updatedTime = Timestamp(cutoff);
  const auto again = t.purgeFinished(Timestamp(2'000'000'000));
  EXPECT_EQ(t.find(OrderId{1001}), nullptr);
  EXPECT_EQ(t.find(OrderId{778}), nullptr);  // finished late, retired now
  EXPECT_NE(t.find(OrderId{1}), nullptr);    // still live
  EXPECT_EQ(t.base(), (n / kChunk) * kChunk + 1);
  EXPECT_GT(again.purged, 0u);
  EXPECT_EQ(t.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("c0"))->id.value(), 1u);
}

TEST(OrderTable, RestoreAfterAPurgeGivesTheSameTable) {
  constexpr std::size_t kChunk = ChunkedVector<OmsOrder>::kPerChunk;
  OrderTable t = tableWithHistory(2 * kChunk + 10);
  t.purgeFinished(Timestamp(static_cast<std::int64_t>(kChunk + 5)));
  ASSERT_EQ(t.base(), kChunk + 1);

  OrderTable r;
  r.startRestore(t.base(), t.kept());
  t.forEach([&](const OmsOrder& o) { EXPECT_TRUE(r.restoreOrder(o)); });
  r.finishRestore(replacementList(t));
  EXPECT_EQ(r.base(), t.base());
  EXPECT_EQ(r.kept(), t.kept());
  EXPECT_EQ(r.size(), t.size());
  EXPECT_EQ(r.parkedCount(), t.parkedCount());
  for (std::uint64_t id = 1; id <= t.size(); ++id) {
    EXPECT_EQ(r.find(OrderId{id}) == nullptr, t.find(OrderId{id}) == nullptr) << id;
  }
  EXPECT_EQ(r.findByClientId(AccountId{1}, ClientOrderId::fromTrusted("c1000"))->id.value(), 1001u);

  // Out of order or with a gap in the window: refused.
  OrderTable bad;
  bad.startRestore(3, 4);
  OmsOrder o;
  o.id = OrderId{2};
  EXPECT_TRUE(bad.restoreOrder(o));   // parked
  EXPECT_FALSE(bad.restoreOrder(o));  // again
  o.id = OrderId{4};
  EXPECT_FALSE(bad.restoreOrder(o));  // the window starts at 3
  o.id = OrderId{3};
  EXPECT_TRUE(bad.restoreOrder(o));
}

TEST(OrderTable, RepeatedPurgesKeepTheIndexExact) {
  // Random orders, finishes, replaces and purges, checked against a plain model after each
  // purge: every kept order is found by each of its client ids, no retired one is.
  constexpr std::size_t kChunk = ChunkedVector<OmsOrder>::kPerChunk;
  std::mt19937_64 rng(42);
  OrderTable t(16);
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> model;  // (account, client id) → order
  std::int64_t now = 0;
  std::uint64_t nextReplace = 0;
  for (int round = 0; round < 6; ++round) {
    for (std::size_t i = 0; i < kChunk + 3000; ++i) {
      ++now;
      const std::uint64_t account = 1 + rng() % 5;
      const std::string clientId = "o" + std::to_string(rng() % 200'000);
      if (model.count({account, clientId}) != 0) continue;  // in use: the engine would refuse it
      OmsOrder& o = t.create(request(account, clientId), Timestamp(now));
      model[{account, clientId}] = o.id.value();
      if (rng() % 50 == 0) {
        const std::string replacement = "r" + std::to_string(++nextReplace);
        t.indexClientId(AccountId{account}, ClientOrderId::fromTrusted(replacement), o.id);
        model[{account, replacement}] = o.id.value();
      }
    }
    // Finish most orders at random times up to now.
    for (std::uint64_t id = t.base(); id <= t.size(); ++id) {
      OmsOrder* o = t.find(OrderId{id});
      if (o != nullptr && !o->state.isTerminal() && rng() % 10 != 0) {
        o->state.base = OrdStatus::Filled;
        o->updatedTime = Timestamp(o->createdTime.nanos() + static_cast<std::int64_t>(rng() % 5000));
      }
    }
    t.purgeFinished(Timestamp(now - static_cast<std::int64_t>(rng() % 4000)));
    for (auto it = model.begin(); it != model.end();) {
      const auto& [key, id] = *it;
      const OmsOrder* kept = t.find(OrderId{id});
      const OmsOrder* found = t.findByClientId(AccountId{key.first}, ClientOrderId::fromTrusted(key.second));
      EXPECT_EQ(found, kept) << "round " << round << " " << key.second;
      it = kept == nullptr ? model.erase(it) : std::next(it);
    }
  }
  EXPECT_GT(t.base(), 4 * kChunk);
  EXPECT_GT(t.parkedCount(), 0u);
}

TEST(OrderTable, PurgesByAccountRangeRetireExactlyWhatTheRuleSays) {
  // Orders of six accounts finish at random — parked ones included — and purges with random
  // cutoffs and account ranges run between; after each, an order is gone exactly when it is
  // below the window, finished, last updated before the cutoff and of an account in range, and
  // the counts and retiredParked() say so. Then a restore of the table gives the same answers.
  constexpr std::size_t kChunk = ChunkedVector<OmsOrder>::kPerChunk;
  std::mt19937_64 rng(7);
  OrderTable t(16);
  struct Model {
    std::uint64_t account;
    std::string clientId;
  };
  std::map<std::uint64_t, Model> kept;
  std::int64_t now = 0;
  for (int round = 0; round < 12; ++round) {
    for (std::size_t i = 0; i < kChunk / 2; ++i) {
      ++now;
      const std::uint64_t account = 1 + rng() % 6;
      const std::string clientId = "k" + std::to_string(round) + "-" + std::to_string(i);
      const OmsOrder& o = t.create(request(account, clientId), Timestamp(now));
      kept[o.id.value()] = Model{account, clientId};
      if (rng() % 40 == 0) t.indexClientId(AccountId{account}, ClientOrderId::fromTrusted("x" + clientId), o.id);
    }
    // Finish a random share of the live orders, parked or not, at times up to now.
    for (const auto& [id, m] : kept) {
      OmsOrder* o = t.find(OrderId{id});
      ASSERT_NE(o, nullptr) << id;
      if (!o->state.isTerminal() && rng() % 3 == 0) {
        o->state.base = rng() % 2 == 0 ? OrdStatus::Filled : OrdStatus::Canceled;
        o->updatedTime = Timestamp(std::max(o->createdTime.nanos(), now - static_cast<std::int64_t>(rng() % 20'000)));
      }
    }
    const std::uint64_t oldBase = t.base();
    const Timestamp cutoff(now - static_cast<std::int64_t>(rng() % 30'000));
    const std::uint64_t first = rng() % 4 == 0 ? 0 : 1 + rng() % 6;
    const std::uint64_t last = rng() % 3 == 0 ? 0 : first + rng() % 3;  // 0: no upper bound
    std::map<std::uint64_t, bool> before;  // id → terminal, updated before the cutoff, in range
    for (const auto& [id, m] : kept) {
      const OmsOrder* o = t.find(OrderId{id});
      before[id] =
          o->state.isTerminal() && o->updatedTime < cutoff && m.account >= first && (last == 0 || m.account <= last);
    }
    const auto counts = t.purgeFinished(cutoff, AccountId{first}, AccountId{last});
    std::size_t purged = 0;
    std::vector<std::uint64_t> retiredParked;
    for (auto it = kept.begin(); it != kept.end();) {
      const std::uint64_t id = it->first;
      const bool goes = id < t.base() && before[id];
      ASSERT_EQ(t.find(OrderId{id}) == nullptr, goes) << "round " << round << " order " << id;
      const OmsOrder* byClient =
          t.findByClientId(AccountId{it->second.account}, ClientOrderId::fromTrusted(it->second.clientId));
      ASSERT_EQ(byClient == nullptr, goes) << id;
      if (!goes) {
        ++it;
        continue;
      }
      ++purged;
      if (id < oldBase) retiredParked.push_back(id);
      it = kept.erase(it);
    }
    EXPECT_EQ(counts.purged, purged) << "round " << round;
    std::vector<std::uint64_t> reported = t.retiredParked();
    std::sort(reported.begin(), reported.end());
    EXPECT_EQ(reported, retiredParked) << "round " << round;
    EXPECT_EQ(t.kept(), kept.size());
  }
  EXPECT_GT(t.base(), 3 * kChunk);
  EXPECT_GT(t.parkedCount(), 1000u);

  // A restored table purges the same way.
  OrderTable r;
  r.startRestore(t.base(), t.kept());
  t.forEach([&](const OmsOrder& o) { ASSERT_TRUE(r.restoreOrder(o)); });
  r.finishRestore(replacementList(t));
  const Timestamp cutoff(now + 1);
  const auto a = t.purgeFinished(cutoff, AccountId{2}, AccountId{4});
  const auto b = r.purgeFinished(cutoff, AccountId{2}, AccountId{4});
  EXPECT_EQ(a.purged, b.purged);
  EXPECT_GT(a.purged, 0u);
  EXPECT_EQ(t.kept(), r.kept());
  for (const auto& [id, m] : kept) EXPECT_EQ(t.find(OrderId{id}) == nullptr, r.find(OrderId{id}) == nullptr) << id;
}

TEST(OrderTable, AveragePriceIsExactAndRounded) {
  OmsOrder o;
  EXPECT_FALSE(o.averagePrice().isDefined());
  o.cumQuantity = Quantity::fromRaw(3);
  o.cumNotional = 1000 * 1 + 1001 * 2;  // fills 1@1000, 2@1001 → 1000.67
  EXPECT_EQ(o.averagePrice().raw(), 1001);
}

}  // namespace
}  // namespace alphintra::oms
