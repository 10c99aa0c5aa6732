// Ledger: the accounting state of the engine — accounts and their cash, one Position per
// (account, instrument), instrument marks, FX rates — and the valuation built from them.
//
// Every fill goes through onFill, which moves cash in the instrument currency (a buy pays
// notional + fee, a sell receives notional − fee), charges the fee (rate per fill, floored by a
// per-order minimum) and updates the position. Equity is the same formula for cash and margin
// accounts: Σ cash converted to the base currency + Σ position values converted (positions are
// paid for in cash, so a margin account's borrowing shows as negative cash). Futures settle
// like futures: no notional changes hands, a fill moves cash by its realized P&L less its fee,
// and the position adds its unrealized P&L to equity (its market value still counts in
// exposure and margin; a cash account holds what it cost as margin: fully collateralized).
//
// Data structures, from the access pattern:
//   * positions: std::unordered_map keyed by (account, instrument) — one hash lookup per fill
//     in steady state; each slot caches pointers to its account and instrument so onFill does
//     no other lookup. Nodes never move, so those pointers stay valid as the maps grow.
//   * per account, a vector of its slots sorted by instrument id — valuation and listings walk
//     only that account's positions, in a deterministic order.
//   * accounts and instruments: std::unordered_map by id (pointer-stable); output and snapshots
//     sort ids first, so hash order never reaches bytes or reports.
// Allocation: none per fill in steady state for average-cost positions (the first fill of an
// (account, instrument) creates its slot and reserves room for it in its account's list of open
// positions; a currency's first appearance adds a balance).
//
// Valuation is kept incrementally (pre-trade risk values the account on every order): each
// position slot caches its share of the account's figures (value, exposure, P&L, margin, all
// converted to the base currency) and each account the sums of its slots' shares. A fill only
// lists its slot as dirty and a mark change only bumps the instrument's mark version; value()
// recomputes the dirty slots and the open positions whose instrument's version moved since,
// moving the sums by each share's difference. To find those positions it either scans a dense
// 24-byte entry per open position, or — when few marks moved since the account was last valued
// compared with its open positions (an account holding hundreds of instruments, valued on each
// order) — reads the ledger's log of the last 1,024 mark changes and looks up its position in
// each instrument named there. FX rate changes, a new mark source, a redefined instrument or changed margin
// rates revalue the account from scratch on its next value(). Shares are exact integers and the
// sums are plain adds, so value() equals valueFromScratch() exactly (a randomized test checks it
// after every step; debug builds assert it).
//
// Marks: per instrument the last trade price (onMark) and best bid / ask (onQuote). The mark is
// the last price (MarkSource::Last) or the mid (MarkSource::Mid), each falling back to the
// other when missing; a mid needs both sides and bid <= ask, and is rounded half away from zero
// to the price's raw units. Fills do not move marks: the engine reports every trade by onMark.
//
// Threading: owned by the engine thread; no locking — value() updates the cached figures, so
// even the const queries run on that thread (the runtime's inspect() does). Not copyable (slots
// hold pointers); movable. Known limits: futures settle at each reducing fill (no daily variation
// margin at a settlement price), realized P&L of past trades is translated at today's FX rate.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/binary_io.hpp"
#include "core/currency.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/side.hpp"
#include "core/time.hpp"
#include "oms/account.hpp"
#include "oms/fx_rates.hpp"
#include "oms/money_math.hpp"
#include "oms/position.hpp"

