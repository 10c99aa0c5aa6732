// L2Replay: one instrument of the ReplayVenue replayed from price levels with aggregate sizes
// (L2 level updates, or L1 quotes plus trades). Semantics, including the queue-position
// estimate, in replay_venue.hpp; this class holds the displayed levels and our orders.
//
// Levels per side in a vector sorted with the best price at the back: updates cluster at the
// touch, so finds and inserts touch the last few entries. Our orders in a short vector in
// arrival order (a strategy has few live orders per instrument: a scan beats an index).
//
// Queue ahead: the displayed size in front of our order, integer raw quantity. For quote-driven
// (L1) data an order joining a price below the displayed best has an unknown queue
// (kUnknownAhead) until that price shows: it then queues behind all of it. Proportional
// decreases use 128-bit products, no floating point.
//
// Threading: the backtest loop's thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "book/order_book.hpp"
#include "core/binary_io.hpp"
#include "marketdata/events.hpp"

namespace alphintra::backtest {

enum class QueueModel : std::uint8_t;

class L2Replay {
 public:
  static constexpr std::int64_t kUnknownAhead = INT64_MAX;

  L2Replay(const Instrument& instrument, QueueModel model);

  void submit(const book::NewOrder& order, Timestamp now, std::vector<book::Event>& out);
  void cancel(OrderId id, Timestamp now, std::vector<book::Event>& out);
  void replace(const book::ReplaceOrder& request, Timestamp now, std::vector<book::Event>& out);
  void massCancel(AccountId account, Timestamp now, std::vector<book::Event>& out);
  void setStatus(TradingStatus status, Timestamp now, std::vector<book::Event>& out);
  // Expires our GTD orders whose expire time is at or before `now` (in acceptance order), as
  // the matching engine does; Day orders expire when the instrument closes (setStatus).
  void expire(Timestamp now, std::vector<book::Event>& out);

  // Replayed data; fills of ours are appended to `own`.
  void onLevel(const marketdata::BookLevelEvent& e, std::vector<book::Event>& own);
  void onQuote(const marketdata::QuoteEvent& e, std::vector<book::Event>& own);
  void onTrade(const marketdata::TradeEvent& e, std::vector<book::Event>& own);

  book::TopOfBook top() const noexcept;
  void levels(Side side, std::size_t maxLevels, std::vector<book::LevelView>& out) const;
  // Best first as raw (price, size) pairs, out.size() / 2 levels at most; how many there are.
  std::size_t levelPairs(Side side, std::span<std::int64_t> out) const noexcept;
  Quantity queueAhead(OrderId id) const noexcept;
  std::size_t ownOrders() const noexcept { return own_.size(); }
  TradingStatus status() const noexcept { return status_; }
  void save(ByteWriter& out) const;

 private:
  struct Level {
    std::int64_t price;
    std::int64_t size;
  };
  struct Own {
    OrderId id;
    AccountId account;
    Side side = Side::Buy;
    std::int64_t price = 0;
    std::int64_t quantity = 0;  // total (after replaces)
    std::int64_t leaves = 0;
    std::int64_t ahead = 0;   // displayed size in front of us
    std::int64_t traded = 0;  // traded at our price since the level's last update
    std::uint64_t arrival = 0;
    book::TimeInForce tif = book::TimeInForce::GTC;
    std::int64_t expireTime = 0;  // GTD: nanoseconds since the epoch; 0 otherwise
  };

  Own* findOwn(OrderId id) noexcept;
  std::vector<Level>& levelsOf(Side s) noexcept { return s == Side::Buy ? bids_ : asks_; }
  const std::vector<Level>& levelsOf(Side s) const noexcept { return s == Side::Buy ? bids_ : asks_; }
  std::int64_t sizeAt(Side s, std::int64_t price) const noexcept;
  void setLevel(Side s, std::int64_t price, std::int64_t size);
  static bool better(Side s, std::int64_t a, std::int64_t b) noexcept { return s == Side::Buy ? a > b : a < b; }
  book::Event& emit(book::EventType type, Timestamp now, std::vector<book::Event>& out);
  void reject(OrderId id, Side side, book::RejectReason reason, Timestamp now, std::vector<book::Event>& out);
  // Our order `o` (already in own_ or about to be) takes the opposite levels up to its leaves.
  void take(Own& o, Timestamp now, std::vector<book::Event>& out);
  void fillResting(Own& o, std::int64_t qty, std::int64_t price, Timestamp now, std::vector<book::Event>& out);
  void levelChanged(Own& o, std::int64_t before, std::int64_t after);
  void crossResting(Side ownSide, Timestamp now, std::vector<book::Event>& out);
  void restOrFinish(Own o, bool immediate, book::TimeInForce tif, Timestamp now, std::vector<book::Event>& out);
  void prune();
  void emitExpired(Own& o, Timestamp now, std::vector<book::Event>& out);
  std::int64_t initialAhead(Side s, std::int64_t price) const noexcept;

  Instrument instrument_;
  QueueModel model_;
  std::int64_t tick_;
  std::int64_t lot_;
  TradingStatus status_ = TradingStatus::Continuous;
  std::vector<Level> bids_;           // ascending: best (highest) last
  std::vector<Level> asks_;           // descending: best (lowest) last
  std::vector<Own> own_;              // arrival order
  std::vector<std::uint32_t> order_;  // scratch: own_ indices in priority order
  std::uint32_t ownBySide_[2] = {0, 0};
  std::uint64_t nextArrival_ = 0;
  std::int64_t nextExpiry_ = INT64_MAX;  // earliest expire time of our GTD orders (a cheap check per event)
  std::uint64_t sequence_ = 0;
  Price lastTrade_ = Price::undefined();
  bool quoteDriven_ = false;
};

}  // namespace alphintra::backtest
