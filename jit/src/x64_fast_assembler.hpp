// An asmjit x86::Assembler that encodes the commonest general-register
// forms itself: the plain `mov` forms (a register from or to a register,
// an immediate, or memory addressed by a 64-bit base (and index) register
// with a displacement), and, called as its own typed overloads (as the
// x86-64 compiler calls them), the arithmetic group (add, or, and, sub,
// xor, cmp) on registers, memory and immediates, test, lea, imul, shifts
// by an immediate or cl, widening loads and moves, byte and word stores,
// stores of immediates, cmovcc, three-operand imul, the scalar SSE forms
// (moves, arithmetic, compares, conversions), lea of a label, jumps to
// labels (jmp, jcc), calls to labels and absolute addresses, calls and
// jumps through registers, push, pop and ret. asmjit's generic encoder spends 150-200 host
// instructions on each; the movs are most of what the compiler emits for
// big.wasm (88%), and the other forms were half of what was left for it
// and for -O2 programs (speedtest1, lua, zlib). The bytes are the ones
// asmjit's encoder chooses (tests/runtime/x64_fast_assembler_test.cpp
// compares every register, base, index, scale, displacement and immediate
// class); anything else, and any state asmjit would act on (instruction
// options, a logger or validation, a nearly full buffer), goes to asmjit's
// own encoder. (Only mov is recognised in the generic _emit as well:
// checking every instruction there for the other forms cost the other
// instructions what it saved.)
#pragma once
#include <asmjit/x86.h>

#include <cstdint>
#include <cassert>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

namespace mywasm::jit {

// Points `code` (just initialised) at `size` bytes at `data`, which it
// writes its text section into and never grows or frees: an instruction
// that does not fit fails (the compiler then retries with a larger buffer).
inline void use_fixed_buffer(asmjit::CodeHolder& code, uint8_t* data, size_t size) {
  asmjit::CodeBuffer& b = code.textSection()->_buffer;
  b._data = data;
  b._size = 0;
  b._capacity = size;
  b._flags = asmjit::CodeBufferFlags::kIsExternal | asmjit::CodeBufferFlags::kIsFixed;
}

class FastAssembler : public asmjit::x86::Assembler {
 public:
  explicit FastAssembler(asmjit::CodeHolder* code = nullptr) : asmjit::x86::Assembler(code) {
    // (The fix-up lists reuse the thread's storage: a compiler makes one
    // FastAssembler per function, and growing them cost allocations each
    // time. One made while another lives starts with its own.)
    label_jumps_.swap(spare().label_jumps);
    abs_calls_.swap(spare().abs_calls);
  }
  ~FastAssembler() override {
    label_jumps_.clear();
    abs_calls_.clear();
    if (label_jumps_.capacity() > spare().label_jumps.capacity()) label_jumps_.swap(spare().label_jumps);
    if (abs_calls_.capacity() > spare().abs_calls.capacity()) abs_calls_.swap(spare().abs_calls);
  }
  FastAssembler(const FastAssembler&) = delete;
  FastAssembler& operator=(const FastAssembler&) = delete;

  asmjit::Error _emit(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1,
                      const asmjit::Operand_& o2, const asmjit::Operand_* ext) override {
    if (id == asmjit::x86::Inst::kIdMov && o2.isNone() && ext[0].isNone() && fast_mov(o0, o1))
      return asmjit::kErrorOk;
    return asmjit::x86::Assembler::_emit(id, o0, o1, o2, ext);
  }

  // The plain movs called on a FastAssembler (as the x86-64 compiler
  // does): the same fast path, without asmjit's operand packing and
  // virtual call on the way to _emit; other forms go that way.
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::mov;
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::x86::Gp& src) { return typed_mov(dst, src); }
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::Imm& src) { return typed_mov(dst, src); }
  // (The frame-slot loads and stores: their operand kinds known here, only
  // their classes checked.)
  asmjit::Error mov(const asmjit::x86::Gp& dst, const asmjit::x86::Mem& src) {
    return typed_mem_mov(0x8B, dst, src) ? asmjit::kErrorOk : _emitI(asmjit::x86::Inst::kIdMov, dst, src);
  }
  asmjit::Error mov(const asmjit::x86::Mem& dst, const asmjit::x86::Gp& src) {
    return typed_mem_mov(0x89, src, dst) ? asmjit::kErrorOk : _emitI(asmjit::x86::Inst::kIdMov, dst, src);
  }

  // The arithmetic group (encodings at arith_two, which emit(id, a, b)
  // takes too).
