#include <gtest/gtest.h>

#include "module_bytes.hpp"

namespace mywasm {
namespace {

using test::Bytes;
using test::cat;
using test::header;
using test::leb;
using test::load;
using test::section;
using test::single_func_module;

constexpr uint8_t I32 = 0x7F, I64 = 0x7E;

// Error message of loading a one-function module ("ok" if it is valid).
std::string body_result(const Bytes& results, const Bytes& code, const Bytes& before_code = {},
                        const Bytes& locals = {0x00}) {
  return load(single_func_module(results, code, before_code, locals)).message();
}

TEST(Validator, SimpleBodies) {
  EXPECT_EQ(body_result({}, {0x0B}), "ok");
  EXPECT_EQ(body_result({I32}, {0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B}), "ok");
  // Missing result, extra value, wrong operand type.
  EXPECT_EQ(body_result({I32}, {0x0B}), "type mismatch");
  EXPECT_EQ(body_result({}, {0x41, 0x01, 0x0B}), "type mismatch");
  EXPECT_EQ(body_result({I32}, {0x42, 0x01, 0x41, 0x02, 0x6A, 0x0B}), "type mismatch");
}

TEST(Validator, ErrorOffsetIsTheInstruction) {
  // header 8 + type 6 + func 4 + code section id/size/count/body size/locals 5 -> first instr at 23.
  auto r = load(single_func_module({}, {0x01, 0x42, 0x01, 0x45, 0x0B}));
  ASSERT_TRUE(r.validate_error);
  EXPECT_EQ(r.validate_error->message, "type mismatch");
  EXPECT_EQ(r.validate_error->offset, 26u);  // i32.eqz
}

TEST(Validator, UnreachableMakesTheStackPolymorphic) {
  EXPECT_EQ(body_result({I32}, {0x00, 0x6A, 0x0B}), "ok");
  EXPECT_EQ(body_result({I32}, {0x00, 0x42, 0x00, 0x6A, 0x0B}), "type mismatch");
  // br_if after unreachable yields the label's types, not unknowns.
  EXPECT_EQ(body_result({I64}, {0x00, 0x0D, 0x00, 0xAD, 0x0B}), "type mismatch");
}

// The operand stack grows past its first buffer (64 entries) and keeps
// what was below: an i64 under 200 i32 values (added up and dropped) is
// still the function's result; 100 results arrive at the end in one go.
TEST(Validator, OperandStackDeeperThanItsFirstBuffer) {
  // A body of any size (single_func_module's sizes are one byte), no locals.
  auto deep_body_result = [](const Bytes& code, uint8_t result) {
    auto sized = [](const Bytes& bytes) { return cat({leb(bytes.size()), bytes}); };
    const Bytes code_section = cat({{0x0A}, sized(cat({{0x01}, sized(cat({{0x00}, code}))}))});
    return load(cat({header(), section(1, {0x01, 0x60, 0x00, 0x01, result}), section(3, {0x01, 0x00}), code_section}))
        .message();
  };
  Bytes code{0x42, 0x00};  // i64.const 0
  for (int i = 0; i < 200; ++i) code.insert(code.end(), {0x41, 0x01});  // i32.const 1
  code.insert(code.end(), 199, 0x6A);                                  // i32.add
  code.insert(code.end(), {0x1A, 0x0B});                                // drop, end
  EXPECT_EQ(deep_body_result(code, I64), "ok");
  EXPECT_EQ(deep_body_result(code, I32), "type mismatch");  // (an i64 lost in the growth would be unknown: "ok")
  code.erase(code.end() - 2);                                // the i32 sum stays on top
  EXPECT_EQ(deep_body_result(code, I64), "type mismatch");
  EXPECT_EQ(body_result(Bytes(100, I32), {0x00, 0x0B}), "ok");  // unreachable, end
  EXPECT_EQ(body_result(Bytes(100, I32), {0x42, 0x00, 0x0B}), "type mismatch");
}

TEST(Validator, Locals) {
  Bytes one_i64{0x01, 0x01, I64};
  EXPECT_EQ(body_result({I64}, {0x20, 0x00, 0x0B}, {}, one_i64), "ok");
  EXPECT_EQ(body_result({I64}, {0x20, 0x01, 0x0B}, {}, one_i64), "unknown local 1");
  EXPECT_EQ(body_result({}, {0x41, 0x00, 0x21, 0x00, 0x0B}, {}, one_i64), "type mismatch");
}

// Local types come from a list of the body's locals when it has up to
// 1024 of them, else from a search of its runs of locals: both give each
// local its declared type and find the first index past the end.
TEST(Validator, LocalTypesListedAndSearched) {
  for (uint32_t i32_locals : {2u, 1500u}) {
    const Bytes locals = cat({{0x02}, leb(i32_locals), {I32, 0x01, I64}});  // then one i64
    auto get = [&](uint32_t index) { return cat({{0x20}, leb(index), {0x0B}}); };
    SCOPED_TRACE(i32_locals);
    EXPECT_EQ(body_result({I64}, get(i32_locals), {}, locals), "ok");
    EXPECT_EQ(body_result({I32}, get(i32_locals - 1), {}, locals), "ok");
    EXPECT_EQ(body_result({I64}, get(i32_locals - 1), {}, locals), "type mismatch");
    EXPECT_EQ(body_result({I64}, get(i32_locals + 1), {}, locals), "unknown local " + std::to_string(i32_locals + 1));
  }
}

TEST(Validator, Blocks) {
  // block (result i32) i32.const 1 end
  EXPECT_EQ(body_result({I32}, {0x02, I32, 0x41, 0x01, 0x0B, 0x0B}), "ok");
  // if without else must not change the stack shape
  EXPECT_EQ(body_result({I32}, {0x41, 0x01, 0x04, I32, 0x41, 0x01, 0x0B, 0x0B}), "type mismatch");
  EXPECT_EQ(body_result({}, {0x0C, 0x01, 0x0B}), "unknown label 1");
  EXPECT_EQ(body_result({}, {0x02, 0x05, 0x0B, 0x0B}), "unknown type 5");
  // br_table whose targets have different arities.
  EXPECT_EQ(body_result({I32}, {0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x41, 0x00, 0x0B}),
            "type mismatch");
}

TEST(Validator, MultiValueBlockType) {
  // Types: 0 = [] -> [], 1 = [i32] -> [i32 i32]; block type 1 duplicates its param.
  Bytes types{0x02, 0x60, 0x00, 0x00, 0x60, 0x01, I32, 0x02, I32, I32};
  Bytes code{0x41, 0x05, 0x02, 0x01, 0x41, 0x06, 0x0B, 0x1A, 0x1A, 0x0B};
  Bytes body = cat({{0x00}, code});
  Bytes bytes = cat({header(), section(1, types), section(3, {0x01, 0x00}),
                     section(10, cat({{0x01, static_cast<uint8_t>(body.size())}, body}))});
  EXPECT_EQ(load(bytes).message(), "ok");
}

TEST(Validator, MemoryInstructions) {
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  // i32.load align=2 is natural; align=3 is too large.
  EXPECT_EQ(body_result({I32}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x0B}, memory), "ok");
  EXPECT_EQ(body_result({I32}, {0x41, 0x00, 0x28, 0x03, 0x00, 0x0B}, memory),
            "alignment must not be larger than natural");
  EXPECT_EQ(body_result({I32}, {0x41, 0x00, 0x2C, 0x01, 0x00, 0x0B}, memory),
            "alignment must not be larger than natural");
  EXPECT_EQ(body_result({I32}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x0B}), "unknown memory 0");
  EXPECT_EQ(body_result({I32}, {0x3F, 0x00, 0x0B}), "unknown memory 0");
}

