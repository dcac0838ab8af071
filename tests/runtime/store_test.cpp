// StoreImpl internals: the reference encoding shared with the interpreter.
#include <gtest/gtest.h>

#include "runtime/store.hpp"
#include "wasm_builder.hpp"

namespace mywasm {
namespace {

TEST(StoreImplTest, RefBitsEncoding) {
  Engine engine;
  Store store(engine);
  StoreImpl& s = store.impl();
  EXPECT_EQ(s.to_bits(Ref{}), kNullRef);
  Func::host(store, FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> { return std::nullopt; });
  Func::host(store, FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> { return std::nullopt; });
  // A funcref is its FuncInstance's address, read back as the function's
  // store address, named by its store.
  const RefBits f1 = s.to_bits(Ref{Ref::Kind::Func, 1, store.id()});
  EXPECT_EQ(f1, reinterpret_cast<RefBits>(s.funcs[1].get()));
  EXPECT_EQ(s.from_bits(ValType::FuncRef, f1), (Ref{Ref::Kind::Func, 1, store.id()}));
  EXPECT_NE(s.to_bits(Ref{Ref::Kind::Func, 0, store.id()}), f1);
  EXPECT_TRUE(s.from_bits(ValType::ExternRef, kNullRef).is_null());

  RefBits a = s.to_bits(Ref{Ref::Kind::Extern, 1});
  RefBits b = s.to_bits(Ref{Ref::Kind::Extern, 1});
  RefBits c = s.to_bits(Ref{Ref::Kind::Extern, 2});
  EXPECT_EQ(a, b);  // equal payloads are interned
  EXPECT_NE(a, c);
  EXPECT_EQ(s.externs.size(), 2u);
  EXPECT_EQ(s.from_bits(ValType::ExternRef, c), (Ref{Ref::Kind::Extern, 2}));
}

TEST(StoreImplTest, InternTypeGivesEqualTypesOneId) {
  Engine engine;
  Store store(engine);
  StoreImpl& s = store.impl();
  FuncType ii{{ValType::I32}, {ValType::I32}};
  FuncType v{};
  uint32_t id = s.intern_type(ii);
  EXPECT_EQ(s.intern_type(FuncType{{ValType::I32}, {ValType::I32}}), id);
  EXPECT_NE(s.intern_type(v), id);
}

TEST(StoreImplTest, ValueBitsRoundTrip) {
  Engine engine;
  Store store(engine);
  StoreImpl& s = store.impl();
  for (Value v : {Value::i32(-3), Value::i64(1ll << 50), Value::f32_bits(0x7FA00000),
                  Value::f64_bits(0x8000000000000000), Value::extern_ref(9),
                  Value::null_ref(ValType::FuncRef)}) {
    uint64_t bits[2];
    s.value_to_bits(v, bits);
    EXPECT_EQ(s.value_from_bits(v.type(), bits), v) << v.to_string();
  }
}

// Instantiation drops active and declarative element segments and active
// data segments (as if by elem.drop / data.drop); passive ones stay.
TEST(StoreImplTest, SegmentsAreDroppedPerMode) {
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  test::WasmBuilder b;
  uint32_t f = b.func(b.type({}, {}), {});
  b.table(ValType::FuncRef, 2);
  b.memory(1);
  b.elem_active(test::op::i32_const(0), {f, f});
  b.elem_passive({f, f, f});
  b.elem_declarative({f});
  b.data_active(test::op::i32_const(0), "abc");
  auto module = mywasm::Module::compile(engine, b.build());
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();

  StoreImpl& s = store.impl();
  const InstanceImpl& ii = *s.instances[inst->addr()];
  ASSERT_EQ(ii.elems.size(), 3u);
  EXPECT_TRUE(s.elems[ii.elems[0]]->refs.empty());
  EXPECT_EQ(s.elems[ii.elems[1]]->refs.size(), 3u);
  EXPECT_EQ(s.elems[ii.elems[1]]->refs[0], reinterpret_cast<RefBits>(s.funcs[ii.funcs[f]].get()));
  EXPECT_TRUE(s.elems[ii.elems[2]]->refs.empty());
  ASSERT_EQ(ii.datas.size(), 1u);
  EXPECT_EQ(s.datas[ii.datas[0]]->size, 0u);
  EXPECT_EQ(ii.memory0, s.memories[ii.memories[0]].get());
  EXPECT_EQ(s.funcs[ii.funcs[f]]->instance, &ii);
}

}  // namespace
}  // namespace mywasm

// The CLI's --tier, $MYWASM_TIER and the C API's default config all take
// the tier by these names.
TEST(ConfigTest, TiersByName) {
  EXPECT_EQ(mywasm::Config::tier_named("interp"), mywasm::Config::Tier::Interpreter);
  EXPECT_EQ(mywasm::Config::tier_named("jit"), mywasm::Config::Tier::Jit);
  EXPECT_EQ(mywasm::Config::tier_named("tiered"), mywasm::Config::Tier::Tiered);
  EXPECT_EQ(mywasm::Config::tier_named("JIT"), std::nullopt);
  EXPECT_EQ(mywasm::Config::tier_named(""), std::nullopt);
  EXPECT_EQ(mywasm::Config::tier_named("interpreter"), std::nullopt);
}

// The CLI's --jit-compiler and $MYWASM_JIT_COMPILER take the compiler by
// these names.
TEST(ConfigTest, JitCompilersByName) {
  EXPECT_EQ(mywasm::Config::jit_compiler_named("full"), mywasm::Config::JitCompiler::Full);
  EXPECT_EQ(mywasm::Config::jit_compiler_named("lean"), mywasm::Config::JitCompiler::Lean);
  EXPECT_EQ(mywasm::Config::jit_compiler_named("both"), mywasm::Config::JitCompiler::Both);
  EXPECT_EQ(mywasm::Config::jit_compiler_named("Lean"), std::nullopt);
  EXPECT_EQ(mywasm::Config::jit_compiler_named(""), std::nullopt);
}
