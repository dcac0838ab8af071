// The state behind mywasm::wasi::Context: configuration and the fd table.
#pragma once
#include <string>
#include <vector>

#include "fd_table.hpp"
#include "net.hpp"
#include "mywasm/wasi.hpp"

namespace mywasm::wasi {

class ContextImpl {
 public:
  ContextImpl(Config config, NetPolicy net) : config_(std::move(config)), net_(std::move(net)) {}

  const std::vector<std::string>& args() const { return config_.args; }
  const std::vector<std::string>& env() const { return config_.env; }
  FdTable& fds() { return fds_; }
  const NetPolicy& net_policy() const { return net_; }
  bool tcp_nodelay() const { return config_.tcp_nodelay; }

 private:
  Config config_;
  NetPolicy net_;
  FdTable fds_;
};

}  // namespace mywasm::wasi
