// What the container's process sets up before its guest starts: the
// terminal handed over through the console socket, the network namespace,
// and no descriptors but its own.
#pragma once
#include <optional>
#include <set>
#include <string>

namespace mywasm::oci {

// Opens a pseudo-terminal and sends its master to the unix socket at
// `socket_path` as runc does (SCM_RIGHTS, the terminal's name as data).
// Returns the slave side, to become the guest's stdio. Throws Failure.
int open_console(const std::string& socket_path);

// Makes `tty` this process's stdin, stdout, stderr and controlling terminal.
void use_terminal(int tty);

// Joins the network namespace at `path`, or with `create_new` enters a new
// one with its loopback up (as runc brings it up). Throws Failure.
void enter_network_namespace(const std::optional<std::string>& path, bool create_new);

// Closes every descriptor above stderr except those in `keep`.
void close_other_fds(const std::set<int>& keep);

}  // namespace mywasm::oci
