#include "validator.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

#include "decoder.hpp"

namespace mywasm {
namespace {

// Operand-stack entry for a value of unknown type (after unreachable code).
constexpr ValType kUnknown = static_cast<ValType>(0);

// Cold and out of line, taking the message as a C string: building a
// std::string at each of step()'s many failure sites gave it a large frame
// that every instruction paid for.
[[noreturn, gnu::cold, gnu::noinline]] void fail(const char* message, uint32_t offset) {
  throw LoadError{message, offset};
}

[[noreturn, gnu::cold, gnu::noinline]] void fail_unknown(const char* what, uint32_t index, uint32_t offset) {
  throw LoadError{std::string("unknown ") + what + " " + std::to_string(index), offset};
}

// Static per-opcode facts the validator derives once from the opcode table:
// operand/result types of simple instructions and the natural alignment
// (log2 of the access size) of memory instructions. Sixteen bytes, so that
// the body loop finds an opcode's entry with a shift (eleven took three
// instructions, twice per wasm instruction).
struct alignas(16) OpTyping {
  std::array<ValType, 3> params{};
  ValType result = kUnknown;  // (a simple instruction has at most one result)
  bool has_result = false;
  uint8_t num_params = 0;
  uint8_t natural_align = 0;
  uint8_t lanes = 0;  // lane-index bound of Lane / MemArgLane immediates
  // The opcode table's facts step() asks about every instruction, here so
  // that it reads one small entry (the table's are 64 bytes, with strings).
  ImmKind imm = ImmKind::None;
  bool simple = false;
  // Immediates or index spaces to check besides the operand types (memory
  // accesses, lane indices, memory and segment instructions): the rare
  // case, so the common instructions test one flag.
  bool checks_immediates = false;
};

constexpr uint8_t log2_bytes(unsigned bits) {
  uint8_t l = 0;
  for (unsigned bytes = bits / 8; bytes > 1; bytes >>= 1) ++l;
  return l;
}

// Access width in bits from a memory mnemonic: "i64.load32_u" -> 32,
// "v128.load8x8_s" -> 64, "f64.store" -> 64.
constexpr unsigned access_bits(std::string_view name) {
  size_t dot = name.find('.');
  std::string_view type = name.substr(0, dot);
  std::string_view rest = name.substr(dot + 1);
  size_t i = rest.starts_with("load") ? 4 : rest.starts_with("store") ? 5 : 0;
  unsigned n = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') n = n * 10 + (rest[i++] - '0');
  if (n == 0) return type == "v128" ? 128 : type == "i32" || type == "f32" ? 32 : 64;
  if (i < rest.size() && rest[i] == 'x') {
    unsigned m = 0;
    ++i;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') m = m * 10 + (rest[i++] - '0');
    n *= m;
  }
  return n;
}

// Number of lanes a lane immediate selects from: the shape prefix of the
// mnemonic ("i16x8.extract_lane_s" -> 8), or for memory lane instructions
// 128 / access width ("v128.load32_lane" -> 4).
constexpr unsigned lane_count(std::string_view name) {
  if (name.starts_with("v128.")) return 128 / access_bits(name);
  size_t x = name.find('x');
  unsigned n = 0;
  for (size_t i = x + 1; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) n = n * 10 + (name[i] - '0');
  return n;
}

constexpr bool is_memory_access(ImmKind k) { return k == ImmKind::MemArg || k == ImmKind::MemArgLane; }

// What a simple instruction (typed by the opcode table alone) names in its
// immediates, which must exist: the one list of those instructions, from
// which the typing table marks them and check_immediates checks them.
enum class NamedSpace : uint8_t { None, Memory, MemoryAndData, Data, Elem };
constexpr NamedSpace named_space(Opcode op) {
  switch (op) {
    case Opcode::MemorySize:
    case Opcode::MemoryGrow:
    case Opcode::MemoryFill:
    case Opcode::MemoryCopy:
      return NamedSpace::Memory;
    case Opcode::MemoryInit:
      return NamedSpace::MemoryAndData;
    case Opcode::DataDrop:
      return NamedSpace::Data;
    case Opcode::ElemDrop:
      return NamedSpace::Elem;
    default:
      return NamedSpace::None;
  }
}

// Made at compile time from the opcode table: in .rodata, nothing for a
// start-up to build (it was 43K instructions and a written page at the
// first validation).
constexpr std::array<OpTyping, kOpcodeCount> kOpTyping = [] {
  std::array<OpTyping, kOpcodeCount> t{};
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& in = kOpcodeInfo[i];
    const bool simple = in.is_simple();
    OpTyping& ty = t[i];
    ty.imm = in.imm;
    ty.simple = simple;
    if (simple) {
      for (char c : in.params) ty.params[ty.num_params++] = type_of_letter(c);
      if (in.results.size() > 1) throw "a simple instruction with two results";  // (not a constant: no build)
      ty.has_result = !in.results.empty();
      if (ty.has_result) ty.result = type_of_letter(in.results[0]);
    }
    if (is_memory_access(in.imm)) ty.natural_align = log2_bytes(access_bits(in.name));
    if (in.imm == ImmKind::Lane || in.imm == ImmKind::MemArgLane) ty.lanes = static_cast<uint8_t>(lane_count(in.name));
    ty.checks_immediates = is_memory_access(in.imm) || in.imm == ImmKind::Lane || in.imm == ImmKind::Shuffle ||
                           (simple && named_space(static_cast<Opcode>(i)) != NamedSpace::None);
  }
  return t;
}();

// The operand stack of types (one byte each): a buffer that only grows and
// a pointer to its top. Simpler than std::vector's push_back, which checked
// the capacity a second time, and whose pops were one at a time.
class OperandStack {
 public:
  size_t size() const { return size_t(top_ - buf_.get()); }
  const ValType* data() const { return buf_.get(); }
  ValType back() const { return top_[-1]; }
  void clear() { top_ = buf_.get(); }
  void push(ValType t) {
    if (__builtin_expect(top_ == end_, 0)) grow(1);
    *top_++ = t;
  }
  void push(std::span<const ValType> ts) {
    if (size_t(end_ - top_) < ts.size()) grow(ts.size());
    top_ = std::copy(ts.begin(), ts.end(), top_);
  }
  void pop_back() { --top_; }
  // Drops all but the bottom `size` entries (size() at most).
  void truncate(size_t size) { top_ = buf_.get() + size; }

