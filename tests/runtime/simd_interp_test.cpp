// The interpreter's v128 path end to end: modules in the text format,
// driven through the public API (v128 params/results, globals, locals,
// blocks, calls, host calls, memory traps). The lane semantics themselves
// are covered by simd_ops_test.cpp and the spec suite.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "instance_harness.hpp"
#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

using Lanes = std::array<int32_t, 4>;

V128 v128_of_i32(Lanes lanes) {
  V128 v;
  std::memcpy(v.bytes, lanes.data(), 16);
  return v;
}
Lanes i32_lanes(const Value& v) {
  Lanes lanes;
  std::memcpy(lanes.data(), v.v128().bytes, 16);
  return lanes;
}

struct SimdInterp : ::testing::Test, test::InstanceHarness {};

TEST_F(SimdInterp, ParamsAndResultsCrossTheApi) {
  instantiate_wat(R"((module
    (func (export "add") (param v128 v128) (result v128)
      (i32x4.add (local.get 0) (local.get 1)))
    ;; scalars around a v128 param: slots are packed by width
    (func (export "mixed") (param i32 v128 i64) (result i64 v128 i32)
      (i64.add (local.get 2) (i64.extend_i32_s (local.get 0)))
      (i32x4.mul (local.get 1) (i32x4.splat (local.get 0)))
      (i32x4.extract_lane 3 (local.get 1)))))");
  auto r = call("add", {Value::v128(v128_of_i32({1, 2, 3, 4})), Value::v128(v128_of_i32({10, -20, 30, 0x7fffffff}))});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(i32_lanes((*r)[0]), (Lanes{11, -18, 33, int32_t(0x80000003u)}));

  r = call("mixed", {Value::i32(-3), Value::v128(v128_of_i32({1, 2, 3, 4})), Value::i64(100)});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].i64(), 97);
  EXPECT_EQ(i32_lanes((*r)[1]), (Lanes{-3, -6, -9, -12}));
  EXPECT_EQ((*r)[2].i32(), 4);
}

TEST_F(SimdInterp, GlobalsLocalsConstantsAndSelect) {
  instantiate_wat(R"((module
    (global $g (mut v128) (v128.const i32x4 5 6 7 8))
    (global (export "g") (mut v128) (v128.const i64x2 -1 2))
    (func (export "accumulate") (param i32) (result v128)
      (local $acc v128) (local $k i32)
      (local.set $acc (global.get $g))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $k) (local.get 0)))
          (local.set $acc (i32x4.add (local.get $acc) (v128.const i32x4 1 10 100 1000)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $next)))
      (global.set $g (local.get $acc))
      (global.get $g))
    (func (export "pick") (param i32) (result v128)
      (select (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2) (local.get 0)))
    (func (export "pick_typed") (param v128 v128 i32) (result v128)
      (select (result v128) (local.get 0) (local.get 1) (local.get 2)))))");
  EXPECT_EQ(i32_lanes(call1("accumulate", {Value::i32(3)})), (Lanes{8, 36, 307, 3008}));
  // The global kept the value: a second call continues from it.
  EXPECT_EQ(i32_lanes(call1("accumulate", {Value::i32(1)})), (Lanes{9, 46, 407, 4008}));

  auto g = instance.global(store, "g");
  ASSERT_TRUE(g.has_value());
  Value gv = g->get(store);
  ASSERT_EQ(gv.type(), ValType::V128);
  EXPECT_EQ(i32_lanes(gv), (Lanes{-1, -1, 2, 0}));
  ASSERT_TRUE(g->set(store, Value::v128(v128_of_i32({9, 8, 7, 6}))));
  EXPECT_EQ(i32_lanes(g->get(store)), (Lanes{9, 8, 7, 6}));

  EXPECT_EQ(i32_lanes(call1("pick", {Value::i32(1)})), (Lanes{1, 1, 1, 1}));
  EXPECT_EQ(i32_lanes(call1("pick", {Value::i32(0)})), (Lanes{2, 2, 2, 2}));
  Value a = Value::v128(v128_of_i32({1, 2, 3, 4})), b = Value::v128(v128_of_i32({5, 6, 7, 8}));
  EXPECT_EQ(i32_lanes(call1("pick_typed", {a, b, Value::i32(0)})), (Lanes{5, 6, 7, 8}));
}

