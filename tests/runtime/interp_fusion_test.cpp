// Interpreter translation forms that fold constants and fuse instructions
// (immediate operands, fused compare + branch, address add + load/store):
// each checked for its results and traps, from WAT modules.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "instance_harness.hpp"
#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

// A module from WAT, instantiated, plus the translated listing of a function.
struct WatHarness : test::InstanceHarness {
  explicit WatHarness(const char* wat, Config config = {}) : InstanceHarness(config) { instantiate_wat(wat); }
  std::string trap(std::string_view name, std::initializer_list<Value> args) { return trap_of(name, args); }
  std::string listing(const std::string& name) {
    const auto& compiled = func_instance(name).compiled;
    return compiled ? interp::disassemble(*compiled) : "(not translated)";
  }
  // Whether the listing of `name` contains `text` (or, lists_not, does
  // not), showing the listing when it is not so.
  ::testing::AssertionResult lists(const std::string& name, std::string_view text, bool want = true) {
    const std::string l = listing(name);
    if ((l.find(text) != std::string::npos) == want) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << name << (want ? " lacks " : " has ") << text << ":\n" << l;
  }
  ::testing::AssertionResult lists_not(const std::string& name, std::string_view text) { return lists(name, text, false); }
  // Calls an export that must return normally.
  void run(const std::string& name, std::initializer_list<Value> args) { EXPECT_TRUE(call(name, args).ok()) << name; }
};

TEST(InterpFusionTest, ImmediateOperandsComputeAndTrapLikeSlots) {
  WatHarness h(R"((module
    (func (export "add") (param i32) (result i32) (i32.add (local.get 0) (i32.const -7)))
    (func (export "shl64") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 65)))
    (func (export "fmul") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
    (func (export "div0") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 0)))
    (func (export "divm1") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))
    (func (export "rem") (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 10)))
    (func (export "sub_from_const") (param i32) (result i32) (i32.sub (i32.const 100) (local.get 0)))))");
  EXPECT_EQ(h.call1("add", {Value::i32(5)}).i32(), -2);
  EXPECT_EQ(h.call1("shl64", {Value::i64(3)}).i64(), 6);  // shift count taken mod 64
  EXPECT_EQ(h.call1("fmul", {Value::f64(3.0)}).f64(), 1.5);
  EXPECT_EQ(h.trap("div0", {Value::i32(1)}), "integer divide by zero");
  EXPECT_EQ(h.trap("divm1", {Value::i32(INT32_MIN)}), "integer overflow");
  EXPECT_EQ(h.call1("divm1", {Value::i32(6)}).i32(), -6);
  EXPECT_EQ(h.call1("rem", {Value::i64(1234)}).i64(), 4);
  EXPECT_EQ(h.call1("sub_from_const", {Value::i32(1)}).i32(), 99);
  EXPECT_TRUE(h.lists("add", "i32.add[imm]"));
  EXPECT_TRUE(h.lists("div0", "i32.div_s[imm]"));
}

TEST(InterpFusionTest, CompareWithImmediateFusesIntoBranch) {
  // count(n): i = 0; loop { i += 3; br_if i <u n }; i
  WatHarness h(R"((module
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func (export "big") (param i64) (result i32)
      (if (result i32) (i64.gt_s (local.get 0) (i64.const 0x100000000))
        (then (i32.const 1)) (else (i32.const 0))))
    (func (export "below") (param i32) (result i32) (local i32)
      (block $b
        (loop $l
          (br_if $b (i32.ge_s (local.get 1) (i32.const 10)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $l)))
      (local.get 1))))");
  EXPECT_EQ(h.call1("count", {Value::i32(10)}).i32(), 12);
  EXPECT_EQ(h.call1("count", {Value::i32(0)}).i32(), 3);
  EXPECT_EQ(h.call1("big", {Value::i64(0x100000001)}).i32(), 1);
  EXPECT_EQ(h.call1("big", {Value::i64(0x100000000)}).i32(), 0);
  EXPECT_EQ(h.call1("big", {Value::i64(-5)}).i32(), 0);
  EXPECT_EQ(h.call1("below", {Value::i32(0)}).i32(), 10);
  EXPECT_TRUE(h.lists("below", "br_if[i32.ge_s imm]"));
}

