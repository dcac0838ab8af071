// The lean x86-64 compiler: one pass over a function's wasm body, in
// Liftoff's model, for compile speed (issue 12: the full compiler,
// x64_compiler.cpp, translates the body to the interpreter's code first and
// spends ~180 ns per wasm instruction; this one aims at a quarter of that).
//
// The abstract value stack: each entry is in its home frame slot, in a
// register (general ones for integers and references, xmm ones for
// f32/f64), a constant, a local not read yet, or (the top only) a compare
// result still in the flags. Instructions take their operands where they
// are (registers, immediates, frame slots as memory operands) and leave
// their result in a register. Everything goes to its home slot at block
// and loop entries, at merges and at calls, so that all paths into a label
// agree: a value below the current block's height is always in its slot.
// A compare the next br_if, if or select consumes branches on the flags.
//
// The frame keeps the interpreter's shape, [params][locals][temporaries],
// with no constants (they are immediates here) and no save slots (no
// callee-saved register is used): temporary k (the k-th value of the
// operand stack, from its bottom) is slot params + locals + k. The entries,
// calls among compiled functions, traps, backtraces and the fault handler
// are the full compiler's (x64_abi.hpp, compiler_common.hpp): code of
// either compiler calls code of the other directly.
//
// What it does not compile inline runs in the interpreter on the same
// frame (run_instruction on a copy of the instruction's plain translation,
// NativeCode::stubs): float min/max/copysign, unsigned and trapping
// conversions, table and bulk memory instructions, calls to host functions
// and other instances (and to functions of its own instance while they
// have no code). It gives up on a function (the full compiler takes it)
// with a v128 and under fuel counting. Memory accesses go unchecked on a
// memory with guard pages (a fault becomes the trap), else are checked.
// On-stack replacement enters it at loop headers (osr_entry).
#include "x64_lean_compiler.hpp"

#include <asmjit/x86.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "compiler_common.hpp"
#include "decoder.hpp"
#include "fault_handler.hpp"
#include "interp/code.hpp"
#include "interp/numeric.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/module_impl.hpp"
#include "x64_abi.hpp"
#include "x64_compiler.hpp"
#include "x64_fast_assembler.hpp"

namespace mywasm::jit {
namespace {

using namespace asmjit;
using namespace asmjit::x86;
using namespace x64;
using interp::Internal;
using interp::TrapCode;

// Where a value of the abstract stack is.
enum class Loc : uint8_t {
  Slot,   // its home slot
  Reg,    // a register of the pool (an i32 zero-extended)
  Imm,    // a constant (bits)
  Local,  // still the local it was read from (its slot)
  Flags,  // an i32 compare result: condition `cc` holds (the top entry only)
};

struct Val {
  ValType type;
  Loc loc;
  uint8_t reg = 0;
  CondCode cc = CondCode::kE;
  uint32_t local = 0;
  uint64_t imm = 0;
};

bool is64(ValType t) { return t != ValType::I32 && t != ValType::F32; }

// The registers values are kept in: all caller-saved, so a call (which
// spills every value first) keeps nothing. r11 is the scratch register of
// moves between memory operands, never a value's.
constexpr uint32_t kPoolMask = (1u << 0) | (1u << 1) | (1u << 2) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 9) |
                               (1u << 10);  // rax rcx rdx rsi rdi r8 r9 r10
constexpr uint8_t kRax = 0, kRcx = 1, kRdx = 2;
const Gp kScratch = r11;
// xmm0-xmm14 hold f32/f64 values; xmm15 is scratch.
constexpr uint32_t kXmmPoolMask = 0x7FFF;
const Xmm kXmmScratch = xmm15;

// A branch target of the body (a block's end, a loop's header, an if's
// false path, ...), by index: its code offset once bound, and the jumps
// waiting for it. (An asmjit label costs an allocation and a lookup at each
// jump; a body has thousands of targets.)
constexpr uint32_t kNone = UINT32_MAX;
struct Target {
  size_t offset = SIZE_MAX;
  uint32_t waiting = kNone;  // first of its Waits
};
// A 4-byte field that becomes target - base once the target is bound (a
// jump's displacement, base its end; a jump table's entry, base the table).
struct Wait {
  size_t field, base;
  uint32_t next;
};

// A control frame.
struct Ctrl {
  Opcode kind;       // Block (also the function's own frame), Loop, If, Else
  uint32_t height;   // operand stack size below the block's params
  BlockSignature sig;
  uint32_t label = kNone;       // where a branch to it goes: the end, or a loop's header (a Target)
  uint32_t else_label = kNone;  // If: the false path
  bool reached = false;        // a branch goes to `label` (or the code falls into the end)
  bool live_at_start = false;  // the code at the block's start was reachable
  // A br_if's moves of many values to this label (or the function's
  // return), made once and shared by later br_ifs with those values at
  // the same stack positions, all in their homes (see br_if).
  uint32_t move_stub = kNone;
  size_t move_stub_first = 0;
  uint32_t arity() const { return uint32_t(kind == Opcode::Loop ? sig.params.size() : sig.results.size()); }
};

// What every compile on a thread reuses (cleared, its memory kept).
struct Scratch {
  static constexpr size_t kFirstBufferSize = size_t(256) << 10;
  CodeHolder code;
  std::unique_ptr<uint8_t[]> buffer{new uint8_t[kFirstBufferSize]};
  size_t buffer_size = kFirstBufferSize;
  std::vector<Val> stack;
  std::vector<Ctrl> ctrls;
  std::vector<CompiledFunc::Origin> origins;
  std::vector<std::pair<size_t, size_t>> stub_refs;  // (code offset after a stub's movabs, its word index)
  std::vector<uint64_t> stubs;  // NativeCode::stubs and stub_origins as made (copied once, at the end)
  std::vector<CompiledFunc::Origin> stub_origins;
  std::vector<ValType> local_types;  // params, then declared locals
  std::vector<Target> targets;
  std::vector<Wait> waits;
  std::vector<uint32_t> stub_of_depth;  // br_table's
  // Each loop of the body, in order: its on-stack-replacement target and
  // the values live there. The interpreter's translation lists the same
  // loops in the same order (CompiledFunc::loops): OSR maps them by
  // position.
  std::vector<std::pair<uint32_t, uint32_t>> loops;
  // Config::JitCompiler::Both: each loop's way out when its countdown runs
  // out (a Target), by the loop's number (it goes on at the loop's OSR
  // target).
  struct HotLoop {
    uint32_t hot, loop;
  };
  std::vector<HotLoop> hot_loops;
  Instr in;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

std::atomic<bool> g_calls_out_of_reach_for_tests{false};

class LeanCompiler {
 public:
  LeanCompiler(StoreImpl& store, FuncInstance& func, NativeCode& out, bool far_calls)
      : far_calls_(far_calls),
        store_(store),
        func_(func),
        out_(out),
        inst_(*func.instance),
        module_(func.instance->module->module),
        body_(module_.bodies[func.func_index - module_.num_imported_funcs]),
        s_(scratch()),
        stack_(s_.stack),
        ctrls_(s_.ctrls) {
    memi_ = memory0_of(store, inst_);
    const auto& f = CpuInfo::host().features().x86();
    has_lzcnt_ = f.hasLZCNT();
    has_tzcnt_ = f.hasBMI();
    has_popcnt_ = f.hasPOPCNT();
    stack_.clear();
    ctrls_.clear();
    s_.origins.clear();
    s_.stub_refs.clear();
    s_.stubs.clear();
    s_.stub_origins.clear();
    s_.targets.clear();
    s_.waits.clear();
    s_.loops.clear();
    s_.hot_loops.clear();
  }

  bool buffer_short() const { return errors_.first == kErrorTooLarge; }
  bool calls_out_of_reach() const { return calls_out_of_reach_; }
  bool registered() const { return registered_; }
  static bool grow_buffer(size_t at_least) {
    Scratch& s = scratch();
    if (s.buffer_size >= (size_t(1) << 30)) return false;
    size_t size = std::max(s.buffer_size * 2, Scratch::kFirstBufferSize);
    while (size < at_least && size < (size_t(1) << 30)) size *= 2;
    s.buffer_size = 0;
    s.buffer.reset();
    s.buffer.reset(new uint8_t[size]);
    s.buffer_size = size;
    return true;
  }

  NativeEntry compile(std::unique_ptr<CompiledFunc>& layout) {
    const Config& config = store_.engine.config();
    if (config.consume_fuel) return nullptr;
    counts_steps_ = config.step_limit != 0;
    upgrades_ = config.jit_compiler == Config::JitCompiler::Both;
    interruptible_ = config.interruptible;
    // A guarded memory's accesses go unchecked (a fault past its size
    // becomes the trap); any other is checked against its size (r14 holds
    // the size's address, see x64_abi.hpp).
    guarded_ = memi_ && memi_->guarded() && install_fault_handler();
    const FuncType& type = *func_.type;
    for (ValType t : type.params)
      if (t == ValType::V128) return nullptr;
    for (ValType t : type.results)
      if (t == ValType::V128) return nullptr;
    num_params_ = uint32_t(type.params.size());
    num_locals_ = body_.num_locals();
    bool v128_local = false;
    body_.for_each_local([&](ValType t) { v128_local |= t == ValType::V128; });
    if (v128_local) return nullptr;
    temp_base_ = num_params_ + num_locals_;
    s_.local_types.assign(type.params.begin(), type.params.end());
    body_.for_each_local([&](ValType t) { s_.local_types.push_back(t); });
    entry_routine_ = &native_entry_routine();
    if (!entry_routine_->entry) return nullptr;

    CodeHolder& code = s_.code;
    code.reset(ResetPolicy::kSoft);
    if (code.init(Environment::host()) != kErrorOk) return nullptr;
    code.setErrorHandler(&errors_);
    use_fixed_buffer(code, s_.buffer.get(), s_.buffer_size);
    FastAssembler a(&code);
    a_ = &a;
    own_trap_ = a.newLabel();
    trap_out_of_segment_ = a.newLabel();
    no_stack_ = a.newLabel();
    prologue();
    if (errors_.first != kErrorOk || code.labelOffsetFromBase(internal_) != kInternalEntryOffset) return nullptr;
    if (!walk()) return nullptr;
    emit_upgrade_paths();
    for (const Target& t : s_.targets)
      if (t.waiting != kNone) return nullptr;  // (a jump to a target never bound: not expected)
    emit_routines();
    // The interpreter's on-stack replacement into this code: only where
    // the interpreter ran the function first (Tier::Tiered), into a loop.
    const bool osr_wanted = func_.compiled && !s_.loops.empty();
    const size_t osr = a.offset();
    if (osr_wanted) osr_entry();
    epilogue();
    emit_trap_stubs();
    if (errors_.first != kErrorOk || !a.resolve_label_jumps()) return nullptr;
    patch_frame_size();
    patch_stub_addresses();
    out_.code_origins.assign(s_.origins.begin(), s_.origins.end());
    std::optional<uint64_t> oob;
    if (oob_.isValid()) oob = code.labelOffsetFromBase(oob_);
    // Direct calls get their displacements once the code's address is
    // known (a callee out of reach: compiled again with far calls).
    const CodePatch patch = [&](CodeHolder& holder, uint64_t base) {
      calls_out_of_reach_ = g_calls_out_of_reach_for_tests.load(std::memory_order_relaxed) ||
                            !a.resolve_abs_calls(holder.textSection()->buffer().data(), base);
      return !calls_out_of_reach_;
    };
    NativeEntry entry = finish_code(code, out_, osr, oob, registered_, std::nullopt, far_calls_ ? nullptr : &patch);
    if (!entry) return nullptr;
    if (!osr_wanted) out_.osr_entry = nullptr;
    layout = std::make_unique<CompiledFunc>();
    layout->num_params = num_params_;
    layout->num_locals = num_locals_;
    layout->num_results = uint32_t(type.results.size());
    layout->save_base = layout->const_base = layout->temp_base = temp_base_;
    layout->init_base = num_params_;
    layout->frame_slots = frame_slots();
    for (const auto& [target, live] : s_.loops) layout->loops.push_back({0, live});
    return entry;
  }

