// Deep nesting and big br_tables (issue 13, item 4): results on every
// tier, and code that grows with the input, not with a product of its
// sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "instance_harness.hpp"
#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

Config tier_config(Config::Tier tier) {
  Config c;
  c.tier = tier;
  return c;
}

// `depth` nested `block (result i32)`; innermost, a br_table naming each
// label once (label i at entry i, the outermost as default) carries 1 out;
// each block's end adds 1. So pick(i) = 1 + depth - i, and 2 past the table.
std::string deep_br_table_wat(uint32_t depth) {
  std::string wat = "(module (func (export \"pick\") (param i32) (result i32)\n";
  for (uint32_t i = 0; i < depth; ++i) wat += "block (result i32)\n";
  wat += "i32.const 1 local.get 0 br_table";
  for (uint32_t i = 0; i < depth; ++i) wat += " " + std::to_string(i);
  wat += " " + std::to_string(depth - 1) + "\n";
  for (uint32_t i = 0; i < depth; ++i) wat += "end i32.const 1 i32.add\n";
  return wat + "))";
}

TEST(ControlCostTest, DeepNestingBranchesToEveryLabelOnEveryTier) {
  constexpr uint32_t kDepth = 5'000;  // the text parser nests 10,000 deep at most
  const std::string wat = deep_br_table_wat(kDepth);
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(tier_config(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
    for (uint32_t i : {0u, 1u, 2u, 777u, kDepth / 2, kDepth - 2, kDepth - 1})
      EXPECT_EQ(h.call1("pick", {Value::i32(int32_t(i))}).i32(), int32_t(1 + kDepth - i)) << i;
    EXPECT_EQ(h.call1("pick", {Value::i32(int32_t(kDepth))}).i32(), 2);
    EXPECT_EQ(h.call1("pick", {Value::i32(-1)}).i32(), 2);
  }
}

// A br_table naming three labels that each need their value moved (a
// pending constant, with other values below): one stub per label, however
// long the table.
TEST(ControlCostTest, BrTableGivesEachLabelOneStub) {
  constexpr int kTargets = 3'000;
  std::string table;
  for (int i = 0; i < kTargets; ++i) table += i % 3 == 0 ? " $a" : i % 3 == 1 ? " $b" : " $c";
  const std::string wat = R"((module (func (export "pick") (param i32) (result i32)
    (i32.add (i32.const 1000)
      (block $c (result i32)
        (i32.add (i32.const 100)
          (block $b (result i32)
            (i32.add (i32.const 10)
              (block $a (result i32)
                (br_table)" + table + R"( $c (i32.const 1) (local.get 0)))))))))))";
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(tier_config(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
    for (int i : {0, 1, 2, 3, 1499, 2998, 2999})
      EXPECT_EQ(h.call1("pick", {Value::i32(i)}).i32(), i % 3 == 0 ? 1111 : i % 3 == 1 ? 1101 : 1001) << i;
    EXPECT_EQ(h.call1("pick", {Value::i32(kTargets)}).i32(), 1001);
    auto f = h.instance.func(h.store, "pick");
    const auto& compiled = h.store.impl().funcs[f->addr()]->compiled;
    ASSERT_TRUE(compiled);
    // The table's words, three stubs and a few instructions around them
    // (a stub per entry made it about six times the table).
    EXPECT_LT(compiled->code.size(), size_t(kTargets + 100));
  }
}

}  // namespace
}  // namespace mywasm