TEST_F(SimdInterp, BlockResultsCallsAndMultiValue) {
  instantiate_wat(R"((module
    (func $swap (param v128 i32 v128) (result v128 i32 v128)
      (local.get 2) (local.get 1) (local.get 0))
    (func (export "g") (param v128 v128 i32 i32) (result v128)
      (local.get 0) (local.get 2) (local.get 1)
      (call $swap)                    ;; -> b, k, a
      (if (param v128 i32 v128) (result v128) (local.get 3)
        (then (drop) (drop))          ;; b
        (else (local.set 0) (i32x4.splat) (i32x4.add (local.get 0)) (i32x4.add)))  ;; b + splat(k) + a
      (block (param v128) (result v128) (br 0 (i32x4.neg))))))");
  V128 a = v128_of_i32({1, 2, 3, 4}), b = v128_of_i32({10, 20, 30, 40});
  EXPECT_EQ(i32_lanes(call1("g", {Value::v128(a), Value::v128(b), Value::i32(7), Value::i32(1)})),
            (Lanes{-10, -20, -30, -40}));
  EXPECT_EQ(i32_lanes(call1("g", {Value::v128(a), Value::v128(b), Value::i32(7), Value::i32(0)})),
            (Lanes{-18, -29, -40, -51}));
}

// Branches carry mixed i32/v128 label values: loop params (br to a loop),
// br_table to blocks with results, and call_indirect.
TEST_F(SimdInterp, BranchesAndIndirectCallsMoveV128Values) {
  instantiate_wat(R"((module
    (type $t (func (param i32 v128) (result v128 i32)))
    (table 2 funcref)
    (elem (i32.const 0) $inc $dec)
    (func $inc (type $t) (i32x4.add (local.get 1) (i32x4.splat (local.get 0))) (local.get 0))
    (func $dec (type $t) (i32x4.sub (local.get 1) (i32x4.splat (local.get 0))) (i32.const -1))
    ;; loop (param i32 v128 i32): count n down to 0, adding it to every lane;
    ;; the i32 7 below the loop's values survives and is added at the end
    (func (export "sum") (param i32) (result v128)
      (local $tmp v128)
      (i32.const 7) (v128.const i32x4 0 0 0 0) (local.get 0)
      (loop $l (param i32 v128 i32) (result i32 v128 i32)
        (local.set 0)
        (i32x4.add (i32x4.splat (local.get 0)))
        (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $l (i32.ge_s (local.get 0) (i32.const 0))))
      (drop)
      (local.set $tmp)
      (i32x4.splat)
      (i32x4.add (local.get $tmp)))
    (func (export "pick") (param i32) (result i32 v128)
      (block $b0 (result i32 v128)
        (block $b1 (result i32 v128)
          (br_table $b0 $b1 $b0
            (i32.const 10) (v128.const i32x4 1 2 3 4) (local.get 0)))
        (drop)
        (return (i32.const 20) (v128.const i32x4 5 6 7 8)))
      (return))
    (func (export "indirect") (param i32 i32 v128) (result v128 i32)
      (call_indirect (type $t) (local.get 1) (local.get 2) (local.get 0)))))");
  // 4 + 3 + 2 + 1 + 0 + 7, in every lane.
  EXPECT_EQ(i32_lanes(call1("sum", {Value::i32(4)})), (Lanes{17, 17, 17, 17}));

  auto r = call("pick", {Value::i32(0)});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32(), 10);
  EXPECT_EQ(i32_lanes((*r)[1]), (Lanes{1, 2, 3, 4}));
  r = call("pick", {Value::i32(1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32(), 20);
  EXPECT_EQ(i32_lanes((*r)[1]), (Lanes{5, 6, 7, 8}));
  r = call("pick", {Value::i32(9)});  // default
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32(), 10);

  V128 v = v128_of_i32({10, 20, 30, 40});
  r = call("indirect", {Value::i32(0), Value::i32(3), Value::v128(v)});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(i32_lanes((*r)[0]), (Lanes{13, 23, 33, 43}));
  EXPECT_EQ((*r)[1].i32(), 3);
  r = call("indirect", {Value::i32(1), Value::i32(3), Value::v128(v)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(i32_lanes((*r)[0]), (Lanes{7, 17, 27, 37}));
  EXPECT_EQ((*r)[1].i32(), -1);
}

TEST_F(SimdInterp, HostFunctionsTakeAndReturnV128) {
  FuncType t{{ValType::I32, ValType::V128}, {ValType::V128, ValType::I32}};
  linker.define_func(store, "env", "twice", t, [](Caller&, std::span<const Value> args, std::span<Value> results) {
    Lanes lanes = i32_lanes(args[1]);
    for (int32_t& x : lanes) x = x * 2 + args[0].i32();
    results[0] = Value::v128(v128_of_i32(lanes));
    results[1] = Value::i32(args[0].i32() + 1);
    return std::optional<Trap>();
  });
  instantiate_wat(R"((module
    (import "env" "twice" (func $twice (param i32 v128) (result v128 i32)))
    (func (export "f") (param v128) (result v128)
      (local $x v128)
      (call $twice (i32.const 1) (local.get 0))
      (drop)
      (local.set $x)
      (i32x4.add (local.get $x) (v128.const i32x4 100 100 100 100)))))");
  EXPECT_EQ(i32_lanes(call1("f", {Value::v128(v128_of_i32({1, 2, 3, -4}))})), (Lanes{103, 105, 107, 93}));
}

// A host result of the wrong width would misplace the results after it.
TEST_F(SimdInterp, HostResultOfWrongWidthTraps) {
  FuncType t{{}, {ValType::V128, ValType::I32}};
  linker.define_func(store, "env", "bad", t, [](Caller&, std::span<const Value>, std::span<Value> results) {
    results[0] = Value::i64(1);  // declared v128
    results[1] = Value::i32(2);
    return std::optional<Trap>();
  });
  instantiate_wat(R"((module
    (import "env" "bad" (func $bad (result v128 i32)))
    (func (export "f") (result i32) (call $bad) (drop) (drop) (i32.const 7))))");
  EXPECT_EQ(trap_of("f", {}), "host function returned i64 for a v128 result");
}

