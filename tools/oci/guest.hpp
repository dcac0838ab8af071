// What mywasm needs to start one WASI guest, however the guest was described:
// an OCI bundle's config.json, an image's config, or the command line.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "mywasm/wasi.hpp"

namespace mywasm::oci {

struct GuestSpec {
  std::string module_path;                // the .wasm on the host
  std::vector<std::string> argv;          // argv[0] as the guest sees it
  std::vector<std::string> env;           // NAME=VALUE
  std::vector<wasi::Preopen> preopens;    // the rootfs as "/", bind mounts
};

// Runs a guest to completion in this process and returns its exit status.
// The mywasm program passes its own `run` path (tools/mywasm.cpp), so a
// container's guest runs exactly as `mywasm run` would run it.
using RunGuest = std::function<int(const GuestSpec&)>;

// WASI preview1 has no working directory (wasi-libc starts at "/"): a
// container's cwd reaches the guest as PWD, unless its env sets PWD itself.
void add_working_dir(GuestSpec& guest, const std::string& cwd);

// `base` with each NAME=VALUE of `overrides` replacing the entry of that NAME.
std::vector<std::string> merge_env(std::vector<std::string> base, const std::vector<std::string>& overrides);

}  // namespace mywasm::oci
