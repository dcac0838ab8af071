// The SIMD semantics library (interp/simd_ops.hpp) against lane-by-lane
// expectations written out here, with the edge cases the spec tests check
// (NaN and -0 in min/max/pmin/pmax, ties-to-even rounding, saturation).
//
// This file is compiled twice: as is (the default build has SSE2 only, so
// the portable path), and from simd_ops_sse41_test.cpp with the SSE4.1
// path forced on. SIMD_SUITE names the test suite for each.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "interp/simd_ops.hpp"

#ifndef SIMD_SUITE
#define SIMD_SUITE SimdOpsPortable
#endif

namespace {

using namespace mywasm::interp::simd;

template <class L, class... Ls> V128 make(Ls... ls) {
  static_assert(sizeof...(Ls) == 16 / sizeof(L));
  V128 v;
  unsigned i = 0;
  ((set_lane<L>(v, i++, static_cast<L>(ls))), ...);
  return v;
}

template <class L> std::vector<L> lanes(const V128& v) {
  std::vector<L> out;
  for (unsigned i = 0; i < 16 / sizeof(L); ++i) out.push_back(lane<L>(v, i));
  return out;
}

template <class F> auto bits(F f) { return std::bit_cast<std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>>(f); }
bool is_quiet_nan(float f) { return std::isnan(f) && (bits(f) & 0x00400000u); }
bool is_quiet_nan(double f) { return std::isnan(f) && (bits(f) & 0x0008000000000000ull); }

constexpr float kNanF = std::numeric_limits<float>::quiet_NaN();
constexpr double kNanD = std::numeric_limits<double>::quiet_NaN();
constexpr float kInfF = std::numeric_limits<float>::infinity();
const float kSnanF = std::bit_cast<float>(0x7FA00000u);  // signalling NaN

// ------------------------------------------------------------------ integer

TEST(SIMD_SUITE, IntegerAddSubMulWrap) {
  V128 a = make<int32_t>(INT32_MAX, -1, 7, INT32_MIN);
  V128 b = make<int32_t>(1, 1, -9, -1);
  EXPECT_EQ(lanes<int32_t>(i32x4_add(a, b)), (std::vector<int32_t>{INT32_MIN, 0, -2, INT32_MAX}));
  EXPECT_EQ(lanes<int32_t>(i32x4_sub(a, b)), (std::vector<int32_t>{INT32_MAX - 1, -2, 16, INT32_MIN + 1}));
  EXPECT_EQ(lanes<int32_t>(i32x4_mul(a, b)), (std::vector<int32_t>{INT32_MAX, -1, -63, INT32_MIN}));
  V128 c = make<int64_t>(INT64_MAX, 3);
  V128 d = make<int64_t>(2, -5);
  EXPECT_EQ(lanes<int64_t>(i64x2_mul(c, d)), (std::vector<int64_t>{-2, -15}));
  EXPECT_EQ(lanes<int64_t>(i64x2_add(c, d)), (std::vector<int64_t>{INT64_MIN + 1, -2}));
  V128 e = make<uint16_t>(0xFFFF, 0x8000, 300, 2, 0, 1, 0x7FFF, 0x100);
  V128 f = make<uint16_t>(0xFFFF, 2, 300, 0x8000, 5, 0xFFFF, 2, 0x100);
  EXPECT_EQ(lanes<uint16_t>(i16x8_mul(e, f)),
            (std::vector<uint16_t>{1, 0, uint16_t(90000), 0, 0, 0xFFFF, 0xFFFE, 0}));
}

TEST(SIMD_SUITE, SaturatingArithmetic) {
  V128 a = make<int8_t>(127, -128, 100, -100, 0, 1, -1, 50, 127, -128, 0, 0, 0, 0, 0, 0);
  V128 b = make<int8_t>(1, -1, 100, -100, 0, -1, 1, -50, -128, 127, 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(lanes<int8_t>(i8x16_add_sat_s(a, b)),
            (std::vector<int8_t>{127, -128, 127, -128, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(lanes<int8_t>(i8x16_sub_sat_s(a, b)),
            (std::vector<int8_t>{126, -127, 0, 0, 0, 2, -2, 100, 127, -128, 0, 0, 0, 0, 0, 0}));
  V128 u = make<uint8_t>(250, 5, 0, 255, 128, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  V128 v = make<uint8_t>(10, 10, 1, 255, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(lanes<uint8_t>(i8x16_add_sat_u(u, v)),
            (std::vector<uint8_t>{255, 15, 1, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(lanes<uint8_t>(i8x16_sub_sat_u(u, v)),
            (std::vector<uint8_t>{240, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  V128 s = make<int16_t>(32767, -32768, 1, -1, 0, 0, 0, 0);
  V128 t = make<int16_t>(1, -1, 32767, -32768, 0, 0, 0, 0);
  EXPECT_EQ(lanes<int16_t>(i16x8_add_sat_s(s, t)), (std::vector<int16_t>{32767, -32768, 32767, -32768, 0, 0, 0, 0}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_sub_sat_u(t, s)), (std::vector<uint16_t>{0, 32767, 32766, 0, 0, 0, 0, 0}));
}

TEST(SIMD_SUITE, MinMaxAvgrAbsNeg) {
  V128 a = make<int32_t>(-1, 5, INT32_MIN, 0);
  V128 b = make<int32_t>(1, 5, INT32_MAX, -7);
  EXPECT_EQ(lanes<int32_t>(i32x4_min_s(a, b)), (std::vector<int32_t>{-1, 5, INT32_MIN, -7}));
  EXPECT_EQ(lanes<int32_t>(i32x4_max_s(a, b)), (std::vector<int32_t>{1, 5, INT32_MAX, 0}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_min_u(a, b)), (std::vector<uint32_t>{1, 5, uint32_t(INT32_MAX), 0}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_max_u(a, b)), (std::vector<uint32_t>{0xFFFFFFFF, 5, 0x80000000u, 0xFFFFFFF9u}));
  V128 c = make<uint8_t>(255, 0, 1, 2, 3, 254, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  V128 d = make<uint8_t>(255, 1, 2, 2, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(lanes<uint8_t>(i8x16_avgr_u(c, d)),  // (a + b + 1) / 2 without overflow
            (std::vector<uint8_t>{255, 1, 2, 2, 2, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(lanes<int8_t>(i8x16_min_s(c, d))[0], -1);
  V128 m = make<int32_t>(INT32_MIN, -5, 5, 0);
  EXPECT_EQ(lanes<int32_t>(i32x4_abs(m)), (std::vector<int32_t>{INT32_MIN, 5, 5, 0}));  // abs(MIN) wraps
  EXPECT_EQ(lanes<int32_t>(i32x4_neg(m)), (std::vector<int32_t>{INT32_MIN, 5, -5, 0}));
  EXPECT_EQ(lanes<int64_t>(i64x2_abs(make<int64_t>(INT64_MIN, -3))), (std::vector<int64_t>{INT64_MIN, 3}));
  EXPECT_EQ(lanes<int8_t>(i8x16_abs(make<int8_t>(-128, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))[0], -128);
}

TEST(SIMD_SUITE, ShiftsTakeCountModuloLaneWidth) {
  V128 a = make<int8_t>(-128, 1, 64, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(lanes<int8_t>(i8x16_shl(a, 9))[1], 2);  // 9 & 7 == 1
  EXPECT_EQ(lanes<int8_t>(i8x16_shl(a, 1))[2], -128);
  EXPECT_EQ(lanes<int8_t>(i8x16_shr_s(a, 7))[0], -1);
  EXPECT_EQ(lanes<uint8_t>(i8x16_shr_u(a, 7))[0], 1);
  EXPECT_EQ(lanes<uint8_t>(i8x16_shr_u(a, 8))[3], 255);  // count 8 == 0
  V128 b = make<int64_t>(INT64_MIN, 1);
  EXPECT_EQ(lanes<int64_t>(i64x2_shr_s(b, 63)), (std::vector<int64_t>{-1, 0}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_shr_u(b, 64)), (std::vector<uint64_t>{0x8000000000000000ull, 1}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_shl(b, 65)), (std::vector<uint64_t>{0, 2}));
  EXPECT_EQ(lanes<int16_t>(i16x8_shr_s(make<int16_t>(-32768, 0, 0, 0, 0, 0, 0, 0), 17))[0], -16384);
  EXPECT_EQ(lanes<uint32_t>(i32x4_shr_u(make<int32_t>(-1, 0, 0, 0), 36))[0], 0x0FFFFFFFu);
}

TEST(SIMD_SUITE, BooleanReductions) {
  V128 zero;
  V128 one_lane = make<uint8_t>(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
  EXPECT_FALSE(v128_any_true(zero));
  EXPECT_TRUE(v128_any_true(one_lane));
  EXPECT_FALSE(all_true<uint8_t>(one_lane));
  EXPECT_TRUE(all_true<uint32_t>(make<uint32_t>(1, 0x100, 0x10000, 0x80000000u)));
  EXPECT_FALSE(all_true<uint64_t>(make<uint64_t>(1, 0)));
  V128 signs = make<int8_t>(-1, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5);
  EXPECT_EQ(i8x16_bitmask(signs), 0x8005u);
  EXPECT_EQ(i16x8_bitmask(make<int16_t>(0, -1, 0, 0, 0, 0, 0, -32768)), 0x82u);
  EXPECT_EQ(i32x4_bitmask(make<int32_t>(-1, 0, INT32_MIN, 1)), 0x5u);
  EXPECT_EQ(i64x2_bitmask(make<int64_t>(1, -1)), 0x2u);
  EXPECT_EQ(lanes<uint8_t>(i8x16_popcnt(make<uint8_t>(0xFF, 0, 0x81, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))[2], 2);
}

TEST(SIMD_SUITE, NarrowingSaturates) {
  V128 a = make<int16_t>(300, -300, 127, -128, 128, -129, 0, -1);
  V128 b = make<int16_t>(255, 256, 1, 2, 3, 4, 5, 6);
  EXPECT_EQ(lanes<int8_t>(i8x16_narrow_i16x8_s(a, b)),
            (std::vector<int8_t>{127, -128, 127, -128, 127, -128, 0, -1, 127, 127, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(lanes<uint8_t>(i8x16_narrow_i16x8_u(a, b)),
            (std::vector<uint8_t>{255, 0, 127, 0, 128, 0, 0, 0, 255, 255, 1, 2, 3, 4, 5, 6}));
  V128 c = make<int32_t>(70000, -70000, 65535, -1);
  EXPECT_EQ(lanes<int16_t>(i16x8_narrow_i32x4_s(c, c)),
            (std::vector<int16_t>{32767, -32768, 32767, -1, 32767, -32768, 32767, -1}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_narrow_i32x4_u(c, c)),
            (std::vector<uint16_t>{65535, 0, 65535, 0, 65535, 0, 65535, 0}));
}

TEST(SIMD_SUITE, Q15MulrSatAndDot) {
  V128 a = make<int16_t>(-32768, 16384, 1, -1, 32767, -32768, 100, 0);
  V128 b = make<int16_t>(-32768, 16384, 16384, 16384, 32767, 32767, -100, 5);
  // (a * b + 0x4000) >> 15, saturated: only MIN * MIN overflows.
  EXPECT_EQ(lanes<int16_t>(i16x8_q15mulr_sat_s(a, b)),
            (std::vector<int16_t>{32767, 8192, 1, 0, 32766, -32767, 0, 0}));
  V128 c = make<int16_t>(-32768, -32768, 1, 2, 3, 4, -5, 6);
  V128 d = make<int16_t>(-32768, -32768, 10, 20, 30, 40, 50, 60);
  // 2 * 2^30 wraps to INT32_MIN.
  EXPECT_EQ(lanes<int32_t>(i32x4_dot_i16x8_s(c, d)), (std::vector<int32_t>{INT32_MIN, 50, 250, 110}));
}

TEST(SIMD_SUITE, ExtendExtmulExtaddPairwise) {
  V128 a = make<int8_t>(-1, 2, -128, 127, 5, 6, 7, 8, -9, 10, -11, 12, 13, 14, 15, -16);
  EXPECT_EQ(lanes<int16_t>(i16x8_extend_low_i8x16_s(a)), (std::vector<int16_t>{-1, 2, -128, 127, 5, 6, 7, 8}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extend_low_i8x16_u(a)), (std::vector<uint16_t>{255, 2, 128, 127, 5, 6, 7, 8}));
  EXPECT_EQ(lanes<int16_t>(i16x8_extend_high_i8x16_s(a)), (std::vector<int16_t>{-9, 10, -11, 12, 13, 14, 15, -16}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extend_high_i8x16_u(a))[7], 240);
  V128 w = make<int32_t>(-1, 2, INT32_MIN, 4);
  EXPECT_EQ(lanes<int64_t>(i64x2_extend_low_i32x4_s(w)), (std::vector<int64_t>{-1, 2}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_extend_low_i32x4_u(w)), (std::vector<uint64_t>{0xFFFFFFFFull, 2}));
  EXPECT_EQ(lanes<int64_t>(i64x2_extend_high_i32x4_s(w)), (std::vector<int64_t>{INT32_MIN, 4}));
  EXPECT_EQ(lanes<int16_t>(extmul<int8_t, int16_t>(a, a, false)),
            (std::vector<int16_t>{1, 4, 16384, 16129, 25, 36, 49, 64}));
  EXPECT_EQ(lanes<uint16_t>(extmul<uint8_t, uint16_t>(a, a, false))[0], 65025);
  EXPECT_EQ(lanes<int64_t>(extmul<int32_t, int64_t>(w, w, true)),
            (std::vector<int64_t>{int64_t(INT32_MIN) * INT32_MIN, 16}));
  EXPECT_EQ(lanes<int16_t>(extadd_pairwise<int8_t, int16_t>(a)), (std::vector<int16_t>{1, -1, 11, 15, 1, 1, 27, -1}));
  EXPECT_EQ(lanes<uint16_t>(extadd_pairwise<uint8_t, uint16_t>(a))[0], 257);
}

TEST(SIMD_SUITE, SwizzleAndShuffle) {
  V128 a = make<uint8_t>(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
  V128 b = make<uint8_t>(30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45);
  V128 idx = make<uint8_t>(0, 15, 16, 0x80, 0xFF, 0x8F, 0x70, 0x7F, 3, 17, 31, 32, 1, 1, 2, 2);
  EXPECT_EQ(lanes<uint8_t>(i8x16_swizzle(a, idx)),
            (std::vector<uint8_t>{10, 25, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0, 11, 11, 12, 12}));
  const uint8_t sel[16] = {0, 16, 1, 17, 15, 31, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22};
  EXPECT_EQ(lanes<uint8_t>(i8x16_shuffle(a, b, sel)),
            (std::vector<uint8_t>{10, 30, 11, 31, 25, 45, 12, 32, 13, 33, 14, 34, 15, 35, 16, 36}));
}

// Every lane index 0..31 at every position, against the lane loop.
TEST(SIMD_SUITE, ShuffleMatchesLaneLoopForAllIndices) {
  V128 a = make<uint8_t>(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
  V128 b = make<uint8_t>(30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45);
  for (unsigned k = 0; k < 32; ++k) {
    uint8_t sel[16];
    for (unsigned i = 0; i < 16; ++i) sel[i] = uint8_t((k + i * 7) % 32);
    std::vector<uint8_t> expected(16);
    for (unsigned i = 0; i < 16; ++i) expected[i] = uint8_t(sel[i] < 16 ? 10 + sel[i] : 30 + sel[i] - 16);
    EXPECT_EQ(lanes<uint8_t>(i8x16_shuffle(a, b, sel)), expected) << "k=" << k;
  }
}

TEST(SIMD_SUITE, IntegerComparisons) {
  V128 a = make<int8_t>(-1, 0, 5, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  V128 b = make<int8_t>(1, 0, 4, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
  EXPECT_EQ(lanes<uint8_t>(i8x16_gt_s(a, b))[2], 0xFF);
  EXPECT_EQ(lanes<uint8_t>(i8x16_gt_s(a, b))[0], 0);
  EXPECT_EQ(lanes<uint8_t>(gt<uint8_t>(a, b))[0], 0xFF);  // unsigned: 255 > 1
  EXPECT_EQ(lanes<uint8_t>(i8x16_eq(a, b))[1], 0xFF);
  EXPECT_EQ(lanes<uint8_t>(i8x16_eq(a, b))[15], 0);
  EXPECT_EQ(lanes<uint64_t>(i64x2_eq(make<int64_t>(1, 2), make<int64_t>(1, 3))), (std::vector<uint64_t>{~0ull, 0}));
  EXPECT_EQ(lanes<uint64_t>(lt<int64_t>(make<int64_t>(-1, 2), make<int64_t>(0, 2))), (std::vector<uint64_t>{~0ull, 0}));
}

// ------------------------------------------------------------------ float

TEST(SIMD_SUITE, FloatComparisonsWithNan) {
  V128 a = make<float>(kNanF, 1.0f, -0.0f, 2.0f);
  V128 b = make<float>(kNanF, kNanF, 0.0f, 1.0f);
  EXPECT_EQ(lanes<uint32_t>(eq<float>(a, b)), (std::vector<uint32_t>{0, 0, ~0u, 0}));  // -0 == +0
  EXPECT_EQ(lanes<uint32_t>(ne<float>(a, b)), (std::vector<uint32_t>{~0u, ~0u, 0, ~0u}));
  EXPECT_EQ(lanes<uint32_t>(lt<float>(a, b)), (std::vector<uint32_t>{0, 0, 0, 0}));
  EXPECT_EQ(lanes<uint32_t>(ge<float>(a, b)), (std::vector<uint32_t>{0, 0, ~0u, ~0u}));
}

TEST(SIMD_SUITE, MinMaxNanAndSignedZero) {
  V128 a = make<float>(kNanF, 1.0f, -0.0f, 0.0f);
  V128 b = make<float>(1.0f, kSnanF, 0.0f, -0.0f);
  auto mn = lanes<float>(f32x4_min(a, b));
  auto mx = lanes<float>(f32x4_max(a, b));
  EXPECT_TRUE(is_quiet_nan(mn[0]));
  EXPECT_TRUE(is_quiet_nan(mn[1]));  // a signalling operand still gives a quiet NaN
  EXPECT_EQ(bits(mn[2]), 0x80000000u);  // min(-0, +0) = -0, either order
  EXPECT_EQ(bits(mn[3]), 0x80000000u);
  EXPECT_TRUE(is_quiet_nan(mx[0]) && is_quiet_nan(mx[1]));
  EXPECT_EQ(bits(mx[2]), 0u);  // max(-0, +0) = +0, either order
  EXPECT_EQ(bits(mx[3]), 0u);
  // Canonical NaN in, canonical NaN out (payload is only the quiet bit).
  EXPECT_EQ(bits(mn[0]) & 0x7FFFFFFFu, 0x7FC00000u);

  V128 c = make<double>(kNanD, -0.0);
  V128 d = make<double>(-1.0, 0.0);
  auto dmn = lanes<double>(f64x2_min(c, d));
  auto dmx = lanes<double>(f64x2_max(d, c));
  EXPECT_TRUE(is_quiet_nan(dmn[0]) && is_quiet_nan(dmx[0]));
  EXPECT_EQ(bits(dmn[1]), 0x8000000000000000ull);
  EXPECT_EQ(bits(dmx[1]), 0ull);
  EXPECT_EQ(lanes<float>(f32x4_min(make<float>(1, -kInfF, 3, 4), make<float>(2, 5, -3, 4))),
            (std::vector<float>{1, -kInfF, -3, 4}));
}

TEST(SIMD_SUITE, PminPmaxAreOneComparison) {
  V128 a = make<float>(kNanF, 1.0f, -0.0f, 0.0f);
  V128 b = make<float>(1.0f, kNanF, 0.0f, -0.0f);
  auto mn = lanes<float>(f32x4_pmin(a, b));  // b < a ? b : a
  auto mx = lanes<float>(f32x4_pmax(a, b));  // a < b ? b : a
  EXPECT_TRUE(std::isnan(mn[0]));            // NaN first operand passes through
  EXPECT_EQ(mn[1], 1.0f);                    // NaN second operand loses
  EXPECT_EQ(bits(mn[2]), 0x80000000u);       // equal zeros: first operand
  EXPECT_EQ(bits(mn[3]), 0u);
  EXPECT_TRUE(std::isnan(mx[0]));
  EXPECT_EQ(mx[1], 1.0f);
  EXPECT_EQ(bits(mx[2]), 0x80000000u);
  EXPECT_EQ(bits(mx[3]), 0u);
  auto dmn = lanes<double>(f64x2_pmin(make<double>(2.0, -0.0), make<double>(1.0, 0.0)));
  EXPECT_EQ(dmn[0], 1.0);
  EXPECT_EQ(bits(dmn[1]), 0x8000000000000000ull);
  EXPECT_EQ(lanes<double>(f64x2_pmax(make<double>(2.0, kNanD), make<double>(3.0, 1.0)))[0], 3.0);
}

TEST(SIMD_SUITE, RoundingIsTiesToEvenAndKeepsSignOfZero) {
  V128 a = make<float>(2.5f, 3.5f, -0.5f, 0.49999997f);
  auto n = lanes<float>(f32x4_nearest(a));
  EXPECT_EQ(n[0], 2.0f);
  EXPECT_EQ(n[1], 4.0f);
  EXPECT_EQ(bits(n[2]), 0x80000000u);  // -0.5 -> -0
  EXPECT_EQ(n[3], 0.0f);
  auto big = lanes<float>(f32x4_nearest(make<float>(8388609.0f, -8388609.0f, 1e30f, -kInfF)));
  EXPECT_EQ(big, (std::vector<float>{8388609.0f, -8388609.0f, 1e30f, -kInfF}));
  auto c = lanes<float>(f32x4_ceil(make<float>(-0.5f, 1.1f, -1.1f, kSnanF)));
  EXPECT_EQ(bits(c[0]), 0x80000000u);
  EXPECT_EQ(c[1], 2.0f);
  EXPECT_EQ(c[2], -1.0f);
  EXPECT_TRUE(is_quiet_nan(c[3]));
  EXPECT_EQ(lanes<float>(f32x4_floor(make<float>(-0.5f, 1.9f, -1.1f, 0.0f))), (std::vector<float>{-1, 1, -2, 0}));
  auto t = lanes<float>(f32x4_trunc(make<float>(-0.7f, 1.9f, -1.1f, 2.0f)));
  EXPECT_EQ(bits(t[0]), 0x80000000u);
  EXPECT_EQ(t[1], 1.0f);
  auto dn = lanes<double>(f64x2_nearest(make<double>(-2.5, 4503599627370497.0)));
  EXPECT_EQ(dn[0], -2.0);
  EXPECT_EQ(dn[1], 4503599627370497.0);
  EXPECT_EQ(lanes<double>(f64x2_ceil(make<double>(0.1, -0.1)))[0], 1.0);
  EXPECT_EQ(bits(lanes<double>(f64x2_ceil(make<double>(0.1, -0.1)))[1]), 0x8000000000000000ull);
}

TEST(SIMD_SUITE, AbsNegSqrtArithmetic) {
  V128 a = make<float>(-0.0f, kNanF, -2.0f, 4.0f);
  EXPECT_EQ(lanes<uint32_t>(f32x4_abs(a)), (std::vector<uint32_t>{0, 0x7FC00000u, bits(2.0f), bits(4.0f)}));
  EXPECT_EQ(lanes<uint32_t>(f32x4_neg(a)), (std::vector<uint32_t>{0, 0xFFC00000u, bits(2.0f), bits(-4.0f)}));
  auto s = lanes<float>(f32x4_sqrt(a));
  EXPECT_EQ(bits(s[0]), 0x80000000u);
  EXPECT_TRUE(std::isnan(s[2]));
  EXPECT_EQ(s[3], 2.0f);
  EXPECT_EQ(lanes<float>(f32x4_div(make<float>(1, -1, 0, 6), make<float>(0, 0, 1, 3))),
            (std::vector<float>{kInfF, -kInfF, 0, 2}));
  EXPECT_EQ(lanes<double>(f64x2_add(make<double>(0.1, 1e308), make<double>(0.2, 1e308))),
            (std::vector<double>{0.1 + 0.2, std::numeric_limits<double>::infinity()}));
}

TEST(SIMD_SUITE, TruncSatConversions) {
  V128 a = make<float>(kNanF, 3e9f, -3e9f, -1.9f);
  EXPECT_EQ(lanes<int32_t>(i32x4_trunc_sat_f32x4_s(a)), (std::vector<int32_t>{0, INT32_MAX, INT32_MIN, -1}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_trunc_sat_f32x4_u(make<float>(-1.5f, 4.3e9f, -0.9f, 4294967040.0f))),
            (std::vector<uint32_t>{0, 0xFFFFFFFFu, 0, 4294967040u}));
  EXPECT_EQ(lanes<int32_t>(i32x4_trunc_sat_f64x2_s_zero(make<double>(-2147483648.9, 2147483647.9))),
            (std::vector<int32_t>{INT32_MIN, INT32_MAX, 0, 0}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_trunc_sat_f64x2_u_zero(make<double>(kNanD, 4294967296.0))),
            (std::vector<uint32_t>{0, 0xFFFFFFFFu, 0, 0}));
}

TEST(SIMD_SUITE, IntFloatConversions) {
  EXPECT_EQ(lanes<float>(f32x4_convert_i32x4_s(make<int32_t>(-1, INT32_MIN, 16777217, 0))),
            (std::vector<float>{-1.0f, -2147483648.0f, 16777216.0f, 0.0f}));
  EXPECT_EQ(lanes<float>(f32x4_convert_i32x4_u(make<uint32_t>(0xFFFFFFFFu, 1, 0x80000000u, 16777217))),
            (std::vector<float>{4294967296.0f, 1.0f, 2147483648.0f, 16777216.0f}));
  EXPECT_EQ(lanes<double>(f64x2_convert_low_i32x4_s(make<int32_t>(-5, INT32_MIN, 9, 9))),
            (std::vector<double>{-5.0, -2147483648.0}));
  EXPECT_EQ(lanes<double>(f64x2_convert_low_i32x4_u(make<uint32_t>(0xFFFFFFFFu, 7, 9, 9))),
            (std::vector<double>{4294967295.0, 7.0}));
  auto d = lanes<float>(f32x4_demote_f64x2_zero(make<double>(1e300, kNanD)));
  EXPECT_EQ(d[0], kInfF);
  EXPECT_TRUE(is_quiet_nan(d[1]));
  EXPECT_EQ(bits(d[2]), 0u);
  EXPECT_EQ(bits(d[3]), 0u);
  auto p = lanes<double>(f64x2_promote_low_f32x4(make<float>(1.5f, -0.0f, 9, 9)));
  EXPECT_EQ(p[0], 1.5);
  EXPECT_EQ(bits(p[1]), 0x8000000000000000ull);
}

TEST(SIMD_SUITE, BitwiseOps) {
  V128 a = make<uint64_t>(0xFF00FF00FF00FF00ull, 0x0123456789ABCDEFull);
  V128 b = make<uint64_t>(0x0F0F0F0F0F0F0F0Full, 0xFFFFFFFF00000000ull);
  V128 m = make<uint64_t>(0xFFFFFFFF00000000ull, 0x00000000FFFFFFFFull);
  EXPECT_EQ(lanes<uint64_t>(v128_and(a, b)), (std::vector<uint64_t>{0x0F000F000F000F00ull, 0x0123456700000000ull}));
  EXPECT_EQ(lanes<uint64_t>(v128_andnot(a, b)), (std::vector<uint64_t>{0xF000F000F000F000ull, 0x0000000089ABCDEFull}));
  EXPECT_EQ(lanes<uint64_t>(v128_or(a, b))[0], 0xFF0FFF0FFF0FFF0Full);
  EXPECT_EQ(lanes<uint64_t>(v128_xor(a, a))[1], 0u);
  EXPECT_EQ(lanes<uint64_t>(v128_not(a))[1], ~0x0123456789ABCDEFull);
  EXPECT_EQ(lanes<uint64_t>(v128_bitselect(a, b, m)), (std::vector<uint64_t>{0xFF00FF000F0F0F0Full, 0xFFFFFFFF89ABCDEFull}));
}

TEST(SIMD_SUITE, ReplaceLaneChangesOnlyThatLane) {
  V128 a = make<uint64_t>(0x0706050403020100ull, 0x0F0E0D0C0B0A0908ull);
  for (unsigned i = 0; i < 16; ++i) {
    std::vector<uint8_t> want(a.bytes, a.bytes + 16);
    want[i] = 0xA0;
    EXPECT_EQ(lanes<uint8_t>(replace_lane<uint8_t>(a, i, 0xA0)), want) << i;
  }
  for (unsigned i = 0; i < 8; ++i) {
    std::vector<uint16_t> want = lanes<uint16_t>(a);
    want[i] = 0xBEEF;
    EXPECT_EQ(lanes<uint16_t>(replace_lane<uint16_t>(a, i, 0xBEEF)), want) << i;
  }
  for (unsigned i = 0; i < 4; ++i) {
    std::vector<uint32_t> want = lanes<uint32_t>(a);
    want[i] = bits(-0.0f);
    EXPECT_EQ(lanes<uint32_t>(replace_lane<float>(a, i, -0.0f)), want) << i;
  }
  for (unsigned i = 0; i < 2; ++i) {
    std::vector<uint64_t> want = lanes<uint64_t>(a);
    want[i] = bits(std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(lanes<uint64_t>(replace_lane<double>(a, i, std::numeric_limits<double>::quiet_NaN())), want) << i;
  }
}

// Every operation that has an accelerated form must agree bit for bit with
// the portable lane loop, on random vectors salted with special values.
TEST(SIMD_SUITE, AgreesWithScalarOnRandomInputs) {
  std::mt19937_64 rng(12345);
  const uint32_t special_f32[] = {0x7FC00000u, 0xFFC00000u, 0x7FA00000u, 0x80000000u, 0, 0x7F800000u,
                                  0xFF800000u, 0x3F000000u, 0xBF000000u, 0x4B000001u, 0x4F000000u, 0xCF000000u};
  auto random_v = [&](int flavour) {
    V128 v;
    for (unsigned i = 0; i < 4; ++i) {
      uint32_t x = uint32_t(rng());
      if (flavour == 1 && rng() % 3 == 0) x = special_f32[rng() % std::size(special_f32)];
      if (flavour == 1 && rng() % 3 == 0) x = bits(float(int(rng() % 200) - 100) / 4.0f);
      set_lane<uint32_t>(v, i, x);
    }
    return v;
  };
  for (int iter = 0; iter < 4000; ++iter) {
    int flavour = iter % 2;
    V128 a = random_v(flavour), b = random_v(flavour);
    uint32_t n = uint32_t(rng() % 130);
#define SAME1(fast, slow) EXPECT_EQ(fast(a), (slow)) << #fast
#define SAME2(fast, slow) EXPECT_EQ(fast(a, b), (slow)) << #fast
    SAME2(i8x16_add, scalar::add<uint8_t>(a, b));
    SAME2(i16x8_add, scalar::add<uint16_t>(a, b));
    SAME2(i32x4_add, scalar::add<uint32_t>(a, b));
    SAME2(i64x2_add, scalar::add<uint64_t>(a, b));
    SAME2(i8x16_sub, scalar::sub<uint8_t>(a, b));
    SAME2(i64x2_sub, scalar::sub<uint64_t>(a, b));
    SAME2(i16x8_mul, scalar::mul<uint16_t>(a, b));
    SAME2(i32x4_mul, scalar::mul<uint32_t>(a, b));
    SAME2(i8x16_add_sat_s, scalar::add_sat<int8_t>(a, b));
    SAME2(i8x16_add_sat_u, scalar::add_sat<uint8_t>(a, b));
    SAME2(i16x8_sub_sat_s, scalar::sub_sat<int16_t>(a, b));
    SAME2(i16x8_sub_sat_u, scalar::sub_sat<uint16_t>(a, b));
    SAME2(i8x16_min_s, scalar::min<int8_t>(a, b));
    SAME2(i8x16_max_u, scalar::max<uint8_t>(a, b));
    SAME2(i16x8_min_u, scalar::min<uint16_t>(a, b));
    SAME2(i32x4_min_u, scalar::min<uint32_t>(a, b));
    SAME2(i32x4_max_s, scalar::max<int32_t>(a, b));
    SAME2(i8x16_avgr_u, scalar::avgr_u<uint8_t>(a, b));
    SAME2(i16x8_avgr_u, scalar::avgr_u<uint16_t>(a, b));
    SAME1(i8x16_abs, scalar::abs<int8_t>(a));
    SAME1(i32x4_abs, scalar::abs<int32_t>(a));
    SAME2(i8x16_eq, scalar::eq<uint8_t>(a, b));
    SAME2(i64x2_eq, scalar::eq<uint64_t>(a, b));
    SAME2(i16x8_gt_s, scalar::gt<int16_t>(a, b));
    SAME2(i32x4_gt_s, scalar::gt<int32_t>(a, b));
    EXPECT_EQ(i8x16_bitmask(a), scalar::bitmask<int8_t>(a));
    EXPECT_EQ(i32x4_bitmask(a), scalar::bitmask<int32_t>(a));
    EXPECT_EQ(i64x2_bitmask(a), scalar::bitmask<int64_t>(a));
    EXPECT_EQ(v128_any_true(a), scalar::v128_any_true(a));
    SAME2(i8x16_swizzle, scalar::i8x16_swizzle(a, b));
    SAME2(i8x16_narrow_i16x8_s, (scalar::narrow<int16_t, int8_t>(a, b)));
    SAME2(i8x16_narrow_i16x8_u, (scalar::narrow<int16_t, uint8_t>(a, b)));
    SAME2(i16x8_narrow_i32x4_s, (scalar::narrow<int32_t, int16_t>(a, b)));
    SAME2(i16x8_narrow_i32x4_u, (scalar::narrow<int32_t, uint16_t>(a, b)));
    SAME2(i32x4_dot_i16x8_s, scalar::i32x4_dot_i16x8_s(a, b));
    SAME1(i16x8_extend_low_i8x16_s, (scalar::extend<int8_t, int16_t>(a, false)));
    SAME1(i32x4_extend_low_i16x8_u, (scalar::extend<uint16_t, uint32_t>(a, false)));
    SAME1(i64x2_extend_low_i32x4_s, (scalar::extend<int32_t, int64_t>(a, false)));
    EXPECT_EQ(i32x4_shl(a, n), scalar::shl<int32_t>(a, n));
    EXPECT_EQ(i32x4_shr_s(a, n), scalar::shr<int32_t>(a, n));
    EXPECT_EQ(i32x4_shr_u(a, n), scalar::shr<uint32_t>(a, n));
    EXPECT_EQ(i16x8_shl(a, n), scalar::shl<int16_t>(a, n));
    EXPECT_EQ(i16x8_shr_s(a, n), scalar::shr<int16_t>(a, n));
    EXPECT_EQ(i16x8_shr_u(a, n), scalar::shr<uint16_t>(a, n));
    EXPECT_EQ(i64x2_shl(a, n), scalar::shl<int64_t>(a, n));
    EXPECT_EQ(i64x2_shr_u(a, n), scalar::shr<uint64_t>(a, n));
    // Floats: results are compared bit for bit except NaN lanes, where
    // only "is a quiet NaN" is required (hardware picks the payload).
    auto same_f32 = [](const V128& x, const V128& y) {
      for (unsigned i = 0; i < 4; ++i) {
        float p = lane<float>(x, i), q = lane<float>(y, i);
        if (std::isnan(p) || std::isnan(q)) {
          if (!is_quiet_nan(p) || !is_quiet_nan(q)) return false;
        } else if (bits(p) != bits(q)) {
          return false;
        }
      }
      return true;
    };
    EXPECT_TRUE(same_f32(f32x4_add(a, b), scalar::fadd<float>(a, b)));
    EXPECT_TRUE(same_f32(f32x4_mul(a, b), scalar::fmul<float>(a, b)));
    EXPECT_TRUE(same_f32(f32x4_div(a, b), scalar::fdiv<float>(a, b)));
    EXPECT_TRUE(same_f32(f32x4_sqrt(a), scalar::fsqrt<float>(a)));
    EXPECT_TRUE(same_f32(f32x4_min(a, b), scalar::fmin<float>(a, b)));
    EXPECT_TRUE(same_f32(f32x4_max(a, b), scalar::fmax<float>(a, b)));
    EXPECT_EQ(f32x4_pmin(a, b), scalar::fpmin<float>(a, b));  // NaN operands pass through exactly
    EXPECT_EQ(f32x4_pmax(a, b), scalar::fpmax<float>(a, b));
    EXPECT_TRUE(same_f32(f32x4_ceil(a), scalar::fceil<float>(a)));
    EXPECT_TRUE(same_f32(f32x4_floor(a), scalar::ffloor<float>(a)));
    EXPECT_TRUE(same_f32(f32x4_trunc(a), scalar::ftrunc<float>(a)));
    EXPECT_TRUE(same_f32(f32x4_nearest(a), scalar::fnearest<float>(a)));
    EXPECT_TRUE(same_f32(f32x4_convert_i32x4_s(a), scalar::f32x4_convert_i32x4_s(a)));
#undef SAME1
#undef SAME2
  }
}

}  // namespace
