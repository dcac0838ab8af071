// The lean x86-64 compiler (jit/src/x64_lean_compiler.cpp): which functions
// it takes, and that its code computes what the interpreter does where its
// value stack is most intricate (values in registers, constants, locals not
// read yet and compare flags meeting at merges, branches and calls).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "instance_harness.hpp"
#include "background_compiler.hpp"
#include "jit.hpp"
#include "x64_lean_compiler.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

// (x86-64 only: elsewhere Config::JitCompiler::Lean means the full compiler.)
#if defined(__x86_64__)
namespace mywasm {
namespace {

Config lean_config(BoundsChecks checks = BoundsChecks::GuardPages) {
  Config c;
  c.tier = Config::Tier::Jit;
  c.jit_compiler = Config::JitCompiler::Lean;
  c.bounds_checks = checks;
  return c;
}

Config interp_config() {
  Config c;
  c.tier = Config::Tier::Interpreter;
  return c;
}

// Whether the exported function `name` runs code of the lean compiler.
bool is_lean(test::InstanceHarness& h, std::string_view name) {
  const FuncInstance& fi = h.func_instance(name);
  return fi.native && fi.native->lean;
}

const char* kValueStack = R"((module
  (memory 1)
  (global $g (mut i64) (i64.const 5))
  (table 2 funcref)
  (elem (i32.const 0) $sq $neg)
  (type $un (func (param i32) (result i32)))
  (func $sq (type $un) (i32.mul (local.get 0) (local.get 0)))
  (func $neg (type $un) (i32.sub (i32.const 0) (local.get 0)))
  (func $pair (param i32) (result i32 i64) (local.get 0) (i64.extend_i32_s (local.get 0)))
  ;; A local read, then written before its value is used.
  (func (export "read_then_write") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.const 100))
    (local.get 0)
    (i32.sub))
  ;; A compare's flags consumed by select and br_if, a negated compare.
  (func (export "flags") (param i32 i32) (result i32)
    (block $b (result i32)
      (drop (br_if $b (i32.const 7) (i32.eqz (i32.lt_s (local.get 0) (local.get 1)))))
      (select (local.get 0) (local.get 1) (i32.gt_u (local.get 0) (local.get 1)))))
  ;; Values kept across a call, a multi-value call, the global.
  (func (export "calls") (param i32) (result i64)
    (local i64)
    (i64.const 1000)
    (call $pair (local.get 0))
    (local.set 1)
    (i64.extend_i32_u)
    (i64.add)
    (local.get 1)
    (i64.add)
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (global.get $g)
    (i64.add))
  ;; A branch table whose targets take their value from different heights.
  (func (export "table") (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (i32.const 1)
        (block $c (result i32)
          (br_table $a $b $c (i32.const 10) (local.get 0)))
        (i32.add))
      (i32.const 100)
      (i32.add)))
  ;; Memory, indirect calls, division traps' neighbours.
  (func (export "memory") (param i32 i32) (result i32)
    (i32.store8 offset=3 (local.get 0) (i32.const 0x1ff))
    (i64.store (i32.const 16) (i64.const -2))
    (i32.add
      (i32.add (i32.load8_u offset=3 (local.get 0)) (i32.load (i32.const 20)))
      (i32.add (call_indirect (type $un) (local.get 1) (i32.const 1))
               (i32.rem_s (i32.const -2147483648) (i32.const -1)))))
  ;; Loops with a value carried in a local, shifts by a register count.
  (func (export "loop") (param i32) (result i64)
    (local $acc i64) (local $i i32)
    (loop $l
      (local.set $acc (i64.xor (i64.rotl (local.get $acc) (i64.extend_i32_u (local.get $i)))
                               (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $i)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get 0))))
    (local.get $acc))
  ;; Floats in xmm registers: arithmetic on a converted integer, a constant.
  (func (export "floats") (param f64 i32) (result f64)
    (f64.add (f64.mul (local.get 0) (f64.convert_i32_s (local.get 1))) (f64.const 0.5)))))";

void matches_the_interpreter(BoundsChecks checks);

// Every function of a module without v128 is the lean compiler's, and each
// computes what the interpreter computes, on a memory with guard pages and
// on one whose accesses it checks.
TEST(LeanCompiler, MatchesTheInterpreterOnItsValueStack) {
  for (BoundsChecks checks : {BoundsChecks::GuardPages, BoundsChecks::Explicit}) {
    SCOPED_TRACE(checks == BoundsChecks::GuardPages ? "guard pages" : "explicit bounds checks");
    matches_the_interpreter(checks);
  }
}

