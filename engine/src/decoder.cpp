#include "decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>

namespace mywasm {

namespace {
// Value types as a static array so single-type block signatures can be
// handed out as spans without allocation.
constexpr std::array<ValType, 7> kAllTypes = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                              ValType::V128, ValType::FuncRef, ValType::ExternRef};
std::span<const ValType> single_type(ValType t) {
  for (const ValType& v : kAllTypes) {
    if (v == t) return {&v, 1};
  }
  return {};
}
}  // namespace

BlockSignature typed_block_signature(const ir::Module& m, int64_t block_type) {
  if (block_type < 0) return {{}, single_type(block_value_type(block_type))};
  const FuncType& t = m.types[static_cast<size_t>(block_type)];
  return {t.params, t.results};
}

std::optional<ValType> valtype_from_byte(uint8_t b) {
  switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B: case 0x70: case 0x6F:
      return static_cast<ValType>(b);
    default:
      return std::nullopt;
  }
}

// ---------------------------------------------------------------------------
// Instructions

namespace {

// The JS API's implementation limits (WebAssembly JS API, "Limits"), which
// the browsers' engines share, plus V8's br_table bound: a module past them
// is refused as soon as the count is read, so a few bytes can never make
// the loader allocate or work in proportion to a count they merely claim.
namespace limit {
constexpr uint32_t kTypes = 1'000'000, kFunctions = 1'000'000, kImports = 100'000, kExports = 100'000,
                   kGlobals = 1'000'000, kTables = 100'000, kDataSegments = 100'000, kElemSegments = 10'000'000,
                   kElemItems = 10'000'000, kParams = 1'000, kResults = 1'000, kBrTableTargets = 65'520,
                   kFunctionBodyBytes = 7'654'321;
}  // namespace limit

// A vector length, refused ("too many ...") past `max`.
uint32_t limited_count(Reader& r, uint32_t max, const char* what) {
  const size_t at = r.pos();
  const uint32_t n = r.count();
  if (n > max) Reader::fail(fmt::format("too many {} ({}; the limit is {})", what, n, max), at);
  return n;
}


void read_zero_byte(Reader& r) {
  size_t at = r.pos();
  if (r.u8() != 0) Reader::fail("zero byte expected", at);
}

// Type codes are encoded as 7-bit signed LEBs; a continuation bit makes
// the encoding too long rather than an unknown type.
uint8_t read_type_code(Reader& r) {
  uint8_t b = r.u8();
  if (b & 0x80) Reader::fail("integer representation too long", r.pos());
  return b;
}

ValType read_valtype(Reader& r) {
  size_t at = r.pos();
  auto t = valtype_from_byte(read_type_code(r));
  if (!t) Reader::fail("malformed value type", at);
  return *t;
}

ValType read_reftype(Reader& r) {
  size_t at = r.pos();
  uint8_t b = read_type_code(r);
  if (b != 0x70 && b != 0x6F) Reader::fail("malformed reference type", at);
  return static_cast<ValType>(b);
}

using decoder_detail::kNotAnOpcode;
using decoder_detail::kOpcodeIndex;

// The message names the byte(s) like the reference interpreter does
// ("illegal opcode ff", "illegal opcode fc 99"). Out of line: formatting it
// in read_instr_or_throw made every prefixed instruction pay for it.
[[noreturn, gnu::cold, gnu::noinline]] void fail_illegal_opcode(uint8_t byte, std::optional<uint32_t> sub,
                                                                 uint32_t offset) {
  std::string message = fmt::format("illegal opcode {:02x}", byte);
  if (sub) message += fmt::format(" {}", *sub);
  Reader::fail(std::move(message), offset);
}

}  // namespace