TEST(InterpFusionTest, AddressAddWithConstantWrapsBeforeTheOffset) {
  // (x + 4) wraps at 32 bits; the memarg offset does not.
  WatHarness h(R"((module (memory 1)
    (data (i32.const 0) "\2a\00\00\00")
    (func (export "wrap") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 4))))
    (func (export "offset") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store (i32.add (local.get 0) (i32.const 8)) (local.get 1)))
    (func (export "load8") (result i32) (i32.load (i32.const 8)))))");
  EXPECT_EQ(h.call1("wrap", {Value::i32(-4)}).i32(), 42);
  EXPECT_EQ(h.trap("offset", {Value::i32(-4)}), "out of bounds memory access");
  EXPECT_EQ(h.trap("wrap", {Value::i32(65536 - 7)}), "out of bounds memory access");
  ASSERT_TRUE(h.call("store", {Value::i32(0), Value::i32(7)}).ok());
  EXPECT_EQ(h.call1("load8", {}).i32(), 7);
  EXPECT_EQ(h.trap("store", {Value::i32(65536 - 9), Value::i32(1)}), "out of bounds memory access");
}

TEST(InterpFusionTest, ConstantsMaterialisedForBlocksCallsAndReturns) {
  WatHarness h(R"((module
    (func $id (param i64 f32) (result i64 f32) (local.get 0) (local.get 1))
    (func (export "pair") (result i64 f32) (call $id (i64.const -1) (f32.const 2.5)))
    (func (export "blk") (param i32) (result i32)
      (block (result i32) (br_if 0 (i32.const 7) (local.get 0)) (drop) (i32.const 9)))
    (func (export "sel") (param i32) (result i32) (select (i32.const 1) (i32.const 2) (local.get 0)))))");
  auto r = h.call("pair", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i64(), -1);
  EXPECT_EQ((*r)[1].f32(), 2.5f);
  EXPECT_EQ(h.call1("blk", {Value::i32(1)}).i32(), 7);
  EXPECT_EQ(h.call1("blk", {Value::i32(0)}).i32(), 9);
  EXPECT_EQ(h.call1("sel", {Value::i32(1)}).i32(), 1);
  EXPECT_EQ(h.call1("sel", {Value::i32(0)}).i32(), 2);
}


TEST(InterpFusionTest, LoadIntoOperandAndResultIntoStore) {
  WatHarness h(R"((module (memory 1)
    (data (i32.const 16) "\00\00\00\00\00\00\f8\3f")  ;; f64 1.5 at 16
    (data (i32.const 32) "\05\00\00\00")                   ;; i32 5 at 32
    (func (export "fmul_load") (param f64 i32) (result f64) (f64.mul (local.get 0) (f64.load (local.get 1))))
    (func (export "sub_load") (param i32 i32) (result i32) (i32.sub (local.get 0) (i32.load (local.get 1))))
    (func (export "div_load") (param i32 i32) (result i32) (i32.div_u (local.get 0) (i32.load offset=4 (local.get 1))))
    (func (export "sub_store") (param i32 i32 i32) (i32.store offset=8 (local.get 0) (i32.sub (local.get 1) (local.get 2))))
    (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "div_store") (param i32 i32 i32) (i32.store (local.get 0) (i32.div_s (local.get 1) (local.get 2))))
    (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "narrow") (param i32 i32) (result i32)
      ;; a narrow load is not fused as an operand (it extends)
      (i32.add (local.get 0) (i32.load8_s (local.get 1))))))");
  EXPECT_EQ(h.call1("fmul_load", {Value::f64(3.0), Value::i32(16)}).f64(), 4.5);
  EXPECT_EQ(h.trap("fmul_load", {Value::f64(3.0), Value::i32(65536 - 4)}), "out of bounds memory access");
  EXPECT_EQ(h.call1("div_load", {Value::i32(20), Value::i32(28)}).i32(), 4);
  // The load comes first: out of bounds wins over a zero divisor.
  EXPECT_EQ(h.trap("div_load", {Value::i32(20), Value::i32(65536)}), "out of bounds memory access");
  EXPECT_EQ(h.trap("div_load", {Value::i32(20), Value::i32(0)}), "integer divide by zero");
  EXPECT_EQ(h.call1("sub_load", {Value::i32(20), Value::i32(32)}).i32(), 15);
  EXPECT_EQ(h.trap("sub_load", {Value::i32(20), Value::i32(65536 - 3)}), "out of bounds memory access");
  ASSERT_TRUE(h.call("sub_store", {Value::i32(100), Value::i32(10), Value::i32(13)}).ok());
  EXPECT_EQ(h.call1("load32", {Value::i32(108)}).i32(), -3);
  EXPECT_EQ(h.trap("sub_store", {Value::i32(65536 - 11), Value::i32(1), Value::i32(1)}), "out of bounds memory access");
  // The op comes first: its trap wins over an out-of-bounds store.
  EXPECT_EQ(h.trap("div_store", {Value::i32(65536), Value::i32(1), Value::i32(0)}), "integer divide by zero");
  ASSERT_TRUE(h.call("div_store", {Value::i32(40), Value::i32(-9), Value::i32(3)}).ok());
  EXPECT_EQ(h.call1("load64", {Value::i32(40)}).i64(), 0xFFFFFFFDll);
  EXPECT_EQ(h.call1("narrow", {Value::i32(1), Value::i32(32)}).i32(), 6);
  EXPECT_TRUE(h.lists("sub_load", "i32.sub[load]"));
  EXPECT_TRUE(h.lists("fmul_load", "f64.mul[load]"));
  EXPECT_TRUE(h.lists("sub_store", "i32.sub[store]"));
  EXPECT_TRUE(h.lists_not("narrow", "[load]"));
}


