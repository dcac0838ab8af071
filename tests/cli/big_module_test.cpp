// A big real program: build/programs/big.wasm, generated at build time by
// tests/programs/big/gen_big.py (tens of MB: 1500 functions it never calls,
// a 16 MB data table, a call chain 50 deep). It must run, and a trap at the
// bottom of the chain must print a readable backtrace and exit 134.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <vector>

#include "cli_fixture.hpp"

namespace {

using namespace mywasm_test;

const std::string kBig = std::string(MYWASM_PROGRAMS_DIR) + "/big.wasm";

// A backtrace line "  N: name @ 0xMODULE_OFFSET (+0xFUNCTION_OFFSET)" of
// stderr.
struct FrameLine {
  std::string name;
  size_t module_offset = 0, func_offset = 0;
};
std::vector<FrameLine> frames(const std::string& err) {
  std::vector<FrameLine> out;
  std::regex line("  ([0-9]+): ([^\n]*) @ 0x([0-9a-f]+) \\(\\+0x([0-9a-f]+)\\)\n");
  for (auto it = std::sregex_iterator(err.begin(), err.end(), line); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(std::stoul((*it)[1]), out.size());
    out.push_back({(*it)[2], std::stoul((*it)[3], nullptr, 16), std::stoul((*it)[4], nullptr, 16)});
  }
  return out;
}

// Innermost first: chain_49 .. chain_0, main, then wasi-libc's start-up
// code; names from the name section, qualified by the module's name. The
// innermost frame is at the trapping instruction (`opcode`), the chain's
// callers at their calls, in every tier.
void expect_chain(const std::vector<FrameLine>& f, uint8_t opcode) {
  ASSERT_GE(f.size(), 52u);
  std::ifstream in(kBig, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  for (int i = 0; i < 51; ++i) {
    EXPECT_EQ(f[i].name, i < 50 ? "big.wasm!chain_" + std::to_string(49 - i) : "big.wasm!main") << "frame " << i;
    ASSERT_LT(f[i].module_offset, bytes.size());
    EXPECT_EQ(uint8_t(bytes[f[i].module_offset]), i == 0 ? opcode : 0x10) << "frame " << i;
    EXPECT_GT(f[i].func_offset, 0u);
  }
  EXPECT_TRUE(std::any_of(f.begin() + 51, f.end(), [](const FrameLine& l) { return l.name == "big.wasm!_start"; }));
}

TEST_F(CliTest, BigModuleIsTensOfMegabytes) {
  struct stat st {};
  ASSERT_EQ(::stat(kBig.c_str(), &st), 0);
  EXPECT_GT(st.st_size, 20 << 20);
}

TEST_F(CliTest, BigModuleRuns) {
  auto r = run(kBig);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("functions: 1500, data: 16777216 bytes, checksum: [0-9]+\n"))) << r.out;
}

TEST_F(CliTest, BigModuleTrapDeepInsidePrintsBacktrace) {
  auto r = run(kBig + " trap");
  EXPECT_EQ(r.status, 134);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("mywasm: trap: unreachable\n", 0), 0u) << r.err.substr(0, 300);
  expect_chain(frames(r.err), 0x00);  // unreachable
}

TEST_F(CliTest, BigModuleOutOfBoundsDeepInsidePrintsBacktrace) {
  auto r = run(kBig + " oob");
  EXPECT_EQ(r.status, 134);
  EXPECT_EQ(r.err.rfind("mywasm: trap: out of bounds memory access\n", 0), 0u) << r.err.substr(0, 300);
  expect_chain(frames(r.err), 0x28);  // i32.load
}

}  // namespace