 private:
  // ------------------------------------------------------------ frame
  uint32_t frame_slots() const {
    return std::max({temp_base_ + max_stack_, num_params_, uint32_t(func_.type->results.size())});
  }
  Mem slot(uint32_t i) const { return qword_ptr(kFp, int32_t(i * 8)); }
  Mem slot_of(uint32_t i, ValType t) const { return is64(t) ? qword_ptr(kFp, int32_t(i * 8)) : dword_ptr(kFp, int32_t(i * 8)); }
  uint32_t home(size_t k) const { return temp_base_ + uint32_t(k); }
  // General register `id` from or to slot i (`wide`: all 8 bytes; else
  // the low 4, a load zero-extending).
  void slot_load(uint8_t id, uint32_t i, bool wide) { a_->mov_disp(false, id, wide ? 8 : 4, kFp.id(), int32_t(i * 8)); }
  void slot_store(uint32_t i, uint8_t id) { a_->mov_disp(true, id, 8, kFp.id(), int32_t(i * 8)); }

  // The native entry's stub (the memory registers' values and the internal
  // entry, for native_entry_routine), then the internal entry: rbx saved,
  // the frame pointer set, the native and value stacks checked, the
  // declared locals zeroed.
  void prologue() {
    FastAssembler& a = *a_;
    internal_ = a.newLabel();
    emit_native_stub(a, memi_, internal_, *entry_routine_);
    a.align(AlignMode::kCode, kInternalEntryOffset);
    a.bind(internal_);
    if (upgrades_) count_down_at_entry();
    a.push(kFp);
    a.mov(kFp, rdi);
    a.cmp(rsp, ctx_field(offsetof(ExecRegs, frame_limit)));
    a.jb(no_stack_);
    // The frame's size is known at the end: a 32-bit displacement patched
    // then (patch_frame_size).
    a.lea(rax, qword_ptr(kFp, 0x7FFFFF00));
    frame_size_patch_ = a.offset();
    a.cmp(rax, ctx_field(offsetof(ExecRegs, stack_end)));
    a.ja(no_stack_);
    constexpr uint32_t kMinForRepStos = 48;
    if (num_locals_ >= kMinForRepStos) {
      a.lea(rdi, slot(num_params_));
      a.mov(ecx, num_locals_);
      a.xor_(eax, eax);
      a.rep().stosq();
    } else if (num_locals_) {
      a.xor_(eax, eax);
      for (uint32_t k = 0; k < num_locals_; ++k) a.mov(slot(num_params_ + k), rax);
    }
  }

  // ------------------------------------------------------------ upgrade
  // Config::JitCompiler::Both: the function's calls and loop iterations
  // count down FuncInstance::upgrade_countdown; where it runs out, the code
  // asks for the full compiler's (lean_function_hot, lean_loop_hot) and
  // goes there once it is installed. The entry's countdown is the first
  // 14 bytes of the internal entry, which install_upgrade overwrites with
  // a jump to the full code's (mov r11, imm64 and sub dword [r11], 1, as
  // bytes: that exact length).
  void count_down() {
    uint8_t bytes[14] = {0x49, 0xBB, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0x83, 0x2B, 0x01};
    const auto counter = reinterpret_cast<uint64_t>(&func_.upgrade_countdown);
    std::memcpy(bytes + 2, &counter, sizeof counter);
    a_->bytes(bytes, sizeof bytes);
  }
  void count_down_at_entry() {
    count_down();
    entry_hot_ = new_target();
    jcc(CondCode::kS, entry_hot_);
    entry_go_on_ = new_target();
    bind(entry_go_on_);
  }
  // At a loop header, after its step (the loop goes on at its OSR target,
  // bound next).
  void count_down_in_loop() {
    count_down();  // (r11: kScratch)
    const uint32_t hot = new_target();
    jcc(CondCode::kS, hot);
    s_.hot_loops.push_back({hot, uint32_t(s_.loops.size())});
  }
  // The ways out, after the body. At the entry only the frame pointer
  // (rdi) is live; at a loop header no value is in a register, and the
  // frame is handed over whole (the full code returns to this code's
  // caller).
  void emit_upgrade_paths() {
    if (!upgrades_) return;
    FastAssembler& a = *a_;
    bind(entry_hot_);
    a.push(rdi);  // (and the stack 16-byte aligned for the call)
    a.mov(rdi, imm(&store_));
    a.mov(rsi, imm(&func_));
    a.mov(rax, imm(reinterpret_cast<void*>(&lean_function_hot)));
    a.call(rax);
    a.pop(rdi);
    a.test(rax, rax);
    jcc(CondCode::kE, entry_go_on_);
    a.jmp(rax);
    for (const Scratch::HotLoop& h : s_.hot_loops) {
      bind(h.hot);
      a.mov(edx, imm(h.loop));
      a.call(loop_hot_routine());
      a.test(rax, rax);
      jcc(CondCode::kE, s_.loops[h.loop].first);
      a.mov(rdi, kFp);
      a.mov(edx, imm(h.loop));
      a.pop(kFp);
      a.jmp(rax);
    }
  }
  // The routine that calls lean_loop_hot for loop edx (called from the
  // body, as interpreter_routine is).
  Label loop_hot_routine() {
    if (!loop_hot_routine_.isValid()) loop_hot_routine_ = a_->newLabel();
    return loop_hot_routine_;
  }

  // A step (Config::step_limit) and the interrupt check
  // (Config::interruptible), as the interpreter's Step: at the function's
  // entry and at loop headers, where no value is in a register.
  void step_check() {
    FastAssembler& a = *a_;
    if (counts_steps_) {
      a.dec(ctx_field(offsetof(ExecRegs, steps_left)));
      a.jz(trap_site(TrapCode::StepLimit));
    }
    if (interruptible_) {
      const uint32_t go_on = new_target();
      a.mov(rax, imm(&store_.interrupt_requested));
      a.cmp(byte_ptr(rax), 0);
      jcc(CondCode::kE, go_on);
      a.mov(byte_ptr(rax), 0);
      a.jmp(trap_site(TrapCode::Interrupted));
      bind(go_on);
    }
  }
  void patch_frame_size() {
    uint8_t* text = s_.code.textSection()->buffer().data();
    const int32_t bytes = int32_t(frame_slots() * 8);
    std::memcpy(text + frame_size_patch_ - 4, &bytes, 4);
  }

  // The on-stack-replacement entry (OsrEntry): the native entry's stub,
  // then an internal entry that takes the live frame (nothing zeroed) and
  // jumps to loop number edx (the caller moved the frame's temporaries to
  // this layout and checked the value stack: enter_compiled_at_loop).
  void osr_entry() {
    FastAssembler& a = *a_;
    const Label internal = a.newLabel(), no_stack = a.newLabel();
    emit_native_stub(a, memi_, internal, *entry_routine_);
    a.bind(internal);
    a.push(kFp);
    a.mov(kFp, rdi);
    a.cmp(rsp, ctx_field(offsetof(ExecRegs, frame_limit)));
    a.jb(no_stack);
    for (size_t k = 0; k < s_.loops.size(); ++k) {
      a.cmp(edx, imm(uint32_t(k)));
      jcc(CondCode::kE, s_.loops[k].first);
    }
    emit_osr_fallbacks(a, no_stack, own_trap_);
  }

  void epilogue() { emit_trap_exits(*a_, no_stack_, own_trap_, trap_out_of_segment_, func_, *entry_routine_); }

  // ------------------------------------------------------------ trap sites
  void mark_site() { note_code_origin(s_.origins, uint32_t(a_->offset()), s_.in.offset); }
  Label trap_site(TrapCode code) {
    if (const TrapSites::Stub* stub = trap_sites_.find(site_index_, code)) return stub->stub;
    mark_site();
    return trap_sites_.add(*a_, site_index_, code).stub;
  }
  void emit_trap_stubs() { x64::emit_trap_stubs(*a_, trap_sites_, own_trap_); }
  // An unchecked access to a guarded memory follows: the function's
  // out-of-bounds entry, where the fault handler resumes (registered with
  // the code; a function without such accesses registers nothing).
  void may_fault() {
    if (guarded_ && !oob_.isValid()) oob_ = trap_sites_.entry(*a_, TrapCode::MemoryOutOfBounds);
  }

  // ------------------------------------------------------------ registers
  static Gp q(uint8_t id) { return gpq(id); }
  static Gp d(uint8_t id) { return gpd(id); }
  static Gp sized(uint8_t id, ValType t) { return is64(t) ? q(id) : d(id); }

  // Registers come in two classes: general ones for integers and
  // references, xmm ones for f32/f64 (a value's type says which).
  static bool in_xmm(ValType t) { return t == ValType::F32 || t == ValType::F64; }
  uint32_t& free_of(bool xmm) { return xmm ? free_xmm_ : free_; }

  // A free register of the class, not in `avoid`; the lowest value in a
  // register of the class is stored to its slot when none is free.
  uint8_t alloc(uint32_t avoid = 0, bool xmm = false) {
    uint32_t& free = free_of(xmm);
    uint32_t avail = free & ~avoid;
    if (!avail) {
      for (size_t k = 0; k < stack_.size(); ++k) {
        const Val& v = stack_[k];
        if (v.loc == Loc::Reg && in_xmm(v.type) == xmm && !(avoid >> v.reg & 1)) {
          spill(k);
          break;
        }
      }
      avail = free & ~avoid;
    }
    const uint8_t id = uint8_t(__builtin_ctz(avail));
    free &= ~(1u << id);
    return id;
  }
  void release(uint8_t id, bool xmm) { free_of(xmm) |= 1u << id; }
  // Frees general register `id` for the instruction's own use: a value in
  // it moves to another register (or its slot).
  void evict(uint8_t id, uint32_t avoid = 0) {
    if (free_ >> id & 1) return;
    for (size_t k = 0; k < stack_.size(); ++k) {
      Val& v = stack_[k];
      if (v.loc != Loc::Reg || v.reg != id || in_xmm(v.type)) continue;
      const uint32_t others = free_ & ~avoid & ~(1u << id);
      if (others) {
        const uint8_t to = uint8_t(__builtin_ctz(others));
        free_ &= ~(1u << to);
        a_->mov(q(to), q(id));
        v.reg = to;
      } else {
        spill(k);
        return;
      }
      break;
    }
    release(id, false);
  }

  // ------------------------------------------------------------ values
  void push(Val v) {
    stack_.push_back(v);
    if (v.loc == Loc::Local) ++local_refs_;
    max_stack_ = std::max(max_stack_, uint32_t(stack_.size()));
  }
  void push_reg(ValType t, uint8_t id) {
    free_of(in_xmm(t)) &= ~(1u << id);
    push(Val{t, Loc::Reg, id});
  }
  void push_slot(ValType t) { push(Val{t, Loc::Slot}); }
  void push_imm(ValType t, uint64_t bits) { push(Val{t, Loc::Imm, 0, CondCode::kE, 0, bits}); }
  // Pops the top; its register (if any) is free again, though its value is
  // still there until the next alloc.
  Val pop() {
    Val v = stack_.back();
    stack_.pop_back();
    if (v.loc == Loc::Reg) release(v.reg, in_xmm(v.type));
    else if (v.loc == Loc::Local) --local_refs_;
    return v;
  }
  void truncate(size_t size) {
    while (stack_.size() > size) pop();
  }