void matches_the_interpreter(BoundsChecks checks) {
  ASSERT_TRUE(jit::available());
  test::InstanceHarness lean(lean_config(checks)), ref(interp_config());
  ASSERT_NO_FATAL_FAILURE(lean.instantiate_wat(kValueStack));
  ASSERT_NO_FATAL_FAILURE(ref.instantiate_wat(kValueStack));
  for (const char* name : {"read_then_write", "flags", "calls", "table", "memory", "loop", "floats"})
    EXPECT_TRUE(is_lean(lean, name)) << name;
  auto same = [&](std::string_view name, std::initializer_list<Value> args) {
    auto a = lean.call(name, args), b = ref.call(name, args);
    ASSERT_EQ(a.ok(), b.ok()) << name;
    if (!a.ok()) {
      EXPECT_EQ(a.error().message, b.error().message) << name;
      return;
    }
    ASSERT_EQ(a->size(), b->size()) << name;
    for (size_t i = 0; i < a->size(); ++i) EXPECT_EQ((*a)[i].f64_bits(), (*b)[i].f64_bits()) << name << " result " << i;
  };
  same("read_then_write", {Value::i32(7)});
  for (int32_t x : {-3, 0, 4})
    for (int32_t y : {-3, 0, 4}) same("flags", {Value::i32(x), Value::i32(y)});
  for (int32_t x : {-5, 0, 9}) same("calls", {Value::i32(x)});
  for (int32_t i : {0, 1, 2, 3, -1}) same("table", {Value::i32(i)});
  for (int32_t t : {0, 1, 2}) same("memory", {Value::i32(40), Value::i32(t)});  // (2: undefined element)
  same("memory", {Value::i32(65534), Value::i32(0)});                            // (out of bounds)
  for (int32_t n : {1, 5, 70}) same("loop", {Value::i32(n)});
  same("floats", {Value::f64(1.25), Value::i32(-3)});
}

// A direct call whose callee lies out of reach of a rel32 (more than 2 GB
// away: pretended here) makes the compiler take the code again with
// asmjit's far form; the code is still the lean compiler's and right.
TEST(LeanCompiler, DirectCallsOutOfReachTakeTheFarForm) {
  jit::pretend_calls_out_of_reach_for_tests(true);
  matches_the_interpreter(BoundsChecks::GuardPages);
  jit::pretend_calls_out_of_reach_for_tests(false);
}

// A wide br_table whose targets take their value from another height gets
// one move stub per target depth, not one per entry: 60,000 entries cost
// about their 4-byte table entries in code.
TEST(LeanCompiler, WideBranchTablesShareTheirMoveStubs) {
  ASSERT_TRUE(jit::available());
  std::string labels;
  for (int i = 0; i < 60000; ++i) labels += i % 2 ? " $a" : " $b";
  const std::string wat = R"((module
    (func (export "pick") (param i32) (result i32)
      (block $a (result i32)
        (i32.const 1000)
        (block $b (result i32)
          (i32.const 7)
          (i32.const 8)
          (br_table)" + labels + R"( $a (local.get 0)))
        (i32.add)))))";
  test::InstanceHarness h(lean_config());
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
  ASSERT_TRUE(is_lean(h, "pick"));
  const FuncInstance& f = h.func_instance("pick");
  EXPECT_LT(f.native->size, size_t(60000 * 4 + 4096));
  EXPECT_EQ(h.call1("pick", {Value::i32(0)}).i32(), 1008);  // $b: 8, then 1000 + 8
  EXPECT_EQ(h.call1("pick", {Value::i32(1)}).i32(), 8);     // $a: 8
  EXPECT_EQ(h.call1("pick", {Value::i32(59999)}).i32(), 8);
  EXPECT_EQ(h.call1("pick", {Value::i32(60000)}).i32(), 8);  // the default, $a
  EXPECT_EQ(h.call1("pick", {Value::i32(-1)}).i32(), 8);
}

