// proc_exit, proc_raise, sched_yield.
#include <sched.h>

#include "host_call.hpp"

namespace mywasm::wasi {
namespace {

void proc_exit(HostCall& c) {
  Trap trap;
  trap.kind = Trap::Kind::Exit;
  trap.exit_code = static_cast<int>(c.u32(0));
  trap.message = "exit with code " + std::to_string(trap.exit_code);
  c.trap = std::move(trap);
}

// Raising signals in the host process is not something a sandbox offers.
void proc_raise(HostCall&) { fail(Errno::NoSys); }

void sched_yield(HostCall&) { ::sched_yield(); }

constexpr FunctionSpec kFunctions[] = {
    {"proc_exit", "i", proc_exit, /*returns_errno=*/false},
    {"proc_raise", "i", proc_raise},
    {"sched_yield", "", sched_yield},
};

}  // namespace

std::span<const FunctionSpec> proc_functions() { return kFunctions; }

}  // namespace mywasm::wasi