  void move_imm(uint8_t id, ValType t, uint64_t bits) {
    // (Never xor on general registers: a pending compare's flags may be
    // live. xorps leaves the flags.)
    if (in_xmm(t)) {
      if (bits == 0) {
        a_->xorps(xmm(id), xmm(id));
      } else {
        a_->mov(kScratch, imm(bits));
        a_->movq(xmm(id), kScratch);
      }
    } else if (!is64(t) || bits <= 0xFFFFFFFFu) {
      a_->mov(d(id), imm(uint32_t(bits)));
    } else {
      a_->mov(q(id), imm(bits));
    }
  }
  // Value k into register `id` (of its class).
  void load(uint8_t id, size_t k) {
    const Val& v = stack_[k];
    if (in_xmm(v.type)) {
      const bool wide = v.type == ValType::F64;
      switch (v.loc) {
        case Loc::Slot: wide ? a_->movsd(xmm(id), slot(home(k))) : a_->movss(xmm(id), dword_ptr(kFp, int32_t(home(k) * 8))); break;
        case Loc::Local: wide ? a_->movsd(xmm(id), slot(v.local)) : a_->movss(xmm(id), dword_ptr(kFp, int32_t(v.local * 8))); break;
        case Loc::Imm: move_imm(id, v.type, v.imm); break;
        case Loc::Reg: if (v.reg != id) a_->movaps(xmm(id), xmm(v.reg)); break;
        case Loc::Flags: break;
      }
      return;
    }
    switch (v.loc) {
      case Loc::Slot: slot_load(id, home(k), is64(v.type)); break;
      case Loc::Local: slot_load(id, v.local, is64(v.type)); break;
      case Loc::Imm: move_imm(id, v.type, v.imm); break;
      case Loc::Reg: if (v.reg != id) a_->mov(q(id), q(v.reg)); break;
      case Loc::Flags:
        a_->setcc8(v.cc, id);
        a_->movzx(d(id), gpb(id));
        break;
    }
  }
  // Value k into a register of its own, which it keeps.
  uint8_t to_reg(size_t k, uint32_t avoid = 0) {
    const bool x = in_xmm(stack_[k].type);
    if (stack_[k].loc == Loc::Reg && !(avoid >> stack_[k].reg & 1)) return stack_[k].reg;
    const uint8_t id = alloc(avoid, x);
    load(id, k);
    Val& v = stack_[k];
    if (v.loc == Loc::Reg) release(v.reg, x);
    if (v.loc == Loc::Local) --local_refs_;
    v.loc = Loc::Reg;
    v.reg = id;
    return id;
  }
  // Value k (an integer) into general register `id` exactly (evicted first
  // if another value has it).
  void to_specific(size_t k, uint8_t id) {
    Val& v = stack_[k];
    if (v.loc == Loc::Reg && v.reg == id) return;
    evict(id);
    free_ &= ~(1u << id);
    load(id, k);
    if (v.loc == Loc::Reg) release(v.reg, false);
    if (v.loc == Loc::Local) --local_refs_;
    v.loc = Loc::Reg;
    v.reg = id;
  }

  // Stores `bits` of type t to the 8-byte slot at `dst` (an i32 or f32
  // zero-extended, as slots hold them).
  void store_imm(const Mem& dst, ValType t, uint64_t bits) {
    if (!is64(t)) bits &= 0xFFFFFFFFu;
    if (int64_t(bits) == int64_t(int32_t(bits))) {
      a_->mov(dst, imm(int32_t(bits)));
    } else if (bits <= 0xFFFFFFFFu) {
      Mem lo = dst, hi = dst;
      lo.setSize(4);
      hi.setSize(4);
      hi.addOffset(4);
      a_->mov(lo, imm(int32_t(uint32_t(bits))));
      a_->mov(hi, imm(0));
    } else {
      a_->mov(kScratch, imm(bits));
      a_->mov(dst, kScratch);
    }
  }
  // Value k (not in the flags) to slot `dst`; the stack is unchanged.
  void store_to(uint32_t dst, size_t k) {
    const Val& v = stack_[k];
    switch (v.loc) {
      case Loc::Reg:
        if (v.type == ValType::F64) {
          a_->movsd(slot(dst), xmm(v.reg));
        } else if (v.type == ValType::F32) {  // (zero-extended, as slots hold an f32)
          a_->movd(kScratch.r32(), xmm(v.reg));
          a_->mov(slot(dst), kScratch);
        } else {
          slot_store(dst, v.reg);
        }
        break;
      case Loc::Imm: store_imm(slot(dst), v.type, v.imm); break;
      case Loc::Local:
        if (v.local == dst) break;
        slot_load(kScratch.id(), v.local, true);
        slot_store(dst, kScratch.id());
        break;
      case Loc::Slot:
        if (home(k) == dst) break;
        slot_load(kScratch.id(), home(k), true);
        slot_store(dst, kScratch.id());
        break;
      case Loc::Flags:  // (settled before anything stores it)
        break;
    }
  }
  // Value k to its home slot, for good.
  void spill(size_t k) {
    Val& v = stack_[k];
    if (v.loc == Loc::Slot) return;
    if (v.loc == Loc::Flags) to_reg(k);
    store_to(home(k), k);
    if (v.loc == Loc::Reg) release(v.reg, in_xmm(v.type));
    if (v.loc == Loc::Local) --local_refs_;
    v.loc = Loc::Slot;
  }
  void spill_all() {
    for (size_t k = 0; k < stack_.size(); ++k) spill(k);
  }
  // A pending compare on top becomes an i32 in a register (before an
  // instruction that does not consume it, which may change the flags).
  void settle_flags() {
    if (!stack_.empty() && stack_.back().loc == Loc::Flags) to_reg(stack_.size() - 1);
  }
  // The values that still stand for local `index` are read before it is
  // written.
  void detach_local(uint32_t index) {
    if (!local_refs_) return;
    for (size_t k = 0; k < stack_.size(); ++k)
      if (stack_[k].loc == Loc::Local && stack_[k].local == index) spill(k);
  }

  // An operand as an instruction may take it: a register, a memory operand
  // (slot or local), or an immediate where `imm_ok` and it fits.
  Operand operand(size_t k, bool imm_ok, uint32_t avoid = 0) {
    const Val& v = stack_[k];
    switch (v.loc) {
      case Loc::Reg: return sized(v.reg, v.type);
      case Loc::Slot: return slot_of(home(k), v.type);
      case Loc::Local: return slot_of(v.local, v.type);
      case Loc::Imm:
        if (imm_ok && (!is64(v.type) || int64_t(v.imm) == int64_t(int32_t(v.imm)))) return imm(int64_t(int32_t(v.imm)));
        break;
      case Loc::Flags: break;
    }
    return sized(to_reg(k, avoid), v.type);
  }

  // ------------------------------------------------------------ the walk
  bool walk() {
    Reader r(std::span<const uint8_t>(module_.bytes), body_.code_begin, body_.code_end);
    ctrls_.push_back(Ctrl{Opcode::Block, 0, BlockSignature{{}, func_.type->results}, kNone, kNone, false, true});
    Instr& in = s_.in;
    in.offset = body_.code_begin;  // (the entry's step reports the function's first instruction)
    step_check();
    try {
      while (!ctrls_.empty()) {
        read_instr_or_throw(r, in);
        ++site_index_;
        if (unreachable_ && !reachable_again(in.op)) continue;
        // (The commonest instructions, which emit nothing, here.)
        switch (in.op) {
          case Opcode::LocalGet:
            settle_flags();
            push(Val{local_type(in.a), Loc::Local, 0, CondCode::kE, in.a});
            continue;
          case Opcode::I32Const:
            settle_flags();
            push_imm(ValType::I32, uint32_t(in.imm64));
            continue;
          default:
            break;
        }
        if (!step(in)) return false;
        if (errors_.first != kErrorOk) return false;
      }
    } catch (const LoadError&) {
      return false;  // (the body was validated: not expected)
    }
    return true;
  }

  // In unreachable code: whether `op` ends it (the else or end of the
  // block it is in); other instructions are skipped, nested blocks counted.
  bool reachable_again(Opcode op) {
    switch (op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If: ++dead_depth_; return false;
      case Opcode::Else: return dead_depth_ == 0;
      case Opcode::End:
        if (dead_depth_ == 0) return true;
        --dead_depth_;
        return false;
      default: return false;
    }
  }

  bool step(const Instr& in) {
    const Opcode op = in.op;
    switch (op) {
      case Opcode::BrIf: case Opcode::If: case Opcode::Select: case Opcode::SelectT: case Opcode::I32Eqz:
      case Opcode::Drop:
        break;
      default:
        settle_flags();
    }
    switch (op) {
      case Opcode::Nop: return true;
      case Opcode::Unreachable:
        a_->jmp(trap_site(TrapCode::Unreachable));
        set_unreachable();
        return true;
      case Opcode::Block: case Opcode::Loop: case Opcode::If: return enter_block(in);
      case Opcode::Else: return else_(in);
      case Opcode::End: return end();
      case Opcode::Br: br(in.a); return true;
      case Opcode::BrIf: br_if(in.a); return true;
      case Opcode::BrTable: return br_table(in);
      case Opcode::Return: emit_return(); set_unreachable(); return true;
      case Opcode::Call: return call(*store_.funcs[inst_.funcs[in.a]]);
      case Opcode::CallIndirect: return call_indirect(in);
      case Opcode::Drop: pop(); return true;
      case Opcode::Select: case Opcode::SelectT: return select();
      case Opcode::LocalGet: push(Val{local_type(in.a), Loc::Local, 0, CondCode::kE, in.a}); return true;
      case Opcode::LocalSet: local_set(in.a, false); return true;
      case Opcode::LocalTee: local_set(in.a, true); return true;
      case Opcode::GlobalGet: return global_get(in.a);
      case Opcode::GlobalSet: return global_set(in.a);
      case Opcode::I32Const: push_imm(ValType::I32, uint32_t(in.imm64)); return true;
      case Opcode::I64Const: push_imm(ValType::I64, in.imm64); return true;
      case Opcode::F32Const: push_imm(ValType::F32, uint32_t(in.imm64)); return true;
      case Opcode::F64Const: push_imm(ValType::F64, in.imm64); return true;
      case Opcode::RefNull: push_imm(in.ref_type, 0); return true;
      case Opcode::RefFunc:
        push_imm(ValType::FuncRef, reinterpret_cast<uint64_t>(store_.funcs[inst_.funcs[in.a]].get()));
        return true;
      case Opcode::RefIsNull: return eqz(true);
      case Opcode::MemorySize: return memory_size();
      default: break;
    }
    if (std::optional<bool> done = table_or_bulk(in)) return *done;
    const ScalarAccess& access = scalar_access(op);
    if (access.load) return load(op, access, in.imm64);
    if (access.store) return store(op, access, in.imm64);
    return numeric(op);
  }

  ValType local_type(uint32_t index) const { return s_.local_types[index]; }

  // ------------------------------------------------------------ control
  void set_unreachable() {
    truncate(ctrls_.back().height);
    unreachable_ = true;
    dead_depth_ = 0;
  }