TEST(InterpFusionTest, FusedLoadOperandIsNotRefusedAsCompareOrAddress) {
  // An op[load] result feeding a branch or an address must keep its own
  // operands: (x + mem[p]) as an address, (mem[p] < x) as a condition.
  WatHarness h(R"((module (memory 1)
    (data (i32.const 0) "\08\00\00\00\2a\00\00\00\63\00\00\00")  ;; 8, 42, 99
    (func (export "addr") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.load (i32.const 0)))))
    (func (export "cond") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.load (i32.const 4))) (then (i32.const 1)) (else (i32.const 0))))
    (func (export "eq") (param i32) (result i32) (local i32)
      (block $b (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $b (i32.eq (local.get 1) (i32.load (i32.const 8))))
        (br $l)))
      (local.get 1))))");
  EXPECT_EQ(h.call1("addr", {Value::i32(0)}).i32(), 99);
  EXPECT_EQ(h.call1("addr", {Value::i32(-4)}).i32(), 42);
  EXPECT_EQ(h.call1("cond", {Value::i32(41)}).i32(), 1);
  EXPECT_EQ(h.call1("cond", {Value::i32(42)}).i32(), 0);
  EXPECT_EQ(h.call1("eq", {Value::i32(0)}).i32(), 99);
}


TEST(InterpFusionTest, ConsecutiveCopiesPairUpButNotAcrossLabels) {
  // rot(a, b, c, n): n times (a, b, c) = (b, c, a) through local moves.
  WatHarness h(R"((module
    (func (export "rot") (param i32 i32 i32 i32) (result i32) (local i32)
      (loop $l
        (local.set 4 (local.get 0))
        (local.set 0 (local.get 1))
        (local.set 1 (local.get 2))
        (local.set 2 (local.get 4))
        (br_if $l (local.tee 3 (i32.sub (local.get 3) (i32.const 1)))))
      (i32.add (i32.mul (local.get 0) (i32.const 100))
               (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))
    (func (export "label") (param i32) (result i32) (local i32 i32)
      ;; the second move is a loop header (a branch target): no pairing across it
      (local.set 1 (local.get 0))
      (loop $l
        (local.set 2 (local.get 1))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (i32.const 5))))
      (local.get 2))))");
  EXPECT_EQ(h.call1("rot", {Value::i32(1), Value::i32(2), Value::i32(3), Value::i32(1)}).i32(), 231);
  EXPECT_EQ(h.call1("rot", {Value::i32(1), Value::i32(2), Value::i32(3), Value::i32(2)}).i32(), 312);
  EXPECT_EQ(h.call1("rot", {Value::i32(1), Value::i32(2), Value::i32(3), Value::i32(3)}).i32(), 123);
  // four moves, in order, in one instruction
  EXPECT_TRUE(h.lists("rot", "Copy4 4 0 0 1 1 2 2 4"));
  EXPECT_EQ(h.call1("label", {Value::i32(0)}).i32(), 4);
  EXPECT_EQ(h.call1("label", {Value::i32(9)}).i32(), 9);
  EXPECT_TRUE(h.lists_not("label", "Copy2"));
}