TEST(Validator, Globals) {
  // (global i32 (i32.const 1))  (global (mut i64) (i64.const 2))
  Bytes globals = section(6, {0x02, I32, 0x00, 0x41, 0x01, 0x0B, I64, 0x01, 0x42, 0x02, 0x0B});
  EXPECT_EQ(body_result({}, {0x42, 0x00, 0x24, 0x01, 0x0B}, globals), "ok");
  EXPECT_EQ(body_result({}, {0x41, 0x00, 0x24, 0x00, 0x0B}, globals), "global is immutable");
  EXPECT_EQ(body_result({}, {0x23, 0x02, 0x1A, 0x0B}, globals), "unknown global 2");
}

TEST(Validator, ConstantExpressions) {
  auto global_with_init = [](const Bytes& init) {
    return load(cat({header(), section(6, cat({{0x01, I32, 0x00}, init}))})).message();
  };
  EXPECT_EQ(global_with_init({0x41, 0x00, 0x0B}), "ok");
  EXPECT_EQ(global_with_init({0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B}), "constant expression required");
  EXPECT_EQ(global_with_init({0x0B}), "type mismatch");
  EXPECT_EQ(global_with_init({0x42, 0x00, 0x0B}), "type mismatch");
  EXPECT_EQ(global_with_init({0x41, 0x00, 0x41, 0x00, 0x0B}), "type mismatch");
  // global.get of a defined global is not allowed in Wasm 2.0.
  EXPECT_EQ(load(cat({header(), section(6, {0x02, I32, 0x00, 0x41, 0x00, 0x0B, I32, 0x00, 0x23, 0x00, 0x0B})}))
                .message(),
            "unknown global 0");
}