  bool enter_block(const Instr& in) {
    const BlockSignature sig = block_signature(module_, in.block_type);
    for (ValType t : sig.params)
      if (t == ValType::V128) return false;
    for (ValType t : sig.results)
      if (t == ValType::V128) return false;
    Val cond{};
    if (in.op == Opcode::If) cond = pop();
    spill_all();
    Ctrl c{in.op, uint32_t(stack_.size() - sig.params.size()), sig, kNone, kNone, false, true};
    if (in.op == Opcode::Loop) {
      a_->align16();
      bind(label_of(c));
      step_check();
      // On-stack replacement enters here, past the step the interpreter
      // has just taken; every value is in its home slot.
      const uint32_t osr = new_target();
      if (upgrades_) count_down_in_loop();
      bind(osr);
      s_.loops.push_back({osr, uint32_t(stack_.size())});
    } else if (in.op == Opcode::If) {
      c.else_label = new_target();
      branch_unless(cond, c.else_label);
    }
    ctrls_.push_back(c);
    return true;
  }

  // Jumps to `target` when the i32 `cond` (popped, its register not yet
  // reused) is zero.
  void branch_unless(const Val& cond, uint32_t target) {
    if (cond.loc == Loc::Imm) {
      if (uint32_t(cond.imm) == 0) jmp(target);
      return;
    }
    jcc(negateCond(test_cond(cond, stack_.size())), target);
  }
  // The condition under which `cond` is non-zero, after a test or compare
  // (Imm: the caller handles constants).
  CondCode test_cond(const Val& cond, size_t position) {
    FastAssembler& a = *a_;
    switch (cond.loc) {
      case Loc::Flags: return cond.cc;
      case Loc::Reg: a.test(d(cond.reg), d(cond.reg)); break;
      case Loc::Local: a.emit(Inst::kIdCmp, dword_ptr(kFp, int32_t(cond.local * 8)), imm(0)); break;
      case Loc::Slot: a.emit(Inst::kIdCmp, dword_ptr(kFp, int32_t(home(position) * 8)), imm(0)); break;
      case Loc::Imm: break;
    }
    return CondCode::kNE;
  }

  bool else_(const Instr&) {
    Ctrl& c = ctrls_.back();
    if (!unreachable_) {
      spill_all();
      jmp(label_of(c));
      c.reached = true;
    }
    bind(c.else_label);
    truncate(c.height);
    for (ValType t : c.sig.params) push_slot(t);
    c.kind = Opcode::Else;
    unreachable_ = !c.live_at_start;
    dead_depth_ = 0;
    return true;
  }

  bool end() {
    Ctrl c = ctrls_.back();
    if (ctrls_.size() == 1) {  // the function's end
      // (A branch to the function's label returns at once: see br.)
      if (!unreachable_) emit_return();
      ctrls_.pop_back();
      return true;
    }
    if (c.kind == Opcode::Loop) {  // nothing joins at a loop's end
      ctrls_.pop_back();
      return true;
    }
    if (!unreachable_) {
      spill_all();
      c.reached = true;
    }
    if (c.kind == Opcode::If) {  // no else: the false path passes the params through
      bind(c.else_label);
      c.reached |= c.live_at_start;
    }
    if (c.label != kNone) bind(c.label);
    ctrls_.pop_back();
    truncate(c.height);
    for (ValType t : c.sig.results) push_slot(t);
    // (Code after an end is compiled even when nothing reaches the end, as
    // the translator does: the loops both list must be the same.)
    unreachable_ = false;
    dead_depth_ = 0;
    return true;
  }

