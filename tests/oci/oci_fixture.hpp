// Shared by the OCI tests: bundles written into a private directory, and
// the mywasm binary driven as a container runtime, with this test process
// as the child subreaper (as containerd's shim is), so it reaps the
// container's process and sees its exit status.
#pragma once
#include <sys/prctl.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "../cli/cli_fixture.hpp"

namespace mywasm_test {

inline std::string program(const std::string& name) { return std::string(MYWASM_PROGRAMS_DIR) + "/" + name + ".wasm"; }

class OciTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    root_ = dir_ / "state";
  }
  void TearDown() override {
    for (int pid : started_) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
    CliTest::TearDown();
  }

  // A bundle NAME with rootfs/ holding `files` (path in rootfs -> host file)
  // and config.json from `config` (root.path "rootfs" added).
  fs::path bundle(const std::string& name, const std::map<std::string, std::string>& files, nlohmann::json config) {
    const fs::path b = dir_ / name;
    fs::create_directories(b / "rootfs");
    for (const auto& [in_root, host] : files) fs::copy_file(host, b / "rootfs" / in_root);
    if (!config.contains("root")) config["root"] = {{"path", "rootfs"}};
    std::ofstream(b / "config.json") << config.dump(2);
    return b;
  }

  static nlohmann::json process(std::vector<std::string> args, std::vector<std::string> env = {},
                                std::string cwd = "/") {
    return {{"process", {{"args", args}, {"env", env}, {"cwd", cwd}}}};
  }

  // `mywasm --root ROOT <args>`; the container's stdio is that of the
  // create command: stdout goes to dir_/guest.out.
  Outcome runtime(const std::string& args) { return run("--root " + root_.string() + " " + args); }
  Outcome create(const fs::path& bundle, const std::string& id, const std::string& extra = "") {
    const fs::path pid_file = dir_ / (id + ".pid");
    const std::string cmd = std::string(MYWASM_BIN) + " --root " + root_.string() + " create --bundle " +
                            bundle.string() + " --pid-file " + pid_file.string() + " " + extra + " " + id +
                            " </dev/null >>" + (dir_ / "guest.out").string() + " 2>" + (dir_ / "create.err").string();
    const int raw = std::system(cmd.c_str());
    Outcome o{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, "", slurp(dir_ / "create.err")};
    if (o.status == 0) started_.push_back(std::stoi(slurp(pid_file)));
    return o;
  }
  int pid_of(const std::string& id) { return std::stoi(slurp(dir_ / (id + ".pid"))); }
  nlohmann::json state(const std::string& id) { return nlohmann::json::parse(runtime("state " + id).out); }
  std::string guest_output() { return slurp(dir_ / "guest.out"); }

  // Reaps the container's process: its exit status, or 128+signal. One
  // still running after 30 s is killed and counts as a failure (-1).
  int wait_exit(int pid) {
    int raw = 0;
    pid_t got = 0;
    for (int i = 0; i < 3000 && (got = ::waitpid(pid, &raw, WNOHANG)) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (got == 0) ::kill(pid, SIGKILL), ::waitpid(pid, &raw, 0);
    started_.erase(std::remove(started_.begin(), started_.end(), pid), started_.end());
    if (got != pid) return -1;
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  }
  // Waits (at most 10 s) until the guest's output holds `text`.
  bool wait_output(const std::string& text) {
    for (int i = 0; i < 1000; ++i) {
      if (guest_output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  fs::path root_;
  std::vector<int> started_;
};

}  // namespace mywasm_test