namespace alphintra::oms {

// Values fixed: configuration files and snapshots name them.
enum class MarkSource : std::uint8_t { Last = 1, Mid = 2 };

enum class FillStatus : std::uint8_t {
  Applied = 0,
  UnknownAccount = 1,
  UnknownInstrument = 2,
  InvalidSide = 3,
  InvalidPrice = 4,     // undefined
  InvalidQuantity = 5,  // zero or negative
};
std::string_view toString(FillStatus status) noexcept;

// What the order's owner has booked for this order before the fill (instrument currency): the
// sums of FillResult::rateFee and FillResult::fee over its earlier fills. Both zero for the
// first fill.
struct OrderFeesSoFar {
  Money rateFees{};
  Money charged{};
};

// One fill's effect. Every Money is in `currency` (the instrument's).
//
// Fees: rateFee = notional × (maker ? makerRatePpm : takerRatePpm) / 1e6, rounded half away
// from zero. With a minimum M > 0 the order's total fee after this fill is
// max(rateFees so far + rateFee, M), and fee = that total − charged so far: the first fill
// pays at least M, later fills pay only what the rate fees add above M, and the order's fees
// add up to exactly max(Σ rate fees, M) however it is split. Without a minimum, fee = rateFee
// (negative for a rebate). A minimum in another currency is converted at the current FX rate;
// without a rate it is not applied and minimumFeeUnconverted is set.
struct FillResult {
  FillStatus status = FillStatus::Applied;
  Currency currency;
  Money notional;     // price × quantity, > 0
  Money rateFee;      // add to OrderFeesSoFar::rateFees
  Money fee;          // charged by this fill; add to OrderFeesSoFar::charged
  Money cashChange;   // buy: −(notional + fee); sell: notional − fee; a future: realizedPnl − fee
  Money realizedPnl;  // realized by this fill, gross of fees
  Quantity positionAfter;
  OrderFeesSoFar orderFees;  // the order's sums including this fill
  bool minimumFeeUnconverted = false;

  bool ok() const noexcept { return status == FillStatus::Applied; }
};

// An account's figures in its base currency (minor units). A position's amounts are rounded to
// the instrument currency first, then converted (one rounding each, half away from zero).
struct Valuation {
  bool accountKnown = false;
  Currency currency;             // the account's base currency
  Money cash;                    // Σ balances converted
  Money positionsValue;          // Σ mark × quantity (signed; futures: their unrealized P&L) converted
  Money equity;                  // cash + positionsValue
  Money unrealizedPnl;           // Σ (mark × quantity − cost basis) converted
  Money realizedPnl;             // Σ positions' realized P&L (gross of fees) converted
  Money fees;                    // Σ fees charged, converted
  Money grossExposure;           // Σ |mark × quantity|
  Money netExposure;             // Σ mark × quantity (signed; futures included at their market value)
  Money initialMargin;           // margin accounts: Σ |mark × quantity| × initial rate of its asset class
  Money maintenanceMargin;       // same with the maintenance rate; cash accounts: their futures' |cost|
  Money freeMargin;              // equity − initialMargin
  std::int64_t leveragePpm = 0;  // grossExposure / equity in ppm; INT64_MAX when equity <= 0 < gross
  std::uint32_t openPositions = 0;
  bool missingFxRate = false;  // some amount had no FX path to the base: left out of the sums
  bool missingMark = false;    // some open position had no mark: valued at its cost basis

  bool complete() const noexcept { return accountKnown && !missingFxRate && !missingMark; }
  bool operator==(const Valuation&) const noexcept = default;
};

class Ledger {
 public:
  // A position's record (the position and its share of the valuation): what positionSlot()
  // hands out, a handle for callers that book every fill of the same position (the engine
  // keeps one per account and instrument). Records never move; load() replaces them all.
  struct PositionSlot;

  explicit Ledger(MarkSource markSource = MarkSource::Last) noexcept : markSource_(markSource) {}
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  Ledger(Ledger&&) noexcept = default;
  Ledger& operator=(Ledger&&) noexcept = default;

  // Refused when the id is taken or a term is invalid (the error names the field).
  Result<Account*> openAccount(AccountId id, AccountType type, Currency baseCurrency, CostMethod costMethod,
                               FeeSchedule fees = {}, MarginRates margin = {});
  Account* account(AccountId id) noexcept;
  const Account* account(AccountId id) const noexcept;
  void accountIds(std::vector<AccountId>& out) const;  // sorted

