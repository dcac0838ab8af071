// AArch64 backend: one pass over a function's plain translation (see
// interp/code.hpp), each instruction to a short A64 sequence on the same
// frame slots. The same interface and conventions as the x86-64 backend
// (x64_compiler.cpp), without its register cache: every operand is loaded
// from its slot and every result stored to its slot, so each instruction
// boundary has the interpreter's frame state.
//
// Pinned registers, callee-saved in AAPCS64 so that helper and wasm calls
// keep them:
//   x19  frame pointer: slot i is [x19 + 8 i]
//   x20  this thread's ExecRegs
//   x21  memory 0's base
//   x22  the address of memory 0's current size in bytes
// Scratch: x9-x15 and v0-v3 within an instruction; x16 for large
// immediates added to a register, x17 for the address of a slot beyond the
// load/store offset range. Nothing lives in a register across instructions.
//
// Each function has two entries: its native entry (NativeEntry: saves
// x19-x22 and the link and frame registers, sets x20-x22) and,
// kInternalEntryOffset bytes on, the internal entry that compiled code of
// the same instance calls (saves x19 and the link register only).
//
// Memory accesses, traps, calls and on-stack replacement are as on x86-64:
// a trap jumps to a stub per instruction and trap kind that loads the
// jump's address (`adr x1`; the fault handler sets x1 to the faulting
// access) for the common exit, which stores it in ExecRegs::trap_pc; a call
// record holds the call's native return address; NativeCode::code_origins
// and stub_origins map such addresses back to wasm offsets.
#include "a64_compiler.hpp"

#include "compiler_common.hpp"
#include "fault_handler.hpp"

#include <asmjit/arm.h>
#include <asmjit/arm/a64assembler.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "interp/code.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/module_impl.hpp"

