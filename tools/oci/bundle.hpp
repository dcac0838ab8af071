// An OCI runtime bundle: a directory with config.json and the rootfs it
// names. Only the fields that matter to a Wasm guest are read; the rest of
// config.json is left to the engine that runs it (runc, for non-Wasm bundles).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "guest.hpp"

namespace mywasm::oci {

struct BindMount {
  std::string destination;  // path in the container
  std::string source;       // host directory
  bool readonly = false;
};

struct Bundle {
  std::string dir;     // absolute
  std::string rootfs;  // absolute host path of root.path
  bool rootfs_readonly = false;
  std::vector<std::string> args, env;
  std::string cwd = "/";
  bool terminal = false;
  std::vector<BindMount> binds;             // bind mounts of directories
  std::optional<std::string> netns_path;    // a network namespace to join
  bool new_netns = false;                   // a network namespace without path: a new one
  std::map<std::string, std::string> annotations;
};

// Reads DIR/config.json. Throws Failure on a missing bundle or a malformed
// config (not JSON, wrong types, no process.args).
Bundle load_bundle(const std::string& dir);

// Wasm when the annotations say so (module.wasm.image/variant=compat or
// compat-smart, run.oci.handler=wasm) or the entry point is a Wasm module.
bool is_wasm(const Bundle& bundle);

// Opens the entry point (process.args[0], relative to cwd) inside the
// rootfs. Throws Failure if it is missing or not a Wasm module.
int open_entry_module(const Bundle& bundle);

// The guest that runs the bundle, its module given as an open fd.
GuestSpec guest_of(const Bundle& bundle, int module_fd);

}  // namespace mywasm::oci