 private:
  [[gnu::noinline]] void grow(size_t more) {
    const size_t size = this->size(), capacity = std::max({size_t(64), 2 * size_t(end_ - buf_.get()), size + more});
    auto bigger = std::make_unique<ValType[]>(capacity);
    std::copy(buf_.get(), top_, bigger.get());
    buf_ = std::move(bigger);
    top_ = buf_.get() + size;
    end_ = buf_.get() + capacity;
  }

  std::unique_ptr<ValType[]> buf_;
  ValType* top_ = nullptr;
  ValType* end_ = nullptr;
};

// Validates one function body in a single pass.
class FuncValidator {
 public:
  FuncValidator(const Module& m, const std::vector<bool>& declared_refs)
      : m_(m), declared_refs_(declared_refs) {}

  // Validates a body and records its max_depth.
  void validate(uint32_t func_index, FuncBody& body) {
    const FuncType& type = m_.func_type(func_index);
    params_ = &type.params;
    body_ = &body;
    func_results_ = type.results;
    list_locals(type.params, body);
    stack_.clear();
    ctrls_.clear();
    ctrls_.reserve(size_t(body.max_depth) + 1);  // no regrowth however deep the nesting
    push_ctrl(Opcode::Block, kFuncBlock);

    Reader r(std::span<const uint8_t>(m_.bytes), body.code_begin, body.code_end);
    max_ctrls_ = 1;
    while (!ctrls_.empty()) {
      read_instr_or_throw(r, in_);
      step();
    }
    // A body whose encoding the decoder did not scan (BodyScan::Deferred)
    // may end before its declared end.
    if (!r.eof()) fail("section size mismatch", r.offset());
    body.max_depth = uint32_t(max_ctrls_ - 1);
  }

 private:
  // A control frame. Kept small (12 bytes) because a body may nest
  // millions of blocks: the signature is found again from the block type.
  struct Ctrl {
    Opcode kind;
    bool unreachable;
    uint32_t height;     // operand stack height below the block's params
    int32_t block_type;  // the block type (validated, so it fits), or kFuncBlock
  };
  // The block type of the function's own frame: results are the function's.
  static constexpr int32_t kFuncBlock = INT32_MIN;

