// The one error type of the OCI layer: a one-line message and the exit
// status the command ends with.
#pragma once
#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace mywasm::oci {

constexpr int kExitFailed = 1;  // the operation failed (as runc: bad bundle, unknown container, ...)
constexpr int kExitUsage = 2;   // wrong use of the command line

struct Failure : std::runtime_error {
  int status;
  explicit Failure(const std::string& message, int exit_status = kExitFailed)
      : std::runtime_error(message), status(exit_status) {}
};

template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Failure(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace mywasm::oci