TEST_F(SimdInterp, MemoryAccessAndBoundsTraps) {
  instantiate_wat(R"((module
    (memory (export "mem") 1)
    (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
    (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
    (func (export "store") (param i32 v128) (v128.store offset=1 (local.get 0) (local.get 1)))
    (func (export "lane") (param i32) (result i32)
      (i16x8.extract_lane_u 7
        (v128.load16_lane 7 (local.get 0) (v128.const i64x2 0 0))))
    (func (export "splat_sum") (param i32) (result i32)
      (i32x4.extract_lane 2 (i32x4.add (v128.load32_splat (local.get 0)) (v128.load32_zero (local.get 0)))))))");
  EXPECT_EQ(i32_lanes(call1("load", {Value::i32(0)})), (Lanes{0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d}));

  // Last in-bounds 16 bytes, then one byte past: trap.
  EXPECT_TRUE(call("load", {Value::i32(65536 - 16)}).ok());
  EXPECT_EQ(trap_of("load", {Value::i32(65536 - 15)}), "out of bounds memory access");
  // The offset takes part: 65536-17 + 1 + 16 bytes fits exactly, -16 does not.
  EXPECT_TRUE(call("store", {Value::i32(65536 - 17), Value::v128(v128_of_i32({-1, -1, -1, -1}))}).ok());
  EXPECT_EQ(trap_of("store", {Value::i32(65536 - 16), Value::v128(v128_of_i32({0, 0, 0, 0}))}),
            "out of bounds memory access");
  // Address wraps are not allowed: 0xffffffff + 16 is out of bounds.
  EXPECT_FALSE(call("load", {Value::i32(-1)}).ok());

  EXPECT_EQ(call1("lane", {Value::i32(2)}).i32(), 0x0403);
  EXPECT_TRUE(call("lane", {Value::i32(65534)}).ok());
  EXPECT_FALSE(call("lane", {Value::i32(65535)}).ok());

  EXPECT_EQ(call1("splat_sum", {Value::i32(4)}).i32(), 0x08070605);  // lane 2: splat value + 0
}

// A v128 load/store whose address is an i32.add: the wrapped sum plus the
// offset is bounds-checked. (The fused v128 [add] forms are gone: no
// vectorised code in the benchmark corpus, see bench/README.md.)
TEST_F(SimdInterp, AddressAddThenLoadOrStoreWrapsBeforeTheOffset) {
  instantiate_wat(R"((module
    (memory 1)
    (func (export "get") (param i32) (result v128)
      (v128.load offset=1 (i32.add (local.get 0) (i32.const 16))))
    (func (export "put") (param i32 v128)
      (v128.store offset=2 (i32.add (local.get 0) (i32.const 16)) (local.get 1)))
    (func (export "get64") (param i32) (result i64)
      (i64x2.extract_lane 0 (v128.load64_zero (i32.add (local.get 0) (local.get 0)))))))");
  ASSERT_TRUE(call("put", {Value::i32(100), Value::v128(v128_of_i32({1, 2, 3, 4}))}).ok());
  // Stored at 100+16+2 = 118, read back from 101+16+1.
  EXPECT_EQ(i32_lanes(call1("get", {Value::i32(101)})), (Lanes{1, 2, 3, 4}));

  // 65536 - 16 - 1 - 16 is the last base whose 16 bytes fit with offset=1.
  EXPECT_TRUE(call("get", {Value::i32(65536 - 33)}).ok());
  EXPECT_EQ(trap_of("get", {Value::i32(65536 - 32)}), "out of bounds memory access");
  EXPECT_EQ(trap_of("put", {Value::i32(65536 - 33), Value::v128(v128_of_i32({0, 0, 0, 0}))}),
            "out of bounds memory access");
  // The sum wraps at 32 bits before the offset is added: 0xfffffff0 + 16 = 0.
  EXPECT_TRUE(call("get", {Value::i32(int32_t(0xfffffff0u))}).ok());
  // 2 * 0x80000000 wraps to 0; 2 * 32764 = 65528 leaves exactly 8 bytes.
  EXPECT_TRUE(call("get64", {Value::i32(int32_t(0x80000000u))}).ok());
  EXPECT_TRUE(call("get64", {Value::i32(32764)}).ok());
  EXPECT_FALSE(call("get64", {Value::i32(32765)}).ok());
}

