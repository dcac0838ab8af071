// Semantics of the "simple" numeric and memory instructions, one line per
// opcode. Operand and result types are not repeated here: they come from the
// Params/Results columns of opcodes.def (type letters i/I/f/F), so the
// interpreter's handlers for all these opcodes are generated from this file
// plus the one opcode table.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "opcode.hpp"

namespace mywasm::interp {

// Why a handler stopped the program. 0 = no trap.
enum class TrapCode : uint8_t {
  None = 0,
  Unreachable,
  DivideByZero,
  IntegerOverflow,
  InvalidConversion,
  MemoryOutOfBounds,
  TableOutOfBounds,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  StackExhausted,
  StepLimit,    // Config::step_limit ran out
  OutOfFuel,    // the store's fuel ran out (Config::consume_fuel)
  OutOfHostMemory,  // an allocation of the runtime failed (translation, a host function)
  Interrupted,  // Store::interrupt()
  Unsupported,  // an instruction the interpreter has no handler for
  HostTrap,     // a host function's trap, in ExecContext::host_trap
};

// The C++ type that holds a value of a type letter from opcodes.def.
template <char Letter> struct LetterType;
template <> struct LetterType<'i'> { using type = uint32_t; };
template <> struct LetterType<'I'> { using type = uint64_t; };
template <> struct LetterType<'f'> { using type = float; };
template <> struct LetterType<'F'> { using type = double; };

// ---------------------------------------------------------------- float helpers
// Bit-level operations never canonicalise NaNs; arithmetic on NaNs goes
// through the FPU, which yields quiet (arithmetic) NaNs as the spec requires.

template <class F> using BitsOf = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <class F> constexpr BitsOf<F> kSignBit = BitsOf<F>(1) << (sizeof(F) * 8 - 1);

template <class F> inline F f_abs(F a) { return std::bit_cast<F>(std::bit_cast<BitsOf<F>>(a) & ~kSignBit<F>); }
template <class F> inline F f_neg(F a) { return std::bit_cast<F>(std::bit_cast<BitsOf<F>>(a) ^ kSignBit<F>); }
template <class F> inline F f_copysign(F a, F b) {
  return std::bit_cast<F>((std::bit_cast<BitsOf<F>>(a) & ~kSignBit<F>) | (std::bit_cast<BitsOf<F>>(b) & kSignBit<F>));
}
template <class F> inline F f_min(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;  // quiet NaN from the operands
  if (a == b) return std::bit_cast<F>(std::bit_cast<BitsOf<F>>(a) | std::bit_cast<BitsOf<F>>(b));  // -0 wins
  return a < b ? a : b;
}
template <class F> inline F f_max(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == b) return std::bit_cast<F>(std::bit_cast<BitsOf<F>>(a) & std::bit_cast<BitsOf<F>>(b));  // +0 wins
  return a > b ? a : b;
}
// Rounding: libm may return a signalling NaN operand unchanged, but wasm
// requires an arithmetic (quiet) NaN, so NaNs go through an FPU add.
template <class F> inline F f_ceil(F a) { return std::isnan(a) ? a + a : std::ceil(a); }
template <class F> inline F f_floor(F a) { return std::isnan(a) ? a + a : std::floor(a); }
template <class F> inline F f_trunc(F a) { return std::isnan(a) ? a + a : std::trunc(a); }
// Round to nearest, ties to even (the default rounding mode).
template <class F> inline F f_nearest(F a) { return std::isnan(a) ? a + a : std::nearbyint(a); }

constexpr double pow2(int n) {
  double r = 1;
  while (n-- > 0) r *= 2;
  return r;
}
// The integer range of I as [lo, hi) in doubles (both bounds exact).
template <class I> constexpr double kTruncLo = std::is_signed_v<I> ? -pow2(sizeof(I) * 8 - 1) : 0.0;
template <class I> constexpr double kTruncHi = pow2(std::is_signed_v<I> ? sizeof(I) * 8 - 1 : sizeof(I) * 8);

