// The state behind mywasm::wasi::Context: configuration and the fd table.
#pragma once
#include <string>
#include <vector>

#include "fd_table.hpp"
#include "mywasm/wasi.hpp"

namespace mywasm::wasi {

class ContextImpl {
 public:
  explicit ContextImpl(Config config) : config_(std::move(config)) {}

  const std::vector<std::string>& args() const { return config_.args; }
  const std::vector<std::string>& env() const { return config_.env; }
  FdTable& fds() { return fds_; }

 private:
  Config config_;
  FdTable fds_;
};

}  // namespace mywasm::wasi
