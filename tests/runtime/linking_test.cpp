// Module compilation, import resolution and instantiation (no wasm code
// runs here except where noted, so these pass without the interpreter).
#include <gtest/gtest.h>

#include "mywasm/mywasm.hpp"
#include "wasm_builder.hpp"

namespace mywasm {
namespace {

using test::Bytes;
using test::WasmBuilder;
namespace op = test::op;
constexpr auto I32 = ValType::I32;

class LinkingTest : public ::testing::Test {
 protected:
  Module compile(const WasmBuilder& b) {
    auto m = Module::compile(engine, b.build());
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
    return m.ok() ? m.value() : Module{};
  }
  Result<Instance> instantiate(const WasmBuilder& b) { return linker.instantiate(store, compile(b)); }
  void expect_error(const Result<Instance>& r, Error::Kind kind, const std::string& message) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, kind);
    // The spec's wording first; details (which import, which types) follow.
    EXPECT_EQ(r.error().message.substr(0, message.size()), message) << r.error().message;
  }

  Engine engine;
  Store store{engine};
  Linker linker{engine};
};

TEST_F(LinkingTest, CompileRejectsMalformedWithOffset) {
  Bytes bad{0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};  // wrong version
  auto m = Module::compile(engine, bad);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, Error::Kind::Malformed);
  EXPECT_TRUE(m.error().offset.has_value());
}

TEST_F(LinkingTest, CompileRejectsInvalid) {
  WasmBuilder b;
  b.func(b.type({}, {I32}), {});  // returns nothing but promises an i32
  auto m = Module::compile(engine, b.build());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, Error::Kind::Invalid);
  EXPECT_EQ(m.error().message, "type mismatch");
}

TEST_F(LinkingTest, DescribesImportsAndExports) {
  WasmBuilder b;
  uint32_t t = b.type({I32}, {I32});
  b.import_func("env", "f", t);
  b.import_memory("env", "mem", 1, 2);
  b.import_global("env", "g", ValType::I64, true);
  b.export_("f2", ExternKind::Func, 0);
  b.export_("m", ExternKind::Memory, 0);
  Module m = compile(b);
  auto imports = m.imports();
  ASSERT_EQ(imports.size(), 3u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].name, "f");
  EXPECT_EQ(imports[0].kind, ExternKind::Func);
  EXPECT_EQ(imports[0].func, (FuncType{{I32}, {I32}}));
  EXPECT_EQ(imports[1].memory, (MemoryType{{1, 2}}));
  EXPECT_EQ(imports[2].global, (GlobalType{ValType::I64, true}));
  auto exports = m.exports();
  ASSERT_EQ(exports.size(), 2u);
  EXPECT_EQ(exports[0].name, "f2");
  EXPECT_EQ(exports[1].kind, ExternKind::Memory);
}

TEST_F(LinkingTest, UnknownImport) {
  WasmBuilder b;
  b.import_func("env", "missing", b.type({}, {}));
  expect_error(instantiate(b), Error::Kind::Unlinkable, "unknown import");
}

TEST_F(LinkingTest, FunctionTypesMustMatchExactly) {
  linker.func_wrap(store, "env", "f", [](int32_t x) { return x; });
  WasmBuilder ok;
  ok.import_func("env", "f", ok.type({I32}, {I32}));
  EXPECT_TRUE(instantiate(ok).ok());
  WasmBuilder bad;
  bad.import_func("env", "f", bad.type({I32}, {}));
  expect_error(instantiate(bad), Error::Kind::Unlinkable, "incompatible import type");
}

// Function types in messages: in full up to 16 types a list, past that
// the first 8 and the count (an import of 1,000 params names its type in
// one readable line).
TEST(FuncTypeText, LongListsAreCut) {
  EXPECT_EQ(to_string(FuncType{{I32, ValType::I64}, {ValType::F32}}), "[i32 i64] -> [f32]");
  EXPECT_EQ(to_string(FuncType{std::vector<ValType>(16, I32), {}}),
            "[i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32] -> []");
  EXPECT_EQ(to_string(FuncType{std::vector<ValType>(1000, ValType::I64), {I32}}),
            "[i64 i64 i64 i64 i64 i64 i64 i64 ... (1000 in all)] -> [i32]");
}

TEST_F(LinkingTest, KindMustMatch) {
  linker.define("env", "x", Global::create(store, {I32, false}, Value::i32(1)));
  WasmBuilder b;
  b.import_memory("env", "x", 0);
  expect_error(instantiate(b), Error::Kind::Unlinkable, "incompatible import type");
}

