// Branch-free exp, log and the standard normal distribution, written so that GCC vectorizes a loop
// that calls them: no libm call, no table lookup, no branch (ternaries become blends), integer
// work through std::bit_cast on 64-bit lanes with shifts, adds and masks only (no int64<->double
// conversion, which AVX2 lacks). Used by black_scholes_batch.cpp; every function is inline so that
// it is compiled for the target of its caller (target_clones there).
//
// Accuracy (checked against libm in black_scholes_batch_test.cpp):
//   exp      Cody–Waite reduction by ln 2, degree-13 Taylor polynomial: within ~1 ulp. Arguments
//            below -746 give +0, above 709.8 give +inf; NaN gives NaN.
//   log      x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(f / (2 + f)) by its series
//            to z^10: within ~1 ulp, full relative precision near x = 1. x must be > 0 and finite
//            (subnormals are handled); other inputs give a finite meaningless value.
//   normal   W. J. Cody's rational Chebyshev approximations of the normal distribution
//            (Math. Comp. 23, 1969; the ANORM routine of SPECFUN), all three ranges evaluated and
//            the right numerator and denominator selected before the one division; the Gaussian
//            factor exp(-x^2/2) keeps full relative precision because x^2 is split exactly. Full
//            relative precision in the lower tail down to the subnormals (N(-37) ~ 6e-300).
// Plain functions of their arguments: no state, any thread.
#pragma once

#include <bit>
#include <cstdint>
#include <numbers>

namespace alphintra::analytics::vecmath {

namespace detail {

// Adding then subtracting 1.5 * 2^52 rounds a double of magnitude < 2^51 to the nearest integer,
// and leaves that integer in the low mantissa bits of the sum.
inline constexpr double kRoundMagic = 0x1.8p52;

inline double roundToInteger(double x) noexcept { return (x + kRoundMagic) - kRoundMagic; }

// 2^k for an integer-valued k in [-1022, 1023]: k + 1023 lands in the low 11 mantissa bits of
// k + (1.5 * 2^52 + 1023); shifted left by 52 they become the exponent field.
inline double pow2(double k) noexcept {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(k + (kRoundMagic + 1023.0)) << 52);
}

// ln 2 = kLn2Hi + kLn2Lo, kLn2Hi with 32 trailing zero bits, so that k * kLn2Hi is exact for
// |k| < 2^20.
inline constexpr double kLn2Hi = 0x1.62e42feep-1;
inline constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;

constexpr double inverseFactorial(int n) noexcept {
  double f = 1.0;
  for (int i = 2; i <= n; ++i) f *= i;
  return 1.0 / f;
}

}  // namespace detail

// e^(hi + lo) for a sum that is not representable (like -x^2/2 split exactly): lo enters the
// reduced argument, so that the result keeps the precision of the exact sum.
inline double expSum(double hi, double lo) noexcept {
  using namespace detail;
  const double x = hi < -746.0 ? -746.0 : (hi > 709.8 ? 709.8 : hi);
  const double k = roundToInteger((x + lo) * std::numbers::log2e);  // |k| <= 1077
  const double r = ((x - k * kLn2Hi) - k * kLn2Lo) + lo;            // |r| <= ln2 / 2 + rounding
  // e^r = 1 + r + r^2 (1/2! + r/3! + ... + r^11/13!); truncation below 5e-18 for |r| <= 0.35.
  double p = inverseFactorial(13);
  p = p * r + inverseFactorial(12);
  p = p * r + inverseFactorial(11);
  p = p * r + inverseFactorial(10);
  p = p * r + inverseFactorial(9);
  p = p * r + inverseFactorial(8);
  p = p * r + inverseFactorial(7);
  p = p * r + inverseFactorial(6);
  p = p * r + inverseFactorial(5);
  p = p * r + inverseFactorial(4);
  p = p * r + inverseFactorial(3);
  p = p * r + 0.5;
  const double er = 1.0 + (r + r * r * p);
  // 2^k in two factors so that results in the subnormal range and up to the overflow keep
  // both factors' exponents representable.
  const double k1 = roundToInteger(k * 0.5);
  return er * pow2(k1) * pow2(k - k1);
}

inline double exp(double x) noexcept { return expSum(x, 0.0); }

inline double log(double x) noexcept {
  using namespace detail;
  const bool subnormal = x < 0x1p-1022;
  const double xn = x * (subnormal ? 0x1p54 : 1.0);
  // Offsetting the bits by those of 1 minus those of sqrt(1/2) moves the exponent boundary to
  // sqrt(1/2): the exponent field of `shifted` is e + 1023 and its mantissa that of m.
  constexpr std::uint64_t kSqrtHalfBits = 0x3fe6a09e667f3bcdULL;
  constexpr std::uint64_t kOneBits = 0x3ff0000000000000ULL;
  constexpr std::uint64_t kMantissa = 0x000fffffffffffffULL;
  const std::uint64_t shifted = std::bit_cast<std::uint64_t>(xn) + (kOneBits - kSqrtHalfBits);
  const double biasedExponent = std::bit_cast<double>((shifted >> 52) | 0x4330000000000000ULL) - 0x1p52;
  const double e = biasedExponent - (subnormal ? 1023.0 + 54.0 : 1023.0);
  const double m = std::bit_cast<double>((shifted & kMantissa) + kSqrtHalfBits);
  const double f = m - 1.0;  // exact
  const double s = f / (2.0 + f);
  const double z = s * s;  // <= 0.0295
  // log(1 + f) = 2 atanh(s) = 2s + s R with R = sum_k 2 z^k / (2k + 1); the first omitted
  // term is below 7e-19 relative.
  double q = 2.0 / 21.0;
  q = q * z + 2.0 / 19.0;
  q = q * z + 2.0 / 17.0;
  q = q * z + 2.0 / 15.0;
  q = q * z + 2.0 / 13.0;
  q = q * z + 2.0 / 11.0;
  q = q * z + 2.0 / 9.0;
  q = q * z + 2.0 / 7.0;
  q = q * z + 2.0 / 5.0;
  q = q * z + 2.0 / 3.0;
  const double rest = z * q;
  // 2s = f - s f, so log(1 + f) = f - s (f - R): f is exact and the correction is below f / 2.
  const double log1pf = f - s * (f - rest);
  return e * kLn2Hi + (e * kLn2Lo + log1pf);
}