void decoder_detail::read_instr_in_full(Reader& r, Instr& in) {
  in.offset = r.offset();
  uint8_t byte = r.u8();
  uint16_t index = kOpcodeIndex.single[byte];
  if (index == kNotAnOpcode) {
    if (byte != 0xFC && byte != 0xFD) fail_illegal_opcode(byte, std::nullopt, in.offset);
    uint32_t sub = r.u32();
    if (byte == 0xFC && sub < kOpcodeIndex.fc.size()) {
      index = kOpcodeIndex.fc[sub];
    } else if (byte == 0xFD && sub < kOpcodeIndex.fd.size()) {
      index = kOpcodeIndex.fd[sub];
    }
    if (index == kNotAnOpcode) fail_illegal_opcode(byte, sub, in.offset);
  }
  in.op = static_cast<Opcode>(index);

  switch (packed_info(in.op).imm) {
    case ImmKind::None:
      break;
    case ImmKind::BlockType: {
      size_t at = r.pos();
      // Fast path for the common one-byte forms.
      uint8_t b = r.peek();
      if (b == 0x40) {
        r.u8();
        in.block_type = kBlockTypeEmpty;
      } else if (b & 0x40 && !(b & 0x80)) {
        r.u8();
        if (!valtype_from_byte(b)) Reader::fail("malformed value type", at);
        in.block_type = static_cast<int64_t>(b) - 0x80;
      } else {
        in.block_type = r.s33();
        if (in.block_type < 0) Reader::fail("malformed value type", at);
      }
      break;
    }
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::Data:
    case ImmKind::Elem:
      in.a = r.u32();
      break;
    case ImmKind::BrTable: {
      uint32_t n = limited_count(r, limit::kBrTableTargets, "br_table targets");
      in.targets.clear();
      in.targets.reserve(r.reservable(n) + 1);
      for (uint64_t i = 0; i <= n; ++i) in.targets.push_back(r.u32());
      break;
    }
    case ImmKind::CallIndirect:
      in.a = r.u32();
      in.b = r.u32();
      break;
    case ImmKind::SelectT: {
      uint32_t n = r.count();
      in.select_types.clear();
      for (uint32_t i = 0; i < n; ++i) in.select_types.push_back(read_valtype(r));
      break;
    }
    case ImmKind::MemArg:
      in.a = r.u32();
      in.b = r.u32();
      in.imm64 = in.b;
      break;
    case ImmKind::Memory:
      read_zero_byte(r);
      in.a = 0;
      break;
    case ImmKind::I32:
      in.imm64 = static_cast<uint64_t>(static_cast<int64_t>(r.s32()));
      break;
    case ImmKind::I64:
      in.imm64 = static_cast<uint64_t>(r.s64());
      break;
    case ImmKind::F32:
      in.imm64 = r.f32_bits();
      break;
    case ImmKind::F64:
      in.imm64 = r.f64_bits();
      break;
    case ImmKind::RefType:
      in.ref_type = read_reftype(r);
      break;
    case ImmKind::MemoryInit:
      in.a = r.u32();
      read_zero_byte(r);
      in.b = 0;
      break;
    case ImmKind::MemoryCopy:
      read_zero_byte(r);
      read_zero_byte(r);
      in.a = in.b = 0;
      break;
    case ImmKind::TableInit:
      in.a = r.u32();
      in.b = r.u32();
      break;
    case ImmKind::TableCopy:
      in.a = r.u32();
      in.b = r.u32();
      break;
    case ImmKind::V128:
    case ImmKind::Shuffle:
      // Lane indices are range-checked by the validator ("invalid lane index").
      for (uint8_t& byte : in.v128) byte = r.u8();
      break;
    case ImmKind::Lane:
      in.b = r.u8();
      break;
    case ImmKind::MemArgLane:
      in.a = r.u32();
      in.imm64 = r.u32();
      in.b = r.u8();
      break;
  }
}

