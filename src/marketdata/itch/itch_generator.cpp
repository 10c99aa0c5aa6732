#include "marketdata/itch/itch_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace alphintra::marketdata::itch {

ItchGenerator::ItchGenerator(ItchGeneratorOptions options) : options_(options) {
  if (options_.stocks == 0) options_.stocks = 1;
  if (options_.stocks > 65'535) options_.stocks = 65'535;
  std::uint64_t z = options_.seed;
  for (auto& s : state_) {  // splitmix64 seeding
    z += 0x9E3779B97F4A7C15ull;
    std::uint64_t x = z;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    s = x ^ (x >> 31);
  }
  mids_.assign(options_.stocks + 1u, 0);
  for (std::uint32_t l = 1; l <= options_.stocks; ++l) {
    mids_[l] = static_cast<std::uint32_t>(100'000 + below(4'900'000)) / 100 * 100;  // $10 .. $500
  }
  live_.reserve(options_.targetLiveOrders + 16);
  books_.resize((options_.stocks + 1u) * 2u);
  clock_ = 4ull * 3'600 * 1'000'000'000;  // 04:00
}

std::uint64_t ItchGenerator::next() noexcept {  // xorshift128+
  std::uint64_t s1 = state_[0];
  const std::uint64_t s0 = state_[1];
  state_[0] = s0;
  s1 ^= s1 << 23;
  state_[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
  return state_[1] + s0;
}

Header ItchGenerator::header(char type, std::uint16_t locate) noexcept {
  clock_ += below(2'000);
  return Header{type, locate, ++tracking_, clock_};
}

std::uint32_t ItchGenerator::priceFor(std::uint16_t locate, char side) noexcept {
  std::uint32_t& mid = mids_[locate];
  if (below(64) == 0) {  // the mid walks one tick now and then
    if (below(2) == 0 && mid > 1'000) {
      mid -= 100;
    } else {
      mid += 100;
    }
  }
  // Offsets of 1..~20 ticks, most near the touch.
  const std::uint32_t ticks = 1 + static_cast<std::uint32_t>(std::countr_zero(next() | (1ull << 19)));
  const std::uint32_t offset = ticks * 100 + static_cast<std::uint32_t>(below(3)) * 100;
  return side == 'B' ? (mid > offset + 100 ? mid - offset : 100) : mid + offset;
}

void ItchGenerator::startOfDay(ItchEncoder& enc) {
  enc.put(SystemEvent{header('S', 0), 'O'});
  for (std::uint32_t l = 1; l <= options_.stocks; ++l) {
    StockDirectory r;
    r.header = header('R', static_cast<std::uint16_t>(l));
    r.stock = makeStock(fmt::format("S{:05}", l));
    r.marketCategory = 'Q';
    r.financialStatus = 'N';
    r.roundLotSize = 100;
    r.roundLotsOnly = 'N';
    r.issueClassification = 'C';
    r.issueSubType = {'Z', ' '};
    r.authenticity = 'P';
    r.shortSaleThreshold = 'N';
    r.ipoFlag = 'N';
    r.luldReferencePriceTier = '1';
    r.etpFlag = 'N';
    r.etpLeverageFactor = 0;
    r.inverseIndicator = 'N';
    enc.put(r);
  }
  produced_ += options_.stocks + 1;
  enc.put(SystemEvent{header('S', 0), 'S'});
  clock_ = 34'200ull * 1'000'000'000;  // 09:30
  enc.put(SystemEvent{header('S', 0), 'Q'});
  produced_ += 2;
}

void ItchGenerator::levelInsert(std::size_t index) {
  const Live& o = live_[index];
  levels(o.locate, o.side)[o.price].push_back(static_cast<std::uint32_t>(index));
}

void ItchGenerator::levelErase(std::size_t index) {
  const Live& o = live_[index];
  Levels& side = levels(o.locate, o.side);
  const auto level = side.find(o.price);
  auto& queue = level->second;
  queue.erase(std::find(queue.begin(), queue.end(), static_cast<std::uint32_t>(index)));
  if (queue.empty()) side.erase(level);
}

void ItchGenerator::removeLive(std::size_t index) {
  levelErase(index);
  const std::size_t last = live_.size() - 1;
  if (index != last) {  // the last order moves into the hole: its level entry follows it
    const Live& moved = live_[last];
    auto& queue = levels(moved.locate, moved.side)[moved.price];
    *std::find(queue.begin(), queue.end(), static_cast<std::uint32_t>(last)) = static_cast<std::uint32_t>(index);
    live_[index] = moved;
  }
  live_.pop_back();
}

std::uint32_t ItchGenerator::passive(std::uint16_t locate, char side, std::uint32_t price) noexcept {
  // Asks never go below mid + 1 tick ≥ 11 ticks, so one tick under the best ask stays positive.
  if (side == 'B') {
    const Levels& asks = levels(locate, 'S');
    if (!asks.empty() && price >= asks.begin()->first) price = asks.begin()->first - 100;
  } else {
    const Levels& bids = levels(locate, 'B');
    if (!bids.empty() && price <= bids.rbegin()->first) price = bids.rbegin()->first + 100;
  }
  return price;
}

void ItchGenerator::addOrder(ItchEncoder& enc) {
  const auto locate = static_cast<std::uint16_t>(1 + below(options_.stocks));
  const char side = below(2) == 0 ? 'B' : 'S';
  AddOrder a;
  const bool attributed = below(20) == 0;
  a.header = header(attributed ? 'F' : 'A', locate);
  a.orderRef = ++nextRef_;
  a.side = side;
  a.shares = static_cast<std::uint32_t>(1 + below(10)) * 100;
  a.stock = makeStock(fmt::format("S{:05}", locate));
  a.price = passive(locate, side, priceFor(locate, side));
  if (attributed) {
    a.attribution = {'M', 'P', 'I', static_cast<char>('A' + below(26))};
  } else {
    a.attribution.fill(' ');
  }
  enc.put(a);
  live_.push_back(Live{a.orderRef, a.shares, a.price, locate, side});
  levelInsert(live_.size() - 1);
}

void ItchGenerator::otherMessage(ItchEncoder& enc) {
  const auto locate = static_cast<std::uint16_t>(1 + below(options_.stocks));
  const Stock stock = makeStock(fmt::format("S{:05}", locate));
  const std::uint32_t mid = mids_[locate];
  switch (below(13)) {
    case 0: enc.put(StockTradingAction{header('H', locate), stock, 'T', ' ', {' ', ' ', ' ', ' '}}); break;
    case 1: enc.put(RegShoRestriction{header('Y', locate), stock, '0'}); break;
    case 2: enc.put(MarketParticipantPosition{header('L', locate), {'N', 'S', 'D', 'Q'}, stock, 'Y', 'N', 'A'}); break;
    case 3: enc.put(MwcbDeclineLevel{header('V', 0), 3'000'00000000ull, 2'800'00000000ull, 2'600'00000000ull}); break;
    case 4: enc.put(MwcbStatus{header('W', 0), '1'}); break;
    case 5: enc.put(IpoQuotingPeriodUpdate{header('K', locate), stock, 36'000, 'A', mid}); break;
    case 6: enc.put(LuldAuctionCollar{header('J', locate), stock, mid, mid + mid / 10, mid - mid / 10, 1}); break;
    case 7: enc.put(OperationalHalt{header('h', locate), stock, 'Q', 'T'}); break;
    case 8: enc.put(CrossTrade{header('Q', locate), 100 + below(10'000), stock, mid, ++nextMatch_, 'O'}); break;
    case 9: enc.put(BrokenTrade{header('B', locate), nextMatch_ > 0 ? nextMatch_ : 1}); break;
    case 10:
      enc.put(Noii{header('I', locate), 1'000 + below(10'000), below(5'000), 'B', stock, mid, mid, mid, 'C', 'L'});
      break;
    case 11: enc.put(Rpii{header('N', locate), stock, 'B'}); break;
    default:
      enc.put(DirectListingPriceDiscovery{header('O', locate), stock, 'Y', mid - mid / 10, mid + mid / 10, mid,
                                          clock_ + 1'000'000, mid - mid / 20, mid + mid / 20});
      break;
  }
}

void ItchGenerator::flowMessage(ItchEncoder& enc) {
  if (options_.otherTypes && below(400) == 0) {
    otherMessage(enc);
    return;
  }
  const std::uint64_t r = below(100);
  const std::uint64_t addShare = live_.size() < options_.targetLiveOrders ? 55 : 25;
  if (live_.empty() || r < addShare) {
    addOrder(enc);
    return;
  }
  std::size_t index = static_cast<std::size_t>(below(live_.size()));
  const std::uint64_t op = below(100);
  if (op < 30) {  // an execution takes the oldest order at the best price of the chosen order's side
    const Levels& side = levels(live_[index].locate, live_[index].side);
    index = live_[index].side == 'B' ? side.rbegin()->second.front() : side.begin()->second.front();
  }
  Live& o = live_[index];
  if (op < 30) {  // execution, E mostly and C now and then
    const std::uint32_t shares = o.shares <= 100 ? o.shares : static_cast<std::uint32_t>(1 + below(o.shares));
    if (below(10) == 0) {
      enc.put(OrderExecutedWithPrice{header('C', o.locate), o.ref, shares, ++nextMatch_, 'Y', o.price});
    } else {
      enc.put(OrderExecuted{header('E', o.locate), o.ref, shares, ++nextMatch_});
    }
    o.shares -= shares;
    if (o.shares == 0) removeLive(index);
  } else if (op < 45 && o.shares > 1) {
    const auto shares = static_cast<std::uint32_t>(1 + below(o.shares - 1));
    enc.put(OrderCancel{header('X', o.locate), o.ref, shares});
    o.shares -= shares;
  } else if (op < 57) {
    const std::uint64_t newRef = ++nextRef_;
    levelErase(index);  // the replaced order leaves its level before the new price is checked
    const std::uint32_t price = passive(o.locate, o.side, priceFor(o.locate, o.side));
    const auto shares = static_cast<std::uint32_t>(1 + below(10)) * 100;
    enc.put(OrderReplace{header('U', o.locate), o.ref, newRef, shares, price});
    o.ref = newRef;
    o.price = price;
    o.shares = shares;
    levelInsert(index);
  } else if (op < 60) {
    enc.put(Trade{header('P', o.locate), 0, o.side, 100, makeStock(fmt::format("S{:05}", o.locate)), o.price,
                  ++nextMatch_});
  } else {
    enc.put(OrderDelete{header('D', o.locate), o.ref});
    removeLive(index);
  }
}

std::size_t ItchGenerator::generate(std::vector<std::uint8_t>& out, std::size_t maxMessages) {
  ItchEncoder enc(out);
  const std::uint64_t before = produced_;
  while (produced_ - before < maxMessages) {
    switch (phase_) {
      case Phase::Start:
        startOfDay(enc);
        phase_ = Phase::Flow;
        break;
      case Phase::Flow:
        if (flowDone_ == options_.messages) {
          phase_ = Phase::End;
          break;
        }
        flowMessage(enc);
        ++flowDone_;
        ++produced_;
        break;
      case Phase::End:
        enc.put(SystemEvent{header('S', 0), 'M'});
        enc.put(SystemEvent{header('S', 0), 'E'});
        enc.put(SystemEvent{header('S', 0), 'C'});
        produced_ += 3;
        phase_ = Phase::Done;
        break;
      case Phase::Done: return static_cast<std::size_t>(produced_ - before);
    }
  }
  return static_cast<std::size_t>(produced_ - before);
}

Result<ItchWriteSummary> writeItchFile(const std::filesystem::path& file, const ItchGeneratorOptions& options) {
  const std::string name = file.string();
  std::FILE* f = std::fopen(name.c_str(), "wb");
  if (f == nullptr) return makeError("file", fmt::format("cannot create {}: {}", name, std::strerror(errno)));
  ItchGenerator gen(options);
  std::vector<std::uint8_t> buffer;
  buffer.reserve(4u << 20);
  ItchWriteSummary summary;
  while (!gen.done()) {
    buffer.clear();
    summary.messages += gen.generate(buffer, 100'000);
    if (std::fwrite(buffer.data(), 1, buffer.size(), f) != buffer.size()) {
      std::fclose(f);
      return makeError("file", fmt::format("cannot write {}: {}", name, std::strerror(errno)));
    }
    summary.bytes += buffer.size();
  }
  if (std::fclose(f) != 0) return makeError("file", fmt::format("cannot close {}: {}", name, std::strerror(errno)));
  return summary;
}

}  // namespace alphintra::marketdata::itch
