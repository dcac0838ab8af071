// Binary decoder: bytes -> Module (see module.hpp), plus the one
// instruction decoder every later stage (decoder's own body scan,
// validator, interpreter translator, JIT) uses to walk function bodies.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "leb.hpp"
#include "load_error.hpp"
#include "module.hpp"
#include "opcode.hpp"

namespace mywasm {

// Whether decode_module walks function bodies. `Deferred` only records
// each body's bounds (FuncBody::code_end is then its declared end and
// max_depth 0), for a loader whose validator walks every body anyway:
// it saves a walk of all the code. The loader must then call
// scan_deferred_bodies when anything fails later, since a malformed body
// is reported before any validation error (see load_module).
enum class BodyScan { Now, Deferred };

// Decodes a whole binary module into `out`. The first form copies the input
// into out.bytes; the second keeps the given bytes (and their owner). Checks everything the binary format itself requires (section
// order and sizes, LEB rules, UTF-8 names, instruction encodings and block
// nesting, data count rules); type rules are left to validate_module.
// Returns nullopt on success; on failure `out` is partially filled. A
// failure with bodies deferred is still the first malformed body's when
// there is one before the failing byte.
std::optional<LoadError> decode_module(std::span<const uint8_t> bytes, ir::Module& out,
                                       BodyScan body_scan = BodyScan::Now);
std::optional<LoadError> decode_module(ir::ModuleBytes bytes, ir::Module& out, BodyScan body_scan = BodyScan::Now);

// What decode_module leaves out with bodies deferred: each body's
// instruction encoding and block structure, its final `end` at its declared
// end, and the data count rule. The first such error, or nullopt.
std::optional<LoadError> scan_deferred_bodies(const ir::Module& m);

// Block type immediate as the s33 the format encodes.
constexpr int64_t kBlockTypeEmpty = -64;  // 0x40
// A single-result block type (negative code other than -64) -> its value type.
inline ValType block_value_type(int64_t block_type) {
  return static_cast<ValType>(static_cast<uint8_t>(block_type & 0x7F));
}

// A block type's parameter and result types, as spans into the module's
// types (or a static array) that live as long as the module. A type index
// must be in range: the validator checks it before asking.
struct BlockSignature {
  std::span<const ValType> params, results;
};
BlockSignature typed_block_signature(const ir::Module& m, int64_t block_type);  // (not empty)
// The empty block type, most blocks', answered inline: no call.
inline BlockSignature block_signature(const ir::Module& m, int64_t block_type) {
  if (block_type == kBlockTypeEmpty) return {};
  return typed_block_signature(m, block_type);
}

// One decoded instruction. Which fields are meaningful depends on
// info(op).imm:
//   BlockType      block_type: kBlockTypeEmpty, negative = value type
//                  (see block_value_type), >= 0 = type index
//   Label          a = label depth
//   BrTable        targets = label depths, the LAST one is the default
//   Func           a = function index
//   CallIndirect   a = type index, b = table index
//   SelectT        select_types
//   Local/Global/Table/Data/Elem   a = index
//   MemArg         a = alignment exponent, b = offset (imm64 = offset too)
//   Memory         a = memory index (always 0 in Wasm 2.0)
//   I32 / I64      imm64 = the value, sign-extended to 64 bits
//   F32 / F64      imm64 = the IEEE bits (f32 in the low 32 bits)
//   RefType        ref_type
//   MemoryInit     a = data index, b = memory index
//   MemoryCopy     a = destination memory, b = source memory
//   TableInit      a = elem index, b = table index
//   TableCopy      a = destination table, b = source table
//   V128           v128 = the 16 bytes of the constant (lane 0 first)
//   Shuffle        v128 = the 16 lane indices
//   Lane           b = lane index
//   MemArgLane     a = alignment exponent, imm64 = offset, b = lane index
// Reusing one Instr across calls keeps the vectors' capacity, so walking a
// body does not allocate.
struct Instr {
  Opcode op = Opcode::Nop;
  uint32_t offset = 0;  // module offset of the opcode's first byte
  uint32_t a = 0;
  uint32_t b = 0;
  uint64_t imm64 = 0;
  int64_t block_type = kBlockTypeEmpty;
  ValType ref_type = ValType::FuncRef;
  std::vector<uint32_t> targets;
  std::vector<ValType> select_types;
  // v128.const bytes or i8x16.shuffle lane indices (lane indices of the
  // other lane instructions are in `b`).
  std::array<uint8_t, 16> v128{};
};

// Decodes the instruction at the reader's position and advances past it.
// Errors ("illegal opcode", "zero byte expected", LEB errors, unexpected
// end ...) come back as LoadError.
std::optional<LoadError> read_instr(Reader& r, Instr& out);

namespace decoder_detail {

// How read_instr_or_throw's inline part can read a single-byte opcode.
enum class Shape : uint8_t {
  NoImmediate,
  OneIndex,  // a u32 index into `a` (label, function, local, global, table, data, elem)
  MemArg,    // alignment into `a`, offset into `b` and imm64
  ConstI32,  // i32.const: its s32 into imm64, sign-extended
  Other,     // anything else, and bytes that are not single-byte opcodes
};

// Compile-time index of the single-byte and prefixed opcodes, and how the
// inline reader reads each single-byte one (derived from opcodes.def, so
// there is still just one opcode list): instruction readers avoid the
// function-static tables of opcode_from_byte. (An opcode's immediate kind
// is packed_info's.)
constexpr uint16_t kNotAnOpcode = 0xFFFF;
struct OpcodeIndex {
  std::array<uint16_t, 256> single{};
  std::array<Shape, 256> single_shape{};
  std::array<uint16_t, 32> fc{};
  std::array<uint16_t, 256> fd{};  // every Wasm 2.0 SIMD sub-opcode is < 256
  static constexpr Shape shape_of(ImmKind k) {
    switch (k) {
      case ImmKind::None: return Shape::NoImmediate;
      case ImmKind::Label: case ImmKind::Func: case ImmKind::Local: case ImmKind::Global:
      case ImmKind::Table: case ImmKind::Data: case ImmKind::Elem:
        return Shape::OneIndex;
      case ImmKind::MemArg: return Shape::MemArg;
      case ImmKind::I32: return Shape::ConstI32;
      default: return Shape::Other;
    }
  }
  constexpr OpcodeIndex() {
    single.fill(kNotAnOpcode);
    single_shape.fill(Shape::Other);
    fc.fill(kNotAnOpcode);
    fd.fill(kNotAnOpcode);
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo& in = kOpcodeInfo[i];
      if (in.prefix == 0) {
        single[in.code] = static_cast<uint16_t>(i);
        single_shape[in.code] = shape_of(in.imm);
      }
      if (in.prefix == 0xFC && in.code < fc.size()) fc[in.code] = static_cast<uint16_t>(i);
      if (in.prefix == 0xFD && in.code < fd.size()) fd[in.code] = static_cast<uint16_t>(i);
    }
  }
};
inline constexpr OpcodeIndex kOpcodeIndex;

// Every instruction, and every error.
void read_instr_in_full(Reader& r, Instr& out);

}  // namespace decoder_detail

