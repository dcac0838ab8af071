// WAT modules encoded to the binary format (byte layout as wat2wasm's).
#include <gtest/gtest.h>

#include "text/wast.hpp"

namespace mywasm::text {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes encode(std::string_view wat) {
  auto r = wat_to_binary(wat);
  if (auto* e = std::get_if<TextError>(&r)) {
    ADD_FAILURE() << e->to_string() << "\n" << wat;
    return {};
  }
  return std::get<Bytes>(r);
}

std::string error_of(std::string_view wat) {
  auto r = wat_to_binary(wat);
  if (auto* e = std::get_if<TextError>(&r)) return e->message;
  return "(accepted)";
}

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

Bytes with_header(std::initializer_list<uint8_t> sections) {
  Bytes b = kHeader;
  b.insert(b.end(), sections);
  return b;
}

TEST(Wat, EmptyModule) {
  EXPECT_EQ(encode("(module)"), kHeader);
  EXPECT_EQ(encode(""), kHeader);
}

TEST(Wat, FunctionWithExportFoldedAndFlatInstructions) {
  Bytes expected = with_header({
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,                    // type (i32)->(i32)
      0x03, 0x02, 0x01, 0x00,                                            // func
      0x07, 0x07, 0x01, 0x03, 'i', 'n', 'c', 0x00, 0x00,                 // export "inc"
      0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B,  // code
  });
  EXPECT_EQ(encode(R"((module (func $inc (export "inc") (param $x i32) (result i32)
                        (i32.add (local.get $x) (i32.const 1)))))"),
            expected);
  EXPECT_EQ(encode(R"((module (func (export "inc") (param i32) (result i32)
                        local.get 0 i32.const 1 i32.add)))"),
            expected);
  // Without the (module ...) wrapper.
  EXPECT_EQ(encode(R"((func (export "inc") (param i32) (result i32)
                        local.get 0 i32.const 1 i32.add))"),
            expected);
}

// A line comment ends at LF, CR or CR LF: what follows a lone CR is code.
TEST(Wat, LineCommentsEndAtEveryKindOfNewline) {
  const Bytes one_instruction = encode("(module (func i32.const 2 drop))");
  for (std::string_view newline : {"\n", "\r", "\r\n"}) {
    std::string wat = "(module (func ;; comment";
    wat += newline;
    wat += "i32.const 2 drop))";
    EXPECT_EQ(encode(wat), one_instruction) << "newline of " << newline.size() << " bytes";
  }
}

TEST(Wat, LabelsBlocksAndBrTable) {
  Bytes b = encode(R"((module (func (param i32)
      (block $a (block $b
        (br_table $a $b 1 (local.get 0))))
      (loop $l (br_if $l (i32.const 0)))
      (if (local.get 0) (then nop) (else unreachable))
      block (result i32) i32.const 7 end drop)))");
  Bytes body = {0x02, 0x40, 0x02, 0x40, 0x20, 0x00, 0x0E, 0x02, 0x01, 0x00, 0x01, 0x0B, 0x0B,
                0x03, 0x40, 0x41, 0x00, 0x0D, 0x00, 0x0B,
                0x20, 0x00, 0x04, 0x40, 0x01, 0x05, 0x00, 0x0B,
                0x02, 0x7F, 0x41, 0x07, 0x0B, 0x1A, 0x0B};
  ASSERT_GE(b.size(), body.size());
  EXPECT_EQ(Bytes(b.end() - body.size(), b.end()), body);
}

TEST(Wat, ImplicitTypesInOrderOfAppearance) {
  // The block's (param i32) type comes after the function types, in text order.
  Bytes b = encode(R"((module
      (type $v (func))
      (func (param i64))
      (func (block (param) (result i32 i32) (i32.const 1) (i32.const 2)) drop drop)
      (func (type $v))))");
  Bytes types = {0x01, 0x0D, 0x03, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7E, 0x00,
                 0x60, 0x00, 0x02, 0x7F, 0x7F};
  EXPECT_EQ(Bytes(b.begin() + 8, b.begin() + 8 + types.size()), types);
}

TEST(Wat, MemArgAndConstants) {
  Bytes b = encode(R"((module (memory 1)
      (func (drop (i64.load32_u offset=8 align=2 (i32.const 0)))
            (drop (f32.const -0x1p-1)) (drop (i64.const -1)))))");
  Bytes tail = {0x41, 0x00, 0x35, 0x01, 0x08, 0x1A,
                0x43, 0x00, 0x00, 0x00, 0xBF, 0x1A,
                0x42, 0x7F, 0x1A, 0x0B};
  EXPECT_EQ(Bytes(b.end() - tail.size(), b.end()), tail);
}

