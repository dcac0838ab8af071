// Opcode enumeration and static per-opcode facts, all expanded from
// opcodes.def so that no stage keeps its own list.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

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
  bool is_simple() const { return params != "*"; }
};

inline constexpr OpcodeInfo kOpcodeInfo[] = {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results) \
  {Prefix, Code, Name, ImmKind::Imm, Params, Results},
#include "opcodes.def"
#undef OP
};

inline const OpcodeInfo& info(Opcode op) { return kOpcodeInfo[static_cast<unsigned>(op)]; }

// Binary lookups: the opcode for a single byte or for a prefixed sub-code.
// Returns nullopt for bytes that are not instructions.
std::optional<Opcode> opcode_from_byte(uint8_t byte);
std::optional<Opcode> opcode_from_prefixed(uint8_t prefix, uint32_t code);
// Text lookup by mnemonic ("i32.add"). "select" maps to Opcode::Select.
std::optional<Opcode> opcode_from_name(std::string_view name);

}  // namespace mywasm
