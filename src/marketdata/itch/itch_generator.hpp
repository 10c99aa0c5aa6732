// ItchGenerator: a synthetic but valid TotalView-ITCH 5.0 day for tests and benchmarks (no real
// ITCH file can be downloaded here).
//
// The flow: system events (start of messages, system hours, market hours), one stock directory
// per stock, then a random order flow around a random-walk mid per stock — adds (A, and F one in
// twenty), executions (E, C), partial cancels (X), deletes (D) and replaces (U) of live orders,
// with the live-order count held near `targetLiveOrders` — plus hidden-order trades (P) and,
// every few hundred messages, one of the other message types (H Y L V W K J h Q B I N O) so every
// type of the specification appears; then end-of-market events. Every E/C/X/D/U refers to an
// order that is live with enough shares, so a correct book builder reports no anomaly.
//
// The books stay consistent, as an exchange's would: an add or replace never reaches the other
// side (a price that would is pulled back to one tick inside the opposite best), and an
// execution takes the oldest order at its side's best price (price-time priority), so the flow
// replays into a matching engine's book without a crossed book and without a skipped message.
// Timestamps increase; prices are Price(4) on a 1-cent tick; deterministic for a given seed.
//
// Threading: one thread. Memory: the live-order list (targetLiveOrders entries).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>

#include "core/result.hpp"
#include "marketdata/itch/itch_encoder.hpp"

namespace alphintra::marketdata::itch {

struct ItchGeneratorOptions {
  std::uint64_t seed = 1;
  std::uint32_t stocks = 100;  // locates 1..stocks (≤ 65 535)
  std::size_t targetLiveOrders = 100'000;
  std::uint64_t messages = 1'000'000;  // order-flow messages after the start-of-day ones
  bool otherTypes = true;              // also the administrative and auction message types
};

class ItchGenerator {
 public:
  explicit ItchGenerator(ItchGeneratorOptions options);

  // Appends up to `maxMessages` framed messages to `out`; returns how many (0 when done).
  std::size_t generate(std::vector<std::uint8_t>& out, std::size_t maxMessages);
  bool done() const noexcept { return phase_ == Phase::Done; }
  std::uint64_t produced() const noexcept { return produced_; }

 private:
  enum class Phase : std::uint8_t { Start, Flow, End, Done };
  struct Live {
    std::uint64_t ref;
    std::uint32_t shares;
    std::uint32_t price;
    std::uint16_t locate;
    char side;
  };
  std::uint64_t next() noexcept;
  std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }
  Header header(char type, std::uint16_t locate) noexcept;
  void startOfDay(ItchEncoder& enc);
  void flowMessage(ItchEncoder& enc);
  void otherMessage(ItchEncoder& enc);
  void addOrder(ItchEncoder& enc);
  std::uint32_t priceFor(std::uint16_t locate, char side) noexcept;
  void removeLive(std::size_t index);
  // Per stock and side: price → indices into live_ of the orders at that price, oldest first.
  using Levels = std::map<std::uint32_t, std::vector<std::uint32_t>>;
  Levels& levels(std::uint16_t locate, char side) noexcept { return books_[locate * 2u + (side == 'B' ? 0u : 1u)]; }
  void levelInsert(std::size_t index);
  void levelErase(std::size_t index);
  // `price` moved inside the opposite side's best when it would reach it.
  std::uint32_t passive(std::uint16_t locate, char side, std::uint32_t price) noexcept;

  ItchGeneratorOptions options_;
  std::uint64_t state_[2];
  Phase phase_ = Phase::Start;
  std::uint64_t produced_ = 0;
  std::uint64_t flowDone_ = 0;
  std::uint64_t clock_ = 0;  // ns since midnight
  std::uint64_t nextRef_ = 0;
  std::uint64_t nextMatch_ = 0;
  std::uint16_t tracking_ = 0;
  std::vector<std::uint32_t> mids_;  // by locate
  std::vector<Live> live_;
  std::vector<Levels> books_;  // by locate * 2 + side (0 bids, 1 asks)
};

struct ItchWriteSummary {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
};

// Writes a generated day to `file` in the framed format (streamed in 4 MiB pieces).
Result<ItchWriteSummary> writeItchFile(const std::filesystem::path& file, const ItchGeneratorOptions& options);

}  // namespace alphintra::marketdata::itch