TEST_F(LinkingTest, MemoryLimitsSubtyping) {
  linker.define("env", "mem", Memory::create(store, MemoryType{{2, 4}}));
  auto import_mem = [&](uint64_t min, std::optional<uint64_t> max) {
    WasmBuilder b;
    b.import_memory("env", "mem", min, max);
    return instantiate(b);
  };
  EXPECT_TRUE(import_mem(1, std::nullopt).ok());
  EXPECT_TRUE(import_mem(2, 4).ok());
  EXPECT_TRUE(import_mem(0, 5).ok());
  expect_error(import_mem(3, std::nullopt), Error::Kind::Unlinkable, "incompatible import type");
  expect_error(import_mem(1, 3), Error::Kind::Unlinkable, "incompatible import type");

  linker.define("env", "unbounded", Memory::create(store, MemoryType{{1, std::nullopt}}));
  WasmBuilder b;
  b.import_memory("env", "unbounded", 1, 10);  // requires a max the memory lacks
  expect_error(instantiate(b), Error::Kind::Unlinkable, "incompatible import type");
}

TEST_F(LinkingTest, GrownMemoryMatchesLargerMinimum) {
  Memory mem = Memory::create(store, MemoryType{{1, std::nullopt}});
  linker.define("env", "mem", mem);
  WasmBuilder b;
  b.import_memory("env", "mem", 2);
  expect_error(instantiate(b), Error::Kind::Unlinkable, "incompatible import type");
  ASSERT_TRUE(mem.grow(store, 1));
  EXPECT_TRUE(instantiate(b).ok());
}

TEST_F(LinkingTest, TableElemTypeAndLimits) {
  linker.define("env", "t", Table::create(store, TableType{ValType::FuncRef, {10, 20}}));
  auto import_table = [&](ValType elem, uint64_t min, std::optional<uint64_t> max) {
    WasmBuilder b;
    b.import_table("env", "t", elem, min, max);
    return instantiate(b);
  };
  EXPECT_TRUE(import_table(ValType::FuncRef, 10, 20).ok());
  EXPECT_TRUE(import_table(ValType::FuncRef, 5, std::nullopt).ok());
  expect_error(import_table(ValType::ExternRef, 10, 20), Error::Kind::Unlinkable, "incompatible import type");
  expect_error(import_table(ValType::FuncRef, 11, 20), Error::Kind::Unlinkable, "incompatible import type");
  expect_error(import_table(ValType::FuncRef, 10, 15), Error::Kind::Unlinkable, "incompatible import type");
}

TEST_F(LinkingTest, GlobalTypeAndMutability) {
  linker.define("env", "g", Global::create(store, {I32, false}, Value::i32(1)));
  linker.define("env", "mg", Global::create(store, {I32, true}, Value::i32(1)));
  auto import_global = [&](const char* name, ValType t, bool mut) {
    WasmBuilder b;
    b.import_global("env", name, t, mut);
    return instantiate(b);
  };
  EXPECT_TRUE(import_global("g", I32, false).ok());
  EXPECT_TRUE(import_global("mg", I32, true).ok());
  expect_error(import_global("g", I32, true), Error::Kind::Unlinkable, "incompatible import type");
  expect_error(import_global("mg", I32, false), Error::Kind::Unlinkable, "incompatible import type");
  expect_error(import_global("g", ValType::I64, false), Error::Kind::Unlinkable, "incompatible import type");
}

TEST_F(LinkingTest, GlobalInitialisersSeeImportsAndFunctions) {
  linker.define("env", "base", Global::create(store, {I32, false}, Value::i32(40)));
  WasmBuilder b;
  b.import_global("env", "base", I32, false);
  uint32_t f = b.func(b.type({}, {}), {});
  b.global(I32, true, op::global_get(0));
  b.global(ValType::FuncRef, false, op::ref_func(f));
  b.global(ValType::ExternRef, false, op::ref_null(ValType::ExternRef));
  b.elem_declarative({f});  // ref.func needs the function declared
  b.export_("copy", ExternKind::Global, 1);
  b.export_("fref", ExternKind::Global, 2);
  b.export_("null", ExternKind::Global, 3);
  b.export_("f", ExternKind::Func, f);
  auto inst = instantiate(b);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  EXPECT_EQ(inst->global(store, "copy")->get(store), Value::i32(40));
  Value fref = inst->global(store, "fref")->get(store);
  EXPECT_EQ(fref.ref(), inst->func(store, "f")->as_ref());
  EXPECT_TRUE(inst->global(store, "null")->get(store).ref().is_null());
  EXPECT_EQ(inst->global(store, "copy")->type(store), (GlobalType{I32, true}));
}