TEST(InterpFusionTest, ChainedBinaryOpsKeepOperandOrder) {
  WatHarness h(R"((module
    (func (export "sub_a") (param i32 i32 i32) (result i32) (i32.or (i32.sub (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "sub_b") (param i32 i32 i32) (result i32) (i32.shr_u (local.get 2) (i32.sub (local.get 0) (local.get 1))))
    (func (export "and_imm_a") (param i32 i32) (result i32) (i32.sub (i32.and (local.get 0) (i32.const 0xff)) (local.get 1)))
    (func (export "shl_imm_b") (param i32 i32) (result i32) (i32.sub (local.get 1) (i32.shl (local.get 0) (i32.const 3))))
    (func (export "div_a") (param f64 f64 f64) (result f64) (f64.div (f64.div (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "div_b") (param f64 f64 f64) (result f64) (f64.div (local.get 2) (f64.div (local.get 0) (local.get 1))))
    (func (export "tee") (param i32 i32) (result i32) (local i32)
      ;; the inner result also goes to a local: computed once, used twice
      (i32.mul (local.tee 2 (i32.add (local.get 0) (local.get 1))) (local.get 2)))
    (func (export "chain3") (param i32 i32 i32 i32) (result i32)
      (i32.add (i32.xor (i32.and (local.get 0) (local.get 1)) (local.get 2)) (local.get 3)))))");
  EXPECT_EQ(h.call1("sub_a", {Value::i32(20), Value::i32(3), Value::i32(0x100)}).i32(), 0x111);
  EXPECT_EQ(h.call1("sub_b", {Value::i32(5), Value::i32(3), Value::i32(0x100)}).i32(), 0x40);
  EXPECT_EQ(h.call1("and_imm_a", {Value::i32(0x1234), Value::i32(2)}).i32(), 0x32);
  EXPECT_EQ(h.call1("shl_imm_b", {Value::i32(5), Value::i32(100)}).i32(), 60);
  EXPECT_EQ(h.call1("div_a", {Value::f64(12), Value::f64(3), Value::f64(2)}).f64(), 2.0);
  EXPECT_EQ(h.call1("div_b", {Value::f64(12), Value::f64(3), Value::f64(2)}).f64(), 0.5);
  EXPECT_EQ(h.call1("tee", {Value::i32(2), Value::i32(5)}).i32(), 49);
  EXPECT_EQ(h.call1("chain3", {Value::i32(0xF0), Value::i32(0x3C), Value::i32(0x0F), Value::i32(1)}).i32(), 0x3F + 1);
  EXPECT_TRUE(h.lists("sub_a", "i32.sub>i32.or "));
  EXPECT_TRUE(h.lists("sub_b", "i32.sub>i32.shr_u[b]"));
  EXPECT_TRUE(h.lists("and_imm_a", "i32.and>i32.sub[imm]"));
  EXPECT_TRUE(h.lists("shl_imm_b", "i32.shl>i32.sub[imm,b]"));
  EXPECT_TRUE(h.lists_not("div_a", ">"));  // f64.div>f64.div: not a chain that pays
  EXPECT_TRUE(h.lists_not("tee", ">"));
}


TEST(InterpFusionTest, ChainWithImmediateLastOperand) {
  WatHarness h(R"((module
    (func (export "idx") (param i32) (result i32) (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024)))
    (func (export "mask") (param i32 i32) (result i32) (i32.and (i32.sub (local.get 0) (local.get 1)) (i32.const 0xff)))
    (func (export "half") (param f64) (result f64) (f64.mul (f64.sub (local.get 0) (f64.const 1.0)) (f64.const 0.5)))
    (func (export "hash") (param i32) (result i32) (i32.shr_u (i32.xor (local.get 0) (i32.const 0xff)) (i32.const 4)))
    (func (export "rsub") (param i32) (result i32) (i32.sub (i32.sub (local.get 0) (i32.const 1)) (i32.const 10)))))");
  EXPECT_EQ(h.call1("idx", {Value::i32(3)}).i32(), 1036);
  EXPECT_EQ(h.call1("idx", {Value::i32(-1)}).i32(), 1020);
  EXPECT_EQ(h.call1("mask", {Value::i32(0x1F0), Value::i32(0x20)}).i32(), 0xD0);
  EXPECT_EQ(h.call1("half", {Value::f64(5)}).f64(), 2.0);
  EXPECT_EQ(h.call1("hash", {Value::i32(0x1234)}).i32(), 0x12C);
  EXPECT_EQ(h.call1("rsub", {Value::i32(0)}).i32(), -11);
  EXPECT_TRUE(h.lists("idx", "i32.shl>i32.add[imm,zimm] 0 0 2 1024"));
  EXPECT_TRUE(h.lists("mask", "i32.sub>i32.and[zimm]"));
  EXPECT_TRUE(h.lists("hash", "i32.xor>i32.shr_u[imm,zimm] 0 0 255 4"));
  // f64.sub has no [imm] form (never emitted in the corpus), so the chain
  // is f64.sub>f64.mul with the constant's slot and an immediate z.
  EXPECT_TRUE(h.lists("half", "f64.sub>f64.mul[zimm]"));
}


TEST(InterpFusionTest, EqzOfComparisonBranchesOnTheNegation) {
  WatHarness h(R"((module
    (func (export "fle") (param f64) (result i32)
      ;; float comparisons have no negated opcode (NaN): branch on the comparison being false
      (block $b (br_if $b (i32.eqz (f64.lt (local.get 0) (f64.const 4.0)))) (return (i32.const 1)))
      (i32.const 0))
    (func (export "ilt_imm") (param i32) (result i32)
      (block $b (br_if $b (i32.eqz (i32.lt_s (local.get 0) (i32.const 4)))) (return (i32.const 1)))
      (i32.const 0))
    (func (export "ilt") (param i32 i32) (result i32)
      (if (result i32) (i32.eqz (i32.lt_s (local.get 0) (local.get 1))) (then (i32.const 10)) (else (i32.const 20))))
    (func (export "tee") (param i32) (result i32) (local i32)
      ;; the comparison's value is also kept in a local: it must still be written
      (if (i32.eqz (local.tee 1 (i32.gt_u (local.get 0) (i32.const 5)))) (then (return (i32.const 100))))
      (local.get 1))))");
  EXPECT_EQ(h.call1("fle", {Value::f64(3.0)}).i32(), 1);
  EXPECT_EQ(h.call1("fle", {Value::f64(4.5)}).i32(), 0);
  EXPECT_EQ(h.call1("fle", {Value::f64(std::nan(""))}).i32(), 0);  // NaN: lt false, eqz true: branch
  EXPECT_TRUE(h.lists("fle", "br_unless[f64.lt imm]"));
  EXPECT_EQ(h.call1("ilt_imm", {Value::i32(3)}).i32(), 1);
  EXPECT_EQ(h.call1("ilt_imm", {Value::i32(4)}).i32(), 0);
  EXPECT_EQ(h.call1("ilt_imm", {Value::i32(-5)}).i32(), 1);
  EXPECT_TRUE(h.lists("ilt_imm", "br_if[i32.ge_s imm]"));  // br_unless[lt_s] as br_if[ge_s]
  EXPECT_EQ(h.call1("ilt", {Value::i32(1), Value::i32(2)}).i32(), 20);
  EXPECT_EQ(h.call1("ilt", {Value::i32(2), Value::i32(2)}).i32(), 10);
  EXPECT_TRUE(h.lists_not("ilt", "eqz"));
  EXPECT_EQ(h.call1("tee", {Value::i32(9)}).i32(), 1);
  EXPECT_EQ(h.call1("tee", {Value::i32(1)}).i32(), 100);
}

