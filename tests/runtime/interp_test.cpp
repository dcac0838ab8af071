// Interpreter tests on hand-assembled modules, driven through the public API.
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

#include "instance_harness.hpp"
#include "mywasm/watchdog.hpp"
#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"
#include "wasm_builder.hpp"

namespace mywasm {
namespace {

// Value type bytes, for block types and Code::op sequences.
constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C;

// Instruction stream writer: Code().get(0).i32(2).op({0x48}) ...
struct Code {
  test::Bytes b;
  Code& op(std::initializer_list<uint8_t> bytes) {
    b.insert(b.end(), bytes);
    return *this;
  }
  Code& i32(int32_t v) { return imm_s(0x41, v); }
  Code& i64(int64_t v) { return imm_s(0x42, v); }
  Code& get(uint32_t l) { return imm_u(0x20, l); }
  Code& set(uint32_t l) { return imm_u(0x21, l); }
  Code& tee(uint32_t l) { return imm_u(0x22, l); }
  Code& call(uint32_t f) { return imm_u(0x10, f); }
  Code& br(uint32_t d) { return imm_u(0x0C, d); }
  Code& br_if(uint32_t d) { return imm_u(0x0D, d); }

 private:
  Code& imm_u(uint8_t opcode, uint32_t v) {
    b.push_back(opcode);
    test::put_uleb(b, v);
    return *this;
  }
  Code& imm_s(uint8_t opcode, int64_t v) {
    b.push_back(opcode);
    test::put_sleb(b, v);
    return *this;
  }
};

// test::WasmBuilder as these tests use it: types as bytes, bodies as Code,
// functions exported by name as they are defined.
class ModuleBuilder {
 public:
  uint32_t type(std::initializer_list<uint8_t> params, std::initializer_list<uint8_t> results) {
    return b_.type(types(params), types(results));
  }
  uint32_t import_func(const std::string& module, const std::string& name, uint32_t type_index) {
    return b_.import_func(module, name, type_index);
  }
  uint32_t func(uint32_t type_index, std::initializer_list<uint8_t> locals, const Code& body,
                const std::string& export_name = "") {
    uint32_t index = b_.func(type_index, body.b, types(locals));
    if (!export_name.empty()) b_.export_(export_name, ExternKind::Func, index);
    return index;
  }
  void memory(uint64_t pages) { b_.memory(pages); }
  // A funcref table of `size` elements holding `funcs` from index 0.
  void table(uint32_t size, const std::vector<uint32_t>& funcs) {
    b_.table(ValType::FuncRef, size);
    b_.elem_active(test::op::i32_const(0), funcs);
  }
  test::Bytes build() const { return b_.build(); }