TEST_F(LinkingTest, ExportsAndDefineInstance) {
  WasmBuilder a;
  a.memory(1);
  a.table(ValType::FuncRef, 3);
  a.global(I32, false, op::i32_const(5));
  a.func(a.type({}, {}), {});
  a.export_("mem", ExternKind::Memory, 0);
  a.export_("tab", ExternKind::Table, 0);
  a.export_("g", ExternKind::Global, 0);
  a.export_("f", ExternKind::Func, 0);
  auto inst = instantiate(a);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  EXPECT_EQ(inst->exports(store).size(), 4u);
  EXPECT_TRUE(inst->memory(store, "mem"));
  EXPECT_FALSE(inst->memory(store, "tab"));  // wrong kind
  EXPECT_EQ(inst->table(store, "tab")->size(store), 3u);
  EXPECT_FALSE(inst->get_export(store, "nope"));
  EXPECT_EQ(inst->func(store, "f")->type(store), FuncType{});

  linker.define_instance(store, "A", *inst);
  WasmBuilder b;
  b.import_func("A", "f", b.type({}, {}));
  b.import_table("A", "tab", ValType::FuncRef, 3);
  b.import_memory("A", "mem", 1);
  b.import_global("A", "g", I32, false);
  auto inst_b = instantiate(b);
  EXPECT_TRUE(inst_b.ok()) << inst_b.error().to_string();
}

TEST_F(LinkingTest, DataSegmentsAreWritten) {
  WasmBuilder b;
  b.memory(1);
  b.data_active(op::i32_const(8), "hello");
  b.export_("mem", ExternKind::Memory, 0);
  auto inst = instantiate(b);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  uint8_t* data = inst->memory(store, "mem")->data(store);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(data + 8), 5), "hello");
}

TEST_F(LinkingTest, ElementSegmentsFillTables) {
  WasmBuilder b;
  uint32_t t = b.type({}, {});
  uint32_t f0 = b.func(t, {});
  uint32_t f1 = b.func(t, {});
  b.table(ValType::FuncRef, 4);
  b.elem_active(op::i32_const(1), {f1, f0});
  b.elem_passive({f0});
  b.export_("tab", ExternKind::Table, 0);
  b.export_("f0", ExternKind::Func, f0);
  b.export_("f1", ExternKind::Func, f1);
  auto inst = instantiate(b);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  Table tab = *inst->table(store, "tab");
  EXPECT_TRUE(tab.get(store, 0)->is_null());
  EXPECT_EQ(*tab.get(store, 1), inst->func(store, "f1")->as_ref());
  EXPECT_EQ(*tab.get(store, 2), inst->func(store, "f0")->as_ref());
  EXPECT_TRUE(tab.get(store, 3)->is_null());
}

TEST_F(LinkingTest, OutOfBoundsDataSegmentTrapsButKeepsEarlierWrites) {
  Memory mem = Memory::create(store, MemoryType{{1, std::nullopt}});
  linker.define("env", "mem", mem);
  WasmBuilder b;
  b.import_memory("env", "mem", 1);
  b.data_active(op::i32_const(0), "ab");
  b.data_active(op::i32_const(65535), "cd");  // one byte past the end
  auto r = instantiate(b);
  expect_error(r, Error::Kind::Uninstantiable, "out of bounds memory access");
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->kind, Trap::Kind::MemoryOutOfBounds);
  EXPECT_EQ(mem.data(store)[0], 'a');  // the first segment stays written
  EXPECT_EQ(mem.data(store)[65535], 0);
}

TEST_F(LinkingTest, DataAtExactEndIsInBounds) {
  WasmBuilder b;
  b.memory(1);
  b.data_active(op::i32_const(65536), "");
  b.data_active(op::i32_const(65534), "xy");
  EXPECT_TRUE(instantiate(b).ok());
  WasmBuilder zero;
  zero.memory(0);
  zero.data_active(op::i32_const(0), "");
  EXPECT_TRUE(instantiate(zero).ok());
  WasmBuilder over;
  over.memory(0);
  over.data_active(op::i32_const(1), "");  // an empty segment past the end still traps
  expect_error(instantiate(over), Error::Kind::Uninstantiable, "out of bounds memory access");
}

