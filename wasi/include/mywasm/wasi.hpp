// WASI preview1 (wasi_snapshot_preview1) host layer.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mywasm/mywasm.hpp"

namespace mywasm::wasi {

struct Preopen {
  std::string guest_path;  // as the guest sees it, e.g. "." or "/data"
  std::string host_path;   // directory on the host
  bool readonly = false;
};

struct Config {
  std::vector<std::string> args;  // argv[0] is the program name
  std::vector<std::string> env;   // "NAME=VALUE"
  std::vector<Preopen> preopens;
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;  // host fds for guest fds 0..2
  // Listening TCP sockets handed to the guest as fds 3, 4, ... (before the
  // preopened directories), as "IP:PORT" ("[::1]:PORT" for IPv6).
  std::vector<std::string> tcplisten;
  // Network policy, checked at sock_bind / sock_connect / sock_send_to and
  // sock_getaddrinfo. Entries are "*", an address or CIDR range, with an
  // optional port or port range ("10.0.0.0/8:1-1024", "[fd00::/8]:443");
  // an IPv4-mapped IPv6 address counts as its IPv4 address. A deny match
  // refuses; a non-empty allow list refuses everything it does not match.
  // Network access is allowed by default, as in WasmEdge. A malformed entry
  // makes Context::create fail.
  std::vector<std::string> net_allow, net_deny;
  // Name resolution under a policy that is not allow-by-default (an allow
  // list, or --deny-net *): refused unless this is set.
  bool allow_dns = false;
  // TCP sockets the guest opens, accepts or is handed (--tcplisten) start
  // with TCP_NODELAY set, as Go and Node.js set it: a response written in
  // two sends (head, then body, as hyper writes it) must not wait for the
  // client's delayed ACK. false keeps the kernel's default (Nagle's
  // algorithm on). The guest changes it per socket with sock_setsockopt.
  bool tcp_nodelay = true;
};

// Why --allow-net / --deny-net entries are malformed (one line), or nullopt.
std::optional<std::string> net_policy_error(const std::vector<std::string>& allow,
                                            const std::vector<std::string>& deny);

class ContextImpl;

// One guest's WASI state: fd table, args, env, clocks.
class Context {
 public:
  // Opens the preopened directories; fails with a clear message if one does not exist.
  static Result<std::unique_ptr<Context>> create(Config config);
  ~Context();
  // Defines every wasi_snapshot_preview1 function in the linker.
  void add_to_linker(Store& store, Linker& linker);
  // Defines only the wasi_snapshot_preview1 functions `module` imports (a
  // program imports a few of some 60; each costs a host function in the
  // store): enough to instantiate `module`, as add_to_linker would.
  void add_imports_to_linker(Store& store, Linker& linker, const mywasm::Module& module);
  ContextImpl& impl() { return *impl_; }

 private:
  explicit Context(std::unique_ptr<ContextImpl> impl);
  std::unique_ptr<ContextImpl> impl_;
};

}  // namespace mywasm::wasi
