// Real C and Rust programs (tests/programs/, built from source at build
// time) run under `mywasm run` with WASI, checked on their exact output.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <vector>

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

// The ticker prints a line a second, forever: its first three lines are
// read as they come, timed from the first (so a slow start-up on a loaded
// machine does not count), and it is killed then. A ticker that does not
// sleep prints its lines microseconds apart; one that sleeps too long, or
// blocks its output, misses the upper bound.
TEST_F(CliTest, RustTickerSleepsBetweenLines) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const std::string bin = MYWASM_BIN, path = program("ticker");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    alarm(20);  // (ends the child whatever happens to the test)
    execl(bin.c_str(), bin.c_str(), path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::FILE* lines = fdopen(out[0], "r");
  ASSERT_NE(lines, nullptr);
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> when;
  char line[64];
  while (when.size() < 3 && std::fgets(line, sizeof line, lines)) {
    when.push_back(Clock::now());
    EXPECT_STREQ(line, "Hello, World!\n");
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  std::fclose(lines);
  ASSERT_EQ(when.size(), 3u);
  for (size_t k = 1; k < when.size(); ++k) {
    const double gap = std::chrono::duration<double>(when[k] - when[k - 1]).count();
    EXPECT_GE(gap, 0.9) << "line " << k;
    EXPECT_LE(gap, 2.0) << "line " << k;
  }
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
