// Deep nesting and big br_tables (issue 13, item 4): results on every
// tier, and code that grows with the input, not with a product of its
// sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <time.h>

#include "instance_harness.hpp"
#include "interp/code.hpp"
#include "jit.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

Config tier_config(Config::Tier tier) {
  Config c;
  c.tier = tier;
  return c;
}

// `depth` nested `block (result i32)`; innermost, a br_table naming each
// label once (label i at entry i, the outermost as default) carries 1 out;
// each block's end adds 1. So pick(i) = 1 + depth - i, and 2 past the table.
std::string deep_br_table_wat(uint32_t depth) {
  std::string wat = "(module (func (export \"pick\") (param i32) (result i32)\n";
  for (uint32_t i = 0; i < depth; ++i) wat += "block (result i32)\n";
  wat += "i32.const 1 local.get 0 br_table";
  for (uint32_t i = 0; i < depth; ++i) wat += " " + std::to_string(i);
  wat += " " + std::to_string(depth - 1) + "\n";
  for (uint32_t i = 0; i < depth; ++i) wat += "end i32.const 1 i32.add\n";
  return wat + "))";
}

TEST(ControlCostTest, DeepNestingBranchesToEveryLabelOnEveryTier) {
  constexpr uint32_t kDepth = 5'000;  // the text parser nests 10,000 deep at most
  const std::string wat = deep_br_table_wat(kDepth);
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(tier_config(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
    for (uint32_t i : {0u, 1u, 2u, 777u, kDepth / 2, kDepth - 2, kDepth - 1})
      EXPECT_EQ(h.call1("pick", {Value::i32(int32_t(i))}).i32(), int32_t(1 + kDepth - i)) << i;
    EXPECT_EQ(h.call1("pick", {Value::i32(int32_t(kDepth))}).i32(), 2);
    EXPECT_EQ(h.call1("pick", {Value::i32(-1)}).i32(), 2);
  }
}

// A br_table naming three labels that each need their value moved (a
// pending constant, with other values below): one stub per label, however
// long the table.
TEST(ControlCostTest, BrTableGivesEachLabelOneStub) {
  constexpr int kTargets = 3'000;
  std::string table;
  for (int i = 0; i < kTargets; ++i) table += i % 3 == 0 ? " $a" : i % 3 == 1 ? " $b" : " $c";
  const std::string wat = R"((module (func (export "pick") (param i32) (result i32)
    (i32.add (i32.const 1000)
      (block $c (result i32)
        (i32.add (i32.const 100)
          (block $b (result i32)
            (i32.add (i32.const 10)
              (block $a (result i32)
                (br_table)" + table + R"( $c (i32.const 1) (local.get 0)))))))))))";
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(tier_config(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
    for (int i : {0, 1, 2, 3, 1499, 2998, 2999})
      EXPECT_EQ(h.call1("pick", {Value::i32(i)}).i32(), i % 3 == 0 ? 1111 : i % 3 == 1 ? 1101 : 1001) << i;
    EXPECT_EQ(h.call1("pick", {Value::i32(kTargets)}).i32(), 1001);
    const auto& compiled = h.func_instance("pick").compiled;
    ASSERT_TRUE(compiled);
    // The table's words, three stubs and a few instructions around them
    // (a stub per entry made it about six times the table).
    EXPECT_LT(compiled->code.size(), size_t(kTargets + 100));
  }
}


// Branches to labels of six values (more than are moved inline; one a
// v128): from pending constants, from homes one slot above the label's
// (a value below them), to a block, to the function, through br_if and
// br_table. "sum" folds the results so each path gives its own number:
// the last value is 6, plus 100 when it came through the block's end.
constexpr const char* kWideBranchesWat = R"((module
  (type $six (func (result i32 i64 f64 v128 i32 i32)))
  (func $values (param $c i32) (param $below i32) (result i32 i64 f64 v128 i32 i32)
    (block $l (type $six)
      (if (local.get $below) (then (br $l (call $moved (local.get $c)))))
      (i32.const 1) (i64.const 2) (f64.const 3.5) (v128.const i64x2 4 5) (local.get $c) (i32.const 6)
      (br_if $l (i32.eq (local.get $c) (i32.const 1)))
      (br_if 1 (i32.eq (local.get $c) (i32.const 2)))
      (br_table $l 1 $l (i32.sub (local.get $c) (i32.const 3))))
    (i32.add (i32.const 100)))
  (func $moved (param $c i32) (result i32 i64 f64 v128 i32 i32)
    (block $l (type $six)
      (i32.const 99)
      (i32.const 1) (i64.const 2) (f64.const 3.5) (v128.const i64x2 4 5) (local.get $c) (i32.const 6)
      (br_if $l (i32.eq (local.get $c) (i32.const 1)))
      (br_if 1 (i32.eq (local.get $c) (i32.const 2)))
      (br_table $l 1 $l (i32.sub (local.get $c) (i32.const 3))))
    (i32.add (i32.const 100)))
  (func (export "sum") (param $c i32) (param $below i32) (result i64)
    (local $a i32) (local $b i64) (local $d f64) (local $v v128) (local $e i32) (local $f i32)
    (call $values (local.get $c) (local.get $below))
    (local.set $f) (local.set $e) (local.set $v) (local.set $d) (local.set $b) (local.set $a)
    (i64.add (i64.extend_i32_u (local.get $a)) (local.get $b))
    (i64.add (i64.trunc_f64_u (f64.mul (local.get $d) (f64.const 2))))
    (i64.add (i64.mul (i64x2.extract_lane 0 (local.get $v)) (i64.const 10)))
    (i64.add (i64.mul (i64x2.extract_lane 1 (local.get $v)) (i64.const 100)))
    (i64.add (i64.mul (i64.extend_i32_u (local.get $e)) (i64.const 1000)))
    (i64.add (i64.mul (i64.extend_i32_u (local.get $f)) (i64.const 10000))))))";

