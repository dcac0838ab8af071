// Decoding and validation of the 0xFD (SIMD) instructions: immediates,
// lane index bounds, alignment of lane memory accesses, v128 typing.
#include <gtest/gtest.h>

#include "decoder.hpp"
#include "module_bytes.hpp"

namespace mywasm {
namespace {

using test::Bytes;
using test::cat;
using test::load;
using test::section;
using test::single_func_module;

constexpr uint8_t I32 = 0x7F, V128 = 0x7B;
const Bytes kMemory = section(5, {0x01, 0x00, 0x01});  // one memory, min 1 page

Bytes v128_const(uint8_t fill) {
  Bytes b(18, fill);  // v128.const and its 16 bytes
  b[0] = 0xFD;
  b[1] = 0x0C;
  return b;
}

std::string body_result(const Bytes& results, const Bytes& code, const Bytes& before_code = {}) {
  return load(single_func_module(results, code, before_code)).message();
}

TEST(SimdOpcodes, TableHasEveryWasm2SimdInstruction) {
  unsigned simd = 0;
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    if (kOpcodeInfo[i].prefix != 0xFD) continue;
    ++simd;
    auto op = opcode_from_prefixed(0xFD, kOpcodeInfo[i].code);
    ASSERT_TRUE(op);
    EXPECT_EQ(static_cast<unsigned>(*op), i);
    EXPECT_EQ(opcode_from_name(kOpcodeInfo[i].name), op) << kOpcodeInfo[i].name;
    EXPECT_TRUE(kOpcodeInfo[i].is_simple()) << kOpcodeInfo[i].name;
  }
  EXPECT_EQ(simd, 236u);
  EXPECT_EQ(opcode_from_prefixed(0xFD, 0x9A), std::nullopt);  // a gap in the encoding
  EXPECT_EQ(info(*opcode_from_name("i32x4.dot_i16x8_s")).code, 0xBAu);
  EXPECT_EQ(info(*opcode_from_name("f64x2.convert_low_i32x4_u")).code, 0xFFu);
}

TEST(SimdDecoder, Immediates) {
  // v128.const: 16 raw bytes; i8x16.shuffle: 16 lane bytes; extract_lane: one byte;
  // v128.load8_lane: memarg then lane byte (sub-opcode 0x54).
  Bytes code = cat({v128_const(0xAB), {0xFD, 0x0D}, Bytes(16, 3), {0xFD, 0x15, 0x07},
                    {0xFD, 0xD4, 0x00}});  // redundant two-byte LEB sub-opcode 0x54
  Bytes bytes = cat({code, {0x00, 0x00, 0x0B}});
  Reader r{std::span<const uint8_t>(bytes)};
  Instr in;
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::V128Const);
  EXPECT_EQ(in.v128[15], 0xAB);
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::I8x16Shuffle);
  EXPECT_EQ(in.v128[0], 3);
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::I8x16ExtractLaneS);
  EXPECT_EQ(in.b, 7u);
  ASSERT_FALSE(read_instr(r, in));
  EXPECT_EQ(in.op, Opcode::V128Load8Lane);
  EXPECT_EQ(in.a, 0u);      // align
  EXPECT_EQ(in.imm64, 0u);  // offset
  EXPECT_EQ(in.b, 0x0Bu);   // lane (the byte after the memarg)
}

TEST(SimdDecoder, UnknownSubOpcode) {
  EXPECT_EQ(body_result({}, {0xFD, 0x9A, 0x01, 0x0B}), "illegal opcode fd 154");
  EXPECT_EQ(body_result({}, {0xFD, 0x80, 0x02, 0x0B}), "illegal opcode fd 256");
}

TEST(SimdValidator, TypesFromTheOpcodeTable) {
  // i32x4.add of two constants -> v128
  EXPECT_EQ(body_result({V128}, cat({v128_const(1), v128_const(2), {0xFD, 0xAE, 0x01, 0x0B}})), "ok");
  // any_true -> i32
  EXPECT_EQ(body_result({I32}, cat({v128_const(1), {0xFD, 0x53, 0x0B}})), "ok");
  // i8x16.shl takes (v128, i32)
  EXPECT_EQ(body_result({V128}, cat({v128_const(1), {0x41, 0x01, 0xFD, 0x6B, 0x0B}})), "ok");
  EXPECT_EQ(body_result({V128}, cat({{0x41, 0x01}, {0x41, 0x01, 0xFD, 0x6B, 0x0B}})), "type mismatch");
  // v128.bitselect takes three v128
  EXPECT_EQ(body_result({V128}, cat({v128_const(1), v128_const(2), v128_const(3), {0xFD, 0x52, 0x0B}})), "ok");
  // select and blocks carry v128
  EXPECT_EQ(body_result({V128}, cat({v128_const(1), v128_const(2), {0x41, 0x00, 0x1B, 0x0B}})), "ok");
  EXPECT_EQ(body_result({V128}, cat({{0x02, V128}, v128_const(1), {0x0B, 0x0B}})), "ok");
}

