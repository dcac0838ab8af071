// An asmjit x86::Assembler that encodes the plain `mov` forms itself: a
// register from or to a register, an immediate, or memory addressed by a
// 64-bit base (and index) register with a displacement. They are most of
// what the x86-64 compiler emits (88% of the instructions for big.wasm,
// nearly all frame-slot loads and stores), and asmjit's generic encoder
// spends about 190 host instructions on each. The bytes are the ones
// asmjit's encoder chooses (tests/runtime/x64_fast_assembler_test.cpp
// compares every register, base, index, scale and displacement class);
// anything else, and any state asmjit would act on (instruction options, a
// logger or validation, a nearly full buffer), goes to asmjit's own _emit.
// Called through its own mov overloads (a FastAssembler, not an
// x86::Assembler, in the caller's hands) it also skips asmjit's generic
// emit call.
#pragma once
#include <asmjit/x86.h>

#include <cstdint>
#include <cstring>

namespace mywasm::jit {

class FastAssembler : public asmjit::x86::Assembler {
 public:
  using asmjit::x86::Assembler::Assembler;

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
  bool plain_state() const {
    return instOptions() == asmjit::InstOptions::kNone && forcedInstOptions() == asmjit::InstOptions::kNone &&
           !extraReg().isReg() && inlineComment() == nullptr;
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
  // REX, `opcode` (8B or 89: mov r, [m] or mov [m], r) and ModRM for
  // register `r` of `size` bytes and memory `m`.
  [[gnu::always_inline]] static void reg_mem(uint8_t*& p, uint8_t opcode, uint32_t r, uint32_t size,
                                             const asmjit::x86::Mem& m) {
    rex(p, size == 8, r, m.hasIndex() ? m.indexId() : 0, m.baseId());
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
    } else {
      return false;
    }
    done(p);
    return true;
  }

  size_t fast_count_ = 0;
};

}  // namespace mywasm::jit
