// A big real program: build/programs/big.wasm, generated at build time by
// tests/programs/big/gen_big.py (tens of MB: 1500 functions it never calls,
// a 16 MB data table, a call chain 50 deep). It must run, and a trap at the
// bottom of the chain must print a readable backtrace and exit 134.
#include <sys/stat.h>

#include <algorithm>
#include <regex>
#include <vector>

#include "cli_fixture.hpp"

namespace {

using namespace mywasm_test;

const std::string kBig = std::string(MYWASM_PROGRAMS_DIR) + "/big.wasm";

// The backtrace lines "  N: name" of stderr, innermost first.
std::vector<std::string> frames(const std::string& err) {
  std::vector<std::string> out;
  std::regex line("  ([0-9]+): ([^\n]*)\n");
  for (auto it = std::sregex_iterator(err.begin(), err.end(), line); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(std::stoul((*it)[1]), out.size());
    out.push_back((*it)[2]);
  }
  return out;
}

// Innermost first: chain_49 .. chain_0, main, then wasi-libc's start-up
// code; names from the name section, qualified by the module's name.
void expect_chain(const std::vector<std::string>& f) {
  ASSERT_GE(f.size(), 52u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(f[i], "big.wasm!chain_" + std::to_string(49 - i)) << "frame " << i;
  EXPECT_EQ(f[50], "big.wasm!main");
  EXPECT_NE(std::find(f.begin() + 51, f.end(), "big.wasm!_start"), f.end());
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
  expect_chain(frames(r.err));
}

TEST_F(CliTest, BigModuleOutOfBoundsDeepInsidePrintsBacktrace) {
  auto r = run(kBig + " oob");
  EXPECT_EQ(r.status, 134);
  EXPECT_EQ(r.err.rfind("mywasm: trap: out of bounds memory access\n", 0), 0u) << r.err.substr(0, 300);
  expect_chain(frames(r.err));
}

}  // namespace
