// Shared fixture for tests that drive the mywasm binary as a user does:
// a private temp directory, files written into it, and subprocess runs
// with stdout/stderr captured and the exit status decoded.
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mywasm_test {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mywasm-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  // Runs `mywasm <args>` through the shell with stdout/stderr to files and
  // `stdin_text` on standard input.
  Outcome run(const std::string& args, const std::string& stdin_text = "") {
    return run_shell(std::string(MYWASM_BIN) + " " + args, stdin_text);
  }
  // The same for any shell command.
  Outcome run_shell(const std::string& command, const std::string& stdin_text = "") {
    const fs::path in = write("stdin", stdin_text), out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string cmd = command + " <" + in.string() + " >" + out.string() + " 2>" + err.string();
    const int raw = std::system(cmd.c_str());
    return Outcome{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
  }

  fs::path dir_;
};

inline int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace mywasm_test
