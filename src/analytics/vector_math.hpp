// Branch-free exp, log and the standard normal distribution, written so that GCC vectorizes a loop
// that calls them: no libm call, no table lookup, no branch (ternaries become blends), integer
// work through std::bit_cast on 64-bit lanes with shifts, adds and masks only (no int64<->double
// conversion, which AVX2 lacks). Used by black_scholes_batch.cpp; every function is inline so
// that it is compiled for the target of its caller (target_clones there).
//
// The polynomial and rational coefficients are weighted minimax fits reproduced by
// src/analytics/tools/fit_vector_math.py, which also prints their errors after rounding to double.
// Accuracy (checked against libm and long-double erfc in black_scholes_batch_test.cpp):
//   exp      Cody–Waite reduction by ln 2, e^r = 1 + r + r^2 P(r) with P of degree 9: within
//            ~1 ulp (the polynomial's own relative error is 1.1e-17). exp: arguments below -746
//            give +0, above 709.8 give +inf, NaN gives NaN. expNormalRange: arguments clamped to
//            [-708, 708] (one scaling instead of two); for the discount and growth factors.
//   log      x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m - 1)/(m + 1),
//            as 2s + s z P(z), z = s^2, P of degree 6 (relative error 1.7e-18): within ~1 ulp,
//            full relative precision near x = 1. x must be > 0 and finite (subnormals are
//            handled); other inputs give a finite meaningless value.
//   normal   N(-y) = exp(-y^2/2) R(y) for 0 <= y <= sqrt(32), R a degree-8/8 rational (relative
//            error 3.6e-17), one form for the centre and both tails; beyond sqrt(32) W. J. Cody's
//            asymptotic form (Math. Comp. 23, 1969; the ANORM routine of SPECFUN). The Gaussian
//            factor keeps full relative precision because y^2 is split exactly. normalCdfNear
//            evaluates the first form only (|x| <= sqrt(32)), so that a caller that knows a block
//            of arguments lies there skips the asymptotic one; gaussianNear likewise skips the
//            scaling for the subnormal range. On their range both equal the full-range functions
//            bit for bit. Full relative precision in the lower tail down to the subnormals
//            (N(-37) ~ 6e-300).
// Plain functions of their arguments: no state, any thread.
#pragma once

#include <bit>
#include <cstdint>
#include <numbers>

namespace alphintra::analytics::vecmath {

// |x| beyond which the normal distribution takes its asymptotic form.
inline constexpr double kNormalNearLimit = 5.656854249492380195206754896838792;  // sqrt(32)

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

inline constexpr double kInvSqrt2Pi = std::numbers::inv_sqrtpi / std::numbers::sqrt2;

// e^r for |r| <= ln2/2 (+ the rounding of the reduction): 1 + r + r^2 P(r), P minimax.
inline double expReduced(double r) noexcept {
  double p = 2.4998130863036435e-08;
  p = p * r + 2.762968192130673e-07;
  p = p * r + 2.7557590556322734e-06;
  p = p * r + 2.480149489933048e-05;
  p = p * r + 0.0001984126950501963;
  p = p * r + 0.0013888888941629295;
  p = p * r + 0.008333333333493032;
  p = p * r + 0.041666666666539134;
  p = p * r + 0.1666666666666642;
  p = p * r + 0.5000000000000009;
  return 1.0 + (r + r * r * p);
}

// k = round((hi + lo) / ln 2) and r = hi + lo - k ln 2, with lo entering r after the exact part.
struct Reduced {
  double k, r;
};
inline Reduced reduce(double hi, double lo) noexcept {
  const double k = roundToInteger((hi + lo) * std::numbers::log2e);
  return {k, ((hi - k * kLn2Hi) - k * kLn2Lo) + lo};
}

}  // namespace detail

// e^(hi + lo) for a sum that is not representable (like -x^2/2 split exactly): lo enters the
// reduced argument, so that the result keeps the precision of the exact sum.
inline double expSum(double hi, double lo) noexcept {
  using namespace detail;
  const double x = hi < -746.0 ? -746.0 : (hi > 709.8 ? 709.8 : hi);
  const auto [k, r] = reduce(x, lo);  // |k| <= 1077
  // 2^k in two factors so that results in the subnormal range and up to the overflow keep
  // both factors' exponents representable.
  const double k1 = roundToInteger(k * 0.5);
  return expReduced(r) * pow2(k1) * pow2(k - k1);
}