std::optional<LoadError> read_instr(Reader& r, Instr& out) {
  try {
    read_instr_or_throw(r, out);
  } catch (LoadError& e) {
    return std::move(e);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Module

namespace {

enum SectionId : uint8_t {
  kCustom = 0, kType, kImport, kFunction, kTable, kMemory, kGlobal,
  kExport, kStart, kElement, kCode, kData, kDataCount,
};

// Position of each section id in the required order (data count sits
// between element and code).
constexpr int section_rank(uint8_t id) {
  constexpr int ranks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return ranks[id];
}

bool valid_utf8(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    // ASCII (most names: a Rust program's name section is ~10 KB of them)
    // eight bytes at a time.
    uint64_t word;
    if (n - i >= 8 && (std::memcpy(&word, s + i, 8), (word & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
    uint8_t c = s[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

// A name: its byte length, then that many bytes of UTF-8, which `r` moves
// past. The view is into the reader's data (the module's bytes).
std::string_view read_name_bytes(Reader& r) {
  uint32_t len = r.byte_length();
  size_t at = r.pos();
  const uint8_t* p = r.data() + at;
  r.skip(len);
  if (!valid_utf8(p, len)) Reader::fail("malformed UTF-8 encoding", at);
  return {reinterpret_cast<const char*>(p), len};
}

// Checks the instruction encoding and block structure of bodies; type
// rules are the validator's job.
class BodyScanner {
 public:
  // Scans the body `r` is at. As in the reference interpreter the body is
  // read until its final `end` even past its declared size (the caller then
  // reports "section size mismatch"). Returns the deepest nesting of blocks,
  // for later stages to size their control stacks once.
  uint32_t scan(Reader& r) {
    // Open blocks: true for an `if` still before its `else`.
    open_blocks_.clear();
    open_blocks_.push_back(false);  // the function's own block
    size_t max_open = 1;
    for (;;) {
      if (r.eof() && open_blocks_.size() > 1) Reader::fail(Reader::kEndOfModule, r.pos());
      read_instr_or_throw(r, instr_);
      switch (instr_.op) {
        case Opcode::Block:
        case Opcode::Loop:
        case Opcode::If:
          open_blocks_.push_back(instr_.op == Opcode::If);
          max_open = std::max(max_open, open_blocks_.size());
          break;
        case Opcode::Else:
          if (!open_blocks_.back()) Reader::fail("END opcode expected", instr_.offset);
          open_blocks_.back() = false;
          break;
        case Opcode::End:
          open_blocks_.pop_back();
          if (open_blocks_.empty()) return uint32_t(max_open - 1);
          break;
        case Opcode::MemoryInit:
        case Opcode::DataDrop:
          if (!first_data_use_) first_data_use_ = instr_.offset;
          break;
        default:
          break;
      }
    }
  }

  // Scans a body whose bounds were recorded without scanning (a deferred
  // body), with the reader in the state the code section left it.
  uint32_t scan_recorded(Reader& r, const FuncBody& body) {
    r.seek(body.code_begin);
    const uint32_t depth = scan(r);
    if (r.pos() != body.code_end) Reader::fail("section size mismatch", r.pos());
    return depth;
  }

  // The data count section is required by memory.init and data.drop when
  // the module has data segments.
  void check_data_count(const Module& m) const {
    if (!m.data_count && first_data_use_ && !m.datas.empty()) {
      Reader::fail("data count section required", *first_data_use_);
    }
  }

 private:
  Instr instr_;  // reused for every instruction
  std::vector<bool> open_blocks_;
  std::optional<uint32_t> first_data_use_;  // offset of the first memory.init / data.drop
};

// A reader over the whole module in the state the code section reads
// bodies in: bodies are read against the module's end, and running out of
// bytes inside one has the section's wording.
Reader code_section_reader(const Module& m) {
  Reader r{std::span<const uint8_t>(m.bytes)};
  r.set_eof_message(Reader::kEndOfSection);
  return r;
}

class ModuleDecoder {
 public:
  ModuleDecoder(Module& m, BodyScan body_scan)
      : m_(m), r_(std::span<const uint8_t>(m.bytes)), defer_bodies_(body_scan == BodyScan::Deferred) {}

  void decode() {
    if (!defer_bodies_) return decode_sections();
    try {
      decode_sections();
    } catch (const LoadError&) {
      // A malformed body comes before any error after it in the module.
      Reader r = code_section_reader(m_);
      for (uint32_t i = 0; i < recorded_bodies_; ++i) scanner_.scan_recorded(r, m_.bodies[i]);
      throw;
    }
  }

 private:
  void decode_sections() {
    read_header();
    int last_rank = 0;
    bool have_code_section = false, have_data_section = false;
    uint32_t declared_funcs = 0;
    size_t next_skip = 0;
    while (!r_.eof()) {
      size_t id_at = r_.pos();
      if (next_skip < m_.bytes.skipped.size() && m_.bytes.skipped[next_skip].first == id_at) {
        r_.seek(m_.bytes.skipped[next_skip++].second);  // a custom section checked when it was read
        continue;
      }
      uint8_t id = r_.u8();
      if (id > kDataCount) Reader::fail("malformed section id", id_at);
      uint32_t size = r_.byte_length();
      size_t section_end = r_.pos() + size;
      if (id != kCustom) {
        int rank = section_rank(id);
        if (rank <= last_rank) Reader::fail("unexpected content after last section", id_at);
        last_rank = rank;
      }
      // Like the reference interpreter, section contents are read against
      // the module's end (a section that is too short shows up as a size
      // mismatch afterwards), but running out of bytes inside a section
      // has its own wording.
      r_.set_eof_message(Reader::kEndOfSection);
      switch (id) {
        case kCustom: custom_section(section_end); break;
        case kType: type_section(); break;
        case kImport: import_section(); break;
        case kFunction: declared_funcs = function_section(); break;
        case kTable: table_section(); break;
        case kMemory: memory_section(); break;
        case kGlobal: global_section(); break;
        case kExport: export_section(); break;
        case kStart:
          m_.start_offset = r_.offset();
          m_.start = r_.u32();
          break;
        case kElement: element_section(); break;
        case kDataCount: m_.data_count = r_.u32(); break;
        case kCode:
          have_code_section = true;
          code_section(declared_funcs);
          break;
        case kData:
          have_data_section = true;
          data_section();
          break;
      }
      if (r_.pos() != section_end) Reader::fail("section size mismatch", r_.pos());
      r_.set_eof_message(Reader::kEndOfModule);
    }
    if (!defer_bodies_) scanner_.check_data_count(m_);
    if (!have_code_section && declared_funcs != 0) {
      Reader::fail("function and code section have inconsistent lengths", r_.pos());
    }
    if (!have_data_section && m_.data_count && *m_.data_count != 0) {
      Reader::fail("data count and data section have inconsistent lengths", r_.pos());
    }
  }

  void read_header() {
    if (r_.fixed_u32() != 0x6D736100) Reader::fail("magic header not detected", 0);  // "\0asm"
    if (r_.fixed_u32() != 1) Reader::fail("unknown binary version", 4);
  }

  std::string name() { return std::string(read_name_bytes(r_)); }

  ValType valtype() { return read_valtype(r_); }
  ValType reftype() { return read_reftype(r_); }

  Limits limits() {
    Limits l;
    size_t at = r_.pos();
    uint8_t flags = r_.u8();
    // The flags are a 1-bit LEB (in Wasm 2.0: 0 = no maximum, 1 = maximum).
    if (flags & 0x80) Reader::fail("integer representation too long", at + 1);
    if (flags > 1) Reader::fail("integer too large", at);
    l.min = r_.u32();
    if (flags & 1) l.max = r_.u32();
    return l;
  }

  TableType table_type() {
    TableType t;
    t.elem = reftype();
    t.limits = limits();
    return t;
  }

  GlobalType global_type() {
    GlobalType g;
    g.type = valtype();
    size_t at = r_.pos();
    uint8_t mut = r_.u8();
    if (mut > 1) Reader::fail("malformed mutability", at);
    g.mut = mut == 1;
    return g;
  }

  ConstExpr const_expr() {
    ConstExpr e;
    e.offset = r_.offset();
    for (;;) {
      read_instr_or_throw(r_, instr_);
      if (instr_.op == Opcode::End) return e;
      ConstInstr c;
      c.op = instr_.op;
      c.offset = instr_.offset;
      switch (info(instr_.op).imm) {
        case ImmKind::I32: c.bits = static_cast<uint32_t>(instr_.imm64); break;
        case ImmKind::I64:
        case ImmKind::F32:
        case ImmKind::F64: c.bits = instr_.imm64; break;
        case ImmKind::RefType: c.ref_type = instr_.ref_type; break;
        case ImmKind::V128: c.v128 = instr_.v128; break;
        default: c.index = instr_.a; break;
      }
      e.instrs.push_back(c);
    }
  }

  void custom_section(size_t section_end) {
    std::string section_name = name();
    if (r_.pos() > section_end) Reader::fail("unexpected end of section or function", r_.pos());
    if (section_name == "name") {
      // Best effort: a malformed name section is ignored.
      try {
        Reader sub(std::span<const uint8_t>(m_.bytes), r_.pos(), section_end);
        name_section(sub);
      } catch (const LoadError&) {
        m_.module_name.clear();
        m_.func_names.clear();
      }
    }
    r_.seek(section_end);  // skip the payload without reading it
  }

  // The "name" custom section: module name (subsection 0) and function
  // names (subsection 1); other subsections are skipped.
  void name_section(Reader& r) {
    while (!r.eof()) {
      uint8_t id = r.u8();
      uint32_t size = r.byte_length();
      size_t sub_end = r.pos() + size;
      if (id == 0) {
        m_.module_name = std::string(read_name_bytes(r));
      } else if (id == 1) {
        uint32_t n = r.count();
        m_.func_names.reserve(r.reservable(n));
        for (uint32_t i = 0; i < n; ++i) {
          uint32_t index = r.u32();
          if (!m_.func_names.empty() && index <= m_.func_names.back().func_index)
            Reader::fail("function names out of order", r.pos());
          const std::string_view name = read_name_bytes(r);
          const auto at = static_cast<uint32_t>(reinterpret_cast<const uint8_t*>(name.data()) - r.data());
          m_.func_names.push_back({index, at, static_cast<uint32_t>(name.size())});
        }
      }
      r.seek(sub_end);
    }
  }

  void type_section() {
    uint32_t n = limited_count(r_, limit::kTypes, "types");
    m_.types.reserve(r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = r_.pos();
      if (read_type_code(r_) != 0x60) Reader::fail("malformed function type", at);
      FuncType t;
      uint32_t np = limited_count(r_, limit::kParams, "parameters");
      t.params.reserve(r_.reservable(np));
      for (uint32_t k = 0; k < np; ++k) t.params.push_back(valtype());
      uint32_t nr = limited_count(r_, limit::kResults, "results");
      t.results.reserve(r_.reservable(nr));
      for (uint32_t k = 0; k < nr; ++k) t.results.push_back(valtype());
      m_.types.push_back(std::move(t));
    }
  }

  void import_section() {
    uint32_t n = limited_count(r_, limit::kImports, "imports");
    m_.imports.reserve(r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) {
      Import imp;
      imp.offset = r_.offset();
      imp.module = name();
      imp.name = name();
      size_t at = r_.pos();
      uint8_t kind = r_.u8();
      switch (kind) {
        case 0:
          imp.kind = ExternKind::Func;
          imp.func_type = r_.u32();
          m_.func_types.push_back(imp.func_type);
          ++m_.num_imported_funcs;
          break;
        case 1:
          imp.kind = ExternKind::Table;
          imp.table = table_type();
          m_.tables.push_back(imp.table);
          m_.table_offsets.push_back(imp.offset);
          ++m_.num_imported_tables;
          break;
        case 2:
          imp.kind = ExternKind::Memory;
          imp.memory.limits = limits();
          m_.memories.push_back(imp.memory);
          m_.memory_offsets.push_back(imp.offset);
          ++m_.num_imported_memories;
          break;
        case 3:
          imp.kind = ExternKind::Global;
          imp.global = global_type();
          m_.global_types.push_back(imp.global);
          ++m_.num_imported_globals;
          break;
        default:
          Reader::fail("malformed import kind", at);
      }
      m_.imports.push_back(std::move(imp));
    }
  }

  uint32_t function_section() {
    uint32_t n = limited_count(r_, limit::kFunctions - std::min(limit::kFunctions, m_.num_imported_funcs),
                               "functions");
    m_.func_types.reserve(m_.func_types.size() + r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) m_.func_types.push_back(r_.u32());
    return n;
  }

  void table_section() {
    uint32_t n = limited_count(r_, limit::kTables, "tables");
    for (uint32_t i = 0; i < n; ++i) {
      m_.table_offsets.push_back(r_.offset());
      m_.tables.push_back(table_type());
    }
  }

  void memory_section() {
    uint32_t n = r_.count();
    for (uint32_t i = 0; i < n; ++i) {
      m_.memory_offsets.push_back(r_.offset());
      m_.memories.push_back(MemoryType{limits()});
    }
  }

  void global_section() {
    uint32_t n = limited_count(r_, limit::kGlobals, "globals");
    m_.globals.reserve(r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) {
      Global g;
      g.type = global_type();
      g.init = const_expr();
      m_.global_types.push_back(g.type);
      m_.globals.push_back(std::move(g));
    }
  }

  void export_section() {
    uint32_t n = limited_count(r_, limit::kExports, "exports");
    m_.exports.reserve(r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) {
      Export e;
      e.offset = r_.offset();
      e.name = name();
      size_t at = r_.pos();
      uint8_t kind = r_.u8();
      if (kind > 3) Reader::fail("malformed export kind", at);
      e.kind = static_cast<ExternKind>(kind);
      e.index = r_.u32();
      m_.exports.push_back(std::move(e));
    }
  }

  // Adds an item to `seg`: a function index when it is a valid ref.func of
  // a funcref segment, else the whole expression (see ElemSegment).
  void add_elem_item(ElemSegment& seg, ConstExpr e) {
    if (seg.type == ValType::FuncRef && e.instrs.size() == 1 && e.instrs[0].op == Opcode::RefFunc &&
        e.instrs[0].index < m_.func_types.size()) {
      seg.items.push_back(e.instrs[0].index);
      return;
    }
    seg.items.push_back(ElemSegment::kExprItem | uint32_t(seg.exprs.size()));
    seg.exprs.push_back(std::move(e));
  }
  static ConstExpr ref_func_expr(uint32_t index, uint32_t offset) {
    ConstInstr c;
    c.op = Opcode::RefFunc;
    c.offset = offset;
    c.index = index;
    return ConstExpr{{c}, offset};
  }

  void element_section() {
    uint32_t n = limited_count(r_, limit::kElemSegments, "element segments");
    m_.elems.reserve(r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) {
      ElemSegment seg;
      seg.byte_offset = r_.offset();
      size_t at = r_.pos();
      uint32_t flags = r_.u32();
      if (flags > 7) Reader::fail("malformed elements segment kind", at);
      bool passive_or_declarative = flags & 1;
      bool explicit_table = flags & 2;
      bool uses_exprs = flags & 4;
      if (!passive_or_declarative) {
        seg.mode = SegmentMode::Active;
        if (explicit_table) seg.table = r_.u32();
        seg.offset = const_expr();
      } else {
        seg.mode = explicit_table ? SegmentMode::Declarative : SegmentMode::Passive;
      }
      // Flags 0 and 4 imply funcref; all others name the kind / type.
      if (passive_or_declarative || explicit_table) {
        if (uses_exprs) {
          seg.type = reftype();
        } else {
          size_t kind_at = r_.pos();
          if (r_.u8() != 0x00) Reader::fail("malformed element kind", kind_at);
          seg.type = ValType::FuncRef;
        }
      }
      uint32_t count = limited_count(r_, limit::kElemItems, "elements in a segment");
      seg.items.reserve(r_.reservable(count));
      for (uint32_t k = 0; k < count; ++k) {
        if (uses_exprs) {
          add_elem_item(seg, const_expr());
          continue;
        }
        const uint32_t at = r_.offset();
        const uint32_t index = r_.u32();
        if (index < m_.func_types.size()) seg.items.push_back(index);
        else add_elem_item(seg, ref_func_expr(index, at));  // kept whole for the validator's error
      }
      m_.elems.push_back(std::move(seg));
    }
  }

  void code_section(uint32_t declared_funcs) {
    size_t count_at = r_.pos();
    uint32_t n = r_.count();
    if (n != declared_funcs) {
      Reader::fail("function and code section have inconsistent lengths", count_at);
    }
    m_.bodies.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      FuncBody& body = m_.bodies[i];
      body.body_offset = r_.offset();
      const size_t size_at = r_.pos();
      uint32_t size = r_.byte_length();
      body.func_begin = r_.offset();
      if (size > limit::kFunctionBodyBytes)
        Reader::fail(fmt::format("function body too large ({} bytes; the limit is {})", size, limit::kFunctionBodyBytes),
                     size_at);
      size_t body_end = r_.pos() + size;
      read_locals(body);
      body.code_begin = r_.offset();
      if (defer_bodies_ && r_.pos() <= body_end) {
        body.code_end = uint32_t(body_end);  // the validator's walk checks the final `end` is there
        r_.seek(body_end);
        recorded_bodies_ = i + 1;
        continue;
      }
      body.max_depth = scanner_.scan(r_);
      body.code_end = r_.offset();
      if (r_.pos() != body_end) Reader::fail("section size mismatch", r_.pos());
    }
  }

  void read_locals(FuncBody& body) {
    // The JS API's limit: a call's frame holds every local, so the format's
    // 2^32-1 per function would let a few bytes demand gigabytes.
    constexpr uint64_t kMaxLocals = 50000;
    uint32_t groups = r_.count();
    uint64_t total = 0;
    for (uint32_t g = 0; g < groups; ++g) {
      size_t at = r_.pos();
      uint32_t n = r_.u32();
      total += n;
      if (total > kMaxLocals) Reader::fail("too many locals", at);
      ValType t = valtype();
      if (n == 0) continue;
      if (!body.local_groups.empty() && body.local_groups.back().type == t)
        body.local_groups.back().end = uint32_t(total);
      else
        body.local_groups.push_back(LocalGroup{uint32_t(total), t});
    }
  }

  void data_section() {
    size_t count_at = r_.pos();
    uint32_t n = limited_count(r_, limit::kDataSegments, "data segments");
    if (m_.data_count && *m_.data_count != n) {
      Reader::fail("data count and data section have inconsistent lengths", count_at);
    }
    m_.datas.reserve(r_.reservable(n));
    for (uint32_t i = 0; i < n; ++i) {
      DataSegment seg;
      size_t at = r_.pos();
      uint32_t flags = r_.u32();
      switch (flags) {
        case 0:
          seg.offset = const_expr();
          break;
        case 1:
          seg.mode = SegmentMode::Passive;
          break;
        case 2:
          seg.memory = r_.u32();
          seg.offset = const_expr();
          break;
        default:
          Reader::fail("malformed data segment kind", at);
      }
      uint32_t size = r_.u32();  // short data is an unexpected end, not a bad length
      seg.data_offset = r_.offset();
      seg.data_size = size;
      r_.skip(size);
      m_.datas.push_back(std::move(seg));
    }
  }

  Module& m_;
  Reader r_;
  Instr instr_;  // reused for every instruction (constant expressions)
  BodyScanner scanner_;
  const bool defer_bodies_;
  uint32_t recorded_bodies_ = 0;  // deferred bodies whose bounds are recorded
};

}  // namespace

std::optional<LoadError> decode_module(std::span<const uint8_t> bytes, ir::Module& out, BodyScan body_scan) {
  auto copy = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  std::span<const uint8_t> view(*copy);
  return decode_module(ir::ModuleBytes(std::move(copy), view), out, body_scan);
}

bool is_valid_utf8(const uint8_t* s, size_t n) { return valid_utf8(s, n); }

std::optional<LoadError> decode_module(ir::ModuleBytes bytes, ir::Module& out, BodyScan body_scan) {
  out.bytes = std::move(bytes);
  try {
    ModuleDecoder(out, body_scan).decode();
  } catch (LoadError& e) {
    return std::move(e);
  }
  return std::nullopt;
}

std::optional<LoadError> scan_deferred_bodies(const ir::Module& m) {
  try {
    Reader r = code_section_reader(m);
    BodyScanner scanner;
    for (const FuncBody& body : m.bodies) scanner.scan_recorded(r, body);
    scanner.check_data_count(m);
  } catch (LoadError& e) {
    return std::move(e);
  }
  return std::nullopt;
}

}  // namespace mywasm
