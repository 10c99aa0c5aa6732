#include "marketdata/itch/itch_event_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace alphintra::marketdata::itch {
namespace {

constexpr std::int64_t kMaxTimestamp = (std::int64_t{1} << 48) - 1;  // ITCH timestamps are 6 bytes

char sideOf(Side s) noexcept { return s == Side::Sell ? 'S' : 'B'; }

}  // namespace

ItchEventWriter::ItchEventWriter(std::vector<std::uint8_t>& out, Timestamp midnight)
    : encoder_(out), midnight_(midnight) {
  orders_.reserve(4096);
  incoming_.reserve(16);
}

Result<std::uint16_t> ItchEventWriter::addStock(const Instrument& instrument) {
  const std::string& symbol = instrument.symbol();
  if (instrument.assetClass() != AssetClass::Equity) {
    return makeError("instrument", fmt::format("{} is {}, not an equity: ITCH carries equities only", symbol,
                                               toString(instrument.assetClass())));
  }
  if (instrument.pricePrecision() > 4) {
    return makeError("instrument",
                     fmt::format("{} has {} price places; ITCH prices have 4", symbol, instrument.pricePrecision()));
  }
  if (instrument.quantityPrecision() != 0) {
    return makeError("instrument", fmt::format("{} trades fractional quantities; ITCH counts whole shares", symbol));
  }
  if (symbol.empty() || symbol.size() > 8 ||
      !std::all_of(symbol.begin(), symbol.end(), [](char c) { return c > ' ' && c < 127; })) {
    return makeError("instrument",
                     fmt::format("symbol '{}' is not 1 to 8 printable characters (ITCH Alpha(8))", symbol));
  }
  if (locates_.contains(instrument.id().value())) {
    return makeError("instrument", fmt::format("{} is added twice", symbol));
  }
  if (stocks_.size() >= 65'535) return makeError("instrument", "more than 65 535 stocks");
  Stock s;
  s.instrument = instrument.id();
  s.symbol = makeStock(symbol);
  for (int i = instrument.pricePrecision(); i < 4; ++i) s.priceScale *= 10;
  stocks_.push_back(s);
  const auto locate = static_cast<std::uint16_t>(stocks_.size());
  locates_.emplace(instrument.id().value(), locate);
  return locate;
}

void ItchEventWriter::attribute(AccountId account, std::string_view mpid) {
  std::array<char, 4> m;
  m.fill(' ');
  for (std::size_t i = 0; i < mpid.size() && i < m.size(); ++i) m[i] = mpid[i];
  mpids_[account.value()] = m;
}

std::uint16_t ItchEventWriter::locateOf(InstrumentId instrument) const noexcept {
  const auto it = locates_.find(instrument.value());
  return it == locates_.end() ? 0 : it->second;
}

ItchStockPrints ItchEventWriter::prints(std::uint16_t locate) const noexcept {
  if (locate == 0 || locate > stocks_.size()) return {};
  return stocks_[locate - 1u].prints;
}

std::uint64_t ItchEventWriter::referenceOf(OrderId order) const noexcept {
  const auto it = orders_.find(order.value());
  return it == orders_.end() ? 0 : it->second.ref;
}

void ItchEventWriter::fail(std::string field, std::string message) {
  if (!error_) error_ = makeError(std::move(field), std::move(message));
}

Header ItchEventWriter::header(char type, std::uint16_t locate, Timestamp time) {
  std::int64_t ns = time - midnight_;
  if (ns < 0 || ns > kMaxTimestamp) {
    fail("time", fmt::format("an event at {} ns from the day's midnight is outside the ITCH day", ns));
    ns = std::clamp<std::int64_t>(ns, 0, kMaxTimestamp);
  }
  ++counts_.messages;
  return Header{type, locate, ++tracking_, static_cast<std::uint64_t>(ns)};
}

bool ItchEventWriter::toPrice(const Stock& s, Price price, std::uint32_t& out) {
  if (!price.isDefined() || !price.isPositive() ||
      price.raw() > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()) / s.priceScale) {
    fail("price", fmt::format("{}: price {} (raw) does not fit ITCH Price(4) (0 < price ≤ 429496.7295)",
                              stockName(s.symbol), price.isDefined() ? price.raw() : 0));
    return false;
  }
  out = static_cast<std::uint32_t>(price.raw() * s.priceScale);
  return true;
}