TEST(ControlCostTest, WideBranchesMoveTheirValuesOnEveryTier) {
  // 1 + 2 + 7 + 40 + 500, then c * 1000 and f * 10000, f being 6 plus 100
  // for each block end the values came through ($values' own when `below`
  // sent them through $moved first).
  auto expected = [](int64_t c, bool through_block, int32_t below) {
    return 550 + c * 1000 + (6 + (through_block ? 100 : 0) + 100 * below) * 10000;
  };
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(tier_config(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kWideBranchesWat));
    for (int32_t below : {0, 1}) {
      auto sum = [&](int32_t c) { return h.call1("sum", {Value::i32(c), Value::i32(below)}).i64(); };
      EXPECT_EQ(sum(1), expected(1, true, below)) << below;   // br_if $l
      EXPECT_EQ(sum(2), expected(2, false, below)) << below;  // br_if to the function
      EXPECT_EQ(sum(3), expected(3, true, below)) << below;   // br_table to $l
      EXPECT_EQ(sum(4), expected(4, false, below)) << below;  // br_table to the function
      EXPECT_EQ(sum(9), expected(9, true, below)) << below;   // its default
    }
  }
}

// 2,000 br_ifs to a label of 50 values, each of which leaves them all on
// the stack to be moved again: the code grows with the branches, not with
// branches times arity (inline moves made it about 120 words a branch).
TEST(ControlCostTest, WideBrIfCodeGrowsWithTheInput) {
  constexpr int kBranches = 2'000, kArity = 50;
  std::string results, values, branches;
  for (int i = 0; i < kArity; ++i) results += " i32";
  for (int i = 0; i < kArity; ++i) values += " (i32.const " + std::to_string(i + 1) + ")";
  for (int i = 0; i < kBranches; ++i) branches += " (br_if $l (i32.eq (local.get 0) (i32.const " + std::to_string(i) + ")))";
  std::string drops;
  for (int i = 1; i < kArity; ++i) drops += " drop";
  const std::string wat = "(module (func (export \"f\") (param i32) (result i32)"
                          " (block $l (result" + results + ") (i32.const 99)" + values + branches +
                          " (br $l))" + drops + "))";
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(tier_config(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
    EXPECT_EQ(h.call1("f", {Value::i32(7)}).i32(), 1);
    const FuncInstance& func = h.func_instance("f");
    ASSERT_TRUE(func.compiled);
    if (tier == Config::Tier::Jit && !jit::available()) {
      EXPECT_FALSE(func.native);  // no compiler for this host: it runs interpreted
    } else if (tier == Config::Tier::Jit) {
      ASSERT_TRUE(func.native);
      EXPECT_LT(func.native->size, size_t(150 * kBranches + 100 * kArity));
      // The plain translation it was compiled from is not kept (only its
      // frame layout) where the backend does not need it. Made again here
      // to check its size.
      EXPECT_EQ(func.compiled->code.empty(), !jit::keeps_plain_translation());
      EXPECT_LT(interp::translate(h.store.impl(), func, /*fuse=*/false)->code.size(),
                size_t(16 * kBranches + 20 * kArity));
      continue;
    }
    EXPECT_LT(func.compiled->code.size(), size_t(16 * kBranches + 20 * kArity));
  }
}

// `depth` loops, each nested in the one before, each adding the param to a
// local on the way in and branching back to itself on the way out while
// that local is zero (never, for a nonzero param): every loop is a loop
// the compiler ranks locals for, and each one's code holds all the loops
// inside it.
std::string nested_loops_wat(uint32_t depth) {
  std::string wat = "(module (func (export \"f\") (param i32) (result i32) (local i32)\n";
  for (uint32_t i = 0; i < depth; ++i) wat += "loop local.get 1 local.get 0 i32.add local.set 1\n";
  for (uint32_t i = 0; i < depth; ++i) wat += "local.get 1 i32.eqz br_if 0 end\n";
  return wat + "local.get 1))";
}

double thread_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// Compiling loops nested thousands deep takes time that grows with the
// code, not with its square (ranking each loop's locals read the code of
// every loop inside it: 10,000 loops, 150 KB of wasm, took 4.8 s, and
// 40,000 took 74 s; see kLoopScanFactor). Not a speed target: the ratio
// of two compile times of one run, 4x the code, where linear growth gives
// about 4 and the quadratic one 16. Thread CPU time, the best of three.
// (Past 4,096 loops the AArch64 OSR entry's loop numbers no longer fit
// cmp's immediate: 8,000 checks it compiles them.)
TEST(ControlCostTest, DeeplyNestedLoopsCompileInTimeLinearInTheirCode) {
  auto compile_seconds = [](uint32_t depth) {
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      Config c;
      c.tier = Config::Tier::Interpreter;
      test::InstanceHarness h(c);
      h.instantiate_wat(nested_loops_wat(depth));
      EXPECT_EQ(h.call1("f", {Value::i32(3)}).i32(), int32_t(3 * depth));
      FuncInstance& func = h.func_instance("f");
      const double start = thread_cpu_seconds();
      EXPECT_EQ(jit::compile(h.store.impl(), func), jit::available());  // (false: no compiler for this host)
      best = std::min(best, thread_cpu_seconds() - start);
      EXPECT_EQ(h.call1("f", {Value::i32(3)}).i32(), int32_t(3 * depth));  // (now compiled code)
    }
    return best;
  };
  const double small = compile_seconds(2'000), big = compile_seconds(8'000);
  EXPECT_LT(big, 8 * small) << small << " s for 2,000 loops, " << big << " s for 8,000";
}

}  // namespace
}  // namespace mywasm
