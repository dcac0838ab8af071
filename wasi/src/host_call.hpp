// How a WASI function is written: a handler receives the call (context,
// checked guest memory, raw arguments) and either returns normally (errno 0)
// or throws WasiError. context.cpp defines every handler into the linker.
#pragma once
#include <cerrno>
#include <cstdint>
#include <optional>
#include <span>

#include "context_impl.hpp"
#include "errno.hpp"
#include "guest_memory.hpp"
#include "mywasm/mywasm.hpp"

namespace mywasm::wasi {

struct HostCall {
  ContextImpl& ctx;
  const GuestMemory& mem;
  std::span<const Value> args;
  std::optional<Trap> trap;  // set by proc_exit to end the guest
  // An error returned without unwinding, for results that are routine on
  // hot paths (EAGAIN from a drained non-blocking socket, EINPROGRESS):
  // a thrown WasiError costs microseconds, as much as the system call.
  Errno status = Errno::Success;

  uint32_t u32(size_t i) const { return static_cast<uint32_t>(args[i].i32()); }
  uint64_t u64(size_t i) const { return static_cast<uint64_t>(args[i].i64()); }
  std::string_view path_arg(size_t ptr_index) const { return mem.string(u32(ptr_index), u32(ptr_index + 1)); }
  // Makes the current host errno the call's result (see `status`).
  void return_host_errno() { status = from_host_errno(errno); }
};

using Handler = void (*)(HostCall&);

struct FunctionSpec {
  const char* name;
  const char* params;  // one letter per parameter: 'i' = i32, 'I' = i64
  Handler handler;
  bool returns_errno = true;  // false only for proc_exit
};

// Each function group lists its functions (one file per group).
std::span<const FunctionSpec> args_env_functions();
std::span<const FunctionSpec> clock_random_functions();
std::span<const FunctionSpec> fd_functions();
std::span<const FunctionSpec> path_functions();
std::span<const FunctionSpec> poll_functions();
std::span<const FunctionSpec> proc_functions();
std::span<const FunctionSpec> sock_functions();

}  // namespace mywasm::wasi