// A hot loop in a function called once moves from the interpreter into
// the lean compiler's code at its header (on-stack replacement), with the
// values live there (a loop parameter, values below the loop), and the
// loops after a block nothing reaches and a br_if on a constant keep their
// positions: OSR maps loops by their order.
TEST(LeanCompiler, HotLoopsMoveIntoItsCodeMidRun) {
  ASSERT_TRUE(jit::available());
  const char* wat = R"((module
    (func (export "run") (param $n i32) (result i64)
      (local $acc i64)
      (block $never (br 0) (loop $dead (br $dead)))  ;; a loop in dead code
      (block (br_if 0 (i32.const 1)) (loop $after_const (nop)))
      (i64.const 5)  ;; below the loop, live at its header
      (local.get $n)
      (loop $l (param i32) (result i32)
        (i64.extend_i32_u)
        (local.set $acc (i64.add (local.get $acc)))
        (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (local.get $n))
        (drop)
        (local.get $n))
      (drop)
      (i64.add (local.get $acc)))))";
  Config c = lean_config();
  c.tier = Config::Tier::Tiered;
  c.tier_up_threshold = 100;
  c.background_compile = false;
  test::InstanceHarness lean(c), ref(interp_config());
  ASSERT_NO_FATAL_FAILURE(lean.instantiate_wat(wat));
  ASSERT_NO_FATAL_FAILURE(ref.instantiate_wat(wat));
  EXPECT_EQ(lean.call1("run", {Value::i32(100000)}).i64(), ref.call1("run", {Value::i32(100000)}).i64());
  EXPECT_EQ(lean.store.impl().osr_entries, 1u);
  EXPECT_TRUE(is_lean(lean, "run"));
}

// A function with a v128 anywhere is left to the full compiler.
TEST(LeanCompiler, LeavesV128ToTheFullCompiler) {
  ASSERT_TRUE(jit::available());
  test::InstanceHarness h(lean_config());
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "scalar") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "vector") (param i32) (result i32)
      (i32x4.extract_lane 1 (i32x4.splat (local.get 0))))))"));
  EXPECT_TRUE(is_lean(h, "scalar"));
  EXPECT_FALSE(is_lean(h, "vector"));
  EXPECT_NE(h.func_instance("vector").native_entry, nullptr);  // (the full compiler's)
  EXPECT_EQ(h.call1("vector", {Value::i32(9)}).i32(), 9);
  EXPECT_EQ(h.call1("scalar", {Value::i32(9)}).i32(), 10);
}

// Config::JitCompiler::Both: lean code first, the full compiler's once a
// function is hot.
Config both_config(uint32_t threshold, bool background = false) {
  Config c;
  c.tier = Config::Tier::Jit;
  c.jit_compiler = Config::JitCompiler::Both;
  c.tier_up_threshold = threshold;
  c.background_compile = background;
  return c;
}


const char* kUpgrade = R"((module
  (func $sq (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  ;; Calls $sq from lean code compiled before $sq moves on.
  (func (export "sum_sq") (param $n i32) (result i64) (local $i i32) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $sq (local.get $i)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  ;; Values below the loop on the operand stack when it moves over.
  (func (export "below") (param $n i32) (result i32)
    (i32.const 1000)
    (i32.const 7)
    (loop $l (param i32) (result i32)
      (i32.add (i32.const 3))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l))
    (i32.add)))
)";

// A function called past the threshold runs the full compiler's code from
// then on; its lean code's entry jumps there (for callers that call it
// directly), and the results are the interpreter's.
TEST(LeanCompiler, HotFunctionsMoveToTheFullCompilersCode) {
  test::InstanceHarness h(both_config(10)), ref(interp_config());
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kUpgrade));
  ASSERT_NO_FATAL_FAILURE(ref.instantiate_wat(kUpgrade));
  EXPECT_TRUE(is_lean(h, "sq"));
  for (int32_t i = 0; i < 10; ++i) EXPECT_EQ(h.call1("sq", {Value::i32(i)}).i32(), i * i);
  EXPECT_TRUE(is_lean(h, "sq"));  // (ten calls: the threshold, not past it)
  EXPECT_EQ(h.call1("sq", {Value::i32(12)}).i32(), 144);
  const FuncInstance& sq = h.func_instance("sq");
  ASSERT_TRUE(sq.native && !sq.native->lean && sq.native->replaced && sq.native->replaced->lean);
  EXPECT_EQ(sq.native_entry, reinterpret_cast<NativeEntry>(sq.native->code));
  // The lean entry: jmp [rip+0] to the full code's internal entry.
  const auto* lean_entry = static_cast<const uint8_t*>(sq.native->replaced->code) + 64;
  EXPECT_EQ(lean_entry[0], 0xFF);
  EXPECT_EQ(lean_entry[1], 0x25);
  uint64_t target;
  std::memcpy(&target, lean_entry + 6, sizeof target);
  EXPECT_EQ(target, reinterpret_cast<uint64_t>(sq.native->code) + 64);
  // sum_sq (lean, one call) calls it directly, through that jump.
  EXPECT_EQ(h.call1("sum_sq", {Value::i32(50)}).i64(), ref.call1("sum_sq", {Value::i32(50)}).i64());
}