TEST(Wat, ImportsAndInlineAbbreviations) {
  Bytes b = encode(R"((module
      (import "m" "f" (func $f (param i32)))
      (func (export "a") (export "b") (import "m" "g") (result i32))
      (memory (export "mem") (data "hi"))
      (table 1 funcref)
      (global $g (mut i32) (i32.const 5))
      (start $f2)
      (func $f2 (call $f (global.get $g)))))");
  EXPECT_FALSE(b.empty());
  // The data segment at the end: active, memory 0, offset 0, "hi".
  Bytes data = {0x0B, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 'h', 'i'};
  EXPECT_EQ(Bytes(b.end() - data.size(), b.end()), data);
}

TEST(Wat, ElementSegmentForms) {
  Bytes b = encode(R"((module
      (table $t 2 funcref)
      (func $f) (func $g)
      (elem (i32.const 0) $f $g)
      (elem func $f)
      (elem declare func $g)
      (elem (table $t) (offset (i32.const 1)) funcref (ref.null func))))");
  Bytes elems = {0x09, 0x18, 0x04,
                 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x01,
                 0x01, 0x00, 0x01, 0x00,
                 0x03, 0x00, 0x01, 0x01,
                 0x04, 0x41, 0x01, 0x0B, 0x01, 0xD0, 0x70, 0x0B};
  auto pos = std::search(b.begin(), b.end(), elems.begin(), elems.end());
  EXPECT_NE(pos, b.end());
}

TEST(Wat, DataCountWithBulkMemory) {
  Bytes b = encode(R"((module (memory 1) (data $d "x")
      (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d))))");
  Bytes datacount = {0x0C, 0x01, 0x01};
  EXPECT_NE(std::search(b.begin(), b.end(), datacount.begin(), datacount.end()), b.end());
}

TEST(Wat, Errors) {
  EXPECT_EQ(error_of("(module (func (br $nope)))"), "unknown label");
  EXPECT_EQ(error_of("(module (func (call $nope)))"), "unknown func");
  EXPECT_EQ(error_of("(module (func (local.get $x)))"), "unknown local");
  EXPECT_EQ(error_of("(module (func (type $t)))"), "unknown type");
  EXPECT_EQ(error_of("(module (func $f) (func $f))"), "duplicate func");
  EXPECT_EQ(error_of("(module (func (param $x i32) (local $x i32)))"), "duplicate local");
  EXPECT_EQ(error_of("(module (func i32.frob))"), "unknown operator");
  EXPECT_EQ(error_of("(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))"), "alignment must be a power of two");
  EXPECT_EQ(error_of("(module (func) (import \"m\" \"g\" (global i32)))"), "import after function");
  EXPECT_EQ(error_of("(module (type $t (func)) (func (type $t) (param i32)))"), "inline function type");
  EXPECT_EQ(error_of("(module (func (drop (i32.const 0x100000000))))"), "constant out of range");
  EXPECT_EQ(error_of("(module (func (export \"\\80\")))"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(module (func block end $l))"), "mismatching label");
  EXPECT_EQ(error_of("(module (funk))"), "unexpected token");
  // Tokens after an inline import's type, for every kind of field.
  EXPECT_EQ(error_of("(module (func (import \"m\" \"f\") (param i32) 7))"), "unexpected token");
  EXPECT_EQ(error_of("(module (table (import \"m\" \"t\") 1 funcref 7))"), "unexpected token");
  EXPECT_EQ(error_of("(module (memory (import \"m\" \"m\") 1 2 3))"), "unexpected token");
  EXPECT_EQ(error_of("(module (global (import \"m\" \"g\") i32 7))"), "unexpected token");
}

// A ")" closing nothing: an error earlier in the text wins, as in a
// streaming parser; without one, the ")" is the error.
TEST(Wat, StrayCloseParenReportedAfterEarlierErrors) {
  EXPECT_EQ(error_of("(func (drop (i32.const 0x100000000))))"), "constant out of range");
  EXPECT_EQ(error_of("(func (result v128) (i8x16.shuffle 0.5 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) "
                     "(v128.const i64x2 0 0) (v128.const i64x2 0 0)))"),
            "malformed lane index");
  EXPECT_EQ(error_of("(func))"), "unexpected token \")\"");
  EXPECT_EQ(error_of("(module (func)))"), "unexpected token \")\"");
  EXPECT_EQ(error_of(")"), "unexpected token \")\"");
}

TEST(Wat, NestingIsBoundedForHostileInput) {
  std::string folded = "(module (func ", flat = "(module (func ";
  for (int k = 0; k < 20000; ++k) folded += "(block ", flat += "block ";
  for (int k = 0; k < 20000; ++k) folded += ")", flat += "end ";
  folded += "))", flat += "))";
  EXPECT_EQ(error_of(folded), "nesting too deep");
  EXPECT_EQ(error_of(flat), "nesting too deep");
}

TEST(Wat, ErrorPositions) {
  auto r = wat_to_binary("(module\n  (func\n    (call $missing)))");
  ASSERT_TRUE(std::holds_alternative<TextError>(r));
  EXPECT_EQ(std::get<TextError>(r).line, 3u);
  EXPECT_EQ(std::get<TextError>(r).to_string(), "3:11: unknown func");
}

}  // namespace
}  // namespace mywasm::text
