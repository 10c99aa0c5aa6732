// ReferenceBook: a deliberately naive order book that implements docs/matching.md literally,
// as the oracle of the randomized differential test (differential_test.cpp).
//
// It owns nothing but its own state and shares no code with the fast book (book::OrderBook):
// orders sit in plain std::vectors kept in priority order (insertion and removal by linear
// scan), every lookup is a linear search by id, every aggregate (level quantity, executable
// quantity, auction volumes) is recomputed from scratch when needed. Only the public data
// types (NewOrder, Event, BookOptions, TopOfBook, LevelView, OrderView) are shared, so that
// both books can be driven and compared field by field.
//
// Readings of the contract where docs/matching.md is silent or ambiguous are marked
// "Reading:" in reference_book.cpp; the differential test holds the fast book to them.
//
// Threading: single-threaded, like the book it checks. Speed: O(live orders) per step; fine
// for a few hundred live orders, which is what the random streams keep.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "book/types.hpp"
#include "core/instrument.hpp"

namespace alphintra::book::testing {

class ReferenceBook {
 public:
  explicit ReferenceBook(const Instrument& instrument, BookOptions options = {});

  void submit(const NewOrder& order, Timestamp now, std::vector<Event>& out);
  void cancel(OrderId id, Timestamp now, std::vector<Event>& out);
  void replace(const ReplaceOrder& request, Timestamp now, std::vector<Event>& out);
  void massCancel(AccountId account, Timestamp now, std::vector<Event>& out);
  void setStatus(TradingStatus status, Timestamp now, std::vector<Event>& out);
  void advanceTime(Timestamp now, std::vector<Event>& out);
  void setReferencePrice(Price price) { referencePrice_ = price; }

  // Snapshots, with the same meaning as OrderBook's queries.
  TopOfBook topOfBook() const;
  void depth(Side side, std::size_t maxLevels, std::vector<LevelView>& out) const;
  void orders(Side side, std::vector<OrderView>& out) const;
  std::optional<OrderView> find(OrderId id) const;

  TradingStatus status() const { return status_; }
  Price lastTradePrice() const { return lastTradePrice_; }
  std::uint64_t sequence() const { return sequence_; }
  Timestamp latestTime() const { return now_; }
  // Every live order (resting, stop, queued), for the random command generator.
  std::vector<OrderView> liveOrders() const;
  // How often each interesting branch of the contract ran (coverage report of the tests).
  const std::map<std::string, std::uint64_t>& branchCounts() const { return branches_; }
  // A live order's minimum quantity (OrderView does not carry it); zero when none or unknown.
  Quantity minimumQuantity(OrderId id) const;

 private:
  struct Order {
    OrderId id;
    AccountId account;
    Side side = Side::None;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::GTC;
    Price price = Price::undefined();  // undefined for Market and Stop
    Price stopPrice = Price::undefined();
    Quantity quantity;  // total, after replaces and restatements
    Quantity filled;
    Quantity leaves;
    Quantity displayed;  // while resting
    Quantity peak;       // iceberg display peak; 0: not an iceberg
    Quantity minQuantity;
    bool postOnly = false;
    SelfTradePrevention selfTrade = SelfTradePrevention::None;
    Timestamp expireTime;
    bool triggered = false;
    std::uint64_t acceptance = 0;  // order of acceptance (mass cancel, stops, expiry ties)
  };

  enum class Where { None, Resting, Stop, Queued };

  // Containers, each in its own order: resting sides in priority order (best price first, then
  // time), stops in acceptance order, queued market orders in arrival order.
  std::vector<Order>& resting(Side s) { return s == Side::Buy ? bids_ : asks_; }
  const std::vector<Order>& resting(Side s) const { return s == Side::Buy ? bids_ : asks_; }
  std::vector<Order>& queued(Side s) { return s == Side::Buy ? queuedBuys_ : queuedSells_; }
  Where locate(OrderId id) const;
  Order* findOrder(OrderId id);

  // Events.
  Event& emit(EventType type, std::vector<Event>& out);
  void emitOrderEvent(EventType type, const Order& o, Quantity qty, std::uint8_t reason, std::vector<Event>& out);
  void emitCancelled(const Order& o, CancelReason reason, Quantity qty, std::vector<Event>& out);
  void emitRejected(OrderId id, Side side, RejectReason reason, std::vector<Event>& out);
  void emitMarketData(EventType l3, const Order& o, std::vector<Event>& out);

  // Resting book changes, each with its L3 then L2 update.
  void addResting(Order o, std::vector<Event>& out);
  Order removeResting(Side side, OrderId id, std::vector<Event>& out);
  void updateRestingDisplay(Side side, OrderId id, Quantity displayed, std::vector<Event>& out);
  void afterFill(Side side, OrderId id, Quantity displayedBefore, std::vector<Event>& out);

  // Commands' steps.
  void beginCommand(Timestamp now, std::vector<Event>& out);
  RejectReason validateNew(const NewOrder& o) const;
  RejectReason checkQuantity(Quantity q) const;
  bool isCallPhase(TradingStatus s) const;
  bool reaches(const Order& incoming, Price restingPrice) const;
  Quantity executableQuantity(const Order& incoming) const;
  void executeIncoming(Order incoming, bool entry, std::vector<Event>& out);
  bool matchIncoming(Order& incoming, std::vector<Event>& out);
  bool stopTriggers(const Order& o) const;
  void runStops(std::vector<Event>& out);
  void uncross(std::vector<Event>& out);
  void cancelQueued(std::vector<Event>& out);
  void runExpiries(std::vector<Event>& out);
  void expireDayOrders(std::vector<Event>& out);
  OrderView view(const Order& o, bool isResting) const;
  void hit(const std::string& branch) { ++branches_[branch]; }

  Instrument instrument_;
  BookOptions options_;
  TradingStatus status_;
  Timestamp now_;
  std::uint64_t sequence_ = 0;
  std::uint64_t acceptanceCounter_ = 0;
  Price lastTradePrice_ = Price::undefined();
  Price referencePrice_ = Price::undefined();
  bool tradedInCommand_ = false;

  std::vector<Order> bids_;
  std::vector<Order> asks_;
  std::vector<Order> stops_;
  std::vector<Order> queuedBuys_;
  std::vector<Order> queuedSells_;
  std::map<std::string, std::uint64_t> branches_;
};

}  // namespace alphintra::book::testing
