// Engine: the deterministic heart of a shard. It applies sequenced commands one at a time —
// pre-trade risk, then the OMS, then the venue (the simulated exchange) — and appends the
// events each command caused. Given the same commands it reaches the same state and emits the
// same events, byte for byte (the determinism test hashes both); this is what makes journal
// replay a crash recovery and a backtest the same code as live trading.
//
// Hot-path rules: apply() never reads a clock (the command's stamped time is the only time),
// never does I/O, never throws, and allocates nothing in steady state: orders live in a flat
// table reserved up front, per-account and per-(account, instrument) state in vectors found
// through open-addressing indexes, and events go to a caller-owned vector that keeps its
// capacity. The first order of an account on an instrument allocates that pair's slot once.
//
// Threading: one engine thread owns an Engine and everything it holds. Readers on other
// threads learn about state only through the events (or a snapshot taken on the engine thread).
//
// Finished orders stay in memory until a PurgeOrders command retires those older than its
// cutoff (`serve` sends one periodically: --order-retention); history beyond that belongs to
// the stores fed by the events. Known limits: mass cancel by side and trading-status changes
// scan the order table, which is fine for commands that rare.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "book/id_index.hpp"
#include "core/binary_io.hpp"
#include "core/chunked_vector.hpp"
#include "core/instrument.hpp"
#include "core/prefault.hpp"
#include "engine/command.hpp"
#include "engine/event.hpp"
#include "engine/venue.hpp"
#include "oms/ledger.hpp"
#include "oms/money_math.hpp"
#include "oms/order_table.hpp"
#include "risk/kill_switch.hpp"
#include "risk/limits.hpp"
#include "risk/rules.hpp"
#include "risk/token_bucket.hpp"

namespace alphintra::engine {

struct EngineOptions {
  std::size_t expectedOrders = 1u << 16;  // order table and client-id index sized for this many
  book::BookOptions book{};               // per-instrument book sizing (simulated venue)
  bool publishMarketData = true;          // PublicTrade and Quote events
  // Unrealized P&L and exposures mark positions to the last trade or to the mid (each falls
  // back to the other when missing). Part of the engine's configuration, not of its state:
  // replay with the same options.
  oms::MarkSource markSource = oms::MarkSource::Last;
  // When the order tables' pages fault in (core/prefault.hpp): at construction (the default: no
  // fault on the trading path), or Later — on first use, or on a helper thread through
  // tableMemory() (recovery does that while it replays).
  Prefault tables = Prefault::Now;
};

// How many commands ahead of apply() a batch loop calls Engine::prefetch: far enough for a
// memory miss (~100-200 ns) to complete, near enough that the lines are still in cache.
// Engine::prefetchUpcoming issues the later stages of the chain nearer to apply().
inline constexpr std::size_t kPrefetchAhead = 6;

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  // With another venue (tests, adapters). The engine owns it.
  Engine(EngineOptions options, std::unique_ptr<Venue> venue);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Applies one command stamped by the sequencer; appends its events to `out` (not cleared).
  void apply(const Command& command, std::vector<EngineEvent>& out);
  // Cache hints for a command apply() will see soon: the client-id index slot of a new order,
  // the record of the order a cancel or replace names (both tables outgrow the caches and are
  // reached at random). Callers holding a batch call it a few commands ahead, so that those
  // memory misses overlap with the commands in between. Reads only; never changes a result.
  void prefetch(const Command& command) const noexcept;
  // The whole chain of hints for a batch loop, called just before apply(upcoming[0]) with the
  // commands that follow it in the batch (upcoming[0] included): prefetch() for the command
  // kPrefetchAhead on, then, for the nearer ones, what needs the lines the earlier stages
  // fetched (the record of an order named by client id, the venue's index slot and record of
  // an order to cancel or replace). Each dependent lookup runs once its input is cached.
  void prefetchUpcoming(std::span<const Command> upcoming) const noexcept;

