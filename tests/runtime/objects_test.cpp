// Store objects through the public API: memories, tables, globals, values.
#include <gtest/gtest.h>

#include <cmath>

#include "mywasm/mywasm.hpp"

namespace mywasm {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  Engine engine;
  Store store{engine};
};

TEST_F(StoreTest, MemoryStartsAtMinimumAndIsZeroed) {
  Memory mem = Memory::create(store, MemoryType{{2, 5}});
  EXPECT_EQ(mem.size_pages(store), 2u);
  EXPECT_EQ(mem.size_bytes(store), 2 * kPageSize);
  uint8_t* data = mem.data(store);
  EXPECT_EQ(data[0], 0);
  EXPECT_EQ(data[2 * kPageSize - 1], 0);
  data[2 * kPageSize - 1] = 0xAB;  // the last byte is writable
  EXPECT_EQ(data[2 * kPageSize - 1], 0xAB);
}

TEST_F(StoreTest, MemoryGrowKeepsBaseAndHonoursMax) {
  Memory mem = Memory::create(store, MemoryType{{1, 3}});
  uint8_t* base = mem.data(store);
  base[10] = 7;
  EXPECT_EQ(mem.grow(store, 1), std::optional<uint64_t>(1));
  EXPECT_EQ(mem.grow(store, 2), std::nullopt);  // 4 > max 3
  EXPECT_EQ(mem.grow(store, 1), std::optional<uint64_t>(2));
  EXPECT_EQ(mem.grow(store, 0), std::optional<uint64_t>(3));
  EXPECT_EQ(mem.size_pages(store), 3u);
  EXPECT_EQ(mem.data(store), base);  // never moves
  EXPECT_EQ(base[10], 7);
  base[3 * kPageSize - 1] = 1;  // newly grown pages are accessible
  EXPECT_EQ(base[3 * kPageSize - 1], 1);
}

TEST_F(StoreTest, MemoryWithoutMaxStopsAt4GiB) {
  Memory mem = Memory::create(store, MemoryType{{0, std::nullopt}});
  EXPECT_EQ(mem.grow(store, kMaxPages32 + 1), std::nullopt);
  EXPECT_EQ(mem.size_pages(store), 0u);
  EXPECT_EQ(mem.grow(store, 100), std::optional<uint64_t>(0));
  EXPECT_EQ(mem.size_pages(store), 100u);
}

TEST_F(StoreTest, ZeroSizedMemories) {
  Memory empty = Memory::create(store, MemoryType{{0, 0}});
  EXPECT_EQ(empty.size_bytes(store), 0u);
  EXPECT_EQ(empty.grow(store, 0), std::optional<uint64_t>(0));
  EXPECT_EQ(empty.grow(store, 1), std::nullopt);
  Memory growable = Memory::create(store, MemoryType{{0, 1}});
  EXPECT_EQ(growable.grow(store, 1), std::optional<uint64_t>(0));
  growable.data(store)[kPageSize - 1] = 9;
  EXPECT_EQ(growable.data(store)[kPageSize - 1], 9);
}

TEST_F(StoreTest, ManyMemoriesCanBeReserved) {
  // Where compiled code runs, each reserves 8 GiB of address space whatever
  // its maximum: 200 of them must still work. (Without a compiler each
  // reserves its maximum, one page here: under qemu-user a 4 GiB one would
  // cost the emulator memory for every page.)
  std::vector<Memory> mems;
  for (int i = 0; i < 200; ++i) mems.push_back(Memory::create(store, MemoryType{{1, 1}}));
  for (Memory& m : mems) {
    m.data(store)[0] = 1;
    EXPECT_EQ(m.size_pages(store), 1u);
  }
}

TEST_F(StoreTest, TableGetSetGrow) {
  Table table = Table::create(store, TableType{ValType::FuncRef, {2, 4}});
  EXPECT_EQ(table.size(store), 2u);
  EXPECT_EQ(table.get(store, 0), std::optional<Ref>(Ref{}));
  EXPECT_EQ(table.get(store, 2), std::nullopt);

  Func f = Func::host(store, FuncType{}, [](Caller&, auto, auto) { return std::optional<Trap>(); });
  EXPECT_TRUE(table.set(store, 1, f.as_ref()));
  EXPECT_EQ(table.get(store, 1), std::optional<Ref>(f.as_ref()));
  EXPECT_FALSE(table.set(store, 2, f.as_ref()));
  EXPECT_FALSE(table.set(store, 0, Ref{Ref::Kind::Extern, 5}));  // not a funcref

  EXPECT_EQ(table.grow(store, 2, f.as_ref()), std::optional<uint32_t>(2));
  EXPECT_EQ(table.get(store, 3), std::optional<Ref>(f.as_ref()));
  EXPECT_EQ(table.grow(store, 1), std::nullopt);  // max 4
  EXPECT_EQ(table.size(store), 4u);
}

