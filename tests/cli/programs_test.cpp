// Real C and Rust programs (tests/programs/, built from source at build
// time) run under `mywasm run` with WASI, checked on their exact output.
#include <regex>

#include "cli_fixture.hpp"

namespace {

using namespace mywasm_test;

std::string program(const std::string& name) { return std::string(MYWASM_PROGRAMS_DIR) + "/" + name + ".wasm"; }

TEST_F(CliTest, RustHelloPrintsChineseGreeting) {
  auto r = run(program("hello"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "你好,Docker+Wasm!\n");
}

TEST_F(CliTest, RustDemoUsesRandomStdioEnvArgsAndFiles) {
  const std::string host_dir = dir_.string();
  auto r = run("run --dir .:" + host_dir + " --env GREETING=hi --env EMPTY= " + program("wasi_demo") + " first 'second arg'",
               "echo this\n");
  ASSERT_EQ(r.status, 0) << r.err;
  std::regex expected(
      "Random number: [0-9]+\n"
      "Random bytes: \\[([0-9]+, ){7}[0-9]+\\]\n"
      "Echo: echo this\n"
      "Env: EMPTY=\n"
      "Env: GREETING=hi\n"
      "Arg 1: first\n"
      "Arg 2: second arg\n"
      "File content is This is in a file\n"
      "File exists after delete: false\n");
  EXPECT_TRUE(std::regex_match(r.out, expected)) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "tmp.txt"));
}

TEST_F(CliTest, RustTickerSleepsBetweenLines) {
  // The ticker never ends: stop it after 2.5 s. Lines come at 0 s, 1 s and
  // 2 s, so 3 lines (2 on a loaded machine whose start-up took >0.5 s);
  // a ticker that does not sleep prints thousands.
  const fs::path out = dir_ / "ticker.out";
  const std::string cmd = "timeout -s KILL 2.5 " + std::string(MYWASM_BIN) + " " + program("ticker") + " >" + out.string();
  std::system(cmd.c_str());
  const std::string text = slurp(out);
  const int lines = count_lines(text);
  EXPECT_TRUE(lines == 2 || lines == 3) << text.substr(0, 200);
  std::string expected;
  for (int i = 0; i < lines; ++i) expected += "Hello, World!\n";
  EXPECT_EQ(text, expected);
}

TEST_F(CliTest, CFilesAndDirectories) {
  auto r = run("run --dir .:" + dir_.string() + " " + program("files"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "read: line one\nline two\n"
            "after seek: one\n"
            "size: 18, regular: 1\n"
            "entry: b.txt\n"
            "entry: c.txt\n"
            "missing: ENOENT\n"
            "cleaned up: 1\n");
}

TEST_F(CliTest, CClocksAndStdinWithExitCode) {
  auto r = run(program("clocks_stdin"), "one\ntwo\nthree\n");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.out,
            "realtime after 2020: 1\n"
            "monotonic resolution positive: 1\n"
            "slept at least 20ms: 1\n"
            "stdin: 3 lines, 14 bytes\n");
}

}  // namespace