TEST(InterpFusionTest, LocalsReadBeforeWrittenAreZeroOnEveryCall) {
  // Each function writes its locals, then is called again: a local read
  // before it is written on some path must read 0 on the new call, not the
  // value the previous call left in the (reused) frame slot.
  WatHarness h(R"((module
    (func $loop_read (param i32) (result i32) (local i32 i32)
      ;; local 1 is read in the loop before the loop writes it
      (loop $l
        (local.set 2 (i32.add (local.get 1) (i32.const 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 10)))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (i32.add (local.get 1) (local.get 2)))
    (func $if_no_else (param i32) (result i32) (local i32)
      (if (local.get 0) (then (local.set 1 (i32.const 7))))
      (local.get 1))
    (func $br_out (param i32) (result i32) (local i32)
      (block $b (br_if $b (local.get 0)) (local.set 1 (i32.const 5)))
      (local.get 1))
    (func $set_first (param i32) (result i32) (local i32)
      (local.set 1 (i32.mul (local.get 0) (i32.const 3)))
      (local.get 1))
    (func (export "loop_read") (param i32) (result i32) (call $loop_read (local.get 0)))
    (func (export "if_no_else") (param i32) (result i32)
      ;; the first call writes the local, the second must see it zeroed again
      (i32.add (i32.mul (call $if_no_else (i32.const 1)) (i32.const 100)) (call $if_no_else (local.get 0))))
    (func (export "br_out") (param i32) (result i32)
      (i32.add (i32.mul (call $br_out (i32.const 0)) (i32.const 100)) (call $br_out (local.get 0))))
    (func (export "set_first") (param i32) (result i32) (call $set_first (local.get 0)))))");
  EXPECT_EQ(h.call1("loop_read", {Value::i32(3)}).i32(), 30 + 21);
  EXPECT_EQ(h.call1("loop_read", {Value::i32(1)}).i32(), 10 + 1);
  EXPECT_EQ(h.call1("if_no_else", {Value::i32(0)}).i32(), 700);
  EXPECT_EQ(h.call1("if_no_else", {Value::i32(1)}).i32(), 707);
  EXPECT_EQ(h.call1("br_out", {Value::i32(1)}).i32(), 500);
  EXPECT_EQ(h.call1("br_out", {Value::i32(0)}).i32(), 505);
  EXPECT_EQ(h.call1("set_first", {Value::i32(4)}).i32(), 12);
  auto compiled = [&](uint32_t index) -> const CompiledFunc& {
    for (const auto& f : h.store.impl().funcs)
      if (!f->is_host() && f->func_index == index && f->compiled) return *f->compiled;
    ADD_FAILURE() << "function " << index << " not translated";
    static const CompiledFunc none;
    return none;
  };
  // Locals that are written before any read on every path are not zeroed.
  EXPECT_EQ(compiled(3).init_count, 0u);
  // Local 1 may be read unwritten (and local 2 lies after it, then the save
  // slots of a function with loops: see CompiledFunc::save_base).
  EXPECT_EQ(compiled(0).init_count, 2u + CompiledFunc::kSaveSlots);
  EXPECT_EQ(compiled(1).init_count, 1u);
  EXPECT_EQ(compiled(2).init_count, 1u);
}