  // State for queries on the engine thread, and for tests.
  const oms::OrderTable& orders() const noexcept { return orders_; }
  const oms::Ledger& ledger() const noexcept { return ledger_; }
  const Venue& venue() const noexcept { return *venue_; }
  const Instrument* instrument(InstrumentId id) const noexcept;
  const Instrument* instrumentBySymbol(std::string_view symbol) const noexcept;
  const std::vector<Instrument>& instruments() const noexcept { return instruments_; }
  // The reference price the last MarketData command gave the instrument (undefined: none, or
  // an unknown instrument).
  Price marketDataReference(InstrumentId id) const noexcept;
  std::uint64_t lastSequence() const noexcept { return lastSequence_; }
  Timestamp lastTime() const noexcept { return lastTime_; }
  risk::TradingState globalTradingState() const noexcept { return globalState_; }
  std::optional<risk::TradingState> accountTradingState(AccountId account) const noexcept;
  std::uint32_t openOrders(AccountId account) const noexcept;
  bool hasAccount(AccountId account) const noexcept { return findAccount(account) != nullptr; }
  // The limits in force for the account (its own, else the default); nullopt for an unknown one.
  std::optional<risk::AccountLimits> accountLimits(AccountId account) const noexcept;
  const risk::KillSwitch& killSwitch() const noexcept { return killSwitch_; }

  // The whole state, deterministically encoded (snapshots; stateHash() hashes these bytes).
  void save(ByteWriter& out) const;
  // Restores a state written by save() into a freshly constructed engine. False on malformed input.
  [[nodiscard]] bool load(ByteReader& in);
  // 64-bit FNV-1a of save()'s bytes: equal states have equal hashes.
  std::uint64_t stateHash() const;
  // The order tables' mapped memory (EngineOptions::tables = Later: for a BackgroundPrefault).
  BackgroundPrefault::Ranges tableMemory() const;

 private:
  struct AccountState {
    AccountId id;
    risk::AccountType type = risk::AccountType::Cash;
    Currency base;
    risk::AccountLimits limits;
    bool ownLimits = false;
    risk::TradingState state = risk::TradingState::Active;
    risk::TokenBucket bucket;
    std::uint32_t openOrders = 0;
    std::int64_t reservedFunds = 0;         // base currency: cash for open buys (cash) / initial margin of open orders
    std::int64_t openNotional = 0;          // base currency: Σ leaves × price of open orders (gross exposure)
    std::vector<std::uint64_t> restricted;  // instrument ids, sorted
    // The ledger's record of the account (fees, margin terms), looked up once: set when the
    // account opens and after a snapshot load (the ledger's records never move or close).
    const oms::Account* ledger = nullptr;
  };
  struct PairState {               // one account on one instrument
    std::uint32_t account = 0;     // index into accounts_
    std::uint32_t instrument = 0;  // index into instruments_
    Quantity openBuy;
    Quantity openSell;
    risk::InstrumentLimits limits;
    bool ownLimits = false;
    // The ledger's position record, once the first fill created it (its records never move):
    // fills and risk checks reach it without looking it up by ids.
    mutable oms::Ledger::PositionSlot* position = nullptr;
  };
  struct InstrumentState {
    risk::InstrumentLimits defaultLimits;
    Price referencePrice = Price::undefined();  // from MarketData (last, else mid)
    book::TopOfBook lastQuote;
    bool restricted = false;  // global restricted list
    oms::MoneyScale scale;    // price × quantity → money (cached: Currency::minorUnits scans a table)
  };
  struct OrderExtra {           // engine bookkeeping per order, parallel to the order table
    std::int64_t reserved = 0;  // funds reserved for it (AccountState::reservedFunds share)
    std::uint32_t pair = 0;
    std::int64_t openNotional = 0;  // its share of AccountState::openNotional
  };

