// Out-of-bounds accesses of compiled code to a guarded memory (see
// MemoryInstance::guarded) fault in the memory's guard region instead of
// being checked; so does the read of a compiled frame's last byte that
// does not fit on the value stack (its guard: a stack-exhausted trap).
// The SIGSEGV/SIGBUS handler installed here turns a fault at a pc inside
// registered compiled code into that function's "out of bounds memory
// access" trap, by resuming at its trap stub with the faulting pc in rcx
// (the faulting instruction's function has all its registers and its
// stack frame as at any trap), or a fault in the value stack's guard into
// its no-stack trap. Faults anywhere else go to the handler installed
// before.
#pragma once
#include <cstdint>

namespace mywasm::jit {

// Installs the handler once per process; false if it cannot be.
bool install_fault_handler();

// Registers [start, end) as compiled code whose faults resume at `stub`
// (rcx: the faulting pc; 0: none), and whose faults in the running
// thread's value-stack guard (ExecContext::kValueStackGuardBytes: a frame
// that does not fit) resume at `stack_stub` (0: none).
// Returns a handle for unregister_code, or -1 when the registry is full
// (the caller then compiles explicit checks).
int register_code(uintptr_t start, uintptr_t end, uintptr_t stub, uintptr_t stack_stub = 0);
void unregister_code(int handle);

}  // namespace mywasm::jit
