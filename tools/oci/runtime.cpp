// The runc command line: global options, verb dispatch, the runtime's log,
// and delegation of non-Wasm containers to the real runc.
#include "runtime.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "containers.hpp"
#include "failure.hpp"
#include "state.hpp"

namespace mywasm::oci {

namespace fs = std::filesystem;

namespace {

const std::set<std::string> kOwnVerbs = {"create", "start", "state", "kill", "delete", "ps", "features"};
// Verbs runc has that Wasm containers do not: passed on for runc's containers.
const std::set<std::string> kRuncOnlyVerbs = {"exec", "pause", "resume", "update", "events", "checkpoint", "restore"};
const std::set<std::string> kGlobalsWithValue = {"--root", "--log", "--log-format", "--criu", "--rootless", "--runc"};
const std::set<std::string> kGlobalFlags = {"--debug", "--systemd-cgroup"};

bool is_verb(const std::string& word) { return kOwnVerbs.count(word) || kRuncOnlyVerbs.count(word); }

std::string option_name(const std::string& arg) { return arg.substr(0, arg.find('=')); }

CommandLine parse_global_options(const std::vector<std::string>& args) {
  CommandLine cl;
  size_t i = 0;
  for (; i < args.size() && args[i].rfind("-", 0) == 0; ++i) {
    const std::string& arg = args[i];
    const std::string name = option_name(arg);
    if (kGlobalFlags.count(name)) {
      if (name == "--systemd-cgroup") cl.systemd_cgroup = true;
      cl.runc_args.push_back(arg);
      continue;
    }
    if (!kGlobalsWithValue.count(name)) throw Failure(fmt::format("unknown global option '{}'", arg), kExitUsage);
    std::string value;
    const bool inline_value = arg.size() > name.size();
    if (inline_value)
      value = arg.substr(name.size() + 1);
    else if (i + 1 < args.size())
      value = args[i + 1];
    else
      throw Failure(fmt::format("option {} needs a value", name), kExitUsage);
    if (name != "--runc") {  // ours alone: runc never sees it
      cl.runc_args.push_back(arg);
      if (!inline_value) cl.runc_args.push_back(value);
    }
    if (!inline_value) ++i;
    if (name == "--root") cl.root = value;
    if (name == "--log") cl.log_file = value;
    if (name == "--log-format") {
      if (value != "text" && value != "json") throw Failure("--log-format must be text or json", kExitUsage);
      cl.log_json = value == "json";
    }
    if (name == "--runc") cl.runc = value;
  }
  if (i == args.size()) throw Failure("no command given (create, start, state, kill, delete, ps, features)", kExitUsage);
  cl.verb = args[i];
  cl.verb_args.assign(args.begin() + i + 1, args.end());
  cl.runc_args.insert(cl.runc_args.end(), args.begin() + i, args.end());
  return cl;
}

// The error goes to stderr and, with --log, to the log in runc's format:
// the runc shim reports the last "error" line of its log.json.
void log_error(const CommandLine& cl, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "mywasm: %s\n", message.c_str());
  std::fflush(stderr);
  if (cl.log_file.empty()) return;
  std::ofstream log(cl.log_file, std::ios::app);
  if (cl.log_json)
    log << nlohmann::json{{"level", "error"}, {"msg", message}, {"time", rfc3339_now()}}.dump() << "\n";
  else
    log << fmt::format("time=\"{}\" level=error msg=\"{}\"\n", rfc3339_now(), message);
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

// The real runc: never this program, installed under runc's name.
std::string find_runc(const CommandLine& cl) {
  if (!cl.runc.empty()) return cl.runc;
  if (const char* env = std::getenv("MYWASM_RUNC"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "runc";
    if (::access(candidate.c_str(), X_OK) == 0 && !same_file(candidate, "/proc/self/exe")) return candidate;
    start = end + 1;
  }
  fail("this is not a Wasm container, and no runc was found on PATH to run it (--runc PATH)");
}

}  // namespace

int delegate_to_runc(const CommandLine& cl) {
  const std::string runc = find_runc(cl);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(runc.c_str()));
  for (const std::string& a : cl.runc_args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  ::execv(runc.c_str(), argv.data());
  fail("cannot run runc '{}': {}", runc, std::strerror(errno));
}

bool is_runtime_command(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string name = option_name(args[i]);
    if (kGlobalFlags.count(name)) continue;
    if (kGlobalsWithValue.count(name)) {
      if (name == args[i]) ++i;
      continue;
    }
    // A runc global option first, or a verb after them.
    return i > 0 || is_verb(args[i]);
  }
  return !args.empty();
}

int runtime_main(const std::vector<std::string>& args, const RunGuest& run_guest) {
  CommandLine cl;
  try {
    cl = parse_global_options(args);
    if (kRuncOnlyVerbs.count(cl.verb)) return runc_only_verb(cl);
    if (!kOwnVerbs.count(cl.verb)) throw Failure(fmt::format("unknown command '{}'", cl.verb), kExitUsage);
    return run_verb(cl, run_guest);
  } catch (const Failure& e) {
    log_error(cl, e.what());
    return e.status;
  } catch (const std::exception& e) {
    log_error(cl, e.what());
    return kExitFailed;
  }
}

}  // namespace mywasm::oci
