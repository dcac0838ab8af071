// Resource limits an embedder sets per store: fuel (executed instructions)
// in every tier, StoreLimits, and memories that fall back to explicit
// bounds checks when address space is short.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "instance_harness.hpp"

#include "jit.hpp"  // jit::available, and the store internals
#include "mywasm/mywasm.hpp"

namespace mywasm {
namespace {

struct TierCase {
  const char* name;
  Config::Tier tier;
  uint32_t threshold;
};
// Tiered with threshold 1: every function compiles on its first call, and
// a loop moves to compiled code in the middle of its first run.
const TierCase kTiers[] = {
    {"interp", Config::Tier::Interpreter, 1000}, {"jit", Config::Tier::Jit, 1000}, {"tiered", Config::Tier::Tiered, 1}};

Config fuel_config(const TierCase& t) {
  Config c;
  c.tier = t.tier;
  c.tier_up_threshold = t.threshold;
  c.background_compile = false;  // (the tier-up at the first call, every run)
  c.consume_fuel = true;
  return c;
}

// Costs in wasm instructions, `end`s included, counted by hand:
//  add1: local.get, i32.const, i32.add, end = 4.
//  count(n): `loop` 1; each iteration local.get, i32.const, i32.add,
//    local.set, local.get, local.get, i32.lt_u, br_if = 8; the loop's end 1;
//    local.get and end 2: 8n + 4.
//  down(n): local.get, if = 2; the then arm local.get, i32.const, i32.sub,
//    call, else = 5; the else arm i32.const, end = 2; the function's end 1:
//    down(0) = 5, down(n) = down(n-1) + 8.
const char* kFuelModule = R"((module
  (func (export "add1") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $down (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0))))
  (func (export "forever") (loop $l (br $l)))))";

TEST(FuelTest, EveryTierChargesExactlyTheInstructionsExecuted) {
  for (const TierCase& t : kTiers) {
    SCOPED_TRACE(t.name);
    test::InstanceHarness h(fuel_config(t));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kFuelModule));
    ASSERT_TRUE(h.store.set_fuel(100000));
    EXPECT_EQ(h.call1("add1", {Value::i32(1)}).i32(), 2);
    EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(100000 - 4));
    ASSERT_TRUE(h.store.set_fuel(100000));
    EXPECT_EQ(h.call1("count", {Value::i32(10)}).i32(), 10);
    EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(100000 - (8 * 10 + 4)));
    ASSERT_TRUE(h.store.set_fuel(100000));
    EXPECT_EQ(h.call1("count", {Value::i32(2000)}).i32(), 2000);  // long enough to tier up
    EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(100000 - (8 * 2000 + 4)));
    ASSERT_TRUE(h.store.set_fuel(100000));
    EXPECT_EQ(h.call1("down", {Value::i32(3)}).i32(), 0);
    EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(100000 - (5 + 3 * 8)));
  }
}

TEST(FuelTest, RunningOutTrapsWithABacktraceAndMoreFuelGoesOn) {
  for (const TierCase& t : kTiers) {
    SCOPED_TRACE(t.name);
    test::InstanceHarness h(fuel_config(t));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kFuelModule));
    EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(0));  // none until set
    EXPECT_EQ(h.trap_of("add1", {Value::i32(1)}), "all fuel consumed");

    ASSERT_TRUE(h.store.set_fuel(5000));
    auto r = h.call("forever", {});
    ASSERT_FALSE(r.ok());
    ASSERT_TRUE(r.error().trap);
    EXPECT_EQ(r.error().trap->kind, Trap::Kind::OutOfFuel);
    ASSERT_FALSE(r.error().trap->backtrace.empty());
    EXPECT_EQ(r.error().trap->backtrace[0].func_name, "forever");
    EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(0));

    // The limit holds across calls: recursion is charged at every entry.
    ASSERT_TRUE(h.store.set_fuel(100));
    EXPECT_EQ(h.trap_of("down", {Value::i32(1000)}), "all fuel consumed");
    ASSERT_TRUE(h.store.set_fuel(1000));
    EXPECT_EQ(h.call1("count", {Value::i32(100)}).i32(), 100);
  }
}

TEST(FuelTest, WithoutConsumeFuelThereIsNoFuel) {
  test::InstanceHarness h;
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kFuelModule));
  EXPECT_FALSE(h.store.set_fuel(10));
  EXPECT_EQ(h.store.fuel(), std::nullopt);
  EXPECT_EQ(h.call1("count", {Value::i32(100)}).i32(), 100);
}

TEST(FuelTest, AHostFunctionSeesAndSetsTheRunningCallsFuel) {
  test::InstanceHarness h(fuel_config(kTiers[0]));
  std::optional<uint64_t> seen;
  h.linker.define_func(h.store, "env", "refill", FuncType{},
                       [&](Caller& c, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                         seen = c.store().fuel();
                         (void)c.store().set_fuel(1000);
                         return std::nullopt;
                       });
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (import "env" "refill" (func $refill))
    (func (export "f") (call $refill))))"));
  ASSERT_TRUE(h.store.set_fuel(50));
  ASSERT_TRUE(h.call("f", {}).ok());
  // f's only block (call, end) was charged on entry; the refill is what
  // remains after the call.
  EXPECT_EQ(seen, std::optional<uint64_t>(48));
  EXPECT_EQ(h.store.fuel(), std::optional<uint64_t>(1000));
}