  // Commands.
  void onNewOrder(const Command& c, std::vector<EngineEvent>& out);
  void onCancel(const Command& c, std::vector<EngineEvent>& out);
  void onReplace(const Command& c, std::vector<EngineEvent>& out);
  void onMassCancel(const Command& c, std::vector<EngineEvent>& out);
  void onMarketData(const Command& c, std::vector<EngineEvent>& out);
  void onClockTick(const Command& c, std::vector<EngineEvent>& out);
  void onAdmin(const Command& c, std::vector<EngineEvent>& out);
  void onInstrumentStatus(const Command& c, std::vector<EngineEvent>& out);
  void onKillSwitch(const Command& c, std::vector<EngineEvent>& out);
  void onPurgeOrders(const Command& c, std::vector<EngineEvent>& out);
  void onSettleInstrument(const Command& c, std::vector<EngineEvent>& out);
  void onScheduleSettlement(const Command& c, std::vector<EngineEvent>& out);
  // Settles instrument `inst` at `price` (checked: a known future not settled yet) and emits the
  // settle_instrument result, answering `c` when `answers` (a scheduled one answers nobody).
  void settle(const Command& c, std::uint32_t inst, Price price, bool answers, std::vector<EngineEvent>& out);
  void settleDue(const Command& c, std::vector<EngineEvent>& out);  // scheduled settlements due at c's time
  void settleScheduled(const Command& c, std::uint32_t inst, Price price, std::vector<EngineEvent>& out);
  std::optional<RejectCode> unsettleable(std::uint32_t inst, InstrumentId id) const;

  // Venue answers → OMS.
  void processVenueEvents(const Command& c, std::uint32_t instrument, std::vector<EngineEvent>& out);
  void onVenueTrade(const Command& c, std::uint32_t instrument, const book::Event& e, std::vector<EngineEvent>& out);
  void fillOrder(const Command& c, oms::OmsOrder& order, Price price, Quantity qty, Quantity leaves,
                 Liquidity liquidity, TradeId trade, std::vector<EngineEvent>& out);
  void finishOrder(oms::OmsOrder& order);  // releases open-order counts and reservations
  void updateReservation(oms::OmsOrder& order);
  void publishQuote(const Command& c, std::uint32_t instrument, std::vector<EngineEvent>& out);
  void cancelScope(const Command& c, AccountId account, InstrumentId instrument, std::vector<EngineEvent>& out);

  // Risk.
  risk::RiskVerdict checkRisk(AccountState& account, std::uint32_t instrument, std::uint32_t pair, Side side,
                              bool hasLimit, Price limitPrice, Price valuationPrice, Quantity addedQuantity,
                              Timestamp now, std::optional<RejectCode>& engineReject);
  Price valuationPrice(std::uint32_t instrument, Side side, const oms::OrderRequest& request) const;
  Price referencePrice(std::uint32_t instrument) const;
  static std::int64_t initialMarginPpm(const AccountState& account, AssetClass assetClass) noexcept;
  static Money estimateFee(const AccountState& account, Money notional) noexcept;
  // price × quantity in the instrument's currency, then in the account's base currency
  // (nullopt without an FX rate). Same-currency amounts convert inline.
  Money notionalOf(std::uint32_t instrument, Price price, Quantity quantity) const noexcept {
    return oms::notional(price, quantity, instrumentStates_[instrument].scale);
  }
  std::optional<Money> toBase(const AccountState& account, Money amount, Currency currency) const {
    if (oms::sameCurrency(account.base, currency) && !currency.isNone() && amount.isDefined()) return amount;
    return ledger_.toBase(account.id, amount, currency);
  }
  bool openLedgerAccount(const OpenAccountBody& body);
  std::int64_t reservationFor(const AccountState& account, std::uint32_t instrument, Side side, Price price,
                              Quantity leaves) const;
  std::int64_t reservationOf(const AccountState& account, std::uint32_t instrument, Side side, Money notional,
                             const std::optional<Money>& base) const;

