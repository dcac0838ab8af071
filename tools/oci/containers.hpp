// The runtime verbs on Wasm containers (create, start, state, kill, delete,
// ps, features), between the command line (runtime.cpp) and the state store.
#pragma once
#include <string>
#include <vector>

#include "guest.hpp"

namespace mywasm::oci {

// A runc command line split into its parts.
struct CommandLine {
  std::string root = "/run/runc";  // runc's default, so both keep state in one place
  std::string log_file;
  bool log_json = false;
  bool systemd_cgroup = false;  // accepted; Wasm containers get no cgroup of their own
  std::string runc;             // --runc PATH
  std::string verb;
  std::vector<std::string> verb_args;
  std::vector<std::string> runc_args;  // everything but --runc: what runc is given
};

int run_verb(const CommandLine& cl, const RunGuest& run_guest);
// exec, pause, update, ...: runc's containers only.
int runc_only_verb(const CommandLine& cl);
// Replaces this process with the real runc and the same arguments; throws
// Failure if runc cannot be found or started.
[[noreturn]] int delegate_to_runc(const CommandLine& cl);

}  // namespace mywasm::oci
