// TokenBucket: integer refill, first use full, backwards time ignored (see token_bucket.hpp).
#include "risk/token_bucket.hpp"

#include <algorithm>

namespace alphintra::risk {

void TokenBucket::configure(std::uint32_t ratePerSecond, std::uint32_t burst) noexcept {
  const std::uint32_t effectiveBurst = ratePerSecond == 0 ? 0 : (burst == 0 ? ratePerSecond : burst);
  if (ratePerSecond == rate_ && effectiveBurst == burst_) return;
  rate_ = ratePerSecond;
  burst_ = effectiveBurst;
  if (rate_ == 0) {
    // Unlimited: forget the history, so that a limit set later starts with a full bucket.
    started_ = false;
    tokens_ = 0;
    lastRefill_ = Timestamp{};
    return;
  }
  tokens_ = std::min(tokens_, capacity());
}

std::uint64_t TokenBucket::unitsAt(Timestamp now) const noexcept {
  const std::uint64_t cap = capacity();
  if (!started_) return cap;
  if (now <= lastRefill_) return tokens_;
  // elapsed can be up to 2^64 ns and rate up to 2^32: compare against the time needed to fill
  // up before multiplying, so the product stays below capacity + rate (far inside uint64).
  const std::uint64_t elapsed =
      static_cast<std::uint64_t>(now.nanos()) - static_cast<std::uint64_t>(lastRefill_.nanos());
  const std::uint64_t missing = cap - tokens_;
  const std::uint64_t nanosToFill = (missing + rate_ - 1) / rate_;
  if (elapsed >= nanosToFill) return cap;
  return tokens_ + elapsed * rate_;
}

bool TokenBucket::tryTake(Timestamp now) noexcept {
  if (rate_ == 0) return true;
  tokens_ = unitsAt(now);
  if (!started_ || now > lastRefill_) lastRefill_ = now;
  started_ = true;
  if (tokens_ < kUnitsPerToken) return false;
  tokens_ -= kUnitsPerToken;
  return true;
}

std::uint32_t TokenBucket::tokensAt(Timestamp now) const noexcept {
  if (rate_ == 0) return 0;
  return static_cast<std::uint32_t>(unitsAt(now) / kUnitsPerToken);
}

void TokenBucket::save(ByteWriter& out) const {
  out.u32(rate_);
  out.u32(burst_);
  out.u64(tokens_);
  out.i64(lastRefill_.nanos());
  out.boolean(started_);
}

void TokenBucket::load(ByteReader& in) noexcept {
  TokenBucket b;
  b.rate_ = in.u32();
  b.burst_ = in.u32();
  b.tokens_ = in.u64();
  b.lastRefill_ = Timestamp{in.i64()};
  b.started_ = in.boolean();
  // Only states configure() and tryTake() can produce: otherwise the snapshot is corrupt.
  const bool consistent =
      (b.rate_ == 0) ? (b.burst_ == 0 && b.tokens_ == 0 && !b.started_) : (b.burst_ != 0 && b.tokens_ <= b.capacity());
  if (in.ok() && !consistent) in.fail();
  if (in.ok()) *this = b;
}

}  // namespace alphintra::risk