  // Events.
  EngineEvent& emit(const Command& c, EventKind kind, bool answersRequest, std::vector<EngineEvent>& out);
  // The report's order fields are set; the caller adds a fill's or a rejection's details.
  ExecutionReport& report(const Command& c, const oms::OmsOrder& order, oms::ExecType type, bool answersRequest,
                          std::vector<EngineEvent>& out);
  void rejectNew(const Command& c, RejectCode code, std::vector<EngineEvent>& out);
  void cancelReject(const Command& c, const oms::OmsOrder* order, bool replace, oms::RejectSource source,
                    std::uint8_t code, const risk::RiskVerdict* verdict, std::vector<EngineEvent>& out);
  void commandResult(const Command& c, bool accepted, RejectCode code, std::uint64_t subject, std::int64_t value,
                     std::vector<EngineEvent>& out);

  // Lookups.
  AccountState* findAccount(AccountId id) noexcept;
  const AccountState* findAccount(AccountId id) const noexcept;
  std::uint32_t instrumentIndex(InstrumentId id) const noexcept;
  std::uint32_t pairIndex(std::uint32_t account, std::uint32_t instrument);  // creates on first use
  Quantity positionOf(const PairState& p) noexcept {
    if (p.position == nullptr) {
      p.position = ledger_.positionSlot(accounts_[p.account].id, instruments_[p.instrument].id());
      if (p.position == nullptr) return Quantity::zero();
    }
    return p.position->position.quantity();
  }
  const risk::AccountLimits& limitsOf(const AccountState& a) const noexcept {
    return a.ownLimits ? a.limits : defaultLimits_;
  }
  oms::OmsOrder* resolveOrder(AccountId account, OrderId id, const ClientOrderId& clientId) noexcept;
  OrderId likelyTarget(const Command& c) const noexcept;  // cache hints: the order a cancel/replace names
  // The bookkeeping of an order the table holds (in the window, or parked with it).
  OrderExtra& extra(OrderId id) noexcept {
    return id.value() >= orders_.base() ? extras_[id.value() - 1] : parkedExtras_.find(id.value())->second;
  }
  const OrderExtra& extra(OrderId id) const noexcept {
    return id.value() >= orders_.base() ? extras_[id.value() - 1] : parkedExtras_.find(id.value())->second;
  }
  void prefetchExtra(OrderId id) const noexcept {
    if (id.value() >= orders_.base() && id.value() <= extras_.size()) __builtin_prefetch(&extras_[id.value() - 1]);
  }
  void addInstrument(const Instrument& instrument);

  EngineOptions options_;
  std::unique_ptr<Venue> venue_;
  oms::OrderTable orders_;
  ChunkedVector<OrderExtra> extras_;                  // by OrderId - 1, from orders_.base()
  std::map<std::uint64_t, OrderExtra> parkedExtras_;  // of the orders parked below it
  oms::Ledger ledger_;

  std::vector<Instrument> instruments_;
  std::vector<InstrumentState> instrumentStates_;
  book::IdIndex instrumentIndex_{64};
  struct SymbolHash {  // lets find() take a string_view (no string built per look-up)
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, SymbolHash, std::equal_to<>> symbolIndex_;  // → instruments_
  std::vector<AccountState> accounts_;
  book::IdIndex accountIndex_{64};
  std::vector<PairState> pairs_;
  book::IdIndex pairIndex_{1024};  // (account index << 32 | instrument index) + 1 → pairs_

  risk::AccountLimits defaultLimits_;
  risk::TradingState globalState_ = risk::TradingState::Active;
  risk::KillSwitch killSwitch_;

  std::uint64_t lastSequence_ = 0;
  Timestamp lastTime_;
  std::uint64_t nextExecId_ = 1;
  std::uint64_t nextTradeId_ = 1;

  std::vector<book::Event> venueEvents_;                          // scratch, keeps its capacity
  std::vector<InstrumentId> dueInstruments_;                      // scratch of onClockTick
  std::vector<oms::Ledger::Settlement> settlements_;              // scratch of settle()
  std::vector<oms::Ledger::ScheduledSettlement> dueSettlements_;  // scratch of settleDue()
  OrderId targetOrder_;               // the order the current command is about (its reports answer the request)
  std::uint8_t lastVenueReject_ = 0;  // book::RejectReason of the last non-order command the venue refused
};

}  // namespace alphintra::engine
