// L3Replay: one instrument of the ReplayVenue replayed at order level (semantics in
// replay_venue.hpp). The replayed orders and ours share one book::OrderBook; what the book does
// to our orders because of a replayed message is handed back as book events for the engine.
//
// Queue order between replayed orders and ours is the book's own: whether one of our orders sits
// ahead of a replayed order being executed is read from the book (a better price, or the same
// level's queue in front of it). A replayed order is known by its feed id alone (kFeedBit set),
// so a feed cancel, delete or execution is one lookup in the book, with nothing kept beside it:
// the book holds each replayed order's side, price, quantity and open quantity.
//
// Threading: the backtest loop's thread. Memory: the book, the table and its slots, sized up
// front; steady state allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

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

  // Brings the book's index slot of a replayed order about to be named into cache (the loop
  // calls it a few events ahead).
  void prefetch(std::uint64_t orderId) const noexcept { book_.prefetchIndex(OrderId{orderId | kFeedBit}); }

  const book::OrderBook& book() const noexcept { return book_; }
  std::size_t ownOrders() const noexcept { return own_.size(); }

 private:
  struct Own {
    OrderId id;
    AccountId account;
    Side side = Side::Buy;
    std::int64_t price = 0;
    std::int64_t leaves = 0;
  };
  static constexpr std::uint64_t kFeedBit = 1ull << 63;  // ReplayVenue::kFeedBit

  void reduce(std::uint64_t feedId, std::int64_t shares, Timestamp now, std::vector<book::Event>& scratch,
              std::vector<book::Event>& own, std::uint64_t& skipped);
  // A feed execution of `shares` of a replayed order at `price`: ours ahead of it are filled
  // first. `sameLevelAhead`: our open quantity queued before it at that price, or -1 when the
  // book no longer holds it (then all of ours at that price count as ahead).
  void fillAhead(Side side, std::int64_t price, std::int64_t sameLevelAhead, std::int64_t shares, Timestamp now,
                 std::vector<book::Event>& scratch, std::vector<book::Event>& own);
  // Drops finished orders of ours from own_ after the book emitted [from, end) of `events`;
  // with `forward`, appends the events about ours to `own`.
  void settle(const std::vector<book::Event>& events, std::size_t from, std::vector<book::Event>* forward);
  void track(OrderId id);  // a new or changed order of ours: listed while it rests
  void untrack(OrderId id) noexcept;
  void ownLeaves(OrderId id, std::int64_t leaves) noexcept;  // a trade or replace of ours: 0 untracks
  Own* findOwn(OrderId id) noexcept;
  static bool isOurs(OrderId id) noexcept;

  book::OrderBook book_;
  std::vector<Own> own_;  // our resting orders (few: a linear scan beats an index)
  std::uint32_t ownBySide_[2] = {0, 0};
  std::uint64_t nextSynthetic_ = 0;
};

}  // namespace alphintra::backtest