// Range check for trapping float->int truncation: is trunc(x) representable in I?
template <class I, class F> inline TrapCode trunc_check(F x) {
  if (std::isnan(x)) return TrapCode::InvalidConversion;
  double t = std::trunc(static_cast<double>(x));
  constexpr double lo = kTruncLo<I>;
  constexpr double hi = kTruncHi<I>;
  if (!(t >= lo && t < hi)) return TrapCode::IntegerOverflow;
  return TrapCode::None;
}
template <class I, class F> inline I trunc_sat(F x) {
  if (std::isnan(x)) return 0;
  constexpr double lo = kTruncLo<I>;
  constexpr double hi = kTruncHi<I>;
  double t = std::trunc(static_cast<double>(x));
  if (t < lo) return std::numeric_limits<I>::min();
  if (t >= hi) return std::numeric_limits<I>::max();
  return static_cast<I>(t);
}

// ---------------------------------------------------------------- Sem<op>
// Sem<op>::apply(a[, b]) computes the result; Sem<op>::check(a[, b]) (only
// when kCanTrap) returns the trap the operands would raise.

template <Opcode op> struct Sem {
  static constexpr bool kDefined = false;
  static constexpr bool kCanTrap = false;
  static constexpr int kArity = 0;
};

template <Opcode op> struct SemBase {
  static constexpr const OpcodeInfo& kInfo = kOpcodeInfo[static_cast<unsigned>(op)];
  static constexpr bool kDefined = true;
  static constexpr bool kCanTrap = false;
  static constexpr int kArity = static_cast<int>(kInfo.params.size());
  using A = typename LetterType<kInfo.params[0]>::type;
  using B = typename LetterType<kInfo.params[kArity - 1]>::type;
  using R = typename LetterType<kInfo.results[0]>::type;
};

#define MYWASM_UNARY(Id, expr)                           \
  template <> struct Sem<Opcode::Id> : SemBase<Opcode::Id> { \
    static R apply(A a) { return static_cast<R>(expr); }   \
  };
#define MYWASM_BINARY(Id, expr)                               \
  template <> struct Sem<Opcode::Id> : SemBase<Opcode::Id> {  \
    static R apply(A a, B b) { return static_cast<R>(expr); } \
  };
#define MYWASM_UNARY_CHECKED(Id, check_expr, expr)                   \
  template <> struct Sem<Opcode::Id> : SemBase<Opcode::Id> {         \
    static constexpr bool kCanTrap = true;                           \
    static TrapCode check(A a) { return check_expr; }                \
    static R apply(A a) { return static_cast<R>(expr); }             \
  };
#define MYWASM_BINARY_CHECKED(Id, check_expr, expr)                  \
  template <> struct Sem<Opcode::Id> : SemBase<Opcode::Id> {         \
    static constexpr bool kCanTrap = true;                           \
    static TrapCode check(A a, B b) { return check_expr; }           \
    static R apply(A a, B b) { return static_cast<R>(expr); }        \
  };

using i32 = int32_t;
using i64 = int64_t;
using u32 = uint32_t;
using u64 = uint64_t;

// Comparisons
MYWASM_UNARY(I32Eqz, a == 0)
MYWASM_BINARY(I32Eq, a == b)
MYWASM_BINARY(I32Ne, a != b)
MYWASM_BINARY(I32LtS, i32(a) < i32(b))
MYWASM_BINARY(I32LtU, a < b)
MYWASM_BINARY(I32GtS, i32(a) > i32(b))
MYWASM_BINARY(I32GtU, a > b)
MYWASM_BINARY(I32LeS, i32(a) <= i32(b))
MYWASM_BINARY(I32LeU, a <= b)
MYWASM_BINARY(I32GeS, i32(a) >= i32(b))
MYWASM_BINARY(I32GeU, a >= b)
MYWASM_UNARY(I64Eqz, a == 0)
MYWASM_BINARY(I64Eq, a == b)
MYWASM_BINARY(I64Ne, a != b)
MYWASM_BINARY(I64LtS, i64(a) < i64(b))
MYWASM_BINARY(I64LtU, a < b)
MYWASM_BINARY(I64GtS, i64(a) > i64(b))
MYWASM_BINARY(I64GtU, a > b)
MYWASM_BINARY(I64LeS, i64(a) <= i64(b))
MYWASM_BINARY(I64LeU, a <= b)
MYWASM_BINARY(I64GeS, i64(a) >= i64(b))
MYWASM_BINARY(I64GeU, a >= b)
MYWASM_BINARY(F32Eq, a == b)
MYWASM_BINARY(F32Ne, a != b)
MYWASM_BINARY(F32Lt, a < b)
MYWASM_BINARY(F32Gt, a > b)
MYWASM_BINARY(F32Le, a <= b)
MYWASM_BINARY(F32Ge, a >= b)
MYWASM_BINARY(F64Eq, a == b)
MYWASM_BINARY(F64Ne, a != b)
MYWASM_BINARY(F64Lt, a < b)
MYWASM_BINARY(F64Gt, a > b)
MYWASM_BINARY(F64Le, a <= b)
MYWASM_BINARY(F64Ge, a >= b)