  // Adds or updates an instrument definition. An update may change anything but the fields
  // that give stored amounts their units (currency, price and quantity precision, contract
  // multiplier) or their settlement (whether it is a future): such an update is refused (false).
  bool registerInstrument(const Instrument& instrument);
  const Instrument* instrument(InstrumentId id) const noexcept;

  // Books one fill; see FillResult for the fee rule. Nothing changes unless status is Applied.
  FillResult onFill(AccountId account, InstrumentId instrument, Side side, Price price, Quantity quantity, bool maker,
                    OrderFeesSoFar orderFeesSoFar = {});
  // The same through the position's record, found once (positionSlot: nullptr until the first
  // fill of the account on the instrument created it) instead of by its ids on every fill.
  FillResult onFill(PositionSlot& slot, Side side, Price price, Quantity quantity, bool maker,
                    OrderFeesSoFar orderFeesSoFar = {});
  PositionSlot* positionSlot(AccountId account, InstrumentId instrument) noexcept;

  // A future's final settlement: every open position in it closes at `price` as a fill with no
  // fee would (cash moves by the realized P&L), in account order, each appended to `out`; the
  // price is kept (settlementPrice) and becomes the last mark. Refused (false, nothing changes)
  // for an unknown instrument, one that is not a future or already settled, or an undefined
  // price.
  struct Settlement {
    AccountId account;
    Quantity quantity;  // the position closed (signed: negative was short)
    Money realizedPnl;  // instrument currency
  };
  bool settle(InstrumentId instrument, Price price, std::vector<Settlement>& out);
  // The final settlement price; undefined while the instrument has had none.
  Price settlementPrice(InstrumentId instrument) const noexcept;
  // A future's expiry: settled by the engine at its first clock tick at or after `at`, at `price`
  // when defined (else its mark then). Refused (false) as settle() is; a later one replaces it.
  bool scheduleSettlement(InstrumentId instrument, Timestamp at, Price price) noexcept;
  struct ScheduledSettlement {
    InstrumentId instrument;
    Timestamp at;
    Price price;  // undefined: the mark at the time
  };
  // The schedules due at `now` (at <= now) of instruments not settled yet, by instrument id.
  void dueSettlements(Timestamp now, std::vector<ScheduledSettlement>& out) const;
  // The instrument's pending schedule; nullopt when it has none or is settled already.
  std::optional<ScheduledSettlement> scheduledSettlement(InstrumentId instrument) const noexcept;

  // Market data. Unknown instruments are ignored (false). onQuote takes either side undefined
  // to clear it.
  bool onMark(InstrumentId instrument, Price last) noexcept;
  bool onQuote(InstrumentId instrument, Price bid, Price ask) noexcept;
  Price mark(InstrumentId instrument) const noexcept;  // undefined when none
  MarkSource markSource() const noexcept { return markSource_; }
  void setMarkSource(MarkSource source) noexcept {
    markSource_ = source;
    ++epoch_;
  }

  FxRates& fxRates() noexcept { return fx_; }
  const FxRates& fxRates() const noexcept { return fx_; }

  // The account's figures from the incrementally kept sums (see the file comment).
  Valuation value(AccountId account) const;
  // What pre-trade risk reads of a valuation on every order, without the rest (leverage's
  // division, P&L and maintenance figures): each equals the same field of value().
  struct RiskFigures {
    Money cash;
    Money equity;
    Money grossExposure;
    Money netExposure;
    Money initialMargin;
    bool operator==(const RiskFigures&) const noexcept = default;
  };
  RiskFigures riskFigures(AccountId account) const;
  // The same figures recomputed from every position, balance, mark and rate: the reference the
  // incremental sums must equal.
  Valuation valueFromScratch(AccountId account) const;
  // `amount` of `currency` in the account's base currency; nullopt for an unknown account or
  // a missing FX rate (never a silent 1).
  std::optional<Money> toBase(AccountId account, Money amount, Currency currency) const;
  // Converts `amount` of `from` into `to` inside the account at the ledger's rate and returns
  // the amount credited. Refused: unknown account, amount not positive, no rate, or a cash
  // account without enough `from`.
  Result<Money> exchangeCash(AccountId account, Currency from, Currency to, Money amount);

