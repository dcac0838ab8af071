// Semantics of the Wasm 2.0 fixed-width SIMD instructions as pure functions
// on a 16-byte value, ready for the interpreter (and a reference for the
// JIT). Every function has exactly the spec's result, including NaN, -0,
// rounding and saturation rules; nothing here is "relaxed".
//
// Two implementations share one interface:
//   - portable scalar code, lane by lane (always compiled: simd::scalar);
//   - SSE4.1 intrinsics for the operations where x86 has a direct,
//     branch-free equivalent, used when the translation unit is built with
//     SSE4.1 (__SSE4_1__, or MYWASM_SIMD_FORCE_SSE41 under a target pragma,
//     which is how the tests compile both paths). The interpreter gets it
//     from the MYWASM_INTERP_SSE41 CMake option (engine/CMakeLists.txt: on
//     by default on x86-64 build hosts with SSE4.1); other hosts, AArch64
//     included, run the portable code, which compilers auto-vectorise.
// Everything lives in an inline namespace named after the path, so
// translation units compiled for different ISAs never share (ODR-merge) a
// definition.
//
// Float NaN results: arithmetic (add, sqrt, ...) yields whatever quiet NaN
// the FPU produces; min/max yield the canonical NaN. Both are "arithmetic
// NaNs" as the spec requires, and a canonical result for canonical inputs.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__SSE4_1__) || defined(MYWASM_SIMD_FORCE_SSE41)
#define MYWASM_SIMD_SSE41 1
#include <smmintrin.h>
#else
#define MYWASM_SIMD_SSE41 0
#endif

namespace mywasm::interp::simd {
#if MYWASM_SIMD_SSE41
inline namespace sse41 {
#else
inline namespace portable {
#endif

struct alignas(16) V128 {
  uint8_t bytes[16] = {};
  bool operator==(const V128& o) const { return std::memcmp(bytes, o.bytes, 16) == 0; }
};

// ---------------------------------------------------------------- lanes
template <class L> inline L lane(const V128& v, unsigned i) {
  L x;
  std::memcpy(&x, v.bytes + i * sizeof(L), sizeof(L));
  return x;
}
template <class L> inline void set_lane(V128& v, unsigned i, L x) { std::memcpy(v.bytes + i * sizeof(L), &x, sizeof(L)); }
template <class L> constexpr unsigned kLanes = 16 / sizeof(L);

template <class L, class F> inline V128 map1(const V128& a, F f) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) set_lane<L>(r, i, static_cast<L>(f(lane<L>(a, i))));
  return r;
}
template <class L, class F> inline V128 map2(const V128& a, const V128& b, F f) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) set_lane<L>(r, i, static_cast<L>(f(lane<L>(a, i), lane<L>(b, i))));
  return r;
}
// Comparison: all ones where pred holds. The mask type is the unsigned
// integer of the lane's width (floats compare as floats).
template <class L> using MaskOf = std::conditional_t<sizeof(L) == 1, uint8_t,
                                  std::conditional_t<sizeof(L) == 2, uint16_t,
                                  std::conditional_t<sizeof(L) == 4, uint32_t, uint64_t>>>;
template <class L, class P> inline V128 compare(const V128& a, const V128& b, P pred) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) {
    set_lane<MaskOf<L>>(r, i, pred(lane<L>(a, i), lane<L>(b, i)) ? MaskOf<L>(~MaskOf<L>(0)) : MaskOf<L>(0));
  }
  return r;
}

template <class L> inline V128 splat(L x) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) set_lane<L>(r, i, x);
  return r;
}

// ---------------------------------------------------------------- scalar helpers
namespace detail {

template <class T> constexpr T sat(int64_t x) {
  constexpr int64_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  return static_cast<T>(x < lo ? lo : x > hi ? hi : x);
}
template <class F> using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <class F> constexpr Bits<F> kSign = Bits<F>(1) << (sizeof(F) * 8 - 1);
template <class F> inline F canonical_nan() { return std::numeric_limits<F>::quiet_NaN(); }

template <class F> inline F fmin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return canonical_nan<F>();
  if (a == b) return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) | std::bit_cast<Bits<F>>(b));  // -0 wins
  return a < b ? a : b;
}
template <class F> inline F fmax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return canonical_nan<F>();
  if (a == b) return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) & std::bit_cast<Bits<F>>(b));  // +0 wins
  return a > b ? a : b;
}
// pmin/pmax are defined by a single comparison, so a NaN in `a` passes
// through unchanged and -0/+0 pick the first operand.
template <class F> inline F pmin(F a, F b) { return b < a ? b : a; }
template <class F> inline F pmax(F a, F b) { return a < b ? b : a; }
// Rounding; NaNs go through an FPU add so that they come back quiet.
template <class F> inline F fceil(F a) { return std::isnan(a) ? a + a : std::ceil(a); }
template <class F> inline F ffloor(F a) { return std::isnan(a) ? a + a : std::floor(a); }
template <class F> inline F ftrunc(F a) { return std::isnan(a) ? a + a : std::trunc(a); }
// Ties to even (roundeven), independent of the current rounding mode.
template <class F> inline F fnearest(F a) {
  if (std::isnan(a)) return a + a;
  F r = std::round(a);  // ties away from zero
  if (std::fabs(r - a) == F(0.5)) r = F(2) * std::round(a / F(2));
  return std::copysign(r, a);  // keep -0 for (-0.5, -0]
}
template <class F> inline F fabs_(F a) { return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) & ~kSign<F>); }
template <class F> inline F fneg(F a) { return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) ^ kSign<F>); }

// Saturating float -> int32 (NaN -> 0).
template <class I, class F> inline I trunc_sat(F x) {
  if (std::isnan(x)) return 0;
  double t = std::trunc(static_cast<double>(x));
  constexpr double lo = static_cast<double>(std::numeric_limits<I>::min());
  constexpr double hi = static_cast<double>(std::numeric_limits<I>::max());
  if (t < lo) return std::numeric_limits<I>::min();
  if (t > hi) return std::numeric_limits<I>::max();
  return static_cast<I>(t);
}

}  // namespace detail