  BlockSignature signature(const Ctrl& c) const {
    if (c.block_type == kFuncBlock) return {{}, func_results_};
    return block_signature(m_, c.block_type);
  }

  // --- operand stack -----------------------------------------------------
  void push(ValType t) { stack_.push(t); }
  void push(std::span<const ValType> ts) { stack_.push(ts); }

  ValType pop() {
    const Ctrl& c = ctrls_.back();
    if (stack_.size() == c.height) {
      if (c.unreachable) return kUnknown;
      fail("type mismatch", in_.offset);
    }
    ValType t = stack_.back();
    stack_.pop_back();
    return t;
  }
  ValType pop(ValType expected) {
    // Fast path: the expected type on top, inside the current block.
    if (__builtin_expect(stack_.size() > ctrls_.back().height && stack_.back() == expected, 1)) {
      stack_.pop_back();
      return expected;
    }
    ValType actual = pop();
    if (actual != expected && actual != kUnknown && expected != kUnknown) fail("type mismatch", in_.offset);
    return actual;
  }
  void pop(std::span<const ValType> expected) {
    for (size_t i = expected.size(); i-- > 0;) pop(expected[i]);
  }

  // --- control stack -----------------------------------------------------
  void push_ctrl(Opcode kind, int32_t block_type) {
    ctrls_.push_back(Ctrl{kind, false, uint32_t(stack_.size()), block_type});
    max_ctrls_ = std::max(max_ctrls_, ctrls_.size());
    push(signature(ctrls_.back()).params);
  }
  Ctrl pop_ctrl() {
    if (ctrls_.empty()) fail("type mismatch", in_.offset);
    Ctrl c = ctrls_.back();
    pop(signature(c).results);
    if (stack_.size() != c.height) fail("type mismatch", in_.offset);
    ctrls_.pop_back();
    return c;
  }
  std::span<const ValType> label_types(const Ctrl& c) const {
    BlockSignature sig = signature(c);
    return c.kind == Opcode::Loop ? sig.params : sig.results;
  }
  void set_unreachable() {
    stack_.truncate(ctrls_.back().height);
    ctrls_.back().unreachable = true;
  }
  const Ctrl& label(uint32_t depth) {
    if (depth >= ctrls_.size()) fail_unknown("label", depth, in_.offset);
    return ctrls_[ctrls_.size() - 1 - depth];
  }

  // --- index spaces --------------------------------------------------------
  // The types of the body's locals, params first, one entry each, where
  // there are few enough (up to kListedLocals): local_type() reads them
  // there instead of searching the body's runs of locals. Beyond that the
  // search, so a body declaring 50,000 locals costs no list of them.
  static constexpr size_t kListedLocals = 1024;
  void list_locals(std::span<const ValType> params, const FuncBody& body) {
    listed_locals_.clear();
    if (params.size() + body.num_locals() > kListedLocals) return;
    listed_locals_.assign(params.begin(), params.end());
    body.for_each_local([&](ValType t) { listed_locals_.push_back(t); });
  }
  ValType local_type(uint32_t index) {
    if (index < listed_locals_.size()) return listed_locals_[index];
    if (index < params_->size()) return (*params_)[index];
    size_t i = index - params_->size();
    if (i >= body_->num_locals()) fail_unknown("local", index, in_.offset);
    return body_->local_type(uint32_t(i));
  }
  const GlobalType& global(uint32_t index) {
    if (index >= m_.global_types.size()) fail_unknown("global", index, in_.offset);
    return m_.global_types[index];
  }
  const TableType& table(uint32_t index) {
    if (index >= m_.tables.size()) fail_unknown("table", index, in_.offset);
    return m_.tables[index];
  }
  void require_memory(uint32_t index) {
    if (index >= m_.memories.size()) fail_unknown("memory", index, in_.offset);
  }
  const FuncType& func(uint32_t index) {
    if (index >= m_.func_types.size()) fail_unknown("function", index, in_.offset);
    return m_.func_type(index);
  }
  const FuncType& type(uint32_t index) {
    if (index >= m_.types.size()) fail_unknown("type", index, in_.offset);
    return m_.types[index];
  }
  const ElemSegment& elem(uint32_t index) {
    if (index >= m_.elems.size()) fail_unknown("elem segment", index, in_.offset);
    return m_.elems[index];
  }
  void require_data(uint32_t index) {
    // A format rule, which a decoder that did not scan the bodies leaves here.
    if (!m_.data_count && !m_.datas.empty()) fail("data count section required", in_.offset);
    size_t count = m_.data_count ? *m_.data_count : m_.datas.size();
    if (index >= count) fail_unknown("data segment", index, in_.offset);
  }

