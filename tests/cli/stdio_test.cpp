// Issue 13, item 6: stdio and output. mywasm with its stdio closed, full or
// a broken pipe, and names from a module that carry control characters:
// each ends with its documented exit status, never SIGPIPE or an abort.
#include "cli_fixture.hpp"

namespace {

using namespace mywasm_test;

std::string program(const std::string& name) { return std::string(MYWASM_PROGRAMS_DIR) + "/" + name + ".wasm"; }

// Runs a shell command line (bash, for PIPESTATUS); returns its stdout.
std::string shell(const std::string& line) {
  const std::string cmd = "bash -c '" + line + "' 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST_F(CliTest, ClosedStdioIsNeverTakenByAFileTheGuestOpens) {
  const std::string cmd = std::string(MYWASM_BIN) + " run --dir /work:" + dir_.string() + " " +
                          program("stdio_lines") + " files /work >&- 2>&-";
  const int raw = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 0);
  EXPECT_EQ(slurp(dir_ / "a.txt"), "file");  // not "meant for stdout"
  EXPECT_EQ(slurp(dir_ / "b.txt"), "file");
}

TEST_F(CliTest, BrokenPipeReachesTheGuestAsEpipe) {
  // The guest's stdout is a pipe whose reader (head) leaves after one line:
  // mywasm is not killed by SIGPIPE (141); the guest sees EPIPE and exits 3.
  std::string out = shell(std::string(MYWASM_BIN) + " run " + program("stdio_lines") +
                          " lines 100000 | head -1; echo \"status ${PIPESTATUS[0]}\"");
  EXPECT_NE(out.find("line 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Broken pipe"), std::string::npos) << out;
  EXPECT_NE(out.find("status 3"), std::string::npos) << out;
}

TEST_F(CliTest, ErrorsWithStderrClosedOrFullKeepTheirStatus) {
  for (const char* redirect : {"2>&-", "2>/dev/full"}) {
    std::string cmd = std::string(MYWASM_BIN) + " run " + (dir_ / "missing.wasm").string() + " " + redirect;
    int raw = std::system(cmd.c_str());
    EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 2) << redirect;  // cannot read: usage, not an abort
    auto m = write("t.wat", R"((module (func (export "t") unreachable)))");
    cmd = std::string(MYWASM_BIN) + " run --invoke t " + m.string() + " " + redirect;
    raw = std::system(cmd.c_str());
    EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 134) << redirect;  // the trap's own status
  }
}

TEST_F(CliTest, InvokeResultsThatCannotBeWrittenAreAnError) {
  auto m = write("f.wat", R"((module (func (export "f") (result i32) (i32.const 42))))");
  auto r = run("run --invoke f " + m.string());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "42\n");
  const std::string cmd = std::string(MYWASM_BIN) + " run --invoke f " + m.string() + " >/dev/full 2>" +
                          (dir_ / "err").string();
  const int raw = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 74);
  EXPECT_NE(slurp(dir_ / "err").find("cannot write the results to stdout: No space left on device"), std::string::npos)
      << slurp(dir_ / "err");
}

TEST_F(CliTest, ControlCharactersInNamesAreEscaped) {
  // An export name with ESC, CR and LF (a function name in a backtrace, and
  // the name in "no exported function").
  auto m = write("evil.wat", R"((module (func (export "ev\1b[31mil\0d\0aforged line") unreachable)))");
  auto r = run("run --invoke \"$(printf 'ev\\033[31mil\\r\\nforged line')\" " + m.string());
  EXPECT_EQ(r.status, 134) << r.err;
  EXPECT_NE(r.err.find("ev\\x1b[31mil\\x0d\\x0aforged line"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(count_lines(r.err), 2) << r.err;  // the trap line and one backtrace frame
  auto missing = run("run --invoke \"$(printf 'x\\033[2J')\" " + m.string());
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no exported function 'x\\x1b[2J'"), std::string::npos) << missing.err;
}

TEST_F(CliTest, LongNamesInABacktraceAreCut) {
  // A function named by 2,000 bytes (an export name stands in for the
  // name section's): its backtrace frame shows the first 512 and the size.
  const std::string name(2000, 'n');
  auto m = write("long.wat", "(module (func (export \"" + name + "\") unreachable))");
  auto r = run("run --invoke " + name + " " + m.string());
  EXPECT_EQ(r.status, 134) << r.err;
  EXPECT_NE(r.err.find("  0: " + std::string(512, 'n') + "...(2000 bytes) @ 0x"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 700u) << r.err;
}

}  // namespace
