// jit::FastAssembler encodes the forms it writes itself (the plain movs;
// the arithmetic group, test, lea, imul, immediate stores, jumps to
// labels, register calls and jumps, push, pop and ret through its own
// overloads and emit) exactly as asmjit's own encoder does
// (x64_fast_assembler.hpp).
#if defined(__x86_64__)
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "x64_fast_assembler.hpp"

namespace mywasm::jit {
namespace {

using namespace asmjit;
using namespace asmjit::x86;

// The bytes `emit` makes with emitter type A, called on it as a `Seen`
// (FastAssembler's own mov overloads, or x86::Assembler's, which reach its
// _emit override); `fast` counts FastAssembler's own encodings.
template <class A, class Seen = A, class Emit>
std::vector<uint8_t> assemble(const Emit& emit, size_t* fast = nullptr) {
  CodeHolder code;
  code.init(Environment::host());
  // (Space reserved up front, as X64Compiler's external buffer is: asmjit
  // allocates a fresh holder's buffer at the first instruction.)
  code.reserveBuffer(&code.textSection()->_buffer, 4096);
  A a(&code);
  emit(static_cast<Seen&>(a));
  if constexpr (std::is_same_v<A, FastAssembler>) {
    EXPECT_TRUE(a.resolve_label_jumps());  // (as X64Compiler does once its labels are bound)
    if (fast) *fast = a.fast_count();
  }
  const CodeBuffer& b = code.textSection()->buffer();
  return std::vector<uint8_t>(b.data(), b.data() + b.size());
}

// `emit` (a generic lambda) makes asmjit's bytes on a FastAssembler, both
// through its own overloads and through x86::Assembler's (where only mov
// is its own: `expected_fast_as_base`).
template <class Emit>
void expect_same(const Emit& emit, size_t expected_fast, const char* what, size_t expected_fast_as_base = SIZE_MAX) {
  if (expected_fast_as_base == SIZE_MAX) expected_fast_as_base = expected_fast;
  size_t fast = 0, fast_as_base = 0;
  const auto want = assemble<x86::Assembler>(emit);
  const auto got = assemble<FastAssembler>(emit, &fast);
  const auto got_as_base = assemble<FastAssembler, x86::Assembler>(emit, &fast_as_base);
  EXPECT_EQ(got, want) << what;
  EXPECT_EQ(got_as_base, want) << what << " (as an x86::Assembler)";
  EXPECT_EQ(fast, expected_fast) << what;
  EXPECT_EQ(fast_as_base, expected_fast_as_base) << what << " (as an x86::Assembler)";
}

const int32_t kDisps[] = {0, 1, -1, 8, 127, 128, -128, -129, 4096, -4096, 0x7fffffff, INT32_MIN};

TEST(FastAssembler, RegisterToRegister) {
  for (uint32_t d = 0; d < 16; ++d)
    for (uint32_t s = 0; s < 16; ++s) {
      expect_same([&](auto& a) { a.mov(gpq(d), gpq(s)); }, 1, "mov r64, r64");
      expect_same([&](auto& a) { a.mov(gpd(d), gpd(s)); }, 1, "mov r32, r32");
    }
}

TEST(FastAssembler, Immediates) {
  const uint64_t values[] = {0, 1, 0x7f, 0x80, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
                             uint64_t(-1), uint64_t(-2), uint64_t(INT32_MIN), uint64_t(int64_t(INT32_MIN) - 1),
                             0x123456789abcdef0ull};
  for (uint32_t d = 0; d < 16; ++d)
    for (uint64_t v : values) {
      expect_same([&](auto& a) { a.mov(gpq(d), imm(v)); }, 1, "mov r64, imm");
      expect_same([&](auto& a) { a.mov(gpd(d), imm(uint32_t(v))); }, 1, "mov r32, imm");
      expect_same([&](auto& a) { a.mov(gpd(d), imm(int32_t(v))); }, 1, "mov r32, negative imm");
    }
}

TEST(FastAssembler, MemoryWithBase) {
  for (uint32_t r = 0; r < 16; ++r)
    for (uint32_t base = 0; base < 16; ++base)
      for (int32_t disp : kDisps) {
        expect_same([&](auto& a) { a.mov(gpq(r), qword_ptr(gpq(base), disp)); }, 1, "load 64");
        expect_same([&](auto& a) { a.mov(gpd(r), dword_ptr(gpq(base), disp)); }, 1, "load 32");
        expect_same([&](auto& a) { a.mov(qword_ptr(gpq(base), disp), gpq(r)); }, 1, "store 64");
        expect_same([&](auto& a) { a.mov(dword_ptr(gpq(base), disp), gpd(r)); }, 1, "store 32");
      }
}

// mov_disp (register ids, no operands built): the bytes of mov between
// a register and [base + disp], every register, base and displacement
// class, both widths, both directions.
TEST(FastAssembler, MovDispIsMovWithBaseAndDisplacement) {
  for (uint32_t r = 0; r < 16; ++r)
    for (uint32_t base = 0; base < 16; ++base)
      for (int32_t disp : kDisps)
        for (uint32_t size : {4u, 8u})
          for (bool store : {false, true}) {
            const auto want = assemble<x86::Assembler>([&](auto& a) {
              const Gp reg = size == 8 ? Gp(gpq(r)) : Gp(gpd(r));
              const Mem m(gpq(base), disp, size);
              if (store) a.mov(m, reg);
              else a.mov(reg, m);
            });
            const auto got = assemble<FastAssembler>([&](FastAssembler& a) { a.mov_disp(store, r, size, base, disp); });
            EXPECT_EQ(got, want) << "r" << r << " base " << base << " disp " << disp << " size " << size
                                 << (store ? " store" : " load");
          }
}

TEST(FastAssembler, MemoryWithBaseAndIndex) {
  for (uint32_t r : {0u, 5u, 8u, 13u})
    for (uint32_t base = 0; base < 16; ++base)
      for (uint32_t index = 0; index < 16; ++index) {
        if (index == 4) continue;  // (rsp is no index)
        for (uint32_t shift = 0; shift < 4; ++shift)
          for (int32_t disp : {0, 1, 200, -7}) {
            expect_same([&](auto& a) { a.mov(gpd(r), dword_ptr(gpq(base), gpq(index), shift, disp)); }, 1,
                        "load 32 indexed");
            expect_same([&](auto& a) { a.mov(qword_ptr(gpq(base), gpq(index), shift, disp), gpq(r)); }, 1,
                        "store 64 indexed");
          }
      }
}

const int64_t kImms[] = {0, 1, -1, 2, 31, 127, 128, -128, -129, 255, 0x7fff, 0x12345, INT32_MAX, INT32_MIN};

// A few memory operands of each addressing class (base, base+index, rsp
// and r12 as a base, rbp and r13 with no displacement) of `size` bytes.
std::vector<Mem> some_memory(uint32_t size) {
  std::vector<Mem> out;
  for (uint32_t base : {0u, 3u, 4u, 5u, 12u, 13u, 15u})
    for (int32_t disp : {0, 8, -128, 4096}) {
      out.push_back(Mem(gpq(base), disp, size));
      out.push_back(Mem(gpq(base), gpq(base == 3 ? 13 : 1), base % 4, disp, size));
    }
  return out;
}

// Each form of the arithmetic group twice: through emit(id, ...) (the
// compiler's table-chosen instructions) and through the named overload.
template <class Named>
void expect_arith(InstId id, const Named& named) {
  auto both = [&](const Operand& x, const Operand& y, const char* what) {
    expect_same([&](auto& a) { a.emit(id, x, y); }, 1, what, 0);
    expect_same([&](auto& a) { named(a, x, y); }, 1, what, 0);
  };
  for (uint32_t d = 0; d < 16; ++d) {
    for (uint32_t s = 0; s < 16; s += 3) {
      both(gpq(d), gpq(s), "op r64, r64");
      both(gpd(d), gpd(s), "op r32, r32");
    }
    for (int64_t v : kImms) {
      both(gpq(d), imm(v), "op r64, imm");
      both(gpd(d), imm(v), "op r32, imm");
    }
  }
  for (const Mem& m : some_memory(8)) {
    both(r9, m, "op r64, [m]");
    both(m, rdx, "op [m], r64");
    for (int64_t v : kImms) expect_same([&](auto& a) { a.emit(id, m, imm(v)); }, 1, "op qword [m], imm", 0);
  }
  for (const Mem& m : some_memory(4)) {
    both(eax, m, "op r32, [m]");
    both(m, r14d, "op [m], r32");
    for (int64_t v : kImms) expect_same([&](auto& a) { a.emit(id, m, imm(v)); }, 1, "op dword [m], imm", 0);
  }
}

// (The named overloads take typed operands: the lambdas turn them back.)
#define MYWASM_NAMED(name)                                                          \
  [](auto& a, const Operand& x, const Operand& y) {                                \
    if (x.isReg() && y.isReg()) a.name(x.as<Gp>(), y.as<Gp>());                    \
    else if (x.isReg() && y.isMem()) a.name(x.as<Gp>(), y.as<Mem>());              \
    else if (x.isMem()) a.name(x.as<Mem>(), y.as<Gp>());                           \
    else a.name(x.as<Gp>(), y.as<Imm>());                                          \
  }
TEST(FastAssembler, ArithmeticGroup) {
  expect_arith(Inst::kIdAdd, MYWASM_NAMED(add));
  expect_arith(Inst::kIdOr, MYWASM_NAMED(or_));
  expect_arith(Inst::kIdAnd, MYWASM_NAMED(and_));
  expect_arith(Inst::kIdSub, MYWASM_NAMED(sub));
  expect_arith(Inst::kIdXor, MYWASM_NAMED(xor_));
  expect_arith(Inst::kIdCmp, MYWASM_NAMED(cmp));
}
#undef MYWASM_NAMED

TEST(FastAssembler, TestLeaImulAndImmediateStores) {
  for (uint32_t d = 0; d < 16; ++d)
    for (uint32_t s = 0; s < 16; s += 5) {
      expect_same([&](auto& a) { a.test(gpq(d), gpq(s)); }, 1, "test r64, r64", 0);
      expect_same([&](auto& a) { a.emit(Inst::kIdTest, gpd(d), gpd(s)); }, 1, "test r32, r32", 0);
      expect_same([&](auto& a) { a.imul(gpq(d), gpq(s)); }, 1, "imul r64, r64", 0);
      expect_same([&](auto& a) { a.emit(Inst::kIdImul, gpd(d), gpd(s)); }, 1, "imul r32, r32", 0);
    }
  for (const Mem& m : some_memory(0)) {
    expect_same([&](auto& a) { a.lea(r11, m); }, 1, "lea r64", 0);
    expect_same([&](auto& a) { a.lea(ecx, m); }, 1, "lea r32", 0);
  }
  for (const Mem& m : some_memory(8)) {
    expect_same([&](auto& a) { a.imul(rsi, m); }, 1, "imul r64, [m]", 0);
    for (int64_t v : kImms) {
      expect_same([&](auto& a) { a.mov(m, imm(v)); }, 1, "mov qword [m], imm", 0);
      expect_same([&](auto& a) { a.emit(Inst::kIdMov, m, imm(v)); }, 1, "mov qword [m], imm (emit)", 0);
    }
  }
  for (const Mem& m : some_memory(4)) {
    expect_same([&](auto& a) { a.emit(Inst::kIdImul, r10d, m); }, 1, "imul r32, [m]", 0);
    for (int64_t v : kImms) expect_same([&](auto& a) { a.mov(m, imm(v)); }, 1, "mov dword [m], imm", 0);
  }
}

TEST(FastAssembler, ShiftsAndWideningLoads) {
  for (uint32_t d = 0; d < 16; ++d)
    for (InstId id : {Inst::kIdRol, Inst::kIdRor, Inst::kIdShl, Inst::kIdShr, Inst::kIdSar})
      for (int64_t count : {0, 1, 2, 31, 63}) {
        expect_same([&](auto& a) { a.emit(id, gpq(d), imm(count)); }, 1, "shift r64, imm", 0);
        expect_same([&](auto& a) { a.emit(id, gpd(d), imm(count)); }, 1, "shift r32, imm", 0);
      }
  for (uint32_t d = 0; d < 16; ++d) {
    expect_same([&](auto& a) { a.shl(gpq(d), imm(3)); }, 1, "shl", 0);
    expect_same([&](auto& a) { a.shr(gpd(d), imm(1)); }, 1, "shr by 1", 0);
    expect_same([&](auto& a) { a.sar(gpq(d), imm(63)); }, 1, "sar", 0);
    expect_same([&](auto& a) { a.rol(gpd(d), imm(7)); }, 1, "rol", 0);
    expect_same([&](auto& a) { a.ror(gpq(d), imm(1)); }, 1, "ror by 1", 0);
  }
  for (uint32_t r : {0u, 2u, 7u, 8u, 15u}) {
    for (uint32_t from : {1u, 2u})
      for (const Mem& m : some_memory(from)) {
        expect_same([&](auto& a) { a.movzx(gpd(r), m); }, 1, "movzx r32", 0);
        expect_same([&](auto& a) { a.emit(Inst::kIdMovzx, gpq(r), m); }, 1, "movzx r64", 0);
        expect_same([&](auto& a) { a.movsx(gpq(r), m); }, 1, "movsx r64", 0);
        expect_same([&](auto& a) { a.emit(Inst::kIdMovsx, gpd(r), m); }, 1, "movsx r32", 0);
      }
    for (const Mem& m : some_memory(4)) {
      expect_same([&](auto& a) { a.movsxd(gpq(r), m); }, 1, "movsxd", 0);
      expect_same([&](auto& a) { a.emit(Inst::kIdMovsxd, gpq(r), m); }, 1, "movsxd (emit)", 0);
    }
  }
  // From registers, and by cl: asmjit's.
  expect_same([](auto& a) { a.emit(Inst::kIdMovzx, eax, bl); }, 0, "movzx r32, r8");
  expect_same([](auto& a) { a.emit(Inst::kIdShl, rax, dl); }, 0, "shl by another register");
}

TEST(FastAssembler, ScalarSseForms) {
  // Every xmm register in each field; memory of each addressing class.
  // The arithmetic ones also through emit(id, ...), as the compilers'
  // tables choose them.
  const InstId arithmetic[] = {Inst::kIdAddsd, Inst::kIdMulsd, Inst::kIdSubsd,   Inst::kIdDivsd,   Inst::kIdSqrtsd,
                               Inst::kIdAddss, Inst::kIdMulss, Inst::kIdSubss,   Inst::kIdDivss,   Inst::kIdSqrtss,
                               Inst::kIdUcomisd, Inst::kIdUcomiss, Inst::kIdXorps, Inst::kIdAndps, Inst::kIdCvtss2sd,
                               Inst::kIdCvtsd2ss, Inst::kIdMovsd, Inst::kIdMovss, Inst::kIdMovaps};
  for (uint32_t d = 0; d < 16; ++d)
    for (uint32_t s = 0; s < 16; s += 5) {
      for (InstId id : arithmetic) expect_same([&](auto& a) { a.emit(id, xmm(d), xmm(s)); }, 1, "sse xmm, xmm", 0);
      expect_same([&](auto& a) { a.movsd(xmm(d), xmm(s)); }, 1, "movsd xmm, xmm", 0);
      expect_same([&](auto& a) { a.movaps(xmm(d), xmm(s)); }, 1, "movaps", 0);
      expect_same([&](auto& a) { a.xorps(xmm(d), xmm(s)); }, 1, "xorps", 0);
      expect_same([&](auto& a) { a.ucomisd(xmm(d), xmm(s)); }, 1, "ucomisd", 0);
    }
  for (uint32_t x : {0u, 7u, 8u, 15u}) {
    for (uint32_t size : {4u, 8u})
      for (const Mem& m : some_memory(size)) {
        for (InstId id : arithmetic) expect_same([&](auto& a) { a.emit(id, xmm(x), m); }, 1, "sse xmm, [m]", 0);
        expect_same([&](auto& a) { a.movsd(xmm(x), m); a.movsd(m, xmm(x)); }, 2, "movsd load, store", 0);
        expect_same([&](auto& a) { a.movss(xmm(x), m); a.movss(m, xmm(x)); }, 2, "movss load, store", 0);
        expect_same([&](auto& a) { a.ucomiss(xmm(x), m); }, 1, "ucomiss xmm, [m]", 0);
        expect_same([&](auto& a) { a.emit(Inst::kIdCvtsi2sd, xmm(x), m); }, 1, "cvtsi2sd xmm, [m]", 0);
        expect_same([&](auto& a) { a.emit(Inst::kIdCvtsi2ss, xmm(x), m); }, 1, "cvtsi2ss xmm, [m]", 0);
      }
    for (uint32_t g = 0; g < 16; ++g) {
      expect_same([&](auto& a) { a.movq(xmm(x), gpq(g)); a.movq(gpq(g), xmm(x)); }, 2, "movq", 0);
      expect_same([&](auto& a) { a.movd(xmm(x), gpd(g)); a.movd(gpd(g), xmm(x)); }, 2, "movd", 0);
      for (InstId id : {Inst::kIdCvtsi2sd, Inst::kIdCvtsi2ss}) {
        expect_same([&](auto& a) { a.emit(id, xmm(x), gpq(g)); }, 1, "cvtsi2s* xmm, r64", 0);
        expect_same([&](auto& a) { a.emit(id, xmm(x), gpd(g)); }, 1, "cvtsi2s* xmm, r32", 0);
      }
    }
  }
  // Other widths and forms stay asmjit's.
  expect_same([](auto& a) { a.movq(xmm1, qword_ptr(rbx, 8)); }, 0, "movq xmm, [m]");
  expect_same([](auto& a) { a.movd(xmm1, rax.r32()); a.movq(rax, xmm2); }, 2, "movd/movq pairs", 0);
  expect_same([](auto& a) { a.emit(Inst::kIdMovd, xmm1, rax); }, 0, "movd with a 64-bit register");
}

TEST(FastAssembler, CmovThreeOperandImulAndWideningRegisters) {
  const CondCode conds[] = {CondCode::kO, CondCode::kNO, CondCode::kB,  CondCode::kAE, CondCode::kE,  CondCode::kNE,
                            CondCode::kBE, CondCode::kA, CondCode::kS,  CondCode::kNS, CondCode::kP,  CondCode::kNP,
                            CondCode::kL, CondCode::kGE, CondCode::kLE, CondCode::kG};
  for (CondCode cc : conds)
    for (uint32_t d = 0; d < 16; d += 3)
      for (uint32_t s = 0; s < 16; s += 5) {
        const auto want = assemble<x86::Assembler>([&](auto& a) {
          a.emit(Inst::cmovccFromCond(cc), gpq(d), gpq(s));
          a.emit(Inst::cmovccFromCond(cc), gpd(d), gpd(s));
          a.emit(Inst::cmovccFromCond(cc), gpd(d), dword_ptr(gpq(s), 16));
          a.emit(Inst::cmovccFromCond(cc), gpq(d), qword_ptr(gpq(s), gpq(d == 4 ? 0 : d), 3, -8));
        });
        size_t fast = 0;
        const auto got = assemble<FastAssembler>(
            [&](FastAssembler& a) {
              a.cmov(cc, gpq(d), gpq(s));
              a.cmov(cc, gpd(d), gpd(s));
              a.cmov(cc, gpd(d), dword_ptr(gpq(s), 16));
              a.cmov(cc, gpq(d), qword_ptr(gpq(s), gpq(d == 4 ? 0 : d), 3, -8));
            },
            &fast);
        EXPECT_EQ(got, want) << "cmov " << int(cc) << " r" << d << " r" << s;
        EXPECT_EQ(fast, 4u);
      }
  for (uint32_t d = 0; d < 16; ++d)
    for (uint32_t s = 0; s < 16; s += 3) {
      for (int64_t v : kImms) {
        expect_same([&](auto& a) { a.imul(gpq(d), gpq(s), imm(v)); }, 1, "imul r64, r64, imm", 0);
        expect_same([&](auto& a) { a.imul(gpd(d), gpd(s), imm(v)); }, 1, "imul r32, r32, imm", 0);
      }
      expect_same([&](auto& a) { a.movzx(gpd(d), gpb(s)); a.movzx(gpq(d), gpw(s)); }, 2, "movzx r, r8/r16", 0);
      expect_same([&](auto& a) { a.movsx(gpd(d), gpw(s)); a.movsx(gpq(d), gpb(s)); }, 2, "movsx r, r8/r16", 0);
      expect_same([&](auto& a) { a.movsxd(gpq(d), gpd(s)); }, 1, "movsxd r64, r32", 0);
      for (InstId id : {Inst::kIdRol, Inst::kIdRor, Inst::kIdShl, Inst::kIdShr, Inst::kIdSar}) {
        expect_same([&](auto& a) { a.emit(id, gpq(d), cl); }, 1, "shift r64, cl", 0);
        expect_same([&](auto& a) { a.emit(id, gpd(d), cl); }, 1, "shift r32, cl", 0);
      }
    }
  for (uint32_t s = 0; s < 16; ++s) {  // (byte registers 4-7: spl..dil, with REX)
    expect_same([&](auto& a) { a.movzx(eax, gpb(s)); a.movzx(r9d, gpb(s)); a.movsx(rdx, gpb(s)); }, 3, "byte sources", 0);
  }
  expect_same([](auto& a) { a.imul(rax, rbx, imm(0x80000000ull)); }, 0, "imul imm past simm32");
}

TEST(FastAssembler, ByteAndWordStores) {
  for (uint32_t r = 0; r < 16; ++r) {
    for (const Mem& m : some_memory(1)) expect_same([&](auto& a) { a.mov(m, gpb(r)); }, 1, "mov [m], r8", 1);
    for (const Mem& m : some_memory(2)) expect_same([&](auto& a) { a.mov(m, gpw(r)); }, 1, "mov [m], r16", 1);
  }
  for (int64_t v : {0, 1, -1, 127, -128, 200, 255}) {
    for (const Mem& m : some_memory(1)) expect_same([&](auto& a) { a.emit(Inst::kIdMov, m, imm(v)); }, 1, "mov byte [m], imm", 0);
  }
  for (int64_t v : {0, 1, -1, 127, -129, 0x7fff, -0x8000, 0xffff}) {
    for (const Mem& m : some_memory(2)) expect_same([&](auto& a) { a.emit(Inst::kIdMov, m, imm(v)); }, 1, "mov word [m], imm", 0);
  }
  for (int64_t v : {int64_t(0xffffffff), int64_t(0x80000000)})
    for (const Mem& m : some_memory(4)) expect_same([&](auto& a) { a.emit(Inst::kIdMov, m, imm(v)); }, 1, "mov dword [m], imm32", 0);
  // Values past the width: asmjit's (which reports or truncates them).
  expect_same([](auto& a) { a.emit(Inst::kIdMov, byte_ptr(rbx), imm(256)); }, 0, "byte imm past 8 bits");
}

TEST(FastAssembler, LeaOfALabel) {
  // Bound before, bound after (resolved later), with an offset.
  for (int fill : {0, 3, 100})
    for (int32_t offset : {0, 8, -16})
      expect_same(
          [&](auto& a) {
            Label back = a.newLabel(), ahead = a.newLabel();
            a.bind(back);
            for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
            a.lea(r11, ptr(back, offset));
            a.lea(rcx, ptr(ahead, offset));
            for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
            a.bind(ahead);
            a.ret();
          },
          size_t(2 * fill + 3), "lea label", size_t(2 * fill));
}

TEST(FastAssembler, OtherFormsGoToAsmjit) {
  // Byte and word registers, 32-bit address registers, labels, segments,
  // byte and word loads, immediates past 32 bits,
  // other instructions: asmjit's encoder, same bytes.
  expect_same([](auto& a) { a.mov(al, byte_ptr(rbx, 8)); }, 0, "byte");
  expect_same([](auto& a) { a.mov(word_ptr(rbx, 8), dx); }, 1, "word store");
  expect_same([](auto& a) { a.mov(eax, dword_ptr(ebx, 8)); }, 0, "32-bit base");
  expect_same([](auto& a) { a.mov(dx, word_ptr(rbx, 8)); }, 0, "word load");
  expect_same([](auto& a) { a.add(rax, imm(0x80000000ull)); }, 0, "imm past simm32");
  expect_same([](auto& a) { a.emit(Inst::kIdAdd, cx, dx); }, 0, "word registers");
  expect_same([](auto& a) { a.imul(rax, rbx, imm(0x100000000ull)); }, 0, "three operands, imm past simm32");
  expect_same([](auto& a) { a.test(eax, imm(1)); }, 0, "test imm");
  expect_same([](auto& a) { a.mov(rax, rbx); a.add(rax, rbx); a.mov(ecx, edx); a.bswap(eax); }, 3, "mixed", 2);
  expect_same([](auto& a) { a.mov(eax, rbx.r32()); a.mov(rax, ptr_abs(0x1000)); }, 1, "abs");
  expect_same(
      [](auto& a) {
        Label l = a.newLabel();
        a.bind(l);
        a.mov(rax, ptr(l, 8));
        Mem seg = qword_ptr(rbx);
        seg.setSegment(fs);
        a.mov(rax, seg);
      },
      0, "label, segment");
  expect_same([](auto& a) { a.long_().mov(rax, imm(1)); }, 0, "long form option");
}

TEST(FastAssembler, LabelsAndOffsetsStayRight) {
  // Code after fast-encoded moves: offsets, label bindings and a backward
  // jump over them as asmjit computes them.
  expect_same(
      [](auto& a) {
        Label top = a.newLabel(), end = a.newLabel();
        a.bind(top);
        for (int i = 0; i < 40; ++i) a.mov(qword_ptr(rbx, i * 8), rax);
        a.jmp(end);
        a.mov(rcx, rdx);
        a.jnz(top);
        a.bind(end);
        a.mov(eax, 1);
      },
      44, "labels", 42);
}

TEST(FastAssembler, JumpsToLabels) {
  // Every condition, backward to a label bound at distances around the
  // short form's reach (rel8 from the next instruction: -128), and
  // forward to one bound later (rel32, written by resolve_label_jumps).
  const CondCode conds[] = {CondCode::kO, CondCode::kNO, CondCode::kB,  CondCode::kAE, CondCode::kE,  CondCode::kNE,
                            CondCode::kBE, CondCode::kA, CondCode::kS,  CondCode::kNS, CondCode::kP,  CondCode::kNP,
                            CondCode::kL, CondCode::kGE, CondCode::kLE, CondCode::kG};
  for (int fill : {0, 1, 40, 41, 42, 43, 44, 60, 600}) {  // bytes of 3-byte movs back to the label
    for (CondCode cc : conds)
      expect_same(
          [&](auto& a) {
            Label back = a.newLabel(), ahead = a.newLabel();
            a.bind(back);
            for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
            a.j(cc, back);
            a.j(cc, ahead);
            for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
            a.bind(ahead);
          },
          size_t(2 * fill + 2), "jcc", size_t(2 * fill));
    expect_same(
        [&](auto& a) {
          Label back = a.newLabel(), ahead = a.newLabel();
          a.bind(back);
          for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
          a.jmp(back);
          a.jmp(ahead);
          a.jz(ahead);
          a.jnz(back);
          a.jae(ahead);
          for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
          a.bind(ahead);
          a.jb(ahead);
        },
        size_t(2 * fill + 6), "jmp and named conditions", size_t(2 * fill));
  }
}

TEST(FastAssembler, SetccAndByteZeroExtension) {
  const CondCode conds[] = {CondCode::kO, CondCode::kNO, CondCode::kB,  CondCode::kAE, CondCode::kE,  CondCode::kNE,
                            CondCode::kBE, CondCode::kA, CondCode::kS,  CondCode::kNS, CondCode::kP,  CondCode::kNP,
                            CondCode::kL, CondCode::kGE, CondCode::kLE, CondCode::kG};
  for (uint32_t r = 0; r < 16; ++r) {
    for (CondCode cc : conds) {
      const auto want = assemble<x86::Assembler>([&](auto& a) { a.set(cc, gpb(r)); });
      EXPECT_EQ(assemble<FastAssembler>([&](FastAssembler& a) { a.setcc8(cc, r); }), want) << "set r" << r;
    }
    for (uint32_t s = 0; s < 16; ++s) {
      const auto want = assemble<x86::Assembler>([&](auto& a) { a.movzx(gpd(r), gpb(s)); });
      EXPECT_EQ(assemble<FastAssembler>([&](FastAssembler& a) { a.movzx(gpd(r), gpb(s)); }), want) << "movzx r" << r << " r" << s;
    }
  }
}

TEST(FastAssembler, CallsToLabels) {
  // Backward (bound) and forward (resolved later) at several distances:
  // always rel32, as asmjit encodes a call.
  for (int fill : {0, 1, 40, 100})
    expect_same(
        [&](auto& a) {
          Label back = a.newLabel(), ahead = a.newLabel();
          a.bind(back);
          for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
          a.call(back);
          a.call(ahead);
          for (int i = 0; i < fill; ++i) a.mov(rax, rcx);
          a.bind(ahead);
          a.ret();
        },
        size_t(2 * fill + 3), "call label", size_t(2 * fill));
}

// A call to an absolute address: asmjit's bytes once placed at `base`
// (where it reaches: 40 E8 rel32), resolved by resolve_abs_calls; a
// target more than 2 GB away is refused.
TEST(FastAssembler, CallsToAbsoluteAddresses) {
  const uint64_t base = 0x7f0000000000ull;
  for (int64_t distance : {int64_t(0x1000), int64_t(-0x1000), int64_t(0x7ffff000), -int64_t(0x7ffff000)}) {
    const uint64_t target = base + uint64_t(distance);
    CodeHolder want_code;
    want_code.init(Environment::host());
    x86::Assembler want(&want_code);
    want.mov(rax, rcx);
    want.call(imm(target));
    want.ret();
    ASSERT_EQ(want_code.flatten(), kErrorOk);
    ASSERT_EQ(want_code.relocateToBase(base), kErrorOk);
    const CodeBuffer& wb = want_code.textSection()->buffer();
    CodeHolder got_code;
    got_code.init(Environment::host());
    got_code.reserveBuffer(&got_code.textSection()->_buffer, 4096);
    FastAssembler got(&got_code);
    got.mov(rax, rcx);
    got.call_abs(target);
    got.ret();
    EXPECT_EQ(got.fast_count(), 3u);
    CodeBuffer& gb = got_code.textSection()->_buffer;
    ASSERT_TRUE(got.resolve_abs_calls(gb.data(), base));
    EXPECT_EQ(std::vector<uint8_t>(gb.data(), gb.data() + gb.size()), std::vector<uint8_t>(wb.data(), wb.data() + wb.size()))
        << distance;
  }
  CodeHolder code;
  code.init(Environment::host());
  code.reserveBuffer(&code.textSection()->_buffer, 4096);
  FastAssembler a(&code);
  a.call_abs(base + 0x100000000ull);
  EXPECT_FALSE(a.resolve_abs_calls(code.textSection()->_buffer.data(), base));
}

TEST(FastAssembler, RegisterCallsJumpsPushPopAndRet) {
  for (uint32_t r = 0; r < 16; ++r) {
    expect_same([&](auto& a) { a.call(gpq(r)); }, 1, "call r64", 0);
    expect_same([&](auto& a) { a.jmp(gpq(r)); }, 1, "jmp r64", 0);
    expect_same([&](auto& a) { a.push(gpq(r)); }, 1, "push r64", 0);
    expect_same([&](auto& a) { a.pop(gpq(r)); }, 1, "pop r64", 0);
  }
  expect_same([&](auto& a) { a.ret(); }, 1, "ret", 0);
}

TEST(FastAssembler, JumpToALabelNeverBoundIsReported) {
  CodeHolder code;
  code.init(Environment::host());
  code.reserveBuffer(&code.textSection()->_buffer, 4096);
  FastAssembler a(&code);
  Label nowhere = a.newLabel();
  a.jmp(nowhere);
  EXPECT_EQ(a.fast_count(), 1u);
  EXPECT_FALSE(a.resolve_label_jumps());
}

TEST(FastAssembler, FullBufferIsAsmjitsError) {
  // A fixed external buffer (as X64Compiler uses): asmjit reports it full,
  // the fast path never writes past it.
  CodeHolder code;
  code.init(Environment::host());
  uint8_t storage[64 + 16];
  std::memset(storage, 0xAB, sizeof storage);
  CodeBuffer& b = code.textSection()->_buffer;
  b._data = storage;
  b._size = 0;
  b._capacity = 64;
  b._flags = CodeBufferFlags::kIsExternal | CodeBufferFlags::kIsFixed;
  struct Errors : ErrorHandler {
    Error first = kErrorOk;
    void handleError(Error err, const char*, BaseEmitter*) override {
      if (first == kErrorOk) first = err;
    }
  } errors;
  code.setErrorHandler(&errors);
  FastAssembler a(&code);
  for (int i = 0; i < 40; ++i) a.mov(qword_ptr(rbx, 1000), r15);
  EXPECT_EQ(errors.first, kErrorTooLarge);
  EXPECT_LE(code.textSection()->buffer().size(), 64u);
  for (size_t i = 64; i < sizeof storage; ++i) EXPECT_EQ(storage[i], 0xAB) << i;
}

// align16 pads to a multiple of 16 with whole no-op instructions (as
// asmjit's align would, in its own choice of forms), and bytes() writes
// what it is given.
TEST(FastAssembler, Align16PadsWithNopsAndBytesAreWrittenAsGiven) {
  const std::vector<std::vector<uint8_t>> nops = {
      {0x90}, {0x66, 0x90}, {0x0F, 0x1F, 0x00}, {0x0F, 0x1F, 0x40, 0x00}, {0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00}, {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
      {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}, {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}};
  for (size_t start = 0; start < 32; ++start) {
    const std::vector<uint8_t> code = assemble<FastAssembler>([&](FastAssembler& a) {
      for (size_t k = 0; k < start; ++k) a.bytes(std::vector<uint8_t>{0xCC}.data(), 1);
      a.align16();
      const uint8_t tail[3] = {0x48, 0x85, 0xC0};
      a.bytes(tail, sizeof tail);
    });
    ASSERT_EQ((code.size() - 3) % 16, 0u) << start;
    ASSERT_LT(code.size() - 3 - start, 16u) << start;
    EXPECT_EQ(std::vector<uint8_t>(code.end() - 3, code.end()), (std::vector<uint8_t>{0x48, 0x85, 0xC0}));
    for (size_t at = start; at < code.size() - 3;) {  // whole NOPs
      bool matched = false;
      for (const auto& nop : nops)
        if (at + nop.size() <= code.size() - 3 && std::equal(nop.begin(), nop.end(), code.begin() + at)) {
          at += nop.size();
          matched = true;
          break;
        }
      ASSERT_TRUE(matched) << "start " << start << ", byte " << at;
    }
  }
}

}  // namespace
}  // namespace mywasm::jit
#endif