TEST(StoreLimitsTest, EachStoreHasItsOwnLimits) {
  Engine engine;
  auto bytes = wat_to_wasm("(module (memory (export \"m\") 2) (table 100 funcref))");
  ASSERT_TRUE(bytes.ok());
  auto module = mywasm::Module::compile(engine, *bytes);
  ASSERT_TRUE(module.ok());
  Store tight(engine), roomy(engine);
  EXPECT_EQ(tight.limits().max_memory_pages, 0u);  // the engine's Config: none
  StoreLimits l = tight.limits();
  l.max_memory_pages = 1;
  tight.set_limits(l);
  Linker linker(engine);
  auto refused = linker.instantiate(tight, *module);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("exceeds the host's limit of 1 pages"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(linker.instantiate(roomy, *module).ok());

  l = tight.limits();
  l.max_memory_pages = 0;
  l.max_table_elements = 50;
  tight.set_limits(l);
  refused = linker.instantiate(tight, *module);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("exceeds the host's limit"), std::string::npos) << refused.error().message;
}

// More live memories than 8 GiB reservations fit in the 47-bit address
// space (16,384): the later ones fall back to bounded reservations. The
// page limit keeps those at 1 MiB: without it each would reserve 4 GiB,
// which under qemu-user (arm64's test run) costs the emulator memory per
// reserved page. Where the compiler runs, the first 16,384 still take
// guard pages, whatever the limit.
TEST(MemoryReservationTest, TwentyThousandLiveMemoriesAllWork) {
  Config config;
  config.store_limits.max_memory_pages = 16;
  Engine engine(config);
  Store store(engine);
  std::vector<Memory> mems;
  for (int i = 0; i < 20000; ++i) {
    mems.push_back(Memory::create(store, MemoryType{{1, std::nullopt}}));
    ASSERT_TRUE(mems.back().belongs_to(store)) << "memory " << i;
  }
  for (size_t i : {size_t(0), size_t(16383), size_t(16384), size_t(19999)}) {
    uint8_t* data = mems[i].data(store);
    ASSERT_NE(data, nullptr);
    data[65535] = uint8_t(i);
    EXPECT_EQ(mems[i].grow(store, 1), std::optional<uint64_t>(1));
    data[65536] = 7;
    EXPECT_EQ(mems[i].size_pages(store), 2u);
  }
}

// Guard pages only where compiled code can use them: in the interpreter
// tier (and on hosts without a compiler) auto reserves the maximum.
TEST(MemoryReservationTest, AutoReservesGuardPagesOnlyWhereCompiledCodeRuns) {
  for (const TierCase& t : kTiers) {
    SCOPED_TRACE(t.name);
    Config c;
    c.tier = t.tier;
    Engine engine(c);
    Store store(engine);
    Memory mem = Memory::create(store, MemoryType{{1, 3}});
    ASSERT_TRUE(mem.belongs_to(store));
    // (MYWASM_AUTO_BOUNDS_CHECKS=explicit, as the arm64 run under qemu-user
    // sets: explicit checks everywhere.)
    const char* forced = std::getenv("MYWASM_AUTO_BOUNDS_CHECKS");
    const bool compiled = t.tier != Config::Tier::Interpreter && jit::available() &&
                          !(forced && std::string_view(forced) == "explicit");
    EXPECT_EQ(store.impl().memories[mem.addr()]->reserved,
              compiled ? MemoryInstance::kGuardedReservation : 3 * kPageSize);
  }
}

TEST(MemoryReservationTest, ExplicitBoundsChecksTrapOutOfBoundsInEveryTier) {
  for (const TierCase& t : kTiers) {
    SCOPED_TRACE(t.name);
    Config c;
    c.tier = t.tier;
    c.tier_up_threshold = t.threshold;
    c.background_compile = false;  // (the tier-up at the first call, every run)
    c.bounds_checks = BoundsChecks::Explicit;
    test::InstanceHarness h(c);
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module (memory 1 3)
      (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
      (func (export "grow") (result i32) (memory.grow (i32.const 2)))))"));
    EXPECT_EQ(h.call1("load", {Value::i32(65528)}).i32(), 0);
    EXPECT_EQ(h.trap_of("load", {Value::i32(65529)}), "out of bounds memory access");
    EXPECT_EQ(h.trap_of("load", {Value::i32(-1)}), "out of bounds memory access");
    EXPECT_EQ(h.call1("grow", {}).i32(), 1);  // the reservation holds the maximum
    EXPECT_EQ(h.call1("load", {Value::i32(3 * 65536 - 8)}).i32(), 0);
    EXPECT_EQ(h.trap_of("load", {Value::i32(3 * 65536 - 7)}), "out of bounds memory access");
  }
}

}  // namespace
}  // namespace mywasm
