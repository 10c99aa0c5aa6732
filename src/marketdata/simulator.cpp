// The market simulator's agents, its bookkeeping of its own orders and its command pacing
// (see simulator.hpp for the contract, docs/market-simulator.md for the behaviour).
//
// Numbers: decisions (fair value, spreads, trends, sizes) are doubles; every price and quantity
// that leaves this file is an integer count of ticks or lots, turned into raw fixed-point by an
// integer multiplication with the instrument's tick or lot, then clamped into the band.
#include "marketdata/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace alphintra::marketdata {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kFairStepNanos = 100'000'000;          // fair values move every 100 ms
constexpr std::int64_t kMaxGapNanos = 10'000'000'000;         // a longer pause counts as 10 s
constexpr std::int64_t kMaxFairSteps = 600;                   // ... and moves fair values at most 1 min
constexpr std::int64_t kUnitsPerCommand = 1'000'000'000'000;  // ns × commands per 1000 s
constexpr std::int64_t kStaleNanos = 30'000'000'000;          // noise orders older than this are cancelled
constexpr double kSqrtStepSeconds = 0.31622776601683794;      // sqrt(0.1 s)
constexpr double kMeanReversionPerStep = 0.1 / 2700.0;        // pull to the reference: ~30 min half-life
constexpr double kFairBand = 0.15;                            // fair value within ±15% of the reference
constexpr std::int64_t kPriceBandPercent = 19;                // emitted prices within ±19%

// Action mix per command slot, in percent.
constexpr std::uint64_t kMarketMakerShare = 45;
constexpr std::uint64_t kNoiseShare = 40;  // the rest is momentum

struct ClassParameters {
  double halfSpreadBp;  // market makers' base half spread
  double volatilityBp;  // fair-value volatility per sqrt(second)
  double typicalUsd;    // a typical order's notional
};

