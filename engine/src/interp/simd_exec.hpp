// One plain v128 instruction of translated code (see code.hpp), operands
// read as its handler word's operands: what the interpreter's v128 handlers
// (simd_handlers.inc) run, and what compiled code calls for a v128
// instruction it has no inline form for (interp::simd_instruction_fn). Only
// interpreter.cpp includes it, so both use the same host SIMD build flags.
//
// Memory accesses compute the effective address and check it as the scalar
// loads and stores do; false means "out of bounds memory access".
#pragma once
#include <cstring>
#include <type_traits>

#include "interp/simd_sem.hpp"

namespace mywasm::interp {

inline simd::V128 frame_v128(const uint64_t* p) {
  simd::V128 v;
  std::memcpy(v.bytes, p, 16);
  return v;
}
inline void set_frame_v128(uint64_t* p, const simd::V128& v) { std::memcpy(p, v.bytes, 16); }

template <Opcode op>
[[gnu::always_inline]] inline bool exec_simd(uint64_t* fp, const uint64_t* pc, uint8_t* mem, uint64_t mem_size) {
  using Op = SimdSem<op>;
  constexpr SimdShape kShape = Op::kShape;
  auto v = [&](int i) { return frame_v128(&fp[pc[i]]); };
  auto set = [&](int i, const simd::V128& r) { set_frame_v128(&fp[pc[i]], r); };
  // (generic, so that it is instantiated only for the shapes that access memory)
  auto address = [&](auto addr, int offset, uint64_t& ea) {
    ea = uint64_t(uint32_t(fp[pc[addr]])) + pc[offset];
    using Access = std::conditional_t<true, Op, decltype(addr)>;  // Op, named dependently
    return ea + Access::kBytes <= mem_size;
  };
  uint64_t ea = 0;
  if constexpr (kShape == SimdShape::Load) {
    if (!address(2, 3, ea)) return false;
    set(1, Op::load(mem + ea));
  } else if constexpr (kShape == SimdShape::Store) {
    if (!address(1, 3, ea)) return false;
    Op::store(mem + ea, v(2));
  } else if constexpr (kShape == SimdShape::LoadLane) {
    if (!address(2, 4, ea)) return false;
    set(1, Op::load(v(3), mem + ea, unsigned(pc[5])));
  } else if constexpr (kShape == SimdShape::StoreLane) {
    if (!address(1, 3, ea)) return false;
    Op::store(mem + ea, v(2), unsigned(pc[4]));
  } else if constexpr (kShape == SimdShape::Shuffle) {
    set(1, Op::apply(v(2), v(3), reinterpret_cast<const uint8_t*>(pc + 4)));
  } else if constexpr (kShape == SimdShape::Unary) {
    set(1, Op::apply(v(2)));
  } else if constexpr (kShape == SimdShape::Binary) {
    set(1, Op::apply(v(2), v(3)));
  } else if constexpr (kShape == SimdShape::Ternary) {
    set(1, Op::apply(v(2), v(3), v(4)));
  } else if constexpr (kShape == SimdShape::Test) {
    fp[pc[1]] = Op::apply(v(2));
  } else if constexpr (kShape == SimdShape::Splat) {
    using T = typename Op::Scalar;
    T x;
    if constexpr (sizeof(T) == 8) x = std::bit_cast<T>(fp[pc[2]]);
    else x = std::bit_cast<T>(static_cast<uint32_t>(fp[pc[2]]));
    set(1, Op::apply(x));
  } else if constexpr (kShape == SimdShape::Extract) {
    using T = typename Op::Scalar;
    const T r = Op::apply(v(2), unsigned(pc[3]));
    if constexpr (sizeof(T) == 8) fp[pc[1]] = std::bit_cast<uint64_t>(r);
    else fp[pc[1]] = std::bit_cast<uint32_t>(r);
  } else if constexpr (kShape == SimdShape::Replace) {
    using T = typename Op::Scalar;
    T x;
    if constexpr (sizeof(T) == 8) x = std::bit_cast<T>(fp[pc[3]]);
    else x = std::bit_cast<T>(static_cast<uint32_t>(fp[pc[3]]));
    set(1, Op::apply(v(2), x, unsigned(pc[4])));
  } else if constexpr (kShape == SimdShape::Shift) {
    set(1, Op::apply(v(2), uint32_t(fp[pc[3]])));
  }
  return true;
}

}  // namespace mywasm::interp
