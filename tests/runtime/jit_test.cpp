// The baseline compiler and tiering, through the public API: code really
// runs compiled, traps and backtraces match the interpreter's, calls cross
// tiers and reach host functions, limits hold in compiled code.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "instance_harness.hpp"
#include "jit.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

Config with_tier(Config::Tier tier, uint32_t threshold = 1000) {
  Config c;
  c.tier = tier;
  c.tier_up_threshold = threshold;
  return c;
}

bool is_compiled(test::InstanceHarness& h, std::string_view name) {
  auto f = h.instance.func(h.store, name);
  return f && h.store.impl().funcs[f->addr()]->native_entry != nullptr;
}

// x86-64 and AArch64 have a backend; other hosts run the interpreter only.
TEST(Jit, AvailableOnThisHost) {
#if defined(__x86_64__) || defined(__aarch64__)
  EXPECT_TRUE(jit::available());
#else
  EXPECT_FALSE(jit::available());
#endif
}

const char* kCalls = R"((module
  (memory 1)
  (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $mid (param i32) (result i32) (i32.add (call $leaf (local.get 0)) (i32.const 1)))
  (func (export "top") (param i32) (result i32) (call $mid (local.get 0)))
  (func $c (unreachable))
  (func $b (call $c))
  (func (export "a") (call $b))
  (func $rec (export "rec") (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
  (func (export "grow_then_store") (param i32) (result i32)
    (drop (call $grow (local.get 0)))
    (i32.store (i32.mul (i32.const 65536) (local.get 0)) (i32.const 7))
    (i32.load (i32.mul (i32.const 65536) (local.get 0))))
  (func $grow (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))";

TEST(Jit, EveryFunctionCalledIsCompiledUnderTierJit) {
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
  EXPECT_FALSE(is_compiled(h, "top"));  // nothing runs before its first call
  EXPECT_EQ(h.call1("top", {Value::i32(5)}).i32(), 16);
  // Without a compiler for this host (arm64 for now), it runs interpreted.
  EXPECT_EQ(is_compiled(h, "top"), jit::available());
}

TEST(Jit, TrapsInCompiledCodeCarryTheInterpretersBacktrace) {
  auto backtrace_of = [](Config::Tier tier) {
    test::InstanceHarness h(with_tier(tier));
    h.instantiate_wat(kCalls);
    auto r = h.call("a", {});
    std::vector<uint32_t> funcs;
    if (!r.ok() && r.error().trap) {
      EXPECT_EQ(r.error().trap->message, "unreachable");
      for (const Frame& f : r.error().trap->backtrace) funcs.push_back(f.func_index);
    }
    return funcs;
  };
  const std::vector<uint32_t> expected{3, 4, 5};  // $c, $b, the export
  EXPECT_EQ(backtrace_of(Config::Tier::Interpreter), expected);
  EXPECT_EQ(backtrace_of(Config::Tier::Jit), expected);
}

const char* kFrames = R"((module
  (memory 1)
  (func $load (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func $div (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.add (i32.const 1) (call $load (local.get 0))))
  (func (export "div") (param i32) (result i32) (nop) (call $div (local.get 0)))))";

// A trap's frames name their instance and where they are: the interpreter
// the trapping instruction and each caller's call, compiled code the
// function's start (func_offset 0).
TEST(Jit, TrapFramesCarryTheInstanceAndOffsets) {
  auto binary = wat_to_wasm(kFrames);
  ASSERT_TRUE(binary.ok());
  struct Case {
    Config::Tier tier;
    bool fusion;
  };
  for (Case c : {Case{Config::Tier::Interpreter, true}, Case{Config::Tier::Interpreter, false},
                 Case{Config::Tier::Tiered, true}, Case{Config::Tier::Jit, true}}) {
    SCOPED_TRACE(testing::Message() << "tier " << int(c.tier) << " fusion " << c.fusion);
    Config config = with_tier(c.tier);
    config.interp_fusions = c.fusion;
    test::InstanceHarness h(config);
    ASSERT_NO_FATAL_FAILURE(h.instantiate(*binary));
    const bool exact = c.tier != Config::Tier::Jit || !jit::available();
    for (auto [name, opcode] : {std::pair{"load", 0x28}, std::pair{"div", 0x6d}}) {
      auto r = h.call(name, {Value::i32(name == std::string_view("load") ? 65534 : 0)});
      ASSERT_TRUE(!r.ok() && r.error().trap);
      const auto& frames = r.error().trap->backtrace;
      ASSERT_EQ(frames.size(), 2u);
      for (size_t i = 0; i < 2; ++i) {
        const Frame& f = frames[i];
        EXPECT_EQ(f.func_index, uint32_t(i == 0 ? 0 : 2) + (name == std::string_view("div")));
        ASSERT_TRUE(f.instance());
        EXPECT_EQ(f.instance()->addr(), h.instance.addr());
        EXPECT_TRUE(f.instance()->belongs_to(h.store));
        ASSERT_LT(f.module_offset, binary->size());
        const uint64_t begin = f.module_offset - f.func_offset;
        EXPECT_EQ((*binary)[begin], 0) << "a body starts with its locals (none here)";
        if (exact) {
          EXPECT_EQ((*binary)[f.module_offset], i == 0 ? opcode : 0x10) << name << " frame " << i;
          EXPECT_GT(f.func_offset, 0u);
        } else {
          EXPECT_EQ(f.func_offset, 0u);
        }
      }
    }
  }
}

TEST(Jit, RecursionInCompiledCodeEndsInCallStackExhausted) {
  // A depth limit far beyond what the native stack holds: the native stack
  // check at function entry must trap first, never the host crash.
  for (uint32_t depth : {1000u, 2'000'000u}) {
    Config c = with_tier(Config::Tier::Jit);
    c.max_call_depth = depth;
    c.max_value_stack_bytes = uint64_t(1) << 32;
    test::InstanceHarness h(c);
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
    EXPECT_EQ(h.trap_of("rec", {Value::i32(0)}), "call stack exhausted") << depth;
    EXPECT_EQ(h.call1("top", {Value::i32(1)}).i32(), 4);  // the store still works
  }
}

TEST(Jit, MemoryGrownByACalleeIsUsableByTheCaller) {
  for (auto tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(with_tier(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
    EXPECT_EQ(h.trap_of("load", {Value::i32(65533)}), "out of bounds memory access");
    EXPECT_EQ(h.call1("load", {Value::i32(65532)}).i32(), 0);
    EXPECT_EQ(h.call1("grow_then_store", {Value::i32(2)}).i32(), 7);
    EXPECT_EQ(h.call1("load", {Value::i32(3 * 65536 - 4)}).i32(), 0);
    EXPECT_EQ(h.trap_of("load", {Value::i32(3 * 65536 - 3)}), "out of bounds memory access");
  }
}

TEST(Jit, TieredMovesHotFunctionsAndLoopsUp) {
  test::InstanceHarness h(with_tier(Config::Tier::Tiered, 10));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func $sq (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "sum") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $sq (local.get 0))))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1))))"));
  EXPECT_EQ(h.call1("sum", {Value::i32(100)}).i32(), 338350);
  // sq: called 100 times from the interpreter; sum: called once, its loop
  // ran 100 times (on-stack replacement). Without a compiler both stay.
  EXPECT_EQ(is_compiled(h, "sq"), jit::available());
  EXPECT_EQ(is_compiled(h, "sum"), jit::available());
  EXPECT_EQ(h.call1("sum", {Value::i32(7)}).i32(), 140);  // now compiled calling compiled
}