TEST(InterpFusionTest, CallsAcrossInstancesUseTheCalleesMemory) {
  // Module a: its own memory, a function reading it, exported through a
  // table too. Module b calls it directly and indirectly, and reads its
  // own memory before and after each call: each side sees its own memory.
  Engine engine;
  Store store{engine};
  Linker linker{engine};
  auto instantiate = [&](const char* wat) {
    auto bytes = wat_to_wasm(wat);
    EXPECT_TRUE(bytes.ok());
    auto module = mywasm::Module::compile(engine, *bytes);
    EXPECT_TRUE(module.ok());
    auto inst = linker.instantiate(store, *module);
    EXPECT_TRUE(inst.ok()) << (inst.ok() ? "" : inst.error().to_string());
    return *inst;
  };
  Instance a = instantiate(R"((module
    (memory 1) (data (i32.const 0) "\0a\00\00\00")
    (table (export "t") 2 funcref) (elem (i32.const 0) $get)
    (func $get (export "get") (result i32) (i32.load (i32.const 0)))
    (func (export "grow") (result i32) (drop (memory.grow (i32.const 1))) (memory.size))))");
  linker.define_instance(store, "a", a);
  Instance b = instantiate(R"((module
    (import "a" "get" (func $get (result i32)))
    (import "a" "grow" (func $grow (result i32)))
    (import "a" "t" (table 2 funcref))
    (type $r (func (result i32)))
    (memory 1) (data (i32.const 0) "\05\00\00\00")
    (func (export "direct") (result i32)
      (i32.add (i32.load (i32.const 0))
        (i32.add (i32.mul (call $get) (i32.const 100)) (i32.mul (i32.load (i32.const 0)) (i32.const 1000)))))
    (func (export "indirect") (param i32) (result i32)
      (i32.add (i32.mul (call_indirect (type $r) (local.get 0)) (i32.const 100)) (i32.load (i32.const 0))))
    (func (export "grow_other") (result i32)
      ;; a's memory grows to 2 pages; b's stays at 1
      (i32.add (i32.mul (call $grow) (i32.const 10)) (memory.size)))))");
  auto call1 = [&](const char* name, std::initializer_list<Value> args) {
    auto r = b.func(store, name)->call(store, args);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? (*r)[0].i32() : -1;
  };
  EXPECT_EQ(call1("direct", {}), 5 + 1000 + 5000);
  EXPECT_EQ(call1("indirect", {Value::i32(0)}), 1005);
  EXPECT_EQ(call1("grow_other", {}), 21);
  auto r = b.func(store, "indirect")->call(store, {Value::i32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "uninitialized element 1");
}

TEST(InterpFusionTest, IntegerOpWithZeroIsItsOperand) {
  WatHarness h(R"((module
    (func (export "add0") (param i32) (result i32) (i32.add (local.get 0) (i32.const 0)))
    (func (export "shl0") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 0)))
    (func (export "fadd0") (param f64) (result f64) (f64.add (local.get 0) (f64.const 0)))
    (func (export "mul0") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 0)))
    (func (export "later_write") (param i32) (result i32)
      ;; the value is local 0's before it is overwritten
      (i32.sub (local.get 0) (i32.const 0))
      (local.set 0 (i32.const 99))
      (i32.add (local.get 0)))))");
  EXPECT_EQ(h.call1("add0", {Value::i32(-5)}).i32(), -5);
  EXPECT_EQ(h.listing("add0"), "0: Return\n");
  EXPECT_EQ(h.call1("shl0", {Value::i64(1ll << 40)}).i64(), 1ll << 40);
  EXPECT_TRUE(std::signbit(h.call1("fadd0", {Value::f64(-0.0)}).f64()) == false);  // -0 + 0 is +0
  EXPECT_EQ(h.call1("mul0", {Value::i32(7)}).i32(), 0);
  EXPECT_EQ(h.call1("later_write", {Value::i32(1)}).i32(), 100);
}