TEST_F(StoreTest, TableRefusesHugeGrowth) {
  Table table = Table::create(store, TableType{ValType::ExternRef, {0, std::nullopt}});
  EXPECT_EQ(table.grow(store, 0xFFFFFFFFu), std::nullopt);
  EXPECT_EQ(table.grow(store, 10), std::optional<uint32_t>(0));
  EXPECT_EQ(table.grow(store, 0xFFFFFFFFu - 5), std::nullopt);  // would pass 2^32-1
  EXPECT_EQ(table.size(store), 10u);
}

TEST_F(StoreTest, ExternRefsRoundTripThroughTables) {
  Table table = Table::create(store, TableType{ValType::ExternRef, {3, std::nullopt}});
  EXPECT_TRUE(table.set(store, 0, Ref{Ref::Kind::Extern, 1}));
  EXPECT_TRUE(table.set(store, 1, Ref{Ref::Kind::Extern, 1}));
  EXPECT_TRUE(table.set(store, 2, Ref{Ref::Kind::Extern, 42}));
  EXPECT_EQ(table.get(store, 0), table.get(store, 1));
  EXPECT_EQ(table.get(store, 2)->bits, 42u);
  EXPECT_EQ(table.get(store, 2)->kind, Ref::Kind::Extern);
}

TEST_F(StoreTest, Globals) {
  Global g = Global::create(store, GlobalType{ValType::I64, true}, Value::i64(-5));
  EXPECT_EQ(g.get(store), Value::i64(-5));
  EXPECT_TRUE(g.set(store, Value::i64(7)));
  EXPECT_EQ(g.get(store), Value::i64(7));
  EXPECT_FALSE(g.set(store, Value::i32(7)));  // wrong type

  Global c = Global::create(store, GlobalType{ValType::F32, false}, Value::f32_bits(0x7FC00001));
  EXPECT_FALSE(c.set(store, Value::f32(1)));  // immutable
  EXPECT_EQ(c.get(store).f32_bits(), 0x7FC00001u);
  EXPECT_EQ(c.type(store), (GlobalType{ValType::F32, false}));

  Global r = Global::create(store, GlobalType{ValType::ExternRef, true}, Value::extern_ref(3));
  EXPECT_EQ(r.get(store), Value::extern_ref(3));
  EXPECT_TRUE(r.set(store, Value::null_ref(ValType::ExternRef)));
  EXPECT_TRUE(r.get(store).ref().is_null());
}

TEST(ValueTest, EqualityIsBitExact) {
  EXPECT_EQ(Value::i32(1), Value::i32(1));
  EXPECT_NE(Value::i32(1), Value::i64(1));
  EXPECT_NE(Value::f32(0.0f), Value::f32(-0.0f));
  EXPECT_EQ(Value::f32_bits(0x7FC00000), Value::f32(std::nanf("")));
  EXPECT_NE(Value::f64_bits(0x7FF8000000000000), Value::f64_bits(0x7FF8000000000001));
  EXPECT_EQ(Value::null_ref(ValType::FuncRef), Value::zero(ValType::FuncRef));
  EXPECT_NE(Value::null_ref(ValType::FuncRef), Value::null_ref(ValType::ExternRef));
  EXPECT_EQ(Value::zero(ValType::F64), Value::f64(0.0));
}

TEST(ValueTest, ToString) {
  EXPECT_EQ(Value::i32(42).to_string(), "i32:42");
  EXPECT_EQ(Value::i32(-1).to_string(), "i32:-1");
  EXPECT_EQ(Value::i64(1ll << 40).to_string(), "i64:1099511627776");
  EXPECT_EQ(Value::f32(1.5f).to_string(), "f32:1.5 (0x3fc00000)");
  EXPECT_EQ(Value::f32_bits(0x7FC00000).to_string(), "f32:nan (0x7fc00000)");
  EXPECT_EQ(Value::f64_bits(0xFFF8000000000000).to_string(), "f64:-nan (0xfff8000000000000)");
  EXPECT_EQ(Value::null_ref(ValType::FuncRef).to_string(), "ref.null func");
  EXPECT_EQ(Value::null_ref(ValType::ExternRef).to_string(), "ref.null extern");
  EXPECT_EQ(Value::extern_ref(7).to_string(), "ref.extern 7");
}

TEST(ErrorTest, ToStringShowsOffset) {
  Error e{Error::Kind::Malformed, "unexpected end", 0x1a, {}};
  EXPECT_EQ(e.to_string(), "unexpected end at offset 0x1a");
  Error t{Error::Kind::Trap, "unreachable", {}, {}};
  EXPECT_EQ(t.to_string(), "unreachable");
}

}  // namespace
}  // namespace mywasm
