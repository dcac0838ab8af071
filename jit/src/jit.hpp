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
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "interp/code.hpp"
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
  // Copies of the instructions compiled code hands to the interpreter or a
  // helper (each followed by Halt, for run_instruction): nothing refers to
  // the translation once compiled.
  std::vector<uint64_t> stubs;
  int fault_handle = -1;        // its entry in the fault handler's registry (fault_handler.hpp)
  // x86-64: the function saves callee-saved registers besides rbx (in its
  // save slots, CompiledFunc::save_base).
  bool frame_saves = false;
  // Made by the lean compiler (x64_lean_compiler.hpp), in its frame layout.
  bool lean = false;
  // x86-64 full compiler's code: the internal form of its on-stack-
  // replacement entry (OsrEntry's, which the native entry routine calls:
  // rdi the frame, edx the loop), where lean code jumps from a loop header
  // (lean_loop_hot).
  const void* osr_internal = nullptr;
  // The lean code this code replaced (Config::JitCompiler::Both): kept for
  // the function's life, as frames may still run in it (its entry jumps
  // here now, see install_upgrade).
  std::unique_ptr<NativeCode> replaced;
  // Where the code is in the module, for a trap's frames. code_origins: by
  // byte offset in `code`, the places a trap can report (trap sites, memory
  // accesses that may fault, the calls whose return address a call record
  // holds), merged per wasm instruction. stub_origins: by word index in
  // `stubs`, each stub's instruction.
  std::vector<CompiledFunc::Origin> code_origins, stub_origins;
  // The direct calls to callees not compiled yet when this code was: each
  // calls through an 8-byte cell at byte `cell` of `code`, which first holds
  // the address of a stub that looks the callee's entry up on each call;
  // bind_late_calls points it at the callee's code once it has some (plus
  // `skip`: its internal entry).
  struct LateCall {
    uint32_t cell;
    int32_t skip;
    FuncInstance* callee;
  };
  std::vector<LateCall> late_calls;
  // The module offset of the instruction at `at` (a byte of the native
  // code, of its stubs or of the translation it was compiled from).
  std::optional<uint32_t> module_offset(const void* at) const;
  ~NativeCode();
};

// The function whose native code holds `pc` (a native return address in a
// call record), or null when `pc` is in no compiled code.
FuncInstance* function_at(const void* pc);

// Whether this host can run compiled code (x86-64 with SSE4.1, or AArch64;
// and an executable mapping that is never writable at the same time). The
// first call sets the compiler up (CPU detection, a probe of the code
// mapping): made at the first compile, not at start-up.
bool available();

// Whether the CPU can run compiled code, from what the C library already
// knows (no probe, no set-up): what a memory made before any compile plans
// its bounds checks by. available() may still say no later.
bool may_compile();

// Whether available() has run in this process (for tests: a run that never
// gets hot never sets the compiler up).
bool probed();

// What this host's backend keeps. The AArch64 backend's code points into
// the plain translation it was made from, which is then kept for the code's
// life; the x86-64 backend keeps only its frame layout.
bool keeps_plain_translation();

// Compiles `func` (wasm-defined, its instance complete) and sets its
// native_entry. When its interpreter code is a plain translation it is
// shared, else a plain translation is made for the compiler and dropped
// after: what is kept of it is its frame layout (CompiledFunc::layout_only),
// as NativeCode::own_source, or as func.compiled when the function had no
// interpreter code (Config::Tier::Jit compiles before the first call). False
// when the function cannot be compiled: it stays in the interpreter.
bool compile(StoreImpl& store, FuncInstance& func);

// Compiles each of `funcs` (wasm-defined, their instance complete, none
// running or being compiled elsewhere) with jit::compile, spread over up to
// `threads` threads including the caller's (each with its own buffers),
// then binds their late calls (NativeCode::late_calls: the calls among
// them compiled before their callees; none of this code runs yet);
// returns how many have native code after.
size_t compile_all(StoreImpl& store, const std::vector<FuncInstance*>& funcs, unsigned threads);

// Releases the compiled code of a store's functions (being destroyed:
// none runs), checking the code memory once for all of them rather than
// once each (two system calls per function).
void release_all_code(std::vector<std::unique_ptr<FuncInstance>>& funcs);

// Lean code's way to the full compiler's code (Config::JitCompiler::Both).
// The state of a function's request (FuncInstance::upgrade_state).
enum class UpgradeState : uint8_t { None, Requested, Ready, Failed };
// Makes the full compiler's code for `func` (which runs lean code) into
// func.upgrade and sets its state to Ready (or Failed): on the helper
// thread, or on the thread running it (background_compile off). Installed
// by the thread that runs the store's code (lean_function_hot,
// lean_loop_hot), never while the lean code's entry may be executing.
void compile_upgrade(StoreImpl& store, FuncInstance& func);

// A function's native entry as anyone reads it while another thread (a
// compile_all thread, the background compiler) may be setting it (atomic,
// so that is no data race; the release/acquire pair makes the installed
// code and its bookkeeping, NativeCode, visible with it).
inline NativeEntry entry_of(const FuncInstance& f) {
  return std::atomic_ref<NativeEntry>(const_cast<NativeEntry&>(f.native_entry)).load(std::memory_order_acquire);
}
inline void publish_entry(FuncInstance& f, NativeEntry entry) {
  std::atomic_ref<NativeEntry>(f.native_entry).store(entry, std::memory_order_release);
}

}  // namespace jit
}  // namespace mywasm