// Integer arithmetic
MYWASM_UNARY(I32Clz, std::countl_zero(a))
MYWASM_UNARY(I32Ctz, std::countr_zero(a))
MYWASM_UNARY(I32Popcnt, std::popcount(a))
MYWASM_BINARY(I32Add, a + b)
MYWASM_BINARY(I32Sub, a - b)
MYWASM_BINARY(I32Mul, a * b)
MYWASM_BINARY_CHECKED(I32DivS,
                      b == 0 ? TrapCode::DivideByZero
                             : (i32(a) == INT32_MIN && i32(b) == -1 ? TrapCode::IntegerOverflow : TrapCode::None),
                      i32(a) / i32(b))
MYWASM_BINARY_CHECKED(I32DivU, b == 0 ? TrapCode::DivideByZero : TrapCode::None, a / b)
MYWASM_BINARY_CHECKED(I32RemS, b == 0 ? TrapCode::DivideByZero : TrapCode::None,
                      i32(b) == -1 ? 0 : i32(a) % i32(b))
MYWASM_BINARY_CHECKED(I32RemU, b == 0 ? TrapCode::DivideByZero : TrapCode::None, a % b)
MYWASM_BINARY(I32And, a & b)
MYWASM_BINARY(I32Or, a | b)
MYWASM_BINARY(I32Xor, a ^ b)
MYWASM_BINARY(I32Shl, a << (b & 31))
MYWASM_BINARY(I32ShrS, i32(a) >> (b & 31))
MYWASM_BINARY(I32ShrU, a >> (b & 31))
MYWASM_BINARY(I32Rotl, std::rotl(a, int(b & 31)))
MYWASM_BINARY(I32Rotr, std::rotr(a, int(b & 31)))
MYWASM_UNARY(I64Clz, std::countl_zero(a))
MYWASM_UNARY(I64Ctz, std::countr_zero(a))
MYWASM_UNARY(I64Popcnt, std::popcount(a))
MYWASM_BINARY(I64Add, a + b)
MYWASM_BINARY(I64Sub, a - b)
MYWASM_BINARY(I64Mul, a * b)
MYWASM_BINARY_CHECKED(I64DivS,
                      b == 0 ? TrapCode::DivideByZero
                             : (i64(a) == INT64_MIN && i64(b) == -1 ? TrapCode::IntegerOverflow : TrapCode::None),
                      i64(a) / i64(b))
MYWASM_BINARY_CHECKED(I64DivU, b == 0 ? TrapCode::DivideByZero : TrapCode::None, a / b)
MYWASM_BINARY_CHECKED(I64RemS, b == 0 ? TrapCode::DivideByZero : TrapCode::None,
                      i64(b) == -1 ? 0 : i64(a) % i64(b))
MYWASM_BINARY_CHECKED(I64RemU, b == 0 ? TrapCode::DivideByZero : TrapCode::None, a % b)
MYWASM_BINARY(I64And, a & b)
MYWASM_BINARY(I64Or, a | b)
MYWASM_BINARY(I64Xor, a ^ b)
MYWASM_BINARY(I64Shl, a << (b & 63))
MYWASM_BINARY(I64ShrS, i64(a) >> (b & 63))
MYWASM_BINARY(I64ShrU, a >> (b & 63))
MYWASM_BINARY(I64Rotl, std::rotl(a, int(b & 63)))
MYWASM_BINARY(I64Rotr, std::rotr(a, int(b & 63)))

