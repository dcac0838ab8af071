// Opcode enumeration and static per-opcode facts, all expanded from
// opcodes.def so that no stage keeps its own list.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "mywasm/types.hpp"

namespace mywasm {

// What follows an opcode in the binary format.
enum class ImmKind : uint8_t {
  None,
  BlockType,     // s33 block type (empty, valtype or type index)
  Label,         // u32 label depth
  BrTable,       // vec(u32) + u32 default
  Func,          // u32 function index
  CallIndirect,  // u32 type index, u32 table index
  SelectT,       // vec(valtype)
  Local,         // u32
  Global,        // u32
  Table,         // u32
  MemArg,        // u32 align, u32 offset
  Memory,        // u32 memory index (a single 0x00 byte in Wasm 2.0)
  I32, I64,      // signed LEB
  F32, F64,      // little-endian IEEE bits
  RefType,       // one byte reftype
  MemoryInit,    // u32 data index, u32 memory index
  Data,          // u32 data index
  MemoryCopy,    // u32 dst memory, u32 src memory
  TableInit,     // u32 elem index, u32 table index
  Elem,          // u32 elem index
  TableCopy,     // u32 dst table, u32 src table
  V128,          // 16 little-endian bytes (v128.const)
  Shuffle,       // 16 lane-index bytes, each < 32 (i8x16.shuffle)
  Lane,          // one lane-index byte (extract/replace_lane)
  MemArgLane,    // u32 align, u32 offset, lane-index byte (load/store_lane)
};

enum class Opcode : uint16_t {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results) Id,
#include "opcodes.def"
#undef OP
  Count_
};

constexpr unsigned kOpcodeCount = static_cast<unsigned>(Opcode::Count_);

struct OpcodeInfo {
  uint8_t prefix;         // 0, 0xFC or 0xFD
  uint32_t code;          // byte, or sub-opcode after the prefix
  std::string_view name;  // text-format mnemonic
  ImmKind imm;
  std::string_view params;   // "*" = typed individually by the validator
  std::string_view results;
  constexpr bool is_simple() const { return params != "*"; }
};

// The table for constant evaluation (templates, constexpr tables). Code
// that runs asks info() instead: in a position-independent binary each
// string_view here costs a relocation, some 1,500 of them writing 7 pages
// at every start-up, while info()'s tables below need none.
inline constexpr OpcodeInfo kOpcodeInfo[] = {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results) \
  {Prefix, Code, Name, ImmKind::Imm, Params, Results},
#include "opcodes.def"
#undef OP
};

namespace opcode_tables {

// Every name, params and results string of kOpcodeInfo, one after another.
inline constexpr size_t kTextSize = [] {
  size_t n = 0;
  for (const OpcodeInfo& in : kOpcodeInfo) n += in.name.size() + in.params.size() + in.results.size();
  return n;
}();

// An OpcodeInfo with its strings as offsets into kText.
struct Packed {
  uint8_t prefix;
  ImmKind imm;
  uint16_t code;
  uint16_t name_at, params_at, results_at;
  uint8_t name_size, params_size, results_size;
};

struct Tables {
  std::array<char, kTextSize> text{};
  std::array<Packed, kOpcodeCount> entries{};
  constexpr Tables() {
    size_t at = 0;
    auto add = [&](std::string_view s, uint16_t& offset, uint8_t& size) {
      offset = static_cast<uint16_t>(at);
      size = static_cast<uint8_t>(s.size());
      for (char c : s) text[at++] = c;
    };
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo& in = kOpcodeInfo[i];
      Packed& p = entries[i];
      p.prefix = in.prefix;
      p.imm = in.imm;
      p.code = static_cast<uint16_t>(in.code);
      add(in.name, p.name_at, p.name_size);
      add(in.params, p.params_at, p.params_size);
      add(in.results, p.results_at, p.results_size);
    }
  }
};
static_assert(kTextSize <= UINT16_MAX, "offsets into the text are 16-bit");
static_assert(
    [] {
      for (const OpcodeInfo& in : kOpcodeInfo) {
        if (in.code > UINT16_MAX || in.name.size() > UINT8_MAX || in.params.size() > UINT8_MAX ||
            in.results.size() > UINT8_MAX)
          return false;
      }
      return true;
    }(),
    "codes are 16-bit and each string at most 255 characters in Packed");
inline constexpr Tables kTables;

}  // namespace opcode_tables

// The value type a letter of kOpcodeInfo's params and results strings
// names: i i32, I i64, f f32, F f64, anything else v128.
constexpr ValType type_of_letter(char c) {
  switch (c) {
    case 'i': return ValType::I32;
    case 'I': return ValType::I64;
    case 'f': return ValType::F32;
    case 'F': return ValType::F64;
    default: return ValType::V128;
  }
}

// An opcode's packed entry: its counts and immediate kind without the
// string_views info() builds (for hot paths that need only those).
inline const opcode_tables::Packed& packed_info(Opcode op) {
  return opcode_tables::kTables.entries[static_cast<unsigned>(op)];
}

inline OpcodeInfo info(Opcode op) {
  const opcode_tables::Packed& p = packed_info(op);
  const char* text = opcode_tables::kTables.text.data();
  return {p.prefix,
          p.code,
          {text + p.name_at, p.name_size},
          p.imm,
          {text + p.params_at, p.params_size},
          {text + p.results_at, p.results_size}};
}

// Binary lookups: the opcode for a single byte or for a prefixed sub-code.
// Returns nullopt for bytes that are not instructions.
std::optional<Opcode> opcode_from_byte(uint8_t byte);
std::optional<Opcode> opcode_from_prefixed(uint8_t prefix, uint32_t code);
// Text lookup by mnemonic ("i32.add"). "select" maps to Opcode::Select.
std::optional<Opcode> opcode_from_name(std::string_view name);

}  // namespace mywasm