TEST_F(LinkingTest, OutOfBoundsElemSegmentTrapsBeforeData) {
  Table tab = Table::create(store, TableType{ValType::FuncRef, {2, std::nullopt}});
  Memory mem = Memory::create(store, MemoryType{{1, std::nullopt}});
  linker.define("env", "tab", tab);
  linker.define("env", "mem", mem);
  WasmBuilder b;
  b.import_table("env", "tab", ValType::FuncRef, 2);
  b.import_memory("env", "mem", 1);
  uint32_t f = b.func(b.type({}, {}), {});
  b.elem_active(op::i32_const(0), {f});
  b.elem_active(op::i32_const(1), {f, f});  // overruns the table
  b.data_active(op::i32_const(0), "z");
  auto r = instantiate(b);
  expect_error(r, Error::Kind::Uninstantiable, "out of bounds table access");
  EXPECT_FALSE(tab.get(store, 0)->is_null());  // first segment applied
  EXPECT_TRUE(tab.get(store, 1)->is_null());
  EXPECT_EQ(mem.data(store)[0], 0);  // data segments come after elements
}

TEST_F(LinkingTest, LaterDefinitionsShadowEarlierOnes) {
  Global one = Global::create(store, {I32, false}, Value::i32(1));
  Global two = Global::create(store, {I32, false}, Value::i32(2));
  linker.define("env", "g", one);
  linker.define("env", "g", two);
  auto got = linker.get("env", "g");
  ASSERT_TRUE(got);
  EXPECT_EQ(std::get<Global>(*got).addr(), two.addr());
  EXPECT_FALSE(linker.get("env", "h"));
}

// A module from WAT that must compile (an empty Module, failing the test, if not).
Module compile_wat(Engine& engine, const char* wat) {
  auto bytes = wat_to_wasm(wat);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().to_string());
  if (!bytes.ok()) return Module{};
  auto m = Module::compile(engine, *bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
  return m.ok() ? *m : Module{};
}

// Issue 13, item 3: tables have a host limit, per table and per store,
// checked before anything is allocated; table.grow past it fails (-1).
TEST(TableLimitTest, PerTableAndPerStoreLimitsHold) {
  Config config;
  config.store_limits.max_table_elements = 100;
  config.store_limits.max_store_table_elements = 150;
  Engine engine(config);
  Store store(engine);
  Linker linker(engine);
  auto too_big = linker.instantiate(store, compile_wat(engine, "(module (table 101 funcref))"));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().kind, Error::Kind::Other);
  EXPECT_NE(too_big.error().message.find("exceeds the host's limit (100 per table, 150 for all tables"),
            std::string::npos)
      << too_big.error().message;

  Module growing = compile_wat(engine, R"((module (table (export "t") 100 funcref)
    (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))))");
  auto first = linker.instantiate(store, growing);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->func(store, "grow")->call(store, {Value::i32(1)})->at(0).i32(), -1);  // past 100 per table
  // 100 of 150 in use: a second table of 100 does not fit the store, 50 does.
  EXPECT_FALSE(linker.instantiate(store, growing).ok());
  auto second = linker.instantiate(store, compile_wat(engine, "(module (table 50 funcref))"));
  EXPECT_TRUE(second.ok());
  auto third = linker.instantiate(store, compile_wat(engine, "(module (table 1 funcref))"));
  EXPECT_FALSE(third.ok());
}

// StoreLimits::max_memory_pages (--memory-page-limit): instantiation past it
// fails, memory.grow past it returns -1, and so does Memory::grow.
TEST(MemoryLimitTest, PageLimitHolds) {
  Config config;
  config.store_limits.max_memory_pages = 3;
  Engine engine(config);
  Store store(engine);
  Linker linker(engine);
  auto big = linker.instantiate(store, compile_wat(engine, "(module (memory 4))"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("memory of 4 pages exceeds the host's limit of 3 pages"), std::string::npos);
  auto inst = linker.instantiate(store, compile_wat(engine, R"((module (memory (export "m") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))"));
  ASSERT_TRUE(inst.ok());
  auto grow = *inst->func(store, "grow");
  EXPECT_EQ(grow.call(store, {Value::i32(3)})->at(0).i32(), -1);  // 4 pages
  EXPECT_EQ(grow.call(store, {Value::i32(2)})->at(0).i32(), 1);   // 3 pages
  EXPECT_EQ(grow.call(store, {Value::i32(1)})->at(0).i32(), -1);
  EXPECT_FALSE(inst->memory(store, "m")->grow(store, 1).has_value());
  Memory host = Memory::create(store, MemoryType{Limits{1, std::nullopt}});
  EXPECT_FALSE(host.grow(store, 3).has_value());
  EXPECT_EQ(host.grow(store, 2), 1u);
}

}  // namespace
}  // namespace mywasm