 private:
  static std::vector<ValType> types(std::initializer_list<uint8_t> bytes) {
    std::vector<ValType> out;
    for (uint8_t b : bytes) out.push_back(static_cast<ValType>(b));
    return out;
  }
  test::WasmBuilder b_;
};

// One instantiated module plus helpers to call its exports.
struct Harness : test::InstanceHarness {
  explicit Harness(const ModuleBuilder& b, Config config = {}) : InstanceHarness(config) { instantiate(b.build()); }
  Harness(const ModuleBuilder& b, std::function<void(Linker&, Store&)> define) {
    define(linker, store);
    instantiate(b.build());
  }
};

ModuleBuilder binary_i32(uint8_t opcode) {
  ModuleBuilder b;
  uint32_t t = b.type({I32, I32}, {I32});
  b.func(t, {}, Code().get(0).get(1).op({opcode}), "f");
  return b;
}

TEST(InterpTest, AddsTwoNumbers) {
  Harness h(binary_i32(0x6A));
  EXPECT_EQ(h.call1("f", {Value::i32(2), Value::i32(40)}).i32(), 42);
  EXPECT_EQ(h.call1("f", {Value::i32(INT32_MAX), Value::i32(1)}).i32(), INT32_MIN);
}

TEST(InterpTest, IntegerDivisionTraps) {
  Harness div_s(binary_i32(0x6D));
  EXPECT_EQ(div_s.call1("f", {Value::i32(-7), Value::i32(2)}).i32(), -3);
  EXPECT_EQ(div_s.trap_of("f", {Value::i32(1), Value::i32(0)}), "integer divide by zero");
  EXPECT_EQ(div_s.trap_of("f", {Value::i32(INT32_MIN), Value::i32(-1)}), "integer overflow");
  Harness rem_s(binary_i32(0x6F));
  EXPECT_EQ(rem_s.call1("f", {Value::i32(INT32_MIN), Value::i32(-1)}).i32(), 0);
  EXPECT_EQ(rem_s.call1("f", {Value::i32(-7), Value::i32(2)}).i32(), -1);
  Harness shl(binary_i32(0x74));
  EXPECT_EQ(shl.call1("f", {Value::i32(1), Value::i32(33)}).i32(), 2);
}

TEST(InterpTest, FloatMinMaxKeepSignedZeroAndNaN) {
  ModuleBuilder b;
  uint32_t t = b.type({F32, F32}, {F32});
  b.func(t, {}, Code().get(0).get(1).op({0x96}), "min");
  b.func(t, {}, Code().get(0).get(1).op({0x97}), "max");
  b.func(t, {}, Code().get(0).get(1).op({0x98}), "copysign");
  uint32_t u = b.type({F64}, {F64});
  b.func(u, {}, Code().get(0).op({0x9E}), "nearest");
  b.func(u, {}, Code().get(0).op({0x9A}), "neg");
  Harness h(b);
  EXPECT_EQ(h.call1("min", {Value::f32(0.0f), Value::f32(-0.0f)}).f32_bits(), 0x80000000u);
  EXPECT_EQ(h.call1("max", {Value::f32(-0.0f), Value::f32(0.0f)}).f32_bits(), 0u);
  uint32_t nan = h.call1("min", {Value::f32_bits(0x7fa00000), Value::f32(1.0f)}).f32_bits();
  EXPECT_EQ(nan & 0x7fc00000u, 0x7fc00000u) << "quiet NaN expected";
  // copysign and neg are bit operations: a signalling NaN payload survives.
  EXPECT_EQ(h.call1("copysign", {Value::f32_bits(0x7fa00001), Value::f32(-1.0f)}).f32_bits(), 0xffa00001u);
  EXPECT_EQ(h.call1("neg", {Value::f64_bits(0x7ff0000000000001)}).f64_bits(), 0xfff0000000000001u);
  EXPECT_EQ(h.call1("nearest", {Value::f64(2.5)}).f64(), 2.0);
  EXPECT_EQ(h.call1("nearest", {Value::f64(-3.5)}).f64(), -4.0);
  EXPECT_TRUE(std::signbit(h.call1("nearest", {Value::f64(-0.4)}).f64()));
}

TEST(InterpTest, ConversionsTrapAndSaturate) {
  ModuleBuilder b;
  uint32_t t = b.type({F32}, {I32});
  b.func(t, {}, Code().get(0).op({0xA8}), "trunc_s");
  b.func(t, {}, Code().get(0).op({0xA9}), "trunc_u");
  b.func(t, {}, Code().get(0).op({0xFC, 0x00}), "sat_s");
  uint32_t u = b.type({I64}, {F32});
  b.func(u, {}, Code().get(0).op({0xB5}), "u64_to_f32");
  Harness h(b);
  EXPECT_EQ(h.call1("trunc_s", {Value::f32(-2147483648.0f)}).i32(), INT32_MIN);
  EXPECT_EQ(h.trap_of("trunc_s", {Value::f32(2147483648.0f)}), "integer overflow");
  EXPECT_EQ(h.trap_of("trunc_s", {Value::f32(NAN)}), "invalid conversion to integer");
  EXPECT_EQ(h.call1("trunc_u", {Value::f32(-0.9f)}).i32(), 0);
  EXPECT_EQ(h.trap_of("trunc_u", {Value::f32(-1.0f)}), "integer overflow");
  EXPECT_EQ(h.call1("sat_s", {Value::f32(1e20f)}).i32(), INT32_MAX);
  EXPECT_EQ(h.call1("sat_s", {Value::f32(NAN)}).i32(), 0);
  // 2^64 - 1 rounds up to 2^64; 0x8000_0080_0000_0001 must round up, not to even.
  EXPECT_EQ(h.call1("u64_to_f32", {Value::i64(-1)}).f32(), 18446744073709551616.0f);
  EXPECT_EQ(h.call1("u64_to_f32", {Value::i64(int64_t(0x8000008000000001ull))}).f32_bits(), 0x5f000001u);
}

// fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), recursively.
ModuleBuilder fib_module() {
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I32});
  b.func(t, {},
         Code()
             .get(0).i32(2).op({0x48})       // n < 2
             .op({0x04, I32})                // if (result i32)
             .get(0)
             .op({0x05})                     // else
             .get(0).i32(1).op({0x6B}).call(0)
             .get(0).i32(2).op({0x6B}).call(0)
             .op({0x6A})
             .op({0x0B}),
         "fib");
  return b;
}