  void check_block_type(int64_t bt) {
    if (bt >= static_cast<int64_t>(m_.types.size())) fail_unknown("type", static_cast<uint32_t>(bt), in_.offset);
  }

  // Pops a label's types and pushes back what was popped (br_if, br_table).
  void check_label_operands(std::span<const ValType> types) {
    scratch_.resize(types.size());
    for (size_t i = types.size(); i-- > 0;) scratch_[i] = pop(types[i]);
    push(std::span<const ValType>(scratch_));
  }

  // Immediates and index spaces (see OpTyping::checks_immediates).
  [[gnu::noinline]] void check_immediates(Opcode op, const OpTyping& ty) {
    if (is_memory_access(ty.imm)) {
      require_memory(0);
      if (in_.a >= 32 || in_.a > ty.natural_align) fail("alignment must not be larger than natural", in_.offset);
    }
    if (ty.imm == ImmKind::Lane || ty.imm == ImmKind::MemArgLane) {
      if (in_.b >= ty.lanes) fail("invalid lane index", in_.offset);
    } else if (ty.imm == ImmKind::Shuffle) {
      for (uint8_t lane : in_.v128)
        if (lane >= 32) fail("invalid lane index", in_.offset);
    }
    switch (named_space(op)) {
      case NamedSpace::None:
        break;
      case NamedSpace::Memory:
        require_memory(0);
        break;
      case NamedSpace::MemoryAndData:
        require_memory(0);
        require_data(in_.a);
        break;
      case NamedSpace::Data:
        require_data(in_.a);
        break;
      case NamedSpace::Elem:
        elem(in_.a);
        break;
    }
  }

  // Pops a simple instruction's operands: at once when the top of the stack
  // holds exactly them (the common case), else one by one for the errors
  // and the unknown types of unreachable code.
  void pop_simple(const OpTyping& ty) {
    const size_t n = ty.num_params;
    const size_t size = stack_.size();
    if (size >= ctrls_.back().height + n) {
      const ValType* top = stack_.data() + size - n;
      bool exact = true;
      for (size_t i = 0; i < n; ++i) exact &= top[i] == ty.params[i];
      if (exact) {
        stack_.truncate(size - n);
        return;
      }
    }
    for (size_t i = n; i-- > 0;) pop(ty.params[i]);
  }

  // What most of a body is (simple instructions and locals) inline in the
  // body loop; the rest through the out-of-line step_other(), whose frame
  // and switch the common instructions then do not pay for.
  void step() {
    const Opcode op = in_.op;
    const OpTyping& ty = kOpTyping[static_cast<unsigned>(op)];
    if (__builtin_expect(ty.checks_immediates, 0)) check_immediates(op, ty);
    if (ty.simple) {
      pop_simple(ty);
      if (ty.has_result) push(ty.result);
      return;
    }
    switch (op) {
      case Opcode::LocalGet:
        push(local_type(in_.a));
        return;
      case Opcode::LocalSet:
        pop(local_type(in_.a));
        return;
      case Opcode::LocalTee: {
        ValType t = local_type(in_.a);
        pop(t);
        push(t);
        return;
      }
      default:
        step_other(op);
    }
  }