TEST(Jit, HostFunctionsAreCalledFromCompiledCodeWithTheCallersMemory) {
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  FuncType type{{ValType::I32}, {ValType::I32}};
  uint32_t seen_byte = 0;
  h.linker.define("env", "peek",
                  Func::host(h.store, type, [&](Caller& caller, std::span<const Value> args, std::span<Value> results)
                                                -> std::optional<Trap> {
                    auto mem = caller.memory();
                    if (!mem) return Trap{Trap::Kind::Host, "no memory", 0, {}};
                    seen_byte = mem->data(caller.store())[args[0].i32()];
                    if (seen_byte == 0xEE) return Trap{Trap::Kind::Host, "host says no", 0, {}};
                    results[0] = Value::i32(int32_t(seen_byte) + 1);
                    return std::nullopt;
                  }));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (import "env" "peek" (func $peek (param i32) (result i32)))
    (memory 1)
    (func (export "f") (param i32 i32) (result i32)
      (i32.store8 (local.get 0) (local.get 1))
      (call $peek (local.get 0)))))"));
  EXPECT_EQ(h.call1("f", {Value::i32(100), Value::i32(41)}).i32(), 42);
  EXPECT_EQ(seen_byte, 41u);
  EXPECT_EQ(h.trap_of("f", {Value::i32(100), Value::i32(0xEE)}), "host says no");
}

TEST(Jit, StepLimitAndInterruptHoldInCompiledCode) {
  Config c = with_tier(Config::Tier::Jit);
  c.step_limit = 101;
  test::InstanceHarness h(c);
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func (export "forever") (loop $l (br $l)))))"));
  EXPECT_EQ(h.call1("count", {Value::i32(100)}).i32(), 100);
  EXPECT_EQ(h.trap_of("count", {Value::i32(101)}), "step limit exhausted");
  EXPECT_EQ(h.trap_of("forever", {}), "step limit exhausted");

  Config ci = with_tier(Config::Tier::Jit);
  ci.interruptible = true;
  test::InstanceHarness hi(ci);
  ASSERT_NO_FATAL_FAILURE(hi.instantiate_wat(R"((module (func (export "forever") (loop $l (br $l)))))"));
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    hi.store.interrupt();
  });
  EXPECT_EQ(hi.trap_of("forever", {}), "interrupted");
  stopper.join();
}

}  // namespace
}  // namespace mywasm

namespace mywasm {
namespace {

// A loop in a function called once moves to compiled code mid-run, with
// values on the operand stack at its header (a loop parameter and a value
// below the loop) carried over, and later traps report the compiled frames.
TEST(Jit, HotLoopOfAFunctionCalledOnceMovesToCompiledCode) {
  test::InstanceHarness h(with_tier(Config::Tier::Tiered, 50));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (memory 1)
    (func (export "sum") (param $n i32) (result i64) (local $i i32)
      (i64.const 1000000)          ;; below the loop, on the stack all along
      (i64.const 0)                ;; the loop's parameter: the running sum
      (loop $l (param i64) (result i64)
        (i64.add (i64.extend_i32_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i64.add))
    (func (export "oob_after") (param $n i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (drop (i32.load (i32.const 70000))))))"));
  // 0 + 1 + ... + 9999 = 49995000, plus the value below the loop.
  EXPECT_EQ(h.call1("sum", {Value::i32(10000)}).i64(), 49995000 + 1000000);
  EXPECT_EQ(is_compiled(h, "sum"), jit::available());
  auto r = h.call("oob_after", {Value::i32(1000)});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->message, "out of bounds memory access");
  ASSERT_EQ(r.error().trap->backtrace.size(), 1u);
  EXPECT_EQ(r.error().trap->backtrace[0].func_index, 1u);
  EXPECT_EQ(is_compiled(h, "oob_after"), jit::available());
}

}  // namespace
}  // namespace mywasm
