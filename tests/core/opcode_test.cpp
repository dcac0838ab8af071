#include <gtest/gtest.h>

#include "opcode.hpp"

namespace mywasm {
namespace {

// info() rebuilds each entry from relocation-free tables; it must give
// back exactly the opcode table's facts.
TEST(Opcode, InfoIsTheOpcodeTable) {
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    const Opcode op = static_cast<Opcode>(i);
    const OpcodeInfo& want = kOpcodeInfo[i];
    const OpcodeInfo got = info(op);
    EXPECT_EQ(got.prefix, want.prefix) << want.name;
    EXPECT_EQ(got.code, want.code) << want.name;
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.imm, want.imm) << want.name;
    EXPECT_EQ(got.params, want.params) << want.name;
    EXPECT_EQ(got.results, want.results) << want.name;
  }
  EXPECT_EQ(info(Opcode::I32Add).name, "i32.add");
  EXPECT_EQ(info(Opcode::I32Add).params, "ii");
}

}  // namespace
}  // namespace mywasm