  [[gnu::noinline]] void step_other(Opcode op) {
    switch (op) {
      case Opcode::Unreachable:
        set_unreachable();
        break;
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If: {
        check_block_type(in_.block_type);  // then it fits in 32 bits (at most 1M types)
        if (op == Opcode::If) pop(ValType::I32);
        pop(block_signature(m_, in_.block_type).params);
        push_ctrl(op, int32_t(in_.block_type));
        break;
      }
      case Opcode::Else: {
        if (ctrls_.empty() || ctrls_.back().kind != Opcode::If) fail("else without if", in_.offset);
        Ctrl c = pop_ctrl();
        push_ctrl(Opcode::Else, c.block_type);
        break;
      }
      case Opcode::End: {
        Ctrl c = pop_ctrl();
        BlockSignature sig = signature(c);
        // An `if` without `else` behaves as if the else branch passed its
        // parameters through unchanged.
        if (c.kind == Opcode::If && !std::ranges::equal(sig.params, sig.results)) fail("type mismatch", in_.offset);
        push(sig.results);
        break;
      }
      case Opcode::Br:
        pop(label_types(label(in_.a)));
        set_unreachable();
        break;
      case Opcode::BrIf: {
        pop(ValType::I32);
        std::span<const ValType> types = label_types(label(in_.a));
        pop(types);
        push(types);
        break;
      }
      case Opcode::BrTable: {
        pop(ValType::I32);
        const uint32_t default_depth = in_.targets.back();
        const size_t arity = label_types(label(default_depth)).size();
        // A label's operands are checked once however often the table names
        // it (checking again would change nothing), so the work is not the
        // table's size times the arity.
        checked_labels_.clear();
        for (size_t i = 0; i + 1 < in_.targets.size(); ++i) {
          std::span<const ValType> types = label_types(label(in_.targets[i]));
          if (types.size() != arity) fail("type mismatch", in_.offset);
          if (arity > 0 && checked_labels_.insert(in_.targets[i]).second) check_label_operands(types);
        }
        pop(label_types(label(default_depth)));
        set_unreachable();
        break;
      }
      case Opcode::Return:
        pop(std::span<const ValType>(func_results_));
        set_unreachable();
        break;
      case Opcode::Call: {
        const FuncType& ft = func(in_.a);
        pop(ft.params);
        push(ft.results);
        break;
      }
      case Opcode::CallIndirect: {
        const TableType& t = table(in_.b);
        const FuncType& ft = type(in_.a);
        if (t.elem != ValType::FuncRef) fail("type mismatch", in_.offset);
        pop(ValType::I32);
        pop(ft.params);
        push(ft.results);
        break;
      }
      case Opcode::Drop:
        pop();
        break;
      case Opcode::Select: {
        pop(ValType::I32);
        ValType t1 = pop();
        ValType t2 = pop();
        if ((t1 != kUnknown && is_ref(t1)) || (t2 != kUnknown && is_ref(t2))) fail("type mismatch", in_.offset);
        if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) fail("type mismatch", in_.offset);
        push(t1 == kUnknown ? t2 : t1);
        break;
      }
      case Opcode::SelectT: {
        if (in_.select_types.size() != 1) fail("invalid result arity", in_.offset);
        ValType t = in_.select_types[0];
        pop(ValType::I32);
        pop(t);
        pop(t);
        push(t);
        break;
      }
      case Opcode::GlobalGet:
        push(global(in_.a).type);
        break;
      case Opcode::GlobalSet: {
        const GlobalType& g = global(in_.a);
        if (!g.mut) fail("global is immutable", in_.offset);
        pop(g.type);
        break;
      }
      case Opcode::TableGet: {
        ValType t = table(in_.a).elem;
        pop(ValType::I32);
        push(t);
        break;
      }
      case Opcode::TableSet: {
        ValType t = table(in_.a).elem;
        pop(t);
        pop(ValType::I32);
        break;
      }
      case Opcode::TableSize:
        table(in_.a);
        push(ValType::I32);
        break;
      case Opcode::TableGrow: {
        ValType t = table(in_.a).elem;
        pop(ValType::I32);
        pop(t);
        push(ValType::I32);
        break;
      }
      case Opcode::TableFill: {
        ValType t = table(in_.a).elem;
        pop(ValType::I32);
        pop(t);
        pop(ValType::I32);
        break;
      }
      case Opcode::TableCopy: {
        ValType dst = table(in_.a).elem;
        ValType src = table(in_.b).elem;
        if (dst != src) fail("type mismatch", in_.offset);
        pop(ValType::I32);
        pop(ValType::I32);
        pop(ValType::I32);
        break;
      }
      case Opcode::TableInit: {
        ValType dst = table(in_.b).elem;
        ValType src = elem(in_.a).type;
        if (dst != src) fail("type mismatch", in_.offset);
        pop(ValType::I32);
        pop(ValType::I32);
        pop(ValType::I32);
        break;
      }
      case Opcode::RefNull:
        push(in_.ref_type);
        break;
      case Opcode::RefIsNull: {
        ValType t = pop();
        if (t != kUnknown && !is_ref(t)) fail("type mismatch", in_.offset);
        push(ValType::I32);
        break;
      }
      case Opcode::RefFunc:
        func(in_.a);
        if (!declared_refs_[in_.a]) fail("undeclared function reference", in_.offset);
        push(ValType::FuncRef);
        break;
      default:
        fail("illegal opcode", in_.offset);
    }
  }