// exp(-y^2 / 2) for y >= 0 with full relative precision: y = h + (y - h) with h a multiple of
// 1/16, so that h^2 / 2 is exact and the rest (y - h)(y + h) / 2 is small. Zero beyond y = 40
// (the true value is below the smallest subnormal from y ~ 38.6).
inline double gaussian(double y) noexcept {
  const double yc = y > 40.0 ? 40.0 : y;
  const double h = detail::roundToInteger(yc * 16.0) * 0.0625;
  const double rest = (yc - h) * (yc + h);
  return expSum(-0.5 * (h * h), -0.5 * rest);
}

inline double normalPdf(double x) noexcept {
  return gaussian(x < 0.0 ? -x : x) * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
}

// N(x), given g = gaussian(|x|) (shared with the density by callers that need both).
inline double normalCdf(double x, double g) noexcept {
  const double y = x < 0.0 ? -x : x;
  constexpr double kSmall = 0.66291;  // N(kSmall) ~ 0.75: below, N = 1/2 + x P(x^2) / Q(x^2)
  constexpr double kRoot32 = 5.656854249492380195206754896838792;  // sqrt(32): above, asymptotic form

  // |x| <= 0.66291
  const double xsq = x * x;
  double n1 = 0.065682337918207449113 * xsq + 2.2352520354606839287;
  n1 = n1 * xsq + 161.02823106855587881;
  n1 = n1 * xsq + 1067.6894854603709582;
  n1 = n1 * xsq + 18154.981253343561249;
  double d1 = xsq + 47.20258190468824187;
  d1 = d1 * xsq + 976.09855173777669322;
  d1 = d1 * xsq + 10260.932208618978205;
  d1 = d1 * xsq + 45507.789335026729956;
  n1 *= x;

  // 0.66291 < |x| <= sqrt(32): upper tail = g P(y) / Q(y); y clamped so that no lane overflows.
  const double ym = y > kRoot32 ? kRoot32 : y;
  double n2 = 1.0765576773720192317e-8 * ym + 0.39894151208813466764;
  n2 = n2 * ym + 8.8831497943883759412;
  n2 = n2 * ym + 93.506656132177855979;
  n2 = n2 * ym + 597.27027639480026226;
  n2 = n2 * ym + 2494.5375852903726711;
  n2 = n2 * ym + 6848.1904505362823326;
  n2 = n2 * ym + 11602.651437647350124;
  n2 = n2 * ym + 9842.7148383839780218;
  double d2 = ym + 22.266688044328115691;
  d2 = d2 * ym + 235.38790178262499861;
  d2 = d2 * ym + 1519.377599407554805;
  d2 = d2 * ym + 6485.558298266760755;
  d2 = d2 * ym + 18615.571640885098091;
  d2 = d2 * ym + 34900.952721145977266;
  d2 = d2 * ym + 38912.003286093271411;
  d2 = d2 * ym + 19685.429676859990727;

  // |x| > sqrt(32): upper tail = g (1/sqrt(2 pi) - w P(w) / Q(w)) / y with w = 1 / y^2. Both
  // polynomials are multiplied through by u^5, u = y^2, so that no division by u is needed:
  // tail = g (c u Qu(u) - Pu(u)) / (u y Qu(u)). y clamped to [sqrt(32), 40] (g is 0 beyond).
  const double yl = y < kRoot32 ? kRoot32 : (y > 40.0 ? 40.0 : y);
  const double u = yl * yl;
  double pu = 2.9112874951168792e-5 * u + 0.001421619193227893466;  // highest power first
  pu = pu * u + 0.022235277870649807;
  pu = pu * u + 0.1274011611602473639;
  pu = pu * u + 0.21589853405795699;
  pu = pu * u + 0.02307344176494017303;
  double qu = 7.29751555083966205e-5 * u + 0.00378239633202758244;
  qu = qu * u + 0.0659881378689285515;
  qu = qu * u + 0.468238212480865118;
  qu = qu * u + 1.28426009614491121;
  qu = qu * u + 1.0;
  const double n3 = (std::numbers::inv_sqrtpi / std::numbers::sqrt2) * u * qu - pu;
  const double d3 = u * yl * qu;

  const bool small = y <= kSmall;
  const bool middle = y <= kRoot32;
  const double ratio = (small ? n1 : (middle ? n2 : n3)) / (small ? d1 : (middle ? d2 : d3));
  const double tail = g * ratio;  // N(-y)
  const double central = 0.5 + ratio;
  const double upper = 1.0 - tail;
  return small ? central : (x > 0.0 ? upper : tail);
}

inline double normalCdf(double x) noexcept { return normalCdf(x, gaussian(x < 0.0 ? -x : x)); }

}  // namespace alphintra::analytics::vecmath