namespace mywasm::jit {
namespace {

using namespace asmjit;
using namespace asmjit::a64;
using interp::HandlerInfo;
using interp::Internal;
using interp::TrapCode;
using Instr = ScannedInstr;

const GpX kFp = x19;
const GpX kCtx = x20;
const GpX kMem = x21;
const GpX kMemSize = x22;
// Where a function's internal entry is, from its native entry (past the
// native stub, padded: see A64Compiler::prologue).
constexpr uint32_t kInternalEntryOffset = 96;

Mem ctx_field(size_t offset) { return ptr(kCtx, int32_t(offset)); }

// How an inline plain instruction is compiled.
enum class OpKind { None, Load, Store, IntBin, Shift, Cmp, Eqz, DivRem, FBin, FCmp, Unary, Trunc, V128 };

// ------------------------------------------------------------ v128 table
// Lane arrangements of NEON operands.
enum class Arr : uint8_t { B8, B16, H4, H8, S2, S4, D2 };
Vec arranged(const Vec& v, Arr arr) {
  switch (arr) {
    case Arr::B8: return v.b8();
    case Arr::B16: return v.b16();
    case Arr::H4: return v.h4();
    case Arr::H8: return v.h8();
    case Arr::S2: return v.s2();
    case Arr::S4: return v.s4();
    default: return v.d2();
  }
}

// How a v128 instruction that is one NEON instruction takes its operands
// (dst, a[, b] slots).
enum class Form : uint8_t {
  Unary,    // op(a)
  Binary,   // op(a, b)
  Swapped,  // op(b, a): lt and le are gt and ge with the operands swapped
  Negated,  // ~op(a, b): ne is not eq
};
struct NeonOp {
  Opcode op;
  InstId inst;
  Form form;
  Arr dst, src;  // the result's and the operands' arrangements
};

#define MYWASM_UN(Op, I, A) {Opcode::Op, Inst::kId##I##_v, Form::Unary, Arr::A, Arr::A}
#define MYWASM_BIN(Op, I, A) {Opcode::Op, Inst::kId##I##_v, Form::Binary, Arr::A, Arr::A}
#define MYWASM_SWAP(Op, I, A) {Opcode::Op, Inst::kId##I##_v, Form::Swapped, Arr::A, Arr::A}
#define MYWASM_NOT(Op, I, A) {Opcode::Op, Inst::kId##I##_v, Form::Negated, Arr::A, Arr::A}
// Widening: the result's lanes twice the operands' (From: a half or a whole register).
#define MYWASM_WIDE_UN(Op, I, A, From) {Opcode::Op, Inst::kId##I##_v, Form::Unary, Arr::A, Arr::From}
#define MYWASM_WIDE_BIN(Op, I, A, From) {Opcode::Op, Inst::kId##I##_v, Form::Binary, Arr::A, Arr::From}
// The ten integer compares (unsigned: cmhi/cmhs), and i64x2's six.
#define MYWASM_SIGNED_CMP(P, A)                                                                            \
  MYWASM_BIN(P##Eq, Cmeq, A), MYWASM_NOT(P##Ne, Cmeq, A), MYWASM_SWAP(P##LtS, Cmgt, A),                   \
      MYWASM_BIN(P##GtS, Cmgt, A), MYWASM_SWAP(P##LeS, Cmge, A), MYWASM_BIN(P##GeS, Cmge, A)
#define MYWASM_INT_CMP(P, A)                                                                               \
  MYWASM_SIGNED_CMP(P, A), MYWASM_SWAP(P##LtU, Cmhi, A), MYWASM_BIN(P##GtU, Cmhi, A),                     \
      MYWASM_SWAP(P##LeU, Cmhs, A), MYWASM_BIN(P##GeU, Cmhs, A)
#define MYWASM_INT_ARITH(P, A)                                                                             \
  MYWASM_BIN(P##Add, Add, A), MYWASM_BIN(P##Sub, Sub, A), MYWASM_UN(P##Abs, Abs, A), MYWASM_UN(P##Neg, Neg, A)
#define MYWASM_MIN_MAX(P, A)                                                                               \
  MYWASM_BIN(P##MinS, Smin, A), MYWASM_BIN(P##MinU, Umin, A), MYWASM_BIN(P##MaxS, Smax, A),               \
      MYWASM_BIN(P##MaxU, Umax, A)
#define MYWASM_SAT(P, A)                                                                                   \
  MYWASM_BIN(P##AddSatS, Sqadd, A), MYWASM_BIN(P##AddSatU, Uqadd, A), MYWASM_BIN(P##SubSatS, Sqsub, A),   \
      MYWASM_BIN(P##SubSatU, Uqsub, A), MYWASM_BIN(P##AvgrU, Urhadd, A)
// extend_low/high (sxtl/uxtl, sxtl2/uxtl2) and extmul_low/high (smull/umull and their 2 forms).
#define MYWASM_WIDEN(P, From, A, Half, Full)                                                               \
  MYWASM_WIDE_UN(P##ExtendLow##From##S, Sxtl, A, Half), MYWASM_WIDE_UN(P##ExtendHigh##From##S, Sxtl2, A, Full), \
      MYWASM_WIDE_UN(P##ExtendLow##From##U, Uxtl, A, Half), MYWASM_WIDE_UN(P##ExtendHigh##From##U, Uxtl2, A, Full), \
      MYWASM_WIDE_BIN(P##ExtmulLow##From##S, Smull, A, Half), MYWASM_WIDE_BIN(P##ExtmulHigh##From##S, Smull2, A, Full), \
      MYWASM_WIDE_BIN(P##ExtmulLow##From##U, Umull, A, Half), MYWASM_WIDE_BIN(P##ExtmulHigh##From##U, Umull2, A, Full)
// fmin/fmax are wasm's min/max: a NaN operand gives a NaN, and -0 < +0.
#define MYWASM_FLOAT(P, A)                                                                                 \
  MYWASM_BIN(P##Add, Fadd, A), MYWASM_BIN(P##Sub, Fsub, A), MYWASM_BIN(P##Mul, Fmul, A),                  \
      MYWASM_BIN(P##Div, Fdiv, A), MYWASM_BIN(P##Min, Fmin, A), MYWASM_BIN(P##Max, Fmax, A),              \
      MYWASM_BIN(P##Eq, Fcmeq, A), MYWASM_NOT(P##Ne, Fcmeq, A), MYWASM_SWAP(P##Lt, Fcmgt, A),             \
      MYWASM_BIN(P##Gt, Fcmgt, A), MYWASM_SWAP(P##Le, Fcmge, A), MYWASM_BIN(P##Ge, Fcmge, A),             \
      MYWASM_UN(P##Abs, Fabs, A), MYWASM_UN(P##Neg, Fneg, A), MYWASM_UN(P##Sqrt, Fsqrt, A),               \
      MYWASM_UN(P##Ceil, Frintp, A), MYWASM_UN(P##Floor, Frintm, A), MYWASM_UN(P##Trunc, Frintz, A),      \
      MYWASM_UN(P##Nearest, Frintn, A)

constexpr NeonOp kNeonOps[] = {
    MYWASM_BIN(V128And, And, B16), MYWASM_BIN(V128Or, Orr, B16), MYWASM_BIN(V128Xor, Eor, B16),
    MYWASM_BIN(V128Andnot, Bic, B16), MYWASM_UN(V128Not, Mvn, B16),
    // (tbl gives 0 for an index beyond the table, as swizzle wants)
    MYWASM_BIN(I8x16Swizzle, Tbl, B16), MYWASM_UN(I8x16Popcnt, Cnt, B16),
    MYWASM_INT_ARITH(I8x16, B16), MYWASM_INT_CMP(I8x16, B16), MYWASM_MIN_MAX(I8x16, B16), MYWASM_SAT(I8x16, B16),
    MYWASM_INT_ARITH(I16x8, H8), MYWASM_INT_CMP(I16x8, H8), MYWASM_MIN_MAX(I16x8, H8), MYWASM_SAT(I16x8, H8),
    MYWASM_BIN(I16x8Mul, Mul, H8),
    MYWASM_BIN(I16x8Q15mulrSatS, Sqrdmulh, H8),  // (a * b + 2^14) >> 15, saturated
    MYWASM_WIDE_UN(I16x8ExtaddPairwiseI8x16S, Saddlp, H8, B16),
    MYWASM_WIDE_UN(I16x8ExtaddPairwiseI8x16U, Uaddlp, H8, B16), MYWASM_WIDEN(I16x8, I8x16, H8, B8, B16),
    MYWASM_INT_ARITH(I32x4, S4), MYWASM_INT_CMP(I32x4, S4), MYWASM_MIN_MAX(I32x4, S4),
    MYWASM_BIN(I32x4Mul, Mul, S4),
    MYWASM_WIDE_UN(I32x4ExtaddPairwiseI16x8S, Saddlp, S4, H8),
    MYWASM_WIDE_UN(I32x4ExtaddPairwiseI16x8U, Uaddlp, S4, H8), MYWASM_WIDEN(I32x4, I16x8, S4, H4, H8),
    MYWASM_INT_ARITH(I64x2, D2), MYWASM_SIGNED_CMP(I64x2, D2), MYWASM_WIDEN(I64x2, I32x4, D2, S2, S4),
    MYWASM_FLOAT(F32x4, S4), MYWASM_FLOAT(F64x2, D2),
    // (fcvtzs/fcvtzu saturate and give 0 for NaN, as trunc_sat does)
    MYWASM_UN(I32x4TruncSatF32x4S, Fcvtzs, S4), MYWASM_UN(I32x4TruncSatF32x4U, Fcvtzu, S4),
    MYWASM_UN(F32x4ConvertI32x4S, Scvtf, S4), MYWASM_UN(F32x4ConvertI32x4U, Ucvtf, S4),
    MYWASM_WIDE_UN(F64x2PromoteLowF32x4, Fcvtl, D2, S2),
    MYWASM_WIDE_UN(F32x4DemoteF64x2Zero, Fcvtn, S2, D2),  // (the 64-bit write clears the upper half)
};
#undef MYWASM_UN
#undef MYWASM_BIN
#undef MYWASM_SWAP
#undef MYWASM_NOT
#undef MYWASM_WIDE_UN
#undef MYWASM_WIDE_BIN
#undef MYWASM_SIGNED_CMP
#undef MYWASM_INT_CMP
#undef MYWASM_INT_ARITH
#undef MYWASM_MIN_MAX
#undef MYWASM_SAT
#undef MYWASM_WIDEN
#undef MYWASM_FLOAT

// kNeonOps' entry for `op`, or null.
const NeonOp* neon_op(Opcode op) {
  static const std::vector<const NeonOp*> by_opcode = [] {
    std::vector<const NeonOp*> v(kOpcodeCount, nullptr);
    for (const NeonOp& n : kNeonOps) v[unsigned(n.op)] = &n;
    return v;
  }();
  return by_opcode[unsigned(op)];
}

// A 16-byte constant placed after a function's code.
struct Literal {
  Label label;
  std::array<uint8_t, 16> bytes;
};

class A64Compiler {
 public:
  A64Compiler(StoreImpl& store, FuncInstance& func, const CompiledFunc& src, NativeCode& out, bool use_guard,
              std::vector<const HandlerInfo*>* interpreted)
      : store_(store), func_(func), src_(src), out_(out), interpreted_(interpreted) {
    const InstanceImpl& inst = *func.instance;
    memi_ = memory0_of(store, inst);
    guarded_ = use_guard && memi_ && memi_->guarded() && install_fault_handler();
  }

  // False when the code relies on the fault handler but could not be
  // registered with it (compile again without the guard).
  bool registered() const { return registered_; }

  NativeEntry compile() {
    if (interpreted_) interpreted_->clear();
    FunctionScan scan;
    auto out_of_line = [&](const Instr& in) { return is_call(in) || !has_inline_form(in); };
    if (!scan_function(func_, src_, out_of_line, out_, scan)) return nullptr;
    instrs_ = std::move(scan.instrs);
    targets_ = std::move(scan.targets);
    code_.init(Environment(Arch::kAArch64));  // (also on other hosts: bench/ measures the backend there)
    code_.setErrorHandler(&errors_);
    Assembler a(&code_);
    a_ = &a;
    labels_.reserve(targets_.size());
    for (size_t k = 0; k < targets_.size(); ++k) labels_.push_back(a.newLabel());
    exit_ = a.newLabel();
    own_trap_ = a.newLabel();
    no_stack_at_entry_ = a.newLabel();
    oob_ = trap_sites_.entry(a, TrapCode::MemoryOutOfBounds);  // (bound with the other trap entries)
    prologue();
    if (code_.labelOffsetFromBase(internal_) != kInternalEntryOffset) return nullptr;
    for (const Instr& in : instrs_) {
      if (const Label* label = target_label(in.index)) a.bind(*label);
      site_index_ = in.index;
      emit(in);
    }
    for (auto& d : deferred_) d();
    Label osr = a.newLabel();
    a.bind(osr);
    osr_prologue();
    epilogue();
    emit_trap_stubs();
    write_literals();
    for (const JumpTable& table : jump_tables_)
      if (!write_jump_table(table)) return nullptr;
    if (errors_.first != kErrorOk) return nullptr;
    out_.code_origins.shrink_to_fit();
    const std::optional<uint64_t> oob =
        guarded_ ? std::optional<uint64_t>(code_.labelOffsetFromBase(oob_)) : std::nullopt;
    return finish_code(code_, out_, code_.labelOffsetFromBase(osr), oob, registered_);
  }

 private:
  const uint64_t* w(const Instr& in) const { return src_.code.data() + in.index; }
  size_t target_index(uint64_t addr) const {
    return (addr - reinterpret_cast<uint64_t>(src_.code.data())) / sizeof(uint64_t);
  }
  const Label* target_label(size_t index) const {
    const auto it = std::lower_bound(targets_.begin(), targets_.end(), index);
    return it != targets_.end() && *it == index ? &labels_[size_t(it - targets_.begin())] : nullptr;
  }
  // (An index that is no target gives an invalid label: asmjit's error
  // then fails the compilation.)
  Label branch_label(uint64_t addr) const {
    const Label* label = target_label(target_index(addr));
    return label ? *label : Label();
  }

  // ------------------------------------------------------------ operands
  // r = v, in at most four instructions (movz and a movk per further
  // non-zero half-word).
  void load_imm(const Gp& r, uint64_t v) {
    if (r.isGpW()) v = uint32_t(v);
    bool first = true;
    for (uint32_t shift = 0; shift < (r.isGpW() ? 32u : 64u); shift += 16) {
      const uint32_t part = uint32_t(v >> shift) & 0xffff;
      if (part == 0) continue;
      if (first) a_->movz(r, imm(part), imm(shift));
      else a_->movk(r, imm(part), imm(shift));
      first = false;
    }
    if (first) a_->movz(r, imm(0));
  }
  void load_ptr(const GpX& r, const void* p) { load_imm(r, reinterpret_cast<uint64_t>(p)); }
  // dst = src + v (x16 holds a value too large for an immediate).
  void add_imm(const GpX& dst, const GpX& src, uint64_t v) {
    if (v < 4096) {
      a_->add(dst, src, imm(v));
    } else {
      load_imm(x16, v);
      a_->add(dst, src, x16);
    }
  }
  // Slot i (size bytes at byte `extra` of it): an immediate offset from the
  // frame where the access can encode it, else through x17.
  Mem slot_mem(uint64_t i, uint32_t size, uint32_t extra = 0) {
    const uint64_t offset = i * 8 + extra;
    if ((offset % size == 0 && offset / size < 4096) || offset < 256) return ptr(kFp, int32_t(offset));
    add_imm(x17, kFp, offset);
    return ptr(x17);
  }
  // A slot's i32 (zero-extended) or i64 in r.
  void ld(const Gp& r, uint64_t slot) { a_->ldr(r, slot_mem(slot, r.isGpW() ? 4 : 8)); }
  // r to a slot: all 64 bits (a 32-bit result is written through its x
  // register, whose upper half the w operation cleared).
  void st(const Gp& r, uint64_t slot) { a_->str(r.x(), slot_mem(slot, 8)); }
  // A float slot (s or d register) and back (an f32 zero-extended).
  void ldf(const Vec& v, uint64_t slot) { a_->ldr(v, slot_mem(slot, v.isVecS() ? 4 : 8)); }
  void stf(const Vec& v, uint64_t slot) {
    if (v.isVecS()) {
      a_->fmov(w9, v);
      st(w9, slot);
    } else {
      a_->str(v, slot_mem(slot, 8));
    }
  }
  void ldq(const Vec& v, uint64_t slot) { a_->ldr(v.q(), slot_mem(slot, 16)); }
  void stq(const Vec& v, uint64_t slot) { a_->str(v.q(), slot_mem(slot, 16)); }

  // ------------------------------------------------------------ frame
  // The native entry's stub, then padding to the internal entry.
  void prologue() {
    internal_ = a_->newLabel();
    native_stub(internal_);
    while (code_.textSection()->bufferSize() < kInternalEntryOffset) a_->nop();
    a_->bind(internal_);
    internal_prologue(no_stack_at_entry_);
    write_frame_init(src_.init_base);
  }

  // The on-stack-replacement entry (OsrEntry): the frame is live; only the
  // constants are written, then the loop numbered w2 is entered.
  void osr_prologue() {
    Label internal = a_->newLabel(), no_stack = a_->newLabel();
    native_stub(internal);
    a_->bind(internal);
    internal_prologue(no_stack);
    write_frame_init(src_.const_base);
    for (size_t k = 0; k < src_.loops.size(); ++k) {
      // (cmp takes a 12-bit immediate: past loop 4,095 the number is loaded.)
      if (k < 4096) {
        a_->cmp(w2, imm(uint32_t(k)));
      } else {
        load_imm(x16, k);
        a_->cmp(w2, w16);
      }
      a_->b(CondCode::kEQ, label_of(src_.loops[k].code_index));
    }
    a_->mov(w0, imm(uint32_t(TrapCode::Unreachable)));
    a_->mov(x1, xzr);  // (no instruction: the frame reports the function's start)
    a_->b(own_trap_);
    // The function runs already (in the interpreter): the trap is its own,
    // at no instruction.
    a_->bind(no_stack);
    a_->mov(w0, imm(uint32_t(TrapCode::StackExhausted)));
    a_->mov(x1, xzr);
    a_->b(own_trap_);
  }
  Label label_of(size_t index) const {
    const Label* label = target_label(index);
    return label ? *label : Label();
  }

  // The native entry's stub: saves x19-x22 with the frame record, loads the
  // context and memory registers, calls `internal` with x0 (and w2) as they
  // came.
  void native_stub(Label internal) {
    Assembler& a = *a_;
    a.stp(x29, x30, ptr_pre(sp, -48));
    a.mov(x29, sp);
    a.stp(x19, x20, ptr(sp, 16));
    a.stp(x21, x22, ptr(sp, 32));
    a.mov(kCtx, x1);
    if (memi_) {
      load_ptr(kMem, memi_->data);
      load_ptr(kMemSize, &memi_->size);
    }
    a.bl(internal);
    a.ldp(x21, x22, ptr(sp, 32));
    a.ldp(x19, x20, ptr(sp, 16));
    a.ldp(x29, x30, ptr_post(sp, 48));
    a.ret(x30);
  }

  // The internal entry: saves x19 and the return address, sets the frame,
  // and checks the native and the value stack (going to `no_stack` when
  // either is short).
  void internal_prologue(Label no_stack) {
    Assembler& a = *a_;
    a.stp(kFp, x30, ptr_pre(sp, -16));
    a.mov(kFp, x0);
    a.mov(x9, sp);
    a.ldr(x10, ctx_field(offsetof(ExecRegs, native_limit)));
    a.cmp(x9, x10);
    a.b(CondCode::kLO, no_stack);
    add_imm(x9, kFp, uint64_t(src_.frame_slots) * 8);
    a.ldr(x10, ctx_field(offsetof(ExecRegs, stack_end)));
    a.cmp(x9, x10);
    a.b(CondCode::kHI, no_stack);
  }

  // CompiledFunc::frame_init (zeroed locals, then constants) from slot
  // `from` on.
  void write_frame_init(uint32_t from) {
    for (uint32_t k = 0; k < src_.init_count; ++k) {
      if (src_.init_base + k < from) continue;
      const uint64_t v = src_.init[k];
      if (v == 0) {
        a_->str(xzr, slot_mem(src_.init_base + k, 8));
      } else {
        load_imm(x9, v);
        st(x9, src_.init_base + k);
      }
    }
  }

  void epilogue() {
    Assembler& a = *a_;
    // The function's entry found no stack left for its frame: as in the
    // interpreter, the trap is the caller's, at its call (which the call
    // record has), not this function's.
    a.bind(no_stack_at_entry_);
    a.mov(w0, imm(uint32_t(TrapCode::StackExhausted)));
    a.str(xzr, ctx_field(offsetof(ExecRegs, trap_func)));
    a.b(exit_);
    // w0: the TrapCode of a trap in this function; x1: an address in the
    // trapping instruction's code (0: none).
    a.bind(own_trap_);
    a.str(x1, ctx_field(offsetof(ExecRegs, trap_pc)));
    load_ptr(x9, &func_);
    a.str(x9, ctx_field(offsetof(ExecRegs, trap_func)));
    a.bind(exit_);
    a.ldp(kFp, x30, ptr_post(sp, 16));
    a.ret(x30);
  }

  // ------------------------------------------------------------ trap sites
  // Notes that the code emitted next is the current instruction's and may
  // be where a trap reports it (a trap site, a memory access that may
  // fault, a call): NativeCode::code_origins.
  void mark_site() {
    if (site_index_ == marked_index_) return;  // (the last entry is its already)
    marked_index_ = site_index_;
    if (const std::optional<uint32_t> offset = src_.module_offset(src_.code.data() + site_index_))
      note_code_origin(out_.code_origins, uint32_t(code_.textSection()->bufferSize()), *offset);
  }

  // Where a jump to trap `code` from the current instruction goes: its stub
  // for that trap, which loads the site's address into x1 for own_trap_.
  // Call it just before emitting the jump (one stub serves the
  // instruction's jumps to that trap; its deferred code makes its own).
  Label trap_site(TrapCode code) {
    if (const TrapSites::Stub* stub = trap_sites_.find(site_index_, code)) return stub->stub;
    mark_site();
    return trap_sites_.add(*a_, site_index_, code).stub;
  }

  // Cold code after the function: the trap entries (w0 = code, then
  // own_trap_, x1 as the stub or the fault handler set it), then the stubs.
  void emit_trap_stubs() {
    Assembler& a = *a_;
    for (auto& [code, label] : trap_sites_.entries()) {
      a.bind(label);
      a.mov(w0, imm(uint32_t(code)));
      a.b(own_trap_);
    }
    for (const auto& [key, t] : trap_sites_.stubs()) {
      a.bind(t.stub);
      a.adr(x1, t.site);
      a.b(t.entry);
    }
  }

  // Code emitted later, out of line (slow paths): it is still the current
  // instruction's for its trap sites.
  void defer(std::function<void()> emit_later) {
    deferred_.push_back([this, index = site_index_, emit_later = std::move(emit_later)] {
      site_index_ = index;
      emit_later();
    });
  }
  // Returns from this function with the TrapCode in w0 when it is not 0.
  void propagate_trap() { a_->cbnz(w0, exit_); }

  // ------------------------------------------------------------ instructions
  bool has_inline_form(const Instr& in) const {
    if (in.info->form == HandlerInfo::InternalForm) {
      const Internal h = in.info->internal;
      if (h == Internal::MemoryCopy || h == Internal::MemoryFill) return memi_ != nullptr;  // emit_bulk_memory
      return compiles_inline(h);
    }
    return op_kind(in.info->op) != OpKind::None || interp::simd_instruction_fn(in.info->op);
  }

  void emit(const Instr& in) {
    if (!has_inline_form(in)) return interpreted(in), emit_in_interpreter(in);
    if (in.info->form == HandlerInfo::InternalForm) return emit_internal(in);
    const Opcode op = in.info->op;
    if (op_kind(op) == OpKind::None || !emit_plain(op, w(in))) interpreted(in), emit_simd_call(in);
  }
  void interpreted(const Instr& in) {
    if (interpreted_) interpreted_->push_back(in.info);
  }

  // The instruction runs in the interpreter: run_instruction(store, ctx,
  // stub, func, fp).
  void emit_in_interpreter(const Instr& in) { call_helper(&run_instruction_helper, in.stub); }

  // Calls `helper` on `instr` (see InstructionHelper) and returns from this
  // function with its TrapCode when it is not 0.
  void call_helper(InstructionHelper helper, const uint64_t* instr) {
    Assembler& a = *a_;
    load_ptr(x0, &store_);
    a.mov(x1, kCtx);
    load_ptr(x2, instr);
    load_ptr(x3, &func_);
    a.mov(x4, kFp);
    load_ptr(x9, reinterpret_cast<void*>(helper));
    a.blr(x9);
    propagate_trap();
  }

  // A v128 instruction without an inline form: the interpreter's own code
  // for it (interp::simd_instruction_fn) with the frame, the instruction's
  // words and the memory.
  void emit_simd_call(const Instr& in) {
    Assembler& a = *a_;
    a.mov(x0, kFp);
    load_ptr(x1, w(in));
    if (memi_) {
      a.mov(x2, kMem);
      a.ldr(x3, ptr(kMemSize));
    } else {
      a.mov(x2, xzr);
      a.mov(x3, xzr);
    }
    load_ptr(x9, reinterpret_cast<void*>(interp::simd_instruction_fn(in.info->op)));
    a.blr(x9);
    a.cbz(w0, trap_site(TrapCode::MemoryOutOfBounds));
  }

  // The interpreter's Step, for the limits configured: the step count, the
  // fuel left, an interrupt (taken once: the flag is cleared).
  void emit_step() {
    Assembler& a = *a_;
    const Config& cfg = store_.engine.config();
    if (cfg.step_limit) {
      a.ldr(x9, ctx_field(offsetof(ExecRegs, steps_left)));
      a.subs(x9, x9, imm(1));
      a.str(x9, ctx_field(offsetof(ExecRegs, steps_left)));
      a.b(CondCode::kEQ, trap_site(TrapCode::StepLimit));
    }
    if (cfg.consume_fuel) {
      a.ldr(x9, ctx_field(offsetof(ExecRegs, fuel_left)));
      a.cmp(x9, imm(0));
      a.b(CondCode::kLT, trap_site(TrapCode::OutOfFuel));
    }
    if (cfg.interruptible) {
      Label interrupted = a.newLabel();
      load_ptr(x9, &store_.interrupt_requested);
      a.ldrb(w10, ptr(x9));
      a.cbnz(w10, interrupted);
      defer([this, interrupted] {
        a_->bind(interrupted);
        a_->strb(wzr, ptr(x9));
        a_->b(trap_site(TrapCode::Interrupted));
      });
    }
  }

  void copy(uint64_t dst, uint64_t src) {
    if (dst == src) return;
    ld(x9, src);
    st(x9, dst);
  }

  void emit_internal(const Instr& in) {
    Assembler& a = *a_;
    const uint64_t* p = w(in);
    switch (in.info->internal) {
      case Internal::Copy: copy(p[1], p[2]); break;
      case Internal::Copy2: copy(p[1], p[2]); copy(p[3], p[4]); break;
      case Internal::Copy3: copy(p[1], p[2]); copy(p[3], p[4]); copy(p[5], p[6]); break;
      case Internal::Copy4: copy(p[1], p[2]); copy(p[3], p[4]); copy(p[5], p[6]); copy(p[7], p[8]); break;
      case Internal::CopyV128:
        ldq(v0, p[2]);
        stq(v0, p[1]);
        break;
      case Internal::Const:
        load_imm(x9, p[2]);
        st(x9, p[1]);
        break;
      case Internal::Br: a.b(branch_label(p[1])); break;
      case Internal::BrIf:
        ld(w9, p[1]);
        a.cbnz(w9, branch_label(p[2]));
        break;
      case Internal::BrUnless:
        ld(w9, p[1]);
        a.cbz(w9, branch_label(p[2]));
        break;
      case Internal::BrTable: emit_br_table(p); break;
      case Internal::Call:
      case Internal::CallOther: emit_call(in); break;
      case Internal::CallIndirect: emit_call_indirect(in); break;
      case Internal::ReloadMemory: break;  // the pinned registers survive calls
      case Internal::LoopHead: break;      // counts for the interpreter only
      case Internal::Step: emit_step(); break;
      case Internal::Fuel:  // a block's instruction count
        a.ldr(x9, ctx_field(offsetof(ExecRegs, fuel_left)));
        load_imm(x10, p[1]);
        a.sub(x9, x9, x10);
        a.str(x9, ctx_field(offsetof(ExecRegs, fuel_left)));
        break;
      case Internal::Return:
        a.mov(w0, wzr);
        a.b(exit_);
        break;
      case Internal::Unreachable: a.b(trap_site(TrapCode::Unreachable)); break;
      case Internal::Select:  // dst, a, b, cond
        ld(x9, p[2]);
        ld(x10, p[3]);
        ld(w11, p[4]);
        a.cmp(w11, imm(0));
        a.csel(x9, x9, x10, imm(CondCode::kNE));
        st(x9, p[1]);
        break;
      case Internal::GlobalGet:  // dst, GlobalInstance*
        load_ptr(x9, &reinterpret_cast<GlobalInstance*>(p[2])->bits[0]);
        a.ldr(x9, ptr(x9));
        st(x9, p[1]);
        break;
      case Internal::GlobalSet:  // GlobalInstance*, src
        load_ptr(x9, &reinterpret_cast<GlobalInstance*>(p[1])->bits[0]);
        ld(x10, p[2]);
        a.str(x10, ptr(x9));
        break;
      case Internal::MemoryCopy:  // (with a memory 0: has_inline_form)
      case Internal::MemoryFill: emit_bulk_memory(p, in.info->internal == Internal::MemoryCopy); break;
      default:
        interpreted(in);
        emit_in_interpreter(in);
        break;
    }
  }

  // memory.copy (dst, src, count slots) and memory.fill (dst, value,
  // count), as on x86-64: both ranges checked against the current size
  // (guarded memories too: a fault inside memmove/memset is not in compiled
  // code), trapping at this instruction; then memmove/memset called with
  // the operands already in their argument registers (the slots' 32-bit
  // loads zero-extend).
  void emit_bulk_memory(const uint64_t* p, bool copy) {
    Assembler& a = *a_;
    ld(w0, p[1]);
    ld(w1, p[2]);
    ld(w2, p[3]);
    a.ldr(x11, ptr(kMemSize));
    a.add(x9, x0, x2);
    a.cmp(x9, x11);
    a.b(CondCode::kHI, trap_site(TrapCode::MemoryOutOfBounds));
    if (copy) {
      a.add(x9, x1, x2);
      a.cmp(x9, x11);
      a.b(CondCode::kHI, trap_site(TrapCode::MemoryOutOfBounds));
      a.add(x1, kMem, x1);
    }
    a.add(x0, kMem, x0);
    load_ptr(x9, copy ? reinterpret_cast<void*>(&std::memmove) : reinterpret_cast<void*>(&std::memset));
    a.blr(x9);
  }

  // index, count, targets (last: default): a table of offsets from the
  // table to each target.
  void emit_br_table(const uint64_t* p) {
    Assembler& a = *a_;
    const uint64_t count = p[2];
    Label table = a.newLabel();
    ld(w9, p[1]);
    load_imm(w10, uint32_t(count - 1));
    a.cmp(w9, w10);
    a.csel(w9, w10, w9, imm(CondCode::kHI));
    a.adr(x10, table);
    a.lsl(x11, x9, imm(2));
    a.ldrsw(x11, ptr(x10, x11));
    a.add(x10, x10, x11);
    a.br(x10);
    jump_tables_.push_back(JumpTable{table, p + 3, count});
  }

  struct JumpTable {
    Label table;
    const uint64_t* targets;  // the br_table's target words
    uint64_t count;
  };
  bool write_jump_table(const JumpTable& t) {
    a_->align(AlignMode::kData, 4);
    a_->bind(t.table);
    const uint64_t base = code_.labelOffsetFromBase(t.table);
    std::vector<int32_t> offsets(t.count);
    for (uint64_t k = 0; k < t.count; ++k) {
      const Label target = branch_label(t.targets[k]);
      if (!target.isValid() || !code_.isLabelBound(target)) return false;
      offsets[k] = int32_t(code_.labelOffsetFromBase(target) - base);
    }
    return a_->embed(offsets.data(), offsets.size() * sizeof(int32_t)) == kErrorOk;
  }

  // (++record)->return_pc = the address `returned` binds after the call
  // (the caller's function is the one whose code holds it: see
  // jit::function_at), or the StackExhausted trap (uses x10-x12).
  void push_call_record(Label returned) {
    Assembler& a = *a_;
    mark_site();  // (the return address maps back to this instruction)
    a.ldr(x10, ctx_field(offsetof(ExecRegs, record)));
    a.add(x10, x10, imm(sizeof(CallRecord)));
    a.ldr(x11, ctx_field(offsetof(ExecRegs, record_limit)));
    a.cmp(x10, x11);
    a.b(CondCode::kHS, trap_site(TrapCode::StackExhausted));
    a.str(x10, ctx_field(offsetof(ExecRegs, record)));
    a.adr(x12, returned);
    a.str(x12, ptr(x10, int32_t(offsetof(CallRecord, return_pc))));
  }
  // Pushes the call record, calls the code at x9 with the frame at slot
  // `arg_slot` and returns from this function with the callee's trap, if
  // any; else pops the record.
  void call_native(uint64_t arg_slot) {
    Label returned = a_->newLabel();
    push_call_record(returned);
    add_imm(x0, kFp, arg_slot * 8);
    a_->blr(x9);
    a_->bind(returned);
    propagate_trap();
    pop_call_record();
  }
  // After a call returned without a trap: --record.
  void pop_call_record() {
    a_->ldr(x10, ctx_field(offsetof(ExecRegs, record)));
    a_->sub(x10, x10, imm(sizeof(CallRecord)));
    a_->str(x10, ctx_field(offsetof(ExecRegs, record)));
  }

  // A call to a function named in the code: straight into its native code
  // when it has some, else through the interpreter (which translates,
  // compiles or calls the host). A callee of this instance is entered at
  // its internal entry (the pinned registers hold its context and memory).
  void emit_call(const Instr& in) {
    Assembler& a = *a_;
    const uint64_t* p = w(in);
    auto* callee = reinterpret_cast<FuncInstance*>(p[1]);
    Label slow = a.newLabel(), done = a.newLabel();
    const NativeEntry callee_entry = entry_of(*callee);
    const bool compiled = callee_entry != nullptr;
    const bool internal = callee->instance == func_.instance;
    const uint32_t skip = internal ? kInternalEntryOffset : 0;
    if (compiled) {
      load_imm(x9, reinterpret_cast<uint64_t>(callee_entry) + skip);
    } else {
      load_ptr(x9, &callee->native_entry);
      a.ldar(x9, ptr(x9));  // (acquire: a background compile publishes the code with it)
      a.cbz(x9, slow);
      if (skip) a.add(x9, x9, imm(skip));
    }
    if (!internal) a.mov(x1, kCtx);
    call_native(p[2]);
    a.bind(done);
    if (compiled) return;
    defer([this, &in, slow, done] {
      a_->bind(slow);
      emit_in_interpreter(in);
      a_->b(done);
    });
  }

  // call_indirect (TableInstance*, type_id, index slot, arg_base): the
  // element, its function, its type and its native entry checked inline,
  // then called as a direct call is; anything else (a trap, a callee
  // without native code) runs the interpreter's CallIndirect on the
  // instruction's stub (its traps and call record then point there).
  void emit_call_indirect(const Instr& in) {
    Assembler& a = *a_;
    const uint64_t* p = w(in);
    if (!vector_layout_known()) return emit_in_interpreter(in);
    const auto* table = reinterpret_cast<const TableInstance*>(p[1]);
    const int32_t elems = offset_in(*table, table->elems);
    const int32_t type_id = offset_in(func_, func_.type_id), instance = offset_in(func_, func_.instance),
                  entry = offset_in(func_, func_.native_entry);
    Label slow = a.newLabel(), done = a.newLabel();
    ld(w13, p[3]);  // the index (zero-extended)
    load_ptr(x9, table);
    a.ldp(x10, x11, ptr(x9, elems));  // elems begin, end
    a.sub(x11, x11, x10);
    a.lsr(x11, x11, imm(3));
    a.cmp(x13, x11);
    a.b(CondCode::kHS, slow);
    a.lsl(x13, x13, imm(3));
    a.ldr(x9, ptr(x10, x13));  // the reference: its FuncInstance*, or null (RefBits)
    a.cbz(x9, slow);
    a.ldr(w11, ptr(x9, type_id));
    load_imm(w12, uint32_t(p[2]));
    a.cmp(w11, w12);
    a.b(CondCode::kNE, slow);
    a.ldr(x11, ptr(x9, instance));
    a.ldr(x9, ptr(x9, entry));
    a.cbz(x9, slow);
    load_ptr(x12, func_.instance);
    a.add(x13, x9, imm(kInternalEntryOffset));
    a.cmp(x11, x12);
    a.csel(x9, x13, x9, imm(CondCode::kEQ));
    a.mov(x1, kCtx);  // (for a native entry; the internal one ignores it)
    call_native(p[4]);
    a.bind(done);
    defer([this, &in, slow, done] {
      a_->bind(slow);
      emit_in_interpreter(in);
      a_->b(done);
    });
  }

  // ------------------------------------------------------------ plain wasm ops
  static OpKind op_kind(Opcode op) {
    const ScalarAccess& access = scalar_access(op);
    if (access.load) return OpKind::Load;
    if (access.store) return OpKind::Store;
    switch (op) {
      case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul: case Opcode::I32And: case Opcode::I32Or:
      case Opcode::I32Xor: case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: case Opcode::I64And:
      case Opcode::I64Or: case Opcode::I64Xor:
        return OpKind::IntBin;
      case Opcode::I32Shl: case Opcode::I32ShrS: case Opcode::I32ShrU: case Opcode::I32Rotl: case Opcode::I32Rotr:
      case Opcode::I64Shl: case Opcode::I64ShrS: case Opcode::I64ShrU: case Opcode::I64Rotl: case Opcode::I64Rotr:
        return OpKind::Shift;
      case Opcode::I32Eq: case Opcode::I32Ne: case Opcode::I32LtS: case Opcode::I32LtU: case Opcode::I32GtS:
      case Opcode::I32GtU: case Opcode::I32LeS: case Opcode::I32LeU: case Opcode::I32GeS: case Opcode::I32GeU:
      case Opcode::I64Eq: case Opcode::I64Ne: case Opcode::I64LtS: case Opcode::I64LtU: case Opcode::I64GtS:
      case Opcode::I64GtU: case Opcode::I64LeS: case Opcode::I64LeU: case Opcode::I64GeS: case Opcode::I64GeU:
        return OpKind::Cmp;
      case Opcode::I32Eqz: case Opcode::I64Eqz: return OpKind::Eqz;
      case Opcode::I32DivS: case Opcode::I32DivU: case Opcode::I32RemS: case Opcode::I32RemU:
      case Opcode::I64DivS: case Opcode::I64DivU: case Opcode::I64RemS: case Opcode::I64RemU:
        return OpKind::DivRem;
      case Opcode::F32Add: case Opcode::F32Sub: case Opcode::F32Mul: case Opcode::F32Div: case Opcode::F32Min:
      case Opcode::F32Max: case Opcode::F64Add: case Opcode::F64Sub: case Opcode::F64Mul: case Opcode::F64Div:
      case Opcode::F64Min: case Opcode::F64Max: case Opcode::F32Copysign: case Opcode::F64Copysign:
        return OpKind::FBin;
      case Opcode::F32Eq: case Opcode::F32Ne: case Opcode::F32Lt: case Opcode::F32Gt: case Opcode::F32Le:
      case Opcode::F32Ge: case Opcode::F64Eq: case Opcode::F64Ne: case Opcode::F64Lt: case Opcode::F64Gt:
      case Opcode::F64Le: case Opcode::F64Ge:
        return OpKind::FCmp;
      case Opcode::I32TruncF32S: case Opcode::I32TruncF32U: case Opcode::I32TruncF64S: case Opcode::I32TruncF64U:
      case Opcode::I64TruncF32S: case Opcode::I64TruncF32U: case Opcode::I64TruncF64S: case Opcode::I64TruncF64U:
        return OpKind::Trunc;
      case Opcode::I32Clz: case Opcode::I64Clz: case Opcode::I32Ctz: case Opcode::I64Ctz:
      case Opcode::I32Popcnt: case Opcode::I64Popcnt:
      case Opcode::F32Abs: case Opcode::F32Neg: case Opcode::F64Abs: case Opcode::F64Neg:
      case Opcode::F32Sqrt: case Opcode::F64Sqrt:
      case Opcode::F32Ceil: case Opcode::F32Floor: case Opcode::F32Trunc: case Opcode::F32Nearest:
      case Opcode::F64Ceil: case Opcode::F64Floor: case Opcode::F64Trunc: case Opcode::F64Nearest:
      case Opcode::I32WrapI64: case Opcode::I64ExtendI32S: case Opcode::I64ExtendI32U:
      case Opcode::I32Extend8S: case Opcode::I32Extend16S: case Opcode::I64Extend8S: case Opcode::I64Extend16S:
      case Opcode::I64Extend32S:
      case Opcode::I32ReinterpretF32: case Opcode::F32ReinterpretI32: case Opcode::I64ReinterpretF64:
      case Opcode::F64ReinterpretI64:
      case Opcode::F32ConvertI32S: case Opcode::F32ConvertI32U: case Opcode::F32ConvertI64S:
      case Opcode::F32ConvertI64U: case Opcode::F64ConvertI32S: case Opcode::F64ConvertI32U:
      case Opcode::F64ConvertI64S: case Opcode::F64ConvertI64U:
      case Opcode::F32DemoteF64: case Opcode::F64PromoteF32:
      case Opcode::I32TruncSatF32S: case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64S:
      case Opcode::I32TruncSatF64U: case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF32U:
      case Opcode::I64TruncSatF64S: case Opcode::I64TruncSatF64U:
        return OpKind::Unary;
      default: return interp::simd_instruction_fn(op) ? OpKind::V128 : OpKind::None;
    }
  }

  // Whether an integer op works on 64 bits: its name starts with i64 (the
  // opcode table's names; conversions are named by their result type).
  static bool is64(Opcode op) { return info(op).name[1] == '6'; }

  // False when a v128 instruction has no inline form (it calls the
  // interpreter's code).
  bool emit_plain(Opcode op, const uint64_t* p) {
    switch (op_kind(op)) {
      case OpKind::Load: emit_load(op, p[1], p[2], p[3]); return true;
      case OpKind::Store: emit_store(op, p[1], p[2], p[3]); return true;
      case OpKind::IntBin: emit_int_binary(op, p); return true;
      case OpKind::Shift: emit_shift(op, p); return true;
      case OpKind::Cmp: {
        const GpX x = x9, y = x10;
        if (is64(op)) {
          ld(x, p[2]);
          ld(y, p[3]);
          a_->cmp(x, y);
        } else {
          ld(x.w(), p[2]);
          ld(y.w(), p[3]);
          a_->cmp(x.w(), y.w());
        }
        set_bool(int_condition(op), p[1]);
        return true;
      }
      case OpKind::Eqz:
        if (is64(op)) ld(x9, p[2]);
        else ld(w9, p[2]);
        a_->cmp(is64(op) ? Gp(x9) : Gp(w9), imm(0));
        set_bool(CondCode::kEQ, p[1]);
        return true;
      case OpKind::DivRem: emit_div_rem(op, p); return true;
      case OpKind::FBin: emit_float_binary(op, p); return true;
      case OpKind::FCmp: emit_float_compare(op, p); return true;
      case OpKind::Trunc: emit_trunc(op, p[1], p[2]); return true;
      case OpKind::Unary: emit_unary(op, p[1], p[2]); return true;
      case OpKind::V128: return emit_v128(op, p);
      case OpKind::None: return false;
    }
    return false;
  }

  void set_bool(CondCode cc, uint64_t dst) {
    a_->cset(w9, imm(cc));
    st(w9, dst);
  }

  static CondCode int_condition(Opcode op) {
    switch (op) {
      case Opcode::I32Eq: case Opcode::I64Eq: return CondCode::kEQ;
      case Opcode::I32Ne: case Opcode::I64Ne: return CondCode::kNE;
      case Opcode::I32LtS: case Opcode::I64LtS: return CondCode::kLT;
      case Opcode::I32LtU: case Opcode::I64LtU: return CondCode::kLO;
      case Opcode::I32GtS: case Opcode::I64GtS: return CondCode::kGT;
      case Opcode::I32GtU: case Opcode::I64GtU: return CondCode::kHI;
      case Opcode::I32LeS: case Opcode::I64LeS: return CondCode::kLE;
      case Opcode::I32LeU: case Opcode::I64LeU: return CondCode::kLS;
      case Opcode::I32GeS: case Opcode::I64GeS: return CondCode::kGE;
      default: return CondCode::kHS;
    }
  }

  // x9 (w9) and x10 (w10) = the operands of a binary integer op.
  std::pair<Gp, Gp> int_operands(Opcode op, const uint64_t* p) {
    const bool wide = is64(op);
    const Gp x = wide ? Gp(x9) : Gp(w9), y = wide ? Gp(x10) : Gp(w10);
    ld(x, p[2]);
    ld(y, p[3]);
    return {x, y};
  }

  void emit_int_binary(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    const auto [x, y] = int_operands(op, p);
    switch (op) {
      case Opcode::I32Add: case Opcode::I64Add: a.add(x, x, y); break;
      case Opcode::I32Sub: case Opcode::I64Sub: a.sub(x, x, y); break;
      case Opcode::I32Mul: case Opcode::I64Mul: a.mul(x, x, y); break;
      case Opcode::I32And: case Opcode::I64And: a.and_(x, x, y); break;
      case Opcode::I32Or: case Opcode::I64Or: a.orr(x, x, y); break;
      default: a.eor(x, x, y); break;
    }
    st(x, p[1]);
  }

  // A64's variable shifts take the count modulo the width, as wasm does; a
  // left rotation is a right one by the negated count.
  void emit_shift(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    const auto [x, y] = int_operands(op, p);
    switch (op) {
      case Opcode::I32Shl: case Opcode::I64Shl: a.lsl(x, x, y); break;
      case Opcode::I32ShrS: case Opcode::I64ShrS: a.asr(x, x, y); break;
      case Opcode::I32ShrU: case Opcode::I64ShrU: a.lsr(x, x, y); break;
      case Opcode::I32Rotl: case Opcode::I64Rotl:
        a.neg(y, y);
        a.ror(x, x, y);
        break;
      default: a.ror(x, x, y); break;
    }
    st(x, p[1]);
  }

  // Division and remainder with wasm's traps: a zero divisor, and INT_MIN /
  // -1 for signed division (A64's sdiv gives INT_MIN there; the remainder,
  // x - (x / y) * y, is then 0 as wasm wants).
  void emit_div_rem(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    const bool is_signed = op == Opcode::I32DivS || op == Opcode::I32RemS || op == Opcode::I64DivS ||
                           op == Opcode::I64RemS;
    const bool is_rem = op == Opcode::I32RemS || op == Opcode::I32RemU || op == Opcode::I64RemS ||
                        op == Opcode::I64RemU;
    const auto [x, y] = int_operands(op, p);
    const Gp q = is64(op) ? Gp(x11) : Gp(w11);
    a.cbz(y, trap_site(TrapCode::DivideByZero));
    if (is_signed && !is_rem) {
      Label normal = a.newLabel();
      a.cmn(y, imm(1));
      a.b(CondCode::kNE, normal);
      a.negs(q, x);  // overflows only for the minimum value
      a.b(CondCode::kVS, trap_site(TrapCode::IntegerOverflow));
      a.bind(normal);
    }
    if (is_signed) a.sdiv(q, x, y);
    else a.udiv(q, x, y);
    if (is_rem) a.msub(q, q, y, x);
    st(q, p[1]);
  }

  static bool is_f64(Opcode op) { return info(op).name[1] == '6'; }

  void emit_float_binary(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    if (op == Opcode::F32Copysign || op == Opcode::F64Copysign) {  // a's magnitude, b's sign: on the bits
      const bool wide = op == Opcode::F64Copysign;
      const Gp x = wide ? Gp(x9) : Gp(w9), y = wide ? Gp(x10) : Gp(w10);
      ld(x, p[2]);
      ld(y, p[3]);
      a.and_(x, x, imm(wide ? 0x7fffffffffffffffull : 0x7fffffffull));
      a.and_(y, y, imm(wide ? 0x8000000000000000ull : 0x80000000ull));
      a.orr(x, x, y);
      st(x, p[1]);
      return;
    }
    const bool wide = is_f64(op);
    const Vec x = wide ? Vec(d0) : Vec(s0), y = wide ? Vec(d1) : Vec(s1);
    ldf(x, p[2]);
    ldf(y, p[3]);
    switch (op) {
      case Opcode::F32Add: case Opcode::F64Add: a.fadd(x, x, y); break;
      case Opcode::F32Sub: case Opcode::F64Sub: a.fsub(x, x, y); break;
      case Opcode::F32Mul: case Opcode::F64Mul: a.fmul(x, x, y); break;
      case Opcode::F32Div: case Opcode::F64Div: a.fdiv(x, x, y); break;
      // (fmin/fmax: a NaN operand gives a NaN, and -0 < +0, as wasm's min and max)
      case Opcode::F32Min: case Opcode::F64Min: a.fmin(x, x, y); break;
      default: a.fmax(x, x, y); break;
    }
    stf(x, p[1]);
  }

  // fcmp sets "unordered" as N=0 Z=0 C=1 V=1: mi, ls, gt and ge are false
  // there and ne true, as wasm's compares with a NaN.
  void emit_float_compare(Opcode op, const uint64_t* p) {
    const bool wide = is_f64(op);
    const Vec x = wide ? Vec(d0) : Vec(s0), y = wide ? Vec(d1) : Vec(s1);
    ldf(x, p[2]);
    ldf(y, p[3]);
    a_->fcmp(x, y);
    CondCode cc = CondCode::kGE;
    switch (op) {
      case Opcode::F32Eq: case Opcode::F64Eq: cc = CondCode::kEQ; break;
      case Opcode::F32Ne: case Opcode::F64Ne: cc = CondCode::kNE; break;
      case Opcode::F32Lt: case Opcode::F64Lt: cc = CondCode::kMI; break;
      case Opcode::F32Gt: case Opcode::F64Gt: cc = CondCode::kGT; break;
      case Opcode::F32Le: case Opcode::F64Le: cc = CondCode::kLS; break;
      default: break;
    }
    set_bool(cc, p[1]);
  }

  // d1 = the double with these bits.
  void load_double(const Vec& d, double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    load_imm(x10, bits);
    a_->fmov(d, x10);
  }

  // Trapping float -> integer truncation: the input (as an f64, exact for
  // an f32) must be no NaN (invalid conversion) and strictly between the
  // bounds of what truncates into the result type (else an overflow); the
  // conversion itself is then exact.
  void emit_trunc(Opcode op, uint64_t dst, uint64_t src) {
    Assembler& a = *a_;
    const bool from_f64 = op == Opcode::I32TruncF64S || op == Opcode::I32TruncF64U ||
                          op == Opcode::I64TruncF64S || op == Opcode::I64TruncF64U;
    const bool is_signed = op == Opcode::I32TruncF32S || op == Opcode::I32TruncF64S ||
                           op == Opcode::I64TruncF32S || op == Opcode::I64TruncF64S;
    const bool to64 = is64(op);
    if (from_f64) {
      ldf(d0, src);
    } else {
      ldf(s0, src);
      a.fcvt(d0, s0);
    }
    a.fcmp(d0, d0);
    a.b(CondCode::kVS, trap_site(TrapCode::InvalidConversion));
    const Label overflow = trap_site(TrapCode::IntegerOverflow);
    double low, high;  // exclusive
    if (!is_signed) {
      low = -1.0;
      high = to64 ? 18446744073709551616.0 : 4294967296.0;
    } else if (to64) {
      low = -9223372036854777856.0;  // the double below -2^63
      high = 9223372036854775808.0;
    } else {
      low = -2147483649.0;
      high = 2147483648.0;
    }
    load_double(d1, low);
    a.fcmp(d0, d1);
    a.b(CondCode::kLS, overflow);
    load_double(d1, high);
    a.fcmp(d0, d1);
    a.b(CondCode::kGE, overflow);
    const Gp r = to64 ? Gp(x9) : Gp(w9);
    if (is_signed) a.fcvtzs(r, d0);
    else a.fcvtzu(r, d0);
    st(r, dst);
  }

  void emit_unary(Opcode op, uint64_t dst, uint64_t src) {
    Assembler& a = *a_;
    const bool wide = is64(op);
    const Gp r = wide ? Gp(x9) : Gp(w9);
    // Float ops on s0/d0 (the operand's type from the name's second part
    // for conversions: f32.convert_i64_s reads an i64).
    auto float_op = [&](bool f64, auto&& body) {
      const Vec v = f64 ? Vec(d0) : Vec(s0);
      ldf(v, src);
      body(v);
      stf(v, dst);
    };
    switch (op) {
      case Opcode::I32Clz: case Opcode::I64Clz: ld(r, src); a.clz(r, r); st(r, dst); return;
      case Opcode::I32Ctz: case Opcode::I64Ctz: ld(r, src); a.rbit(r, r); a.clz(r, r); st(r, dst); return;
      case Opcode::I32Popcnt: case Opcode::I64Popcnt:  // the bytes' counts, summed
        a.ldr(wide ? Vec(d0) : Vec(s0), slot_mem(src, wide ? 8 : 4));
        a.cnt(v0.b8(), v0.b8());
        a.addv(b0, v0.b8());
        a.fmov(w9, s0);
        st(w9, dst);
        return;
      case Opcode::F32Abs: ld(w9, src); a.and_(w9, w9, imm(0x7fffffffu)); st(w9, dst); return;
      case Opcode::F32Neg: ld(w9, src); a.eor(w9, w9, imm(0x80000000u)); st(w9, dst); return;
      case Opcode::F64Abs: ld(x9, src); a.and_(x9, x9, imm(0x7fffffffffffffffull)); st(x9, dst); return;
      case Opcode::F64Neg: ld(x9, src); a.eor(x9, x9, imm(0x8000000000000000ull)); st(x9, dst); return;
      case Opcode::F32Sqrt: float_op(false, [&](const Vec& v) { a.fsqrt(v, v); }); return;
      case Opcode::F64Sqrt: float_op(true, [&](const Vec& v) { a.fsqrt(v, v); }); return;
      case Opcode::F32Ceil: float_op(false, [&](const Vec& v) { a.frintp(v, v); }); return;
      case Opcode::F64Ceil: float_op(true, [&](const Vec& v) { a.frintp(v, v); }); return;
      case Opcode::F32Floor: float_op(false, [&](const Vec& v) { a.frintm(v, v); }); return;
      case Opcode::F64Floor: float_op(true, [&](const Vec& v) { a.frintm(v, v); }); return;
      case Opcode::F32Trunc: float_op(false, [&](const Vec& v) { a.frintz(v, v); }); return;
      case Opcode::F64Trunc: float_op(true, [&](const Vec& v) { a.frintz(v, v); }); return;
      case Opcode::F32Nearest: float_op(false, [&](const Vec& v) { a.frintn(v, v); }); return;
      case Opcode::F64Nearest: float_op(true, [&](const Vec& v) { a.frintn(v, v); }); return;
      case Opcode::I32WrapI64: case Opcode::I64ExtendI32U: case Opcode::I32ReinterpretF32:
      case Opcode::F32ReinterpretI32:
        ld(w9, src);
        st(w9, dst);
        return;
      case Opcode::I64ReinterpretF64: case Opcode::F64ReinterpretI64: copy(dst, src); return;
      case Opcode::I64ExtendI32S: case Opcode::I64Extend32S: ld(w9, src); a.sxtw(x9, w9); st(x9, dst); return;
      case Opcode::I32Extend8S: ld(w9, src); a.sxtb(w9, w9); st(w9, dst); return;
      case Opcode::I32Extend16S: ld(w9, src); a.sxth(w9, w9); st(w9, dst); return;
      case Opcode::I64Extend8S: ld(w9, src); a.sxtb(x9, w9); st(x9, dst); return;
      case Opcode::I64Extend16S: ld(w9, src); a.sxth(x9, w9); st(x9, dst); return;
      case Opcode::F32DemoteF64: ldf(d0, src); a.fcvt(s0, d0); stf(s0, dst); return;
      case Opcode::F64PromoteF32: ldf(s0, src); a.fcvt(d0, s0); stf(d0, dst); return;
      default: break;
    }
    emit_convert(op, dst, src);
  }

  // int -> float (scvtf/ucvtf round once, as wasm does) and saturating
  // float -> int (fcvtzs/fcvtzu saturate and give 0 for NaN, as wasm's
  // trunc_sat does).
  void emit_convert(Opcode op, uint64_t dst, uint64_t src) {
    Assembler& a = *a_;
    const std::string_view n = info(op).name;  // e.g. "f32.convert_i64_u", "i32.trunc_sat_f64_s"
    const std::string_view name = n;
    const bool is_signed = n.back() == 's';
    const bool operand64 = n.substr(n.size() - 4, 2) == "64";
    const bool result64 = name[1] == '6';
    if (name[0] == 'f') {
      const Gp x = operand64 ? Gp(x9) : Gp(w9);
      const Vec v = result64 ? Vec(d0) : Vec(s0);
      ld(x, src);
      if (is_signed) a.scvtf(v, x);
      else a.ucvtf(v, x);
      stf(v, dst);
      return;
    }
    const Vec v = operand64 ? Vec(d0) : Vec(s0);
    const Gp r = result64 ? Gp(x9) : Gp(w9);
    ldf(v, src);
    if (is_signed) a.fcvtzs(r, v);
    else a.fcvtzu(r, v);
    st(r, dst);
  }

  // ------------------------------------------------------------ memory
  // x9 = the effective address (the i32 address plus the offset), checked
  // against the memory's size unless the memory is guarded (then an access
  // beyond it faults in the reservation: the fault handler resumes at the
  // out-of-bounds trap). The access is then at [x21 + x9].
  Mem effective_address(uint64_t addr_slot, uint64_t offset, uint32_t bytes) {
    Assembler& a = *a_;
    mark_site();  // (a guarded access faults here)
    ld(w9, addr_slot);  // zero-extended
    if (offset) add_imm(x9, x9, offset);
    if (!guarded_) {
      add_imm(x10, x9, bytes);
      a.ldr(x11, ptr(kMemSize));
      a.cmp(x10, x11);
      a.b(CondCode::kHI, trap_site(TrapCode::MemoryOutOfBounds));
    }
    return ptr(kMem, x9);
  }

  void emit_load(Opcode op, uint64_t dst, uint64_t addr, uint64_t offset) {
    Assembler& a = *a_;
    const Mem m = effective_address(addr, offset, scalar_access(op).bytes);
    switch (op) {
      case Opcode::I32Load8S: a.ldrsb(w10, m); st(w10, dst); return;
      case Opcode::I64Load8S: a.ldrsb(x10, m); break;
      case Opcode::I32Load8U: case Opcode::I64Load8U: a.ldrb(w10, m); break;
      case Opcode::I32Load16S: a.ldrsh(w10, m); st(w10, dst); return;
      case Opcode::I64Load16S: a.ldrsh(x10, m); break;
      case Opcode::I32Load16U: case Opcode::I64Load16U: a.ldrh(w10, m); break;
      case Opcode::I64Load32S: a.ldrsw(x10, m); break;
      case Opcode::I64Load: case Opcode::F64Load: a.ldr(x10, m); break;
      default: a.ldr(w10, m); break;  // i32.load, f32.load, i64.load32_u
    }
    st(x10, dst);
  }

  void emit_store(Opcode op, uint64_t addr, uint64_t value, uint64_t offset) {
    Assembler& a = *a_;
    const uint32_t bytes = scalar_access(op).bytes;
    ld(x12, value);
    const Mem m = effective_address(addr, offset, bytes);
    switch (bytes) {
      case 1: a.strb(w12, m); break;
      case 2: a.strh(w12, m); break;
      case 4: a.str(w12, m); break;
      default: a.str(x12, m); break;
    }
  }

  // ------------------------------------------------------------ v128
  // Every v128 instruction in NEON on v0-v3 (v128.const needs none: it is a
  // constant slot). Most are one NEON instruction on whole registers, given
  // by kNeonOps (neon_op); the rest are short sequences below.
  bool emit_v128(Opcode op, const uint64_t* p) {
    if (const NeonOp* n = neon_op(op)) {
      emit_neon(*n, p);
      return true;
    }
    return emit_v128_memory(op, p) || emit_v128_lane(op, p) || emit_v128_other(op, p);
  }

  void emit_neon(const NeonOp& n, const uint64_t* p) {
    Assembler& a = *a_;
    const Vec d = arranged(v0, n.dst), x = arranged(v0, n.src), y = arranged(v1, n.src);
    ldq(v0, p[2]);
    if (n.form == Form::Unary) {
      a.emit(n.inst, d, x);
    } else {
      ldq(v1, p[3]);
      if (n.form == Form::Swapped) a.emit(n.inst, d, y, x);
      else a.emit(n.inst, d, x, y);
      if (n.form == Form::Negated) a.mvn(v0.b16(), v0.b16());
    }
    stq(v0, p[1]);
  }

  // v = 16 bytes placed after the code (adr reaches them within 1 MB; a
  // larger function fails to assemble and stays in the interpreter).
  void load_literal(const Vec& v, const void* bytes) {
    Literal lit{a_->newLabel(), {}};
    std::memcpy(lit.bytes.data(), bytes, 16);
    literals_.push_back(lit);
    a_->adr(x10, lit.label);
    a_->ldr(v.q(), ptr(x10));
  }
  void write_literals() {
    if (literals_.empty()) return;
    a_->align(AlignMode::kData, 16);
    for (const Literal& lit : literals_) {
      a_->bind(lit.label);
      a_->embed(lit.bytes.data(), lit.bytes.size());
    }
  }

  // Loads and stores, with the scalar accesses' address check (or guard
  // pages). Loads: dst, addr, offset; load_lane: dst, addr, vec, offset,
  // lane; store: addr, value, offset; store_lane: addr, vec, offset, lane.
  bool emit_v128_memory(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    auto at = [&](uint32_t bytes) { return effective_address(p[2], p[3], bytes); };
    switch (op) {
      case Opcode::V128Load: a.ldr(q0, at(16)); break;
      case Opcode::V128Load8x8S: a.ldr(d0, at(8)); a.sxtl(v0.h8(), v0.b8()); break;
      case Opcode::V128Load8x8U: a.ldr(d0, at(8)); a.uxtl(v0.h8(), v0.b8()); break;
      case Opcode::V128Load16x4S: a.ldr(d0, at(8)); a.sxtl(v0.s4(), v0.h4()); break;
      case Opcode::V128Load16x4U: a.ldr(d0, at(8)); a.uxtl(v0.s4(), v0.h4()); break;
      case Opcode::V128Load32x2S: a.ldr(d0, at(8)); a.sxtl(v0.d2(), v0.s2()); break;
      case Opcode::V128Load32x2U: a.ldr(d0, at(8)); a.uxtl(v0.d2(), v0.s2()); break;
      case Opcode::V128Load32Zero: a.ldr(s0, at(4)); break;  // (a scalar load clears the rest)
      case Opcode::V128Load64Zero: a.ldr(d0, at(8)); break;
      case Opcode::V128Load8Splat: load_splat(p, Arr::B16, 1); break;
      case Opcode::V128Load16Splat: load_splat(p, Arr::H8, 2); break;
      case Opcode::V128Load32Splat: load_splat(p, Arr::S4, 4); break;
      case Opcode::V128Load64Splat: load_splat(p, Arr::D2, 8); break;
      case Opcode::V128Load8Lane: return load_lane(p, 1);
      case Opcode::V128Load16Lane: return load_lane(p, 2);
      case Opcode::V128Load32Lane: return load_lane(p, 4);
      case Opcode::V128Load64Lane: return load_lane(p, 8);
      case Opcode::V128Store:
        ldq(v0, p[2]);
        a.str(q0, effective_address(p[1], p[3], 16));
        return true;
      case Opcode::V128Store8Lane: return store_lane(p, 1);
      case Opcode::V128Store16Lane: return store_lane(p, 2);
      case Opcode::V128Store32Lane: return store_lane(p, 4);
      case Opcode::V128Store64Lane: return store_lane(p, 8);
      default: return false;
    }
    stq(v0, p[1]);
    return true;
  }
  // ld1r takes a base register only: x9 = the memory's base + the address.
  void load_splat(const uint64_t* p, Arr arr, uint32_t bytes) {
    effective_address(p[2], p[3], bytes);
    a_->add(x9, kMem, x9);
    a_->ld1r(arranged(v0, arr), ptr(x9));
  }
  // The lane loaded into w10/x10, then inserted into the vector (read
  // after the address: the result may share the address's slot).
  bool load_lane(const uint64_t* p, uint32_t bytes) {
    Assembler& a = *a_;
    const Mem m = effective_address(p[2], p[4], bytes);
    const uint32_t lane = uint32_t(p[5]) & (16 / bytes - 1);
    ldq(v0, p[3]);
    switch (bytes) {
      case 1: a.ldrb(w10, m); a.ins(v0.b(lane), w10); break;
      case 2: a.ldrh(w10, m); a.ins(v0.h(lane), w10); break;
      case 4: a.ldr(w10, m); a.ins(v0.s(lane), w10); break;
      default: a.ldr(x10, m); a.ins(v0.d(lane), x10); break;
    }
    stq(v0, p[1]);
    return true;
  }
  // The lane read from the vector's slot, then stored.
  bool store_lane(const uint64_t* p, uint32_t bytes) {
    Assembler& a = *a_;
    const uint32_t lane = uint32_t(p[4]) & (16 / bytes - 1);
    const Mem src = slot_mem(p[2], bytes, lane * bytes);
    switch (bytes) {
      case 1: a.ldrb(w12, src); break;
      case 2: a.ldrh(w12, src); break;
      case 4: a.ldr(w12, src); break;
      default: a.ldr(x12, src); break;
    }
    const Mem m = effective_address(p[1], p[3], bytes);
    switch (bytes) {
      case 1: a.strb(w12, m); break;
      case 2: a.strh(w12, m); break;
      case 4: a.str(w12, m); break;
      default: a.str(x12, m); break;
    }
    return true;
  }

  // splat (dst, x), extract_lane (dst, a, lane), replace_lane (dst, a, x,
  // lane). Extracts read the lane straight from the vector's slot, with the
  // load's sign or zero extension.
  bool emit_v128_lane(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    auto lane_of = [&](uint32_t bytes) { return uint32_t(p[3]) & (16 / bytes - 1); };
    auto extract = [&](uint32_t bytes) { return slot_mem(p[2], bytes, lane_of(bytes) * bytes); };
    switch (op) {
      case Opcode::I8x16Splat: ld(w9, p[2]); a.dup(v0.b16(), w9); break;
      case Opcode::I16x8Splat: ld(w9, p[2]); a.dup(v0.h8(), w9); break;
      case Opcode::I32x4Splat: case Opcode::F32x4Splat: ld(w9, p[2]); a.dup(v0.s4(), w9); break;
      case Opcode::I64x2Splat: case Opcode::F64x2Splat: ld(x9, p[2]); a.dup(v0.d2(), x9); break;
      case Opcode::I8x16ExtractLaneS: a.ldrsb(w9, extract(1)); st(w9, p[1]); return true;
      case Opcode::I8x16ExtractLaneU: a.ldrb(w9, extract(1)); st(w9, p[1]); return true;
      case Opcode::I16x8ExtractLaneS: a.ldrsh(w9, extract(2)); st(w9, p[1]); return true;
      case Opcode::I16x8ExtractLaneU: a.ldrh(w9, extract(2)); st(w9, p[1]); return true;
      case Opcode::I32x4ExtractLane: case Opcode::F32x4ExtractLane: a.ldr(w9, extract(4)); st(w9, p[1]); return true;
      case Opcode::I64x2ExtractLane: case Opcode::F64x2ExtractLane: a.ldr(x9, extract(8)); st(x9, p[1]); return true;
      case Opcode::I8x16ReplaceLane: replace_lane(p, 1); break;
      case Opcode::I16x8ReplaceLane: replace_lane(p, 2); break;
      case Opcode::I32x4ReplaceLane: case Opcode::F32x4ReplaceLane: replace_lane(p, 4); break;
      case Opcode::I64x2ReplaceLane: case Opcode::F64x2ReplaceLane: replace_lane(p, 8); break;
      default: return false;
    }
    stq(v0, p[1]);
    return true;
  }
  void replace_lane(const uint64_t* p, uint32_t bytes) {
    Assembler& a = *a_;
    const uint32_t lane = uint32_t(p[4]) & (16 / bytes - 1);
    ldq(v0, p[2]);
    if (bytes == 8) ld(x9, p[3]);
    else ld(w9, p[3]);
    switch (bytes) {
      case 1: a.ins(v0.b(lane), w9); break;
      case 2: a.ins(v0.h(lane), w9); break;
      case 4: a.ins(v0.s(lane), w9); break;
      default: a.ins(v0.d(lane), x9); break;
    }
  }

  // dst, a: `emit` turns v0 (loaded from a) into the result stored to dst.
  template <class Emit>
  bool in_place(const uint64_t* p, Emit emit) {
    ldq(v0, p[2]);
    emit();
    stq(v0, p[1]);
    return true;
  }

  // The instructions that take more than one NEON instruction.
  bool emit_v128_other(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    switch (op) {
      case Opcode::I8x16Shuffle:  // dst, a, b, 16 lane indices: tbl over {a, b}
        ldq(v0, p[2]);
        ldq(v1, p[3]);
        load_literal(v2, p + 4);
        a.tbl(v2.b16(), v0.b16(), v1.b16(), v2.b16());
        stq(v2, p[1]);
        return true;
      case Opcode::I8x16NarrowI16x8S: narrow(p, Inst::kIdSqxtn_v, Inst::kIdSqxtn2_v, Arr::B8, Arr::B16, Arr::H8); return true;
      case Opcode::I8x16NarrowI16x8U: narrow(p, Inst::kIdSqxtun_v, Inst::kIdSqxtun2_v, Arr::B8, Arr::B16, Arr::H8); return true;
      case Opcode::I16x8NarrowI32x4S: narrow(p, Inst::kIdSqxtn_v, Inst::kIdSqxtn2_v, Arr::H4, Arr::H8, Arr::S4); return true;
      case Opcode::I16x8NarrowI32x4U: narrow(p, Inst::kIdSqxtun_v, Inst::kIdSqxtun2_v, Arr::H4, Arr::H8, Arr::S4); return true;
      case Opcode::I32x4DotI16x8S:  // the products of both halves, added pairwise
        ldq(v0, p[2]);
        ldq(v1, p[3]);
        a.smull(v2.s4(), v0.h4(), v1.h4());
        a.smull2(v3.s4(), v0.h8(), v1.h8());
        a.addp(v0.s4(), v2.s4(), v3.s4());
        stq(v0, p[1]);
        return true;
      case Opcode::I64x2Mul: i64x2_mul(p); return true;
      case Opcode::I8x16Bitmask: case Opcode::I16x8Bitmask: case Opcode::I32x4Bitmask: case Opcode::I64x2Bitmask:
        bitmask(op, p);
        return true;
      case Opcode::V128AnyTrue: any_or_all_true(p, std::nullopt); return true;
      case Opcode::I8x16AllTrue: any_or_all_true(p, Arr::B16); return true;
      case Opcode::I16x8AllTrue: any_or_all_true(p, Arr::H8); return true;
      case Opcode::I32x4AllTrue: any_or_all_true(p, Arr::S4); return true;
      case Opcode::I64x2AllTrue: any_or_all_true(p, Arr::D2); return true;
      case Opcode::V128Bitselect:  // dst, a, b, mask: bsl keeps a where the mask is set, b elsewhere
        ldq(v0, p[2]);
        ldq(v1, p[3]);
        ldq(v2, p[4]);
        a.bsl(v2.b16(), v0.b16(), v1.b16());
        stq(v2, p[1]);
        return true;
      // pmin: b < a ? b : a; pmax: a < b ? b : a (false for NaN: a).
      case Opcode::F32x4Pmin: pmin_pmax(p, Arr::S4, false); return true;
      case Opcode::F32x4Pmax: pmin_pmax(p, Arr::S4, true); return true;
      case Opcode::F64x2Pmin: pmin_pmax(p, Arr::D2, false); return true;
      case Opcode::F64x2Pmax: pmin_pmax(p, Arr::D2, true); return true;
      // Saturating 64-bit results (NaN -> 0), narrowed with saturation; the
      // upper half is cleared by the 64-bit write.
      case Opcode::I32x4TruncSatF64x2SZero:
        return in_place(p, [&] { a.fcvtzs(v0.d2(), v0.d2()); a.sqxtn(v0.s2(), v0.d2()); });
      case Opcode::I32x4TruncSatF64x2UZero:
        return in_place(p, [&] { a.fcvtzu(v0.d2(), v0.d2()); a.uqxtn(v0.s2(), v0.d2()); });
      case Opcode::F64x2ConvertLowI32x4S:  // widened first: every i32 is exact in an f64
        return in_place(p, [&] { a.sxtl(v0.d2(), v0.s2()); a.scvtf(v0.d2(), v0.d2()); });
      case Opcode::F64x2ConvertLowI32x4U:
        return in_place(p, [&] { a.uxtl(v0.d2(), v0.s2()); a.ucvtf(v0.d2(), v0.d2()); });
      default: break;
    }
    return shift(op, p);
  }

  // dst, a, b: a's lanes narrowed to the low half, b's to the high half.
  void narrow(const uint64_t* p, InstId low, InstId high, Arr half, Arr full, Arr wide) {
    ldq(v0, p[2]);
    ldq(v1, p[3]);
    a_->emit(low, arranged(v2, half), arranged(v0, wide));
    a_->emit(high, arranged(v2, full), arranged(v1, wide));
    stq(v2, p[1]);
  }

  // NEON has no 64-bit lane multiply: each lane in general registers (the
  // products are taken before the result may overwrite an operand).
  void i64x2_mul(const uint64_t* p) {
    Assembler& a = *a_;
    a.ldr(x9, slot_mem(p[2], 8));
    a.ldr(x10, slot_mem(p[3], 8));
    a.ldr(x11, slot_mem(p[2], 8, 8));
    a.ldr(x12, slot_mem(p[3], 8, 8));
    a.mul(x9, x9, x10);
    a.mul(x11, x11, x12);
    a.str(x9, slot_mem(p[1], 8));
    a.str(x11, slot_mem(p[1], 8, 8));
  }

  // Each lane's sign spread over the lane (sshr), kept at the lane's bit
  // (and with 1 << lane), summed across the lanes. For bytes the two halves'
  // masks are interleaved into 16-bit lanes first (low byte | high << 8).
  void bitmask(Opcode op, const uint64_t* p) {
    Assembler& a = *a_;
    static constexpr uint8_t kBytes[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    static constexpr uint16_t kHalves[8] = {1, 2, 4, 8, 16, 32, 64, 128};
    static constexpr uint32_t kWords[4] = {1, 2, 4, 8};
    if (op == Opcode::I64x2Bitmask) {  // two sign bits, from general registers
      a.ldr(x9, slot_mem(p[2], 8));
      a.ldr(x10, slot_mem(p[2], 8, 8));
      a.lsr(x9, x9, imm(63));
      a.lsr(x10, x10, imm(63));
      a.orr(w9, w9, w10, lsl(1));
      st(w9, p[1]);
      return;
    }
    ldq(v0, p[2]);
    switch (op) {
      case Opcode::I8x16Bitmask:
        a.sshr(v0.b16(), v0.b16(), imm(7));
        load_literal(v1, kBytes);
        a.and_(v0.b16(), v0.b16(), v1.b16());
        a.ext(v1.b16(), v0.b16(), v0.b16(), imm(8));
        a.zip1(v0.b16(), v0.b16(), v1.b16());
        a.addv(h0, v0.h8());
        break;
      case Opcode::I16x8Bitmask:
        a.sshr(v0.h8(), v0.h8(), imm(15));
        load_literal(v1, kHalves);
        a.and_(v0.b16(), v0.b16(), v1.b16());
        a.addv(h0, v0.h8());
        break;
      default:
        a.sshr(v0.s4(), v0.s4(), imm(31));
        load_literal(v1, kWords);
        a.and_(v0.b16(), v0.b16(), v1.b16());
        a.addv(s0, v0.s4());
        break;
    }
    a.fmov(w9, s0);  // (the scalar result cleared the rest of the register)
    st(w9, p[1]);
  }

  // any_true: some byte is not zero. all_true (lanes `arr`): no lane is
  // zero, i.e. cmeq #0 sets no byte.
  void any_or_all_true(const uint64_t* p, std::optional<Arr> arr) {
    Assembler& a = *a_;
    ldq(v0, p[2]);
    if (arr) a.cmeq(arranged(v0, *arr), arranged(v0, *arr), imm(0));
    a.umaxv(b0, v0.b16());
    a.fmov(w9, s0);
    a.cmp(w9, imm(0));
    set_bool(arr ? CondCode::kEQ : CondCode::kNE, p[1]);
  }

  void pmin_pmax(const uint64_t* p, Arr arr, bool max) {
    Assembler& a = *a_;
    ldq(v0, p[2]);
    ldq(v1, p[3]);
    const Vec x = arranged(v0, arr), y = arranged(v1, arr);
    if (max) a.fcmgt(arranged(v2, arr), y, x);  // b > a
    else a.fcmgt(arranged(v2, arr), x, y);      // a > b
    a.bsl(v2.b16(), v1.b16(), v0.b16());
    stq(v2, p[1]);
  }

  // dst, a, count: the count modulo the lane width, dup'd to every lane;
  // sshl/ushl shift left by a positive count and right by a negative one.
  bool shift(Opcode op, const uint64_t* p) {
    struct VShift {
      Opcode op;
      Arr arr;
      uint32_t bits;
      InstId inst;
      bool right;
    };
    static constexpr VShift kShifts[] = {
        {Opcode::I8x16Shl, Arr::B16, 8, Inst::kIdUshl_v, false},
        {Opcode::I8x16ShrS, Arr::B16, 8, Inst::kIdSshl_v, true},
        {Opcode::I8x16ShrU, Arr::B16, 8, Inst::kIdUshl_v, true},
        {Opcode::I16x8Shl, Arr::H8, 16, Inst::kIdUshl_v, false},
        {Opcode::I16x8ShrS, Arr::H8, 16, Inst::kIdSshl_v, true},
        {Opcode::I16x8ShrU, Arr::H8, 16, Inst::kIdUshl_v, true},
        {Opcode::I32x4Shl, Arr::S4, 32, Inst::kIdUshl_v, false},
        {Opcode::I32x4ShrS, Arr::S4, 32, Inst::kIdSshl_v, true},
        {Opcode::I32x4ShrU, Arr::S4, 32, Inst::kIdUshl_v, true},
        {Opcode::I64x2Shl, Arr::D2, 64, Inst::kIdUshl_v, false},
        {Opcode::I64x2ShrS, Arr::D2, 64, Inst::kIdSshl_v, true},
        {Opcode::I64x2ShrU, Arr::D2, 64, Inst::kIdUshl_v, true},
    };
    const auto it = std::find_if(std::begin(kShifts), std::end(kShifts), [&](const VShift& s) { return s.op == op; });
    if (it == std::end(kShifts)) return false;
    Assembler& a = *a_;
    ld(w9, p[3]);
    a.and_(w9, w9, imm(it->bits - 1));
    if (it->right) a.neg(x9, x9);  // (the and cleared x9's upper half)
    if (it->bits == 64) a.dup(v1.d2(), x9);
    else a.dup(arranged(v1, it->arr), w9);
    ldq(v0, p[2]);
    a.emit(it->inst, arranged(v0, it->arr), arranged(v0, it->arr), arranged(v1, it->arr));
    stq(v0, p[1]);
    return true;
  }

  StoreImpl& store_;
  FuncInstance& func_;
  const CompiledFunc& src_;
  NativeCode& out_;
  std::vector<const HandlerInfo*>* interpreted_;
  MemoryInstance* memi_ = nullptr;
  std::vector<Instr> instrs_;
  std::vector<size_t> targets_;
  CodeHolder code_;
  RecordingErrorHandler errors_;
  Assembler* a_ = nullptr;
  std::vector<Label> labels_;  // labels_[k]: targets_[k]'s
  TrapSites trap_sites_;
  size_t site_index_ = 0;  // the instruction being compiled
  size_t marked_index_ = SIZE_MAX;  // the instruction mark_site noted last
  std::vector<JumpTable> jump_tables_;
  std::vector<std::function<void()>> deferred_;
  std::vector<Literal> literals_;
  Label exit_, own_trap_, oob_, no_stack_at_entry_, internal_;
  bool guarded_ = false, registered_ = true;
};

}  // namespace

NativeEntry compile_a64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out,
                        std::vector<const HandlerInfo*>* interpreted) {
  return compile_guarded_else_explicit<A64Compiler>(store, func, source, out, interpreted);
}

}  // namespace mywasm::jit