TEST(InterpTest, RecursiveFib) {
  Harness h(fib_module());
  EXPECT_EQ(h.call1("fib", {Value::i32(0)}).i32(), 0);
  EXPECT_EQ(h.call1("fib", {Value::i32(1)}).i32(), 1);
  EXPECT_EQ(h.call1("fib", {Value::i32(20)}).i32(), 6765);
}

TEST(InterpTest, TranslationFusesCompareAndBranchAndFoldsOperands) {
  Harness h(fib_module());
  auto fib = h.instance.func(h.store, "fib");
  ASSERT_TRUE(fib.has_value());
  ASSERT_TRUE(fib->call(h.store, {Value::i32(3)}).ok());
  const auto& compiled = h.func_instance("fib").compiled;
  ASSERT_TRUE(compiled);
  std::string listing = interp::disassemble(*compiled);
  // `local.get 0; i32.const 2; i32.lt_s; if` is one instruction: the
  // operands are the local's slot and the constant as an immediate, and the
  // comparison is fused into the branch to the else arm (on its complement).
  EXPECT_EQ(listing.rfind("0: br_if[i32.ge_s imm] 0 2 ", 0), 0u) << listing;  // br_unless[lt_s] as br_if[ge_s]
  EXPECT_EQ(listing.find(": i32.lt_s"), std::string::npos) << listing;
  // Every constant is an immediate: a call copies no constants into the frame.
  EXPECT_TRUE(compiled->consts.empty()) << listing;
}

TEST(InterpTest, LoopWithLocals) {
  // sum(n): i = n; acc = 0; loop { acc += i; i -= 1; br_if i != 0 }; acc
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I64});
  b.func(t, {I64},
         Code()
             .op({0x03, 0x40})  // loop
             .get(1).get(0).op({0xAD}).op({0x7C}).set(1)
             .get(0).i32(1).op({0x6B}).tee(0)
             .br_if(0)
             .op({0x0B})
             .get(1),
         "sum");
  Harness h(b);
  EXPECT_EQ(h.call1("sum", {Value::i32(100000)}).i64(), int64_t(100000) * 100001 / 2);
}