TEST(InterpFusionTest, LoopCounterStepFusesIntoTheBranch) {
  WatHarness h(R"((module
    (func (export "count") (param i32 i32) (result i32) (local i32)
      ;; i += 8 until i == 40; n counts iterations
      (loop $l
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (local.set 0 (i32.add (local.get 0) (i32.const 8)))
        (br_if $l (i32.ne (local.get 0) (i32.const 40))))
      (i32.add (i32.mul (local.get 2) (i32.const 1000)) (local.get 0)))
    (func (export "wrap") (param i32) (result i32)
      ;; unsigned compare after a wrapping step; the stepped value is kept when not taken
      (block $b (local.set 0 (i32.add (local.get 0) (i32.const 16)))
        (br_if $b (i32.gt_u (local.get 0) (i32.const 8)))
        (return (i32.sub (i32.const 0) (local.get 0))))
      (local.get 0))
    (func (export "negated") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (local.set 0 (i32.add (local.get 0) (i32.const 3)))
        (br_if $l (i32.eqz (i32.ge_s (local.get 0) (i32.const 10)))))
      (i32.add (i32.mul (local.get 1) (i32.const 100)) (local.get 0)))
    (func (export "carried") (param i32) (result i32)
      ;; the branch carries the stepped value as the block's result: its move
      ;; must see the step, so the step is not moved into the branch
      (block $b (result i32)
        (local.set 0 (i32.add (local.get 0) (i32.const 5)))
        (br_if $b (local.get 0) (i32.gt_u (local.get 0) (i32.const 7)))
        (drop)
        (i32.const -1)))
    (func (export "header") (param i32) (result i32) (local i32)
      ;; the comparison is a loop header: entering the loop must not step
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_s (i32.add (local.get 0) (local.get 1)) (i32.const 10))))
      (local.get 1))))");
  EXPECT_EQ(h.call1("count", {Value::i32(0), Value::i32(0)}).i32(), 5040);
  EXPECT_EQ(h.call1("count", {Value::i32(-40), Value::i32(0)}).i32(), 10040);
  EXPECT_TRUE(h.lists("count", "br_if[i32.add imm>i32.ne imm]"));
  EXPECT_EQ(h.call1("wrap", {Value::i32(-10)}).i32(), -6);
  EXPECT_EQ(h.call1("wrap", {Value::i32(0)}).i32(), 16);
  EXPECT_TRUE(h.lists("wrap", "i32.add imm>i32.gt_u imm"));
  EXPECT_EQ(h.call1("negated", {Value::i32(0)}).i32(), 412);
  // (an eqz-negated comparison keeps its step separate: not fused yet)
  EXPECT_EQ(h.call1("carried", {Value::i32(3)}).i32(), 8);
  EXPECT_EQ(h.call1("carried", {Value::i32(1)}).i32(), -1);
  EXPECT_EQ(h.call1("header", {Value::i32(0)}).i32(), 9);
}

// Config::interp_fusions = false: the same results from the plain forms
// alone (what differential fuzzing compares the fused translation to).
TEST(InterpFusionTest, FusionsOffTranslatesEveryInstructionPlainly) {
  const char* wat = R"((module (memory 1)
    (func (export "dot") (param i32) (result f64) (local i32 f64)
      (loop $l
        (local.set 2 (f64.add (local.get 2)
          (f64.mul (f64.load (local.get 1)) (f64.load offset=800 (local.get 1)))))
        (local.set 1 (i32.add (local.get 1) (i32.const 8)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 2))
    (func (export "fill") (param i32)
      (loop $l
        (f64.store (local.get 0) (f64.convert_i32_u (local.get 0)))
        (f64.store offset=800 (local.get 0) (f64.const 0.5))
        (local.set 0 (i32.sub (local.get 0) (i32.const 8)))
        (br_if $l (i32.ge_s (local.get 0) (i32.const 0)))))))";
  Config plain;
  plain.interp_fusions = false;
  WatHarness fused(wat), unfused(wat, plain);
  for (WatHarness* h : {&fused, &unfused}) {
    h->run("fill", {Value::i32(792)});
    EXPECT_EQ(h->call1("dot", {Value::i32(800)}).f64(), 0.5 * (99 * 100 / 2) * 8);
  }
  EXPECT_TRUE(fused.lists("dot", "[imm]"));
  EXPECT_TRUE(fused.lists("dot", "br_if["));
  for (const char* name : {"dot", "fill"})
    for (const char* form : {"[imm]", "[load", "[rmw", "[store", ">", "br_if[", "Copy2"})
      EXPECT_TRUE(unfused.lists_not(name, form)) << form;
}


// The plain translation (what the JIT compiles from) of every kind of
// simple instruction, word for word: unary and binary ops on locals,
// constants (in constant slots, an added zero too), loads and stores,
// results copied to locals.
TEST(InterpFusionTest, PlainTranslationListing) {
  Config plain;
  plain.interp_fusions = false;
  WatHarness h(R"((module (memory 1)
    (func (export "f") (param i32 i32) (result i32) (local i32)
      (local.set 2 (i32.add (local.get 0) (i32.const 0)))
      (i32.store offset=300 (local.get 1) (i32.clz (local.get 2)))
      (local.set 2 (i32.mul (i32.load offset=300 (local.get 1)) (i32.const 100000)))
      (i32.sub (local.get 2) (local.get 0)))))", plain);
  EXPECT_EQ(h.call1("f", {Value::i32(5), Value::i32(8)}).i32(), 29 * 100000 - 5);  // clz(5) = 29
  // Slots: params 0-1, local 2, the constants 0 and 100000 at 3-4, temporaries from 5.
  EXPECT_EQ(h.listing("f"),
            "0: i32.add 5 0 3\n4: Copy 2 5\n7: i32.clz 6 2\n10: i32.store 1 6 300\n14: i32.load 5 1 300\n"
            "18: i32.mul 5 5 4\n22: Copy 2 5\n25: i32.sub 5 2 0\n29: Copy 0 5\n32: Return\n");
}

