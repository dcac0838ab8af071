// jit::FastAssembler encodes the plain mov forms exactly as asmjit's own
// encoder does (x64_fast_assembler.hpp).
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
  if constexpr (std::is_same_v<A, FastAssembler>)
    if (fast) *fast = a.fast_count();
  const CodeBuffer& b = code.textSection()->buffer();
  return std::vector<uint8_t>(b.data(), b.data() + b.size());
}

// `emit` (a generic lambda) makes asmjit's bytes on a FastAssembler, both
// through its own mov overloads and through x86::Assembler's.
template <class Emit>
void expect_same(const Emit& emit, size_t expected_fast, const char* what) {
  size_t fast = 0, fast_as_base = 0;
  const auto want = assemble<x86::Assembler>(emit);
  const auto got = assemble<FastAssembler>(emit, &fast);
  const auto got_as_base = assemble<FastAssembler, x86::Assembler>(emit, &fast_as_base);
  EXPECT_EQ(got, want) << what;
  EXPECT_EQ(got_as_base, want) << what << " (as an x86::Assembler)";
  EXPECT_EQ(fast, expected_fast) << what;
  EXPECT_EQ(fast_as_base, expected_fast) << what << " (as an x86::Assembler)";
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

TEST(FastAssembler, OtherFormsGoToAsmjit) {
  // Byte and word registers, 32-bit address registers, labels, segments,
  // stores of immediates, other instructions: asmjit's encoder, same bytes.
  expect_same([](auto& a) { a.mov(al, byte_ptr(rbx, 8)); }, 0, "byte");
  expect_same([](auto& a) { a.mov(word_ptr(rbx, 8), dx); }, 0, "word");
  expect_same([](auto& a) { a.mov(eax, dword_ptr(ebx, 8)); }, 0, "32-bit base");
  expect_same([](auto& a) { a.mov(qword_ptr(rbx, 8), imm(5)); }, 0, "store imm");
  expect_same([](auto& a) { a.mov(rax, rbx); a.add(rax, rbx); a.mov(ecx, edx); }, 2, "mixed");
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
      42, "labels");
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

}  // namespace
}  // namespace mywasm::jit
#endif
