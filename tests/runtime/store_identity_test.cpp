// Handles and function references carry their store's identity: one used
// with another store, or forged, is refused with an error result instead
// of being followed (it used to reach call_indirect and crash the host).
#include <gtest/gtest.h>

#include "instance_harness.hpp"
#include "mywasm/mywasm.hpp"

namespace mywasm {
namespace {

const char* kModule = R"((module
  (type $v_i (func (result i32)))
  (table (export "t") 2 funcref)
  (global (export "g") (mut funcref) (ref.null func))
  (memory (export "m") 1)
  (func (export "seven") (result i32) (i32.const 7))
  (func (export "call_slot") (param i32) (result i32) (call_indirect (type $v_i) (local.get 0)))
  (func (export "take") (param funcref))))";

struct TwoStores : ::testing::Test {
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(a.instantiate_wat(kModule));
    ASSERT_NO_FATAL_FAILURE(b.instantiate_wat(kModule));
  }
  test::InstanceHarness a, b;
};

TEST_F(TwoStores, HandlesOfAnotherStoreAreRefused) {
  Func seven_b = *b.instance.func(b.store, "seven");
  EXPECT_TRUE(seven_b.belongs_to(b.store));
  EXPECT_FALSE(seven_b.belongs_to(a.store));
  auto r = seven_b.call(a.store, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("another store"), std::string::npos) << r.error().message;
  EXPECT_EQ(seven_b.type(a.store).results.size(), 0u);  // empty: not a's

  Table t_b = *b.instance.table(b.store, "t");
  EXPECT_EQ(t_b.size(a.store), 0u);
  EXPECT_FALSE(t_b.set(a.store, 0, Ref{}));
  EXPECT_EQ(t_b.grow(a.store, 1), std::nullopt);
  Memory m_b = *b.instance.memory(b.store, "m");
  EXPECT_EQ(m_b.data(a.store), nullptr);
  EXPECT_EQ(m_b.grow(a.store, 1), std::nullopt);
  Global g_b = *b.instance.global(b.store, "g");
  EXPECT_FALSE(g_b.set(a.store, Value::null_ref(ValType::FuncRef)));
  EXPECT_FALSE(b.instance.func(a.store, "seven").has_value());  // the instance handle too

  // A default-constructed (never given out) handle is nobody's.
  EXPECT_FALSE(Func().call(a.store, {}).ok());
  EXPECT_FALSE(Func().belongs_to(a.store));
}

TEST_F(TwoStores, FunctionReferencesOfAnotherStoreOrForgedNeverReachCallIndirect) {
  Table t_a = *a.instance.table(a.store, "t");
  Ref seven_b = b.instance.func(b.store, "seven")->as_ref();
  Ref seven_a = a.instance.func(a.store, "seven")->as_ref();
  const Ref forged[] = {
      seven_b,                                            // another store's function
      Ref{Ref::Kind::Func, 123456, a.store.id()},         // an address `a` never gave out
      Ref{Ref::Kind::Func, seven_a.bits, 0},              // no store
      Ref{Ref::Kind::Func, seven_a.bits, a.store.id() + 1000},  // a made-up store
  };
  for (const Ref& r : forged) {
    SCOPED_TRACE(r.bits);
    EXPECT_FALSE(t_a.set(a.store, 0, r));
    EXPECT_EQ(t_a.grow(a.store, 1, r), std::nullopt);
    EXPECT_FALSE(a.instance.global(a.store, "g")->set(a.store, Value::ref(ValType::FuncRef, r)));
    auto call = a.instance.func(a.store, "take")->call(a.store, {Value::ref(ValType::FuncRef, r)});
    ASSERT_FALSE(call.ok());
    EXPECT_NE(call.error().message.find("type mismatch: argument 0"), std::string::npos) << call.error().message;
    EXPECT_FALSE(Table::create(a.store, TableType{ValType::FuncRef, {1, std::nullopt}}, r).belongs_to(a.store));
    EXPECT_FALSE(Global::create(a.store, GlobalType{ValType::FuncRef, true}, Value::ref(ValType::FuncRef, r))
                     .belongs_to(a.store));
  }
  // Slot 0 was never written: call_indirect traps cleanly.
  EXPECT_EQ(a.trap_of("call_slot", {Value::i32(0)}), "uninitialized element 0");

  // The store's own reference works, and reads back carrying the store.
  ASSERT_TRUE(t_a.set(a.store, 1, seven_a));
  EXPECT_EQ(a.call1("call_slot", {Value::i32(1)}).i32(), 7);
  EXPECT_EQ(t_a.get(a.store, 1), std::optional<Ref>(seven_a));
  EXPECT_EQ(t_a.get(a.store, 1)->store, a.store.id());
}

TEST_F(TwoStores, ImportsFromAnotherStoreAreUnlinkable) {
  auto bytes = wat_to_wasm(R"((module (import "b" "seven" (func (result i32)))))");
  ASSERT_TRUE(bytes.ok());
  auto module = Module::compile(a.engine, *bytes);
  ASSERT_TRUE(module.ok());
  Linker linker(a.engine);
  linker.define("b", "seven", *b.instance.func(b.store, "seven"));
  auto inst = linker.instantiate(a.store, *module);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, Error::Kind::Unlinkable);
  EXPECT_NE(inst.error().message.find("another store"), std::string::npos) << inst.error().message;
}

}  // namespace
}  // namespace mywasm