TEST(Validator, FunctionReferences) {
  Bytes table = section(4, {0x01, 0x70, 0x00, 0x01});
  // ref.func 0 in a body needs a declaration elsewhere in the module.
  EXPECT_EQ(body_result({0x70}, {0xD2, 0x00, 0x0B}), "undeclared function reference");
  Bytes exports = section(7, {0x01, 0x01, 'f', 0x00, 0x00});
  Bytes type = section(1, {0x01, 0x60, 0x00, 0x01, 0x70});
  Bytes body = section(10, {0x01, 0x04, 0x00, 0xD2, 0x00, 0x0B});
  EXPECT_EQ(load(cat({header(), type, section(3, {0x01, 0x00}), exports, body})).message(), "ok");
  // Declared by a declarative element segment.
  Bytes elem = section(9, {0x01, 0x03, 0x00, 0x01, 0x00});
  EXPECT_EQ(load(cat({header(), type, section(3, {0x01, 0x00}), table, elem, body})).message(), "ok");
  EXPECT_EQ(body_result({}, {0xD2, 0x05, 0x1A, 0x0B}), "unknown function 5");
}

TEST(Validator, SelectAndReferences) {
  EXPECT_EQ(body_result({I32}, {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x0B}), "ok");
  // Untyped select on references is invalid; typed select is fine.
  EXPECT_EQ(body_result({0x70}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x0B}), "type mismatch");
  EXPECT_EQ(body_result({0x70}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70, 0x0B}), "ok");
  EXPECT_EQ(body_result({}, {0x41, 0x00, 0x1C, 0x00, 0x0B}), "invalid result arity");
  EXPECT_EQ(body_result({I32}, {0xD0, 0x6F, 0xD1, 0x0B}), "ok");
  EXPECT_EQ(body_result({I32}, {0x41, 0x00, 0xD1, 0x0B}), "type mismatch");
}

TEST(Validator, CallsAndTables) {
  Bytes table = section(4, {0x01, 0x70, 0x00, 0x01});
  EXPECT_EQ(body_result({}, {0x10, 0x00, 0x0B}), "ok");
  EXPECT_EQ(body_result({}, {0x10, 0x01, 0x0B}), "unknown function 1");
  EXPECT_EQ(body_result({}, {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B}), "unknown table 0");
  EXPECT_EQ(body_result({}, {0x41, 0x00, 0x11, 0x03, 0x00, 0x0B}, table), "unknown type 3");
  EXPECT_EQ(body_result({I32}, {0xFC, 0x10, 0x00, 0x0B}, table), "ok");
  EXPECT_EQ(body_result({}, {0xFC, 0x0D, 0x00, 0x0B}, table), "unknown elem segment 0");
}