// ============================================================== portable
// Every operation, lane by lane. Names follow the mnemonics.
namespace scalar {
using namespace detail;

// bitwise
inline V128 v128_not(const V128& a) { return map1<uint64_t>(a, [](uint64_t x) { return ~x; }); }
inline V128 v128_and(const V128& a, const V128& b) { return map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & y; }); }
inline V128 v128_andnot(const V128& a, const V128& b) { return map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & ~y; }); }
inline V128 v128_or(const V128& a, const V128& b) { return map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x | y; }); }
inline V128 v128_xor(const V128& a, const V128& b) { return map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x ^ y; }); }
inline V128 v128_bitselect(const V128& a, const V128& b, const V128& c) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) {
    uint64_t m = lane<uint64_t>(c, i);
    set_lane<uint64_t>(r, i, (lane<uint64_t>(a, i) & m) | (lane<uint64_t>(b, i) & ~m));
  }
  return r;
}
inline bool v128_any_true(const V128& a) { return (lane<uint64_t>(a, 0) | lane<uint64_t>(a, 1)) != 0; }

// integer lane-wise arithmetic, generic over the lane type
template <class L> inline V128 add(const V128& a, const V128& b) { return map2<L>(a, b, [](L x, L y) { return L(x + y); }); }
template <class L> inline V128 sub(const V128& a, const V128& b) { return map2<L>(a, b, [](L x, L y) { return L(x - y); }); }
template <class L> inline V128 mul(const V128& a, const V128& b) {
  using U = std::make_unsigned_t<L>;
  return map2<U>(a, b, [](U x, U y) { return U(uint64_t(x) * uint64_t(y)); });
}
template <class L> inline V128 neg(const V128& a) {
  using U = std::make_unsigned_t<L>;
  return map1<U>(a, [](U x) { return U(U(0) - x); });
}
template <class L> inline V128 abs(const V128& a) {  // wraps: abs(MIN) == MIN
  using U = std::make_unsigned_t<L>;
  return map1<L>(a, [](L x) { return L(x < 0 ? U(U(0) - U(x)) : U(x)); });
}
template <class L> inline V128 add_sat(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return sat<L>(int64_t(x) + int64_t(y)); });
}
template <class L> inline V128 sub_sat(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return sat<L>(int64_t(x) - int64_t(y)); });
}
template <class L> inline V128 min(const V128& a, const V128& b) { return map2<L>(a, b, [](L x, L y) { return x < y ? x : y; }); }
template <class L> inline V128 max(const V128& a, const V128& b) { return map2<L>(a, b, [](L x, L y) { return x > y ? x : y; }); }
template <class L> inline V128 avgr_u(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return L((uint32_t(x) + uint32_t(y) + 1) >> 1); });
}
// Shift counts are taken modulo the lane width.
template <class L> inline V128 shl(const V128& a, uint32_t n) {
  using U = std::make_unsigned_t<L>;
  unsigned s = n & (sizeof(L) * 8 - 1);
  return map1<U>(a, [s](U x) { return U(x << s); });
}
template <class L> inline V128 shr(const V128& a, uint32_t n) {  // signed L: arithmetic
  unsigned s = n & (sizeof(L) * 8 - 1);
  return map1<L>(a, [s](L x) { return L(x >> s); });
}
inline V128 i8x16_popcnt(const V128& a) { return map1<uint8_t>(a, [](uint8_t x) { return std::popcount(x); }); }
template <class L> inline bool all_true(const V128& a) {
  for (unsigned i = 0; i < kLanes<L>; ++i)
    if (lane<L>(a, i) == 0) return false;
  return true;
}
template <class L> inline uint32_t bitmask(const V128& a) {  // L signed
  uint32_t m = 0;
  for (unsigned i = 0; i < kLanes<L>; ++i) m |= uint32_t(lane<L>(a, i) < 0) << i;
  return m;
}
inline V128 i16x8_q15mulr_sat_s(const V128& a, const V128& b) {
  return map2<int16_t>(a, b, [](int16_t x, int16_t y) { return sat<int16_t>((int32_t(x) * y + 0x4000) >> 15); });
}
inline V128 i32x4_dot_i16x8_s(const V128& a, const V128& b) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) {
    int64_t s = int64_t(lane<int16_t>(a, 2 * i)) * lane<int16_t>(b, 2 * i) +
                int64_t(lane<int16_t>(a, 2 * i + 1)) * lane<int16_t>(b, 2 * i + 1);
    set_lane<uint32_t>(r, i, uint32_t(s));  // wraps for (-32768)^2 * 2
  }
  return r;
}

// comparisons: integer L decides signedness, float L compares IEEE-style
template <class L> inline V128 eq(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x == y; }); }
template <class L> inline V128 ne(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x != y; }); }
template <class L> inline V128 lt(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x < y; }); }
template <class L> inline V128 gt(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x > y; }); }
template <class L> inline V128 le(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x <= y; }); }
template <class L> inline V128 ge(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x >= y; }); }

// narrowing (saturating) and widening
template <class Wide, class Narrow> inline V128 narrow(const V128& a, const V128& b) {
  V128 r;
  constexpr unsigned n = kLanes<Wide>;
  for (unsigned i = 0; i < n; ++i) {
    set_lane<Narrow>(r, i, sat<Narrow>(lane<Wide>(a, i)));
    set_lane<Narrow>(r, n + i, sat<Narrow>(lane<Wide>(b, i)));
  }
  return r;
}
// Narrow is signed or unsigned; Wide its widened form. high selects the upper half.
template <class Narrow, class Wide> inline V128 extend(const V128& a, bool high) {
  V128 r;
  constexpr unsigned n = kLanes<Wide>;
  for (unsigned i = 0; i < n; ++i) set_lane<Wide>(r, i, Wide(lane<Narrow>(a, (high ? n : 0) + i)));
  return r;
}
template <class Narrow, class Wide> inline V128 extmul(const V128& a, const V128& b, bool high) {
  V128 r;
  constexpr unsigned n = kLanes<Wide>;
  for (unsigned i = 0; i < n; ++i) {
    unsigned k = (high ? n : 0) + i;
    set_lane<Wide>(r, i, Wide(Wide(lane<Narrow>(a, k)) * Wide(lane<Narrow>(b, k))));
  }
  return r;
}
template <class Narrow, class Wide> inline V128 extadd_pairwise(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < kLanes<Wide>; ++i) set_lane<Wide>(r, i, Wide(Wide(lane<Narrow>(a, 2 * i)) + Wide(lane<Narrow>(a, 2 * i + 1))));
  return r;
}