inline double exp(double x) noexcept { return expSum(x, 0.0); }

inline double expNormalRange(double x) noexcept {
  using namespace detail;
  const double xc = x < -708.0 ? -708.0 : (x > 708.0 ? 708.0 : x);
  const auto [k, r] = reduce(xc, 0.0);  // |k| <= 1022
  return expReduced(r) * pow2(k);
}

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
  // log(1 + f) = 2s + s z P(z)
  double q = 0.1477709249548694;
  q = q * z + 0.15316058128090018;
  q = q * z + 0.1818347986078101;
  q = q * z + 0.22222200347913695;
  q = q * z + 0.2857142872310543;
  q = q * z + 0.3999999999951455;
  q = q * z + 0.6666666666666716;
  const double rest = z * q;
  // 2s = f - s f, so log(1 + f) = f - s (f - z P): f is exact and the correction is below f / 2.
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

// gaussian(y) for 0 <= y <= sqrt(32) (an exponent down to -16): the same split, one scaling.
inline double gaussianNear(double y) noexcept {
  using namespace detail;
  const double h = roundToInteger(y * 16.0) * 0.0625;
  const auto [k, r] = reduce(-0.5 * (h * h), -0.5 * ((y - h) * (y + h)));
  return expReduced(r) * pow2(k);
}

inline double normalPdf(double x) noexcept { return gaussian(x < 0.0 ? -x : x) * detail::kInvSqrt2Pi; }

// N(-y) / exp(-y^2/2) for 0 <= y <= sqrt(32) (larger y are clamped, so any y >= 0 is safe).
inline double millsRatio(double y) noexcept {
  const double ym = y > kNormalNearLimit ? kNormalNearLimit : y;
  double p = 1.4221011670603596e-12;
  p = p * ym + 1.5228094594823649e-05;
  p = p * ym + 0.000360333221562802;
  p = p * ym + 0.003981150021062357;
  p = p * ym + 0.026488656930476653;
  p = p * ym + 0.11464203221966753;
  p = p * ym + 0.32513861144259815;
  p = p * ym + 0.5680235730863226;
  p = p * ym + 0.5;
  double q = 3.8171404380804264e-05;
  q = q * ym + 0.0009032141391019942;
  q = q * ym + 0.010017583058243601;
  q = q * ym + 0.06729824074326438;
  q = q * ym + 0.2972929717282603;
  q = q * ym + 0.8793627702676571;
  q = q * ym + 1.6933314735281753;
  q = q * ym + 1.933931706975508;
  q = q * ym + 1.0;
  return p / q;
}

// N(-y) / exp(-y^2/2) for y >= sqrt(32) (smaller y clamped): Cody's 1/sqrt(2 pi) - w P(w) / Q(w)
// over y, w = 1/y^2, both polynomials multiplied through by u^5, u = y^2, so that no division by
// u is needed: (c u Qu(u) - Pu(u)) / (u y Qu(u)). y clamped to 40 above (the Gaussian is 0 there).
inline double asymptoticRatio(double y) noexcept {
  const double yl = y < kNormalNearLimit ? kNormalNearLimit : (y > 40.0 ? 40.0 : y);
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
  return (detail::kInvSqrt2Pi * u * qu - pu) / (u * yl * qu);
}

// N(x) given g = gaussian(|x|), for |x| <= sqrt(32) only.
inline double normalCdfNear(double x, double g) noexcept {
  const double tail = g * millsRatio(x < 0.0 ? -x : x);  // N(-|x|)
  return x > 0.0 ? 1.0 - tail : tail;
}

// N(x) given g = gaussian(|x|) (shared with the density by callers that need both), any x.
inline double normalCdf(double x, double g) noexcept {
  const double y = x < 0.0 ? -x : x;
  const double ratio = y <= kNormalNearLimit ? millsRatio(y) : asymptoticRatio(y);
  const double tail = g * ratio;  // N(-y)
  return x > 0.0 ? 1.0 - tail : tail;
}

inline double normalCdf(double x) noexcept { return normalCdf(x, gaussian(x < 0.0 ? -x : x)); }

}  // namespace alphintra::analytics::vecmath
