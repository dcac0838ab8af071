// What the x86-64 and AArch64 backends share: the walk that splits a plain
// translation into instructions and finds its branch targets and loops,
// the helpers compiled code calls for instructions it runs out of line, the
// scalar-access table, and installing finished code in executable memory.
#pragma once
#include <asmjit/core.h>

#include <cstdint>
#include <map>
#include <functional>
#include <optional>
#include <span>
#include <sys/uio.h>
#include <vector>

#include "interp/code.hpp"
#include "jit.hpp"

namespace mywasm::jit {

// Space for `size` bytes of code: its executable address (rx) and, where
// code is written through one (AArch64), a writable mapping of the same
// memory (rw; else null: write_code writes it). False when none can be had.
bool alloc_code(size_t size, void** rx, void** rw);
// Writes code at `rx` (space from alloc_code without a writable mapping):
// `size` bytes, or the pieces back to back.
bool write_code(void* rx, const void* data, size_t size);
bool write_code(void* rx, std::span<const iovec> pieces);
void release_code(void* rx);
// Undoes a compile attempt that failed (the code buffer was short, the
// fault handler's registry full) before the next: its code released and
// every output it left cleared. (A late call left behind once pointed the
// next, smaller attempt's cell write into another function's code.)
void discard_attempt(NativeCode& out);
// For tests: while on, writing compiled code fails (as in host memory
// short; x86-64's code memory only).
void fail_code_writes_for_tests(bool on);
// For tests: the allocations of compiled code live now, and the checks of
// the code memory's memfd made so far (x86-64's code memory; 0 elsewhere).
size_t live_code_for_tests();
size_t code_memory_checks_for_tests();

// What compiled code calls for an instruction it runs out of line: the
// store, this thread's context, the instruction's words, the running
// function and its frame; returns a TrapCode (0: go on).
using InstructionHelper = uint32_t (*)(StoreImpl* store, ExecRegs* regs, const uint64_t* instr, FuncInstance* cur,
                                       uint64_t* fp);
// The instruction runs in the interpreter (interp::run_instruction).
uint32_t run_instruction_helper(StoreImpl* store, ExecRegs* regs, const uint64_t* instr, FuncInstance* cur,
                                uint64_t* fp);

// What lean code calls when its countdown to the full compiler's code
// (FuncInstance::upgrade_countdown) runs out (Config::JitCompiler::Both):
// at its entry, the full code's internal entry to jump to instead (the
// frame pointer still in rdi) or null to go on; at the header of its loop
// `loop` (every value in its home slot), the full code's internal OSR
// entry (NativeCode::osr_internal) with the frame's temporaries already
// moved to its layout, or null. Either asks for the full code first, and
// installs it once made.
const void* lean_function_hot(StoreImpl* store, FuncInstance* func);
const void* lean_loop_hot(StoreImpl* store, ExecRegs* regs, uint32_t loop, FuncInstance* func, uint64_t* fp);

// Records the first assembler error (none is expected: every operand form
// used exists; a branch out of range in a huge function is one, and the
// function then stays in the interpreter).
struct RecordingErrorHandler : asmjit::ErrorHandler {
  asmjit::Error first = asmjit::kErrorOk;
  void handleError(asmjit::Error err, const char*, asmjit::BaseEmitter*) override {
    if (first == asmjit::kErrorOk) first = err;
  }
};

// The scalar loads and stores and their access size, from the semantics
// table the interpreter's handlers use (interp/numeric.hpp's MemSem).
struct ScalarAccess {
  bool load = false, store = false;
  uint8_t bytes = 0;
};
const ScalarAccess& scalar_access(Opcode op);

// One instruction of the plain translation.
struct ScannedInstr {
  size_t index;  // word index in the code
  const interp::HandlerInfo* info;
  unsigned words;
  const uint64_t* stub = nullptr;  // its copy for run_instruction, where it runs there
};

// A function's plain translation split into instructions, with what a
// single pass needs to know ahead.
struct FunctionScan {
  std::vector<ScannedInstr> instrs;
  std::vector<size_t> targets;       // branch targets and loop headers (sorted, distinct)
  std::map<size_t, size_t> loop_end;  // loop header -> index of the last branch back to it
  // The type of each param and declared local, at its first slot.
  std::vector<std::optional<ValType>> local_type;
};

bool is_call(const ScannedInstr& in);
// Whether both backends compile this internal instruction inline (the
// others run through run_instruction: table, bulk-memory and v128 moves).
bool compiles_inline(interp::Internal h);

// Scans `src` (the plain translation of `func`). Instructions for which
// `out_of_line(in)` holds get a stub in `out.stubs` (the instruction, a
// ReloadMemory that follows it, then Halt) for run_instruction, and its
// module offset in `out.stub_origins`; the buffer never moves afterwards.
// False when the code holds a form no backend compiles (fused forms).
template <class OutOfLine>
bool scan_function(const FuncInstance& func, const CompiledFunc& src, OutOfLine&& out_of_line, NativeCode& out,
                   FunctionScan& scan);

// Notes in `origins` (NativeCode::code_origins) that native code from
// `position` on is the wasm instruction's at `module_offset`: one entry per
// run of code of one instruction (an entry that covered no code is dropped).
// (Inline: compilers call it for most instructions.)
inline void note_code_origin(std::vector<CompiledFunc::Origin>& origins, uint32_t position, uint32_t module_offset) {
  if (!origins.empty() && origins.back().module_offset == module_offset) return;
  if (!origins.empty() && origins.back().position == position) origins.pop_back();
  origins.push_back({position, module_offset});
}

// The labels of a function's trap paths: one stub per instruction and trap
// (it hands the address of the jump to it, its site, to the function's
// shared trap path) and one entry per trap code (it hands over the code).
// Each backend emits the entries and the stubs after the function's code,
// in its own instructions.
class TrapSites {
  using TrapCode = interp::TrapCode;

