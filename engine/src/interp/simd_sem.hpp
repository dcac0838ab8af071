// Which simd_ops.hpp function each v128 instruction executes, and the
// operand shape of its interpreter handler. The handlers themselves are
// generated per shape from opcodes.def (simd_handlers.inc); this file is
// the one place that binds an opcode to its semantics.
//
// Operand layout of each shape after the handler word (a v128 operand is
// the index of the first of its two frame slots, see code.hpp):
//   Load      dst, addr, offset             (v128.load*, splat, zero, extend loads)
//   Store     addr, value, offset
//   LoadLane  dst, addr, vec, offset, lane
//   StoreLane addr, vec, offset, lane
//   Shuffle   dst, a, b, lanes[16 bytes = 2 words]
//   Unary     dst, a            Binary dst, a, b        Ternary dst, a, b, c
//   Test      dst(i32), a       (any_true, all_true, bitmask)
//   Splat     dst, x(scalar)
//   Extract   dst(scalar), a, lane
//   Replace   dst, a, x(scalar), lane
//   Shift     dst, a, n(i32)
#pragma once
#include <cstdint>
#include <cstring>

#include "interp/simd_ops.hpp"
#include "opcode.hpp"

namespace mywasm::interp {

enum class SimdShape : uint8_t {
  None, Load, Store, LoadLane, StoreLane, Shuffle, Unary, Binary, Ternary, Test, Splat, Extract, Replace, Shift
};

constexpr unsigned simd_words(SimdShape s) {
  switch (s) {
    case SimdShape::None: return 1;
    case SimdShape::Load: return 4;
    case SimdShape::Store: return 4;
    case SimdShape::LoadLane: return 6;
    case SimdShape::StoreLane: return 5;
    case SimdShape::Shuffle: return 6;
    case SimdShape::Unary: return 3;
    case SimdShape::Binary: return 4;
    case SimdShape::Ternary: return 5;
    case SimdShape::Test: return 3;
    case SimdShape::Splat: return 3;
    case SimdShape::Extract: return 4;
    case SimdShape::Replace: return 5;
    case SimdShape::Shift: return 4;
  }
  return 1;
}

template <Opcode op> struct SimdSem {
  static constexpr SimdShape kShape = SimdShape::None;
};

namespace simd_detail {
using simd::V128;
// Loads `n` bytes from p into the low bytes of a zeroed vector.
inline V128 load_low(const uint8_t* p, unsigned n) {
  V128 v;
  std::memcpy(v.bytes, p, n);
  return v;
}
template <class L> inline L load_scalar(const uint8_t* p) {
  L x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
}  // namespace simd_detail

#define MYWASM_SIMD_SEM(Id, Shape) template <> struct SimdSem<Opcode::Id> { \
  static constexpr SimdShape kShape = SimdShape::Shape;                   \
  using V128 = simd::V128;
#define MYWASM_SIMD_END };

// ---- memory: kBytes is the accessed width (bounds check)
#define MYWASM_SIMD_LOAD(Id, Bytes, expr)                                         \
  MYWASM_SIMD_SEM(Id, Load)                                                       \
  static constexpr unsigned kBytes = Bytes;                                       \
  static V128 load(const uint8_t* p) { using namespace simd_detail; return expr; } \
  MYWASM_SIMD_END
MYWASM_SIMD_LOAD(V128Load, 16, load_low(p, 16))
MYWASM_SIMD_LOAD(V128Load8x8S, 8, simd::i16x8_extend_low_i8x16_s(load_low(p, 8)))
MYWASM_SIMD_LOAD(V128Load8x8U, 8, simd::i16x8_extend_low_i8x16_u(load_low(p, 8)))
MYWASM_SIMD_LOAD(V128Load16x4S, 8, simd::i32x4_extend_low_i16x8_s(load_low(p, 8)))
MYWASM_SIMD_LOAD(V128Load16x4U, 8, simd::i32x4_extend_low_i16x8_u(load_low(p, 8)))
MYWASM_SIMD_LOAD(V128Load32x2S, 8, simd::i64x2_extend_low_i32x4_s(load_low(p, 8)))
MYWASM_SIMD_LOAD(V128Load32x2U, 8, simd::i64x2_extend_low_i32x4_u(load_low(p, 8)))
MYWASM_SIMD_LOAD(V128Load8Splat, 1, simd::splat<uint8_t>(load_scalar<uint8_t>(p)))
MYWASM_SIMD_LOAD(V128Load16Splat, 2, simd::splat<uint16_t>(load_scalar<uint16_t>(p)))
MYWASM_SIMD_LOAD(V128Load32Splat, 4, simd::splat<uint32_t>(load_scalar<uint32_t>(p)))
MYWASM_SIMD_LOAD(V128Load64Splat, 8, simd::splat<uint64_t>(load_scalar<uint64_t>(p)))
MYWASM_SIMD_LOAD(V128Load32Zero, 4, load_low(p, 4))
MYWASM_SIMD_LOAD(V128Load64Zero, 8, load_low(p, 8))
#undef MYWASM_SIMD_LOAD

MYWASM_SIMD_SEM(V128Store, Store)
static constexpr unsigned kBytes = 16;
static void store(uint8_t* p, const V128& v) { std::memcpy(p, v.bytes, 16); }
MYWASM_SIMD_END

#define MYWASM_SIMD_LANE_MEM(Load, Store, Lane)                                          \
  MYWASM_SIMD_SEM(Load, LoadLane)                                                        \
  static constexpr unsigned kBytes = sizeof(Lane);                                       \
  static V128 load(const V128& v, const uint8_t* p, unsigned lane) {                     \
    return simd::replace_lane<Lane>(v, lane, simd_detail::load_scalar<Lane>(p));         \
  }                                                                                      \
  MYWASM_SIMD_END                                                                        \
  MYWASM_SIMD_SEM(Store, StoreLane)                                                      \
  static constexpr unsigned kBytes = sizeof(Lane);                                       \
  static void store(uint8_t* p, const V128& v, unsigned lane) {                          \
    std::memcpy(p, v.bytes + lane * sizeof(Lane), sizeof(Lane));                         \
  }                                                                                      \
  MYWASM_SIMD_END
MYWASM_SIMD_LANE_MEM(V128Load8Lane, V128Store8Lane, uint8_t)
MYWASM_SIMD_LANE_MEM(V128Load16Lane, V128Store16Lane, uint16_t)
MYWASM_SIMD_LANE_MEM(V128Load32Lane, V128Store32Lane, uint32_t)
MYWASM_SIMD_LANE_MEM(V128Load64Lane, V128Store64Lane, uint64_t)
#undef MYWASM_SIMD_LANE_MEM

MYWASM_SIMD_SEM(I8x16Shuffle, Shuffle)
static V128 apply(const V128& a, const V128& b, const uint8_t* lanes) { return simd::i8x16_shuffle(a, b, lanes); }
MYWASM_SIMD_END

// ---- lanes: S is the scalar operand/result type as held in a slot
#define MYWASM_SIMD_SPLAT(Id, S, L)                                        \
  MYWASM_SIMD_SEM(Id, Splat)                                               \
  using Scalar = S;                                                        \
  static V128 apply(S x) { return simd::splat<L>(static_cast<L>(x)); }     \
  MYWASM_SIMD_END
MYWASM_SIMD_SPLAT(I8x16Splat, uint32_t, uint8_t)
MYWASM_SIMD_SPLAT(I16x8Splat, uint32_t, uint16_t)
MYWASM_SIMD_SPLAT(I32x4Splat, uint32_t, uint32_t)
MYWASM_SIMD_SPLAT(I64x2Splat, uint64_t, uint64_t)
MYWASM_SIMD_SPLAT(F32x4Splat, float, float)
MYWASM_SIMD_SPLAT(F64x2Splat, double, double)
#undef MYWASM_SIMD_SPLAT

// Extract: the lane of type L, converted to S (sign- or zero-extended by L).
// Wide is int64_t for integer lanes (so signed lanes sign-extend), else L.
#define MYWASM_SIMD_EXTRACT(Id, S, L, Wide)                                               \
  MYWASM_SIMD_SEM(Id, Extract)                                                            \
  using Scalar = S;                                                                       \
  static S apply(const V128& a, unsigned lane) {                                          \
    return static_cast<S>(static_cast<Wide>(simd::lane<L>(a, lane)));                     \
  }                                                                                       \
  MYWASM_SIMD_END
MYWASM_SIMD_EXTRACT(I8x16ExtractLaneS, uint32_t, int8_t, int64_t)
MYWASM_SIMD_EXTRACT(I8x16ExtractLaneU, uint32_t, uint8_t, int64_t)
MYWASM_SIMD_EXTRACT(I16x8ExtractLaneS, uint32_t, int16_t, int64_t)
MYWASM_SIMD_EXTRACT(I16x8ExtractLaneU, uint32_t, uint16_t, int64_t)
MYWASM_SIMD_EXTRACT(I32x4ExtractLane, uint32_t, uint32_t, int64_t)
MYWASM_SIMD_EXTRACT(I64x2ExtractLane, uint64_t, uint64_t, int64_t)
MYWASM_SIMD_EXTRACT(F32x4ExtractLane, float, float, float)
MYWASM_SIMD_EXTRACT(F64x2ExtractLane, double, double, double)
#undef MYWASM_SIMD_EXTRACT

#define MYWASM_SIMD_REPLACE(Id, S, L)                                        \
  MYWASM_SIMD_SEM(Id, Replace)                                               \
  using Scalar = S;                                                          \
  static V128 apply(const V128& a, S x, unsigned lane) {                     \
    return simd::replace_lane<L>(a, lane, static_cast<L>(x));                \
  }                                                                          \
  MYWASM_SIMD_END
MYWASM_SIMD_REPLACE(I8x16ReplaceLane, uint32_t, uint8_t)
MYWASM_SIMD_REPLACE(I16x8ReplaceLane, uint32_t, uint16_t)
MYWASM_SIMD_REPLACE(I32x4ReplaceLane, uint32_t, uint32_t)
MYWASM_SIMD_REPLACE(I64x2ReplaceLane, uint64_t, uint64_t)
MYWASM_SIMD_REPLACE(F32x4ReplaceLane, float, float)
MYWASM_SIMD_REPLACE(F64x2ReplaceLane, double, double)
#undef MYWASM_SIMD_REPLACE

// ---- lane-wise operations
#define MYWASM_SIMD_UN(Id, expr)                                   \
  MYWASM_SIMD_SEM(Id, Unary)                                       \
  static V128 apply(const V128& a) { return simd::expr(a); }       \
  MYWASM_SIMD_END
#define MYWASM_SIMD_BIN(Id, expr)                                             \
  MYWASM_SIMD_SEM(Id, Binary)                                                 \
  static V128 apply(const V128& a, const V128& b) { return simd::expr(a, b); } \
  MYWASM_SIMD_END
#define MYWASM_SIMD_TEST(Id, expr)                                              \
  MYWASM_SIMD_SEM(Id, Test)                                                     \
  static uint32_t apply(const V128& a) { return uint32_t(simd::expr(a)); }      \
  MYWASM_SIMD_END
#define MYWASM_SIMD_SHIFT(Id, expr)                                                      \
  MYWASM_SIMD_SEM(Id, Shift)                                                             \
  static V128 apply(const V128& a, uint32_t n) { return simd::expr(a, n); }              \
  MYWASM_SIMD_END
// Widening ops of the library take a "high half" flag.
#define MYWASM_SIMD_EXTMUL(Id, N, W, High)                                                         \
  MYWASM_SIMD_SEM(Id, Binary)                                                                      \
  static V128 apply(const V128& a, const V128& b) { return simd::extmul<N, W>(a, b, High); }       \
  MYWASM_SIMD_END

#define MYWASM_SIMD_EXTADD(Id, N, W)                                                    \
  MYWASM_SIMD_SEM(Id, Unary)                                                            \
  static V128 apply(const V128& a) { return simd::extadd_pairwise<N, W>(a); }           \
  MYWASM_SIMD_END

MYWASM_SIMD_BIN(I8x16Swizzle, i8x16_swizzle)

// comparisons
MYWASM_SIMD_BIN(I8x16Eq, i8x16_eq)
MYWASM_SIMD_BIN(I8x16Ne, ne<uint8_t>)
MYWASM_SIMD_BIN(I8x16LtS, lt<int8_t>)
MYWASM_SIMD_BIN(I8x16LtU, lt<uint8_t>)
MYWASM_SIMD_BIN(I8x16GtS, i8x16_gt_s)
MYWASM_SIMD_BIN(I8x16GtU, gt<uint8_t>)
MYWASM_SIMD_BIN(I8x16LeS, le<int8_t>)
MYWASM_SIMD_BIN(I8x16LeU, le<uint8_t>)
MYWASM_SIMD_BIN(I8x16GeS, ge<int8_t>)
MYWASM_SIMD_BIN(I8x16GeU, ge<uint8_t>)
MYWASM_SIMD_BIN(I16x8Eq, i16x8_eq)
MYWASM_SIMD_BIN(I16x8Ne, ne<uint16_t>)
MYWASM_SIMD_BIN(I16x8LtS, lt<int16_t>)
MYWASM_SIMD_BIN(I16x8LtU, lt<uint16_t>)
MYWASM_SIMD_BIN(I16x8GtS, i16x8_gt_s)
MYWASM_SIMD_BIN(I16x8GtU, gt<uint16_t>)
MYWASM_SIMD_BIN(I16x8LeS, le<int16_t>)
MYWASM_SIMD_BIN(I16x8LeU, le<uint16_t>)
MYWASM_SIMD_BIN(I16x8GeS, ge<int16_t>)
MYWASM_SIMD_BIN(I16x8GeU, ge<uint16_t>)
MYWASM_SIMD_BIN(I32x4Eq, i32x4_eq)
MYWASM_SIMD_BIN(I32x4Ne, ne<uint32_t>)
MYWASM_SIMD_BIN(I32x4LtS, lt<int32_t>)
MYWASM_SIMD_BIN(I32x4LtU, lt<uint32_t>)
MYWASM_SIMD_BIN(I32x4GtS, i32x4_gt_s)
MYWASM_SIMD_BIN(I32x4GtU, gt<uint32_t>)
MYWASM_SIMD_BIN(I32x4LeS, le<int32_t>)
MYWASM_SIMD_BIN(I32x4LeU, le<uint32_t>)
MYWASM_SIMD_BIN(I32x4GeS, ge<int32_t>)
MYWASM_SIMD_BIN(I32x4GeU, ge<uint32_t>)
MYWASM_SIMD_BIN(I64x2Eq, i64x2_eq)
MYWASM_SIMD_BIN(I64x2Ne, ne<uint64_t>)
MYWASM_SIMD_BIN(I64x2LtS, lt<int64_t>)
MYWASM_SIMD_BIN(I64x2GtS, gt<int64_t>)
MYWASM_SIMD_BIN(I64x2LeS, le<int64_t>)
MYWASM_SIMD_BIN(I64x2GeS, ge<int64_t>)
MYWASM_SIMD_BIN(F32x4Eq, eq<float>)
MYWASM_SIMD_BIN(F32x4Ne, ne<float>)
MYWASM_SIMD_BIN(F32x4Lt, lt<float>)
MYWASM_SIMD_BIN(F32x4Gt, gt<float>)
MYWASM_SIMD_BIN(F32x4Le, le<float>)
MYWASM_SIMD_BIN(F32x4Ge, ge<float>)
MYWASM_SIMD_BIN(F64x2Eq, eq<double>)
MYWASM_SIMD_BIN(F64x2Ne, ne<double>)
MYWASM_SIMD_BIN(F64x2Lt, lt<double>)
MYWASM_SIMD_BIN(F64x2Gt, gt<double>)
MYWASM_SIMD_BIN(F64x2Le, le<double>)
MYWASM_SIMD_BIN(F64x2Ge, ge<double>)

// bitwise
MYWASM_SIMD_UN(V128Not, v128_not)
MYWASM_SIMD_BIN(V128And, v128_and)
MYWASM_SIMD_BIN(V128Andnot, v128_andnot)
MYWASM_SIMD_BIN(V128Or, v128_or)
MYWASM_SIMD_BIN(V128Xor, v128_xor)
MYWASM_SIMD_SEM(V128Bitselect, Ternary)
static V128 apply(const V128& a, const V128& b, const V128& c) { return simd::v128_bitselect(a, b, c); }
MYWASM_SIMD_END
MYWASM_SIMD_TEST(V128AnyTrue, v128_any_true)

// conversions between float shapes
MYWASM_SIMD_UN(F32x4DemoteF64x2Zero, f32x4_demote_f64x2_zero)
MYWASM_SIMD_UN(F64x2PromoteLowF32x4, f64x2_promote_low_f32x4)

// i8x16
MYWASM_SIMD_UN(I8x16Abs, i8x16_abs)
MYWASM_SIMD_UN(I8x16Neg, i8x16_neg)
MYWASM_SIMD_UN(I8x16Popcnt, i8x16_popcnt)
MYWASM_SIMD_TEST(I8x16AllTrue, all_true<uint8_t>)
MYWASM_SIMD_TEST(I8x16Bitmask, i8x16_bitmask)
MYWASM_SIMD_BIN(I8x16NarrowI16x8S, i8x16_narrow_i16x8_s)
MYWASM_SIMD_BIN(I8x16NarrowI16x8U, i8x16_narrow_i16x8_u)
MYWASM_SIMD_SHIFT(I8x16Shl, i8x16_shl)
MYWASM_SIMD_SHIFT(I8x16ShrS, i8x16_shr_s)
MYWASM_SIMD_SHIFT(I8x16ShrU, i8x16_shr_u)
MYWASM_SIMD_BIN(I8x16Add, i8x16_add)
MYWASM_SIMD_BIN(I8x16AddSatS, i8x16_add_sat_s)
MYWASM_SIMD_BIN(I8x16AddSatU, i8x16_add_sat_u)
MYWASM_SIMD_BIN(I8x16Sub, i8x16_sub)
MYWASM_SIMD_BIN(I8x16SubSatS, i8x16_sub_sat_s)
MYWASM_SIMD_BIN(I8x16SubSatU, i8x16_sub_sat_u)
MYWASM_SIMD_BIN(I8x16MinS, i8x16_min_s)
MYWASM_SIMD_BIN(I8x16MinU, i8x16_min_u)
MYWASM_SIMD_BIN(I8x16MaxS, i8x16_max_s)
MYWASM_SIMD_BIN(I8x16MaxU, i8x16_max_u)
MYWASM_SIMD_BIN(I8x16AvgrU, i8x16_avgr_u)

// i16x8
MYWASM_SIMD_EXTADD(I16x8ExtaddPairwiseI8x16S, int8_t, int16_t)
MYWASM_SIMD_EXTADD(I16x8ExtaddPairwiseI8x16U, uint8_t, uint16_t)
MYWASM_SIMD_UN(I16x8Abs, i16x8_abs)
MYWASM_SIMD_UN(I16x8Neg, i16x8_neg)
MYWASM_SIMD_BIN(I16x8Q15mulrSatS, i16x8_q15mulr_sat_s)
MYWASM_SIMD_TEST(I16x8AllTrue, all_true<uint16_t>)
MYWASM_SIMD_TEST(I16x8Bitmask, i16x8_bitmask)
MYWASM_SIMD_BIN(I16x8NarrowI32x4S, i16x8_narrow_i32x4_s)
MYWASM_SIMD_BIN(I16x8NarrowI32x4U, i16x8_narrow_i32x4_u)
MYWASM_SIMD_UN(I16x8ExtendLowI8x16S, i16x8_extend_low_i8x16_s)
MYWASM_SIMD_UN(I16x8ExtendHighI8x16S, i16x8_extend_high_i8x16_s)
MYWASM_SIMD_UN(I16x8ExtendLowI8x16U, i16x8_extend_low_i8x16_u)
MYWASM_SIMD_UN(I16x8ExtendHighI8x16U, i16x8_extend_high_i8x16_u)
MYWASM_SIMD_SHIFT(I16x8Shl, i16x8_shl)
MYWASM_SIMD_SHIFT(I16x8ShrS, i16x8_shr_s)
MYWASM_SIMD_SHIFT(I16x8ShrU, i16x8_shr_u)
MYWASM_SIMD_BIN(I16x8Add, i16x8_add)
MYWASM_SIMD_BIN(I16x8AddSatS, i16x8_add_sat_s)
MYWASM_SIMD_BIN(I16x8AddSatU, i16x8_add_sat_u)
MYWASM_SIMD_BIN(I16x8Sub, i16x8_sub)
MYWASM_SIMD_BIN(I16x8SubSatS, i16x8_sub_sat_s)
MYWASM_SIMD_BIN(I16x8SubSatU, i16x8_sub_sat_u)
MYWASM_SIMD_BIN(I16x8Mul, i16x8_mul)
MYWASM_SIMD_BIN(I16x8MinS, i16x8_min_s)
MYWASM_SIMD_BIN(I16x8MinU, i16x8_min_u)
MYWASM_SIMD_BIN(I16x8MaxS, i16x8_max_s)
MYWASM_SIMD_BIN(I16x8MaxU, i16x8_max_u)
MYWASM_SIMD_BIN(I16x8AvgrU, i16x8_avgr_u)
MYWASM_SIMD_EXTMUL(I16x8ExtmulLowI8x16S, int8_t, int16_t, false)
MYWASM_SIMD_EXTMUL(I16x8ExtmulHighI8x16S, int8_t, int16_t, true)
MYWASM_SIMD_EXTMUL(I16x8ExtmulLowI8x16U, uint8_t, uint16_t, false)
MYWASM_SIMD_EXTMUL(I16x8ExtmulHighI8x16U, uint8_t, uint16_t, true)

// i32x4
MYWASM_SIMD_EXTADD(I32x4ExtaddPairwiseI16x8S, int16_t, int32_t)
MYWASM_SIMD_EXTADD(I32x4ExtaddPairwiseI16x8U, uint16_t, uint32_t)
MYWASM_SIMD_UN(I32x4Abs, i32x4_abs)
MYWASM_SIMD_UN(I32x4Neg, i32x4_neg)
MYWASM_SIMD_TEST(I32x4AllTrue, all_true<uint32_t>)
MYWASM_SIMD_TEST(I32x4Bitmask, i32x4_bitmask)
MYWASM_SIMD_UN(I32x4ExtendLowI16x8S, i32x4_extend_low_i16x8_s)
MYWASM_SIMD_UN(I32x4ExtendHighI16x8S, i32x4_extend_high_i16x8_s)
MYWASM_SIMD_UN(I32x4ExtendLowI16x8U, i32x4_extend_low_i16x8_u)
MYWASM_SIMD_UN(I32x4ExtendHighI16x8U, i32x4_extend_high_i16x8_u)
MYWASM_SIMD_SHIFT(I32x4Shl, i32x4_shl)
MYWASM_SIMD_SHIFT(I32x4ShrS, i32x4_shr_s)
MYWASM_SIMD_SHIFT(I32x4ShrU, i32x4_shr_u)
MYWASM_SIMD_BIN(I32x4Add, i32x4_add)
MYWASM_SIMD_BIN(I32x4Sub, i32x4_sub)
MYWASM_SIMD_BIN(I32x4Mul, i32x4_mul)
MYWASM_SIMD_BIN(I32x4MinS, i32x4_min_s)
MYWASM_SIMD_BIN(I32x4MinU, i32x4_min_u)
MYWASM_SIMD_BIN(I32x4MaxS, i32x4_max_s)
MYWASM_SIMD_BIN(I32x4MaxU, i32x4_max_u)
MYWASM_SIMD_BIN(I32x4DotI16x8S, i32x4_dot_i16x8_s)
MYWASM_SIMD_EXTMUL(I32x4ExtmulLowI16x8S, int16_t, int32_t, false)
MYWASM_SIMD_EXTMUL(I32x4ExtmulHighI16x8S, int16_t, int32_t, true)
MYWASM_SIMD_EXTMUL(I32x4ExtmulLowI16x8U, uint16_t, uint32_t, false)
MYWASM_SIMD_EXTMUL(I32x4ExtmulHighI16x8U, uint16_t, uint32_t, true)

// i64x2
MYWASM_SIMD_UN(I64x2Abs, i64x2_abs)
MYWASM_SIMD_UN(I64x2Neg, i64x2_neg)
MYWASM_SIMD_TEST(I64x2AllTrue, all_true<uint64_t>)
MYWASM_SIMD_TEST(I64x2Bitmask, i64x2_bitmask)
MYWASM_SIMD_UN(I64x2ExtendLowI32x4S, i64x2_extend_low_i32x4_s)
MYWASM_SIMD_UN(I64x2ExtendHighI32x4S, i64x2_extend_high_i32x4_s)
MYWASM_SIMD_UN(I64x2ExtendLowI32x4U, i64x2_extend_low_i32x4_u)
MYWASM_SIMD_UN(I64x2ExtendHighI32x4U, i64x2_extend_high_i32x4_u)
MYWASM_SIMD_SHIFT(I64x2Shl, i64x2_shl)
MYWASM_SIMD_SHIFT(I64x2ShrS, i64x2_shr_s)
MYWASM_SIMD_SHIFT(I64x2ShrU, i64x2_shr_u)
MYWASM_SIMD_BIN(I64x2Add, i64x2_add)
MYWASM_SIMD_BIN(I64x2Sub, i64x2_sub)
MYWASM_SIMD_BIN(I64x2Mul, i64x2_mul)
MYWASM_SIMD_EXTMUL(I64x2ExtmulLowI32x4S, int32_t, int64_t, false)
MYWASM_SIMD_EXTMUL(I64x2ExtmulHighI32x4S, int32_t, int64_t, true)
MYWASM_SIMD_EXTMUL(I64x2ExtmulLowI32x4U, uint32_t, uint64_t, false)
MYWASM_SIMD_EXTMUL(I64x2ExtmulHighI32x4U, uint32_t, uint64_t, true)

// f32x4 / f64x2
MYWASM_SIMD_UN(F32x4Ceil, f32x4_ceil)
MYWASM_SIMD_UN(F32x4Floor, f32x4_floor)
MYWASM_SIMD_UN(F32x4Trunc, f32x4_trunc)
MYWASM_SIMD_UN(F32x4Nearest, f32x4_nearest)
MYWASM_SIMD_UN(F64x2Ceil, f64x2_ceil)
MYWASM_SIMD_UN(F64x2Floor, f64x2_floor)
MYWASM_SIMD_UN(F64x2Trunc, f64x2_trunc)
MYWASM_SIMD_UN(F64x2Nearest, f64x2_nearest)
MYWASM_SIMD_UN(F32x4Abs, f32x4_abs)
MYWASM_SIMD_UN(F32x4Neg, f32x4_neg)
MYWASM_SIMD_UN(F32x4Sqrt, f32x4_sqrt)
MYWASM_SIMD_BIN(F32x4Add, f32x4_add)
MYWASM_SIMD_BIN(F32x4Sub, f32x4_sub)
MYWASM_SIMD_BIN(F32x4Mul, f32x4_mul)
MYWASM_SIMD_BIN(F32x4Div, f32x4_div)
MYWASM_SIMD_BIN(F32x4Min, f32x4_min)
MYWASM_SIMD_BIN(F32x4Max, f32x4_max)
MYWASM_SIMD_BIN(F32x4Pmin, f32x4_pmin)
MYWASM_SIMD_BIN(F32x4Pmax, f32x4_pmax)
MYWASM_SIMD_UN(F64x2Abs, f64x2_abs)
MYWASM_SIMD_UN(F64x2Neg, f64x2_neg)
MYWASM_SIMD_UN(F64x2Sqrt, f64x2_sqrt)
MYWASM_SIMD_BIN(F64x2Add, f64x2_add)
MYWASM_SIMD_BIN(F64x2Sub, f64x2_sub)
MYWASM_SIMD_BIN(F64x2Mul, f64x2_mul)
MYWASM_SIMD_BIN(F64x2Div, f64x2_div)
MYWASM_SIMD_BIN(F64x2Min, f64x2_min)
MYWASM_SIMD_BIN(F64x2Max, f64x2_max)
MYWASM_SIMD_BIN(F64x2Pmin, f64x2_pmin)
MYWASM_SIMD_BIN(F64x2Pmax, f64x2_pmax)

// int <-> float conversions
MYWASM_SIMD_UN(I32x4TruncSatF32x4S, i32x4_trunc_sat_f32x4_s)
MYWASM_SIMD_UN(I32x4TruncSatF32x4U, i32x4_trunc_sat_f32x4_u)
MYWASM_SIMD_UN(F32x4ConvertI32x4S, f32x4_convert_i32x4_s)
MYWASM_SIMD_UN(F32x4ConvertI32x4U, f32x4_convert_i32x4_u)
MYWASM_SIMD_UN(I32x4TruncSatF64x2SZero, i32x4_trunc_sat_f64x2_s_zero)
MYWASM_SIMD_UN(I32x4TruncSatF64x2UZero, i32x4_trunc_sat_f64x2_u_zero)
MYWASM_SIMD_UN(F64x2ConvertLowI32x4S, f64x2_convert_low_i32x4_s)
MYWASM_SIMD_UN(F64x2ConvertLowI32x4U, f64x2_convert_low_i32x4_u)

#undef MYWASM_SIMD_UN
#undef MYWASM_SIMD_BIN
#undef MYWASM_SIMD_TEST
#undef MYWASM_SIMD_SHIFT
#undef MYWASM_SIMD_EXTMUL
#undef MYWASM_SIMD_EXTADD
#undef MYWASM_SIMD_SEM
#undef MYWASM_SIMD_END

}  // namespace mywasm::interp