TEST_F(SimdInterp, LaneOpsShuffleAndReductions) {
  instantiate_wat(R"((module
    (func (export "shuffle") (param v128 v128) (result v128)
      (i8x16.shuffle 16 17 18 19 0 1 2 3 31 30 29 28 15 14 13 12 (local.get 0) (local.get 1)))
    (func (export "dot_bitmask") (param v128 v128) (result i32)
      (i32.add
        (i32x4.extract_lane 0 (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
        (i32.mul (i32.const 1000) (i32x4.bitmask (local.get 1)))))
    (func (export "replace_f32") (param f32) (result f32)
      (f32x4.extract_lane 1
        (f32x4.mul (f32x4.replace_lane 1 (f32x4.splat (f32.const 2)) (local.get 0))
                   (v128.const f32x4 1.5 1.5 1.5 1.5))))
    (func (export "all_any") (param v128) (result i32)
      (i32.or (i32.shl (i32x4.all_true (local.get 0)) (i32.const 1)) (v128.any_true (local.get 0))))))");
  // lane bytes 31..28 of b reversed = bswap(8); 15..12 of a reversed = bswap(4)
  EXPECT_EQ(i32_lanes(call1("shuffle",
                            {Value::v128(v128_of_i32({1, 2, 3, 4})), Value::v128(v128_of_i32({5, 6, 7, 8}))})),
            (Lanes{5, 1, 0x08000000, 0x04000000}));

  // a = i16 lanes (3, 4, ...), b = (5, -6, ...): 3*5 + 4*(-6) = -9; bitmask of b's i32 lanes.
  V128 a = v128_of_i32({3 | (4 << 16), 0, 0, 0});
  V128 b = v128_of_i32({5 | (int32_t(0xfffa) << 16), 0, -1, 0});
  EXPECT_EQ(call1("dot_bitmask", {Value::v128(a), Value::v128(b)}).i32(), -9 + 1000 * 0b0101);

  EXPECT_EQ(call1("replace_f32", {Value::f32(-4.0f)}).f32(), -6.0f);

  EXPECT_EQ(call1("all_any", {Value::v128(v128_of_i32({1, 2, 3, 4}))}).i32(), 3);
  EXPECT_EQ(call1("all_any", {Value::v128(v128_of_i32({1, 0, 3, 4}))}).i32(), 1);
  EXPECT_EQ(call1("all_any", {Value::v128(v128_of_i32({0, 0, 0, 0}))}).i32(), 0);
}

}  // namespace
}  // namespace mywasm