  const Position* position(AccountId account, InstrumentId instrument) const noexcept;
  // The account's positions (flat ones included: they keep realized P&L), by instrument id.
  void listPositions(AccountId account, std::vector<const Position*>& out) const;
  std::size_t positionCount() const noexcept { return positions_.size(); }
  void reservePositions(std::size_t count) { positions_.reserve(count); }

  // Accounts (with balances), positions (with lots), marks and FX rates; equal states give
  // equal bytes. Instrument definitions are reference data and are not included.
  void save(ByteWriter& out) const;
  // Replaces accounts, positions, marks and FX rates. Instruments must be registered first:
  // a snapshot naming an unknown instrument is refused. On any failure returns false and the
  // ledger is unchanged.
  bool load(ByteReader& in);

 private:
  struct InstrumentState {
    explicit InstrumentState(const Instrument& i)
        : definition(i), scale(MoneyScale::of(i)), settlesAsFuture(i.assetClass() == AssetClass::Future) {}
    Instrument definition;
    MoneyScale scale;
    bool settlesAsFuture;  // cash moves by realized P&L and fees only; equity holds the unrealized
    Price last = Price::undefined();
    Price bid = Price::undefined();
    Price ask = Price::undefined();
    std::uint64_t markVersion = 0;          // moves whenever last, bid or ask changes
    Price settlement = Price::undefined();  // final settlement (settle())
    Timestamp settleAt{INT64_MAX};          // scheduled (scheduleSettlement); INT64_MAX: none
    Price settleAtPrice = Price::undefined();
  };
  // One position's share of its account's valuation, or (summed) the account's position
  // figures; amounts in the base currency. Counts rather than flags so that shares subtract.
  struct Figures {
    Money value;     // what the position adds to equity: its market value; a future's unrealized P&L
    Money exposure;  // signed market value (net exposure)
    Money gross;     // |exposure|
    Money unrealized;
    Money realized;
    Money fees;
    Money initialMargin;
    Money maintenanceMargin;
    std::int64_t open = 0;
    std::int64_t missingFx = 0;
    std::int64_t missingMark = 0;
    std::int64_t large = 0;  // 1 when an amount is kLargeAmount or more in magnitude
    // Adds (sign 1) or removes (sign -1) a share. Unsigned 64-bit arithmetic: removing a share
    // takes away exactly what adding it put in, whatever the sum went through; the sum is the
    // account's figure while it is narrow (below).
    void add(const Figures& f, std::int64_t sign) noexcept;
    // The same as add(from, -1) then add(to, 1): a share recomputed, in one pass.
    void replace(const Figures& from, const Figures& to) noexcept;
  };
  // The account's figures whenever its sums (Figures::add) cannot have wrapped: while no share
  // holds an amount of kLargeAmount minor units or more (more than ten trillion dollars) and the
  // account has at most kNarrowPositions positions, no sum reaches 2^62. Otherwise value() sums
  // the shares afresh in 128 bits and saturates (wideFigures): a damaged snapshot or absurd
  // prices give saturated figures, never wrapped ones.
  static constexpr std::int64_t kLargeAmount = std::int64_t{1} << 50;
  static constexpr std::size_t kNarrowPositions = 4096;
  // An open position of an account, with the mark version its cached share was computed at.
  struct OpenEntry {
    PositionSlot* slot = nullptr;
    const std::uint64_t* markVersion = nullptr;  // its instrument's InstrumentState::markVersion
    std::uint64_t markSeen = 0;
  };
  static constexpr std::uint32_t kNotOpen = UINT32_MAX;
  struct AccountState {
    explicit AccountState(Account a) : account(std::move(a)) {}
    Account account;
    std::vector<PositionSlot*> positions;  // sorted by instrument id
    // Incremental valuation: the sums of the slots' shares, valid while `valued` and the ledger
    // epoch, FX table version and margin rates are those they were computed with.
    std::vector<OpenEntry> open;       // any order; PositionSlot::openIndex points back
    std::vector<PositionSlot*> dirty;  // filled since the last valuation (while valued)
    Figures sums;
    bool valued = false;
    std::uint64_t marksSeen = 0;  // Ledger::markChanges_ when last valued
    std::uint64_t epochSeen = 0;
    std::uint64_t fxSeen = 0;
    MarginRates marginSeen;
  };