// Float arithmetic
MYWASM_UNARY(F32Abs, f_abs(a))
MYWASM_UNARY(F32Neg, f_neg(a))
MYWASM_UNARY(F32Ceil, f_ceil(a))
MYWASM_UNARY(F32Floor, f_floor(a))
MYWASM_UNARY(F32Trunc, f_trunc(a))
MYWASM_UNARY(F32Nearest, f_nearest(a))
MYWASM_UNARY(F32Sqrt, std::sqrt(a))
MYWASM_BINARY(F32Add, a + b)
MYWASM_BINARY(F32Sub, a - b)
MYWASM_BINARY(F32Mul, a * b)
MYWASM_BINARY(F32Div, a / b)
MYWASM_BINARY(F32Min, f_min(a, b))
MYWASM_BINARY(F32Max, f_max(a, b))
MYWASM_BINARY(F32Copysign, f_copysign(a, b))
MYWASM_UNARY(F64Abs, f_abs(a))
MYWASM_UNARY(F64Neg, f_neg(a))
MYWASM_UNARY(F64Ceil, f_ceil(a))
MYWASM_UNARY(F64Floor, f_floor(a))
MYWASM_UNARY(F64Trunc, f_trunc(a))
MYWASM_UNARY(F64Nearest, f_nearest(a))
MYWASM_UNARY(F64Sqrt, std::sqrt(a))
MYWASM_BINARY(F64Add, a + b)
MYWASM_BINARY(F64Sub, a - b)
MYWASM_BINARY(F64Mul, a * b)
MYWASM_BINARY(F64Div, a / b)
MYWASM_BINARY(F64Min, f_min(a, b))
MYWASM_BINARY(F64Max, f_max(a, b))
MYWASM_BINARY(F64Copysign, f_copysign(a, b))

// Conversions
MYWASM_UNARY(I32WrapI64, u32(a))
MYWASM_UNARY_CHECKED(I32TruncF32S, (trunc_check<i32>(a)), i32(a))
MYWASM_UNARY_CHECKED(I32TruncF32U, (trunc_check<u32>(a)), u32(a))
MYWASM_UNARY_CHECKED(I32TruncF64S, (trunc_check<i32>(a)), i32(a))
MYWASM_UNARY_CHECKED(I32TruncF64U, (trunc_check<u32>(a)), u32(a))
MYWASM_UNARY(I64ExtendI32S, i64(i32(a)))
MYWASM_UNARY(I64ExtendI32U, u64(a))
MYWASM_UNARY_CHECKED(I64TruncF32S, (trunc_check<i64>(a)), i64(a))
MYWASM_UNARY_CHECKED(I64TruncF32U, (trunc_check<u64>(a)), u64(a))
MYWASM_UNARY_CHECKED(I64TruncF64S, (trunc_check<i64>(a)), i64(a))
MYWASM_UNARY_CHECKED(I64TruncF64U, (trunc_check<u64>(a)), u64(a))
MYWASM_UNARY(F32ConvertI32S, float(i32(a)))
MYWASM_UNARY(F32ConvertI32U, float(a))
MYWASM_UNARY(F32ConvertI64S, float(i64(a)))
MYWASM_UNARY(F32ConvertI64U, float(a))  // correctly rounded by the compiler
MYWASM_UNARY(F32DemoteF64, float(a))
MYWASM_UNARY(F64ConvertI32S, double(i32(a)))
MYWASM_UNARY(F64ConvertI32U, double(a))
MYWASM_UNARY(F64ConvertI64S, double(i64(a)))
MYWASM_UNARY(F64ConvertI64U, double(a))
MYWASM_UNARY(F64PromoteF32, double(a))
MYWASM_UNARY(I32ReinterpretF32, std::bit_cast<u32>(a))
MYWASM_UNARY(I64ReinterpretF64, std::bit_cast<u64>(a))
MYWASM_UNARY(F32ReinterpretI32, std::bit_cast<float>(a))
MYWASM_UNARY(F64ReinterpretI64, std::bit_cast<double>(a))