// The kernels' forms into memory and sha256's xor of rotations (code.hpp):
// matmul's `c[j] += a * b[j]` (b[j] at an address add or not), nbody's
// `v[i] += a * b * c` and `v[i] -= a * b * c`.
TEST(InterpFusionTest, KernelMemoryAndRotationForms) {
  WatHarness h(R"((module
    (memory 1)
    (data (i32.const 0) "\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\00\40\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\00\40")
    (data (i32.const 32) "\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\00\40\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\00\40")
    (func (export "rmw") (param i32 i32 f64) (result f64)
      (f64.store (local.get 0) (f64.add (f64.mul (local.get 2) (f64.load (local.get 1))) (f64.load (local.get 0))))
      (f64.load (local.get 0)))
    (func (export "rmw_add") (param i32 i32 i32 f64) (result f64)
      (f64.store (local.get 0)
        (f64.add (f64.mul (local.get 3) (f64.load (i32.add (local.get 1) (local.get 2)))) (f64.load (local.get 0))))
      (f64.load (local.get 0)))
    (func (export "mm") (param i32 f64 f64 f64) (result f64)
      (f64.store (local.get 0)
        (f64.add (f64.mul (f64.mul (local.get 1) (local.get 2)) (local.get 3)) (f64.load (local.get 0))))
      (f64.load (local.get 0)))
    (func (export "mm_a") (param i32 f64 f64 f64) (result f64)
      (f64.store (local.get 0)
        (f64.sub (f64.load (local.get 0)) (f64.mul (f64.mul (local.get 1) (local.get 2)) (local.get 3))))
      (f64.load (local.get 0)))
    (func (export "rot") (param i32) (result i32)
      (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (i32.rotl (local.get 0) (i32.const 18)))
               (i32.shr_u (local.get 0) (i32.const 3))))
    (func (export "oob") (param i32 i32 f64) (result f64)
      (f64.store (local.get 0) (f64.add (f64.mul (local.get 2) (f64.load (local.get 1))) (f64.load (local.get 0))))
      (f64.const 0))))");
  EXPECT_EQ(h.call1("rmw", {Value::i32(0), Value::i32(8), Value::f64(3)}).f64(), 7.0);
  EXPECT_EQ(h.call1("rmw_add", {Value::i32(16), Value::i32(20), Value::i32(4), Value::f64(3)}).f64(), 7.0);
  EXPECT_EQ(h.call1("mm", {Value::i32(32), Value::f64(2), Value::f64(3), Value::f64(4)}).f64(), 25.0);
  EXPECT_EQ(h.call1("mm_a", {Value::i32(48), Value::f64(2), Value::f64(3), Value::f64(4)}).f64(), -23.0);
  const uint32_t x = 0x12345678;
  auto rotl = [](uint32_t v, int n) { return (v << n) | (v >> (32 - n)); };
  EXPECT_EQ(uint32_t(h.call1("rot", {Value::i32(int32_t(x))}).i32()), rotl(x, 7) ^ rotl(x, 18) ^ (x >> 3));
  EXPECT_TRUE(h.lists("rmw", "f64.mul[load]>f64.add[rmw]"));
  EXPECT_TRUE(h.lists("rmw_add", "f64.mul[load+add]>f64.add[rmw]"));
  EXPECT_TRUE(h.lists("mm", "f64.mul>f64.mul>f64.add[rmw]"));
  EXPECT_TRUE(h.lists("mm_a", "f64.mul>f64.mul>f64.sub[rmw-a]"));
  EXPECT_TRUE(h.lists("rot", "xor_rot[rotl,rotl,i32.shr_u]"));
  // Out of bounds at either address: the trap, and memory unchanged.
  EXPECT_EQ(h.trap("oob", {Value::i32(65536), Value::i32(8), Value::f64(1)}), "out of bounds memory access");
  EXPECT_EQ(h.trap("oob", {Value::i32(24), Value::i32(65536), Value::f64(1)}), "out of bounds memory access");
  EXPECT_EQ(h.call1("rmw", {Value::i32(24), Value::i32(8), Value::f64(0)}).f64(), 2.0);
  EXPECT_TRUE(h.lists("oob", "[rmw]"));
}

}  // namespace
}  // namespace mywasm
