// Calls through the public API: wasm and host functions, traps, the start
// function. These run wasm code, so they exercise the interpreter too.
#include <gtest/gtest.h>

#include "mywasm/mywasm.hpp"
#include "wasm_builder.hpp"

namespace mywasm {
namespace {

using test::Bytes;
using test::code;
using test::WasmBuilder;
namespace op = test::op;
constexpr auto I32 = ValType::I32;
constexpr auto I64 = ValType::I64;

class CallTest : public ::testing::Test {
 protected:
  Instance instantiate(const WasmBuilder& b) {
    auto m = Module::compile(engine, b.build());
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    if (!m.ok()) return Instance{};
    auto inst = linker.instantiate(store, *m);
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    return inst.ok() ? *inst : Instance{};
  }

  Engine engine;
  Store store{engine};
  Linker linker{engine};
};

TEST_F(CallTest, CallsAnExportedFunction) {
  WasmBuilder b;
  uint32_t add = b.func(b.type({I32, I32}, {I32}), code(op::local_get(0), op::local_get(1), op::i32_add));
  b.export_("add", ExternKind::Func, add);
  Instance inst = instantiate(b);
  auto r = inst.func(store, "add")->call(store, {Value::i32(40), Value::i32(2)});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], Value::i32(42));
}

TEST_F(CallTest, ArgumentsAreChecked) {
  WasmBuilder b;
  b.export_("f", ExternKind::Func, b.func(b.type({I32}, {}), {}));
  Instance inst = instantiate(b);
  Func f = *inst.func(store, "f");
  auto too_few = f.call(store, {});
  ASSERT_FALSE(too_few.ok());
  EXPECT_EQ(too_few.error().kind, Error::Kind::Other);
  auto wrong_type = f.call(store, {Value::i64(1)});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().kind, Error::Kind::Other);
  EXPECT_TRUE(f.call(store, {Value::i32(1)}).ok());
}

TEST_F(CallTest, TrapsBecomeErrors) {
  WasmBuilder b;
  b.export_("boom", ExternKind::Func, b.func(b.type({}, {}), op::unreachable));
  Instance inst = instantiate(b);
  auto r = inst.func(store, "boom")->call(store, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::Trap);
  EXPECT_EQ(r.error().message, "unreachable");
  ASSERT_TRUE(r.error().trap);
  EXPECT_EQ(r.error().trap->kind, Trap::Kind::Unreachable);
}

TEST_F(CallTest, TypedHostFunction) {
  linker.func_wrap(store, "env", "mul", [](int64_t a, int32_t b) { return a * b; });
  WasmBuilder b;
  uint32_t mul = b.import_func("env", "mul", b.type({I64, I32}, {I64}));
  uint32_t f = b.func(b.type({}, {I64}), code(op::i64_const(-6), op::i32_const(7), op::call(mul)));
  b.export_("f", ExternKind::Func, f);
  Instance inst = instantiate(b);
  auto r = inst.func(store, "f")->call(store, {});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ((*r)[0], Value::i64(-42));
}

TEST_F(CallTest, HostFunctionCalledDirectly) {
  Func f = Func::host(store, FuncType{{I32}, {I32, I32}},
                      [](Caller&, std::span<const Value> args, std::span<Value> results) {
                        results[0] = Value::i32(args[0].i32() + 1);
                        results[1] = Value::i32(args[0].i32() * 2);
                        return std::optional<Trap>();
                      });
  EXPECT_EQ(f.type(store), (FuncType{{I32}, {I32, I32}}));
  auto r = f.call(store, {Value::i32(10)});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], Value::i32(11));
  EXPECT_EQ((*r)[1], Value::i32(20));
}

TEST_F(CallTest, UntypedHostFunctionSeesCallerMemory) {
  // The host writes "ok" at the address it is given, in the caller's memory.
  linker.define_func(store, "env", "poke", FuncType{{I32}, {}},
                     [](Caller& caller, std::span<const Value> args, std::span<Value>) -> std::optional<Trap> {
                       auto mem = caller.memory();
                       if (!mem) return Trap{Trap::Kind::Host, "no memory", 0, {}};
                       std::memcpy(mem->data(caller.store()) + args[0].i32(), "ok", 2);
                       return std::nullopt;
                     });
  WasmBuilder b;
  uint32_t poke = b.import_func("env", "poke", b.type({I32}, {}));
  b.memory(1);
  uint32_t f = b.func(b.type({}, {I32}), code(op::i32_const(100), op::call(poke), op::i32_const(100), op::i32_load(0)));
  b.export_("f", ExternKind::Func, f);
  Instance inst = instantiate(b);
  auto r = inst.func(store, "f")->call(store, {});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ((*r)[0], Value::i32('o' | ('k' << 8)));
}

TEST_F(CallTest, HostTrapPropagates) {
  linker.define_func(store, "env", "fail", FuncType{},
                     [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                       return Trap{Trap::Kind::Host, "host says no", 0, {}};
                     });
  WasmBuilder b;
  uint32_t fail = b.import_func("env", "fail", b.type({}, {}));
  b.export_("f", ExternKind::Func, b.func(b.type({}, {}), op::call(fail)));
  Instance inst = instantiate(b);
  auto r = inst.func(store, "f")->call(store, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::Trap);
  EXPECT_EQ(r.error().message, "host says no");
}

TEST_F(CallTest, StartFunctionRunsAfterSegments) {
  WasmBuilder b;
  b.memory(1);
  // start: mem[0] = mem[0] + 1, after the data segment wrote 41 there.
  uint32_t start = b.func(b.type({}, {}), code(op::i32_const(0), op::i32_const(0), op::i32_load(0),
                                                 op::i32_const(1), op::i32_add, op::i32_store(0)));
  b.start(start);
  b.data_active(op::i32_const(0), std::string(1, '\x29'));
  b.export_("mem", ExternKind::Memory, 0);
  Instance inst = instantiate(b);
  EXPECT_EQ(inst.memory(store, "mem")->data(store)[0], 42);
}

TEST_F(CallTest, StartFunctionTrapIsUninstantiable) {
  WasmBuilder b;
  b.start(b.func(b.type({}, {}), op::unreachable));
  auto m = Module::compile(engine, b.build());
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::Uninstantiable);
  EXPECT_EQ(r.error().message, "unreachable");
}

TEST_F(CallTest, MemoryGrowFromWasmSeesTheSameMemory) {
  WasmBuilder b;
  b.memory(1, 2);
  uint32_t grow = b.func(b.type({I32}, {I32}), code(op::local_get(0), op::memory_grow));
  b.export_("grow", ExternKind::Func, grow);
  b.export_("mem", ExternKind::Memory, 0);
  Instance inst = instantiate(b);
  Func g = *inst.func(store, "grow");
  EXPECT_EQ(g.call(store, {Value::i32(1)}).value()[0], Value::i32(1));
  EXPECT_EQ(g.call(store, {Value::i32(1)}).value()[0], Value::i32(-1));
  EXPECT_EQ(inst.memory(store, "mem")->size_pages(store), 2u);
}

}  // namespace
}  // namespace mywasm