ClassParameters parametersOf(AssetClass c) noexcept {
  switch (c) {
    case AssetClass::Equity: return {2.5, 1.2, 25'000};
    case AssetClass::Fx: return {0.4, 0.4, 250'000};
    case AssetClass::Crypto: return {2.0, 2.5, 25'000};
    case AssetClass::Future: return {1.0, 0.8, 25'000};
    case AssetClass::Option: return {20.0, 3.0, 5'000};
  }
  return {2.5, 1.2, 25'000};
}

// Approximate USD value of one unit of a currency, for sizing orders only (never for money).
double usdPerUnit(Currency c) noexcept {
  const std::string_view code = c.code();
  if (code == "EUR") return 1.08;
  if (code == "GBP") return 1.27;
  if (code == "JPY") return 1.0 / 150.0;
  if (code == "AUD") return 0.66;
  if (code == "CHF") return 1.12;
  if (code == "CAD") return 0.74;
  return 1.0;
}

double pow10(int places) noexcept {
  double v = 1;
  for (int i = 0; i < places; ++i) v *= 10;
  return v;
}

constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

std::uint64_t splitmix(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Accounts

std::uint32_t simulatorAgentCount(const SimulatorOptions& o) noexcept {
  return o.marketMakersPerInstrument + o.noiseTraders + o.momentumTraders;
}

std::vector<engine::Command> simulatorAccounts(const SimulatorOptions& options) {
  struct Funding {
    std::string_view currency;
    std::int64_t minorUnits;
  };
  static constexpr Funding kFunding[] = {
      {"USD", 10'000'000'000},  // 100 000 000.00
      {"EUR", 1'000'000'000},   // 10 000 000.00
      {"GBP", 1'000'000'000},   // 10 000 000.00
      {"JPY", 1'500'000'000},   // 1 500 000 000 (no minor units)
  };
  std::vector<engine::Command> out;
  const std::uint32_t n = simulatorAgentCount(options);
  out.reserve(n * (1 + std::size(kFunding)));
  for (std::uint32_t i = 0; i < n; ++i) {
    const AccountId account{options.firstAccountId + i};
    engine::Command open = engine::makeCommand(engine::CommandType::OpenAccount);
    open.body.openAccount.account = account;
    open.body.openAccount.baseCurrency = Currency::parse("USD").value();
    open.body.openAccount.type = risk::AccountType::Margin;
    open.body.openAccount.costBasis = engine::CostBasis::AverageCost;
    out.push_back(open);
    for (const Funding& f : kFunding) {
      engine::Command cash = engine::makeCommand(engine::CommandType::AdjustCash);
      cash.body.adjustCash.account = account;
      cash.body.adjustCash.currency = Currency::parse(f.currency).value();
      cash.body.adjustCash.amount = Money::fromRaw(f.minorUnits);
      out.push_back(cash);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Random numbers: xoshiro256** (Blackman & Vigna), identical on every platform.

void MarketSimulator::Rng::seed(std::uint64_t value) noexcept {
  std::uint64_t x = value;
  for (std::uint64_t& word : s) word = splitmix(x);
}

std::uint64_t MarketSimulator::Rng::next() noexcept {
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

std::uint64_t MarketSimulator::Rng::below(std::uint64_t n) noexcept {
  return static_cast<std::uint64_t>((static_cast<UInt128>(next()) * n) >> 64);
}

double MarketSimulator::Rng::unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double MarketSimulator::Rng::normal() noexcept {
  // Sum of 4 uniforms has mean 2 and variance 1/3.
  const double sum = unit() + unit() + unit() + unit();
  return (sum - 2.0) * 1.7320508075688772;
}

// ---------------------------------------------------------------------------------------------
// Set-up

MarketSimulator::MarketSimulator(SimulatorOptions options) : options_(options) {
  rng_.seed(options_.seed);
  const double rate = std::isfinite(options_.ordersPerSecond) && options_.ordersPerSecond > 0
                          ? std::min(options_.ordersPerSecond, 1e5)
                          : 0.0;
  rateMilli_ = std::llround(rate * 1000.0);
  const std::uint32_t n = simulatorAgentCount(options_);
  agents_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Agent& a = agents_[i];
    a.account = AccountId{options_.firstAccountId + i};
    if (i < options_.marketMakersPerInstrument) {
      a.kind = AgentKind::MarketMaker;
      a.rank = i;
    } else if (i < options_.marketMakersPerInstrument + options_.noiseTraders) {
      a.kind = AgentKind::Noise;
      a.rank = i - options_.marketMakersPerInstrument;
    } else {
      a.kind = AgentKind::Momentum;
      a.rank = i - options_.marketMakersPerInstrument - options_.noiseTraders;
    }
  }
}

void MarketSimulator::addInstrument(const Instrument& instrument, Price referencePrice) {
  if (!referencePrice.isDefined() || !referencePrice.isPositive()) return;
  if (marketIndex_.count(instrument.id().value()) != 0) return;
  if (std::find(settled_.begin(), settled_.end(), instrument.id().value()) != settled_.end()) return;
  Market m;
  m.id = instrument.id();
  m.tickRaw = instrument.tickSize().raw();
  m.lotRaw = instrument.lotSize().raw();
  m.minLots = std::max<std::int64_t>(1, (instrument.minQuantity().raw() + m.lotRaw - 1) / m.lotRaw);
  m.maxLots = instrument.maxQuantity().raw() / m.lotRaw;
  m.referenceTicks = std::max<std::int64_t>(1, (referencePrice.raw() + m.tickRaw / 2) / m.tickRaw);
  const std::int64_t band = m.referenceTicks * kPriceBandPercent / 100;
  m.lowTicks = std::max<std::int64_t>(1, m.referenceTicks - band);
  m.highTicks = std::max<std::int64_t>(m.lowTicks + 1, m.referenceTicks + band);
  m.fairTicks = static_cast<double>(m.referenceTicks);

  const ClassParameters p = parametersOf(instrument.assetClass());
  const double ref = static_cast<double>(m.referenceTicks);
  m.halfSpreadTicks = std::max(1.0, ref * p.halfSpreadBp * 1e-4);
  m.sigmaTicks = ref * p.volatilityBp * 1e-4 * kSqrtStepSeconds;
  const double price = static_cast<double>(m.referenceTicks * m.tickRaw) / pow10(instrument.pricePrecision());
  const double lotUnits = static_cast<double>(m.lotRaw) / pow10(instrument.quantityPrecision());
  const double lotUsd = price * lotUnits * instrument.multiplier().value() * usdPerUnit(instrument.currency());
  m.typicalLots = lotUsd > 0 ? std::max(1.0, p.typicalUsd / lotUsd) : 1.0;
  m.emaFast = m.emaSlow = ref;

  marketIndex_.emplace(m.id.value(), static_cast<std::uint32_t>(markets_.size()));
  markets_.push_back(m);
  for (Agent& a : agents_) a.position.push_back(0);
  quotes_.resize(markets_.size() * options_.marketMakersPerInstrument * 2, kNone);
}

Price MarketSimulator::fairValue(InstrumentId instrument) const noexcept {
  const auto it = marketIndex_.find(instrument.value());
  if (it == marketIndex_.end()) return Price::undefined();
  const Market& m = markets_[it->second];
  return Price::fromRaw(clampTicks(m, std::llround(m.fairTicks)) * m.tickRaw);
}

// ---------------------------------------------------------------------------------------------
// Helpers

std::int64_t MarketSimulator::clampTicks(const Market& m, std::int64_t ticks) const noexcept {
  return std::clamp(ticks, m.lowTicks, m.highTicks);
}

std::int64_t MarketSimulator::lotsOf(const Market& m, double scale) {
  std::int64_t lots = std::llround(m.typicalLots * scale);
  lots = std::max(lots, m.minLots);
  if (m.maxLots > 0) lots = std::min(lots, m.maxLots);
  return std::max<std::int64_t>(lots, 1);
}

std::int32_t MarketSimulator::agentOf(AccountId account) const noexcept {
  if (account.value() < options_.firstAccountId) return -1;
  const std::uint64_t i = account.value() - options_.firstAccountId;
  return i < agents_.size() ? static_cast<std::int32_t>(i) : -1;
}

std::int64_t MarketSimulator::position(std::uint32_t agent, std::uint32_t market) const noexcept {
  return agents_[agent].position[market];
}

std::uint32_t& MarketSimulator::quoteSlot(std::uint32_t agent, std::uint32_t market, Side side) noexcept {
  const std::size_t mm = options_.marketMakersPerInstrument;
  return quotes_[(market * mm + agents_[agent].rank) * 2 + (side == Side::Sell ? 1 : 0)];
}

ClientOrderId MarketSimulator::clientId(std::uint64_t sequence) const noexcept {
  char buffer[32];
  std::size_t n = 0;
  for (; n < 8; ++n) buffer[n] = tag_[n];
  char digits[16];
  std::size_t d = 0;
  do {
    digits[d++] = kDigits[sequence % 36];
    sequence /= 36;
  } while (sequence != 0);
  while (d > 0) buffer[n++] = digits[--d];
  return ClientOrderId::fromTrusted(std::string_view(buffer, n));
}

std::uint64_t MarketSimulator::parseId(const ClientOrderId& id) const noexcept {
  const std::string_view v = id.view();
  if (v.size() <= 8 || v.size() > 8 + 12 || v.substr(0, 8) != std::string_view(tag_, 8)) return 0;
  std::uint64_t value = 0;
  for (char c : v.substr(8)) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'z') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return 0;
    }
    value = value * 36 + digit;
  }
  return value;
}

std::uint32_t MarketSimulator::allocateSlot() {
  std::uint32_t slot = 0;
  if (!freeSlots_.empty()) {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(orders_.size());
    orders_.emplace_back();
  }
  orders_[slot] = Order{};
  orders_[slot].inUse = true;
  ++openOrderCount_;
  return slot;
}

void MarketSimulator::releaseSlot(std::uint32_t slot) {
  Order& o = orders_[slot];
  if (!o.inUse) return;
  Agent& a = agents_[o.agent];
  const auto it = std::find(a.open.begin(), a.open.end(), slot);
  if (it != a.open.end()) a.open.erase(it);
  if (a.kind == AgentKind::MarketMaker) {
    std::uint32_t& q = quoteSlot(o.agent, o.market, o.side);
    if (q == slot) q = kNone;
  }
  if (o.currentId != 0) idToSlot_.erase(o.currentId);
  if (o.pendingId != 0) idToSlot_.erase(o.pendingId);
  o.inUse = false;
  freeSlots_.push_back(slot);
  --openOrderCount_;
}

MarketSimulator::Order* MarketSimulator::findOrder(const ClientOrderId& id, std::uint32_t& slot) noexcept {
  const std::uint64_t n = parseId(id);
  if (n == 0) return nullptr;
  const auto it = idToSlot_.find(n);
  if (it == idToSlot_.end()) return nullptr;
  slot = it->second;
  return &orders_[slot];
}

// ---------------------------------------------------------------------------------------------
// Commands

engine::Command MarketSimulator::newOrder(std::uint32_t agent, std::uint32_t market, Side side, std::int64_t priceTicks,
                                          std::int64_t lots, bool immediate, bool marketOrder) {
  const Market& m = markets_[market];
  const std::uint64_t id = nextId();
  const std::uint32_t slot = allocateSlot();
  Order& o = orders_[slot];
  o.agent = agent;
  o.market = market;
  o.side = side;
  o.priceTicks = marketOrder ? 0 : clampTicks(m, priceTicks);
  o.quantity = o.leaves = lots * m.lotRaw;
  o.currentId = id;
  o.created = now_;
  idToSlot_[id] = slot;
  agents_[agent].open.push_back(slot);

  engine::Command c = engine::makeCommand(engine::CommandType::NewOrder);
  engine::NewOrderBody& b = c.body.newOrder;
  b.account = agents_[agent].account;
  b.instrument = m.id;
  b.clientOrderId = clientId(id);
  b.side = side;
  b.type = marketOrder ? book::OrderType::Market : book::OrderType::Limit;
  b.timeInForce = immediate ? book::TimeInForce::IOC : book::TimeInForce::GTC;
  b.selfTrade = book::SelfTradePrevention::CancelResting;
  b.price = marketOrder ? Price::undefined() : Price::fromRaw(o.priceTicks * m.tickRaw);
  b.quantity = Quantity::fromRaw(o.quantity);
  return c;
}

engine::Command MarketSimulator::cancel(std::uint32_t slot) {
  Order& o = orders_[slot];
  const std::uint64_t id = nextId();
  o.pendingId = id;
  idToSlot_[id] = slot;
  engine::Command c = engine::makeCommand(engine::CommandType::CancelOrder);
  c.body.cancel.account = agents_[o.agent].account;
  c.body.cancel.origClientOrderId = clientId(o.currentId);
  c.body.cancel.clientOrderId = clientId(id);
  return c;
}

engine::Command MarketSimulator::replace(std::uint32_t slot, std::int64_t priceTicks, std::int64_t leavesLots) {
  Order& o = orders_[slot];
  const Market& m = markets_[o.market];
  const std::uint64_t id = nextId();
  o.pendingId = id;
  idToSlot_[id] = slot;
  const std::int64_t filled = o.quantity - o.leaves;  // a multiple of the lot: fills are
  engine::Command c = engine::makeCommand(engine::CommandType::ReplaceOrder);
  engine::ReplaceOrderBody& b = c.body.replace;
  b.account = agents_[o.agent].account;
  b.instrument = m.id;
  b.origClientOrderId = clientId(o.currentId);
  b.clientOrderId = clientId(id);
  b.quantity = Quantity::fromRaw(filled + leavesLots * m.lotRaw);
  b.price = Price::fromRaw(clampTicks(m, priceTicks) * m.tickRaw);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Agents

// One side of one market maker's quote on one market: place, requote, refill or withdraw it.
bool MarketSimulator::quoteSide(std::uint32_t agent, std::uint32_t market, Side side,
                                std::vector<engine::Command>& out) {
  const Market& m = markets_[market];
  if (m.settled) return false;
  const Agent& a = agents_[agent];
  const double halfSpread = m.halfSpreadTicks * (1.0 + 0.6 * a.rank);
  const std::int64_t sizeLots = lotsOf(m, 2.0 + a.rank);
  const double maxInventory = static_cast<double>(sizeLots * m.lotRaw) * 10.0;
  const double inventory = std::clamp(static_cast<double>(position(agent, market)) / maxInventory, -1.0, 1.0);
  const double center = m.fairTicks - inventory * halfSpread;
  std::int64_t bid = clampTicks(m, static_cast<std::int64_t>(std::floor(center - halfSpread)));
  std::int64_t ask = clampTicks(m, static_cast<std::int64_t>(std::ceil(center + halfSpread)));
  if (bid >= m.highTicks) bid = m.highTicks - 1;
  if (ask <= bid) ask = bid + 1;
  const bool wanted = side == Side::Buy ? inventory < 1.0 : inventory > -1.0;
  const std::int64_t target = side == Side::Buy ? bid : ask;
  const std::int64_t threshold = std::max<std::int64_t>(1, std::llround(halfSpread * 0.25));

  std::uint32_t& slot = quoteSlot(agent, market, side);
  if (slot == kNone) {
    if (!wanted) return false;
    out.push_back(newOrder(agent, market, side, target, sizeLots, false, false));
    slot = agents_[agent].open.back();
    return true;
  }
  Order& o = orders_[slot];
  if (!o.acknowledged || o.pendingId != 0) return false;
  if (!wanted) {
    out.push_back(cancel(slot));
    return true;
  }
  const bool moved = std::abs(o.priceTicks - target) >= threshold;
  const bool depleted = o.leaves * 2 < sizeLots * m.lotRaw;
  if (!moved && !depleted) return false;
  out.push_back(replace(slot, target, sizeLots));
  return true;
}

bool MarketSimulator::marketMakerStep(std::vector<engine::Command>& out) {
  const std::uint32_t makers = options_.marketMakersPerInstrument;
  const auto markets = static_cast<std::uint32_t>(markets_.size());
  if (makers == 0 || markets == 0) return false;
  const auto agent = static_cast<std::uint32_t>(rng_.below(makers));
  const auto start = static_cast<std::uint32_t>(rng_.below(markets));
  const Side first = rng_.below(2) == 0 ? Side::Buy : Side::Sell;
  for (std::uint32_t i = 0; i < markets; ++i) {
    const std::uint32_t market = (start + i) % markets;
    if (quoteSide(agent, market, first, out)) return true;
    if (quoteSide(agent, market, opposite(first), out)) return true;
  }
  return false;
}

bool MarketSimulator::noiseStep(std::vector<engine::Command>& out) {
  if (options_.noiseTraders == 0 || markets_.empty()) return false;
  const std::uint32_t agent =
      options_.marketMakersPerInstrument + static_cast<std::uint32_t>(rng_.below(options_.noiseTraders));
  Agent& a = agents_[agent];

  // Housekeeping first: the oldest order when full, else any stale or far-off one.
  for (std::uint32_t slot : a.open) {
    const Order& o = orders_[slot];
    if (!o.acknowledged || o.pendingId != 0) continue;
    const Market& m = markets_[o.market];
    const bool full = a.open.size() >= kMaxNoiseOrders;
    const bool stale = now_ - o.created > kStaleNanos;
    const bool far = std::abs(static_cast<double>(o.priceTicks) - m.fairTicks) > 8.0 * m.halfSpreadTicks + 2.0;
    if (full || stale || far) {
      out.push_back(cancel(slot));
      return true;
    }
  }
  if (a.open.size() >= kMaxNoiseOrders) return false;

  const auto market = static_cast<std::uint32_t>(rng_.below(markets_.size()));
  const Market& m = markets_[market];
  if (m.settled) return false;
  const double maxPosition = m.typicalLots * 20.0 * static_cast<double>(m.lotRaw);
  const auto pos = static_cast<double>(position(agent, market));
  Side side = rng_.below(2) == 0 ? Side::Buy : Side::Sell;
  if (pos > maxPosition) side = Side::Sell;
  if (pos < -maxPosition) side = Side::Buy;
  const std::int64_t lots = lotsOf(m, 0.2 + 1.8 * rng_.unit());
  const auto halfSpread = static_cast<std::int64_t>(std::ceil(m.halfSpreadTicks));
  const std::int64_t fair = std::llround(m.fairTicks);
  const std::int64_t sign = side == Side::Buy ? 1 : -1;
  const std::int64_t opposite = side == Side::Buy ? m.askTicks : m.bidTicks;

  const double kind = rng_.unit();
  if (kind < 0.35) {  // marketable: sometimes a market order, mostly an IOC limit through the touch
    if (kind < 0.07 && opposite > 0) {
      out.push_back(newOrder(agent, market, side, 0, lots, true, true));
      return true;
    }
    const std::int64_t touch = opposite > 0 ? opposite : fair + sign * halfSpread;
    const std::int64_t price = touch + sign * static_cast<std::int64_t>(rng_.below(3));
    out.push_back(newOrder(agent, market, side, price, lots, true, false));
    return true;
  }
  // Passive: from one tick better than fair to four half spreads behind it.
  const std::int64_t offset = 1 + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(4 * halfSpread)));
  out.push_back(newOrder(agent, market, side, fair - sign * offset, lots, false, false));
  return true;
}

bool MarketSimulator::momentumStep(std::vector<engine::Command>& out) {
  if (options_.momentumTraders == 0 || markets_.empty()) return false;
  const std::uint32_t agent = options_.marketMakersPerInstrument + options_.noiseTraders +
                              static_cast<std::uint32_t>(rng_.below(options_.momentumTraders));
  if (agents_[agent].open.size() >= 2) return false;  // its IOC orders are still in flight
  const auto market = static_cast<std::uint32_t>(rng_.below(markets_.size()));
  const Market& m = markets_[market];
  if (!m.traded || m.settled) return false;
  const double signal = (m.emaFast - m.emaSlow) / m.halfSpreadTicks;
  const double maxPosition = m.typicalLots * 10.0 * static_cast<double>(m.lotRaw);
  const auto pos = static_cast<double>(position(agent, market));
  Side side = Side::None;
  std::int64_t lots = lotsOf(m, 0.5 + rng_.unit());
  if (signal > 0.5 && pos < maxPosition) {
    side = Side::Buy;
  } else if (signal < -0.5 && pos > -maxPosition) {
    side = Side::Sell;
  } else if (pos != 0 && signal * pos < 0) {  // the trend turned against the position: cut it
    side = pos > 0 ? Side::Sell : Side::Buy;
    const std::int64_t held = std::llround(std::abs(pos)) / m.lotRaw;
    lots = std::min(lots, held);
    if (lots < m.minLots) return false;
  } else {
    return false;
  }
  const std::int64_t sign = side == Side::Buy ? 1 : -1;
  const std::int64_t opposite = side == Side::Buy ? m.askTicks : m.bidTicks;
  const std::int64_t touch =
      opposite > 0 ? opposite
                   : std::llround(m.fairTicks) + sign * static_cast<std::int64_t>(std::ceil(m.halfSpreadTicks));
  out.push_back(newOrder(agent, market, side, touch + sign, lots, true, false));
  return true;
}

void MarketSimulator::advanceFairValues(std::int64_t steps) {
  for (std::int64_t s = 0; s < steps; ++s) {
    for (Market& m : markets_) {
      const double ref = static_cast<double>(m.referenceTicks);
      m.fairTicks += m.sigmaTicks * rng_.normal() + (ref - m.fairTicks) * kMeanReversionPerStep;
      m.fairTicks = std::clamp(m.fairTicks, ref * (1.0 - kFairBand), ref * (1.0 + kFairBand));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Events and pacing

void MarketSimulator::onEvent(const engine::EngineEvent& event) {
  switch (event.kind) {
    case engine::EventKind::Quote: {
      const engine::QuoteReport& q = event.body.quote;
      const auto it = marketIndex_.find(q.instrument.value());
      if (it == marketIndex_.end()) return;
      Market& m = markets_[it->second];
      m.bidTicks = q.bidPrice.isDefined() && q.bidPrice.isPositive() ? q.bidPrice.raw() / m.tickRaw : 0;
      m.askTicks = q.askPrice.isDefined() && q.askPrice.isPositive() ? q.askPrice.raw() / m.tickRaw : 0;
      return;
    }
    case engine::EventKind::PublicTrade: {
      const engine::PublicTradeReport& t = event.body.trade;
      const auto it = marketIndex_.find(t.instrument.value());
      if (it == marketIndex_.end() || !t.price.isDefined()) return;
      Market& m = markets_[it->second];
      const double price = static_cast<double>(t.price.raw() / m.tickRaw);
      if (!m.traded) m.emaFast = m.emaSlow = price;
      m.traded = true;
      m.emaFast += 0.3 * (price - m.emaFast);
      m.emaSlow += 0.03 * (price - m.emaSlow);
      // Price impact: the fair value leans towards the aggressor, more for larger trades.
      const double sign = t.aggressor == Side::Buy ? 1.0 : (t.aggressor == Side::Sell ? -1.0 : 0.0);
      const double size = static_cast<double>(t.quantity.raw()) / static_cast<double>(m.lotRaw) / m.typicalLots;
      m.fairTicks += sign * 0.15 * m.halfSpreadTicks * std::min(3.0, size);
      const double ref = static_cast<double>(m.referenceTicks);
      m.fairTicks = std::clamp(m.fairTicks, ref * (1.0 - kFairBand), ref * (1.0 + kFairBand));
      return;
    }
    case engine::EventKind::ExecutionReport: {
      const engine::ExecutionReport& r = event.body.execution;
      const std::int32_t agent = agentOf(r.account);
      if (agent < 0) return;
      std::uint32_t slot = 0;
      Order* o = findOrder(r.clientOrderId, slot);
      if (o == nullptr) o = findOrder(r.origClientOrderId, slot);
      if (o == nullptr) return;
      if (o->pendingId != 0 && parseId(r.clientOrderId) == o->pendingId) {
        // The cancel or replace took effect: the order is known by the request's id now.
        idToSlot_.erase(o->currentId);
        o->currentId = o->pendingId;
        o->pendingId = 0;
      }
      switch (r.execType) {
        case oms::ExecType::New: o->acknowledged = true; break;
        case oms::ExecType::Trade: {
          const std::int64_t q = r.lastQuantity.raw();
          agents_[static_cast<std::uint32_t>(agent)].position[o->market] += o->side == Side::Buy ? q : -q;
          o->leaves = r.leavesQuantity.raw();
          break;
        }
        case oms::ExecType::Replaced:
          o->acknowledged = true;
          if (r.price.isDefined()) o->priceTicks = r.price.raw() / markets_[o->market].tickRaw;
          o->quantity = r.orderQuantity.raw();
          o->leaves = r.leavesQuantity.raw();
          break;
        case oms::ExecType::Restated: o->leaves = r.leavesQuantity.raw(); break;
        default: break;
      }
      if (oms::isTerminal(r.status)) releaseSlot(slot);
      return;
    }
    case engine::EventKind::CancelReject: {
      const engine::CancelRejectReport& r = event.body.cancelReject;
      if (agentOf(r.account) < 0) return;
      std::uint32_t slot = 0;
      Order* o = findOrder(r.clientOrderId, slot);
      if (o == nullptr || o->pendingId == 0 || parseId(r.clientOrderId) != o->pendingId) return;
      idToSlot_.erase(o->pendingId);
      o->pendingId = 0;
      const auto code = static_cast<engine::RejectCode>(r.rejectCode);
      if (r.rejectSource == oms::RejectSource::Engine &&
          (code == engine::RejectCode::UnknownOrder || code == engine::RejectCode::OrderNotLive)) {
        releaseSlot(slot);  // the order is gone; its final report has been or will never be seen
      }
      return;
    }
    case engine::EventKind::CommandResult: {
      const engine::CommandResultReport& r = event.body.result;
      if (!r.accepted || r.commandType != static_cast<std::uint8_t>(engine::CommandType::SettleInstrument)) return;
      settled_.push_back(r.subject);
      const auto it = marketIndex_.find(r.subject);
      if (it != marketIndex_.end()) markets_[it->second].settled = true;
      return;
    }
  }
}

void MarketSimulator::generate(Timestamp now, std::vector<engine::Command>& out) {
  const std::size_t before = out.size();
  if (!started_) {
    started_ = true;
    start_ = last_ = now_ = now;
    // Session tag: the first call's time in milliseconds, 8 base-36 digits (wraps every ~89 years).
    std::uint64_t ms = static_cast<std::uint64_t>(now.nanos() / 1'000'000);
    for (int i = 7; i >= 0; --i) {
      tag_[i] = kDigits[ms % 36];
      ms /= 36;
    }
    return;
  }
  if (now <= last_) return;
  const std::int64_t elapsed = std::min(now - last_, kMaxGapNanos);
  last_ = now_ = now;

  if (!prologueDone_) {
    prologueDone_ = true;
    for (const Agent& a : agents_) {
      engine::Command c = engine::makeCommand(engine::CommandType::MassCancel);
      c.body.massCancel.account = a.account;
      out.push_back(c);
    }
  }

  const std::int64_t dueSteps = (now - start_) / kFairStepNanos;
  advanceFairValues(std::min(dueSteps - fairSteps_, kMaxFairSteps));
  fairSteps_ = dueSteps;

  owedUnits_ += elapsed * rateMilli_;
  const std::int64_t due = owedUnits_ / kUnitsPerCommand;
  owedUnits_ %= kUnitsPerCommand;
  for (std::int64_t i = 0; i < due; ++i) {
    const std::uint64_t pick = rng_.below(100);
    bool done = false;
    if (pick < kMarketMakerShare) {
      done = marketMakerStep(out);
    } else if (pick >= kMarketMakerShare + kNoiseShare) {
      done = momentumStep(out);
    }
    if (!done) done = noiseStep(out);
    if (!done) marketMakerStep(out);
  }
  commandsGenerated_ += out.size() - before;
}

}  // namespace alphintra::marketdata