// Sign extension
MYWASM_UNARY(I32Extend8S, i32(int8_t(a)))
MYWASM_UNARY(I32Extend16S, i32(int16_t(a)))
MYWASM_UNARY(I64Extend8S, i64(int8_t(a)))
MYWASM_UNARY(I64Extend16S, i64(int16_t(a)))
MYWASM_UNARY(I64Extend32S, i64(int32_t(a)))

// Saturating truncation
MYWASM_UNARY(I32TruncSatF32S, trunc_sat<i32>(a))
MYWASM_UNARY(I32TruncSatF32U, trunc_sat<u32>(a))
MYWASM_UNARY(I32TruncSatF64S, trunc_sat<i32>(a))
MYWASM_UNARY(I32TruncSatF64U, trunc_sat<u32>(a))
MYWASM_UNARY(I64TruncSatF32S, trunc_sat<i64>(a))
MYWASM_UNARY(I64TruncSatF32U, trunc_sat<u64>(a))
MYWASM_UNARY(I64TruncSatF64S, trunc_sat<i64>(a))
MYWASM_UNARY(I64TruncSatF64U, trunc_sat<u64>(a))

// Ops whose i32 result can drive a branch directly (fused op + br_if / if):
// every non-trapping op producing an i32 (comparisons, eqz, and, ...).
template <Opcode op, bool = Sem<op>::kDefined> struct BranchFusable : std::false_type {};
template <Opcode op>
struct BranchFusable<op, true>
    : std::bool_constant<!Sem<op>::kCanTrap && std::is_same_v<typename Sem<op>::R, uint32_t>> {};

#undef MYWASM_UNARY
#undef MYWASM_BINARY
#undef MYWASM_UNARY_CHECKED
#undef MYWASM_BINARY_CHECKED

// ---------------------------------------------------------------- MemSem<op>
// Loads and stores: only the in-memory type is given; the value type comes
// from opcodes.def. Loads sign- or zero-extend by the signedness of Mem.

template <Opcode op> struct MemSem {
  static constexpr bool kIsLoad = false;
  static constexpr bool kIsStore = false;
};

#define MYWASM_LOAD(Id, MemT)                                                               \
  template <> struct MemSem<Opcode::Id> {                                                   \
    static constexpr bool kIsLoad = true;                                                   \
    static constexpr bool kIsStore = false;                                                 \
    using Mem = MemT;                                                                       \
    using Val = typename LetterType<kOpcodeInfo[static_cast<unsigned>(Opcode::Id)].results[0]>::type; \
  };
#define MYWASM_STORE(Id, MemT)                                                              \
  template <> struct MemSem<Opcode::Id> {                                                   \
    static constexpr bool kIsLoad = false;                                                  \
    static constexpr bool kIsStore = true;                                                  \
    using Mem = MemT;                                                                       \
    using Val = typename LetterType<kOpcodeInfo[static_cast<unsigned>(Opcode::Id)].params[1]>::type; \
  };

MYWASM_LOAD(I32Load, uint32_t)
MYWASM_LOAD(I64Load, uint64_t)
MYWASM_LOAD(F32Load, float)
MYWASM_LOAD(F64Load, double)
MYWASM_LOAD(I32Load8S, int8_t)
MYWASM_LOAD(I32Load8U, uint8_t)
MYWASM_LOAD(I32Load16S, int16_t)
MYWASM_LOAD(I32Load16U, uint16_t)
MYWASM_LOAD(I64Load8S, int8_t)
MYWASM_LOAD(I64Load8U, uint8_t)
MYWASM_LOAD(I64Load16S, int16_t)
MYWASM_LOAD(I64Load16U, uint16_t)
MYWASM_LOAD(I64Load32S, int32_t)
MYWASM_LOAD(I64Load32U, uint32_t)
MYWASM_STORE(I32Store, uint32_t)
MYWASM_STORE(I64Store, uint64_t)
MYWASM_STORE(F32Store, float)
MYWASM_STORE(F64Store, double)
MYWASM_STORE(I32Store8, uint8_t)
MYWASM_STORE(I32Store16, uint16_t)
MYWASM_STORE(I64Store8, uint8_t)
MYWASM_STORE(I64Store16, uint16_t)
MYWASM_STORE(I64Store32, uint32_t)

#undef MYWASM_LOAD
#undef MYWASM_STORE

}  // namespace mywasm::interp