// A loop in a function called once moves to the full compiler's code
// mid-run (on-stack replacement from lean code), with the values the loop
// leaves below it on the operand stack.
TEST(LeanCompiler, HotLoopsMoveFromItsCodeToTheFullCompilersMidRun) {
  test::InstanceHarness h(both_config(100)), ref(interp_config());
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kUpgrade));
  ASSERT_NO_FATAL_FAILURE(ref.instantiate_wat(kUpgrade));
  EXPECT_EQ(h.call1("below", {Value::i32(1000)}).i32(), ref.call1("below", {Value::i32(1000)}).i32());
  EXPECT_EQ(h.store.impl().osr_entries, 1u);
  EXPECT_FALSE(is_lean(h, "below"));
  EXPECT_EQ(h.call1("sum_sq", {Value::i32(3000)}).i64(), ref.call1("sum_sq", {Value::i32(3000)}).i64());
  EXPECT_EQ(h.store.impl().osr_entries, 2u);
  EXPECT_FALSE(is_lean(h, "sum_sq"));
  EXPECT_FALSE(is_lean(h, "sq"));
}

// Made on the helper thread: the lean code goes on until it is ready, and
// a later call installs it (the call that asked for it, when the helper
// was that quick; else the next whose count runs out).
TEST(LeanCompiler, FullCodeMadeInTheBackgroundIsInstalledByALaterCall) {
  test::InstanceHarness h(both_config(1, /*background=*/true));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kUpgrade));
  const FuncInstance& sq = h.func_instance("sq");
  EXPECT_EQ(h.call1("sq", {Value::i32(3)}).i32(), 9);
  EXPECT_EQ(sq.upgrade_state, uint8_t(jit::UpgradeState::None));
  EXPECT_EQ(h.call1("sq", {Value::i32(4)}).i32(), 16);  // (asks for it)
  EXPECT_NE(sq.upgrade_state, uint8_t(jit::UpgradeState::None));
  jit::drain_background_compiles(h.store.impl());
  EXPECT_EQ(sq.upgrade_state, uint8_t(jit::UpgradeState::Ready));
  EXPECT_EQ(jit::background_compiles_done(h.store.impl()), 1u);
  for (int32_t i = 0; i < 3; ++i) EXPECT_EQ(h.call1("sq", {Value::i32(5)}).i32(), 25);
  EXPECT_FALSE(sq.native->lean);
  EXPECT_TRUE(sq.native->replaced && sq.native->replaced->lean);
}

// A trap in the full code of a function that moved over mid-loop reports
// the interpreter's backtrace.
TEST(LeanCompiler, TrapsAfterMovingOverCarryTheInterpretersBacktrace) {
  const char* wat = R"((module
    (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
    (func $outer (export "outer") (param $n i32) (result i32)
      (loop $l
        (drop (call $inner (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (call $inner (local.get $n))))
  )";
  test::InstanceHarness h(both_config(5)), ref(interp_config());
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
  ASSERT_NO_FATAL_FAILURE(ref.instantiate_wat(wat));
  auto got = h.call("outer", {Value::i32(50)});
  auto expected = ref.call("outer", {Value::i32(50)});
  ASSERT_FALSE(got.ok());
  ASSERT_FALSE(expected.ok());
  ASSERT_TRUE(got.error().trap && expected.error().trap);
  EXPECT_EQ(got.error().trap->message, expected.error().trap->message);
  const auto& frames = got.error().trap->backtrace;
  const auto& expected_frames = expected.error().trap->backtrace;
  ASSERT_EQ(frames.size(), expected_frames.size());
  for (size_t k = 0; k < frames.size(); ++k) {
    EXPECT_EQ(frames[k].func_index, expected_frames[k].func_index) << k;
    EXPECT_EQ(frames[k].module_offset, expected_frames[k].module_offset) << k;
  }
  EXPECT_EQ(frames.size(), 2u);
  EXPECT_FALSE(is_lean(h, "outer"));
}

}  // namespace
}  // namespace mywasm
#endif