// float lane-wise arithmetic
template <class F> inline V128 fadd(const V128& a, const V128& b) { return map2<F>(a, b, [](F x, F y) { return x + y; }); }
template <class F> inline V128 fsub(const V128& a, const V128& b) { return map2<F>(a, b, [](F x, F y) { return x - y; }); }
template <class F> inline V128 fmul(const V128& a, const V128& b) { return map2<F>(a, b, [](F x, F y) { return x * y; }); }
template <class F> inline V128 fdiv(const V128& a, const V128& b) { return map2<F>(a, b, [](F x, F y) { return x / y; }); }
template <class F> inline V128 fsqrt(const V128& a) { return map1<F>(a, [](F x) { return std::sqrt(x); }); }
template <class F> inline V128 fmin(const V128& a, const V128& b) { return map2<F>(a, b, detail::fmin<F>); }
template <class F> inline V128 fmax(const V128& a, const V128& b) { return map2<F>(a, b, detail::fmax<F>); }
template <class F> inline V128 fpmin(const V128& a, const V128& b) { return map2<F>(a, b, detail::pmin<F>); }
template <class F> inline V128 fpmax(const V128& a, const V128& b) { return map2<F>(a, b, detail::pmax<F>); }
template <class F> inline V128 fabs(const V128& a) { return map1<F>(a, detail::fabs_<F>); }
template <class F> inline V128 fneg(const V128& a) { return map1<F>(a, detail::fneg<F>); }
template <class F> inline V128 fceil(const V128& a) { return map1<F>(a, detail::fceil<F>); }
template <class F> inline V128 ffloor(const V128& a) { return map1<F>(a, detail::ffloor<F>); }
template <class F> inline V128 ftrunc(const V128& a) { return map1<F>(a, detail::ftrunc<F>); }
template <class F> inline V128 fnearest(const V128& a) { return map1<F>(a, detail::fnearest<F>); }

// conversions: the first N lanes of type From, converted, into lanes of
// type To (the rest zero); the float-to-int ones saturate.
template <class From, class To, unsigned N, bool kSat = false> inline V128 convert_lanes(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < N; ++i) {
    if constexpr (kSat) set_lane<To>(r, i, trunc_sat<To>(lane<From>(a, i)));
    else set_lane<To>(r, i, To(lane<From>(a, i)));
  }
  return r;
}
inline V128 i32x4_trunc_sat_f32x4_s(const V128& a) { return convert_lanes<float, int32_t, 4, true>(a); }
inline V128 i32x4_trunc_sat_f32x4_u(const V128& a) { return convert_lanes<float, uint32_t, 4, true>(a); }
inline V128 i32x4_trunc_sat_f64x2_s_zero(const V128& a) { return convert_lanes<double, int32_t, 2, true>(a); }
inline V128 i32x4_trunc_sat_f64x2_u_zero(const V128& a) { return convert_lanes<double, uint32_t, 2, true>(a); }
inline V128 f32x4_convert_i32x4_s(const V128& a) { return convert_lanes<int32_t, float, 4>(a); }
inline V128 f32x4_convert_i32x4_u(const V128& a) { return convert_lanes<uint32_t, float, 4>(a); }
inline V128 f64x2_convert_low_i32x4_s(const V128& a) { return convert_lanes<int32_t, double, 2>(a); }
inline V128 f64x2_convert_low_i32x4_u(const V128& a) { return convert_lanes<uint32_t, double, 2>(a); }
inline V128 f32x4_demote_f64x2_zero(const V128& a) { return convert_lanes<double, float, 2>(a); }
inline V128 f64x2_promote_low_f32x4(const V128& a) { return convert_lanes<float, double, 2>(a); }

// shuffles
inline V128 i8x16_swizzle(const V128& a, const V128& idx) {
  V128 r;
  for (unsigned i = 0; i < 16; ++i) r.bytes[i] = idx.bytes[i] < 16 ? a.bytes[idx.bytes[i]] : 0;
  return r;
}
// Lane indices are < 32 (validated).
inline V128 i8x16_shuffle(const V128& a, const V128& b, const uint8_t lanes[16]) {
  V128 r;
  for (unsigned i = 0; i < 16; ++i) r.bytes[i] = lanes[i] < 16 ? a.bytes[lanes[i]] : b.bytes[lanes[i] & 15];
  return r;
}

}  // namespace scalar

// ============================================================== SSE4.1
#if MYWASM_SIMD_SSE41
namespace sse41_impl {
inline __m128i ld(const V128& v) { return _mm_load_si128(reinterpret_cast<const __m128i*>(v.bytes)); }
inline V128 st(__m128i x) {
  V128 r;
  _mm_store_si128(reinterpret_cast<__m128i*>(r.bytes), x);
  return r;
}
inline __m128 ldf(const V128& v) { return _mm_castsi128_ps(ld(v)); }
inline __m128d ldd(const V128& v) { return _mm_castsi128_pd(ld(v)); }
inline V128 stf(__m128 x) { return st(_mm_castps_si128(x)); }
inline V128 std_(__m128d x) { return st(_mm_castpd_si128(x)); }
}  // namespace sse41_impl
#endif

