// A generator of valid wasm modules driven by fuzzer bytes, for the
// executing fuzz targets: every byte string gives a module that validates,
// so the fuzzer spends its time in the translator and the handlers rather
// than in the decoder's error paths. Instructions are chosen from the one
// opcode table (opcodes.def) by their operand types, so a new simple
// instruction is generated without touching this file.
//
// The module: one memory (1..3 pages), four mutable globals (i32, i64, f32,
// f64), a funcref table holding every function, and 1..5 functions, each
// exported as "f<i>". Bodies are statement sequences and expression trees
// over locals, globals and memory, with blocks, loops, if/else, br_if,
// br_table, return, calls and call_indirect; addresses come back often
// (the same local plus small offsets) so that the interpreter's fused
// forms (address add, op[load], read-modify-write, compare + branch,
// counted loops) are reached.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mywasm::fuzz {

// Reads choices from the fuzzer's bytes; zeros once they run out, so every
// input ends (the generator's choices at 0 are the smallest ones).
class ByteSource {
 public:
  ByteSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t below(uint32_t n) { return n <= 1 ? 0 : (n <= 256 ? byte() % n : u32() % n); }
  bool chance(uint32_t percent) { return below(100) < percent; }
  uint32_t u32() { return uint32_t(byte()) | uint32_t(byte()) << 8 | uint32_t(byte()) << 16 | uint32_t(byte()) << 24; }
  uint64_t u64() { return uint64_t(u32()) | uint64_t(u32()) << 32; }
  bool exhausted() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_, pos_ = 0;
};

// A generated module's bytes and the signature of each exported function
// ("f0", "f1", ...) as type letters (i I f F v), for calling it.
struct GeneratedModule {
  std::vector<uint8_t> bytes;
  struct Func {
    std::vector<char> params, results;
  };
  std::vector<Func> funcs;
};

GeneratedModule generate_module(ByteSource& in);

}  // namespace mywasm::fuzz
