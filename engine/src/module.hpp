// The decoded module: an immutable description produced by the decoder,
// checked by the validator and shared by every instance made from it.
#pragma once
#include <array>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mywasm/types.hpp"
#include "opcode.hpp"

namespace mywasm {
// The IR lives in mywasm::ir so that it can coexist with the public API
// (mywasm::Module, mywasm::Global in mywasm.hpp). Core code, which never
// includes the public header, sees it unqualified through the directive
// below; code that includes both must write ir::Module / mywasm::Module.
namespace ir {

// A constant expression (global initialisers, segment offsets, element
// items). Wasm 2.0 allows exactly one constant instruction before `end`;
// the decoder keeps the instruction list so the validator can report
// "constant expression required" / "type mismatch" itself.
struct ConstInstr {
  Opcode op = Opcode::Nop;
  uint64_t bits = 0;        // i32/i64/f32/f64 constant bits (zero-extended)
  uint32_t index = 0;       // global.get / ref.func index
  ValType ref_type = ValType::FuncRef;  // ref.null
  uint32_t offset = 0;      // byte offset of the instruction in the module
  std::array<uint8_t, 16> v128{};  // v128.const bytes
};
struct ConstExpr {
  std::vector<ConstInstr> instrs;  // without the final `end`
  uint32_t offset = 0;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // kind == Func: type index
  TableType table;         // kind == Table
  MemoryType memory;       // kind == Memory
  GlobalType global;       // kind == Global
  uint32_t offset = 0;     // byte offset of the entry in the module (for errors)
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint32_t offset = 0;  // byte offset of the entry in the module (for errors)
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;
  ConstExpr offset;              // Active only
  ValType type = ValType::FuncRef;
  // Its items, each yielding one reference, 4 bytes each (a segment may
  // hold 10M): a valid `ref.func N` in a funcref segment (every item of a
  // segment of function indices) is N itself; any other expression is kept
  // whole in `exprs`, its item being kExprItem | its index there.
  std::vector<uint32_t> items;
  std::vector<ConstExpr> exprs;
  static constexpr uint32_t kExprItem = uint32_t(1) << 31;
  // The expression of `item`, or null for a function index.
  const ConstExpr* expr(uint32_t item) const { return item & kExprItem ? &exprs[item & ~kExprItem] : nullptr; }
  uint32_t byte_offset = 0;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // Active or Passive
  uint32_t memory = 0;
  ConstExpr offset;        // Active only
  uint32_t data_offset = 0;  // position of the bytes in Module::bytes
  uint32_t data_size = 0;
};

// Function body: locals and the byte range of its instructions in
// Module::bytes (from the first instruction to just past the final `end`).
// A run of declared locals of one type: those from the previous group's
// `end` up to this `end` (indices among the declared locals).
struct LocalGroup {
  uint32_t end;
  ValType type;
  bool operator==(const LocalGroup&) const = default;
};

struct FuncBody {
  // Declared locals (params excluded) as runs, adjacent runs of one type
  // merged: 50,000 locals cost one group, not 50,000 entries, so a few
  // bytes per function cannot make the module big in memory.
  std::vector<LocalGroup> local_groups;
  uint32_t body_offset = 0;  // offset of the body's size field
  uint32_t func_begin = 0;   // after the size field: the locals (where frame offsets count from)
  uint32_t code_begin = 0;   // first instruction
  uint32_t code_end = 0;     // one past the final `end`
  uint32_t max_depth = 0;    // deepest nesting of blocks (the function's own not counted)

  uint32_t code_size() const { return code_end - code_begin; }
  uint32_t num_locals() const { return local_groups.empty() ? 0 : local_groups.back().end; }
  // The type of declared local i (i < num_locals()).
  ValType local_type(uint32_t i) const {
    auto group = std::upper_bound(local_groups.begin(), local_groups.end(), i,
                                  [](uint32_t index, const LocalGroup& g) { return index < g.end; });
    return group->type;
  }
  // Calls f(type) for each declared local in order.
  template <class F>
  void for_each_local(F&& f) const {
    uint32_t i = 0;
    for (const LocalGroup& g : local_groups)
      for (; i < g.end; ++i) f(g.type);
  }
};

// The module's binary, borrowed from an owner that keeps it alive: a copy
// made by Module::compile(span), or a file read by Module::compile_file with
// the custom sections it does not need never loaded. Read-only.
class ModuleBytes {
 public:
  ModuleBytes() = default;
  ModuleBytes(std::shared_ptr<const void> owner, std::span<const uint8_t> bytes)
      : owner_(std::move(owner)), data_(bytes.data()), size_(bytes.size()) {}
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  const uint8_t& operator[](size_t i) const { return data_[i]; }

  // Custom sections Module::compile_file checked (as the decoder would) and
  // never loaded, each [begin, end) from its id byte, in file order: the
  // decoder steps over them without touching their pages.
  std::vector<std::pair<size_t, size_t>> skipped;

 private:
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

struct Module {
  ModuleBytes bytes;  // the binary, kept for lazy translation

  std::vector<FuncType> types;
  std::vector<Import> imports;
  // Index spaces: imported entities come first.
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  std::vector<uint32_t> func_types;     // type index of every function (imports included)
  std::vector<TableType> tables;        // imports included
  std::vector<MemoryType> memories;     // imports included
  std::vector<uint32_t> table_offsets, memory_offsets;  // byte offset of each entry (for errors)
  // Where table / memory i was decoded (0 for a hand-built module without offsets).
  uint32_t table_offset(size_t i) const { return i < table_offsets.size() ? table_offsets[i] : 0; }
  uint32_t memory_offset(size_t i) const { return i < memory_offsets.size() ? memory_offsets[i] : 0; }
  std::vector<GlobalType> global_types; // imports included
  std::vector<Global> globals;          // defined globals only
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  uint32_t start_offset = 0;            // byte offset of the start section's index
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<FuncBody> bodies;         // defined functions only

  // Instruction bytes of all bodies. A module with kParallelCodeBytes or
  // more has its validation spread over threads; with
  // kParallelCompileBytes or more, Tier::Jit's compile at instantiation.
  static constexpr size_t kParallelCodeBytes = size_t(1) << 20;
  // Compiling to native code runs at 10-20 MB/s, validation at ~250: a
  // thread (~0.1 ms to start) pays for itself at a smaller module.
  static constexpr size_t kParallelCompileBytes = size_t(64) << 10;
  size_t code_bytes() const {
    size_t total = 0;
    for (const FuncBody& b : bodies) total += b.code_size();
    return total;
  }

  // From the "name" custom section (best effort: a malformed name section
  // is ignored, as the spec requires for custom sections). A function's
  // name stays in `bytes`: an entry says where, in ascending function index
  // order as the section must list them, so loading allocates nothing per
  // name and a lookup is a binary search.
  std::string module_name;
  struct FuncName {
    uint32_t func_index;
    uint32_t offset;  // in bytes
    uint32_t length;
  };
  std::vector<FuncName> func_names;
  std::optional<std::string_view> func_name(uint32_t func_index) const;

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  bool is_imported_func(uint32_t func_index) const { return func_index < num_imported_funcs; }
  // Readable name for backtraces: name section, else export name, else "func[N]".
  std::string func_display_name(uint32_t func_index) const;
};

}  // namespace ir
using namespace ir;
}  // namespace mywasm
