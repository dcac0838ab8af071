// mywasm as an OCI runtime: runc's command interface, so containerd's runc
// shim (containerd-shim-runc-v2), podman and CRI runtimes drive it as they
// drive runc:
//
//   mywasm [--root DIR] [--log FILE] [--log-format text|json] [--systemd-cgroup]
//          [--runc PATH] VERB ...
//   VERB: create --bundle DIR [--pid-file F] [--console-socket SOCK] ID
//         start ID | state ID | kill [--all] ID [SIGNAL] | delete [--force] ID
//         ps [--format json] ID | features
//
// Wasm bundles run here; every other bundle, and every verb of a container
// created that way, goes unchanged to the real runc (--runc PATH, else
// $MYWASM_RUNC, else runc on PATH).
//
// Exit status: 0 done; 1 the operation failed (bad bundle, unknown
// container, wrong state); 2 wrong use of the command line.
#pragma once
#include <string>
#include <vector>

#include "guest.hpp"

namespace mywasm::oci {

// Whether `args` (the words after the program name) is a runtime command:
// runc's global options, then one of the verbs above.
bool is_runtime_command(const std::vector<std::string>& args);

int runtime_main(const std::vector<std::string>& args, const RunGuest& run_guest);

}  // namespace mywasm::oci