// ============================================================== public API
// The operations the interpreter calls: SSE4.1 where it has an exact
// equivalent, the scalar code everywhere else.
// Generic lane templates and the operations that only have a lane loop.
using scalar::add, scalar::sub, scalar::mul, scalar::neg, scalar::abs, scalar::add_sat, scalar::sub_sat;
using scalar::min, scalar::max, scalar::avgr_u, scalar::shl, scalar::shr, scalar::all_true, scalar::bitmask;
using scalar::eq, scalar::ne, scalar::lt, scalar::gt, scalar::le, scalar::ge;
using scalar::narrow, scalar::extend, scalar::extmul, scalar::extadd_pairwise;
using scalar::fadd, scalar::fsub, scalar::fmul, scalar::fdiv, scalar::fsqrt, scalar::fmin, scalar::fmax;
using scalar::fpmin, scalar::fpmax, scalar::fabs, scalar::fneg, scalar::fceil, scalar::ffloor, scalar::ftrunc;
using scalar::fnearest;
using scalar::i8x16_popcnt, scalar::i16x8_q15mulr_sat_s;
using scalar::i32x4_trunc_sat_f32x4_s, scalar::i32x4_trunc_sat_f32x4_u;
using scalar::i32x4_trunc_sat_f64x2_s_zero, scalar::i32x4_trunc_sat_f64x2_u_zero;
using scalar::f32x4_convert_i32x4_u, scalar::f64x2_convert_low_i32x4_u, scalar::f32x4_demote_f64x2_zero;

#if MYWASM_SIMD_SSE41
using namespace sse41_impl;

inline V128 v128_not(const V128& a) { return st(_mm_xor_si128(ld(a), _mm_set1_epi32(-1))); }
inline V128 v128_and(const V128& a, const V128& b) { return st(_mm_and_si128(ld(a), ld(b))); }
inline V128 v128_andnot(const V128& a, const V128& b) { return st(_mm_andnot_si128(ld(b), ld(a))); }
inline V128 v128_or(const V128& a, const V128& b) { return st(_mm_or_si128(ld(a), ld(b))); }
inline V128 v128_xor(const V128& a, const V128& b) { return st(_mm_xor_si128(ld(a), ld(b))); }
inline V128 v128_bitselect(const V128& a, const V128& b, const V128& c) {
  __m128i m = ld(c);
  return st(_mm_or_si128(_mm_and_si128(ld(a), m), _mm_andnot_si128(m, ld(b))));
}
inline bool v128_any_true(const V128& a) { return !_mm_testz_si128(ld(a), ld(a)); }

