// L3Replay: one instrument of the ReplayVenue replayed at order level (semantics in
// replay_venue.hpp). The replayed orders and ours share one book::OrderBook; what the book does
// to our orders because of a replayed message is handed back as book events for the engine.
//
// Queue order between replayed orders and ours is the book's own; to decide whether one of our
// orders sits ahead of a replayed order being executed, both carry an arrival stamp (replayed:
// in the replayed-order table, ours: in the short list of our resting orders), renewed whenever
// the book's priority is (a new order, a replace that moves or grows it).
//
// The replayed-order table (id → slot: stamp, side, price, quantity, leaves) mirrors what the
// book holds of each replayed order, kept current from the book's own events (trades with ours,
// self-trade removals, cancels, replaces), so that a feed cancel, delete or execution needs one
// lookup here and one in the book, never a copy of the order's view.
//
// Threading: the backtest loop's thread. Memory: the book, the table and its slots, sized up
// front; steady state allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "backtest/replayed_orders.hpp"
#include "book/id_index.hpp"
#include "book/order_book.hpp"
#include "marketdata/events.hpp"

namespace alphintra::backtest {

class L3Replay {
 public:
  L3Replay(const Instrument& instrument, std::uint32_t expectedOrders);

  // The engine's calls: the book's events go to `out` unfiltered (the engine knows its orders).
  void submit(const book::NewOrder& order, Timestamp now, std::vector<book::Event>& out);
  void cancel(OrderId id, Timestamp now, std::vector<book::Event>& out);
  void replace(const book::ReplaceOrder& request, Timestamp now, std::vector<book::Event>& out);
  void massCancel(AccountId account, Timestamp now, std::vector<book::Event>& out);
  void setStatus(TradingStatus status, Timestamp now, std::vector<book::Event>& out) {
    book_.setStatus(status, now, out);
  }
  void advanceTime(Timestamp now, std::vector<book::Event>& out);

  // One replayed message. Events about our orders are appended to `own`; `scratch` is working
  // space. Returns how many messages named an order the book no longer holds (0 or 1).
  std::uint64_t onOrder(const marketdata::BookOrderEvent& e, std::vector<book::Event>& scratch,
                        std::vector<book::Event>& own);

  // Brings the table slot of a replayed order about to be named into cache (the loop calls it
  // a few events ahead).
  void prefetch(std::uint64_t orderId) const noexcept { replayed_.prefetch(orderId | kFeedBit); }

  const book::OrderBook& book() const noexcept { return book_; }
  std::size_t ownOrders() const noexcept { return own_.size(); }

 private:
  struct Own {
    OrderId id;
    AccountId account;
    Side side = Side::Buy;
    std::int64_t price = 0;
    std::int64_t leaves = 0;
    std::uint32_t stamp = 0;
  };
  using Replayed = ReplayedOrders::Order;
  static constexpr std::uint64_t kFeedBit = 1ull << 63;  // ReplayVenue::kFeedBit
  static constexpr std::uint32_t kLatest = 0xFFFFFFFFu;  // stamp of a replayed order we no longer know

  void reduce(std::uint64_t feedId, std::int64_t shares, Timestamp now, std::vector<book::Event>& scratch,
              std::vector<book::Event>& own, std::uint64_t& skipped);
  void fillAhead(Side side, std::int64_t price, std::uint32_t stamp, std::int64_t shares, Timestamp now,
                 std::vector<book::Event>& scratch, std::vector<book::Event>& own);
  // Drops finished orders of ours from own_ after the book emitted [from, end) of `events`;
  // with `forward`, appends the events about ours to `own`.
  void settle(const std::vector<book::Event>& events, std::size_t from, std::vector<book::Event>* forward);
  void track(OrderId id);  // a new or re-prioritized order of ours: (re)stamp it if it rests
  void untrack(OrderId id) noexcept;
  void ownLeaves(OrderId id, std::int64_t leaves) noexcept;  // a trade or replace of ours: 0 untracks
  Own* findOwn(OrderId id) noexcept;
  static bool isOurs(OrderId id) noexcept;
  static bool isReplayed(OrderId id) noexcept;  // a feed order (not one of our synthetic aggressors)
  Replayed* findReplayed(std::uint64_t feedId) noexcept;
  void forget(std::uint64_t feedId) noexcept;
  void feedEvent(const book::Event& e) noexcept;  // keeps the table in step with the book

  book::OrderBook book_;
  ReplayedOrders replayed_;
  std::vector<Own> own_;  // our resting orders (few: a linear scan beats an index)
  std::uint32_t ownBySide_[2] = {0, 0};
  std::uint32_t nextStamp_ = 0;
  std::uint64_t nextSynthetic_ = 0;
};

}  // namespace alphintra::backtest