bool ItchEventWriter::toShares(Quantity quantity, std::uint32_t& out) {
  if (quantity.raw() < 0 || quantity.raw() > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max())) {
    fail("quantity", fmt::format("quantity {} does not fit ITCH shares (0 .. 4294967295)", quantity.raw()));
    return false;
  }
  out = static_cast<std::uint32_t>(quantity.raw());
  return true;
}

void ItchEventWriter::startOfDay(Timestamp time) {
  for (char code : {'O', 'S'}) encoder_.put(SystemEvent{header('S', 0, time), code});
  for (std::size_t i = 0; i < stocks_.size(); ++i) {
    const auto locate = static_cast<std::uint16_t>(i + 1);
    StockDirectory r;
    r.header = header('R', locate, time);
    r.stock = stocks_[i].symbol;
    r.marketCategory = 'Q';  // Nasdaq Global Select
    r.financialStatus = 'N';
    r.roundLotSize = 100;
    r.roundLotsOnly = 'N';
    r.issueClassification = 'C';  // common stock
    r.issueSubType = {'Z', ' '};
    r.authenticity = 'P';  // live / production
    r.shortSaleThreshold = 'N';
    r.ipoFlag = 'N';
    r.luldReferencePriceTier = '1';
    r.etpFlag = 'N';
    r.etpLeverageFactor = 0;
    r.inverseIndicator = 'N';
    encoder_.put(r);
  }
  for (std::size_t i = 0; i < stocks_.size(); ++i) {
    const auto locate = static_cast<std::uint16_t>(i + 1);
    encoder_.put(StockTradingAction{header('H', locate, time), stocks_[i].symbol, 'T', ' ', {' ', ' ', ' ', ' '}});
  }
  encoder_.put(SystemEvent{header('S', 0, time), 'Q'});
  counts_.systemEvents += 3;
  counts_.directory += 2 * stocks_.size();
}

void ItchEventWriter::endOfDay(Timestamp time) {
  finishCommand();
  for (char code : {'M', 'E', 'C'}) encoder_.put(SystemEvent{header('S', 0, time), code});
  counts_.systemEvents += 3;
}

void ItchEventWriter::onEvent(const engine::EngineEvent& event) {
  if (event.commandSequence != commandSequence_) {
    finishCommand();
    commandSequence_ = event.commandSequence;
  }
  commandTime_ = event.time;
  switch (event.kind) {
    case engine::EventKind::ExecutionReport: onReport(event.body.execution, event.time); return;
    case engine::EventKind::PublicTrade:
      if (event.body.trade.aggressor == Side::None) onAuctionPrint(event.body.trade, event.time);
      return;
    default: return;
  }
}

ItchEventWriter::Incoming* ItchEventWriter::incoming(std::uint64_t order) noexcept {
  for (Incoming& in : incoming_) {
    if (in.order == order) return &in;
  }
  return nullptr;
}