 public:
  struct Stub {
    asmjit::Label stub, site, entry;
  };
  // The stub of trap `code` at instruction `index` (a code index), if made.
  const Stub* find(size_t index, TrapCode code) const {
    const auto it = stubs_.find({index, code});
    return it == stubs_.end() ? nullptr : &it->second;
  }
  // A new stub of trap `code` for instruction `index`, its site bound
  // where the assembler is (the jump to the stub comes next).
  const Stub& add(asmjit::BaseEmitter& a, size_t index, TrapCode code) {
    const Stub s{a.newLabel(), a.newLabel(), entry(a, code)};
    a.bind(s.site);
    return stubs_.emplace(std::make_pair(index, code), s).first->second;
  }
  // The entry of trap `code`.
  asmjit::Label entry(asmjit::BaseEmitter& a, TrapCode code) {
    const auto [it, added] = entries_.try_emplace(code);
    if (added) it->second = a.newLabel();
    return it->second;
  }
  const std::map<TrapCode, asmjit::Label>& entries() const { return entries_; }
  const std::map<std::pair<size_t, TrapCode>, Stub>& stubs() const { return stubs_; }

 private:
  std::map<TrapCode, asmjit::Label> entries_;
  std::map<std::pair<size_t, TrapCode>, Stub> stubs_;
};

// Copies the finished code of `code` to executable memory (through its
// writable alias, or write_code where there is none; then the instruction
// cache made coherent over the executable range) and records it in `out`;
// its entry, or null. `patch`, when given, is called with the code's
// address once it is known, before the copy: it may still change the
// code's bytes (absolute addresses it holds as offsets), or refuse the
// address (false: null returned, nothing written).
using CodePatch = std::function<bool(asmjit::CodeHolder& code, uint64_t base)>;
NativeEntry install_code(asmjit::CodeHolder& code, NativeCode& out, const CodePatch* patch = nullptr);

// install_code, then the OSR entry at `osr_offset` and, for code that
// relies on guard pages (`oob_offset`: its out-of-bounds trap stub;
// `stack_offset`: where a frame that does not fit on the value stack goes,
// see ExecContext::kValueStackGuardBytes), its range in the fault
// handler's registry; `registered` false when that is full (the caller
// compiles again with explicit checks).
NativeEntry finish_code(asmjit::CodeHolder& code, NativeCode& out, uint64_t osr_offset,
                        std::optional<uint64_t> oob_offset, bool& registered,
                        std::optional<uint64_t> stack_offset = std::nullopt, const CodePatch* patch = nullptr);

// Compiles with guard pages (Compiler(..., use_guard=true, extra...)), and
// again with explicit checks when the fault handler's registry was full.
template <class Compiler, class... Extra>
NativeEntry compile_guarded_else_explicit(StoreImpl& store, FuncInstance& func, const CompiledFunc& source,
                                          NativeCode& out, Extra... extra) {
  Compiler guarded(store, func, source, out, /*use_guard=*/true, extra...);
  if (NativeEntry entry = guarded.compile()) return entry;
  if (guarded.registered()) return nullptr;
  discard_attempt(out);
  return Compiler(store, func, source, out, /*use_guard=*/false, extra...).compile();
}

// An instance's memory 0 (its cached pointer, else the store's entry),
// or null when it has none: what compiled code's memory registers hold.
inline MemoryInstance* memory0_of(const StoreImpl& store, const InstanceImpl& inst) {
  return inst.memory0 ? inst.memory0 : (inst.memories.empty() ? nullptr : store.memories[inst.memories[0]].get());
}

// Whether std::vector keeps [begin, end, capacity] pointers, as inline
// call_indirect reads a table's elements and the store's functions.
bool vector_layout_known();
template <class T, class M>
int32_t offset_in(const T& object, const M& member) {
  return int32_t(reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(&object));
}

// ------------------------------------------------------------ implementation
namespace detail {
bool split_instructions(const CompiledFunc& src, FunctionScan& scan);
void find_loops_and_locals(const FuncInstance& func, const CompiledFunc& src, FunctionScan& scan);
void make_stubs(const CompiledFunc& src, const std::vector<bool>& out_of_line, NativeCode& out, FunctionScan& scan);
}  // namespace detail

template <class OutOfLine>
bool scan_function(const FuncInstance& func, const CompiledFunc& src, OutOfLine&& out_of_line, NativeCode& out,
                   FunctionScan& scan) {
  if (!detail::split_instructions(src, scan)) return false;
  detail::find_loops_and_locals(func, src, scan);
  std::vector<bool> runs_there(scan.instrs.size());
  for (size_t k = 0; k < scan.instrs.size(); ++k) runs_there[k] = out_of_line(scan.instrs[k]);
  detail::make_stubs(src, runs_there, out, scan);
  return true;
}

}  // namespace mywasm::jit
