#include "x64_abi.hpp"

#include <algorithm>

#include "compiler_common.hpp"

namespace mywasm::jit::x64 {

using namespace asmjit;
using namespace asmjit::x86;

void write_segment_records(ExecRegs* regs, uintptr_t sp, uint32_t as_top) {
  auto* first = reinterpret_cast<CallRecord*>(reinterpret_cast<char*>(regs->records_begin) + regs->segment_base);
  const size_t frames = (regs->segment_sp - sp) / kFrameBytes;
  // (At most record_limit: the frame limit stops the segment there.)
  const size_t written = std::min<size_t>(frames, regs->record_limit - first);
  // (Frame k, k frames below the segment's first, is frames - k frames
  // above the innermost: its rbx, then its return address.)
  for (size_t k = written; k >= 1; --k)
    first[k].return_pc = *reinterpret_cast<const uint64_t* const*>(sp + (frames - k) * kFrameBytes + 8);
  if (as_top) regs->record = first + written;
}

const EntryRoutine& native_entry_routine() {
  static const EntryRoutine routine = []() -> EntryRoutine {
    CodeHolder code;
    if (code.init(Environment::host()) != kErrorOk) return {};
    x86::Assembler a(&code);
    const Mem segment_sp = ctx_field(offsetof(ExecRegs, segment_sp)),
              segment_base = ctx_field(offsetof(ExecRegs, segment_base)),
              frame_limit = ctx_field(offsetof(ExecRegs, frame_limit)), record = ctx_field(offsetof(ExecRegs, record)),
              unwind_sp = ctx_field(offsetof(ExecRegs, unwind_sp));
    const Label unwind = a.newLabel(), leave = a.newLabel();
    a.push(rbp);
    a.mov(rbp, rsp);
    a.push(kCtx);
    a.push(kMem);
    a.push(kMemSize);
    a.push(r15);  // a cache register (RegCache)
    a.push(rbx);  // (the first frame saves it too, but an unwind skips that frame's restore)
    a.mov(kCtx, rsi);
    a.mov(kMem, rax);
    a.mov(kMemSize, r10);
    a.push(segment_sp);
    a.push(segment_base);
    a.push(frame_limit);
    a.push(unwind_sp);
    a.sub(rsp, 8);
    // 10 pushes and 8 bytes after the return address: rsp is 16-byte
    // aligned, and the internal entry's call and frame keep it so.
    a.mov(unwind_sp, rsp);
    a.mov(rax, record);
    a.sub(rax, ctx_field(offsetof(ExecRegs, records_begin)));
    a.mov(segment_base, rax);
    a.lea(rcx, ptr(rsp, -kFrameBytes));  // the first frame's stack pointer (before any saves)
    a.mov(segment_sp, rcx);
    // The frame limit: the frame record_limit - record calls deeper (the
    // first that would push a record at record_limit: kFrameBytes per
    // call, two thirds of a record's size, by an exact division by 3), or
    // sooner where the native stack ends (native_limit).
    a.mov(rax, ctx_field(offsetof(ExecRegs, record_limit)));
    a.sub(rax, record);
    a.add(rax, rax);
    a.mov(r8, imm(uint64_t(0xAAAAAAAAAAAAAAABull)));  // (the inverse of 3 modulo 2^64)
    a.imul(rax, r8);
    a.lea(r8, ptr(rcx, 1));  // (compiled code traps below the limit)
    a.sub(r8, rax);
    a.mov(r9d, 0);
    a.cmovb(r8, r9);  // (below address 0: none)
    a.mov(r9, ctx_field(offsetof(ExecRegs, native_limit)));
    a.cmp(r8, r9);
    a.cmovb(r8, r9);
    a.mov(frame_limit, r8);
    a.call(r11);
    // (r8 and xmm1 hold what the function returned.)
    a.mov(rcx, ctx_field(offsetof(ExecRegs, records_begin)));  // `record` as the caller left it
    a.add(rcx, segment_base);
    a.mov(record, rcx);
    a.xor_(eax, eax);
    a.jmp(leave);
    // A trap (eax: its TrapCode) leaves `record` where it happened.
    a.bind(unwind);
    a.mov(rsp, unwind_sp);
    a.bind(leave);
    a.add(rsp, 8);
    a.pop(unwind_sp);
    a.pop(frame_limit);
    a.pop(segment_base);
    a.pop(segment_sp);
    a.pop(rbx);
    a.pop(r15);
    a.pop(kMemSize);
    a.pop(kMem);
    a.pop(kCtx);
    a.pop(rbp);
    a.ret();
    // A trap leaving the segment at once (the unwind above passes it on to
    // the entry's caller), jumped to from a function's trap exits with the
    // stack as the trap left it: the records of its calls, from that frame
    // out, are written first (write_segment_records), the TrapCode in eax
    // kept in ebx meanwhile (the entry restores its caller's rbx). The
    // fault handler's traps come here too, through the function's
    // out-of-bounds entry. Top: the trap is in the frame at rsp (its
    // record is the innermost); inner: a call out of the segment returned
    // it, with its records above.
    Label exits[2];
    for (bool as_top : {true, false}) {
      exits[as_top] = a.newLabel();
      a.bind(exits[as_top]);
      a.mov(ebx, eax);
      a.mov(rdi, kCtx);
      a.mov(rsi, rsp);
      a.mov(edx, uint32_t(as_top));
      a.mov(rax, imm(reinterpret_cast<void*>(&write_segment_records)));
      a.call(rax);
      a.mov(eax, ebx);
      a.jmp(unwind);
    }
    NativeCode installed;
    const auto* rx = reinterpret_cast<const char*>(install_code(code, installed));
    installed.code = nullptr;  // (kept for the process's lifetime; on failure the space stays unused: this runs once)
    if (!rx) return {};
    return {rx, rx + code.labelOffsetFromBase(unwind), rx + code.labelOffsetFromBase(exits[true]),
            rx + code.labelOffsetFromBase(exits[false])};
  }();
  return routine;
}


void emit_native_stub(FastAssembler& a, const MemoryInstance* memory, const Label& internal,
                      const EntryRoutine& routine) {
  if (memory) {
    a.mov(rax, imm(memory->data));
    a.mov(r10, imm(&memory->size));
  }
  a.lea(r11, ptr(internal));
  a.mov(rcx, imm(routine.entry));
  a.jmp(rcx);
}

void emit_write_record(FastAssembler& a, int32_t below) {
  a.mov(rcx, ctx_field(offsetof(ExecRegs, segment_sp)));
  a.sub(rcx, rsp);
  if (below) a.sub(rcx, imm(below));
  a.lea(rcx, ptr(rcx, rcx, 1));  // (kFrameBytes per record: times 3/2)
  a.shr(rcx, 1);
  a.add(rcx, ctx_field(offsetof(ExecRegs, segment_base)));
  a.add(rcx, ctx_field(offsetof(ExecRegs, records_begin)));
  a.mov(ctx_field(offsetof(ExecRegs, record)), rcx);
}

void emit_trap_exits(FastAssembler& a, const Label& no_stack, const Label& own_trap, const Label& out_of_segment,
                     const FuncInstance& func, const EntryRoutine& routine) {
  // (Every form here is one FastAssembler encodes itself: a function's
  // fixed cost.)
  a.bind(no_stack);
  a.mov(eax, uint32_t(interp::TrapCode::StackExhausted));
  a.xor_(ecx, ecx);
  a.mov(ctx_field(offsetof(ExecRegs, trap_func)), rcx);
  a.mov(rcx, imm(routine.exit_top));
  a.jmp(rcx);
  a.bind(own_trap);
  a.mov(ctx_field(offsetof(ExecRegs, trap_pc)), rcx);
  a.mov(rcx, imm(&func));
  a.mov(ctx_field(offsetof(ExecRegs, trap_func)), rcx);
  a.mov(rcx, imm(routine.exit_top));
  a.jmp(rcx);
  a.bind(out_of_segment);
  a.mov(rcx, imm(routine.exit_inner));
  a.jmp(rcx);
}

void emit_osr_fallbacks(FastAssembler& a, const Label& no_stack, const Label& own_trap) {
  a.mov(eax, uint32_t(interp::TrapCode::Unreachable));
  a.xor_(ecx, ecx);  // (no instruction: the frame reports the function's start)
  a.jmp(own_trap);
  a.bind(no_stack);
  a.mov(eax, uint32_t(interp::TrapCode::StackExhausted));
  a.xor_(ecx, ecx);
  a.jmp(own_trap);
}

void emit_trap_stubs(FastAssembler& a, const TrapSites& sites, const Label& own_trap) {
  for (auto& [code, label] : sites.entries()) {
    a.bind(label);
    a.mov(eax, uint32_t(code));
    a.jmp(own_trap);
  }
  for (const auto& [key, t] : sites.stubs()) {
    a.bind(t.stub);
    a.lea(rcx, ptr(t.site));
    a.jmp(t.entry);
  }
}

}  // namespace mywasm::jit::x64