namespace decoder_detail {
// The signed 32-bit LEB at p (`avail` bytes there), sign-extended into v:
// its length, or 0 where read_instr_in_full must read it (past the end,
// or a fifth byte that goes on or whose unused bits do not extend the
// sign: the errors are its to report).
[[gnu::always_inline]] inline unsigned inline_s32(const uint8_t* p, size_t avail, uint64_t& v) {
  uint32_t bits = 0;
  for (unsigned i = 0; i < 4 && i < avail; ++i) {
    bits |= uint32_t(p[i] & 0x7F) << (7 * i);
    if (p[i] < 0x80) {
      const unsigned unused = 32 - 7 * (i + 1);
      v = static_cast<uint64_t>(int64_t(int32_t(bits << unused) >> unused));
      return i + 1;
    }
  }
  // Bits 28-31 in the fifth byte's low four; its bits 4-6 copy bit 31.
  if (avail < 5 || p[4] >= 0x80 || ((p[4] & 0x78) != 0 && (p[4] & 0x78) != 0x78)) return 0;
  v = static_cast<uint64_t>(int64_t(int32_t(bits | uint32_t(p[4]) << 28)));
  return 5;
}
}  // namespace decoder_detail

// Same as read_instr, throwing the LoadError instead (for loops that
// already catch). Inline for the most common instructions (one byte; one
// byte and a one- or two-byte index or an i32 constant; a load or store
// whose alignment is one byte and offset one or two), which every stage
// walking a body reads; read_instr_in_full reads the same fields for the
// rest.
[[gnu::always_inline]] inline void read_instr_or_throw(Reader& r, Instr& out) {
  using namespace decoder_detail;
  if (__builtin_expect(r.remaining() >= 2, 1)) {
    const uint8_t* p = r.data() + r.pos();
    // The opcode and its place, then past the `length` bytes read.
    auto take = [&](size_t length) {
      out.offset = r.offset();
      out.op = static_cast<Opcode>(kOpcodeIndex.single[p[0]]);
      r.seek(r.pos() + length);
    };
    switch (kOpcodeIndex.single_shape[p[0]]) {
      case Shape::NoImmediate:
        take(1);
        return;
      case Shape::OneIndex:
        if (p[1] < 0x80) {
          out.a = p[1];
          take(2);
          return;
        }
        // Two bytes (a local of the 128th on, as large functions have).
        if (r.remaining() < 3 || p[2] >= 0x80) break;
        out.a = (p[1] & 0x7Fu) | uint32_t{p[2]} << 7;
        take(3);
        return;
      case Shape::ConstI32:
        if (unsigned length = inline_s32(p + 1, r.remaining() - 1, out.imm64)) {
          take(1 + length);
          return;
        }
        break;
      case Shape::MemArg: {
        if (r.remaining() < 3 || p[1] >= 0x80) break;
        unsigned length = 3;
        out.b = p[2];
        if (p[2] >= 0x80) {  // a two-byte offset (static data past 127)
          if (r.remaining() < 4 || p[3] >= 0x80) break;
          out.b = (p[2] & 0x7Fu) | uint32_t{p[3]} << 7;
          length = 4;
        }
        out.a = p[1];
        out.imm64 = out.b;
        take(length);
        return;
      }
      case Shape::Other:
        break;
    }
  }
  read_instr_in_full(r, out);
}

// Whether [s, s + n) is UTF-8 as the binary format's names must be.
bool is_valid_utf8(const uint8_t* s, size_t n);

// Value type byte -> ValType, nullopt if not a value type.
std::optional<ValType> valtype_from_byte(uint8_t b);

}  // namespace mywasm