TEST(InterpTest, BlocksCarryMultipleValues) {
  ModuleBuilder b;
  uint32_t pair = b.type({}, {I32, I32});
  uint32_t swap_t = b.type({I32, I32}, {I32, I32});
  uint32_t t = b.type({I32, I32}, {I32});
  // block (result i32 i32): push a, b; br 0 (both values); then sub.
  b.func(t, {},
         Code()
             .op({0x02}).op({uint8_t(pair)})
             .get(0).get(1).br(0)
             .op({0x0B})
             .op({0x6B}),
         "sub_via_block");
  // A block with params [i32 i32] -> [i32 i32] that swaps its operands
  // through the locals: computes b - a.
  b.func(t, {},
         Code()
             .get(0).get(1)
             .op({0x02}).op({uint8_t(swap_t)})
             .set(0).set(1).get(0).get(1)
             .op({0x0B})
             .op({0x6B}),
         "swapped_sub");
  // Returning two values from a function, swapped through locals.
  b.func(swap_t, {}, Code().get(1).get(0), "swap");
  Harness h(b);
  EXPECT_EQ(h.call1("sub_via_block", {Value::i32(10), Value::i32(3)}).i32(), 7);
  EXPECT_EQ(h.call1("swapped_sub", {Value::i32(10), Value::i32(3)}).i32(), -7);  // 3 - 10
  auto r = h.call("swap", {Value::i32(1), Value::i32(2)});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].i32(), 2);
  EXPECT_EQ((*r)[1].i32(), 1);
}

TEST(InterpTest, BrTableSelectsTargets) {
  // switch(x) { 0 -> 100, 1 -> 101, default -> 102 }
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I32});
  b.func(t, {},
         Code()
             .op({0x02, 0x40, 0x02, 0x40, 0x02, 0x40})  // 3 nested blocks
             .get(0)
             .op({0x0E, 0x02, 0x00, 0x01, 0x02})        // br_table 0 1 default 2
             .op({0x0B}).i32(100).op({0x0F})
             .op({0x0B}).i32(101).op({0x0F})
             .op({0x0B}).i32(102),
         "switch");
  Harness h(b);
  EXPECT_EQ(h.call1("switch", {Value::i32(0)}).i32(), 100);
  EXPECT_EQ(h.call1("switch", {Value::i32(1)}).i32(), 101);
  EXPECT_EQ(h.call1("switch", {Value::i32(2)}).i32(), 102);
  EXPECT_EQ(h.call1("switch", {Value::i32(-1)}).i32(), 102);
}

TEST(InterpTest, MemoryAccessIsBoundsChecked) {
  ModuleBuilder b;
  b.memory(1);
  uint32_t store_t = b.type({I32, I64}, {});
  uint32_t load_t = b.type({I32}, {I64});
  uint32_t grow_t = b.type({I32}, {I32});
  b.func(store_t, {}, Code().get(0).get(1).op({0x37, 0x03, 0x04}), "store");  // i64.store offset=4
  b.func(load_t, {}, Code().get(0).op({0x29, 0x03, 0x04}), "load");
  b.func(load_t, {}, Code().get(0).op({0x30, 0x00, 0x00}), "load8_s");
  b.func(grow_t, {}, Code().get(0).op({0x40, 0x00}), "grow");
  Harness h(b);
  ASSERT_TRUE(h.call("store", {Value::i32(0), Value::i64(0x1122334455667788)}).ok());
  EXPECT_EQ(h.call1("load", {Value::i32(0)}).i64(), 0x1122334455667788);
  EXPECT_EQ(h.call1("load8_s", {Value::i32(4)}).i64(), int64_t(int8_t(0x88)));
  EXPECT_EQ(h.call1("load", {Value::i32(65536 - 12)}).i64(), 0);
  EXPECT_EQ(h.trap_of("load", {Value::i32(65536 - 11)}), "out of bounds memory access");
  EXPECT_EQ(h.trap_of("load", {Value::i32(-1)}), "out of bounds memory access");
  EXPECT_EQ(h.call1("grow", {Value::i32(1)}).i32(), 1);
  EXPECT_EQ(h.call1("load", {Value::i32(65536 - 11)}).i64(), 0);
}

