// TokenBucket: the order-rate limit of one account (AccountLimits::orderRatePerSecond and
// orderBurst), driven by the command's Timestamp, never by a clock, so replaying the journal
// gives the same decisions.
//
// Arithmetic: whole integers only. One token is kUnitsPerToken (10^9) units, so `rate` tokens
// per second refill exactly `rate` units per elapsed nanosecond: no rounding and no drift,
// however the time between calls is split. The bucket holds at most burst * 10^9 units
// (< 4.3e18 for the largest u32 burst, inside int64/uint64).
// Invariants: 0 <= tokens_ <= capacity(); lastRefill_ never moves backwards.
// Time: the first tryTake() after construction (or after the bucket was unlimited) finds the
// bucket full. A `now` earlier than the latest time seen adds nothing and does not move the
// refill point back, so a later, correct time is not credited twice for the same interval.
// rate 0 means "no limit": tryTake() always succeeds and leaves the state untouched.
//
// Threading: owned by the engine thread (one bucket per account); not synchronised.
// Snapshot encoding: u32 rate, u32 burst, u64 tokens (units), i64 lastRefill ns, u8 started.
#pragma once

#include <cstdint>

#include "core/binary_io.hpp"
#include "core/time.hpp"

namespace alphintra::risk {

class TokenBucket {
 public:
  static constexpr std::uint64_t kUnitsPerToken = 1'000'000'000;  // = nanoseconds per second
  static constexpr std::size_t kSnapshotBytes = 4 + 4 + 8 + 8 + 1;

  TokenBucket() noexcept = default;
  TokenBucket(std::uint32_t ratePerSecond, std::uint32_t burst) noexcept { configure(ratePerSecond, burst); }

  // Sets the refill rate (tokens per second) and bucket size; burst 0 with a rate means
  // burst = rate; rate 0 disables the limit. Calling it again with the same values changes
  // nothing (checkNewOrder calls it on every order with the account's limits). A new, smaller
  // burst clamps the tokens held; a larger one does not add any.
  void configure(std::uint32_t ratePerSecond, std::uint32_t burst) noexcept;

  // Refills for the time since the last call and takes one token if a whole one is there.
  [[nodiscard]] bool tryTake(Timestamp now) noexcept;

  std::uint32_t ratePerSecond() const noexcept { return rate_; }
  std::uint32_t burst() const noexcept { return burst_; }  // effective bucket size (tokens)
  bool limited() const noexcept { return rate_ != 0; }
  // Whole tokens a tryTake at `now` would find (without taking one); burst() before first use.
  std::uint32_t tokensAt(Timestamp now) const noexcept;

  void save(ByteWriter& out) const;
  // Restores what save() wrote; on a short or inconsistent input (tokens above the capacity,
  // burst 0 with a rate, started flag not 0/1) the reader is marked failed and *this is unchanged.
  void load(ByteReader& in) noexcept;

  bool operator==(const TokenBucket&) const noexcept = default;

 private:
  std::uint64_t capacity() const noexcept { return static_cast<std::uint64_t>(burst_) * kUnitsPerToken; }
  // Units held at `now` given the state; does not modify anything.
  std::uint64_t unitsAt(Timestamp now) const noexcept;

  std::uint32_t rate_ = 0;
  std::uint32_t burst_ = 0;
  std::uint64_t tokens_ = 0;  // units; meaningful only when started_
  Timestamp lastRefill_;
  bool started_ = false;
};

}  // namespace alphintra::risk