TEST(Validator, ModuleLevelRules) {
  EXPECT_EQ(load(cat({header(), section(5, {0x02, 0x00, 0x01, 0x00, 0x01})})).message(), "multiple memories");
  EXPECT_EQ(load(cat({header(), section(5, {0x01, 0x00, 0x81, 0x80, 0x04})})).message(),
            "memory size must be at most 65536 pages (4GiB)");
  EXPECT_EQ(load(cat({header(), section(5, {0x01, 0x01, 0x02, 0x01})})).message(),
            "size minimum must not be greater than maximum");
  EXPECT_EQ(load(cat({header(), section(4, {0x01, 0x70, 0x01, 0x02, 0x01})})).message(),
            "size minimum must not be greater than maximum");
  EXPECT_EQ(load(cat({header(), section(3, {0x01, 0x00}), section(10, {0x01, 0x02, 0x00, 0x0B})})).message(),
            "unknown type 0");
  Bytes two_exports{0x02, 0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00};
  EXPECT_EQ(load(single_func_module({}, {0x0B}, section(7, two_exports))).message(), "duplicate export name");
  EXPECT_EQ(load(single_func_module({}, {0x0B}, section(7, {0x01, 0x01, 'm', 0x02, 0x00}))).message(),
            "unknown memory 0");
  EXPECT_EQ(load(single_func_module({}, {0x0B}, section(8, {0x00}))).message(), "ok");
  EXPECT_EQ(load(single_func_module({I32}, {0x41, 0x00, 0x0B}, section(8, {0x00}))).message(), "start function");
  EXPECT_EQ(load(single_func_module({}, {0x0B}, section(8, {0x01}))).message(), "unknown function 1");
}

TEST(Validator, DataSegmentRules) {
  // memory.init / data.drop without a data count section: "unknown data
  // segment" when there are no data segments at all.
  EXPECT_EQ(body_result({}, {0xFC, 0x09, 0x00, 0x0B}), "unknown data segment 0");
  Bytes count = section(12, {0x01});
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes bytes = cat({single_func_module({}, {0xFC, 0x09, 0x00, 0x0B}, cat({memory, count})),
                     section(11, {0x01, 0x01, 0x00})});
  EXPECT_EQ(load(bytes).message(), "ok");
  // Data segment on a missing memory.
  EXPECT_EQ(load(cat({header(), section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x00})})).message(), "unknown memory 0");
}

}  // namespace
}  // namespace mywasm

namespace mywasm {
namespace {

using test::leb;

// 64 functions of type [] -> [] with 20,000 nops each (1.28 MB of code:
// validated on two threads), the bodies in `bad` ending in `tail` instead
// of plain `end`.
test::LoadResult big_module(const std::vector<std::pair<size_t, Bytes>>& bad) {
  constexpr size_t kFuncs = 64, kNops = 20000;
  Bytes funcs = leb(kFuncs), code = leb(kFuncs);
  for (size_t i = 0; i < kFuncs; ++i) {
    funcs.push_back(0x00);
    Bytes body{0x00};  // no locals
    body.insert(body.end(), kNops, 0x01);
    Bytes tail{0x0B};
    for (const auto& [index, t] : bad)
      if (index == i) tail = t;
    body.insert(body.end(), tail.begin(), tail.end());
    code = cat({code, leb(body.size()), body});
  }
  auto big_section = [](uint8_t id, const Bytes& payload) { return cat({{id}, leb(payload.size()), payload}); };
  return load(cat({header(), section(1, {0x01, 0x60, 0x00, 0x00}), big_section(3, funcs), big_section(10, code)}));
}

TEST(Validator, BigModulesReportTheFirstInvalidBodyLikeOnePass) {
  EXPECT_EQ(big_module({}).message(), "ok");
  const Bytes type_mismatch{0x41, 0x00, 0x0B}, unknown_label{0x0C, 0x05, 0x0B};
  // One invalid body in each half: the first one's error.
  auto both = big_module({{10, type_mismatch}, {50, unknown_label}});
  EXPECT_EQ(both.message(), "type mismatch");
  auto first_only = big_module({{10, type_mismatch}});
  ASSERT_TRUE(both.validate_error && first_only.validate_error);
  EXPECT_EQ(both.validate_error->offset, first_only.validate_error->offset);
  // Only one in the second half.
  EXPECT_EQ(big_module({{50, unknown_label}}).message(), "unknown label 5");
  EXPECT_EQ(big_module({{63, type_mismatch}}).message(), "type mismatch");
}

}  // namespace
}  // namespace mywasm