inline V128 i8x16_add(const V128& a, const V128& b) { return st(_mm_add_epi8(ld(a), ld(b))); }
inline V128 i16x8_add(const V128& a, const V128& b) { return st(_mm_add_epi16(ld(a), ld(b))); }
inline V128 i32x4_add(const V128& a, const V128& b) { return st(_mm_add_epi32(ld(a), ld(b))); }
inline V128 i64x2_add(const V128& a, const V128& b) { return st(_mm_add_epi64(ld(a), ld(b))); }
inline V128 i8x16_sub(const V128& a, const V128& b) { return st(_mm_sub_epi8(ld(a), ld(b))); }
inline V128 i16x8_sub(const V128& a, const V128& b) { return st(_mm_sub_epi16(ld(a), ld(b))); }
inline V128 i32x4_sub(const V128& a, const V128& b) { return st(_mm_sub_epi32(ld(a), ld(b))); }
inline V128 i64x2_sub(const V128& a, const V128& b) { return st(_mm_sub_epi64(ld(a), ld(b))); }
inline V128 i16x8_mul(const V128& a, const V128& b) { return st(_mm_mullo_epi16(ld(a), ld(b))); }
inline V128 i32x4_mul(const V128& a, const V128& b) { return st(_mm_mullo_epi32(ld(a), ld(b))); }
inline V128 i8x16_add_sat_s(const V128& a, const V128& b) { return st(_mm_adds_epi8(ld(a), ld(b))); }
inline V128 i8x16_add_sat_u(const V128& a, const V128& b) { return st(_mm_adds_epu8(ld(a), ld(b))); }
inline V128 i16x8_add_sat_s(const V128& a, const V128& b) { return st(_mm_adds_epi16(ld(a), ld(b))); }
inline V128 i16x8_add_sat_u(const V128& a, const V128& b) { return st(_mm_adds_epu16(ld(a), ld(b))); }
inline V128 i8x16_sub_sat_s(const V128& a, const V128& b) { return st(_mm_subs_epi8(ld(a), ld(b))); }
inline V128 i8x16_sub_sat_u(const V128& a, const V128& b) { return st(_mm_subs_epu8(ld(a), ld(b))); }
inline V128 i16x8_sub_sat_s(const V128& a, const V128& b) { return st(_mm_subs_epi16(ld(a), ld(b))); }
inline V128 i16x8_sub_sat_u(const V128& a, const V128& b) { return st(_mm_subs_epu16(ld(a), ld(b))); }
inline V128 i8x16_min_s(const V128& a, const V128& b) { return st(_mm_min_epi8(ld(a), ld(b))); }
inline V128 i8x16_min_u(const V128& a, const V128& b) { return st(_mm_min_epu8(ld(a), ld(b))); }
inline V128 i8x16_max_s(const V128& a, const V128& b) { return st(_mm_max_epi8(ld(a), ld(b))); }
inline V128 i8x16_max_u(const V128& a, const V128& b) { return st(_mm_max_epu8(ld(a), ld(b))); }
inline V128 i16x8_min_s(const V128& a, const V128& b) { return st(_mm_min_epi16(ld(a), ld(b))); }
inline V128 i16x8_min_u(const V128& a, const V128& b) { return st(_mm_min_epu16(ld(a), ld(b))); }
inline V128 i16x8_max_s(const V128& a, const V128& b) { return st(_mm_max_epi16(ld(a), ld(b))); }
inline V128 i16x8_max_u(const V128& a, const V128& b) { return st(_mm_max_epu16(ld(a), ld(b))); }
inline V128 i32x4_min_s(const V128& a, const V128& b) { return st(_mm_min_epi32(ld(a), ld(b))); }
inline V128 i32x4_min_u(const V128& a, const V128& b) { return st(_mm_min_epu32(ld(a), ld(b))); }
inline V128 i32x4_max_s(const V128& a, const V128& b) { return st(_mm_max_epi32(ld(a), ld(b))); }
inline V128 i32x4_max_u(const V128& a, const V128& b) { return st(_mm_max_epu32(ld(a), ld(b))); }
inline V128 i8x16_avgr_u(const V128& a, const V128& b) { return st(_mm_avg_epu8(ld(a), ld(b))); }
inline V128 i16x8_avgr_u(const V128& a, const V128& b) { return st(_mm_avg_epu16(ld(a), ld(b))); }
inline V128 i8x16_abs(const V128& a) { return st(_mm_abs_epi8(ld(a))); }
inline V128 i16x8_abs(const V128& a) { return st(_mm_abs_epi16(ld(a))); }
inline V128 i32x4_abs(const V128& a) { return st(_mm_abs_epi32(ld(a))); }
inline V128 i8x16_eq(const V128& a, const V128& b) { return st(_mm_cmpeq_epi8(ld(a), ld(b))); }
inline V128 i16x8_eq(const V128& a, const V128& b) { return st(_mm_cmpeq_epi16(ld(a), ld(b))); }
inline V128 i32x4_eq(const V128& a, const V128& b) { return st(_mm_cmpeq_epi32(ld(a), ld(b))); }
inline V128 i64x2_eq(const V128& a, const V128& b) { return st(_mm_cmpeq_epi64(ld(a), ld(b))); }
inline V128 i8x16_gt_s(const V128& a, const V128& b) { return st(_mm_cmpgt_epi8(ld(a), ld(b))); }
inline V128 i16x8_gt_s(const V128& a, const V128& b) { return st(_mm_cmpgt_epi16(ld(a), ld(b))); }
inline V128 i32x4_gt_s(const V128& a, const V128& b) { return st(_mm_cmpgt_epi32(ld(a), ld(b))); }
inline uint32_t i8x16_bitmask(const V128& a) { return uint32_t(_mm_movemask_epi8(ld(a))); }
inline uint32_t i32x4_bitmask(const V128& a) { return uint32_t(_mm_movemask_ps(ldf(a))); }
inline uint32_t i64x2_bitmask(const V128& a) { return uint32_t(_mm_movemask_pd(ldd(a))); }
// pshufb zeroes a lane when its index has bit 7 set: saturating-add 0x70
// maps every index >= 16 there and keeps 0..15 in the low nibble.
inline V128 i8x16_swizzle(const V128& a, const V128& idx) {
  return st(_mm_shuffle_epi8(ld(a), _mm_adds_epu8(ld(idx), _mm_set1_epi8(0x70))));
}
// Two pshufbs: indices 0..15 pick from a (+0x70 keeps them below 0x80),
// 16..31 from b (-16 maps them to 0..15 and 0..15 to 0xF0.., which zero).
inline V128 i8x16_shuffle(const V128& a, const V128& b, const uint8_t lanes[16]) {
  __m128i l = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lanes));
  __m128i from_a = _mm_shuffle_epi8(ld(a), _mm_adds_epu8(l, _mm_set1_epi8(0x70)));
  __m128i from_b = _mm_shuffle_epi8(ld(b), _mm_sub_epi8(l, _mm_set1_epi8(16)));
  return st(_mm_or_si128(from_a, from_b));
}
// Shifts by a register count, taken modulo the lane width first (the
// instructions themselves would zero or sign-fill for larger counts).
inline __m128i shift_count(uint32_t n, unsigned lane_bits) { return _mm_cvtsi32_si128(int(n & (lane_bits - 1))); }
inline V128 i16x8_shl(const V128& a, uint32_t n) { return st(_mm_sll_epi16(ld(a), shift_count(n, 16))); }
inline V128 i16x8_shr_s(const V128& a, uint32_t n) { return st(_mm_sra_epi16(ld(a), shift_count(n, 16))); }
inline V128 i16x8_shr_u(const V128& a, uint32_t n) { return st(_mm_srl_epi16(ld(a), shift_count(n, 16))); }
inline V128 i32x4_shl(const V128& a, uint32_t n) { return st(_mm_sll_epi32(ld(a), shift_count(n, 32))); }
inline V128 i32x4_shr_s(const V128& a, uint32_t n) { return st(_mm_sra_epi32(ld(a), shift_count(n, 32))); }
inline V128 i32x4_shr_u(const V128& a, uint32_t n) { return st(_mm_srl_epi32(ld(a), shift_count(n, 32))); }
inline V128 i64x2_shl(const V128& a, uint32_t n) { return st(_mm_sll_epi64(ld(a), shift_count(n, 64))); }
inline V128 i64x2_shr_u(const V128& a, uint32_t n) { return st(_mm_srl_epi64(ld(a), shift_count(n, 64))); }
inline V128 i8x16_narrow_i16x8_s(const V128& a, const V128& b) { return st(_mm_packs_epi16(ld(a), ld(b))); }
inline V128 i8x16_narrow_i16x8_u(const V128& a, const V128& b) { return st(_mm_packus_epi16(ld(a), ld(b))); }
inline V128 i16x8_narrow_i32x4_s(const V128& a, const V128& b) { return st(_mm_packs_epi32(ld(a), ld(b))); }
inline V128 i16x8_narrow_i32x4_u(const V128& a, const V128& b) { return st(_mm_packus_epi32(ld(a), ld(b))); }
inline V128 i32x4_dot_i16x8_s(const V128& a, const V128& b) { return st(_mm_madd_epi16(ld(a), ld(b))); }