TEST(InterpTest, CallIndirectChecks) {
  ModuleBuilder b;
  uint32_t v_i = b.type({}, {I32});
  uint32_t i_i = b.type({I32}, {I32});
  uint32_t f42 = b.func(v_i, {}, Code().i32(42), "");
  uint32_t fid = b.func(i_i, {}, Code().get(0), "");
  b.table(4, {f42, fid});
  b.func(i_i, {}, Code().get(0).op({0x11}).op({uint8_t(v_i), 0x00}), "dispatch");
  Harness h(b);
  EXPECT_EQ(h.call1("dispatch", {Value::i32(0)}).i32(), 42);
  EXPECT_EQ(h.trap_of("dispatch", {Value::i32(1)}), "indirect call type mismatch");
  EXPECT_EQ(h.trap_of("dispatch", {Value::i32(2)}), "uninitialized element 2");
  EXPECT_EQ(h.trap_of("dispatch", {Value::i32(4)}), "undefined element");
}

TEST(InterpTest, DeepRecursionTrapsInsteadOfCrashing) {
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I32});
  b.func(t, {}, Code().get(0).i32(1).op({0x6A}).call(0), "forever");
  Harness h(b);
  auto r = h.call("forever", {Value::i32(0)});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->message, "call stack exhausted");
  EXPECT_EQ(r.error().trap->kind, Trap::Kind::StackExhausted);
  // The store stays usable after the trap.
  EXPECT_EQ(h.trap_of("forever", {Value::i32(0)}), "call stack exhausted");
}

// Config::step_limit: a step is a function entry or a loop iteration; a
// call from the embedder may take exactly step_limit of them.
TEST(InterpTest, StepLimitEndsLoopsAndRecursionAtTheExactCount) {
  const char* wat = R"((module
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func $forever (export "forever") (loop $l (br $l)))
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call $down (i32.sub (local.get 0) (i32.const 1))))))))";
  for (bool fusions : {true, false}) {
    Config config;
    config.step_limit = 101;  // "count" 100 times: its entry and 100 iterations
    config.interp_fusions = fusions;
    test::InstanceHarness h(config);
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
    EXPECT_EQ(h.call1("count", {Value::i32(100)}).i32(), 100);
    EXPECT_EQ(h.trap_of("count", {Value::i32(101)}), "step limit exhausted");
    EXPECT_EQ(h.trap_of("forever", {}), "step limit exhausted");
    EXPECT_EQ(h.call1("down", {Value::i32(100)}).i32(), 0);  // 101 entries
    auto r = h.call("down", {Value::i32(101)});
    ASSERT_FALSE(r.ok());
    ASSERT_TRUE(r.error().trap.has_value());
    EXPECT_EQ(r.error().trap->kind, Trap::Kind::StepLimit);
    EXPECT_EQ(r.error().trap->backtrace.size(), 102u);  // the 102nd entry traps: 102 frames
  }
  test::InstanceHarness unlimited;  // the default: no limit, no Step in the code
  ASSERT_NO_FATAL_FAILURE(unlimited.instantiate_wat(wat));
  EXPECT_EQ(unlimited.call1("count", {Value::i32(100000)}).i32(), 100000);
}

// Store::interrupt from another thread stops a loop; a Watchdog does it
// after a time, and one can serve several calls.
TEST(InterpTest, InterruptFromAnotherThreadStopsLoops) {
  Config config;
  config.interruptible = true;
  test::InstanceHarness h(config);
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "spin") (loop (br 0)))
    (func (export "one") (result i32) (i32.const 1))))"));
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    h.store.interrupt();
  });
  auto r = h.call("spin", {});
  interrupter.join();
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->kind, Trap::Kind::Interrupted);
  EXPECT_EQ(r.error().message, "interrupted");
  EXPECT_EQ(h.call1("one", {}).i32(), 1);  // the interrupt was taken: later calls run

  Watchdog watchdog(h.store);
  for (int i = 0; i < 2; ++i) {
    watchdog.arm(std::chrono::milliseconds(30));
    EXPECT_EQ(h.trap_of("spin", {}), "interrupted");
    watchdog.disarm();
    EXPECT_TRUE(watchdog.fired());
  }
  watchdog.arm(std::chrono::seconds(30));
  EXPECT_EQ(h.call1("one", {}).i32(), 1);
  watchdog.disarm();
  EXPECT_FALSE(watchdog.fired());
}