void ItchEventWriter::onReport(const engine::ExecutionReport& r, Timestamp time) {
  const std::uint16_t locate = locateOf(r.instrument);
  if (locate == 0) return;
  const std::uint64_t id = r.orderId.value();
  if (r.execType == oms::ExecType::New) {
    Order o;
    o.quantity = r.orderQuantity.raw();
    o.priceRaw = r.price.isDefined() ? r.price.raw() : 0;
    o.leaves = r.leavesQuantity.raw();
    o.locate = locate;
    o.side = sideOf(r.side);
    o.stop = r.orderType == book::OrderType::Stop || r.orderType == book::OrderType::StopLimit;
    if (const auto m = mpids_.find(r.account.value()); m != mpids_.end()) o.mpid = m->second;
    orders_.insert_or_assign(id, o);
    if (!o.stop) incoming_.push_back(Incoming{id});
    return;
  }
  const auto it = orders_.find(id);
  if (it == orders_.end()) return;  // an order accepted before this writer started
  Order& o = it->second;
  switch (r.execType) {
    case oms::ExecType::Trade: onFill(r, o, time); break;
    case oms::ExecType::Replaced: onReplaced(r, o, id, time); break;
    case oms::ExecType::Restated: {
      const std::int64_t removed = o.leaves - r.leavesQuantity.raw();
      o.leaves = r.leavesQuantity.raw();
      o.quantity = r.orderQuantity.raw();
      if (o.ref != 0 && removed > 0) {
        const auto shares = static_cast<std::uint32_t>(std::min<std::int64_t>(removed, o.shares));
        encoder_.put(OrderCancel{header('X', o.locate, time), o.ref, shares});
        ++counts_.cancels;
        o.shares -= shares;
      }
      break;
    }
    case oms::ExecType::Canceled:
    case oms::ExecType::Expired:
    case oms::ExecType::Rejected:
      if (o.ref != 0) {
        encoder_.put(OrderDelete{header('D', o.locate, time), o.ref});
        ++counts_.deletes;
        o.ref = 0;
        o.shares = 0;
      }
      o.leaves = 0;
      o.finished = true;
      break;
    default: break;  // PendingCancel / PendingReplace / OrderStatus / DoneForDay change nothing on the book
  }
  if (oms::isTerminal(r.status)) o.finished = true;
  if (o.finished) {
    if (Incoming* in = incoming(id)) {
      deleteOld(*in, time);  // finishCommand() erases it
    } else {
      orders_.erase(it);
    }
  }
}

void ItchEventWriter::onFill(const engine::ExecutionReport& r, Order& o, Timestamp time) {
  const Stock& s = stocks_[o.locate - 1u];
  std::uint32_t shares = 0;
  if (!toShares(r.lastQuantity, shares)) return;
  const std::uint64_t id = r.orderId.value();
  switch (r.liquidity) {
    case engine::Liquidity::Taker: {
      Incoming* in = incoming(id);
      if (in == nullptr && o.stop) {  // a stop triggered in this command
        o.stop = false;
        incoming_.push_back(Incoming{id});
        in = &incoming_.back();
      }
      if (in != nullptr) deleteOld(*in, time);  // a replaced order that trades on arrival
      break;
    }
    case engine::Liquidity::Maker: {
      if (o.ref == 0) {
        // An order that arrived in this command and rests already (a stop triggered later in
        // the same command trades against it): put it on the feed's book before its execution.
        const auto found =
            std::find_if(incoming_.begin(), incoming_.end(), [id](const Incoming& in) { return in.order == id; });
        if (found == incoming_.end()) break;  // not on the book: nothing the feed can execute
        const Incoming in = *found;
        incoming_.erase(found);
        rest(o, in, time);
        if (o.ref == 0) break;
      }
      std::uint32_t price = 0;
      if (!toPrice(s, r.lastPrice, price)) return;
      const std::uint64_t match = r.tradeId.value();
      if (price == o.price) {
        encoder_.put(OrderExecuted{header('E', o.locate, time), o.ref, shares, match});
        ++counts_.executions;
      } else {
        encoder_.put(OrderExecutedWithPrice{header('C', o.locate, time), o.ref, shares, match, 'Y', price});
        ++counts_.executionsWithPrice;
      }
      stocks_[o.locate - 1u].prints.trades += 1;
      stocks_[o.locate - 1u].prints.shares += shares;
      o.shares -= std::min(o.shares, shares);
      break;
    }
    case engine::Liquidity::Auction: {
      if (o.ref == 0) break;
      std::uint32_t price = 0;
      if (!toPrice(s, r.lastPrice, price)) return;
      // The print is the Q written from the public trade; the executions only update the book.
      encoder_.put(OrderExecutedWithPrice{header('C', o.locate, time), o.ref, shares, r.tradeId.value(), 'N', price});
      ++counts_.executionsWithPrice;
      o.shares -= std::min(o.shares, shares);
      break;
    }
    case engine::Liquidity::None: break;
  }
  o.leaves = r.leavesQuantity.raw();
  if (o.leaves == 0) {
    o.finished = true;
    o.ref = 0;  // a full execution takes the order off the feed's book
  }
}

