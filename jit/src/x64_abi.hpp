// What every x86-64 compiler's code shares: the pinned registers, the
// frame each compiled call takes on the native stack, the two entries of a
// function and the one routine behind every native entry (see
// x64_compiler.cpp's opening comment for the whole calling convention).
#pragma once
#include <asmjit/x86.h>

#include <cstddef>
#include <cstdint>

#include "compiler_common.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/store.hpp"
#include "x64_fast_assembler.hpp"

namespace mywasm::jit::x64 {

inline const asmjit::x86::Gp kFp = asmjit::x86::rbx;
inline const asmjit::x86::Gp kCtx = asmjit::x86::r12;
inline const asmjit::x86::Gp kMem = asmjit::x86::r13;
inline const asmjit::x86::Gp kMemSize = asmjit::x86::r14;
// Where a function's internal entry is, from its native entry (see
// X64Compiler::prologue).
constexpr uint32_t kInternalEntryOffset = 64;

inline asmjit::x86::Mem ctx_field(size_t offset) { return asmjit::x86::qword_ptr(kCtx, int32_t(offset)); }

// Every compiled frame takes kFrameBytes of native stack: the return
// address and rbx. (A function that uses r15, rbp or r14 saves them in its
// value-stack frame, CompiledFunc::save_base, not here.) A call within a
// segment (ExecRegs::segment_sp) pushes no record: the frame k frames
// deeper than the segment's first has its stack pointer k * kFrameBytes
// below segment_sp and its record is segment_base + k, the byte offset from
// segment_sp times 3/2.
constexpr int32_t kFrameBytes = 16;
static_assert(2 * sizeof(CallRecord) == 3 * kFrameBytes);

// The records of the calls between the frames of the running segment, down
// to the frame whose stack pointer is `sp`, written where the calls would
// have pushed them: each is the return address its callee's frame holds.
// `as_top`: `record` becomes the innermost frame's (a trap in compiled
// code); otherwise it is left above (the interpreter's or a nested
// segment's records, which a trap there left). Called only as a trap
// leaves a segment: before then nothing reads them.
void write_segment_records(ExecRegs* regs, uintptr_t sp, uint32_t as_top);

// The shared code of every native entry (NativeEntry, OsrEntry): `entry`
// saves rbx and r12-r15 (and rbp), sets the context register (from rsi)
// and the memory registers (r13 := rax, r14 := r10, as the function's stub
// loaded them), starts a segment (see ExecRegs::segment_sp), calls the
// internal entry in r11 with rdi (and edx) as they came, and puts the
// enclosing segment back, returning 0 in eax. A trap anywhere in the
// segment jumps to `unwind` with its TrapCode in eax (its records
// written): it drops the segment's frames at once, so that calls within
// the segment return no status to test. The entry's caller pushed the
// record of this call. Null when no code memory can be had.
struct EntryRoutine {
  const void* entry = nullptr;
  const void* unwind = nullptr;
  // Where a function's trap exits go (see emit_trap_exits): a trap in the
  // frame at rsp, and one a call out of the segment returned.
  const void* exit_top = nullptr;
  const void* exit_inner = nullptr;
};
const EntryRoutine& native_entry_routine();

// The code both x86-64 compilers emit for every function alike.
//
// A native entry's stub: the function's memory registers' values (rax:
// memory 0's base, r10: the address of its size; none without a memory)
// and its internal entry (r11), for `routine`, which does the rest.
void emit_native_stub(FastAssembler& a, const MemoryInstance* memory, const asmjit::Label& internal,
                      const EntryRoutine& routine);
// ExecRegs::record := the record of the frame whose stack pointer is rsp +
// `below` (its call into it), for code outside the segment called next
// (which pushes records above it, reads the call depth or takes a
// backtrace). Uses rcx.
void emit_write_record(FastAssembler& a, int32_t below = 0);
// The function's trap exits, bound to the three labels: `no_stack` (its
// entry found no stack for its frame: the trap is its caller's, at the
// call), `own_trap` (eax: the TrapCode of a trap in `func`, rcx: an
// address in the trapping instruction's code, 0 for none) and
// `out_of_segment` (eax: the TrapCode a call out of the segment returned,
// with its records above). Each goes on in the routine's exits, which
// write the segment's records (write_segment_records) and unwind.
void emit_trap_exits(FastAssembler& a, const asmjit::Label& no_stack, const asmjit::Label& own_trap,
                     const asmjit::Label& out_of_segment, const FuncInstance& func, const EntryRoutine& routine);
// The end of an on-stack-replacement entry, after its jumps to the loops:
// a loop number it does not know traps as unreachable, and `no_stack`
// (bound here: the native stack is short) as call stack exhausted, both
// the function's own traps at no instruction (it runs already, in the
// interpreter).
void emit_osr_fallbacks(FastAssembler& a, const asmjit::Label& no_stack, const asmjit::Label& own_trap);
// The trap entries (eax := code, then own_trap) and the stubs (rcx := the
// jump's address, then the entry) of `sites`, after the function's code.
void emit_trap_stubs(FastAssembler& a, const TrapSites& sites, const asmjit::Label& own_trap);

}  // namespace mywasm::jit::x64
