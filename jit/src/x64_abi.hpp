// What every x86-64 compiler's code shares: the pinned registers, the
// frame each compiled call takes on the native stack, the two entries of a
// function and the one routine behind every native entry (see
// x64_compiler.cpp's opening comment for the whole calling convention).
#pragma once
#include <asmjit/x86.h>

#include <cstddef>
#include <cstdint>

#include "runtime/exec_context.hpp"

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
};
const EntryRoutine& native_entry_routine();

}  // namespace mywasm::jit::x64