  const Module& m_;
  const std::vector<bool>& declared_refs_;
  const std::vector<ValType>* params_ = nullptr;
  std::vector<ValType> listed_locals_;  // see list_locals
  const FuncBody* body_ = nullptr;
  std::span<const ValType> func_results_;
  OperandStack stack_;
  std::vector<Ctrl> ctrls_;
  size_t max_ctrls_ = 0;  // the deepest ctrls_ of the body being validated
  std::vector<ValType> scratch_;
  std::unordered_set<uint32_t> checked_labels_;  // br_table: label depths already checked
  Instr in_;
};

class ModuleValidator {
 public:
  explicit ModuleValidator(Module& m) : m_(m) {}

  void validate() {
    // The decoder guarantees this; a hand-built Module might not.
    if (m_.bodies.size() != m_.func_types.size() - m_.num_imported_funcs) {
      fail("function and code section have inconsistent lengths", 0);
    }
    for (const Import& imp : m_.imports) {
      if (imp.kind == ExternKind::Func) check_type_index(imp.func_type, imp.offset);
    }
    for (uint32_t i = m_.num_imported_funcs; i < m_.func_types.size(); ++i) {
      check_type_index(m_.func_types[i], body_offset(i));
    }
    for (size_t i = 0; i < m_.tables.size(); ++i)
      check_limits(m_.tables[i].limits, 0xFFFFFFFFull, nullptr, m_.table_offset(i));
    if (m_.memories.size() > 1) fail("multiple memories", m_.memory_offset(1));
    for (size_t i = 0; i < m_.memories.size(); ++i) {
      check_limits(m_.memories[i].limits, kMaxPages32, "memory size must be at most 65536 pages (4GiB)",
                   m_.memory_offset(i));
    }
    collect_declared_refs();
    for (const Global& g : m_.globals) check_const_expr(g.init, g.type.type);
    for (const ElemSegment& seg : m_.elems) {
      if (seg.mode == SegmentMode::Active) {
        if (seg.table >= m_.tables.size()) fail_unknown("table", seg.table, seg.byte_offset);
        check_const_expr(seg.offset, ValType::I32);
        if (m_.tables[seg.table].elem != seg.type) fail("type mismatch", seg.byte_offset);
      }
      for (const ConstExpr& item : seg.exprs) check_const_expr(item, seg.type);  // (its function indices are valid)
    }
    for (const DataSegment& seg : m_.datas) {
      if (seg.mode == SegmentMode::Active) {
        if (seg.memory >= m_.memories.size()) fail_unknown("memory", seg.memory, seg.offset.offset);
        check_const_expr(seg.offset, ValType::I32);
      }
    }
    if (m_.start) {
      if (*m_.start >= m_.func_types.size()) fail_unknown("function", *m_.start, m_.start_offset);
      const FuncType& ft = m_.func_type(*m_.start);
      if (!ft.params.empty() || !ft.results.empty()) fail("start function", m_.start_offset);
    }
    check_exports();
    validate_bodies();
  }

 private:
  // Validates the bodies of functions [begin, end) in order; the exception
  // of the first invalid one, or null.
  std::exception_ptr validate_range(uint32_t begin, uint32_t end) {
    try {
      FuncValidator fv(m_, declared_refs_);
      for (uint32_t i = begin; i < end; ++i) fv.validate(i, m_.bodies[i - m_.num_imported_funcs]);
    } catch (...) {
      return std::current_exception();
    }
    return nullptr;
  }

  // The function bodies: a big module's in two halves of about equal code
  // size, the second on a thread of its own (bodies are independent; each
  // half its own FuncValidator). The error thrown is the first invalid
  // body's, as in one pass.
  void validate_bodies() {
    const uint32_t begin = m_.num_imported_funcs, end = uint32_t(m_.func_types.size());
    const size_t total = m_.code_bytes();
    uint32_t split = begin;
    for (size_t half = 0; split < end && half < total / 2; ++split) half += m_.bodies[split - begin].code_size();
    std::exception_ptr first, second;
    std::thread helper;
    if (total >= Module::kParallelCodeBytes && split < end && std::thread::hardware_concurrency() > 1) {
      try {
        helper = std::thread([&] { second = validate_range(split, end); });
      } catch (const std::system_error&) {  // no thread: all on this one
      }
    }
    first = validate_range(begin, helper.joinable() ? split : end);
    if (helper.joinable()) helper.join();
    if (first) std::rethrow_exception(first);
    if (second) std::rethrow_exception(second);
  }