TEST(SimdValidator, LaneIndexBounds) {
  EXPECT_EQ(body_result({I32}, cat({v128_const(0), {0xFD, 0x15, 15, 0x0B}})), "ok");
  EXPECT_EQ(body_result({I32}, cat({v128_const(0), {0xFD, 0x15, 16, 0x0B}})), "invalid lane index");
  EXPECT_EQ(body_result({I32}, cat({v128_const(0), {0xFD, 0x1B, 3, 0x0B}})), "ok");
  EXPECT_EQ(body_result({I32}, cat({v128_const(0), {0xFD, 0x1B, 4, 0x0B}})), "invalid lane index");
  EXPECT_EQ(body_result({V128}, cat({v128_const(0), {0x42, 0x00, 0xFD, 0x1E, 2, 0x0B}})), "invalid lane index");
  // Shuffle lanes index both operands: < 32.
  Bytes shuffle{0xFD, 0x0D};
  shuffle.insert(shuffle.end(), 16, 31);
  EXPECT_EQ(body_result({V128}, cat({v128_const(0), v128_const(0), shuffle, {0x0B}})), "ok");
  shuffle[17] = 32;
  EXPECT_EQ(body_result({V128}, cat({v128_const(0), v128_const(0), shuffle, {0x0B}})), "invalid lane index");
}

TEST(SimdValidator, MemoryLaneInstructions) {
  Bytes addr{0x41, 0x00};
  // v128.load32_lane align=4 (exponent 2) lane 3: ok; lane 4 invalid; align 8 too large.
  EXPECT_EQ(body_result({V128}, cat({addr, v128_const(0), {0xFD, 0x56, 0x02, 0x00, 3, 0x0B}}), kMemory), "ok");
  EXPECT_EQ(body_result({V128}, cat({addr, v128_const(0), {0xFD, 0x56, 0x02, 0x00, 4, 0x0B}}), kMemory),
            "invalid lane index");
  EXPECT_EQ(body_result({V128}, cat({addr, v128_const(0), {0xFD, 0x56, 0x03, 0x00, 0, 0x0B}}), kMemory),
            "alignment must not be larger than natural");
  // v128.store64_lane: lanes 0..1
  EXPECT_EQ(body_result({}, cat({addr, v128_const(0), {0xFD, 0x5B, 0x03, 0x00, 1, 0x0B}}), kMemory), "ok");
  EXPECT_EQ(body_result({}, cat({addr, v128_const(0), {0xFD, 0x5B, 0x03, 0x00, 2, 0x0B}}), kMemory),
            "invalid lane index");
  // v128.load (align 16 max) and v128.load8x8_s (8 max)
  EXPECT_EQ(body_result({V128}, cat({addr, {0xFD, 0x00, 0x04, 0x00, 0x0B}}), kMemory), "ok");
  EXPECT_EQ(body_result({V128}, cat({addr, {0xFD, 0x00, 0x05, 0x00, 0x0B}}), kMemory),
            "alignment must not be larger than natural");
  EXPECT_EQ(body_result({V128}, cat({addr, {0xFD, 0x01, 0x04, 0x00, 0x0B}}), kMemory),
            "alignment must not be larger than natural");
  EXPECT_EQ(body_result({V128}, cat({addr, {0xFD, 0x00, 0x00, 0x00, 0x0B}})), "unknown memory 0");
}

TEST(SimdValidator, V128GlobalInitialiser) {
  // (global v128 (v128.const ...)) and a mismatching (global i32 (v128.const ...)).
  auto global_module = [](uint8_t type) {
    Bytes g = cat({{0x01, type, 0x00}, v128_const(7), {0x0B}});
    return cat({test::header(), section(6, g)});
  };
  auto ok = load(global_module(V128));
  EXPECT_EQ(ok.message(), "ok");
  ASSERT_EQ(ok.module.globals.size(), 1u);
  EXPECT_EQ(ok.module.globals[0].init.instrs[0].op, Opcode::V128Const);
  EXPECT_EQ(ok.module.globals[0].init.instrs[0].v128[0], 7);
  EXPECT_EQ(load(global_module(I32)).message(), "type mismatch");
}

}  // namespace
}  // namespace mywasm