  Ctrl& target(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  // A block's or if's end target, made when the first branch to it needs it.
  uint32_t label_of(Ctrl& c) {
    if (c.label == kNone) c.label = new_target();
    return c.label;
  }

  // ------------------------------------------------------------ targets
  uint32_t new_target() {
    s_.targets.emplace_back();
    return uint32_t(s_.targets.size() - 1);
  }
  void bind(uint32_t t) {
    const size_t here = a_->offset();
    Target& x = s_.targets[t];
    x.offset = here;
    for (uint32_t w = x.waiting; w != kNone; w = s_.waits[w].next)
      a_->patch_rel32(s_.waits[w].field, s_.waits[w].base, here);
    x.waiting = kNone;
  }
  void wait_for(uint32_t t, size_t field, size_t base) {
    Target& x = s_.targets[t];
    s_.waits.push_back({field, base, x.waiting});
    x.waiting = uint32_t(s_.waits.size() - 1);
  }
  void jump(uint8_t short_opcode, uint8_t escape, uint8_t near_opcode, uint32_t t) {
    const size_t field = a_->jump_to(short_opcode, escape, near_opcode, s_.targets[t].offset);
    if (field != 0 && field != SIZE_MAX) wait_for(t, field, field + 4);
  }
  void jmp(uint32_t t) { jump(0xEB, 0, 0xE9, t); }
  void jcc(CondCode cc, uint32_t t) {
    const auto c = uint8_t(uint8_t(cc) & 15);
    jump(uint8_t(0x70 | c), 0x0F, uint8_t(0x80 | c), t);
  }

  // The top `n` values into slots from `to` on (a label's homes), the stack
  // model unchanged (ascending: a value's slot is never below its target).
  void move_top_to(size_t n, uint32_t to) {
    const size_t first = stack_.size() - n;
    for (size_t j = 0; j < n; ++j) store_to(to + uint32_t(j), first + j);
  }
  // The top `n` values into their own homes, for good.
  void spill_top(size_t n) {
    for (size_t k = stack_.size() - n; k < stack_.size(); ++k) spill(k);
  }

  void br(uint32_t depth) {
    jump_to_label(depth);
    set_unreachable();
  }
  // The branch itself: the label's values to its homes and a jump (or the
  // function's return); the stack model unchanged.
  void jump_to_label(uint32_t depth) {
    Ctrl& t = target(depth);
    if (&t == &ctrls_.front()) {
      emit_return();
    } else {
      move_top_to(t.arity(), home(t.height));
      jmp(label_of(t));
      t.reached = true;
    }
  }

  void br_if(uint32_t depth) {
    Val cond = pop();
    const size_t cond_position = stack_.size();
    Ctrl& t = target(depth);
    if (cond.loc == Loc::Imm) {
      // (What follows stays reachable code, as the translator has it: the
      // loops both list must be the same, see osr_entry.)
      if (uint32_t(cond.imm) != 0) jump_to_label(depth);
      return;
    }
    const uint32_t n = t.arity();
    if (&t != &ctrls_.front() && stack_.size() - n == t.height) {
      // The values are where the label wants them: stored, then the branch.
      spill_top(n);
      jcc(test_cond(cond, cond_position), label_of(t));
      t.reached = true;
      return;
    }
    // Many values: stored to their homes (once: later br_ifs find them
    // there), then moved by one stub the label's later br_ifs share, so
    // the code grows with the branches, not branches times values.
    const bool shared = n >= kSharedMovesFrom;
    if (shared) {
      spill_top(n);
      if (t.move_stub != kNone && t.move_stub_first == stack_.size() - n) {
        jcc(test_cond(cond, cond_position), t.move_stub);
        return;
      }
    }
    const uint32_t skip = new_target();
    jcc(negateCond(test_cond(cond, cond_position)), skip);
    if (shared) {
      t.move_stub = new_target();
      t.move_stub_first = stack_.size() - n;
      bind(t.move_stub);
    }
    if (&t == &ctrls_.front()) {
      emit_return();
    } else {
      move_top_to(n, home(t.height));
      jmp(label_of(t));
      t.reached = true;
    }
    bind(skip);
  }
  static constexpr uint32_t kSharedMovesFrom = 8;

  bool br_table(const Instr& in) {
    FastAssembler& a = *a_;
    const size_t index_k = stack_.size() - 1;
    const uint8_t index = to_reg(index_k);
    // Everything else to its home; the index stays in its register (a
    // spill stores, it never allocates).
    for (size_t k = 0; k < index_k; ++k) spill(k);
    pop();
    const size_t n = target(in.targets.back()).arity();
    const size_t count = in.targets.size() - 1;
    // Each target's jump: straight to its label when the values are in
    // place, else through a stub that moves them first (one per depth: a
    // table may name one label 65,520 times).
    std::vector<uint32_t>& stub_of = s_.stub_of_depth;
    stub_of.assign(ctrls_.size(), kNone);
    std::vector<uint32_t> jumps(in.targets.size());
    for (size_t i = 0; i < in.targets.size(); ++i) {
      const uint32_t depth = in.targets[i];
      Ctrl& t = target(depth);
      t.reached = true;
      if (&t != &ctrls_.front() && stack_.size() - n == t.height) {
        jumps[i] = label_of(t);
      } else {
        if (stub_of[depth] == kNone) stub_of[depth] = new_target();
        jumps[i] = stub_of[depth];
      }
    }
    if (count == 0) {
      jmp(jumps[0]);
    } else {
      const Label table = a.newLabel();
      a.cmp(d(index), imm(uint32_t(count)));
      jcc(CondCode::kAE, jumps.back());
      a.lea(kScratch, ptr(table));
      a.movsxd(q(index), dword_ptr(kScratch, q(index), 2));
      a.add(kScratch, q(index));
      a.jmp(kScratch);
      a.align(AlignMode::kData, 4);
      a.bind(table);
      const size_t base = a.offset();
      for (size_t i = 0; i < count; ++i) {
        const size_t field = a.embed_rel32();
        if (field == SIZE_MAX) return false;  // (the buffer is full: compiled again with a larger one)
        const size_t at = s_.targets[jumps[i]].offset;
        if (at != SIZE_MAX) a.patch_rel32(field, base, at);
        else wait_for(jumps[i], field, base);
      }
    }
    for (uint32_t depth = 0; depth < stub_of.size(); ++depth) {
      if (stub_of[depth] == kNone) continue;
      Ctrl& t = target(depth);
      bind(stub_of[depth]);
      if (&t == &ctrls_.front()) {
        emit_return();
      } else {
        move_top_to(n, home(t.height));
        jmp(label_of(t));
      }
    }
    set_unreachable();
    return true;
  }

  // The function's results (the top values) to slots 0.. and the first to
  // its register (r8, or xmm1 for a float: see the full compiler's
  // result_register), then back to the caller; the stack model unchanged.
  void emit_return() {
    FastAssembler& a = *a_;
    const std::vector<ValType>& results = func_.type->results;
    const size_t n = results.size(), first = stack_.size() - n;
    if (n == 1) {
      load_copy(r8, first);
      a.mov(slot(0), r8);
    } else if (n > 1) {
      // A local read by a later result may be overwritten by an earlier
      // one: those go through their homes first.
      for (size_t j = 0; j < n; ++j) {
        const Val& v = stack_[first + j];
        if (v.loc == Loc::Local && v.local < n) store_to(home(first + j), first + j);
      }
      for (size_t j = 0; j < n; ++j) {
        const Val& v = stack_[first + j];
        if (v.loc == Loc::Local && v.local < n) {
          a.mov(kScratch, slot(home(first + j)));
          a.mov(slot(uint32_t(j)), kScratch);
        } else {
          store_to(uint32_t(j), first + j);
        }
      }
      a.mov(r8, slot(0));
    }
    if (n >= 1) {
      if (results[0] == ValType::F32) a.movd(xmm1, r8d);
      else if (results[0] == ValType::F64) a.movq(xmm1, r8);
    }
    a.pop(kFp);
    a.ret();
  }
  // Value k into `r` (not the pool's), the stack model unchanged.
  void load_copy(const Gp& r, size_t k) {
    const Val& v = stack_[k];
    switch (v.loc) {
      case Loc::Reg:
        if (v.type == ValType::F64) a_->movq(r, xmm(v.reg));
        else if (v.type == ValType::F32) a_->movd(r.r32(), xmm(v.reg));
        else a_->mov(r, q(v.reg));
        break;
      case Loc::Slot: a_->mov(r, slot(home(k))); break;
      case Loc::Local: a_->mov(r, slot(v.local)); break;
      case Loc::Imm:
        if (!is64(v.type) || v.imm <= 0xFFFFFFFFu) a_->mov(r.r32(), imm(uint32_t(v.imm)));
        else a_->mov(r, imm(v.imm));
        break;
      case Loc::Flags: break;
    }
  }

  // ------------------------------------------------------------ calls
  // Runs `words` (one instruction of plain translated code, operands in
  // this frame's slots) in the interpreter: a stub in NativeCode::stubs
  // (followed by Halt) for run_instruction. Every value is in its slot
  // (the caller spilled them); no register survives.
  void in_interpreter(std::initializer_list<uint64_t> words) { in_interpreter(std::span<const uint64_t>(words.begin(), words.size())); }
  void in_interpreter(std::span<const uint64_t> words) {
    load_stub_address(words);
    a_->call(interpreter_routine());
  }
  // rdx := the address of a new stub of `words` (patched at the end: see
  // patch_stub_addresses).
  void load_stub_address(std::span<const uint64_t> words) {
    const size_t at = s_.stubs.size();
    s_.stubs.insert(s_.stubs.end(), words.begin(), words.end());
    s_.stubs.push_back(interp::word(interp::internal_handler(Internal::Halt)));
    s_.stub_origins.push_back({uint32_t(at), s_.in.offset});
    a_->mov(rdx, imm(uint64_t(0x7FFFFFFFFFFFFFF0ull)));
    s_.stub_refs.emplace_back(a_->offset(), at);
  }

  // The function's routine that runs the stub at rdx in the interpreter
  // (run_instruction_helper), called from the body (so its stack pointer is
  // the frame's, 8 lower): one copy per function, emitted at the end.
  Label interpreter_routine() {
    if (!interpreter_routine_.isValid()) interpreter_routine_ = a_->newLabel();
    return interpreter_routine_;
  }
  // The routine that calls a function of this instance (rax: its
  // FuncInstance, rdi: its frame) at its internal entry when it has native
  // code, else runs the stub at rdx (the interpreter's Call) as
  // interpreter_routine does. Called from the body, so the callee's frame
  // is the one a direct call makes (it is entered with a jump).
  Label call_routine() {
    if (!call_routine_.isValid()) call_routine_ = a_->newLabel();
    return call_routine_;
  }
  void emit_routines() {
    FastAssembler& a = *a_;
    if (call_routine_.isValid()) {
      a.bind(call_routine_);
      a.mov(r11, qword_ptr(rax, offset_in(func_, func_.native_entry)));
      a.test(r11, r11);
      a.jz(interpreter_routine());
      a.add(r11, imm(int32_t(kInternalEntryOffset)));
      a.jmp(r11);
    }
    if (loop_hot_routine_.isValid()) {
      a.bind(loop_hot_routine_);
      a.sub(rsp, imm(8));  // (16-byte aligned for the helper)
      call_frame_helper(reinterpret_cast<const void*>(&lean_loop_hot));
      a.add(rsp, imm(8));
      a.ret();
    }
    if (!interpreter_routine_.isValid()) return;
    const Label trapped = a.newLabel();
    a.bind(interpreter_routine_);
    a.sub(rsp, imm(8));  // (16-byte aligned for the helper)
    emit_write_record(a, 16);  // (the frame's stack pointer is 16 bytes up)
    call_frame_helper(reinterpret_cast<const void*>(&run_instruction_helper));
    a.add(rsp, imm(8));
    a.test(eax, eax);
    a.jnz(trapped);
    a.ret();
    a.bind(trapped);  // (the frame's stack pointer, as the trap exit wants it)
    a.add(rsp, imm(8));
    a.jmp(trap_out_of_segment_);
  }
  // Calls `helper` (an InstructionHelper's shape: the store, the context,
  // rdx as the caller set it, this function and its frame).
  void call_frame_helper(const void* helper) {
    FastAssembler& a = *a_;
    a.mov(rdi, imm(&store_));
    a.mov(rsi, kCtx);
    a.mov(rcx, imm(&func_));
    a.mov(r8, kFp);
    a.mov(rax, imm(helper));
    a.call(rax);
  }
  // (The stubs move to the code's NativeCode first, in one allocation of
  // their size: their addresses are final there.)
  void patch_stub_addresses() {
    out_.stubs.assign(s_.stubs.begin(), s_.stubs.end());
    out_.stub_origins.assign(s_.stub_origins.begin(), s_.stub_origins.end());
    uint8_t* text = s_.code.textSection()->buffer().data();
    for (const auto& [end, at] : s_.stub_refs) {
      const uint64_t address = reinterpret_cast<uint64_t>(out_.stubs.data() + at);
      std::memcpy(text + end - 8, &address, 8);
    }
  }

  bool call(FuncInstance& callee) {
    FastAssembler& a = *a_;
    const FuncType& ft = *callee.type;
    for (ValType t : ft.params)
      if (t == ValType::V128) return false;
    for (ValType t : ft.results)
      if (t == ValType::V128) return false;
    spill_all();
    const size_t first = stack_.size() - ft.params.size();
    const uint32_t arg_base = home(first);
    const bool same_instance = callee.instance == func_.instance;
    const NativeEntry entry = entry_of(callee);
    if (&callee == &func_) {
      mark_site();
      a.lea(rdi, slot(arg_base));
      a.call(internal_);
    } else if (same_instance && entry) {
      mark_site();
      a.lea(rdi, slot(arg_base));
      const uint64_t target = reinterpret_cast<uint64_t>(entry) + kInternalEntryOffset;
      if (far_calls_) a.call(imm(target));
      else a.call_abs(target);
    } else if (same_instance) {
      // Not compiled yet: its entry looked up at each call (call_routine),
      // the interpreter while it has none.
      const uint64_t words[] = {interp::word(interp::internal_handler(Internal::Call)),
                                reinterpret_cast<uint64_t>(&callee), arg_base};
      load_stub_address(words);
      a.mov(rax, imm(&callee));
      a.lea(rdi, slot(arg_base));
      mark_site();
      a.call(call_routine());
    } else {
      // Another instance's function or the host's: the interpreter's
      // CallOther (which calls compiled code's native entry where there is
      // one), its memory reloaded after.
      in_interpreter({interp::word(interp::internal_handler(Internal::CallOther)),
                      reinterpret_cast<uint64_t>(&callee), arg_base,
                      interp::word(interp::internal_handler(Internal::ReloadMemory))});
    }
    truncate(first);
    for (ValType t : ft.results) push_slot(t);
    return true;
  }

  // call_indirect: the element, its type, instance and native code checked
  // in one compare of the callee's key (see publish_indirect_call), then a
  // call of its internal entry; anything else (a trap, another instance, a
  // callee without code) through the interpreter's CallIndirect.
  bool call_indirect(const Instr& in) {
    FastAssembler& a = *a_;
    const FuncType& ft = module_.types[in.a];
    for (ValType t : ft.params)
      if (t == ValType::V128) return false;
    for (ValType t : ft.results)
      if (t == ValType::V128) return false;
    if (!vector_layout_known()) return false;
    spill_all();  // (the index too: the slow path reads it from its slot)
    const uint32_t index_slot = home(stack_.size() - 1);
    pop();
    const size_t first = stack_.size() - ft.params.size();
    const uint32_t arg_base = home(first);
    const TableInstance* table = store_.tables[inst_.tables[in.b]].get();
    const uint32_t type_id = inst_.type_ids[in.a];
    const uint64_t expected_key = indirect_call_key(type_id, func_.instance);
    const int32_t elems = offset_in(*table, table->elems);
    const int32_t key = offset_in(func_, func_.indirect_call_key), entry = offset_in(func_, func_.internal_entry);
    const uint32_t slow = new_target(), done = new_target();
    if (expected_key == 0) {
      jmp(slow);
    } else {
      a.mov(ecx, dword_ptr(kFp, int32_t(index_slot * 8)));
      a.mov(rax, imm(table));
      a.mov(rdx, qword_ptr(rax, elems));
      a.lea(rdx, ptr(rdx, rcx, 3));
      a.cmp(rdx, qword_ptr(rax, elems + 8));
      jcc(CondCode::kAE, slow);
      a.mov(rax, qword_ptr(rdx));
      a.test(rax, rax);
      jcc(CondCode::kZ, slow);
      a.mov(rdx, imm(expected_key));
      a.cmp(qword_ptr(rax, key), rdx);
      jcc(CondCode::kNE, slow);
      a.mov(r8, qword_ptr(rax, entry));
      mark_site();
      a.lea(rdi, slot(arg_base));
      a.call(r8);
      jmp(done);
    }
    bind(slow);
    in_interpreter({interp::word(interp::internal_handler(Internal::CallIndirect)), reinterpret_cast<uint64_t>(table),
                    type_id, index_slot, arg_base, interp::word(interp::internal_handler(Internal::ReloadMemory))});
    bind(done);
    truncate(first);
    for (ValType t : ft.results) push_slot(t);
    return true;
  }

  // ------------------------------------------------------------ variables
  void local_set(uint32_t index, bool tee) {
    const size_t k = stack_.size() - 1;
    const Val v = stack_[k];
    if (v.loc == Loc::Local && v.local == index) {
      if (!tee) pop();
      return;
    }
    // (The value itself is not the local's, so it stays as it is.)
    detach_local(index);
    store_to(index, k);
    if (!tee) pop();
  }

  bool global_get(uint32_t index) {
    GlobalInstance* g = store_.globals[inst_.globals[index]].get();
    const ValType t = g->type.type;
    if (t == ValType::V128) return false;
    const uint8_t r = alloc(0, in_xmm(t));
    a_->mov(kScratch, imm(&g->bits[0]));
    if (t == ValType::F64) a_->movsd(xmm(r), qword_ptr(kScratch));
    else if (t == ValType::F32) a_->movss(xmm(r), dword_ptr(kScratch));
    else a_->mov(sized(r, t), is64(t) ? qword_ptr(kScratch) : dword_ptr(kScratch));
    push_reg(t, r);
    return true;
  }
  bool global_set(uint32_t index) {
    GlobalInstance* g = store_.globals[inst_.globals[index]].get();
    if (g->type.type == ValType::V128) return false;
    // (The global's 8 bytes, an i32 or f32 zero-extended, as load_copy
    // gives them.)
    const uint8_t r = alloc();
    load_copy(q(r), stack_.size() - 1);
    release(r, false);
    a_->mov(kScratch, imm(&g->bits[0]));
    a_->mov(qword_ptr(kScratch), q(r));
    pop();
    return true;
  }

  // ------------------------------------------------------------ memory
  // The address of an access: [r13 + addr + offset], the i32 address in a
  // register (zero-extended, so it is its own 64-bit index).
  // On a memory without guard pages the access is checked first: its end
  // (address + offset + size, no overflow in 64 bits) against the memory's
  // current size, read at each access (a callee may have grown it).
  Mem address(uint8_t addr, uint64_t offset, uint32_t size) {
    may_fault();
    if (!guarded_) {
      const uint64_t end = offset + size;
      if (end <= 0x7FFFFFFF) {
        a_->lea(kScratch, qword_ptr(q(addr), int32_t(end)));
      } else {
        a_->mov(kScratch, imm(end));
        a_->add(kScratch, q(addr));
      }
      a_->cmp(kScratch, qword_ptr(kMemSize));
      a_->ja(trap_site(TrapCode::MemoryOutOfBounds));
    }
    if (offset <= 0x7FFFFFFF) return Mem(kMem, q(addr), 0, int32_t(offset), size);
    a_->mov(kScratch, imm(offset));
    a_->add(kScratch, q(addr));
    return Mem(kMem, kScratch, 0, 0, size);
  }

  bool load(Opcode op, const ScalarAccess& acc, uint64_t offset) {
    if (!memi_) return false;
    FastAssembler& a = *a_;
    const size_t k = stack_.size() - 1;
    const uint8_t addr = to_reg(k);
    pop();
    const ValType t = result_type(op);
    const uint8_t r = alloc(0, in_xmm(t));
    const Mem m = address(addr, offset, acc.bytes);
    mark_site();
    switch (op) {
      case Opcode::F32Load: a.movss(xmm(r), m); break;
      case Opcode::F64Load: a.movsd(xmm(r), m); break;
      case Opcode::I32Load8S: a.movsx(d(r), m); break;
      case Opcode::I32Load8U: case Opcode::I64Load8U: a.movzx(d(r), m); break;
      case Opcode::I32Load16S: a.movsx(d(r), m); break;
      case Opcode::I32Load16U: case Opcode::I64Load16U: a.movzx(d(r), m); break;
      case Opcode::I64Load8S: case Opcode::I64Load16S: a.movsx(q(r), m); break;
      case Opcode::I64Load32S: a.movsxd(q(r), m); break;
      case Opcode::I64Load32U: case Opcode::I32Load: a.mov(d(r), m); break;
      case Opcode::I64Load: a.mov(q(r), m); break;
      default: return false;
    }
    push_reg(t, r);
    return true;
  }

  bool store(Opcode op, const ScalarAccess& acc, uint64_t offset) {
    if (!memi_) return false;
    FastAssembler& a = *a_;
    const size_t vk = stack_.size() - 1, ak = vk - 1;
    const uint8_t addr = to_reg(ak);
    const Val& v = stack_[vk];
    Operand value;
    if (v.loc == Loc::Imm && (acc.bytes < 8 || int64_t(v.imm) == int64_t(int32_t(v.imm)))) {
      value = imm(int32_t(uint32_t(v.imm)));
      if (acc.bytes == 1) value = imm(int8_t(v.imm));
      else if (acc.bytes == 2) value = imm(int16_t(v.imm));
    } else if (in_xmm(v.type)) {
      const uint8_t r = to_reg(vk);
      const Mem m = address(addr, offset, acc.bytes);
      mark_site();
      if (v.type == ValType::F64) a.movsd(m, xmm(r));
      else a.movss(m, xmm(r));
      pop();
      pop();
      return true;
    } else {
      const uint8_t r = to_reg(vk, 1u << addr);
      switch (acc.bytes) {
        case 1: value = gpb(r); break;
        case 2: value = gpw(r); break;
        case 4: value = d(r); break;
        default: value = q(r); break;
      }
    }
    const Mem m = address(addr, offset, acc.bytes);
    mark_site();
    a.emit(Inst::kIdMov, m, value);
    pop();
    pop();
    return true;
  }

  bool memory_size() {
    if (!memi_) return false;
    const uint8_t r = alloc();
    a_->mov(kScratch, imm(&memi_->size));
    a_->mov(q(r), qword_ptr(kScratch));
    a_->shr(q(r), imm(16));
    push_reg(ValType::I32, r);
    return true;
  }

  // ------------------------------------------------------------ tables, bulk memory
  // Table and bulk-memory instructions, run in the interpreter (their
  // operand layouts: interp/code.hpp's internal handlers); nullopt for
  // other instructions.
  std::optional<bool> table_or_bulk(const Instr& in) {
    constexpr ValType I32 = ValType::I32;
    const auto table = [&](uint32_t index) { return reinterpret_cast<uint64_t>(store_.tables[inst_.tables[index]].get()); };
    const auto elem = [&](uint32_t index) { return reinterpret_cast<uint64_t>(store_.elems[inst_.elems[index]].get()); };
    const auto data = [&](uint32_t index) { return reinterpret_cast<uint64_t>(store_.datas[inst_.datas[index]].get()); };
    const auto elem_type = [&](uint32_t index) { return store_.tables[inst_.tables[index]]->type.elem; };
    switch (in.op) {
      case Opcode::TableGet: return run_internal(Internal::TableGet, 1, elem_type(in.a), {table(in.a)});
      case Opcode::TableSet: return run_internal(Internal::TableSet, 2, std::nullopt, {table(in.a)});
      case Opcode::TableSize: return run_internal(Internal::TableSize, 0, I32, {table(in.a)});
      case Opcode::TableGrow: return run_internal(Internal::TableGrow, 2, I32, {table(in.a)});
      case Opcode::TableFill: return run_internal(Internal::TableFill, 3, std::nullopt, {table(in.a)});
      case Opcode::TableCopy: return run_internal(Internal::TableCopy, 3, std::nullopt, {table(in.a), table(in.b)});
      case Opcode::TableInit: return run_internal(Internal::TableInit, 3, std::nullopt, {table(in.b), elem(in.a)});
      case Opcode::ElemDrop: return run_internal(Internal::ElemDrop, 0, std::nullopt, {elem(in.a)});
      case Opcode::MemoryGrow: return memi_ && run_internal(Internal::MemoryGrow, 1, I32, {});
      case Opcode::MemoryFill: return memi_ && run_internal(Internal::MemoryFill, 3, std::nullopt, {});
      case Opcode::MemoryCopy: return memi_ && run_internal(Internal::MemoryCopy, 3, std::nullopt, {});
      case Opcode::MemoryInit: return memi_ && run_internal(Internal::MemoryInit, 3, std::nullopt, {data(in.a)});
      case Opcode::DataDrop: return run_internal(Internal::DataDrop, 0, std::nullopt, {data(in.a)});
      default: return std::nullopt;
    }
  }
  // Internal handler h on the top `operands` values (in their slots), then
  // `extra` words; its result, if any, at the first operand's home.
  bool run_internal(Internal h, size_t operands, std::optional<ValType> result, std::initializer_list<uint64_t> extra) {
    spill_all();
    const size_t first = stack_.size() - operands;
    uint64_t words[8];
    size_t n = 0;
    words[n++] = interp::word(interp::internal_handler(h));
    if (result) words[n++] = home(first);
    for (size_t k = first; k < stack_.size(); ++k) words[n++] = home(k);
    for (uint64_t w : extra) words[n++] = w;
    in_interpreter(std::span<const uint64_t>(words, n));
    truncate(first);
    if (result) push_slot(*result);
    return true;
  }

  // ------------------------------------------------------------ numeric
  static ValType result_type(Opcode op) {
    const std::string_view results = kOpcodeInfo[unsigned(op)].results;
    return results.empty() ? ValType::I32 : type_of_letter(results[0]);
  }

  bool eqz(bool wide) {
    const size_t k = stack_.size() - 1;
    Val& v = stack_[k];
    if (v.loc == Loc::Flags) {  // a negated compare: no code
      v.cc = negateCond(v.cc);
      return true;
    }
    const uint8_t r = to_reg(k);
    a_->test(wide ? q(r) : d(r), wide ? q(r) : d(r));
    pop();
    push(Val{ValType::I32, Loc::Flags, 0, CondCode::kE});
    return true;
  }

  // a op b (a in a register it may change, the result's): the arithmetic
  // group, imul, and compares (a flags result).
  void binary(InstId id, ValType t, bool commutative) {
    const size_t bk = stack_.size() - 1, ak = bk - 1;
    // The result in the register of an operand that has one (b's, when
    // the operation commutes and a has none: then a is the other operand).
    // (Entries are not swapped: a value in its slot is where its position says.)
    const bool b_first = commutative && stack_[ak].loc != Loc::Reg && stack_[bk].loc == Loc::Reg;
    const size_t dk = b_first ? bk : ak, ok = b_first ? ak : bk;
    const uint8_t rd = to_reg(dk);
    const Operand other = operand(ok, true, 1u << rd);
    if (id == Inst::kIdImul && other.isImm()) a_->imul(sized(rd, t), sized(rd, t), other.as<Imm>());
    else a_->emit(id, sized(rd, t), other);
    pop();
    pop();
    push_reg(t, rd);
  }
  void compare(ValType t, CondCode cc) {
    const size_t bk = stack_.size() - 1, ak = bk - 1;
    const bool b_first = stack_[ak].loc != Loc::Reg && stack_[bk].loc == Loc::Reg;  // b op' a
    if (b_first) cc = reverseCond(cc);
    const size_t dk = b_first ? bk : ak, ok = b_first ? ak : bk;
    const uint8_t rd = to_reg(dk);
    const Operand other = operand(ok, true, 1u << rd);
    a_->emit(Inst::kIdCmp, sized(rd, t), other);
    pop();
    pop();
    push(Val{ValType::I32, Loc::Flags, 0, cc});
  }
  void shift(InstId id, ValType t) {
    FastAssembler& a = *a_;
    const size_t bk = stack_.size() - 1, ak = bk - 1;
    if (stack_[bk].loc == Loc::Imm) {
      const uint8_t ra = to_reg(ak);
      const uint32_t n = uint32_t(stack_[bk].imm) & (is64(t) ? 63 : 31);
      pop();
      pop();
      if (n) a.emit(id, sized(ra, t), imm(n));
      push_reg(t, ra);
      return;
    }
    to_specific(bk, kRcx);
    const uint8_t ra = to_reg(ak, 1u << kRcx);
    a.emit(id, sized(ra, t), cl);
    pop();
    pop();
    push_reg(t, ra);
  }
  void unary_bits(InstId id, ValType t) {
    const size_t k = stack_.size() - 1;
    const uint8_t r = to_reg(k);
    a_->emit(id, sized(r, t), sized(r, t));
    pop();
    push_reg(t, r);
  }
  // div/rem: the dividend in rax, rdx its high half, the divisor in another
  // register; traps as the spec says (x86's idiv faults on INT_MIN / -1,
  // where rem is 0).
  void divide(ValType t, bool is_signed, bool rem) {
    FastAssembler& a = *a_;
    const size_t bk = stack_.size() - 1, ak = bk - 1;
    evict(kRdx);
    free_ &= ~(1u << kRdx);
    to_specific(ak, kRax);
    const uint8_t rb = to_reg(bk, (1u << kRax) | (1u << kRdx));
    const Gp b = sized(rb, t), x = sized(kRax, t);
    a.test(b, b);
    a.jz(trap_site(TrapCode::DivideByZero));
    const uint32_t done = new_target(), normal = new_target();
    if (is_signed) {
      a.cmp(b, imm(-1));
      jcc(CondCode::kNE, normal);
      if (rem) {
        a.xor_(d(kRdx), d(kRdx));
        jmp(done);
      } else {
        if (is64(t)) {
          a.mov(kScratch, imm(uint64_t(1) << 63));
          a.cmp(x, kScratch);
        } else {
          a.cmp(x, imm(int32_t(0x80000000u)));
        }
        a.je(trap_site(TrapCode::IntegerOverflow));
      }
      bind(normal);
      if (is64(t)) a.cqo();
      else a.cdq();
      a.idiv(b);
    } else {
      bind(normal);
      a.xor_(d(kRdx), d(kRdx));
      a.div(b);
    }
    bind(done);
    pop();
    pop();
    release(kRdx, false);
    release(kRax, false);
    const uint8_t result = rem ? kRdx : kRax;
    push_reg(t, result);
  }
  // op on register r in place (extensions, wrap).
  void unary_in_place(ValType to, void (LeanCompiler::*emit)(uint8_t)) {
    const size_t k = stack_.size() - 1;
    const uint8_t r = to_reg(k);
    (this->*emit)(r);
    pop();
    push_reg(to, r);
  }
  void zext32(uint8_t r) { a_->mov(d(r), d(r)); }
  void sext32(uint8_t r) { a_->movsxd(q(r), d(r)); }
  void sext8_32(uint8_t r) { a_->movsx(d(r), gpb(r)); }
  void sext16_32(uint8_t r) { a_->movsx(d(r), gpw(r)); }
  void sext8_64(uint8_t r) { a_->movsx(q(r), gpb(r)); }
  void sext16_64(uint8_t r) { a_->movsx(q(r), gpw(r)); }
  // A reinterpretation: the same bits, another type (and register class).
  void retype(ValType to) {
    Val& v = stack_.back();
    if (v.loc == Loc::Reg && in_xmm(v.type) != in_xmm(to)) {
      const bool wide = is64(to);
      const uint8_t r = alloc(0, in_xmm(to));
      if (in_xmm(to)) wide ? a_->movq(xmm(r), q(v.reg)) : a_->movd(xmm(r), d(v.reg));
      else wide ? a_->movq(q(r), xmm(v.reg)) : a_->movd(d(r), xmm(v.reg));
      release(v.reg, in_xmm(v.type));
      v.reg = r;
    }
    v.type = to;
  }

  // ------------------------------------------------------------ floats
  // An f32/f64 operand: its xmm register, or its slot as memory (an
  // immediate goes to a register).
  Operand float_operand(size_t k, uint32_t avoid) {
    const Val& v = stack_[k];
    const uint32_t size = v.type == ValType::F64 ? 8 : 4;
    switch (v.loc) {
      case Loc::Reg: return xmm(v.reg);
      case Loc::Slot: return Mem(kFp, int32_t(home(k) * 8), size);
      case Loc::Local: return Mem(kFp, int32_t(v.local * 8), size);
      default: return xmm(to_reg(k, avoid));
    }
  }
  // a op b, the result in a's register (or b's, where op commutes and only
  // b has one).
  void float_binary(InstId id, ValType t, bool commutative) {
    const size_t bk = stack_.size() - 1, ak = bk - 1;
    const bool b_first = commutative && stack_[ak].loc != Loc::Reg && stack_[bk].loc == Loc::Reg;
    const size_t dk = b_first ? bk : ak, ok = b_first ? ak : bk;
    const uint8_t rd = to_reg(dk);
    const Operand other = float_operand(ok, 1u << rd);
    a_->emit(id, xmm(rd), other);
    pop();
    pop();
    push_reg(t, rd);
  }
  // A compare: lt/le/gt/ge as the flags of one ucomis (unordered: false);
  // eq and ne (which test two flags) into a general register.
  void float_compare(ValType t, Opcode op) {
    FastAssembler& a = *a_;
    const InstId ucomis = t == ValType::F64 ? Inst::kIdUcomisd : Inst::kIdUcomiss;
    const size_t bk = stack_.size() - 1, ak = bk - 1;
    // gt, ge: ucomis a, b; lt, le: ucomis b, a ("above" is false when unordered).
    const bool swapped = op == Opcode::F32Lt || op == Opcode::F64Lt || op == Opcode::F32Le || op == Opcode::F64Le;
    const size_t first = swapped ? bk : ak, second = swapped ? ak : bk;
    const uint8_t r = to_reg(first);
    const Operand other = float_operand(second, 1u << r);
    switch (op) {
      case Opcode::F32Eq: case Opcode::F64Eq: case Opcode::F32Ne: case Opcode::F64Ne: {
        const bool eq = op == Opcode::F32Eq || op == Opcode::F64Eq;
        const uint8_t g = alloc();
        a.emit(ucomis, xmm(r), other);
        a.setcc8(eq ? CondCode::kE : CondCode::kNE, g);
        a.setcc8(eq ? CondCode::kNP : CondCode::kP, kScratch.id());
        if (eq) a.and_(gpb(g), kScratch.r8());
        else a.or_(gpb(g), kScratch.r8());
        a.movzx(d(g), gpb(g));
        pop();
        pop();
        push_reg(ValType::I32, g);
        return;
      }
      default: break;
    }
    a.emit(ucomis, xmm(r), other);
    const bool strict = op == Opcode::F32Lt || op == Opcode::F64Lt || op == Opcode::F32Gt || op == Opcode::F64Gt;
    pop();
    pop();
    push(Val{ValType::I32, Loc::Flags, 0, strict ? CondCode::kA : CondCode::kAE});
  }
  // A unary op in place on the value's register: roundss/sd (mode), sqrt,
  // and neg/abs on the sign bit.
  void float_unary(ValType t, Opcode op) {
    FastAssembler& a = *a_;
    const size_t k = stack_.size() - 1;
    const uint8_t r = to_reg(k);
    const bool wide = t == ValType::F64;
    const Xmm x = xmm(r);
    switch (op) {
      case Opcode::F32Sqrt: case Opcode::F64Sqrt: a.emit(wide ? Inst::kIdSqrtsd : Inst::kIdSqrtss, x, x); break;
      case Opcode::F32Neg: case Opcode::F64Neg: case Opcode::F32Abs: case Opcode::F64Abs: {
        const bool neg = op == Opcode::F32Neg || op == Opcode::F64Neg;
        const uint64_t sign = wide ? uint64_t(1) << 63 : uint64_t(1) << 31;
        a.mov(kScratch, imm(neg ? sign : ~sign & (wide ? ~uint64_t(0) : 0xFFFFFFFFu)));
        a.movq(kXmmScratch, kScratch);
        if (neg) a.xorps(x, kXmmScratch);
        else a.andps(x, kXmmScratch);
        break;
      }
      default: {
        uint32_t mode = 8;  // nearest, no precision exception
        if (op == Opcode::F32Floor || op == Opcode::F64Floor) mode = 9;
        else if (op == Opcode::F32Ceil || op == Opcode::F64Ceil) mode = 10;
        else if (op == Opcode::F32Trunc || op == Opcode::F64Trunc) mode = 11;
        a.emit(wide ? Inst::kIdRoundsd : Inst::kIdRoundss, x, x, imm(mode));
        break;
      }
    }
    pop();
    push_reg(t, r);
  }
  // int -> float (signed), float -> float.
  void float_convert(ValType from, ValType to, InstId id) {
    const size_t k = stack_.size() - 1;
    const uint8_t src = to_reg(k);
    const uint8_t r = alloc(in_xmm(from) ? 1u << src : 0, true);
    const Xmm x = xmm(r);
    a_->xorps(x, x);  // (no dependency on the register's old value)
    if (in_xmm(from)) a_->emit(id, x, xmm(src));
    else a_->emit(id, x, is64(from) ? q(src) : d(src));
    pop();
    push_reg(to, r);
  }

  bool float_op(Opcode op) {
    constexpr ValType F32 = ValType::F32, F64 = ValType::F64, I32 = ValType::I32, I64 = ValType::I64;
    switch (op) {
      case Opcode::F32Add: float_binary(Inst::kIdAddss, F32, true); return true;
      case Opcode::F32Sub: float_binary(Inst::kIdSubss, F32, false); return true;
      case Opcode::F32Mul: float_binary(Inst::kIdMulss, F32, true); return true;
      case Opcode::F32Div: float_binary(Inst::kIdDivss, F32, false); return true;
      case Opcode::F64Add: float_binary(Inst::kIdAddsd, F64, true); return true;
      case Opcode::F64Sub: float_binary(Inst::kIdSubsd, F64, false); return true;
      case Opcode::F64Mul: float_binary(Inst::kIdMulsd, F64, true); return true;
      case Opcode::F64Div: float_binary(Inst::kIdDivsd, F64, false); return true;
      case Opcode::F32Eq: case Opcode::F32Ne: case Opcode::F32Lt: case Opcode::F32Gt: case Opcode::F32Le:
      case Opcode::F32Ge:
        float_compare(F32, op);
        return true;
      case Opcode::F64Eq: case Opcode::F64Ne: case Opcode::F64Lt: case Opcode::F64Gt: case Opcode::F64Le:
      case Opcode::F64Ge:
        float_compare(F64, op);
        return true;
      case Opcode::F32Sqrt: case Opcode::F32Neg: case Opcode::F32Abs: case Opcode::F32Floor: case Opcode::F32Ceil:
      case Opcode::F32Trunc: case Opcode::F32Nearest:
        float_unary(F32, op);
        return true;
      case Opcode::F64Sqrt: case Opcode::F64Neg: case Opcode::F64Abs: case Opcode::F64Floor: case Opcode::F64Ceil:
      case Opcode::F64Trunc: case Opcode::F64Nearest:
        float_unary(F64, op);
        return true;
      case Opcode::F64ConvertI32S: float_convert(I32, F64, Inst::kIdCvtsi2sd); return true;
      case Opcode::F64ConvertI64S: float_convert(I64, F64, Inst::kIdCvtsi2sd); return true;
      case Opcode::F32ConvertI32S: float_convert(I32, F32, Inst::kIdCvtsi2ss); return true;
      case Opcode::F32ConvertI64S: float_convert(I64, F32, Inst::kIdCvtsi2ss); return true;
      case Opcode::F64PromoteF32: float_convert(F32, F64, Inst::kIdCvtss2sd); return true;
      case Opcode::F32DemoteF64: float_convert(F64, F32, Inst::kIdCvtsd2ss); return true;
      default: return false;
    }
  }

  // An instruction run in the interpreter on its plain form: its operands
  // (every value in its slot), the result at the first operand's home.
  bool in_interpreter_plain(Opcode op) {
    const void* handler = interp::op_handler(op);
    if (!handler) return false;
    const OpcodeInfo& info = kOpcodeInfo[unsigned(op)];
    if (!info.is_simple()) return false;
    const std::string_view params = info.params, results = info.results;
    if (params.size() > 2 || results.size() > 1) return false;
    for (char c : params)
      if (type_of_letter(c) == ValType::V128) return false;
    for (char c : results)
      if (type_of_letter(c) == ValType::V128) return false;
    spill_all();
    const size_t first = stack_.size() - params.size();
    const uint32_t dst = home(first);
    if (params.size() == 2)
      in_interpreter({interp::word(handler), dst, home(first), home(first + 1)});
    else if (params.size() == 1)
      in_interpreter({interp::word(handler), dst, home(first)});
    else
      in_interpreter({interp::word(handler), dst});
    truncate(first);
    if (!results.empty()) push_slot(type_of_letter(results[0]));
    return true;
  }

  bool numeric(Opcode op) {
    constexpr ValType I32 = ValType::I32, I64 = ValType::I64;
    switch (op) {
      case Opcode::I32Add: binary(Inst::kIdAdd, I32, true); return true;
      case Opcode::I32Sub: binary(Inst::kIdSub, I32, false); return true;
      case Opcode::I32Mul: binary(Inst::kIdImul, I32, true); return true;
      case Opcode::I32And: binary(Inst::kIdAnd, I32, true); return true;
      case Opcode::I32Or: binary(Inst::kIdOr, I32, true); return true;
      case Opcode::I32Xor: binary(Inst::kIdXor, I32, true); return true;
      case Opcode::I64Add: binary(Inst::kIdAdd, I64, true); return true;
      case Opcode::I64Sub: binary(Inst::kIdSub, I64, false); return true;
      case Opcode::I64Mul: binary(Inst::kIdImul, I64, true); return true;
      case Opcode::I64And: binary(Inst::kIdAnd, I64, true); return true;
      case Opcode::I64Or: binary(Inst::kIdOr, I64, true); return true;
      case Opcode::I64Xor: binary(Inst::kIdXor, I64, true); return true;
      case Opcode::I32Shl: shift(Inst::kIdShl, I32); return true;
      case Opcode::I32ShrS: shift(Inst::kIdSar, I32); return true;
      case Opcode::I32ShrU: shift(Inst::kIdShr, I32); return true;
      case Opcode::I32Rotl: shift(Inst::kIdRol, I32); return true;
      case Opcode::I32Rotr: shift(Inst::kIdRor, I32); return true;
      case Opcode::I64Shl: shift(Inst::kIdShl, I64); return true;
      case Opcode::I64ShrS: shift(Inst::kIdSar, I64); return true;
      case Opcode::I64ShrU: shift(Inst::kIdShr, I64); return true;
      case Opcode::I64Rotl: shift(Inst::kIdRol, I64); return true;
      case Opcode::I64Rotr: shift(Inst::kIdRor, I64); return true;
      case Opcode::I32Eqz: return eqz(false);
      case Opcode::I64Eqz: return eqz(true);
      case Opcode::I32Eq: compare(I32, CondCode::kE); return true;
      case Opcode::I32Ne: compare(I32, CondCode::kNE); return true;
      case Opcode::I32LtS: compare(I32, CondCode::kL); return true;
      case Opcode::I32LtU: compare(I32, CondCode::kB); return true;
      case Opcode::I32GtS: compare(I32, CondCode::kG); return true;
      case Opcode::I32GtU: compare(I32, CondCode::kA); return true;
      case Opcode::I32LeS: compare(I32, CondCode::kLE); return true;
      case Opcode::I32LeU: compare(I32, CondCode::kBE); return true;
      case Opcode::I32GeS: compare(I32, CondCode::kGE); return true;
      case Opcode::I32GeU: compare(I32, CondCode::kAE); return true;
      case Opcode::I64Eq: compare(I64, CondCode::kE); return true;
      case Opcode::I64Ne: compare(I64, CondCode::kNE); return true;
      case Opcode::I64LtS: compare(I64, CondCode::kL); return true;
      case Opcode::I64LtU: compare(I64, CondCode::kB); return true;
      case Opcode::I64GtS: compare(I64, CondCode::kG); return true;
      case Opcode::I64GtU: compare(I64, CondCode::kA); return true;
      case Opcode::I64LeS: compare(I64, CondCode::kLE); return true;
      case Opcode::I64LeU: compare(I64, CondCode::kBE); return true;
      case Opcode::I64GeS: compare(I64, CondCode::kGE); return true;
      case Opcode::I64GeU: compare(I64, CondCode::kAE); return true;
      case Opcode::I32DivS: divide(I32, true, false); return true;
      case Opcode::I32DivU: divide(I32, false, false); return true;
      case Opcode::I32RemS: divide(I32, true, true); return true;
      case Opcode::I32RemU: divide(I32, false, true); return true;
      case Opcode::I64DivS: divide(I64, true, false); return true;
      case Opcode::I64DivU: divide(I64, false, false); return true;
      case Opcode::I64RemS: divide(I64, true, true); return true;
      case Opcode::I64RemU: divide(I64, false, true); return true;
      case Opcode::I32Clz: if (!has_lzcnt_) break; unary_bits(Inst::kIdLzcnt, I32); return true;
      case Opcode::I32Ctz: if (!has_tzcnt_) break; unary_bits(Inst::kIdTzcnt, I32); return true;
      case Opcode::I32Popcnt: if (!has_popcnt_) break; unary_bits(Inst::kIdPopcnt, I32); return true;
      case Opcode::I64Clz: if (!has_lzcnt_) break; unary_bits(Inst::kIdLzcnt, I64); return true;
      case Opcode::I64Ctz: if (!has_tzcnt_) break; unary_bits(Inst::kIdTzcnt, I64); return true;
      case Opcode::I64Popcnt: if (!has_popcnt_) break; unary_bits(Inst::kIdPopcnt, I64); return true;
      case Opcode::I32WrapI64: unary_in_place(I32, &LeanCompiler::zext32); return true;
      case Opcode::I64ExtendI32S: unary_in_place(I64, &LeanCompiler::sext32); return true;
      case Opcode::I64ExtendI32U: retype(I64); return true;  // (an i32 is held zero-extended)
      case Opcode::I32Extend8S: unary_in_place(I32, &LeanCompiler::sext8_32); return true;
      case Opcode::I32Extend16S: unary_in_place(I32, &LeanCompiler::sext16_32); return true;
      case Opcode::I64Extend8S: unary_in_place(I64, &LeanCompiler::sext8_64); return true;
      case Opcode::I64Extend16S: unary_in_place(I64, &LeanCompiler::sext16_64); return true;
      case Opcode::I64Extend32S: unary_in_place(I64, &LeanCompiler::sext32); return true;
      case Opcode::I32ReinterpretF32: retype(I32); return true;
      case Opcode::I64ReinterpretF64: retype(I64); return true;
      case Opcode::F32ReinterpretI32: retype(ValType::F32); return true;
      case Opcode::F64ReinterpretI64: retype(ValType::F64); return true;
      default: break;
    }
    if (float_op(op)) return true;
    return in_interpreter_plain(op);
  }

  bool select() {
    FastAssembler& a = *a_;
    const size_t ck = stack_.size() - 1, bk = ck - 1, ak = ck - 2;
    const ValType t = stack_[ak].type;
    if (t == ValType::V128) return false;
    const Val c = stack_[ck];
    if (c.loc == Loc::Imm) {  // a constant condition: one of the two, no code
      pop();
      if (uint32_t(c.imm) != 0) {
        pop();
        return true;
      }
      if (stack_[bk].loc == Loc::Slot) to_reg(bk);  // (its home is about to change)
      const Val b = stack_[bk];
      stack_.pop_back();  // (b moves down: its register or local read stays taken)
      pop();
      stack_.push_back(b);
      return true;
    }
    if (in_xmm(t)) return float_select();
    CondCode cc;
    uint8_t ra;
    if (c.loc == Loc::Flags) {
      stack_.pop_back();  // (nothing to release; the loads below keep the flags)
      ra = to_reg(ak);
      cc = c.cc;
    } else {
      const uint32_t keep = c.loc == Loc::Reg ? 1u << c.reg : 0;
      ra = to_reg(ak, keep);
      if (stack_[bk].loc == Loc::Imm) to_reg(bk, keep | (1u << ra));
      cc = test_cond(stack_[ck], ck);
      pop();
    }
    if (stack_[bk].loc == Loc::Imm) to_reg(bk, 1u << ra);  // (a mov: the flags stay)
    const Operand b = operand(bk, false, 1u << ra);
    a.cmov(negateCond(cc), sized(ra, t), b);
    pop();
    pop();
    push_reg(t, ra);
    return true;
  }

  // select on f32/f64: a kept where the condition holds, else b moved
  // over it (there is no cmov between xmm registers).
  bool float_select() {
    FastAssembler& a = *a_;
    const size_t ck = stack_.size() - 1, bk = ck - 1, ak = ck - 2;
    const ValType t = stack_[ak].type;
    const Val c = stack_[ck];
    CondCode cc;
    uint8_t ra;
    Operand b;
    if (c.loc == Loc::Flags) {
      stack_.pop_back();
      ra = to_reg(ak);
      b = float_operand(bk, 1u << ra);  // (moves only: the flags stay)
      cc = c.cc;
    } else {
      ra = to_reg(ak);
      b = float_operand(bk, 1u << ra);
      cc = test_cond(stack_[ck], ck);
      pop();
    }
    const uint32_t keep = new_target();
    jcc(cc, keep);
    if (b.isReg()) a.movaps(xmm(ra), b.as<Xmm>());
    else if (t == ValType::F64) a.movsd(xmm(ra), b.as<Mem>());
    else a.movss(xmm(ra), b.as<Mem>());
    bind(keep);
    pop();
    pop();
    push_reg(t, ra);
    return true;
  }

  const bool far_calls_;  // direct calls in asmjit's form (which reaches any address)
  bool calls_out_of_reach_ = false;
  StoreImpl& store_;
  FuncInstance& func_;
  NativeCode& out_;
  const InstanceImpl& inst_;
  const ir::Module& module_;
  const FuncBody& body_;
  Scratch& s_;
  std::vector<Val>& stack_;
  std::vector<Ctrl>& ctrls_;
  const MemoryInstance* memi_ = nullptr;
  const EntryRoutine* entry_routine_ = nullptr;
  FastAssembler* a_ = nullptr;
  RecordingErrorHandler errors_;
  TrapSites trap_sites_;
  Label internal_, own_trap_, trap_out_of_segment_, no_stack_, oob_;
  Label interpreter_routine_, call_routine_, loop_hot_routine_;  // (made on first use)
  uint32_t entry_hot_ = kNone, entry_go_on_ = kNone;  // (count_down_at_entry)
  size_t frame_size_patch_ = 0;
  size_t site_index_ = 0;
  uint32_t num_params_ = 0, num_locals_ = 0, temp_base_ = 0, max_stack_ = 0;
  uint32_t free_ = kPoolMask;
  uint32_t free_xmm_ = kXmmPoolMask;
  uint32_t local_refs_ = 0;  // stack entries with Loc::Local
  bool unreachable_ = false;
  uint32_t dead_depth_ = 0;
  bool registered_ = true;
  bool counts_steps_ = false, interruptible_ = false;
  bool upgrades_ = false;  // Config::JitCompiler::Both: counts down to the full code
  bool guarded_ = false;  // memory 0 has guard pages (and the fault handler is in)
  bool has_lzcnt_ = false, has_tzcnt_ = false, has_popcnt_ = false;
};

}  // namespace

NativeEntry compile_x64_lean(StoreImpl& store, FuncInstance& func, NativeCode& out,
                             std::unique_ptr<CompiledFunc>& layout) {
  const FuncBody& body = func.instance->module->module.bodies[func.func_index - func.instance->module->module.num_imported_funcs];
  // A buffer for the likely code size up front.
  const size_t likely_bytes = size_t(body.code_size()) * 16;
  if (likely_bytes > scratch().buffer_size && !LeanCompiler::grow_buffer(likely_bytes)) return nullptr;
  for (bool far_calls = false;;) {
    LeanCompiler compiler(store, func, out, far_calls);
    if (NativeEntry entry = compiler.compile(layout)) return entry;
    discard_attempt(out);
    if (compiler.calls_out_of_reach() && !far_calls) {
      far_calls = true;
      continue;
    }
    if (!compiler.buffer_short() || !LeanCompiler::grow_buffer(0)) return nullptr;
  }
}

void pretend_calls_out_of_reach_for_tests(bool on) { g_calls_out_of_reach_for_tests.store(on); }

}  // namespace mywasm::jit