  uint32_t body_offset(uint32_t func_index) const {
    uint32_t k = func_index - m_.num_imported_funcs;
    return k < m_.bodies.size() ? m_.bodies[k].body_offset : 0;
  }

  void check_type_index(uint32_t index, uint32_t offset) {
    if (index >= m_.types.size()) fail_unknown("type", index, offset);
  }

  void check_limits(const Limits& l, uint64_t bound, const char* bound_message, uint32_t offset) {
    if (bound_message) {
      if (l.min > bound || (l.max && *l.max > bound)) fail(bound_message, offset);
    }
    if (l.max && l.min > *l.max) fail("size minimum must not be greater than maximum", offset);
  }

  // C.refs: functions referenced outside function bodies (element
  // segments, global initialisers, exports); only these may be named by
  // ref.func inside a body.
  void collect_declared_refs() {
    declared_refs_.assign(m_.func_types.size(), false);
    auto declare = [&](uint32_t index) {
      if (index < declared_refs_.size()) declared_refs_[index] = true;
    };
    auto scan = [&](const ConstExpr& e) {
      for (const ConstInstr& c : e.instrs) {
        if (c.op == Opcode::RefFunc) declare(c.index);
      }
    };
    for (const Global& g : m_.globals) scan(g.init);
    for (const ElemSegment& seg : m_.elems) {
      for (uint32_t item : seg.items)
        if (!seg.expr(item)) declare(item);
      for (const ConstExpr& item : seg.exprs) scan(item);
    }
    for (const Export& e : m_.exports) {
      if (e.kind == ExternKind::Func) declare(e.index);
    }
  }

  void check_const_expr(const ConstExpr& e, ValType expected) {
    size_t depth = 0;
    ValType top = kUnknown;
    for (const ConstInstr& c : e.instrs) {
      ValType t;
      switch (c.op) {
        case Opcode::I32Const: t = ValType::I32; break;
        case Opcode::I64Const: t = ValType::I64; break;
        case Opcode::F32Const: t = ValType::F32; break;
        case Opcode::F64Const: t = ValType::F64; break;
        case Opcode::V128Const: t = ValType::V128; break;
        case Opcode::RefNull: t = c.ref_type; break;
        case Opcode::RefFunc:
          if (c.index >= m_.func_types.size()) fail_unknown("function", c.index, c.offset);
          t = ValType::FuncRef;
          break;
        case Opcode::GlobalGet:
          // Wasm 2.0: only imported globals are visible to constant expressions.
          if (c.index >= m_.num_imported_globals) fail_unknown("global", c.index, c.offset);
          if (m_.global_types[c.index].mut) fail("constant expression required", c.offset);
          t = m_.global_types[c.index].type;
          break;
        default:
          fail("constant expression required", c.offset);
      }
      ++depth;
      top = t;
    }
    if (depth != 1 || top != expected) fail("type mismatch", e.offset);
  }

  void check_exports() {
    std::unordered_set<std::string_view> names;
    names.reserve(m_.exports.size());
    for (const Export& e : m_.exports) {
      if (!names.insert(e.name).second) fail("duplicate export name", e.offset);
      switch (e.kind) {
        case ExternKind::Func:
          if (e.index >= m_.func_types.size()) fail_unknown("function", e.index, e.offset);
          break;
        case ExternKind::Table:
          if (e.index >= m_.tables.size()) fail_unknown("table", e.index, e.offset);
          break;
        case ExternKind::Memory:
          if (e.index >= m_.memories.size()) fail_unknown("memory", e.index, e.offset);
          break;
        case ExternKind::Global:
          if (e.index >= m_.global_types.size()) fail_unknown("global", e.index, e.offset);
          break;
      }
    }
  }

  Module& m_;
  std::vector<bool> declared_refs_;  // C.refs, indexed by function index
};

}  // namespace

std::optional<LoadError> validate_module(ir::Module& m) {
  try {
    ModuleValidator(m).validate();
  } catch (LoadError& e) {
    return std::move(e);
  }
  return std::nullopt;
}

}  // namespace mywasm