void ItchEventWriter::onReplaced(const engine::ExecutionReport& r, Order& o, std::uint64_t id, Timestamp time) {
  const std::int64_t newQuantity = r.orderQuantity.raw();
  const std::int64_t newPrice = r.price.isDefined() ? r.price.raw() : o.priceRaw;
  // The matching engine's rule (docs/matching.md): a resting order keeps its time priority when
  // its price is unchanged and its quantity did not increase.
  const bool losesPriority = newPrice != o.priceRaw || newQuantity > o.quantity;
  o.quantity = newQuantity;
  o.priceRaw = newPrice;
  o.leaves = r.leavesQuantity.raw();
  if (o.stop || o.ref == 0) return;  // not on the feed's book: a later arrival writes it whole
  if (!losesPriority) {
    if (o.leaves < o.shares) {
      const auto taken = static_cast<std::uint32_t>(o.shares - o.leaves);
      encoder_.put(OrderCancel{header('X', o.locate, time), o.ref, taken});
      ++counts_.cancels;
      o.shares -= taken;
    }
    return;
  }
  incoming_.push_back(Incoming{id, o.ref, o.shares});
  o.ref = 0;
  o.shares = 0;
}

void ItchEventWriter::onAuctionPrint(const engine::PublicTradeReport& t, Timestamp time) {
  const std::uint16_t locate = locateOf(t.instrument);
  if (locate == 0) return;
  Stock& s = stocks_[locate - 1u];
  std::uint32_t price = 0;
  if (!toPrice(s, t.price, price)) return;
  if (t.quantity.raw() < 0) return fail("quantity", fmt::format("negative auction quantity {}", t.quantity.raw()));
  const auto shares = static_cast<std::uint64_t>(t.quantity.raw());
  encoder_.put(CrossTrade{header('Q', locate, time), shares, s.symbol, price, t.tradeId.value(), 'H'});
  ++counts_.crosses;
  s.prints.trades += 1;
  s.prints.shares += shares;
}

void ItchEventWriter::deleteOld(Incoming& in, Timestamp time) {
  if (in.oldRef == 0) return;
  encoder_.put(OrderDelete{header('D', orders_.at(in.order).locate, time), in.oldRef});
  ++counts_.deletes;
  in.oldRef = 0;
}

// Puts an arrived order on the feed's book with its leaves: U from the reference a replace left
// on the book, else A (F when attributed). Orders without a limit price never rest.
void ItchEventWriter::rest(Order& o, const Incoming& in, Timestamp time) {
  const Stock& s = stocks_[o.locate - 1u];
  std::uint32_t price = 0;
  std::uint32_t shares = 0;
  if (o.priceRaw <= 0 || o.leaves <= 0) return;
  if (!toPrice(s, Price::fromRaw(o.priceRaw), price) || !toShares(Quantity::fromRaw(o.leaves), shares)) return;
  const std::uint64_t ref = ++nextRef_;
  if (in.oldRef != 0) {
    encoder_.put(OrderReplace{header('U', o.locate, time), in.oldRef, ref, shares, price});
    ++counts_.replaces;
  } else {
    AddOrder a;
    const bool attributed = o.mpid[0] != 0;
    a.header = header(attributed ? 'F' : 'A', o.locate, time);
    a.orderRef = ref;
    a.side = o.side;
    a.shares = shares;
    a.stock = s.symbol;
    a.price = price;
    if (attributed) {
      a.attribution = o.mpid;
      ++counts_.attributedAdds;
    }
    encoder_.put(a);
    ++counts_.adds;
  }
  o.ref = ref;
  o.shares = shares;
  o.price = price;
}

void ItchEventWriter::finishCommand() {
  for (Incoming& in : incoming_) {
    const auto it = orders_.find(in.order);
    if (it == orders_.end()) continue;
    Order& o = it->second;
    if (!o.finished && !o.stop && o.leaves > 0 && o.priceRaw > 0) {
      rest(o, in, commandTime_);
    } else {
      deleteOld(in, commandTime_);
    }
    if (o.finished) orders_.erase(it);
  }
  incoming_.clear();
}

}  // namespace alphintra::marketdata::itch