 public:
  struct PositionSlot {
    Position position;
    AccountState* account = nullptr;
    InstrumentState* instrument = nullptr;
    Figures share;                       // valid while its account is valued
    std::uint32_t openIndex = kNotOpen;  // index in account->open while the position is open
    bool dirty = false;                  // listed in account->dirty: share not yet recomputed
  };

 private:
  struct PositionKey {
    std::uint64_t account = 0;
    std::uint64_t instrument = 0;
    bool operator==(const PositionKey&) const noexcept = default;
  };
  struct PositionKeyHash {
    std::size_t operator()(const PositionKey& k) const noexcept;
  };

  PositionSlot* slotFor(AccountId account, InstrumentId instrument, FillStatus& status);
  void markMoved(InstrumentState& state) noexcept {
    ++state.markVersion;
    markLog_[markChanges_ % kMarkLog] = state.definition.id().value();
    ++markChanges_;
  }
  // An open entry whose instrument's mark moved: its share recomputed, the sums moved.
  void remark(OpenEntry& entry, AccountState& state) const;
  Price markOf(const InstrumentState& state) const noexcept;
  AccountState* findAccount(AccountId id) const noexcept;
  // A slot's share as valueFromScratch() would count it (the single definition of a share).
  Figures shareOf(const PositionSlot& slot, const Account& account) const;
  Figures shareAmounts(const PositionSlot& slot, const Account& account) const;  // shareOf without `large`
  // Recomputes one slot's share, moves its account's sums and open list (account valued).
  void revalue(PositionSlot& slot) const;  // from refresh(), for the dirty slots
  // Brings the account's sums up to date (from scratch when its inputs changed wholesale).
  void refresh(AccountState& state) const;
  Valuation assemble(const AccountState& state, const Figures& sums, Money cash) const;
  // The account's position figures summed afresh in 128 bits, saturated.
  Figures wideFigures(const AccountState& state) const;
  Money cashInBase(const Account& account, bool& missingFx) const;  // saturating

  // The last account found: one order or fill asks for its account several times (funds,
  // margin rates, valuation), and a map lookup costs a division and a pointer chase. Map nodes
  // never move, so the pointer stays valid until load() replaces the map; a moved ledger
  // starts without it (so does the one moved from).
  struct AccountCache {
    AccountState* state = nullptr;
    AccountCache() = default;
    AccountCache(AccountCache&& other) noexcept { other.state = nullptr; }
    AccountCache& operator=(AccountCache&& other) noexcept {
      state = nullptr;
      other.state = nullptr;
      return *this;
    }
  };

  std::unordered_map<AccountId, AccountState> accounts_;
  std::unordered_map<InstrumentId, InstrumentState> instruments_;
  std::unordered_map<PositionKey, PositionSlot, PositionKeyHash> positions_;
  FxRates fx_;
  MarkSource markSource_ = MarkSource::Last;
  // The instruments of the last kMarkLog mark changes (ids, by change number modulo kMarkLog).
  static constexpr std::uint64_t kMarkLog = 1024;
  std::array<std::uint64_t, kMarkLog> markLog_{};
  std::uint64_t markChanges_ = 0;
  Timestamp nextSettleAt_{INT64_MAX};  // the earliest scheduled settlement not made yet (a lower bound)
  void updateNextSettleAt() noexcept;
  std::uint64_t epoch_ = 1;  // bumped by what revalues every account: mark source, instrument terms, load
  mutable AccountCache lastAccount_;
};

}  // namespace alphintra::oms
