// SIMD instructions in the text format: v128.const lane shapes, shuffle
// and lane immediates, memarg + lane, and the malformed forms the spec
// tests name.
#include <gtest/gtest.h>

#include <algorithm>

#include "text/wast.hpp"

namespace mywasm::text {
namespace {

using Bytes = std::vector<uint8_t>;

// The encoded body of `(func (result ...) <body>)` must contain `expected`.
::testing::AssertionResult encodes_to(std::string_view func, const Bytes& expected) {
  auto r = wat_to_binary("(module (memory 1) " + std::string(func) + ")");
  if (auto* e = std::get_if<TextError>(&r)) return ::testing::AssertionFailure() << e->to_string();
  const Bytes& b = std::get<Bytes>(r);
  if (std::search(b.begin(), b.end(), expected.begin(), expected.end()) == b.end()) {
    return ::testing::AssertionFailure() << "bytes not found in the encoding of " << func;
  }
  return ::testing::AssertionSuccess();
}

std::string error_of(std::string_view func) {
  auto r = wat_to_binary("(module (memory 1) " + std::string(func) + ")");
  if (auto* e = std::get_if<TextError>(&r)) return e->message;
  return "(accepted)";
}

// `(v128.const <shape and lanes>)` must encode as 0xFD 0x0C and `lanes`
// (16 bytes, little-endian).
::testing::AssertionResult const_encodes_to(std::string_view literal, const Bytes& lanes) {
  if (lanes.size() != 16) return ::testing::AssertionFailure() << "expected lanes are not 16 bytes";
  Bytes expected{0xFD, 0x0C};
  expected.insert(expected.end(), lanes.begin(), lanes.end());
  return encodes_to("(func (result v128) (v128.const " + std::string(literal) + "))", expected);
}
std::string const_error_of(std::string_view literal) {
  return error_of("(func (v128.const " + std::string(literal) + ") drop)");
}

// The error for an i8x16.shuffle with these lane literals on two v128 operands.
std::string shuffle_error_of(std::string_view lanes) {
  return error_of("(func (param v128) (result v128) (i8x16.shuffle " + std::string(lanes) +
                  " (local.get 0) (local.get 0)))");
}

TEST(SimdText, V128ConstEveryShape) {
  EXPECT_TRUE(const_encodes_to("i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1",
                               {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xFF}));
  EXPECT_TRUE(const_encodes_to("i16x8 1 -1 0x1234 0 0 0 0 65535",
                               {1, 0, 0xFF, 0xFF, 0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}));
  EXPECT_TRUE(const_encodes_to("i32x4 1 2 3 0xFFFFFFFF", {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_TRUE(const_encodes_to("i64x2 -2 1", {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(const_encodes_to("f32x4 1.0 -0 nan inf",
                               {0, 0, 0x80, 0x3F, 0, 0, 0, 0x80, 0, 0, 0xC0, 0x7F, 0, 0, 0x80, 0x7F}));
  EXPECT_TRUE(const_encodes_to("f64x2 0x1p+0 -2", {0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0}));
  EXPECT_EQ(const_error_of("i32x4 1 2 3"), "wrong number of lane literals");
  EXPECT_EQ(const_error_of("i32x4 1 2 3 4 5"), "wrong number of lane literals");
  EXPECT_EQ(const_error_of("i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), "constant out of range");
  EXPECT_EQ(const_error_of("i32x2 1 2"), "unexpected token");
}

TEST(SimdText, ShuffleTakesSixteenLaneLiterals) {
  Bytes expected{0xFD, 0x0D};
  for (uint8_t i = 0; i < 16; ++i) expected.push_back(31 - i);
  EXPECT_TRUE(encodes_to("(func (param v128 v128) (result v128) (i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 "
                         "20 19 18 17 16 (local.get 0) (local.get 1)))",
                         expected));
  // Flat form: the lane list ends at the next instruction keyword.
  EXPECT_TRUE(encodes_to("(func (param v128 v128) (result v128) local.get 0 local.get 1 i8x16.shuffle 31 30 29 "
                         "28 27 26 25 24 23 22 21 20 19 18 17 16 return)",
                         expected));
  EXPECT_EQ(shuffle_error_of("0 1 2 3 4 5 6 7 8 9 10 11 12 13 14"), "invalid lane length");
  EXPECT_EQ(shuffle_error_of("0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1"), "malformed lane index");
  EXPECT_EQ(shuffle_error_of("0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 256"), "malformed lane index");
}

TEST(SimdText, LaneImmediates) {
  EXPECT_TRUE(encodes_to("(func (param v128) (result i32) (i8x16.extract_lane_u 15 (local.get 0)))",
                         {0xFD, 0x16, 15}));
  EXPECT_TRUE(encodes_to("(func (param v128) (result v128) (i64x2.replace_lane 01 (local.get 0) (i64.const 1)))",
                         {0xFD, 0x1E, 1}));
  EXPECT_EQ(error_of("(func (param v128) (result i32) (i8x16.extract_lane_s 256 (local.get 0)))"),
            "malformed lane index");
  EXPECT_EQ(error_of("(func (param v128) (result i32) (i8x16.extract_lane_s -1 (local.get 0)))"), "unexpected token");
  EXPECT_EQ(error_of("(func (param v128) (result i32) (i32x4.extract_lane 1.5 (local.get 0)))"), "unexpected token");
  EXPECT_EQ(error_of("(func (param v128) (result i32) (i32x4.extract_lane (local.get 0)))"), "unexpected token");
}

TEST(SimdText, MemoryInstructions) {
  // v128.load: natural alignment 16 -> exponent 4; load8x8_s: 8 -> 3; load16_splat: 2 -> 1.
  EXPECT_TRUE(encodes_to("(func (result v128) (v128.load offset=3 (i32.const 0)))", {0xFD, 0x00, 0x04, 0x03}));
  EXPECT_TRUE(encodes_to("(func (result v128) (v128.load8x8_s (i32.const 0)))", {0xFD, 0x01, 0x03, 0x00}));
  EXPECT_TRUE(encodes_to("(func (result v128) (v128.load16_splat align=1 (i32.const 0)))", {0xFD, 0x08, 0x00, 0x00}));
  EXPECT_TRUE(encodes_to("(func (result v128) (v128.load64_zero (i32.const 0)))", {0xFD, 0x5D, 0x03, 0x00}));
  // memarg then lane: v128.load32_lane (0x56) align=4 -> 2, offset 8, lane 3.
  EXPECT_TRUE(encodes_to("(func (param v128) (result v128) (v128.load32_lane offset=8 3 (i32.const 0) "
                         "(local.get 0)))",
                         {0xFD, 0x56, 0x02, 0x08, 0x03}));
  EXPECT_TRUE(encodes_to("(func (param v128) (v128.store8_lane align=1 15 (i32.const 0) (local.get 0)))",
                         {0xFD, 0x58, 0x00, 0x00, 0x0F}));
  EXPECT_TRUE(encodes_to("(func (param v128) (v128.store (i32.const 0) (local.get 0)))", {0xFD, 0x0B, 0x04, 0x00}));
}

TEST(SimdText, SubOpcodesAboveSevenBitsAreLeb) {
  // i32x4.add is 0xAE: LEB u32 0xAE 0x01.
  EXPECT_TRUE(encodes_to("(func (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0)))",
                         {0xFD, 0xAE, 0x01}));
  EXPECT_TRUE(encodes_to("(func (param v128) (result v128) (f64x2.convert_low_i32x4_u (local.get 0)))",
                         {0xFD, 0xFF, 0x01}));
}

TEST(SimdText, V128Globals) {
  EXPECT_TRUE(encodes_to("(global v128 (v128.const i32x4 1 2 3 4))",
                         {0x7B, 0x00, 0xFD, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0x0B}));
}

}  // namespace
}  // namespace mywasm::text