inline V128 f32x4_add(const V128& a, const V128& b) { return stf(_mm_add_ps(ldf(a), ldf(b))); }
inline V128 f32x4_sub(const V128& a, const V128& b) { return stf(_mm_sub_ps(ldf(a), ldf(b))); }
inline V128 f32x4_mul(const V128& a, const V128& b) { return stf(_mm_mul_ps(ldf(a), ldf(b))); }
inline V128 f32x4_div(const V128& a, const V128& b) { return stf(_mm_div_ps(ldf(a), ldf(b))); }
inline V128 f32x4_sqrt(const V128& a) { return stf(_mm_sqrt_ps(ldf(a))); }
inline V128 f64x2_add(const V128& a, const V128& b) { return std_(_mm_add_pd(ldd(a), ldd(b))); }
inline V128 f64x2_sub(const V128& a, const V128& b) { return std_(_mm_sub_pd(ldd(a), ldd(b))); }
inline V128 f64x2_mul(const V128& a, const V128& b) { return std_(_mm_mul_pd(ldd(a), ldd(b))); }
inline V128 f64x2_div(const V128& a, const V128& b) { return std_(_mm_div_pd(ldd(a), ldd(b))); }
inline V128 f64x2_sqrt(const V128& a) { return std_(_mm_sqrt_pd(ldd(a))); }
// minps(x, y) is "x < y ? x : y", so pmin(a, b) = (b < a ? b : a) = minps(b, a).
inline V128 f32x4_pmin(const V128& a, const V128& b) { return stf(_mm_min_ps(ldf(b), ldf(a))); }
inline V128 f32x4_pmax(const V128& a, const V128& b) { return stf(_mm_max_ps(ldf(b), ldf(a))); }
inline V128 f64x2_pmin(const V128& a, const V128& b) { return std_(_mm_min_pd(ldd(b), ldd(a))); }
inline V128 f64x2_pmax(const V128& a, const V128& b) { return std_(_mm_max_pd(ldd(b), ldd(a))); }
// Wasm min/max: both operand orders of minps, OR-ed (so -0 beats +0) /
// AND-ed for max (+0 beats -0); lanes with a NaN operand become the
// canonical NaN.
inline V128 f32x4_min(const V128& a, const V128& b) {
  __m128 x = ldf(a), y = ldf(b);
  __m128 r = _mm_or_ps(_mm_min_ps(x, y), _mm_min_ps(y, x));
  return stf(_mm_blendv_ps(r, _mm_set1_ps(std::numeric_limits<float>::quiet_NaN()), _mm_cmpunord_ps(x, y)));
}
inline V128 f32x4_max(const V128& a, const V128& b) {
  __m128 x = ldf(a), y = ldf(b);
  __m128 r = _mm_and_ps(_mm_max_ps(x, y), _mm_max_ps(y, x));
  return stf(_mm_blendv_ps(r, _mm_set1_ps(std::numeric_limits<float>::quiet_NaN()), _mm_cmpunord_ps(x, y)));
}
inline V128 f64x2_min(const V128& a, const V128& b) {
  __m128d x = ldd(a), y = ldd(b);
  __m128d r = _mm_or_pd(_mm_min_pd(x, y), _mm_min_pd(y, x));
  return std_(_mm_blendv_pd(r, _mm_set1_pd(std::numeric_limits<double>::quiet_NaN()), _mm_cmpunord_pd(x, y)));
}
inline V128 f64x2_max(const V128& a, const V128& b) {
  __m128d x = ldd(a), y = ldd(b);
  __m128d r = _mm_and_pd(_mm_max_pd(x, y), _mm_max_pd(y, x));
  return std_(_mm_blendv_pd(r, _mm_set1_pd(std::numeric_limits<double>::quiet_NaN()), _mm_cmpunord_pd(x, y)));
}
// roundps quiets NaN inputs and keeps the sign of zero results.
inline V128 f32x4_ceil(const V128& a) { return stf(_mm_round_ps(ldf(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)); }
inline V128 f32x4_floor(const V128& a) { return stf(_mm_round_ps(ldf(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)); }
inline V128 f32x4_trunc(const V128& a) { return stf(_mm_round_ps(ldf(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)); }
inline V128 f32x4_nearest(const V128& a) { return stf(_mm_round_ps(ldf(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
inline V128 f64x2_ceil(const V128& a) { return std_(_mm_round_pd(ldd(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)); }
inline V128 f64x2_floor(const V128& a) { return std_(_mm_round_pd(ldd(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)); }
inline V128 f64x2_trunc(const V128& a) { return std_(_mm_round_pd(ldd(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)); }
inline V128 f64x2_nearest(const V128& a) { return std_(_mm_round_pd(ldd(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
inline V128 f32x4_convert_i32x4_s(const V128& a) { return stf(_mm_cvtepi32_ps(ld(a))); }
inline V128 f64x2_convert_low_i32x4_s(const V128& a) { return std_(_mm_cvtepi32_pd(ld(a))); }
inline V128 f64x2_promote_low_f32x4(const V128& a) { return std_(_mm_cvtps_pd(ldf(a))); }
inline V128 i16x8_extend_low_i8x16_s(const V128& a) { return st(_mm_cvtepi8_epi16(ld(a))); }
inline V128 i16x8_extend_low_i8x16_u(const V128& a) { return st(_mm_cvtepu8_epi16(ld(a))); }
inline V128 i32x4_extend_low_i16x8_s(const V128& a) { return st(_mm_cvtepi16_epi32(ld(a))); }
inline V128 i32x4_extend_low_i16x8_u(const V128& a) { return st(_mm_cvtepu16_epi32(ld(a))); }
inline V128 i64x2_extend_low_i32x4_s(const V128& a) { return st(_mm_cvtepi32_epi64(ld(a))); }
inline V128 i64x2_extend_low_i32x4_u(const V128& a) { return st(_mm_cvtepu32_epi64(ld(a))); }
// Lane i of a replaced by x (replace_lane, load*_lane). A blend in
// registers: writing the lane into the vector in memory would make the next
// 16-byte load of it wait for two stores (store forwarding fails), and
// these come in dependent runs (a gather built lane by lane).
template <class L> inline V128 replace_lane(const V128& a, unsigned i, L x) {
  __m128i sel, val;
  if constexpr (sizeof(L) == 1) {
    sel = _mm_cmpeq_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm_set1_epi8(char(i)));
    val = _mm_set1_epi8(std::bit_cast<char>(x));
  } else if constexpr (sizeof(L) == 2) {
    sel = _mm_cmpeq_epi16(_mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7), _mm_set1_epi16(short(i)));
    val = _mm_set1_epi16(std::bit_cast<short>(x));
  } else if constexpr (sizeof(L) == 4) {
    sel = _mm_cmpeq_epi32(_mm_setr_epi32(0, 1, 2, 3), _mm_set1_epi32(int(i)));
    val = _mm_set1_epi32(std::bit_cast<int>(x));
  } else {
    sel = _mm_cmpeq_epi64(_mm_set_epi64x(1, 0), _mm_set1_epi64x(i));
    val = _mm_set1_epi64x(std::bit_cast<long long>(x));
  }
  return st(_mm_blendv_epi8(ld(a), val, sel));
}
#else
template <class L> inline V128 replace_lane(V128 a, unsigned i, L x) {
  set_lane<L>(a, i, x);
  return a;
}
using scalar::v128_not, scalar::v128_and, scalar::v128_andnot, scalar::v128_or, scalar::v128_xor;
using scalar::v128_bitselect, scalar::v128_any_true, scalar::i32x4_dot_i16x8_s, scalar::i8x16_swizzle;
using scalar::i8x16_shuffle;
using scalar::f32x4_convert_i32x4_s, scalar::f64x2_convert_low_i32x4_s, scalar::f64x2_promote_low_f32x4;
inline V128 i16x8_shl(const V128& a, uint32_t n) { return shl<int16_t>(a, n); }
inline V128 i16x8_shr_s(const V128& a, uint32_t n) { return shr<int16_t>(a, n); }
inline V128 i16x8_shr_u(const V128& a, uint32_t n) { return shr<uint16_t>(a, n); }
inline V128 i32x4_shl(const V128& a, uint32_t n) { return shl<int32_t>(a, n); }
inline V128 i32x4_shr_s(const V128& a, uint32_t n) { return shr<int32_t>(a, n); }
inline V128 i32x4_shr_u(const V128& a, uint32_t n) { return shr<uint32_t>(a, n); }
inline V128 i64x2_shl(const V128& a, uint32_t n) { return shl<int64_t>(a, n); }
inline V128 i64x2_shr_u(const V128& a, uint32_t n) { return shr<uint64_t>(a, n); }
inline V128 i8x16_add(const V128& a, const V128& b) { return add<uint8_t>(a, b); }
inline V128 i16x8_add(const V128& a, const V128& b) { return add<uint16_t>(a, b); }
inline V128 i32x4_add(const V128& a, const V128& b) { return add<uint32_t>(a, b); }
inline V128 i64x2_add(const V128& a, const V128& b) { return add<uint64_t>(a, b); }
inline V128 i8x16_sub(const V128& a, const V128& b) { return sub<uint8_t>(a, b); }
inline V128 i16x8_sub(const V128& a, const V128& b) { return sub<uint16_t>(a, b); }
inline V128 i32x4_sub(const V128& a, const V128& b) { return sub<uint32_t>(a, b); }
inline V128 i64x2_sub(const V128& a, const V128& b) { return sub<uint64_t>(a, b); }
inline V128 i16x8_mul(const V128& a, const V128& b) { return mul<uint16_t>(a, b); }
inline V128 i32x4_mul(const V128& a, const V128& b) { return mul<uint32_t>(a, b); }
inline V128 i8x16_add_sat_s(const V128& a, const V128& b) { return add_sat<int8_t>(a, b); }
inline V128 i8x16_add_sat_u(const V128& a, const V128& b) { return add_sat<uint8_t>(a, b); }
inline V128 i16x8_add_sat_s(const V128& a, const V128& b) { return add_sat<int16_t>(a, b); }
inline V128 i16x8_add_sat_u(const V128& a, const V128& b) { return add_sat<uint16_t>(a, b); }
inline V128 i8x16_sub_sat_s(const V128& a, const V128& b) { return sub_sat<int8_t>(a, b); }
inline V128 i8x16_sub_sat_u(const V128& a, const V128& b) { return sub_sat<uint8_t>(a, b); }
inline V128 i16x8_sub_sat_s(const V128& a, const V128& b) { return sub_sat<int16_t>(a, b); }
inline V128 i16x8_sub_sat_u(const V128& a, const V128& b) { return sub_sat<uint16_t>(a, b); }
inline V128 i8x16_min_s(const V128& a, const V128& b) { return min<int8_t>(a, b); }
inline V128 i8x16_min_u(const V128& a, const V128& b) { return min<uint8_t>(a, b); }
inline V128 i8x16_max_s(const V128& a, const V128& b) { return max<int8_t>(a, b); }
inline V128 i8x16_max_u(const V128& a, const V128& b) { return max<uint8_t>(a, b); }
inline V128 i16x8_min_s(const V128& a, const V128& b) { return min<int16_t>(a, b); }
inline V128 i16x8_min_u(const V128& a, const V128& b) { return min<uint16_t>(a, b); }
inline V128 i16x8_max_s(const V128& a, const V128& b) { return max<int16_t>(a, b); }
inline V128 i16x8_max_u(const V128& a, const V128& b) { return max<uint16_t>(a, b); }
inline V128 i32x4_min_s(const V128& a, const V128& b) { return min<int32_t>(a, b); }
inline V128 i32x4_min_u(const V128& a, const V128& b) { return min<uint32_t>(a, b); }
inline V128 i32x4_max_s(const V128& a, const V128& b) { return max<int32_t>(a, b); }
inline V128 i32x4_max_u(const V128& a, const V128& b) { return max<uint32_t>(a, b); }
inline V128 i8x16_avgr_u(const V128& a, const V128& b) { return avgr_u<uint8_t>(a, b); }
inline V128 i16x8_avgr_u(const V128& a, const V128& b) { return avgr_u<uint16_t>(a, b); }
inline V128 i8x16_abs(const V128& a) { return abs<int8_t>(a); }
inline V128 i16x8_abs(const V128& a) { return abs<int16_t>(a); }
inline V128 i32x4_abs(const V128& a) { return abs<int32_t>(a); }
inline V128 i8x16_eq(const V128& a, const V128& b) { return eq<uint8_t>(a, b); }
inline V128 i16x8_eq(const V128& a, const V128& b) { return eq<uint16_t>(a, b); }
inline V128 i32x4_eq(const V128& a, const V128& b) { return eq<uint32_t>(a, b); }
inline V128 i64x2_eq(const V128& a, const V128& b) { return eq<uint64_t>(a, b); }
inline V128 i8x16_gt_s(const V128& a, const V128& b) { return gt<int8_t>(a, b); }
inline V128 i16x8_gt_s(const V128& a, const V128& b) { return gt<int16_t>(a, b); }
inline V128 i32x4_gt_s(const V128& a, const V128& b) { return gt<int32_t>(a, b); }
inline uint32_t i8x16_bitmask(const V128& a) { return bitmask<int8_t>(a); }
inline uint32_t i32x4_bitmask(const V128& a) { return bitmask<int32_t>(a); }
inline uint32_t i64x2_bitmask(const V128& a) { return bitmask<int64_t>(a); }
inline V128 i8x16_narrow_i16x8_s(const V128& a, const V128& b) { return narrow<int16_t, int8_t>(a, b); }
inline V128 i8x16_narrow_i16x8_u(const V128& a, const V128& b) { return narrow<int16_t, uint8_t>(a, b); }
inline V128 i16x8_narrow_i32x4_s(const V128& a, const V128& b) { return narrow<int32_t, int16_t>(a, b); }
inline V128 i16x8_narrow_i32x4_u(const V128& a, const V128& b) { return narrow<int32_t, uint16_t>(a, b); }
inline V128 f32x4_add(const V128& a, const V128& b) { return fadd<float>(a, b); }
inline V128 f32x4_sub(const V128& a, const V128& b) { return fsub<float>(a, b); }
inline V128 f32x4_mul(const V128& a, const V128& b) { return fmul<float>(a, b); }
inline V128 f32x4_div(const V128& a, const V128& b) { return fdiv<float>(a, b); }
inline V128 f32x4_sqrt(const V128& a) { return fsqrt<float>(a); }
inline V128 f64x2_add(const V128& a, const V128& b) { return fadd<double>(a, b); }
inline V128 f64x2_sub(const V128& a, const V128& b) { return fsub<double>(a, b); }
inline V128 f64x2_mul(const V128& a, const V128& b) { return fmul<double>(a, b); }
inline V128 f64x2_div(const V128& a, const V128& b) { return fdiv<double>(a, b); }
inline V128 f64x2_sqrt(const V128& a) { return fsqrt<double>(a); }
inline V128 f32x4_pmin(const V128& a, const V128& b) { return fpmin<float>(a, b); }
inline V128 f32x4_pmax(const V128& a, const V128& b) { return fpmax<float>(a, b); }
inline V128 f64x2_pmin(const V128& a, const V128& b) { return fpmin<double>(a, b); }
inline V128 f64x2_pmax(const V128& a, const V128& b) { return fpmax<double>(a, b); }
inline V128 f32x4_min(const V128& a, const V128& b) { return fmin<float>(a, b); }
inline V128 f32x4_max(const V128& a, const V128& b) { return fmax<float>(a, b); }
inline V128 f64x2_min(const V128& a, const V128& b) { return fmin<double>(a, b); }
inline V128 f64x2_max(const V128& a, const V128& b) { return fmax<double>(a, b); }
inline V128 f32x4_ceil(const V128& a) { return fceil<float>(a); }
inline V128 f32x4_floor(const V128& a) { return ffloor<float>(a); }
inline V128 f32x4_trunc(const V128& a) { return ftrunc<float>(a); }
inline V128 f32x4_nearest(const V128& a) { return fnearest<float>(a); }
inline V128 f64x2_ceil(const V128& a) { return fceil<double>(a); }
inline V128 f64x2_floor(const V128& a) { return ffloor<double>(a); }
inline V128 f64x2_trunc(const V128& a) { return ftrunc<double>(a); }
inline V128 f64x2_nearest(const V128& a) { return fnearest<double>(a); }
inline V128 i16x8_extend_low_i8x16_s(const V128& a) { return extend<int8_t, int16_t>(a, false); }
inline V128 i16x8_extend_low_i8x16_u(const V128& a) { return extend<uint8_t, uint16_t>(a, false); }
inline V128 i32x4_extend_low_i16x8_s(const V128& a) { return extend<int16_t, int32_t>(a, false); }
inline V128 i32x4_extend_low_i16x8_u(const V128& a) { return extend<uint16_t, uint32_t>(a, false); }
inline V128 i64x2_extend_low_i32x4_s(const V128& a) { return extend<int32_t, int64_t>(a, false); }
inline V128 i64x2_extend_low_i32x4_u(const V128& a) { return extend<uint32_t, uint64_t>(a, false); }
#endif

// Operations with no single-instruction SSE4.1 form: same code on both paths.
inline V128 i64x2_mul(const V128& a, const V128& b) { return mul<uint64_t>(a, b); }
inline V128 i8x16_neg(const V128& a) { return neg<int8_t>(a); }
inline V128 i16x8_neg(const V128& a) { return neg<int16_t>(a); }
inline V128 i32x4_neg(const V128& a) { return neg<int32_t>(a); }
inline V128 i64x2_neg(const V128& a) { return neg<int64_t>(a); }
inline V128 i64x2_abs(const V128& a) { return abs<int64_t>(a); }
inline uint32_t i16x8_bitmask(const V128& a) { return bitmask<int16_t>(a); }
inline V128 i8x16_shl(const V128& a, uint32_t n) { return shl<int8_t>(a, n); }
inline V128 i8x16_shr_s(const V128& a, uint32_t n) { return shr<int8_t>(a, n); }
inline V128 i8x16_shr_u(const V128& a, uint32_t n) { return shr<uint8_t>(a, n); }
inline V128 i64x2_shr_s(const V128& a, uint32_t n) { return shr<int64_t>(a, n); }
inline V128 f32x4_abs(const V128& a) { return fabs<float>(a); }
inline V128 f32x4_neg(const V128& a) { return fneg<float>(a); }
inline V128 f64x2_abs(const V128& a) { return fabs<double>(a); }
inline V128 f64x2_neg(const V128& a) { return fneg<double>(a); }
inline V128 i16x8_extend_high_i8x16_s(const V128& a) { return extend<int8_t, int16_t>(a, true); }
inline V128 i16x8_extend_high_i8x16_u(const V128& a) { return extend<uint8_t, uint16_t>(a, true); }
inline V128 i32x4_extend_high_i16x8_s(const V128& a) { return extend<int16_t, int32_t>(a, true); }
inline V128 i32x4_extend_high_i16x8_u(const V128& a) { return extend<uint16_t, uint32_t>(a, true); }
inline V128 i64x2_extend_high_i32x4_s(const V128& a) { return extend<int32_t, int64_t>(a, true); }
inline V128 i64x2_extend_high_i32x4_u(const V128& a) { return extend<uint32_t, uint64_t>(a, true); }

}  // inline namespace sse41 / portable
}  // namespace mywasm::interp::simd
