// Number literal syntax and conversion of the text format.
#include <gtest/gtest.h>

#include <cstring>

#include "text/sexpr.hpp"

namespace mywasm::text {
namespace {

uint64_t int_bits(std::string_view text, unsigned bits) {
  uint64_t v = 0;
  const char* err = parse_int(text, bits, v);
  EXPECT_EQ(err, nullptr) << text;
  return v;
}

std::string int_error(std::string_view text, unsigned bits) {
  uint64_t v;
  const char* err = parse_int(text, bits, v);
  return err ? err : "";
}

uint64_t float_bits(std::string_view text, unsigned bits) {
  uint64_t v = 0;
  const char* err = parse_float(text, bits, v);
  EXPECT_EQ(err, nullptr) << text;
  return v;
}

std::string float_error(std::string_view text, unsigned bits) {
  uint64_t v;
  const char* err = parse_float(text, bits, v);
  return err ? err : "";
}

TEST(IntLiterals, SignedAndUnsignedFormsShareTheRange) {
  EXPECT_EQ(int_bits("0xffffffff", 32), 0xFFFFFFFFu);
  EXPECT_EQ(int_bits("-1", 32), 0xFFFFFFFFu);
  EXPECT_EQ(int_bits("-0x80000000", 32), 0x80000000u);
  EXPECT_EQ(int_bits("4294967295", 32), 0xFFFFFFFFu);
  EXPECT_EQ(int_bits("+42", 32), 42u);
  EXPECT_EQ(int_bits("-9223372036854775808", 64), 0x8000000000000000u);
  EXPECT_EQ(int_bits("0xffff_ffff_ffff_ffff", 64), UINT64_MAX);
  EXPECT_EQ(int_bits("1_000_000", 32), 1000000u);
}

TEST(IntLiterals, RangeAndSyntaxErrors) {
  EXPECT_EQ(int_error("0x100000000", 32), "constant out of range");
  EXPECT_EQ(int_error("-0x80000001", 32), "constant out of range");
  EXPECT_EQ(int_error("18446744073709551616", 64), "constant out of range");
  EXPECT_EQ(int_error("1__0", 32), "unknown operator");
  EXPECT_EQ(int_error("_1", 32), "unknown operator");
  EXPECT_EQ(int_error("1_", 32), "unknown operator");
  EXPECT_EQ(int_error("0x", 32), "unknown operator");
  EXPECT_EQ(int_error("0x_1", 32), "unknown operator");
  EXPECT_EQ(int_error("1.0", 32), "unknown operator");
  uint64_t v;
  EXPECT_NE(parse_nat("-1", 32, v), nullptr);
  EXPECT_NE(parse_nat("+1", 32, v), nullptr);
  EXPECT_EQ(parse_nat("0x10", 32, v), nullptr);
  EXPECT_EQ(v, 16u);
}

TEST(FloatLiterals, SpecialValues) {
  EXPECT_EQ(float_bits("inf", 32), 0x7F800000u);
  EXPECT_EQ(float_bits("-inf", 64), 0xFFF0000000000000u);
  EXPECT_EQ(float_bits("nan", 32), 0x7FC00000u);
  EXPECT_EQ(float_bits("-nan", 64), 0xFFF8000000000000u);
  EXPECT_EQ(float_bits("nan:0x200000", 32), 0x7FA00000u);
  EXPECT_EQ(float_bits("-nan:0x7f_ffff", 32), 0xFFFFFFFFu);
  EXPECT_EQ(float_bits("nan:0x1", 64), 0x7FF0000000000001u);
  EXPECT_EQ(float_error("nan:0x0", 32), "constant out of range");
  EXPECT_EQ(float_error("nan:0x800000", 32), "constant out of range");
  EXPECT_EQ(float_bits("-0", 32), 0x80000000u);
  EXPECT_EQ(float_bits("-0.0", 64), 0x8000000000000000u);
}

TEST(FloatLiterals, DecimalAndHexRoundToNearestEven) {
  EXPECT_EQ(float_bits("1", 32), 0x3F800000u);
  EXPECT_EQ(float_bits("0x1p-1", 32), 0x3F000000u);
  EXPECT_EQ(float_bits("1.", 64), 0x3FF0000000000000u);
  EXPECT_EQ(float_bits("1.e1", 64), 0x4024000000000000u);
  EXPECT_EQ(float_bits("0x1.fffffep127", 32), 0x7F7FFFFFu);  // FLT_MAX
  EXPECT_EQ(float_bits("0x1p-149", 32), 0x00000001u);         // smallest subnormal
  // Exactly halfway between 1 and the next f32: ties to even (down).
  EXPECT_EQ(float_bits("0x1.000001p0", 32), 0x3F800000u);
  // Just above halfway rounds up.
  EXPECT_EQ(float_bits("0x1.00000100000000000001p0", 32), 0x3F800001u);
  // Halfway with odd lower neighbour rounds up to even.
  EXPECT_EQ(float_bits("0x1.000003p0", 32), 0x3F800002u);
  EXPECT_EQ(float_bits("1_000.000_1", 64), float_bits("1000.0001", 64));
  // Directly rounded to f32, not through f64 (double rounding would differ).
  EXPECT_EQ(float_bits("1.00000005960464477539062500000000001", 32), 0x3F800001u);
  EXPECT_EQ(float_bits("0x1.fffffefffffffffffp127", 32), 0x7F7FFFFFu);
}

TEST(FloatLiterals, OverflowAndBadSyntax) {
  EXPECT_EQ(float_error("0x1p128", 32), "constant out of range");
  EXPECT_EQ(float_error("1e309", 64), "constant out of range");
  EXPECT_EQ(float_error("0x1.ffffffp127", 32), "constant out of range");  // rounds to inf
  EXPECT_EQ(float_error("1e", 64), "unknown operator");
  EXPECT_EQ(float_error(".5", 64), "unknown operator");
  EXPECT_EQ(float_error("1._5", 64), "unknown operator");
  EXPECT_EQ(float_error("0x1p_1", 64), "unknown operator");
  EXPECT_EQ(float_error("infinity", 64), "unknown operator");
  EXPECT_EQ(float_error("nan:canonical", 32), "unexpected token");
  EXPECT_EQ(int_error("nan:arithmetic", 32), "unexpected token");
}

TEST(Lexer, StringsCommentsAndPositions) {
  auto top = read_sexprs("(a ;; line\n (; block (; nested ;) ;) \"x\\n\\t\\41\\u{1F600}\\\"\" $id)");
  ASSERT_EQ(top.size(), 1u);
  const SExpr& list = top[0];
  ASSERT_EQ(list.items.size(), 3u);
  EXPECT_TRUE(list.items[0].is_atom("a"));
  EXPECT_TRUE(list.items[1].is_string());
  EXPECT_EQ(list.items[1].text, "x\n\tA\xF0\x9F\x98\x80\"");
  EXPECT_TRUE(list.items[2].is_id());
  EXPECT_EQ(list.items[2].text, "$id");
  EXPECT_EQ(list.items[1].line, 2u);
  EXPECT_EQ(list.items[1].column, 27u);
}

TEST(Lexer, Errors) {
  EXPECT_THROW(read_sexprs("(a"), TextFailure);
  EXPECT_THROW(read_sexprs("a)"), TextFailure);
  EXPECT_THROW(read_sexprs("\"abc"), TextFailure);
  EXPECT_THROW(read_sexprs("\"\\q\""), TextFailure);
  EXPECT_THROW(read_sexprs("(; unclosed"), TextFailure);
  EXPECT_THROW(read_sexprs("\"a\"\"b\""), TextFailure);
  EXPECT_THROW(read_sexprs("\"\\u{D800}\""), TextFailure);
  try {
    read_sexprs("(a\n  \"\\z\")");
    FAIL();
  } catch (const TextFailure& f) {
    EXPECT_EQ(f.error.line, 2u);
  }
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("plain \xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));      // truncated
}

}  // namespace
}  // namespace mywasm::text