// depth(n) = n == 0 ? 0 : depth(n - 1) + 1, with `locals` extra i64 locals
// to make each frame bigger.
ModuleBuilder depth_module(std::initializer_list<uint8_t> locals) {
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I32});
  b.func(t, locals,
         Code()
             .get(0).op({0x45})               // n == 0
             .op({0x04, I32}).i32(0)
             .op({0x05}).get(0).i32(1).op({0x6B}).call(0).i32(1).op({0x6A})
             .op({0x0B}),
         "depth");
  return b;
}

TEST(InterpTest, CallDepthAndStackSizeFollowTheEngineConfig) {
  Config shallow;
  shallow.max_call_depth = 100;
  Harness h(depth_module({}), shallow);
  EXPECT_EQ(h.call1("depth", {Value::i32(50)}).i32(), 50);
  EXPECT_EQ(h.trap_of("depth", {Value::i32(200)}), "call stack exhausted");

  // A small value stack runs out before the depth limit with big frames.
  Config small_stack;
  small_stack.max_call_depth = 100000;
  small_stack.max_value_stack_bytes = 1 << 20;
  Harness big(depth_module({I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64}),
              small_stack);
  EXPECT_EQ(big.call1("depth", {Value::i32(1000)}).i32(), 1000);
  EXPECT_EQ(big.trap_of("depth", {Value::i32(50000)}), "call stack exhausted");
  // The default engine gets its full stack back afterwards.
  Harness normal(depth_module({}));
  EXPECT_EQ(normal.call1("depth", {Value::i32(5000)}).i32(), 5000);
}

TEST(InterpTest, TrapBacktraceListsFrames) {
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  uint32_t inner = b.func(t, {}, Code().op({0x00}), "");
  b.func(t, {}, Code().call(inner), "outer");
  Harness h(b);
  auto r = h.call("outer", {});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->message, "unreachable");
  ASSERT_EQ(r.error().trap->backtrace.size(), 2u);
  EXPECT_EQ(r.error().trap->backtrace[0].func_index, inner);
  EXPECT_EQ(r.error().trap->backtrace[1].func_index, inner + 1);
}

TEST(InterpTest, HostFunctionsAndReentry) {
  ModuleBuilder b;
  uint32_t i_i = b.type({I32}, {I32});
  uint32_t host = b.import_func("env", "twice", i_i);
  b.import_func("env", "fail", i_i);
  b.func(i_i, {}, Code().get(0).call(host).i32(1).op({0x6A}), "twice_plus_one");
  b.func(i_i, {}, Code().get(0).call(1), "fail");
  b.func(i_i, {}, Code().get(0).i32(3).op({0x6C}), "triple");
  Instance* inst_ptr = nullptr;
  Harness* self = nullptr;
  Harness h(b, [&](Linker& l, Store& s) {
    l.define_func(s, "env", "twice", FuncType{{ValType::I32}, {ValType::I32}},
                  [&](Caller& c, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
                    // Re-enter wasm: twice(x) = triple(x) - x.
                    auto f = self->instance.func(c.store(), "triple");
                    auto r = f->call(c.store(), {args[0]});
                    if (!r.ok()) return r.error().trap;
                    results[0] = Value::i32((*r)[0].i32() - args[0].i32());
                    return std::nullopt;
                  });
    l.define_func(s, "env", "fail", FuncType{{ValType::I32}, {ValType::I32}},
                  [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                    Trap t;
                    t.kind = Trap::Kind::Exit;
                    t.exit_code = 3;
                    t.message = "exit";
                    return t;
                  });
  });
  self = &h;
  (void)inst_ptr;
  EXPECT_EQ(h.call1("twice_plus_one", {Value::i32(5)}).i32(), 11);
  auto r = h.call("fail", {Value::i32(0)});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->kind, Trap::Kind::Exit);
  EXPECT_EQ(r.error().trap->exit_code, 3);
}

}  // namespace
}  // namespace mywasm