#define MYWASM_FAST_ARITH(name, Id)                                                   \
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::name;                \
  asmjit::Error name(const asmjit::x86::Gp& d, const asmjit::x86::Gp& s) {          \
    return typed(arith_two(arith_ext(asmjit::x86::Inst::Id), d, s), asmjit::x86::Inst::Id, d, s); \
  }                                                                                   \
  asmjit::Error name(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {         \
    return typed(arith_two(arith_ext(asmjit::x86::Inst::Id), d, m), asmjit::x86::Inst::Id, d, m); \
  }                                                                                   \
  asmjit::Error name(const asmjit::x86::Mem& m, const asmjit::x86::Gp& s) {         \
    return typed(arith_two(arith_ext(asmjit::x86::Inst::Id), m, s), asmjit::x86::Inst::Id, m, s); \
  }                                                                                   \
  asmjit::Error name(const asmjit::x86::Gp& d, const asmjit::Imm& v) {              \
    return typed(arith_two(arith_ext(asmjit::x86::Inst::Id), d, v), asmjit::x86::Inst::Id, d, v); \
  }
  MYWASM_FAST_ARITH(add, kIdAdd)
  MYWASM_FAST_ARITH(or_, kIdOr)
  MYWASM_FAST_ARITH(and_, kIdAnd)
  MYWASM_FAST_ARITH(sub, kIdSub)
  MYWASM_FAST_ARITH(xor_, kIdXor)
  MYWASM_FAST_ARITH(cmp, kIdCmp)
#undef MYWASM_FAST_ARITH
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::lea;
  asmjit::Error lea(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {  // 8D /r
    if (m.hasBaseLabel()) return typed(lea_label(d, m), asmjit::x86::Inst::kIdLea, d, m);
    return typed(reg_mem_form(0x8D, d, m, false), asmjit::x86::Inst::kIdLea, d, m);
  }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::imul;
  asmjit::Error imul(const asmjit::x86::Gp& d, const asmjit::x86::Gp& s) {  // 0F AF /r, d in the reg field
    return typed(reg_rm_rr(0x0F, 0xAF, d, s), asmjit::x86::Inst::kIdImul, d, s);
  }
  asmjit::Error imul(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    return typed(reg_mem_form(0xAF, d, m, true, 0x0F), asmjit::x86::Inst::kIdImul, d, m);
  }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::test;
  asmjit::Error test(const asmjit::x86::Gp& a, const asmjit::x86::Gp& b) {  // 85 /r, b in the reg field
    return typed(reg_rm_rr(0, 0x85, b, a), asmjit::x86::Inst::kIdTest, a, b);
  }
  // Shifts and rotates by an immediate: C1 /ext ib (D1 /ext by 1).
#define MYWASM_FAST_SHIFT(name, Id)                                                        \
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::name;                     \
  asmjit::Error name(const asmjit::x86::Gp& d, const asmjit::Imm& n) {                   \
    return typed(shift_ri(shift_ext(asmjit::x86::Inst::Id), d, n), asmjit::x86::Inst::Id, d, n); \
  }
  MYWASM_FAST_SHIFT(rol, kIdRol)
  MYWASM_FAST_SHIFT(ror, kIdRor)
  MYWASM_FAST_SHIFT(shl, kIdShl)
  MYWASM_FAST_SHIFT(shr, kIdShr)
  MYWASM_FAST_SHIFT(sar, kIdSar)
#undef MYWASM_FAST_SHIFT
  // Widening loads: movzx/movsx r, byte or word [m] (0F B6/B7, 0F BE/BF),
  // movsxd r64, dword [m] (REX.W 63).
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::movzx;
  asmjit::Error movzx(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    return typed(widening_load(0xB6, d, m), asmjit::x86::Inst::kIdMovzx, d, m);
  }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::movsx;
  asmjit::Error movsx(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    return typed(widening_load(0xBE, d, m), asmjit::x86::Inst::kIdMovsx, d, m);
  }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::movsxd;
  asmjit::Error movsxd(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    return typed(sign_extending_load(d, m), asmjit::x86::Inst::kIdMovsxd, d, m);
  }
  // mov dword/qword [m], simm32: C7 /0 id.
  asmjit::Error mov(const asmjit::x86::Mem& m, const asmjit::Imm& v) {
    return typed(store_imm(m, v), asmjit::x86::Inst::kIdMov, m, v);
  }

  // Jumps to labels. A label already bound (a jump back) gets the short
  // form where the distance fits a byte, else rel32, as asmjit's encoder
  // chooses; a label not bound yet gets the rel32 form with its
  // displacement left to resolve_label_jumps(), which the compiler calls
  // once every label is bound (asmjit links each such jump in its zone and
  // patches it at the bind: a third of what asmjit's encoder still did
  // for -O2 programs).
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::jmp;
  asmjit::Error jmp(const asmjit::Label& target) { return typed(jump(0xEB, 0, 0xE9, target), asmjit::x86::Inst::kIdJmp, target); }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::j;
  asmjit::Error j(asmjit::x86::CondCode cc, const asmjit::Label& target) {
    const auto c = uint8_t(cc) & 15;
    return typed(jump(uint8_t(0x70 | c), 0x0F, uint8_t(0x80 | c), target), asmjit::x86::Inst::jccFromCond(cc), target);
  }
#define MYWASM_FAST_JCC(name, Cc)                                     \
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::name; \
  asmjit::Error name(const asmjit::Label& target) { return j(asmjit::x86::CondCode::Cc, target); }
  MYWASM_FAST_JCC(jo, kO)
  MYWASM_FAST_JCC(jb, kB)
  MYWASM_FAST_JCC(jae, kAE)
  MYWASM_FAST_JCC(je, kE)
  MYWASM_FAST_JCC(jz, kZ)
  MYWASM_FAST_JCC(jne, kNE)
  MYWASM_FAST_JCC(jnz, kNZ)
  MYWASM_FAST_JCC(jbe, kBE)
  MYWASM_FAST_JCC(ja, kA)
  MYWASM_FAST_JCC(js, kS)
  MYWASM_FAST_JCC(jns, kNS)
  MYWASM_FAST_JCC(jp, kP)
  MYWASM_FAST_JCC(jnp, kNP)
  MYWASM_FAST_JCC(jl, kL)
  MYWASM_FAST_JCC(jge, kGE)
  MYWASM_FAST_JCC(jle, kLE)
  MYWASM_FAST_JCC(jg, kG)
#undef MYWASM_FAST_JCC
  // The scalar SSE forms (f32/f64 values in xmm registers): moves,
  // arithmetic, compares and conversions, encodings at sse_two, which
  // emit(id, a, b) takes too.
#define MYWASM_FAST_SSE(name, Id, A, B)                                                   \
  asmjit::Error name(const A& a, const B& b) {                                            \
    return typed(sse_two(asmjit::x86::Inst::Id, a, b), asmjit::x86::Inst::Id, a, b);      \
  }
#define MYWASM_FAST_SSE_OPS(name, Id)                                   \
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::name;  \
  MYWASM_FAST_SSE(name, Id, asmjit::x86::Xmm, asmjit::x86::Xmm)         \
  MYWASM_FAST_SSE(name, Id, asmjit::x86::Xmm, asmjit::x86::Mem)
  MYWASM_FAST_SSE_OPS(movsd, kIdMovsd)
  MYWASM_FAST_SSE(movsd, kIdMovsd, asmjit::x86::Mem, asmjit::x86::Xmm)
  MYWASM_FAST_SSE_OPS(movss, kIdMovss)
  MYWASM_FAST_SSE(movss, kIdMovss, asmjit::x86::Mem, asmjit::x86::Xmm)
  MYWASM_FAST_SSE_OPS(movaps, kIdMovaps)
  MYWASM_FAST_SSE_OPS(xorps, kIdXorps)
  MYWASM_FAST_SSE_OPS(andps, kIdAndps)
  MYWASM_FAST_SSE_OPS(ucomisd, kIdUcomisd)
  MYWASM_FAST_SSE_OPS(ucomiss, kIdUcomiss)
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::movq;
  MYWASM_FAST_SSE(movq, kIdMovq, asmjit::x86::Xmm, asmjit::x86::Gp)
  MYWASM_FAST_SSE(movq, kIdMovq, asmjit::x86::Gp, asmjit::x86::Xmm)
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::movd;
  MYWASM_FAST_SSE(movd, kIdMovd, asmjit::x86::Xmm, asmjit::x86::Gp)
  MYWASM_FAST_SSE(movd, kIdMovd, asmjit::x86::Gp, asmjit::x86::Xmm)
#undef MYWASM_FAST_SSE_OPS
#undef MYWASM_FAST_SSE
  // cmovcc r, r or [m]: 0F 40+cc /r, the destination in the reg field.
  asmjit::Error cmov(asmjit::x86::CondCode cc, const asmjit::x86::Gp& d, const asmjit::Operand_& s) {
    const auto opcode = uint8_t(0x40 | (uint8_t(cc) & 15));
    const bool encoded = s.isReg() ? reg_rm_rr(0x0F, opcode, d, s.as<asmjit::x86::Gp>())
                                   : s.isMem() && reg_mem_form(opcode, d, s.as<asmjit::x86::Mem>(), true, 0x0F);
    return typed(encoded, asmjit::x86::Inst::cmovccFromCond(cc), d, s);
  }
  // imul r, r, imm: 6B /r ib where the value fits a byte, else 69 /r id.
  asmjit::Error imul(const asmjit::x86::Gp& d, const asmjit::x86::Gp& s, const asmjit::Imm& v) {
    uint32_t r, size, m, m_size;
    int64_t value;
    if (!fast_ready() || !gp(d, r, size) || !gp(s, m, m_size) || m_size != size || !simm32(v, value))
      return _emitI(asmjit::x86::Inst::kIdImul, d, s, v);
    uint8_t* p = _bufferPtr;
    rex(p, size == 8, r, 0, m);
    const bool byte = value >= -128 && value <= 127;
    *p++ = byte ? 0x6B : 0x69;
    *p++ = uint8_t(0xC0 | (r & 7) << 3 | (m & 7));
    if (byte) *p++ = uint8_t(int8_t(value));
    else put_imm32(p, value);
    done(p);
    return ++fast_count_, asmjit::kErrorOk;
  }
  // Widening moves from byte and word registers: movzx/movsx r, r8/r16
  // (0F B6/B7, 0F BE/BF), and movsxd r64, r32 (REX.W 63).
  asmjit::Error movzx(const asmjit::x86::Gp& d, const asmjit::x86::Gp& s) {
    return typed(widening_rr(0x0F, 0xB6, d, s), asmjit::x86::Inst::kIdMovzx, d, s);
  }
  asmjit::Error movsx(const asmjit::x86::Gp& d, const asmjit::x86::Gp& s) {
    return typed(widening_rr(0x0F, 0xBE, d, s), asmjit::x86::Inst::kIdMovsx, d, s);
  }
  asmjit::Error movsxd(const asmjit::x86::Gp& d, const asmjit::x86::Gp& s) {
    return typed(d.size() == 8 && s.size() == 4 && reg_rm_rr(0, 0x63, d, s.r64()) , asmjit::x86::Inst::kIdMovsxd, d, s);
  }
  // Calls and jumps through a 64-bit register (FF /2, FF /4), push and
  // pop (50+r, 58+r) and ret: the entry and exit paths and calls out.
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::call;
  asmjit::Error call(const asmjit::x86::Gp& r) { return typed(one_reg(0xFF, 0xD0, r), asmjit::x86::Inst::kIdCall, r); }
  // Jumps to code offsets, for a compiler that keeps its own branch
  // targets (an asmjit label costs an allocation): `target` an offset
  // already known (a jump back: the short form where it reaches, as
  // jump() chooses; 0 returned), or SIZE_MAX for one not known yet (rel32,
  // its displacement field's offset returned for patch_rel32). SIZE_MAX
  // when the buffer is full (reported as asmjit's kErrorTooLarge).
  size_t jump_to(uint8_t short_opcode, uint8_t escape, uint8_t near_opcode, size_t target) {
    if (!fast_ready()) {
      reportError(asmjit::DebugUtils::errored(asmjit::kErrorTooLarge));
      return SIZE_MAX;
    }
    uint8_t* p = _bufferPtr;
    if (target != SIZE_MAX) {
      const int64_t short_disp = int64_t(target) - int64_t(p - _bufferData + 2);
      if (short_disp >= -128 && short_disp <= 127) {
        *p++ = short_opcode;
        *p++ = uint8_t(int8_t(short_disp));
        done(p);
        return ++fast_count_, 0;
      }
    }
    if (escape) *p++ = escape;
    *p++ = near_opcode;
    const auto field = size_t(p - _bufferData);
    put_imm32(p, target == SIZE_MAX ? 0 : int64_t(target) - int64_t(field + 4));
    done(p);
    ++fast_count_;
    return target == SIZE_MAX ? field : 0;
  }
  // Four bytes to patch later (a jump table's entry); its offset, or
  // SIZE_MAX when the buffer is full.
  size_t embed_rel32() {
    if (!fast_ready()) {
      reportError(asmjit::DebugUtils::errored(asmjit::kErrorTooLarge));
      return SIZE_MAX;
    }
    uint8_t* p = _bufferPtr;
    const auto field = size_t(p - _bufferData);
    put_imm32(p, 0);
    done(p);
    return field;
  }
  // Up to 16 bytes of code as they are (a fixed sequence), without
  // asmjit's embed.
  asmjit::Error bytes(const uint8_t* data, size_t n) {
    if (!fast_ready() || n > 16) return embed(data, n);
    uint8_t* p = _bufferPtr;
    std::memcpy(p, data, n);
    done(p + n);
    return asmjit::kErrorOk;
  }
  // Pads with no-ops to a multiple of 16 bytes (a loop header), in the
  // fewest of the recommended multi-byte NOP forms (0F 1F /0, 66-prefixed
  // for the odd lengths), without asmjit's align.
  asmjit::Error align16() {
    static constexpr uint8_t kNops[9][9] = {
        {0x90},
        {0x66, 0x90},
        {0x0F, 0x1F, 0x00},
        {0x0F, 0x1F, 0x40, 0x00},
        {0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    if (!fast_ready()) return align(asmjit::AlignMode::kCode, 16);
    size_t pad = (16 - size_t(_bufferPtr - _bufferData) % 16) % 16;
    uint8_t* p = _bufferPtr;
    while (pad) {
      const size_t n = pad > 9 ? 9 : pad;
      std::memcpy(p, kNops[n - 1], n);
      p += n;
      pad -= n;
    }
    done(p);
    return asmjit::kErrorOk;
  }
  // Writes target - base into the 4 bytes at `field`.
  void patch_rel32(size_t field, size_t base, size_t target) {
    const auto d32 = int32_t(int64_t(target) - int64_t(base));
    std::memcpy(_section->_buffer.data() + field, &d32, 4);
  }

  // setcc r8 (0F 90+cc /0) and movzx r32, r8 (0F B6 /r): a compare's
  // result as an integer. A byte register 4-7 is spl..dil (a REX prefix),
  // never ah..bh.
  asmjit::Error setcc8(asmjit::x86::CondCode cc, uint32_t reg) {
    if (!fast_ready() || reg >= 16) return _emitI(asmjit::x86::Inst::setccFromCond(cc), asmjit::x86::gpb(reg));
    uint8_t* p = _bufferPtr;
    rex_byte(p, false, 0, 0, reg, reg);
    *p++ = 0x0F;
    *p++ = uint8_t(0x90 | (uint8_t(cc) & 15));
    *p++ = uint8_t(0xC0 | (reg & 7));
    done(p);
    return ++fast_count_, asmjit::kErrorOk;
  }

  // call rel32 to a label (E8; no short form), resolved as the jumps are.
  asmjit::Error call(const asmjit::Label& target) {
    return typed(jump(0, 0, 0xE8, target), asmjit::x86::Inst::kIdCall, target);
  }
  // call to an absolute address (another function's code) as asmjit
  // encodes one that reaches: 40 E8 rel32 (the REX byte keeps room for
  // the 6-byte far form). The displacement waits for the code's address:
  // resolve_abs_calls.
  asmjit::Error call_abs(uint64_t target) {
    if (!fast_ready()) return call(asmjit::Imm(target));
    uint8_t* p = _bufferPtr;
    *p++ = 0x40;
    *p++ = 0xE8;
    abs_calls_.push_back({size_t(p - _bufferData), target});
    put_imm32(p, 0);
    done(p);
    return ++fast_count_, asmjit::kErrorOk;
  }
  // Writes each call_abs's displacement into `text` (the flattened code,
  // to be placed at `base`); false when one is out of reach (more than
  // 2 GB away: the caller compiles again with asmjit's call, which takes
  // the far form there).
  bool resolve_abs_calls(uint8_t* text, uint64_t base) const {
    for (const AbsCall& c : abs_calls_) {
      const int64_t disp = int64_t(c.target - (base + c.rel32 + 4));
      if (disp != int64_t(int32_t(disp))) return false;
      const auto d32 = int32_t(disp);
      std::memcpy(text + c.rel32, &d32, 4);
    }
    return true;
  }
  asmjit::Error jmp(const asmjit::x86::Gp& r) { return typed(one_reg(0xFF, 0xE0, r), asmjit::x86::Inst::kIdJmp, r); }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::push;
  asmjit::Error push(const asmjit::x86::Gp& r) { return typed(one_reg(0, 0x50, r), asmjit::x86::Inst::kIdPush, r); }
  using asmjit::x86::EmitterExplicitT<asmjit::x86::Assembler>::pop;
  asmjit::Error pop(const asmjit::x86::Gp& r) { return typed(one_reg(0, 0x58, r), asmjit::x86::Inst::kIdPop, r); }
  using asmjit::x86::EmitterImplicitT<asmjit::x86::Assembler>::ret;
  asmjit::Error ret() {
    if (!fast_ready()) return _emitI(asmjit::x86::Inst::kIdRet);
    uint8_t* p = _bufferPtr;
    *p++ = 0xC3;
    done(p);
    return ++fast_count_, asmjit::kErrorOk;
  }

  // Writes the displacement of every jump this encoder left waiting for
  // its label; false when a label was never bound (the code is unusable).
  bool resolve_label_jumps() {
    uint8_t* text = _section->_buffer.data();
    for (const LabelJump& jump : label_jumps_) {
      if (!_code->isLabelBound(jump.label)) return false;
      const int64_t disp = int64_t(_code->labelOffset(jump.label)) + jump.addend - int64_t(jump.rel32 + 4);
      const auto d32 = int32_t(disp);
      std::memcpy(text + jump.rel32, &d32, 4);
    }
    label_jumps_.clear();
    return true;
  }

  // emit(id, a, b), as the compiler emits the instructions its tables
  // choose: the same forms (and mov) encoded here where the operands allow.
  template <typename... Args>
  asmjit::Error emit(asmjit::InstId id, Args&&... operands) {
    if constexpr (sizeof...(Args) == 2 && (std::is_base_of_v<asmjit::Operand_, std::decay_t<Args>> && ...)) {
      if (emit_two(id, operands...)) return ++fast_count_, asmjit::kErrorOk;
    }
    return asmjit::x86::Assembler::emit(id, std::forward<Args>(operands)...);
  }

  // mov between general register `reg` (4 or 8 bytes) and [base + disp]
  // (`store`: to memory), from register ids: the frame-slot loads and
  // stores a compiler emits most, without building operands. The bytes are
  // mov's above (8B/89 with the same ModRM choices).
  asmjit::Error mov_disp(bool store, uint32_t reg, uint32_t size, uint32_t base, int32_t disp) {
    if (!fast_ready() || (base & 7) == 4) {
      const asmjit::x86::Gp r = size == 8 ? asmjit::x86::Gp(asmjit::x86::gpq(reg)) : asmjit::x86::Gp(asmjit::x86::gpd(reg));
      const asmjit::x86::Mem m(asmjit::x86::gpq(base), disp, size);
      return store ? _emitI(asmjit::x86::Inst::kIdMov, m, r) : _emitI(asmjit::x86::Inst::kIdMov, r, m);
    }
    uint8_t* p = _bufferPtr;
    rex(p, size == 8, reg, 0, base);
    *p++ = store ? 0x89 : 0x8B;
    const uint32_t mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    *p++ = uint8_t(mod << 6 | (reg & 7) << 3 | (base & 7));
    if (mod == 1) {
      *p++ = uint8_t(int8_t(disp));
    } else if (mod == 2) {
      std::memcpy(p, &disp, 4);
      p += 4;
    }
    done(p);
    return ++fast_count_, asmjit::kErrorOk;
  }

  // How many instructions this encoder wrote itself (for tests).
  size_t fast_count() const { return fast_count_; }

 private:
  [[gnu::always_inline]] asmjit::Error typed_mov(const asmjit::Operand_& o0, const asmjit::Operand_& o1) {
    if (fast_mov(o0, o1)) return asmjit::kErrorOk;
    return _emitI(asmjit::x86::Inst::kIdMov, o0, o1);
  }
  // Encodes mov o0, o1 itself where it can (and counts it).
  [[gnu::always_inline]] bool fast_mov(const asmjit::Operand_& o0, const asmjit::Operand_& o1) {
    if (!fast_ready() || !emit_mov(o0, o1)) return false;
    ++fast_count_;
    return true;
  }
  // mov between `reg` and `m` (opcode 8B: a load, 89: a store), encoded
  // here where it can be (and counted).
  [[gnu::always_inline]] bool typed_mem_mov(uint8_t opcode, const asmjit::x86::Gp& reg, const asmjit::x86::Mem& m) {
    uint32_t id, size;
    if (!fast_ready() || !gp(reg, id, size) || !simple_mem(m)) return false;
    uint8_t* p = _bufferPtr;
    reg_mem(p, opcode, id, size, m);
    done(p);
    ++fast_count_;
    return true;
  }
  // Whether nothing asmjit would act on is set and the buffer has room for
  // any mov this encoder writes.
  bool fast_ready() const { return plain_state() && size_t(_bufferEnd - _bufferPtr) >= 16; }
  // (The compilers never set an extra register, rep(reg) or k(), nor an
  // inline comment: only the option words are read on each emit, the
  // others checked in debug builds.)
  bool plain_state() const {
    assert(!extraReg().isReg() && inlineComment() == nullptr);
    return (uint32_t(instOptions()) | uint32_t(forcedInstOptions())) == 0;
  }
  // A 32- or 64-bit general register: its id, its width in bytes.
  [[gnu::always_inline]] static bool gp(const asmjit::Operand_& o, uint32_t& id, uint32_t& size) {
    if (!o.isReg()) return false;
    const auto& r = o.as<asmjit::BaseReg>();
    if (r.type() == asmjit::RegType::kX86_Gpd) size = 4;
    else if (r.type() == asmjit::RegType::kX86_Gpq) size = 8;
    else return false;
    id = r.id();
    return id < 16;
  }
  // [base + index << shift + disp] with 64-bit registers and nothing else.
  [[gnu::always_inline]] static bool simple_mem(const asmjit::Operand_& o) {
    if (!o.isMem()) return false;
    const auto& m = o.as<asmjit::x86::Mem>();
    if (m.baseType() != asmjit::RegType::kX86_Gpq || m.baseId() >= 16 || m.hasSegment() ||
        m.addrType() != asmjit::x86::Mem::AddrType::kDefault || m.isRegHome() || m.hasBroadcast())
      return false;
    if (m.hasIndex() && (m.indexType() != asmjit::RegType::kX86_Gpq || m.indexId() >= 16 || m.indexId() == 4))
      return false;
    return true;
  }
  static void rex(uint8_t*& p, bool w, uint32_t r, uint32_t x, uint32_t b) {
    const uint8_t bits = uint8_t((w ? 8 : 0) | (r >> 3) << 2 | (x >> 3) << 1 | (b >> 3));
    if (bits) *p++ = uint8_t(0x40 | bits);
  }
  // rex() for a form with byte register `byte_reg` (one of r, b): a byte
  // register 4-7 is spl..dil only with a REX prefix (else ah..bh), so it
  // gets one even with no bit set.
  static void rex_byte(uint8_t*& p, bool w, uint32_t r, uint32_t x, uint32_t b, uint32_t byte_reg) {
    const uint8_t bits = uint8_t((w ? 8 : 0) | (r >> 3) << 2 | (x >> 3) << 1 | (b >> 3));
    if (bits || (byte_reg >= 4 && byte_reg < 8)) *p++ = uint8_t(0x40 | bits);
  }
  // ModRM (and SIB, displacement) for register field `r` and memory `m`.
  [[gnu::always_inline]] static void modrm_mem(uint8_t*& p, uint32_t r, const asmjit::x86::Mem& m) {
    const uint32_t base = m.baseId() & 7;
    const int32_t disp = m.offsetLo32();
    const uint32_t mod = (disp == 0 && base != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    if (m.hasIndex()) {
      *p++ = uint8_t(mod << 6 | (r & 7) << 3 | 4);
      *p++ = uint8_t(m.shift() << 6 | (m.indexId() & 7) << 3 | base);
    } else if (base == 4) {
      *p++ = uint8_t(mod << 6 | (r & 7) << 3 | 4);
      *p++ = 0x24;
    } else {
      *p++ = uint8_t(mod << 6 | (r & 7) << 3 | base);
    }
    if (mod == 1) {
      *p++ = uint8_t(int8_t(disp));
    } else if (mod == 2) {
      std::memcpy(p, &disp, 4);
      p += 4;
    }
  }
  // REX, [escape,] `opcode` (8B or 89: mov r, [m] or mov [m], r, ...) and
  // ModRM for register (or /digit) `r` of `size` bytes and memory `m`.
  [[gnu::always_inline]] static void reg_mem(uint8_t*& p, uint8_t opcode, uint32_t r, uint32_t size,
                                             const asmjit::x86::Mem& m, uint8_t escape = 0) {
    rex(p, size == 8, r, m.hasIndex() ? m.indexId() : 0, m.baseId());
    if (escape) *p++ = escape;
    *p++ = opcode;
    modrm_mem(p, r, m);
  }
  void done(uint8_t* p) {
    _bufferPtr = p;
    asmjit::CodeBuffer& b = _section->_buffer;
    const size_t size = size_t(p - _bufferData);
    if (b._size < size) b._size = size;
  }

  [[gnu::always_inline]] bool emit_mov(const asmjit::Operand_& o0, const asmjit::Operand_& o1) {
    uint8_t* p = _bufferPtr;
    uint32_t dst, dst_size, src, src_size;
    if (gp(o0, dst, dst_size)) {
      if (gp(o1, src, src_size)) {  // mov r, r: 89 /r (the source in the reg field)
        if (src_size != dst_size) return false;
        rex(p, dst_size == 8, src, 0, dst);
        *p++ = 0x89;
        *p++ = uint8_t(0xC0 | (src & 7) << 3 | (dst & 7));
      } else if (simple_mem(o1)) {  // mov r, [m]: 8B /r
        reg_mem(p, 0x8B, dst, dst_size, o1.as<asmjit::x86::Mem>());
      } else if (o1.isImm()) {
        const uint64_t v = o1.as<asmjit::Imm>().valueAs<uint64_t>();
        const bool simm32 = int64_t(v) >= INT32_MIN && int64_t(v) <= INT32_MAX;
        if (dst_size == 8 && simm32) {  // mov r/m64, simm32: REX.W C7 /0
          rex(p, true, 0, 0, dst);
          *p++ = 0xC7;
          *p++ = uint8_t(0xC0 | (dst & 7));
          const int32_t v32 = int32_t(int64_t(v));
          std::memcpy(p, &v32, 4);
          p += 4;
        } else if (dst_size == 4) {  // mov r32, imm32: B8+r (asmjit writes r64 as movabs beyond simm32)
          rex(p, false, 0, 0, dst);
          *p++ = uint8_t(0xB8 | (dst & 7));
          const uint32_t v32 = uint32_t(v);
          std::memcpy(p, &v32, 4);
          p += 4;
        } else {  // movabs: REX.W B8+r imm64
          rex(p, true, 0, 0, dst);
          *p++ = uint8_t(0xB8 | (dst & 7));
          std::memcpy(p, &v, 8);
          p += 8;
        }
      } else {
        return false;
      }
    } else if (simple_mem(o0) && gp(o1, src, src_size)) {  // mov [m], r: 89 /r
      reg_mem(p, 0x89, src, src_size, o0.as<asmjit::x86::Mem>());
    } else if (!simple_mem(o0) || !narrow_store(p, o0.as<asmjit::x86::Mem>(), o1)) {
      return false;
    }
    done(p);
    return true;
  }
  // mov [m], r8 (88 /r: a byte register 4-7 is spl..dil, a REX prefix) or
  // r16 (66 89 /r).
  [[gnu::noinline]] static bool narrow_store(uint8_t*& p, const asmjit::x86::Mem& m, const asmjit::Operand_& o) {
    if (!o.isReg()) return false;
    const auto& r = o.as<asmjit::BaseReg>();
    const uint32_t id = r.id(), index = m.hasIndex() ? m.indexId() : 0;
    if (id >= 16) return false;
    if (r.type() == asmjit::RegType::kX86_GpbLo) {
      rex_byte(p, false, id, index, m.baseId(), id);
      *p++ = 0x88;
    } else if (r.type() == asmjit::RegType::kX86_Gpw) {
      *p++ = 0x66;
      rex(p, false, id, index, m.baseId());
      *p++ = 0x89;
    } else {
      return false;
    }
    modrm_mem(p, id, m);
    return true;
  }

  // The arithmetic group's /ext digit for `id` (-1: not of the group).
  static constexpr int arith_ext(asmjit::InstId id) {
    namespace Inst = asmjit::x86::Inst;
    switch (id) {
      case Inst::kIdAdd: return 0;
      case Inst::kIdOr: return 1;
      case Inst::kIdAnd: return 4;
      case Inst::kIdSub: return 5;
      case Inst::kIdXor: return 6;
      case Inst::kIdCmp: return 7;
      default: return -1;
    }
  }
  bool emit_two(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1) {
    namespace x86 = asmjit::x86;
    if (const int ext = arith_ext(id); ext >= 0) return arith_two(ext, o0, o1);
    switch (id) {
      case x86::Inst::kIdMov:
        if (fast_ready() && emit_mov(o0, o1)) return true;
        return o0.isMem() && o1.isImm() && store_imm(o0.as<x86::Mem>(), o1.as<asmjit::Imm>());
      case x86::Inst::kIdTest:
        return o0.isReg() && o1.isReg() && reg_rm_rr(0, 0x85, o1.as<x86::Gp>(), o0.as<x86::Gp>());
      case x86::Inst::kIdRol: case x86::Inst::kIdRor: case x86::Inst::kIdShl: case x86::Inst::kIdShr:
      case x86::Inst::kIdSar:
        if (o0.isReg() && o1.isReg()) return shift_cl(shift_ext(id), o0.as<x86::Gp>(), o1.as<x86::Gp>());
        return o0.isReg() && o1.isImm() && shift_ri(shift_ext(id), o0.as<x86::Gp>(), o1.as<asmjit::Imm>());
      case x86::Inst::kIdMovzx: return o0.isReg() && o1.isMem() && widening_load(0xB6, o0.as<x86::Gp>(), o1.as<x86::Mem>());
      case x86::Inst::kIdMovsx: return o0.isReg() && o1.isMem() && widening_load(0xBE, o0.as<x86::Gp>(), o1.as<x86::Mem>());
      case x86::Inst::kIdMovsxd: return o0.isReg() && o1.isMem() && sign_extending_load(o0.as<x86::Gp>(), o1.as<x86::Mem>());
      case x86::Inst::kIdImul:
        if (!o0.isReg()) return false;
        if (o1.isReg()) return reg_rm_rr(0x0F, 0xAF, o0.as<x86::Gp>(), o1.as<x86::Gp>());
        return o1.isMem() && reg_mem_form(0xAF, o0.as<x86::Gp>(), o1.as<x86::Mem>(), true, 0x0F);
      default: return sse_two(id, o0, o1);
    }
  }
  // The arithmetic group: `op r, r` as opcode 8*ext+1 (the source in the
  // reg field, asmjit's choice), `op r, [m]` 8*ext+3, `op r, imm` 83 /ext
  // ib when the value fits a byte, else 8*ext+5 id on eax/rax, else
  // 81 /ext id; `op [m], r` 8*ext+1, `op [m], imm` 83 or 81 /ext.
  [[gnu::always_inline]] bool arith_two(int ext, const asmjit::Operand_& o0, const asmjit::Operand_& o1) {
    namespace x86 = asmjit::x86;
    if (o0.isReg()) {
      if (o1.isReg()) return reg_rm_rr(0, uint8_t(ext * 8 + 1), o1.as<x86::Gp>(), o0.as<x86::Gp>());
      if (o1.isMem()) return reg_mem_form(uint8_t(ext * 8 + 3), o0.as<x86::Gp>(), o1.as<x86::Mem>(), true);
      return o1.isImm() && arith_ri(uint8_t(ext), o0.as<x86::Gp>(), o1.as<asmjit::Imm>());
    }
    if (!o0.isMem()) return false;
    if (o1.isReg()) return reg_mem_form(uint8_t(ext * 8 + 1), o1.as<x86::Gp>(), o0.as<x86::Mem>(), true);
    return o1.isImm() && mem_imm(uint8_t(ext), o0.as<x86::Mem>(), o1.as<asmjit::Imm>());
  }
  // shl/shr/sar/rol/ror r, cl: D3 /ext.
  [[gnu::noinline]] bool shift_cl(uint8_t ext, const asmjit::x86::Gp& d, const asmjit::x86::Gp& count) {
    uint32_t r, size;
    if (!fast_ready() || !gp(d, r, size) || count.type() != asmjit::RegType::kX86_GpbLo || count.id() != 1) return false;
    uint8_t* p = _bufferPtr;
    rex(p, size == 8, 0, 0, r);
    *p++ = 0xD3;
    *p++ = uint8_t(0xC0 | ext << 3 | (r & 7));
    done(p);
    return true;
  }
  static bool is_xmm(const asmjit::Operand_& o) {
    return o.isReg() && o.as<asmjit::BaseReg>().type() == asmjit::RegType::kX86_Xmm && o.as<asmjit::BaseReg>().id() < 16;
  }
  // The scalar SSE forms: [66|F2|F3] [REX] 0F opcode /r, an xmm register
  // in the reg field; in r/m an xmm register or memory, or (movd, movq:
  // only) a general register of the form's width, or (cvtsi2sd/ss) a
  // general register or memory of either width (REX.W for 64 bits).
  [[gnu::noinline]] bool sse_two(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1) {
    namespace Inst = asmjit::x86::Inst;
    enum RmKind : uint8_t { kXmmOrMem, kGp32, kGp64, kIntSource };
    uint8_t prefix = 0, opcode;
    RmKind kind = kXmmOrMem;
    const asmjit::Operand_* reg = &o0;
    const asmjit::Operand_* rm = &o1;
    switch (id) {
      case Inst::kIdMovsd: case Inst::kIdMovss: case Inst::kIdMovaps:
        prefix = id == Inst::kIdMovsd ? 0xF2 : id == Inst::kIdMovss ? 0xF3 : 0;
        opcode = id == Inst::kIdMovaps ? 0x28 : 0x10;
        if (o0.isMem()) {  // the store form (0F 11, 0F 29)
          std::swap(reg, rm);
          ++opcode;
        }
        break;
      case Inst::kIdMovd: case Inst::kIdMovq:
        prefix = 0x66;
        kind = id == Inst::kIdMovq ? kGp64 : kGp32;
        opcode = 0x6E;
        if (!is_xmm(o0)) {  // to a general register: 0F 7E, the xmm register in the reg field
          std::swap(reg, rm);
          opcode = 0x7E;
        }
        break;
      case Inst::kIdAddsd: prefix = 0xF2, opcode = 0x58; break;
      case Inst::kIdMulsd: prefix = 0xF2, opcode = 0x59; break;
      case Inst::kIdSubsd: prefix = 0xF2, opcode = 0x5C; break;
      case Inst::kIdDivsd: prefix = 0xF2, opcode = 0x5E; break;
      case Inst::kIdSqrtsd: prefix = 0xF2, opcode = 0x51; break;
      case Inst::kIdAddss: prefix = 0xF3, opcode = 0x58; break;
      case Inst::kIdMulss: prefix = 0xF3, opcode = 0x59; break;
      case Inst::kIdSubss: prefix = 0xF3, opcode = 0x5C; break;
      case Inst::kIdDivss: prefix = 0xF3, opcode = 0x5E; break;
      case Inst::kIdSqrtss: prefix = 0xF3, opcode = 0x51; break;
      case Inst::kIdUcomisd: prefix = 0x66, opcode = 0x2E; break;
      case Inst::kIdUcomiss: opcode = 0x2E; break;
      case Inst::kIdXorps: opcode = 0x57; break;
      case Inst::kIdAndps: opcode = 0x54; break;
      case Inst::kIdCvtss2sd: prefix = 0xF3, opcode = 0x5A; break;
      case Inst::kIdCvtsd2ss: prefix = 0xF2, opcode = 0x5A; break;
      case Inst::kIdCvtsi2sd: prefix = 0xF2, opcode = 0x2A, kind = kIntSource; break;
      case Inst::kIdCvtsi2ss: prefix = 0xF3, opcode = 0x2A, kind = kIntSource; break;
      default: return false;
    }
    if (!fast_ready() || !is_xmm(*reg)) return false;
    const uint32_t r = reg->as<asmjit::BaseReg>().id();
    uint8_t* p = _bufferPtr;
    if (prefix) *p++ = prefix;
    if (rm->isReg()) {
      uint32_t m, size = 4;
      if (kind == kXmmOrMem) {
        if (!is_xmm(*rm)) return false;
        m = rm->as<asmjit::BaseReg>().id();
      } else if (!gp(*rm, m, size) || (kind == kGp32 && size != 4) || (kind == kGp64 && size != 8)) {
        return false;
      }
      rex(p, size == 8, r, 0, m);
      *p++ = 0x0F;
      *p++ = opcode;
      *p++ = uint8_t(0xC0 | (r & 7) << 3 | (m & 7));
    } else {
      if (!simple_mem(*rm) || kind == kGp32 || kind == kGp64) return false;
      const auto& m = rm->as<asmjit::x86::Mem>();
      if (kind == kIntSource && m.size() != 4 && m.size() != 8) return false;
      reg_mem(p, opcode, r, kind == kIntSource ? m.size() : 4, m, 0x0F);
    }
    done(p);
    return true;
  }
  // movzx/movsx r, r8 or r16 (escape, byte form's opcode; the word form's
  // is the next): a byte register 4-7 is spl..dil (a REX prefix).
  [[gnu::noinline]] bool widening_rr(uint8_t escape, uint8_t byte_opcode, const asmjit::x86::Gp& d, const asmjit::x86::Gp& s) {
    uint32_t r, size;
    if (!fast_ready() || !gp(d, r, size) || s.id() >= 16) return false;
    const uint32_t from = s.type() == asmjit::RegType::kX86_GpbLo ? 1 : s.type() == asmjit::RegType::kX86_Gpw ? 2 : 0;
    if (!from) return false;
    const uint32_t m = s.id();
    uint8_t* p = _bufferPtr;
    rex_byte(p, size == 8, r, 0, m, from == 1 ? m : 0);
    *p++ = escape;
    *p++ = uint8_t(byte_opcode + (from == 2));
    *p++ = uint8_t(0xC0 | (r & 7) << 3 | (m & 7));
    done(p);
    return true;
  }
  static constexpr uint8_t shift_ext(asmjit::InstId id) {
    namespace Inst = asmjit::x86::Inst;
    return id == Inst::kIdRol ? 0 : id == Inst::kIdRor ? 1 : id == Inst::kIdShl ? 4 : id == Inst::kIdShr ? 5 : 7;
  }
  bool shift_ri(uint8_t ext, const asmjit::x86::Gp& d, const asmjit::Imm& n) {
    uint32_t r, size;
    const int64_t count = n.value();
    if (!fast_ready() || !gp(d, r, size) || count < 0 || count > 255) return false;
    uint8_t* p = _bufferPtr;
    rex(p, size == 8, 0, 0, r);
    *p++ = count == 1 ? 0xD1 : 0xC1;
    *p++ = uint8_t(0xC0 | ext << 3 | (r & 7));
    if (count != 1) *p++ = uint8_t(count);
    done(p);
    return true;
  }
  // movzx/movsx from a byte (opcode `byte_opcode`) or word (+1) in memory.
  bool widening_load(uint8_t byte_opcode, const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    const uint32_t from = m.size();
    if (from != 1 && from != 2) return false;
    return reg_mem_form(uint8_t(byte_opcode + (from == 2)), d, m, false, 0x0F);
  }
  bool sign_extending_load(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    return d.size() == 8 && m.size() == 4 && reg_mem_form(0x63, d, m, false);
  }
  // op dword/qword [m], simm32: 83 /ext ib, or 81 /ext id.
  bool mem_imm(uint8_t ext, const asmjit::x86::Mem& m, const asmjit::Imm& imm) {
    int64_t v;
    if (!fast_ready() || !simple_mem(m) || (m.size() != 4 && m.size() != 8) || !simm32(imm, v)) return false;
    const bool byte = v >= -128 && v <= 127;
    uint8_t* p = _bufferPtr;
    reg_mem(p, byte ? 0x83 : 0x81, ext, m.size(), m);
    if (byte) *p++ = uint8_t(int8_t(v));
    else put_imm32(p, v);
    done(p);
    return true;
  }

  // The typed forms: counted when encoded here, else asmjit's.
  [[gnu::always_inline]] asmjit::Error typed(bool encoded, asmjit::InstId id, const asmjit::Operand_& o0,
                                             const asmjit::Operand_& o1) {
    if (encoded) return ++fast_count_, asmjit::kErrorOk;
    return _emitI(id, o0, o1);
  }
  [[gnu::always_inline]] asmjit::Error typed(bool encoded, asmjit::InstId id, const asmjit::Operand_& o0) {
    if (encoded) return ++fast_count_, asmjit::kErrorOk;
    return _emitI(id, o0);
  }
  static void put_imm32(uint8_t*& p, int64_t v) {
    const int32_t v32 = int32_t(v);
    std::memcpy(p, &v32, 4);
    p += 4;
  }
  static bool simm32(const asmjit::Imm& imm, int64_t& v) {
    v = imm.value();
    return v >= INT32_MIN && v <= INT32_MAX;
  }
  // [prefix] opcode with register `r` (the reg field) and memory `m`;
  // `same_width`: a sized memory operand must be r's width.
  [[gnu::always_inline]] bool reg_mem_form(uint8_t opcode, const asmjit::x86::Gp& r, const asmjit::x86::Mem& m,
                                           bool same_width, uint8_t escape = 0) {
    uint32_t id, size;
    if (!fast_ready() || !gp(r, id, size) || !simple_mem(m)) return false;
    if (same_width && m.size() != 0 && m.size() != size) return false;
    uint8_t* p = _bufferPtr;
    reg_mem(p, opcode, id, size, m, escape);
    done(p);
    return true;
  }
  // [escape] opcode, register `reg` in the reg field and `rm` in rm
  // (mod 11), both of one width.
  [[gnu::always_inline]] bool reg_rm_rr(uint8_t escape, uint8_t opcode, const asmjit::x86::Gp& reg,
                                        const asmjit::x86::Gp& rm) {
    uint32_t r, size, m, m_size;
    if (!fast_ready() || !gp(reg, r, size) || !gp(rm, m, m_size) || m_size != size) return false;
    uint8_t* p = _bufferPtr;
    rex(p, size == 8, r, 0, m);
    if (escape) *p++ = escape;
    *p++ = opcode;
    *p++ = uint8_t(0xC0 | (r & 7) << 3 | (m & 7));
    done(p);
    return true;
  }
  bool arith_ri(uint8_t ext, const asmjit::x86::Gp& d, const asmjit::Imm& imm) {
    uint32_t r, size;
    int64_t v;
    if (!fast_ready() || !gp(d, r, size) || !simm32(imm, v)) return false;
    uint8_t* p = _bufferPtr;
    rex(p, size == 8, 0, 0, r);
    if (v >= -128 && v <= 127) {
      *p++ = 0x83;
      *p++ = uint8_t(0xC0 | ext << 3 | (r & 7));
      *p++ = uint8_t(int8_t(v));
    } else if (r == 0) {  // eax/rax: the short form
      *p++ = uint8_t(ext * 8 + 5);
      put_imm32(p, v);
    } else {
      *p++ = 0x81;
      *p++ = uint8_t(0xC0 | ext << 3 | (r & 7));
      put_imm32(p, v);
    }
    done(p);
    return true;
  }
  // mov [m], imm: C7 /0 id (a qword's sign-extended), 66 C7 /0 iw, C6 /0 ib.
  [[gnu::noinline]] bool store_imm(const asmjit::x86::Mem& m, const asmjit::Imm& imm) {
    const int64_t v = imm.value();
    const uint32_t size = m.size();
    if (!fast_ready() || !simple_mem(m)) return false;
    uint8_t* p = _bufferPtr;
    if (size == 4 || size == 8) {
      if (v < INT32_MIN || v > (size == 4 ? int64_t(UINT32_MAX) : INT32_MAX)) return false;
      reg_mem(p, 0xC7, 0, size, m);
      put_imm32(p, v);
    } else if (size == 2) {
      if (v < INT16_MIN || v > UINT16_MAX) return false;
      *p++ = 0x66;
      reg_mem(p, 0xC7, 0, 2, m);
      const auto v16 = uint16_t(v);
      std::memcpy(p, &v16, 2);
      p += 2;
    } else if (size == 1) {
      if (v < INT8_MIN || v > UINT8_MAX) return false;
      reg_mem(p, 0xC6, 0, 1, m);
      *p++ = uint8_t(v);
    } else {
      return false;
    }
    done(p);
    return true;
  }

  // [REX.B] [opcode] base+r for a 64-bit register r (no opcode: base+r is
  // the opcode itself, as push and pop are; else base+r is the ModRM).
  bool one_reg(uint8_t opcode, uint8_t base, const asmjit::x86::Gp& r) {
    uint32_t id, size;
    if (!fast_ready() || !gp(r, id, size) || size != 8) return false;
    uint8_t* p = _bufferPtr;
    rex(p, false, 0, 0, id);
    if (opcode) *p++ = opcode;
    *p++ = uint8_t(base | (id & 7));
    done(p);
    return true;
  }
  // A jump (short opcode, or escape and near opcode) to `target`; a call
  // (no short form: short_opcode 0).
  bool jump(uint8_t short_opcode, uint8_t escape, uint8_t near_opcode, const asmjit::Label& target) {
    if (!fast_ready() || !_code->isLabelValid(target)) return false;
    const asmjit::LabelEntry* le = _code->labelEntry(target);
    if (le->isBound() && !le->isBoundTo(_section)) return false;
    uint8_t* p = _bufferPtr;
    if (short_opcode && le->isBound()) {  // (0: no short form, a call)
      const int64_t short_disp = int64_t(le->offset()) - int64_t(p - _bufferData + 2);
      if (short_disp >= -128 && short_disp <= 127) {
        *p++ = short_opcode;
        *p++ = uint8_t(int8_t(short_disp));
        done(p);
        return true;
      }
    }
    if (escape) *p++ = escape;
    *p++ = near_opcode;
    // (rel32 from the end of the instruction, as resolve_label_jumps writes it)
    const auto rel32 = size_t(p - _bufferData);
    int64_t disp = 0;
    if (le->isBound()) disp = int64_t(le->offset()) - int64_t(rel32 + 4);
    else label_jumps_.push_back({target.id(), rel32});
    put_imm32(p, disp);
    done(p);
    return true;
  }
  // lea r64, [rip + label + offset] (REX.W 8D, ModRM 00 r 101, disp32),
  // resolved as the jumps are.
  [[gnu::noinline]] bool lea_label(const asmjit::x86::Gp& d, const asmjit::x86::Mem& m) {
    uint32_t r, size;
    if (!fast_ready() || !gp(d, r, size) || size != 8 || m.hasIndex() || m.hasSegment() ||
        m.addrType() != asmjit::x86::Mem::AddrType::kDefault || !_code->isLabelValid(m.baseId()))
      return false;
    const asmjit::LabelEntry* le = _code->labelEntry(m.baseId());
    if (le->isBound() && !le->isBoundTo(_section)) return false;
    uint8_t* p = _bufferPtr;
    rex(p, true, r, 0, 0);
    *p++ = 0x8D;
    *p++ = uint8_t((r & 7) << 3 | 5);
    const auto field = size_t(p - _bufferData);
    const int32_t addend = m.offsetLo32();
    int64_t disp = 0;
    if (le->isBound()) disp = int64_t(le->offset()) + addend - int64_t(field + 4);
    else label_jumps_.push_back({m.baseId(), field, addend});
    put_imm32(p, disp);
    done(p);
    return true;
  }
  struct LabelJump {
    uint32_t label;      // asmjit's label id
    size_t rel32;        // where its displacement goes in the section
    int32_t addend = 0;  // (a lea's offset from the label)
  };
  std::vector<LabelJump> label_jumps_;
  struct AbsCall {
    size_t rel32;     // where its displacement goes in the section
    uint64_t target;  // the absolute address it calls
  };
  std::vector<AbsCall> abs_calls_;
  struct Spare {
    std::vector<LabelJump> label_jumps;
    std::vector<AbsCall> abs_calls;
  };
  static Spare& spare() {
    thread_local Spare s;
    return s;
  }
  size_t fast_count_ = 0;
};

}  // namespace mywasm::jit
