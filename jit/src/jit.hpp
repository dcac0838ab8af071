// The baseline compiler (tier 1): what the rest of the engine sees of it.
//
// A function is compiled from its plain (unfused) translation, the
// interpreter's register-style code of interp/code.hpp, so both tiers share
// one walk of the body, one frame layout and one calling convention: a
// frame is a run of 8-byte slots on the ExecContext's value stack, the
// caller's arguments are the callee's first slots, results come back in
// place. Compiled code keeps the frame pointer, the execution context and
// the instance's memory in pinned registers (see x64_compiler.cpp).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/store.hpp"

namespace mywasm {

namespace jit {

// What a compiled function owns: its native code, and the plain
// translation it was compiled from when that is not the function's own
// interpreter code (instructions without an inline form run from there).
// Enters compiled code at the header of loop `loop` (its index in
// CompiledFunc::loops) with the frame in the plain translation's layout
// (on-stack replacement); returns as a call of the function does.
using OsrEntry = uint32_t (*)(uint64_t* fp, ExecRegs* ctx, uint32_t loop);

struct NativeCode {
  void* code = nullptr;  // executable mapping (released on destruction)
  size_t size = 0;
  OsrEntry osr_entry = nullptr;
  const CompiledFunc* source = nullptr;  // what it was compiled from (its frame layout)
  std::unique_ptr<CompiledFunc> own_source;
  std::vector<uint64_t> stubs;  // single instructions + Halt, for run_instruction
  int fault_handle = -1;        // its entry in the fault handler's registry (fault_handler.hpp)
  ~NativeCode();
};

// Whether this host can run compiled code (x86-64 with SSE4.1, or AArch64;
// and an executable mapping that is never writable at the same time).
bool available();

// Compiles `func` (wasm-defined, its instance complete) and sets its
// native_entry. When its interpreter code is a plain translation it is
// shared, else a plain translation is made for the compiler. False when
// the function cannot be compiled: it stays in the interpreter.
bool compile(StoreImpl& store, FuncInstance& func);

}  // namespace jit
}  // namespace mywasm
