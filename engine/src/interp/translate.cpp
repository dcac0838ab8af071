// Translation of a validated wasm function body into register-style
// threaded code (see code.hpp for the frame layout and instruction format).
//
// One linear pass. An abstract operand stack records where each value lives:
// in its "home" temporary slot, or still pending in a local or constant slot
// (local.get and constants emit no code). Pending values are materialised
// into their home slots before the local they read is written and at every
// control boundary, so at labels every value is in its home slot and branches
// only move the label's values into the target's home slots.
//
// Values are 1 slot wide, or 2 for a v128 (see code.hpp): each abstract
// stack entry records its width and its home's offset among the
// temporaries, locals map to their first slot, and every move of a v128
// is a two-slot copy. The v128 instructions themselves are translated by
// translate_simd().
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <map>
#include <optional>
#include <utility>
#include <tuple>

#include "interp/code.hpp"
#include "decoder.hpp"
#include "runtime/module_impl.hpp"

namespace mywasm::interp {
namespace {

// Slot operands are encoded during translation with a tag, because the
// number of constants (and so the first temporary slot) is only known at the
// end; every tagged operand word is listed in slot_fixups_ and resolved then.
constexpr uint64_t kConstTag = uint64_t(1) << 62;
constexpr uint64_t kTempTag = uint64_t(1) << 61;
constexpr uint64_t kTagMask = kConstTag | kTempTag;
// A constant not yet given a slot (index into imm_values_): it becomes an
// immediate operand where a handler takes one, a const slot elsewhere.
constexpr uint64_t kImmTag = uint64_t(1) << 60;
constexpr uint64_t kNoOperand = ~uint64_t(0);

using ModuleDesc = std::remove_cvref_t<decltype(ModuleImpl::module)>;  // the decoded module

// Measurement hook (issue 11): MYWASM_INTERP_OFF=name,name,... turns single
// families of fused forms off, so their worth can be timed on one binary.
enum Family : unsigned {
  kCopyN, kImm, kChain, kLoadOp, kStoreResult, kAddrAdd, kBranch, kBranchImm, kBranchAdd, kBranchEqz, kLoadAddOp,
  kRmw, kXorRot, kFamilies
};
constexpr const char* kFamilyNames[] = {"copyn",    "imm",    "chain",      "load_op",    "store_result",
                                        "addr_add", "branch", "branch_imm", "branch_add", "branch_eqz",
                                        "load_add_op", "rmw", "xor_rot"};
// The families turned off, a bit each (read once; each Translator copies
// it, so the look-up in its loop is a test of a member).
unsigned families_off() {
  static const unsigned off = [] {
    unsigned bits = 0;
    if (const char* e = std::getenv("MYWASM_INTERP_OFF")) {
      std::string list = std::string(",") + e + ",";
      for (unsigned i = 0; i < kFamilies; ++i)
        if (list.find(std::string(",") + kFamilyNames[i] + ",") != std::string::npos) bits |= 1u << i;
    }
    return bits;
  }();
  return off;
}

// Constant bits -> index in the constant pool: open addressing, emptied
// in time proportional to what was put in (one table serves every
// translation of a thread; std::unordered_map allocated a node per
// constant).
class ConstIndex {
 public:
  // The index of `key`, inserting `value` for it when absent (then true).
  std::pair<uint32_t, bool> try_emplace(uint64_t key, uint32_t value) {
    if ((used_.size() + 1) * 2 > vals_.size()) grow();
    for (size_t i = slot_of(key);; i = (i + 1) & (vals_.size() - 1)) {
      if (vals_[i] == kEmpty) {
        keys_[i] = key;
        vals_[i] = value;
        used_.push_back(uint32_t(i));
        return {value, true};
      }
      if (keys_[i] == key) return {vals_[i], false};
    }
  }
  void clear() {
    for (uint32_t i : used_) vals_[i] = kEmpty;
    used_.clear();
  }
  size_t capacity() const { return vals_.size(); }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  size_t slot_of(uint64_t key) const { return size_t((key * 0x9E3779B97F4A7C15ull) >> 32) & (vals_.size() - 1); }
  void grow() {
    std::vector<uint64_t> keys = std::move(keys_);
    std::vector<uint32_t> vals = std::move(vals_), used = std::move(used_);
    const size_t size = std::max<size_t>(64, vals.size() * 2);
    keys_.assign(size, 0);
    vals_.assign(size, kEmpty);
    used_.clear();
    used_.reserve(size / 2);
    for (uint32_t i : used) try_emplace(keys[i], vals[i]);
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> vals_;
  std::vector<uint32_t> used_;  // the occupied positions
};

class Translator {
 public:
  Translator(StoreImpl& store, const FuncInstance& func, bool fuse, bool loop_counters,
             std::unique_ptr<CompiledFunc> reuse)
      : out_(std::move(reuse)),
        store_(store),
        inst_(*func.instance),
        module_(func.instance->module->module),
        func_(func),
        fuse_(fuse),
        loop_counters_(loop_counters),
        consume_fuel_(store.engine.config().consume_fuel),
        count_steps_(store.engine.config().step_limit != 0 || store.engine.config().interruptible || consume_fuel_),
        families_off_(families_off()) {}
  ~Translator() {
    scratch_.trim();
    if (&scratch_ == &thread_scratch()) thread_scratch_busy() = false;
  }
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  std::unique_ptr<CompiledFunc> run() {
    const FuncBody& body = module_.bodies[func_.func_index - module_.num_imported_funcs];
    if (out_) {
      recycle(*out_);
    } else {
      out_ = std::make_unique<CompiledFunc>();
      keep_capacity_ = false;
    }
    out_->fused = fuse_;
    // Locals (params first) are packed by width: local i starts at local_slot_[i].
    uint32_t slot = 0;
    for (ValType t : func_.type->params) add_local(t, slot);
    out_->num_params = slot;
    body.for_each_local([&](ValType t) { add_local(t, slot); });
    out_->num_locals = slot - out_->num_params;
    out_->num_results = slot_count(func_.type->results);
    out_->const_base = slot;
    newest_read_.assign(slot, kNoRead);
    pending_reads_.assign(slot, 0);
    ctrl_.reserve(size_t(body.max_depth) + 1);  // no regrowth however deep the nesting
    ctrl_.push_back(Ctrl{Ctrl::Func, kFuncBlock, 0});

    // Code takes 0.6-0.9 words per byte of the body (hello, zlib; sqlite's
    // and lua's big functions 0.87): room for that from the start, rather
    // than growing from one word (a dozen reallocations and copies in a big
    // function). A translation the interpreter keeps gets 3/4 of a word per
    // byte (room it does not use stays allocated); a recycled buffer (the
    // compiler's, kept for the next translation) a word, which is never
    // copied to a larger one (from 3/4, sqlite3VdbeExec's third of a MB
    // was; room never written costs no memory).
    const size_t body_bytes = body.code_size();
    code().reserve(keep_capacity_ ? body_bytes : body_bytes * 3 / 4);  // (reserve never shrinks)
    open_fuel_block();
    if (count_steps_) begin_internal(Internal::Step);
    // The body was validated: reading cannot fail here.
    Reader reader(module_.bytes, body.code_begin, body.code_end);
    Instr in;
    while (!ctrl_.empty() && !reader.eof()) {
      const uint32_t at = reader.offset();
      read_instr_or_throw(reader, in);
      note_origin(at);
      translate(in);
      if (!fuse_) forget_peephole();
    }
    close_fuel_block();
    finish();
    return std::move(out_);
  }

 private:
  struct Entry {
    uint64_t slot;       // encoded first slot (local slot, kConstTag|n, kTempTag|offset)
    bool pending;        // not (yet) in its home slot
    uint32_t off = 0;    // its home: offset among the temporaries
    uint32_t width = 1;  // slots (2 for v128)
    // A pending read of a local: that local's slot, and the stack index of
    // the read of it pushed before (kNoRead: none), so local.set finds the
    // reads it must materialise without scanning the stack.
    uint32_t local_read = kNoRead;
    uint32_t prev_read = kNoRead;
  };
  static constexpr uint32_t kNoRead = UINT32_MAX;
  // A control frame. Kept small and free of heap memory because a body
  // may nest millions of blocks: the signature is found again from the
  // block type, and the words waiting for the end address are chained
  // through the code (each holds the index of the one before, end_chain
  // the last's).
  struct Ctrl {
    enum Kind : uint8_t { Func, Block, Loop, If } kind;
    int32_t block_type;  // as decoded (validated, so it fits), or kFuncBlock
    uint32_t height;     // operand stack height below the block's params
    // Loop: code index of the header. If: the word to patch with the else
    // start, until the else is seen.
    size_t mark = kNone;
    size_t end_chain = kNone;
    // Definite assignment (see assigned_): the state on entry, and the
    // intersection of the states that reach the end (branches, fallthrough).
    uint64_t entry_assigned = 0, end_assigned = ~uint64_t(0);
  };
  static constexpr int32_t kFuncBlock = INT32_MIN;  // the function's own frame
  static constexpr size_t kNone = SIZE_MAX;
  static constexpr size_t kUnvisited = SIZE_MAX - 1;  // (br_table_stubs_)

  BlockSignature signature(const Ctrl& c) const {
    if (c.block_type == kFuncBlock) return {{}, func_.type->results};
    return block_signature(module_, c.block_type);
  }
  uint32_t label_arity(const Ctrl& c) const {
    BlockSignature sig = signature(c);
    return uint32_t(c.kind == Ctrl::Loop ? sig.params.size() : sig.results.size());
  }
  bool waits_for_else(const Ctrl& c) const { return c.kind == Ctrl::If && c.mark != kNone; }
  // Makes `word` wait for the end address of `target`.
  void chain_end_fixup(Ctrl& target, size_t word) {
    code()[word] = target.end_chain;
    target.end_chain = word;
  }
  void patch_end_fixups(const Ctrl& c, size_t end) {
    for (size_t word = c.end_chain; word != kNone;) {
      size_t next = code()[word];
      code()[word] = end;
      word = next;
    }
  }

  // ------------------------------------------------------------ emission
  std::vector<uint64_t>& code() { return out_->code; }
  // The instruction at `module_offset` translates from the end of the code
  // on. Origins at or past that point are dropped: their instructions
  // emitted nothing, or a fusion rewrote their code (which then counts as
  // the instruction it starts with).
  void note_origin(uint32_t module_offset) {
    auto& origins = out_->origins;
    const auto index = uint32_t(code().size());
    while (!origins.empty() && origins.back().position >= index) origins.pop_back();
    origins.push_back({index, module_offset});
  }
  void begin_instr(const void* handler) {
    if (fuse_) prev_ = Prev{instr_start_, last_dst_, last_op_, last_plain_ || last_imm_, last_imm_};  // (else unused)
    instr_start_ = code().size();
    code().push_back(word(handler));
    clear_last();
  }
  // Nothing known about the instruction that ends the code (the peephole
  // state a fusion reads).
  void clear_last() {
    last_dst_ = SIZE_MAX;
    last_op_ = Opcode::Nop;
    last_imm_ = false;
    last_plain_ = false;
    last_add_load_ = false;
    last_load_operand_ = false;
    chain_rmw_ = std::nullopt;
  }
  // With fusions off: nothing about the code emitted so far is known to
  // the next instruction, so every fusion (they all look back at what
  // ends the code) finds nothing to fuse with.
  void forget_peephole() {
    clear_last();
    prev_.dst = SIZE_MAX;
    prev_.fusable = false;
    plain_load_start_ = SIZE_MAX;
    last_copy_end_ = SIZE_MAX;
  }
  void begin_internal(Internal h) { begin_instr(internal_handler(h)); }
  // Emits handler h and its operands in the order and kinds of its layout
  // (code.hpp: d by emit_dst, s by emit_slot, i by emit_imm); a branch
  // target (a trailing t) is left to the caller (emit_label_target).
  void emit_layout(const void* h, const char* layout, std::initializer_list<uint64_t> operands) {
    begin_instr(h);
    for (uint64_t v : operands) {
      switch (*layout++) {
        case 'd': emit_dst(v); break;
        case 's': emit_slot(v); break;
        default: emit_imm(v); break;  // 'i'
      }
    }
  }
  void emit_form(Form f, Opcode op, std::initializer_list<uint64_t> operands) {
    emit_layout(form_handler(f, op), kFormLayout[unsigned(f)], operands);
  }
  void emit_chain(const void* h, Chain v, std::initializer_list<uint64_t> operands) {
    emit_layout(h, kChainLayout[unsigned(v)], operands);
  }
  // (A constant's slot, made for fused code only, out of line: emit_slot
  // runs for most operands.)
  void emit_slot(uint64_t enc) {
    if (enc & kImmTag) [[unlikely]] enc = const_slot_of_imm(enc);
    if (enc & kTagMask) slot_fixups_.push_back(code().size());
    code().push_back(enc);
  }
  [[gnu::noinline]] uint64_t const_slot_of_imm(uint64_t enc) { return const_slot(imm_values_[enc & ~kImmTag]); }
  void emit_imm(uint64_t v) { code().push_back(v); }
  void emit_ptr(const void* p) { code().push_back(reinterpret_cast<uint64_t>(p)); }
  // A branch target given as a code index; turned into an address at the end.
  void emit_target(size_t code_index) {
    target_fixups_.push_back(code().size());
    code().push_back(code_index);
  }
  // `count` branch targets in a row (a br_table's), left for the caller to
  // fill; one fixup entry for the whole table.
  size_t emit_target_table(size_t count) {
    size_t first = code().size();
    target_tables_.push_back({first, count});
    code().resize(first + count);
    return first;
  }
  // The destination slot of a single-result instruction (may be retargeted
  // to a local by a following local.set).
  void emit_dst(uint64_t enc) {
    last_dst_ = code().size();
    emit_slot(enc);
  }

  // ------------------------------------------------------------ abstract stack
  // Offset of the home of stack position pos (pos <= stack size).
  [[gnu::always_inline]] uint32_t off_at(size_t pos) const { return pos == 0 ? 0 : stack_[pos - 1].off + stack_[pos - 1].width; }
  uint64_t home(size_t pos) const { return kTempTag | stack_[pos].off; }
  [[gnu::always_inline]] uint64_t push_home(uint32_t width = 1) {
    uint32_t off = off_at(stack_.size());
    stack_.push_back(Entry{kTempTag | off, false, off, width});
    max_height_ = std::max(max_height_, off + width);
    return kTempTag | off;
  }
  [[gnu::always_inline]] void push_pending(uint64_t slot, uint32_t width = 1) {
    uint32_t off = off_at(stack_.size());
    push_entry(Entry{slot, true, off, width});
    max_height_ = std::max(max_height_, off + width);
  }
  [[gnu::always_inline]] void push_entry(Entry e) {
    if (e.pending) pending_from_ = std::min(pending_from_, stack_.size());
    if (e.pending && is_local_slot(e.slot)) {
      const uint32_t local = uint32_t(e.slot);
      e.local_read = local;
      e.prev_read = newest_read_[local];
      newest_read_[local] = uint32_t(stack_.size());
      ++pending_reads_[local];
    }
    stack_.push_back(e);
  }
  [[gnu::always_inline]] Entry pop() {
    Entry e = stack_.back();
    if (e.local_read != kNoRead) {
      if (newest_read_[e.local_read] == stack_.size() - 1) newest_read_[e.local_read] = e.prev_read;
      if (e.pending) --pending_reads_[e.local_read];
    }
    stack_.pop_back();
    return e;
  }
  void truncate_stack(size_t height) {
    while (stack_.size() > height) pop();
  }
  bool is_local_slot(uint64_t slot) const { return !(slot & kTagMask) && slot < newest_read_.size(); }
  void copy(uint64_t dst, uint64_t src, uint32_t width = 1) {
    if (dst == src) return;
    if (width == 2) {
      begin_internal(Internal::CopyV128);
      emit_slot(dst);
      emit_slot(src);
      last_copy_end_ = SIZE_MAX;
      return;
    }
    if (src & kImmTag) {
      begin_internal(Internal::Const);
      emit_slot(dst);
      emit_imm(imm_values_[src & ~kImmTag]);
      return;
    }
    if (fuse_ && on(kCopyN) && last_copy_end_ == code().size() && label_at_ != code().size() && last_copy_moves_ < 4) {
      // Straight after a Copy/Copy2/Copy3 that no branch targets: one more
      // move in the same instruction (in order: a later source may be an
      // earlier destination).
      static constexpr Internal kCopies[] = {Internal::Copy, Internal::Copy2, Internal::Copy3, Internal::Copy4};
      code()[last_copy_start_] = word(internal_handler(kCopies[last_copy_moves_++]));
      emit_slot(dst);
      emit_slot(src);
      last_copy_end_ = code().size();
      return;
    }
    begin_internal(Internal::Copy);
    last_copy_start_ = instr_start_;
    emit_slot(dst);
    emit_slot(src);
    last_copy_end_ = code().size();
    last_copy_moves_ = 1;
  }
  // Replaces the binary op that ends the code (x op1 y, y a slot or an
  // immediate) with the chain `h` computing op2 of its result and z (a
  // slot, or an immediate when z_imm): dst, x, y, z.
  void replace_with_chain(const void* h, Chain v, Opcode op2, uint64_t dst, uint64_t z) {
    const uint64_t x = code()[instr_start_ + 2], y = code()[instr_start_ + 3];
    remove_last_instr();
    emit_chain(h, v, {dst, x, y, z});
    last_op_ = op2;
  }
  // The chain of the binary op that ends the code (op1, slot or immediate
  // second operand) into op2 (t its second operand when t_is_b; z an
  // immediate when z_imm): its handler and variant, or null.
  std::pair<const void*, Chain> chain_of(Opcode op2, bool t_is_b, bool z_imm) const {
    const bool imm1 = last_imm_;
    const Chain v = z_imm ? (imm1 ? Chain::IAZ : Chain::SAZ)
                          : t_is_b ? (imm1 ? Chain::IB : Chain::SB) : (imm1 ? Chain::IA : Chain::SA);
    if (z_imm && t_is_b) return {nullptr, v};
    return {chain_handler(last_op_, op2, v), v};
  }
  // Records that the current code position is (or may be) a branch target.
  void bind_label() { label_at_ = code().size(); }
  // Fuel (Config::consume_fuel): a basic block starts where control arrives
  // other than from the instruction before (a label, the fall-through of a
  // conditional branch, the function entry) and is charged on entry with
  // the number of wasm instructions it holds, patched in when it closes.
  // Nothing is fused across the charge.
  void open_fuel_block() {
    if (!consume_fuel_) return;
    close_fuel_block();
    forget_peephole();
    begin_internal(Internal::Fuel);
    fuel_cost_at_ = code().size();
    emit_imm(0);
    last_dst_ = SIZE_MAX;
  }
  void close_fuel_block() {
    if (fuel_cost_at_ != SIZE_MAX) code()[fuel_cost_at_] = fuel_cost_;
    fuel_cost_at_ = SIZE_MAX;
    fuel_cost_ = 0;
  }
  void materialize(size_t pos) {
    Entry& e = stack_[pos];
    if (!e.pending) return;
    copy(home(pos), e.slot, e.width);
    e.slot = home(pos);
    e.pending = false;
    if (e.local_read != kNoRead) --pending_reads_[e.local_read];
  }
  // (From pending_from_ on: below it nothing is pending, so a block opened
  // over a million values does not look at them all again.)
  void materialize_all() {
    for (size_t i = std::min(pending_from_, stack_.size()); i < stack_.size(); ++i) materialize(i);
    pending_from_ = stack_.size();
  }
  // A constant operand: an immediate, which instructions with an immediate
  // form take inline, or (fusions off) a slot of the constant pool.
  uint64_t imm(uint64_t bits) {
    if (!fuse_) return const_slot(bits);
    imm_values_.push_back(bits);
    return kImmTag | (imm_values_.size() - 1);
  }
  uint64_t const_slot(uint64_t bits) {
    const auto [index, inserted] = const_index_.try_emplace(bits, uint32_t(out_->consts.size()));
    if (inserted) out_->consts.push_back(bits);
    return kConstTag | index;
  }

  // ------------------------------------------------------------ helpers
  Ctrl& label(uint32_t depth) { return ctrl_[ctrl_.size() - 1 - depth]; }

  // Moves the function's results from the top of the stack to slots 0.. and
  // returns. With several results, values first go to their home slots (a pending local could otherwise be
  // overwritten by an earlier move); the abstract stack is left unchanged
  // because this may be a conditional path.
  void emit_return() {
    uint32_t k = uint32_t(func_.type->results.size());
    size_t h = stack_.size();
    if (k > kMaxInlineMoves) {
      move_range(0, h - k);
      begin_internal(Internal::Return);
      return;
    }
    if (k == 1) {  // a single move cannot clobber its own source
      const Entry& v = stack_[h - 1];
      if (!v.pending && last_dst_ != SIZE_MAX && code()[last_dst_] == v.slot)
        code()[last_dst_] = 0;  // the producing instruction writes the result slot directly
      else
        copy(0, v.slot, v.width);
      begin_internal(Internal::Return);
      return;
    }
    for (uint32_t i = 0; i < k; ++i)
      if (stack_[h - k + i].pending) copy(home(h - k + i), stack_[h - k + i].slot, stack_[h - k + i].width);
    for (uint32_t i = 0, dst = 0; i < k; dst += stack_[h - k + i].width, ++i)
      copy(dst, home(h - k + i), stack_[h - k + i].width);
    begin_internal(Internal::Return);
  }
  // A branch to a label of more values than this moves them in one
  // CopyRange from their homes: one move per value at every branch would
  // grow code with branches times arity (each br_if leaves its values, so
  // the next one may move all 1,000 again).
  static constexpr uint32_t kMaxInlineMoves = 4;
  bool wide(const Ctrl& target) const { return label_arity(target) > kMaxInlineMoves; }
  // Before a branch to a wide label, on the path that does not branch too:
  // its values get their homes, where they stay (so a later branch to it
  // costs one instruction, not one per pending value).
  void prepare_wide_branch(const Ctrl& target) {
    if (!wide(target)) return;
    for (size_t i = stack_.size() - label_arity(target); i < stack_.size(); ++i) materialize(i);
  }
  // Moves the values from stack position `first` to the top, all in their
  // homes (see prepare_wide_branch), to the slots from `dst` on.
  void move_range(uint64_t dst, size_t first) {
    const uint32_t src = off_at(first);
    if (dst == (kTempTag | src)) return;
    begin_internal(Internal::CopyRange);
    emit_slot(dst);
    emit_slot(kTempTag | src);
    emit_imm(off_at(stack_.size()) - src);
  }
  // Moves the label's values from the top of the stack into the label's
  // home slots (ascending order is safe: destinations never lie above sources).
  void emit_label_moves(const Ctrl& target) {
    uint32_t k = label_arity(target);
    size_t h = stack_.size();
    uint32_t off = off_at(target.height);
    if (wide(target)) return move_range(kTempTag | off, h - k);
    for (uint32_t i = 0; i < k; off += stack_[h - k + i].width, ++i)
      copy(kTempTag | off, stack_[h - k + i].slot, stack_[h - k + i].width);
  }
  bool label_needs_moves(const Ctrl& target) const {
    uint32_t k = label_arity(target);
    size_t h = stack_.size();
    uint32_t off = off_at(target.height);
    for (uint32_t i = 0; i < k; off += stack_[h - k + i].width, ++i)
      if (stack_[h - k + i].slot != (kTempTag | off)) return true;
    return false;
  }
  // Emits the target word of a branch to `target` (already after moves).
  void emit_label_target(Ctrl& target) {
    if (target.kind == Ctrl::Loop) {
      emit_target(target.mark);
    } else {
      emit_target(0);
      chain_end_fixup(target, code().size() - 1);
    }
  }
  // An unconditional branch to label `depth` from the current stack.
  void emit_branch(uint32_t depth) {
    Ctrl& target = label(depth);
    if (target.kind == Ctrl::Func) {
      emit_return();
      return;
    }
    emit_label_moves(target);
    begin_internal(Internal::Br);
    emit_label_target(target);
  }

  // If the branch condition was produced by the instruction that ends the
  // code and that op has a fused op+branch handler (comparisons, eqz, and,
  // ...), removes the instruction and returns its opcode and operands.
  struct Compare {
    Opcode op;
    uint64_t a, b;
    bool b_imm;  // b is an immediate value, not a slot
    bool negate = false;  // branch on the comparison being false (eqz of it)
    // An in-place i32.add[imm] of `a` just before the comparison (a loop
    // counter step), left at the end of the code: emit_cond_branch_head
    // folds it into the branch if nothing was emitted after it.
    size_t add_start = SIZE_MAX;
  };
  std::optional<Compare> take_compare(const Entry& cond) {
    if (!on(kBranch) || cond.pending || last_dst_ == SIZE_MAX || code()[last_dst_] != cond.slot) return std::nullopt;
    // i32.eqz of a binary comparison just before it (into a temporary only
    // the eqz read): branch on the comparison, negated. (Float comparisons
    // have no negated opcode because of NaN.)
    if (on(kBranchEqz) && (on(kBranchImm) || !prev_.imm) && last_plain_ && last_op_ == Opcode::I32Eqz && prev_.dst != SIZE_MAX && prev_.fusable &&
        prev_.start + 4 == instr_start_ && (code()[prev_.dst] & kTempTag) &&
        code()[instr_start_ + 2] == code()[prev_.dst] &&
        form_handler(prev_.imm ? Form::BranchIfImm : Form::BranchIf, prev_.op)) {
      Compare c{prev_.op, code()[prev_.start + 2], code()[prev_.start + 3], prev_.imm, true};
      instr_start_ = prev_.start;
      remove_last_instr();
      return c;
    }
    if (!last_plain_ && !last_imm_) return std::nullopt;  // e.g. op[load]: other operands
    if (last_imm_ && !on(kBranchImm)) return std::nullopt;
    Opcode op = last_op_;
    // i32.eqz x: the branch is BrUnless/BrIf on x.
    if (op == Opcode::I32Eqz && last_plain_) {
      Compare c{op, code()[instr_start_ + 2], kNoOperand, false};
      remove_last_instr();
      return c;
    }
    bool binary = info(op).params.size() == 2;
    if (!form_handler(last_imm_ ? Form::BranchIfImm : binary ? Form::BranchIf : Form::BranchIf1, op))
      return std::nullopt;
    Compare c{op, code()[instr_start_ + 2], binary ? code()[instr_start_ + 3] : kNoOperand, last_imm_};
    if (on(kBranchAdd) && c.b_imm && prev_.op == Opcode::I32Add && prev_.imm && prev_.start + 4 == instr_start_ &&
        label_at_ != instr_start_ && code()[prev_.start + 1] == c.a && code()[prev_.start + 2] == c.a &&
        form_handler(Form::AddBranchIf, op))
      c.add_start = prev_.start;
    remove_last_instr();
    return c;
  }
  // If `addr` was computed by an i32.add that ends the code (nothing was
  // emitted since: a store's value is then still pending) and `form` exists
  // for `op`, removes the add and returns its operands for that form.
  std::optional<std::pair<uint64_t, uint64_t>> take_address_add(const Entry& addr, Form form, Opcode op) {
    if (last_dst_ == SIZE_MAX || addr.pending || code()[last_dst_] != addr.slot || last_op_ != Opcode::I32Add ||
        (!last_plain_ && !last_imm_) || !on(kAddrAdd) || !form_handler(form, op))
      return std::nullopt;
    std::pair<uint64_t, uint64_t> operands{code()[instr_start_ + 2], code()[instr_start_ + 3]};
    if (last_imm_) operands.second = imm(operands.second);  // back to a (const) slot operand
    remove_last_instr();
    return operands;
  }
  static bool full_width_load(Opcode op) {
    return op == Opcode::I32Load || op == Opcode::I64Load || op == Opcode::F32Load || op == Opcode::F64Load;
  }
  static bool full_width_store(Opcode op) {
    return op == Opcode::I32Store || op == Opcode::I64Store || op == Opcode::F32Store || op == Opcode::F64Store;
  }
  // If `v` was produced by the instruction that ends the code, that
  // instruction is the plain (slot-operand) form of `op`, and `pred` holds,
  // returns true.
  bool last_produced(const Entry& v, bool (*pred)(Opcode)) {
    return !v.pending && last_dst_ != SIZE_MAX && code()[last_dst_] == v.slot && last_plain_ && pred(last_op_);
  }
  void remove_last_instr() {
    prev_.dst = SIZE_MAX;  // what preceded the removed instruction is not tracked
    code().resize(instr_start_);
    while (!slot_fixups_.empty() && slot_fixups_.back() >= instr_start_) slot_fixups_.pop_back();
    clear_last();
    if (plain_load_start_ != SIZE_MAX && plain_load_start_ >= instr_start_) plain_load_start_ = SIZE_MAX;
  }
  // Emits "branch when `cond` (or the fused comparison) is true/false" with
  // the target word left for the caller to emit.
  void emit_cond_branch_head(const Entry& cond, std::optional<Compare> cmp, bool when_true) {
    if (cmp && cmp->negate) when_true = !when_true;
    if (!cmp) {
      begin_internal(when_true ? Internal::BrIf : Internal::BrUnless);
      emit_slot(cond.slot);
      return;
    }
    if (cmp->add_start != SIZE_MAX && cmp->add_start + 4 == code().size()) {
      uint64_t step = code()[cmp->add_start + 3];
      instr_start_ = cmp->add_start;
      remove_last_instr();
      emit_form(when_true ? Form::AddBranchIf : Form::AddBranchUnless, cmp->op, {cmp->a, step, cmp->b});
      return;
    }
    if (cmp->op == Opcode::I32Eqz) {
      begin_internal(when_true ? Internal::BrUnless : Internal::BrIf);
      emit_slot(cmp->a);
      return;
    }
    Opcode op = cmp->op;
    // br_unless[op] as br_if[complement of op] where op has no br_unless form.
    const Form unless_form = cmp->b_imm ? Form::BranchUnlessImm : cmp->b == kNoOperand ? Form::BranchUnless1 : Form::BranchUnless;
    if (!when_true && !form_handler(unless_form, op)) {
      op = complement(op);
      when_true = true;
    }
    if (cmp->b_imm) {
      emit_form(when_true ? Form::BranchIfImm : Form::BranchUnlessImm, op, {cmp->a, cmp->b});
      return;
    }
    if (cmp->b == kNoOperand)
      emit_form(when_true ? Form::BranchIf1 : Form::BranchUnless1, op, {cmp->a});
    else
      emit_form(when_true ? Form::BranchIf : Form::BranchUnless, op, {cmp->a, cmp->b});
  }
  // The comparison true exactly where op is false (for the ops with a
  // br_if form but no br_unless form; code.hpp).
  static Opcode complement(Opcode op) {
    switch (op) {
      case Opcode::I32Eq: return Opcode::I32Ne;
      case Opcode::I32Ne: return Opcode::I32Eq;
      case Opcode::I32LtU: return Opcode::I32GeU;
      case Opcode::I32GeU: return Opcode::I32LtU;
      case Opcode::I32GtU: return Opcode::I32LeU;
      case Opcode::I32LeU: return Opcode::I32GtU;
      case Opcode::I32LtS: return Opcode::I32GeS;
      case Opcode::I32GeS: return Opcode::I32LtS;
      case Opcode::I32GtS: return Opcode::I32LeS;
      case Opcode::I32LeS: return Opcode::I32GtS;
      case Opcode::I64Eq: return Opcode::I64Ne;
      case Opcode::I64Ne: return Opcode::I64Eq;
      case Opcode::F64Eq: return Opcode::F64Ne;  // f64.ne is not f64.eq, NaN included
      case Opcode::F64Ne: return Opcode::F64Eq;
      default: std::abort();  // code.hpp lists a br_unless form for every other op
    }
  }

  // ------------------------------------------------------------ the pass
  // (Inlined into run()'s loop: a call per instruction, saving and
  // restoring the registers of this large function, cost more than most
  // instructions' own work.)
  [[gnu::always_inline]] void translate(const Instr& in) {
    const Opcode op = in.op;
    if (unreachable_) {
      // Skip dead code up to the end (or else) of the current block.
      if (op == Opcode::Block || op == Opcode::Loop || op == Opcode::If) {
        ++dead_depth_;
        return;
      }
      if (dead_depth_ > 0) {
        if (op == Opcode::End) --dead_depth_;
        return;
      }
      if (op != Opcode::End && op != Opcode::Else) return;
    }
    if (!unreachable_) ++fuel_cost_;  // dead code costs nothing
    switch (op) {
      case Opcode::Nop: return;
      case Opcode::Unreachable:
        begin_internal(Internal::Unreachable);
        unreachable_ = true;
        return;
      case Opcode::Block:
      case Opcode::Loop: {
        size_t np = block_signature(module_, in.block_type).params.size();
        materialize_all();
        Ctrl c{op == Opcode::Loop ? Ctrl::Loop : Ctrl::Block, int32_t(in.block_type), uint32_t(stack_.size() - np)};
        c.entry_assigned = assigned_;
        if (op == Opcode::Loop) c.mark = code().size();
        bind_label();
        last_dst_ = SIZE_MAX;  // a label: no peephole across it
        if (op == Opcode::Loop) {  // every iteration passes here
          open_fuel_block();
          if (count_steps_) begin_internal(Internal::Step);
          // On-stack replacement enters here, past the iteration's fuel
          // charge and Step, which the interpreter has just taken.
          const uint32_t live = off_at(stack_.size());  // (homes lie in stack order)
          out_->loops.push_back(CompiledFunc::LoopHead{uint32_t(code().size()), live});
          if (loop_counters_) {
            begin_internal(Internal::LoopHead);
            emit_imm(out_->loops.size() - 1);
          }
        }
        ctrl_.push_back(c);
        return;
      }
      case Opcode::If: {
        size_t np = block_signature(module_, in.block_type).params.size();
        Entry cond = pop();
        auto cmp = take_compare(cond);
        materialize_all();
        emit_cond_branch_head(cond, cmp, /*when_true=*/false);
        Ctrl c{Ctrl::If, int32_t(in.block_type), uint32_t(stack_.size() - np)};
        c.entry_assigned = assigned_;
        c.mark = code().size();
        emit_target(0);
        ctrl_.push_back(c);
        open_fuel_block();  // the then arm
        return;
      }
      case Opcode::Else: {
        Ctrl& c = ctrl_.back();
        BlockSignature sig = signature(c);
        if (!unreachable_) c.end_assigned &= assigned_;
        assigned_ = c.entry_assigned;  // the else arm starts where the then arm did
        if (!unreachable_) {
          for (size_t i = 0; i < sig.results.size(); ++i) materialize(stack_.size() - sig.results.size() + i);
          begin_internal(Internal::Br);
          emit_target(0);
          chain_end_fixup(c, code().size() - 1);
        }
        code()[c.mark] = code().size();
        bind_label();
        open_fuel_block();
        c.mark = kNone;
        truncate_stack(c.height);
        for (ValType t : sig.params) push_home(slot_width(t));
        unreachable_ = false;
        last_dst_ = SIZE_MAX;
        return;
      }
      case Opcode::End: {
        Ctrl& c = ctrl_.back();
        if (c.kind == Ctrl::Func) {
          if (!unreachable_) {
            prepare_wide_branch(c);
            emit_return();
          }
          ctrl_.pop_back();
          return;
        }
        std::span<const ValType> results = signature(c).results;
        if (!unreachable_)
          for (size_t i = 0; i < results.size(); ++i) materialize(stack_.size() - results.size() + i);
        if (!unreachable_) c.end_assigned &= assigned_;
        if (waits_for_else(c)) c.end_assigned &= c.entry_assigned;  // an if without else
        assigned_ = c.end_assigned;
        size_t end = code().size();
        bind_label();
        open_fuel_block();
        if (waits_for_else(c)) code()[c.mark] = end;
        patch_end_fixups(c, end);
        truncate_stack(c.height);
        for (ValType t : results) push_home(slot_width(t));
        unreachable_ = false;
        last_dst_ = SIZE_MAX;
        ctrl_.pop_back();
        return;
      }
      case Opcode::Br:
        note_branch(label(in.a));
        prepare_wide_branch(label(in.a));
        emit_branch(in.a);
        unreachable_ = true;
        return;
      case Opcode::BrIf: {
        Entry cond = pop();
        Ctrl& target = label(in.a);
        note_branch(target);
        auto cmp = take_compare(cond);
        prepare_wide_branch(target);
        if (target.kind != Ctrl::Func && !label_needs_moves(target)) {
          // The values are already where the label wants them.
          uint32_t k = label_arity(target);
          for (uint32_t i = 0; i < k; ++i) materialize(stack_.size() - k + i);
          emit_cond_branch_head(cond, cmp, /*when_true=*/true);
          emit_label_target(target);
          open_fuel_block();  // not taken
          return;
        }
        // Skip over the moves when not taken.
        emit_cond_branch_head(cond, cmp, /*when_true=*/false);
        size_t skip = code().size();
        emit_target(0);
        emit_branch(in.a);
        code()[skip] = code().size();
        bind_label();
        last_dst_ = SIZE_MAX;
        open_fuel_block();  // not taken
        return;
      }
      case Opcode::BrTable: {
        Entry index = pop();
        prepare_wide_branch(label(in.targets.back()));  // (all its labels have one arity)
        begin_internal(Internal::BrTable);
        emit_slot(index.slot);
        emit_imm(in.targets.size());
        size_t table = emit_target_table(in.targets.size());
        // Each label is looked at once, and gets at most one stub (moves,
        // then branch) however often the table names it: the work and code
        // grow with the table plus its labels' arities, not their product.
        if (br_table_stubs_.size() < ctrl_.size()) br_table_stubs_.resize(ctrl_.size(), kUnvisited);
        for (size_t i = 0; i < in.targets.size(); ++i) {
          const uint32_t depth = in.targets[i];
          Ctrl& target = label(depth);
          size_t& stub = br_table_stubs_[depth];
          if (stub == kUnvisited) {
            stub = kNone;
            note_branch(target);
            if (target.kind == Ctrl::Func || label_needs_moves(target)) {
              stub = code().size();
              bind_label();
              emit_branch(depth);
            }
          }
          if (stub != kNone) {
            code()[table + i] = stub;
          } else if (target.kind == Ctrl::Loop) {
            code()[table + i] = target.mark;
          } else {
            chain_end_fixup(target, table + i);
          }
        }
        for (uint32_t depth : in.targets) br_table_stubs_[depth] = kUnvisited;  // (in time of the table's size)
        unreachable_ = true;
        return;
      }
      case Opcode::Return:
        prepare_wide_branch(ctrl_.front());
        emit_return();
        unreachable_ = true;
        return;
      case Opcode::Call: {
        FuncInstance* callee = store_.funcs[inst_.funcs[in.a]].get();
        bool same_instance = callee->instance == &inst_;
        emit_call(*callee->type, [&](uint64_t arg_base) {
          begin_internal(same_instance ? Internal::Call : Internal::CallOther);
          emit_ptr(callee);
          emit_slot(arg_base);
          if (!same_instance) begin_internal(Internal::ReloadMemory);  // where it returns
        });
        return;
      }
      case Opcode::CallIndirect: {
        const FuncType& type = module_.types[in.a];
        Entry index = pop();
        TableInstance* table = store_.tables[inst_.tables[in.b]].get();
        uint32_t type_id = inst_.type_ids[in.a];
        emit_call(type, [&](uint64_t arg_base) {
          begin_internal(Internal::CallIndirect);
          emit_ptr(table);
          emit_imm(type_id);
          emit_slot(index.slot);
          emit_slot(arg_base);
          begin_internal(Internal::ReloadMemory);  // where a call to another instance returns
        });
        return;
      }
      case Opcode::Drop: pop(); return;
      case Opcode::Select:
      case Opcode::SelectT: {
        Entry c = pop(), b = pop(), a = pop();
        uint64_t dst = push_home(a.width);
        begin_internal(a.width == 2 ? Internal::Select2 : Internal::Select);
        emit_dst(dst);
        emit_slot(a.slot);
        emit_slot(b.slot);
        emit_slot(c.slot);
        last_op_ = op;
        return;
      }
      case Opcode::LocalGet:
        if (tracked(in.a) && !(assigned_ >> tracked_bit(in.a) & 1)) read_unassigned_ |= uint64_t(1) << tracked_bit(in.a);
        push_pending(local_slot_[in.a], local_width_[in.a]);
        return;
      case Opcode::LocalSet:
      case Opcode::LocalTee:
        if (tracked(in.a)) assigned_ |= uint64_t(1) << tracked_bit(in.a);
        set_local(local_slot_[in.a], op == Opcode::LocalTee);
        return;
      case Opcode::GlobalGet: {
        GlobalInstance* g = store_.globals[inst_.globals[in.a]].get();
        uint32_t width = slot_width(g->type.type);
        uint64_t dst = push_home(width);
        begin_internal(width == 2 ? Internal::GlobalGet2 : Internal::GlobalGet);
        emit_dst(dst);
        emit_ptr(store_.globals[inst_.globals[in.a]].get());
        last_op_ = op;
        return;
      }
      case Opcode::GlobalSet: {
        Entry v = pop();
        begin_internal(v.width == 2 ? Internal::GlobalSet2 : Internal::GlobalSet);
        emit_ptr(store_.globals[inst_.globals[in.a]].get());
        emit_slot(v.slot);
        return;
      }
      case Opcode::TableGet: {
        Entry i = pop();
        uint64_t dst = push_home();
        begin_internal(Internal::TableGet);
        emit_dst(dst);
        emit_slot(i.slot);
        emit_ptr(table(in.a));
        last_op_ = op;
        return;
      }
      case Opcode::TableSet: {
        Entry v = pop(), i = pop();
        begin_internal(Internal::TableSet);
        emit_slot(i.slot);
        emit_slot(v.slot);
        emit_ptr(table(in.a));
        return;
      }
      case Opcode::TableSize: {
        uint64_t dst = push_home();
        begin_internal(Internal::TableSize);
        emit_dst(dst);
        emit_ptr(table(in.a));
        last_op_ = op;
        return;
      }
      case Opcode::TableGrow: {
        Entry delta = pop(), init = pop();
        uint64_t dst = push_home();
        begin_internal(Internal::TableGrow);
        emit_dst(dst);
        emit_slot(init.slot);
        emit_slot(delta.slot);
        emit_ptr(table(in.a));
        last_op_ = op;
        return;
      }
      case Opcode::TableFill: {
        Entry n = pop(), v = pop(), i = pop();
        begin_internal(Internal::TableFill);
        emit_slot(i.slot);
        emit_slot(v.slot);
        emit_slot(n.slot);
        emit_ptr(table(in.a));
        return;
      }
      case Opcode::TableCopy: {
        Entry n = pop(), s = pop(), d = pop();
        begin_internal(Internal::TableCopy);
        emit_slot(d.slot);
        emit_slot(s.slot);
        emit_slot(n.slot);
        emit_ptr(table(in.a));
        emit_ptr(table(in.b));
        return;
      }
      case Opcode::TableInit: {
        Entry n = pop(), s = pop(), d = pop();
        begin_internal(Internal::TableInit);
        emit_slot(d.slot);
        emit_slot(s.slot);
        emit_slot(n.slot);
        emit_ptr(table(in.b));
        emit_ptr(store_.elems[inst_.elems[in.a]].get());
        return;
      }
      case Opcode::ElemDrop:
        begin_internal(Internal::ElemDrop);
        emit_ptr(store_.elems[inst_.elems[in.a]].get());
        return;
      case Opcode::MemorySize: {
        uint64_t dst = push_home();
        begin_internal(Internal::MemorySize);
        emit_dst(dst);
        last_op_ = op;
        return;
      }
      case Opcode::MemoryGrow: {
        Entry delta = pop();
        uint64_t dst = push_home();
        begin_internal(Internal::MemoryGrow);
        emit_dst(dst);
        emit_slot(delta.slot);
        last_op_ = op;
        return;
      }
      case Opcode::MemoryFill:
      case Opcode::MemoryCopy:
      case Opcode::MemoryInit: {
        Entry n = pop(), s = pop(), d = pop();
        begin_internal(op == Opcode::MemoryFill   ? Internal::MemoryFill
                       : op == Opcode::MemoryCopy ? Internal::MemoryCopy
                                                  : Internal::MemoryInit);
        emit_slot(d.slot);
        emit_slot(s.slot);
        emit_slot(n.slot);
        if (op == Opcode::MemoryInit) emit_ptr(store_.datas[inst_.datas[in.a]].get());
        return;
      }
      case Opcode::DataDrop:
        begin_internal(Internal::DataDrop);
        emit_ptr(store_.datas[inst_.datas[in.a]].get());
        return;
      case Opcode::I32Const: push_pending(imm(uint32_t(in.imm64))); return;
      case Opcode::I64Const:
      case Opcode::F32Const:
      case Opcode::F64Const: push_pending(imm(in.imm64)); return;
      case Opcode::RefNull: push_pending(imm(kNullRef)); return;
      case Opcode::RefFunc: push_pending(imm(reinterpret_cast<RefBits>(store_.funcs[inst_.funcs[in.a]].get()))); return;
      case Opcode::RefIsNull: emit_simple(Opcode::I64Eqz, 1); return;  // null is the all-zero word
      default: break;
    }
    // (The packed entry info() is made from: info() builds three
    // string_views, out of line, and this needs only counts.)
    const opcode_tables::Packed& oi = packed_info(op);
    if (oi.prefix == 0xFD) {
      translate_simd(in);
      return;
    }
    if (!op_handler(op)) {
      // An instruction the interpreter does not implement (e.g. SIMD before
      // its handlers exist): keep the stack shape, trap if it is reached.
      for (size_t i = 0; i < oi.params_size; ++i) pop();
      for (size_t i = 0; i < oi.results_size; ++i) push_home();
      begin_internal(Internal::Unsupported);
      return;
    }
    if (oi.imm == ImmKind::MemArg) {
      if (oi.results_size == 0) {  // store: addr, value
        Entry v = pop(), a = pop();
        // A binary op whose result is only stored (full width, same type):
        // one instruction computes and stores.
        if (full_width_store(op) && on(kStoreResult) &&
            last_produced(v, [](Opcode p) {
              return form_handler(Form::StoreResult, p) != nullptr || form_handler(Form::MulMulRmwA, p) != nullptr;
            }) &&
            info(last_op_).results == info(op).params.substr(1)) {
          const uint64_t x = code()[instr_start_ + 2], y = code()[instr_start_ + 3];
          const Opcode producer = last_op_;
          // `v[i] = v[i] - a * b * c`: a plain f64.load, the f64.mul>f64.mul
          // chain, then this op of the two, stored where it was loaded
          // from: one instruction (the load traps first either way).
          if (on(kRmw) && form_handler(Form::MulMulRmwA, producer) && op == Opcode::F64Store) {
            const size_t c = prev_.start, l = plain_load_start_;
            if (prev_.dst == c + 1 && l != SIZE_MAX && l + 4 == c && (label_at_ == SIZE_MAX || label_at_ <= l) &&
                code()[l] == word(op_handler(Opcode::F64Load)) &&
                code()[c] == word(chain_handler(Opcode::F64Mul, Opcode::F64Mul, Chain::SA)) &&
                y == code()[c + 1] && (y & kTempTag) && x == code()[l + 1] && (x & kTempTag) &&
                code()[l + 2] == a.slot && code()[l + 3] == in.imm64 && code()[c + 2] != x && code()[c + 3] != x &&
                code()[c + 4] != x) {
              const uint64_t cx = code()[c + 2], cy = code()[c + 3], cz = code()[c + 4];
              instr_start_ = l;
              remove_last_instr();
              emit_form(Form::MulMulRmwA, producer, {cx, cy, cz, a.slot, in.imm64});
              return;
            }
          }
          if (form_handler(Form::StoreResult, producer)) {
            remove_last_instr();
            emit_form(Form::StoreResult, producer, {x, y, a.slot, in.imm64});
            return;
          }
        }
        // An op[load] whose result is stored back where it was loaded from,
        // its first operand computed by the f64.mul[load] (or [load+add]) or
        // the f64.mul>f64.mul chain just before it: one instruction for all.
        if (op == Opcode::F64Store && on(kRmw) && !v.pending && last_load_operand_ && chain_rmw_ &&
            chain_rmw_->lm_start == instr_start_ && last_dst_ != SIZE_MAX && code()[last_dst_] == v.slot &&
            code()[instr_start_ + 3] == a.slot && code()[instr_start_ + 4] == in.imm64) {
          const Opcode producer = last_op_;
          const size_t c = chain_rmw_->start;
          const Form f = chain_rmw_->kind == ChainRmw::MulMul    ? Form::MulMulRmw
                         : chain_rmw_->kind == ChainRmw::MulLoad ? Form::MulLoadRmw
                                                                 : Form::MulLoadAddRmw;
          if (form_handler(f, producer)) {
            // The first instruction's operands after its dst.
            const std::vector<uint64_t> first(code().begin() + c + 2, code().begin() + chain_rmw_->lm_start);
            instr_start_ = c;
            remove_last_instr();
            if (f != Form::MulLoadAddRmw) emit_form(f, producer, {first[0], first[1], first[2], a.slot, in.imm64});
            else emit_form(f, producer, {first[0], first[1], first[2], first[3], a.slot, in.imm64});
            return;
          }
        }
        if (auto sum = take_address_add(a, Form::AddrAddStore, op)) {
          emit_form(Form::AddrAddStore, op, {sum->first, sum->second, v.slot, in.imm64});
          return;
        }
        begin_instr(op_handler(op));
        emit_slot(a.slot);
        emit_slot(v.slot);
        emit_imm(in.imm64);  // memarg offset
      } else {
        Entry a = pop();
        auto sum = take_address_add(a, Form::AddrAddLoad, op);
        uint64_t dst = push_home();
        if (sum) {
          emit_form(Form::AddrAddLoad, op, {dst, sum->first, sum->second, in.imm64});
        } else {
          begin_instr(op_handler(op));
          emit_dst(dst);
          emit_slot(a.slot);
          emit_imm(in.imm64);  // memarg offset
        }
        if (!sum && op == Opcode::F64Load) plain_load_start_ = instr_start_;
        last_op_ = op;
        last_plain_ = !sum;
        last_add_load_ = bool(sum);
      }
      return;
    }
    emit_simple(op, oi.params_size);
  }

  // Integer ops for which x op 0 is x (float ones are not: -0 + 0 is +0).
  static bool zero_is_identity(Opcode op) {
    switch (op) {
      case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Or: case Opcode::I32Xor:
      case Opcode::I32Shl: case Opcode::I32ShrS: case Opcode::I32ShrU: case Opcode::I32Rotl: case Opcode::I32Rotr:
      case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Or: case Opcode::I64Xor:
      case Opcode::I64Shl: case Opcode::I64ShrS: case Opcode::I64ShrU: case Opcode::I64Rotl: case Opcode::I64Rotr:
        return true;
      default: return false;
    }
  }

  void emit_simple(Opcode op, size_t arity) {
    Entry b = arity == 2 ? pop() : Entry{};
    Entry a = pop();
    if (!fuse_) return emit_plain(op, arity, a, b);
    if (arity == 2 && (b.slot & kImmTag) && imm_values_[b.slot & ~kImmTag] == 0 && zero_is_identity(op)) {
      // x + 0, x << 0, ...: the value is x, where it already is (clang
      // emits `local.get 0; i32.const 0; i32.add` for a phi).
      push_entry(a);
      return;
    }
    uint64_t dst = push_home();
    const bool t_is_a = arity == 2 && (last_plain_ || last_imm_) && last_dst_ != SIZE_MAX && !a.pending &&
                        code()[last_dst_] == a.slot;
    const bool t_is_b = arity == 2 && (last_plain_ || last_imm_) && last_dst_ != SIZE_MAX && !b.pending &&
                        code()[last_dst_] == b.slot;
    if (arity == 2 && (b.slot & kImmTag) && on(kImm)) {
      const uint64_t bits = imm_values_[b.slot & ~kImmTag];
      // t op imm, t computed by the binary op just before: a chain.
      if (t_is_a && on(kChain)) {
        if (auto [h, v] = chain_of(op, false, true); h) {
          replace_with_chain(h, v, op, dst, bits);
          return;
        }
      }
      if (form_handler(Form::Imm, op)) {
        emit_form(Form::Imm, op, {dst, a.slot, bits});
        last_op_ = op;
        last_imm_ = true;
        return;
      }
    }
    // The second operand loaded (full width, same type) by the instruction
    // just before: one instruction loads and computes.
    if (arity == 2 && form_handler(Form::LoadOperand, op) && on(kLoadOp) && last_produced(b, full_width_load) &&
        info(last_op_).results == info(op).params.substr(1)) {
      const uint64_t addr = code()[instr_start_ + 2], offset = code()[instr_start_ + 3];
      // `a` the result of the f64.mul[load] / f64.mul[load+add] or of the
      // f64.mul>f64.mul chain (slot operands) just before the load: a
      // candidate for the multiply-into-memory forms if this is stored back.
      std::optional<ChainRmw> chain;
      if (on(kRmw) && op == Opcode::F64Add && prev_.dst != SIZE_MAX && prev_.dst == prev_.start + 1 && !a.pending &&
          (a.slot & kTempTag) && code()[prev_.dst] == a.slot) {
        const uint64_t h = code()[prev_.start];
        const size_t n = instr_start_ - prev_.start;
        if (h == word(chain_handler(Opcode::F64Mul, Opcode::F64Mul, Chain::SA)) && n == chain_words(Chain::SA))
          chain = ChainRmw{prev_.start, ChainRmw::MulMul, 0};
        else if (h == word(form_handler(Form::LoadOperand, Opcode::F64Mul)) && n == form_words(Form::LoadOperand))
          chain = ChainRmw{prev_.start, ChainRmw::MulLoad, 0};
        else if (h == word(form_handler(Form::LoadAddOperand, Opcode::F64Mul)) && n == form_words(Form::LoadAddOperand))
          chain = ChainRmw{prev_.start, ChainRmw::MulLoadAdd, 0};
      }
      remove_last_instr();
      emit_form(Form::LoadOperand, op, {dst, a.slot, addr, offset});
      last_op_ = op;
      last_load_operand_ = true;
      if (chain) {
        chain->lm_start = instr_start_;
        chain_rmw_ = chain;
      }
      return;
    }
    // ... or by an address-add load.
    if (arity == 2 && form_handler(Form::LoadAddOperand, op) && on(kLoadAddOp) && !b.pending && last_add_load_ &&
        last_dst_ != SIZE_MAX && code()[last_dst_] == b.slot && full_width_load(last_op_) &&
        info(last_op_).results == info(op).params.substr(1)) {
      const uint64_t base = code()[instr_start_ + 2], index = code()[instr_start_ + 3], offset = code()[instr_start_ + 4];
      remove_last_instr();
      emit_form(Form::LoadAddOperand, op, {dst, a.slot, base, index, offset});
      last_op_ = op;
      return;
    }
    // One operand computed by the binary op just before (and used nowhere
    // else): one instruction computes both.
    if (t_is_a != t_is_b && op == Opcode::I32Xor && last_imm_ && on(kXorRot) && try_xor_rot(t_is_b ? a : b, dst))
      return;
    if (t_is_a != t_is_b && on(kChain)) {
      const Entry& z = t_is_b ? a : b;
      if (!(z.slot & kImmTag)) {
        if (auto [h, v] = chain_of(op, t_is_b, false); h) {
          replace_with_chain(h, v, op, dst, z.slot);
          return;
        }
      }
    }
    emit_plain(op, arity, a, b, dst);
  }
  // op's plain form on a and b (a unary op: a only) into `dst`, or a new
  // temporary. (Without fusions this is all emit_simple does: the
  // fusions' look-backs find nothing, see forget_peephole.)
  void emit_plain(Opcode op, size_t arity, const Entry& a, const Entry& b, uint64_t dst = kNoOperand) {
    if (dst == kNoOperand) dst = push_home();
    begin_instr(op_handler(op));
    emit_dst(dst);
    emit_slot(a.slot);
    if (arity == 2) emit_slot(b.slot);
    last_op_ = op;
    last_plain_ = true;
  }

  // rotl(x, c) or shr_u(x, c) (the last instruction, immediate c) xored
  // with z, the result of the instruction before it, which is rotl(x, a)
  // (rotl[imm]) or an xor_rot of two: one xor_rot instruction for all.
  bool try_xor_rot(const Entry& z, uint64_t dst) {
    if (last_op_ != Opcode::I32Rotl && last_op_ != Opcode::I32ShrU) return false;
    const size_t p = prev_.start;
    if (z.pending || !(z.slot & kTempTag) || prev_.dst == SIZE_MAX || prev_.dst != p + 1 || code()[p + 1] != z.slot)
      return false;
    const uint64_t x = code()[instr_start_ + 2], c = code()[instr_start_ + 3];
    if (x == z.slot || code()[p + 2] != x) return false;
    if (p + form_words(Form::Imm) == instr_start_ && code()[p] == word(form_handler(Form::Imm, Opcode::I32Rotl)) &&
        form_handler(Form::XorRot2, last_op_)) {
      const uint64_t a = code()[p + 3];
      instr_start_ = p;
      remove_last_instr();
      emit_form(Form::XorRot2, Opcode::I32Rotl, {dst, x, a, c});
    } else if (p + form_words(Form::XorRot2) == instr_start_ &&
               code()[p] == word(form_handler(Form::XorRot2, Opcode::I32Rotl)) && form_handler(Form::XorRot3, last_op_)) {
      const Opcode op3 = last_op_;
      const uint64_t a = code()[p + 3], b = code()[p + 4];
      instr_start_ = p;
      remove_last_instr();
      emit_form(Form::XorRot3, op3, {dst, x, a, b, c});
    } else {
      return false;
    }
    last_op_ = Opcode::I32Xor;
    return true;
  }

  // Arguments are materialised at the top of the stack; the callee's frame
  // starts at the first one and its results replace them.
  template <class EmitCall>
  void emit_call(const FuncType& type, EmitCall&& emit) {
    size_t n = type.params.size(), k = type.results.size();
    size_t h = stack_.size();
    for (size_t i = h - n; i < h; ++i) materialize(i);
    uint32_t base = off_at(h - n);
    uint64_t arg_base = kTempTag | base;
    max_height_ = std::max(max_height_, base + std::max(slot_count(type.params), slot_count(type.results)));
    emit(arg_base);
    truncate_stack(h - n);
    for (size_t i = 0; i < k; ++i) push_home(slot_width(type.results[i]));
  }

  // Definite assignment of the first 64 declared locals: a local that is
  // never read before it is written on every path needs no zeroing when
  // the function is entered. assigned_ holds the locals written on every
  // path to the current point (bit j: declared local j); at a label it is
  // the intersection over the paths reaching it (a loop header is reached
  // from its entry, and a back edge only adds writes).
  bool tracked(uint32_t local) const {
    return local - num_params_ < 64;  // (unsigned: a param's index wraps around)
  }
  uint32_t tracked_bit(uint32_t local) const { return local - num_params_; }
  void note_branch(Ctrl& target) {
    if (target.kind == Ctrl::Block || target.kind == Ctrl::If) target.end_assigned &= assigned_;
  }

  void set_local(uint32_t local, bool tee) {
    Entry v = stack_.back();
    const bool v_reads_it = v.pending && v.local_read == local;
    const bool other_pending_reads = pending_reads_[local] > (v_reads_it ? 1u : 0u);
    if (!v.pending && !other_pending_reads && last_dst_ != SIZE_MAX && code()[last_dst_] == v.slot) {
      // Retarget the producing instruction to write the local directly.
      code()[last_dst_] = local;  // untagged now: finish() leaves it alone
    } else {
      if (other_pending_reads) materialize_reads_of(local, stack_.size() - 1);
      copy(local, v.slot, v.width);
    }
    pop();
    last_dst_ = SIZE_MAX;
    if (tee) push_pending(local, v.width);
  }

  // Gives every pending read of `local` below `top` its own slot, before the
  // local changes. The chain is then dropped: each read is walked once.
  void materialize_reads_of(uint32_t local, size_t top) {
    for (uint32_t i = newest_read_[local]; i != kNoRead; i = stack_[i].prev_read)
      if (i != top) materialize(i);
    newest_read_[local] = kNoRead;
  }

  TableInstance* table(uint32_t index) { return store_.tables[inst_.tables[index]].get(); }

  void add_local(ValType t, uint32_t& slot) {
    local_slot_.push_back(slot);
    local_width_.push_back(uint8_t(slot_width(t)));
    slot += slot_width(t);
  }

  // ------------------------------------------------------------ v128
  // A v128 constant: two adjacent constant slots (low word first).
  uint64_t const_slot_v128(const std::array<uint8_t, 16>& bytes) {
    uint64_t lo, hi;
    std::memcpy(&lo, bytes.data(), 8);
    std::memcpy(&hi, bytes.data() + 8, 8);
    auto [it, inserted] = v128_const_index_.try_emplace(std::make_pair(lo, hi), uint32_t(out_->consts.size()));
    if (inserted) {
      out_->consts.push_back(lo);
      out_->consts.push_back(hi);
    }
    return kConstTag | it->second;
  }
  // Every 0xFD instruction: operands in the order of opcodes.def's Params,
  // then the immediates (memarg offset, lane index, shuffle lanes); the
  // layouts are listed in simd_sem.hpp.
  void translate_simd(const Instr& in) {
    const Opcode op = in.op;
    const OpcodeInfo& oi = info(op);
    if (op == Opcode::V128Const) {
      push_pending(const_slot_v128(in.v128), 2);
      return;
    }
    const size_t n = oi.params.size();
    Entry args[3] = {};
    for (size_t i = n; i-- > 0;) args[i] = pop();
    const bool has_result = !oi.results.empty();
    uint64_t dst = has_result ? push_home(oi.results[0] == 'v' ? 2 : 1) : 0;
    begin_instr(op_handler(op));
    if (has_result) emit_dst(dst);
    for (size_t i = 0; i < n; ++i) emit_slot(args[i].slot);
    switch (oi.imm) {
      case ImmKind::MemArg: emit_imm(in.imm64); break;
      case ImmKind::MemArgLane:
        emit_imm(in.imm64);
        emit_imm(in.b);
        break;
      case ImmKind::Lane: emit_imm(in.b); break;
      case ImmKind::Shuffle: {
        uint64_t w[2];
        std::memcpy(w, in.v128.data(), 16);
        emit_imm(w[0]);
        emit_imm(w[1]);
        break;
      }
      default: break;
    }
    if (has_result) last_op_ = op;
  }

  // `f` emptied for a new translation, its vectors' memory kept.
  static void recycle(CompiledFunc& f) {
    std::vector<uint64_t> code = std::move(f.code), consts = std::move(f.consts), init = std::move(f.frame_init);
    std::vector<CompiledFunc::Origin> origins = std::move(f.origins);
    std::vector<CompiledFunc::LoopHead> loops = std::move(f.loops);
    f = CompiledFunc();
    auto give = [](auto& to, auto& from) {
      from.clear();
      to = std::move(from);
    };
    give(f.code, code);
    give(f.consts, consts);
    give(f.frame_init, init);
    give(f.origins, origins);
    give(f.loops, loops);
  }

  void finish() {
    if (!keep_capacity_) out_->origins.shrink_to_fit();
    // A function with loops keeps kSaveSlots slots past its locals and
    // results for compiled code's callee-saved registers (see
    // CompiledFunc::save_base); the constants and temporaries move up.
    if (!out_->loops.empty()) {
      out_->save_base = std::max(out_->const_base, out_->num_results);
      out_->const_base = out_->save_base + CompiledFunc::kSaveSlots;
    } else {
      out_->save_base = out_->const_base;  // (none)
    }
    uint32_t temp_base = out_->const_base + uint32_t(out_->consts.size());
    for (size_t pos : slot_fixups_) {
      uint64_t& w = code()[pos];
      if (!(w & kTagMask)) continue;  // retargeted to a local
      w = (w & kConstTag) ? out_->const_base + (w & ~kTagMask) : temp_base + (w & ~kTagMask);
    }
    out_->frame_slots = std::max(temp_base + max_height_, out_->num_results);
    out_->temp_base = temp_base;
    // Zeros from the first declared local that may be read unassigned.
    uint32_t first_zero = out_->const_base;
    for (size_t i = func_.type->params.size(); i < local_slot_.size(); ++i)
      if (!tracked(uint32_t(i)) || (read_unassigned_ >> tracked_bit(uint32_t(i)) & 1)) {
        first_zero = local_slot_[i];
        break;
      }
    out_->init_base = first_zero;
    out_->frame_init.assign(out_->const_base - first_zero, 0);
    out_->frame_init.insert(out_->frame_init.end(), out_->consts.begin(), out_->consts.end());
    out_->init_count = uint32_t(out_->frame_init.size());
    out_->init = out_->frame_init.data();
    const uint64_t* base = code().data();
    auto to_address = [&](size_t pos) { code()[pos] = reinterpret_cast<uint64_t>(base + code()[pos]); };
    for (size_t pos : target_fixups_) to_address(pos);
    for (auto [first, count] : target_tables_)
      for (size_t pos = first; pos < first + count; ++pos) to_address(pos);
    out_->entry = base;
  }

  std::unique_ptr<CompiledFunc> out_;
  bool keep_capacity_ = true;  // out_ is a recycled buffer (no shrinking)
  StoreImpl& store_;
  const InstanceImpl& inst_;
  const ModuleDesc& module_;
  const FuncInstance& func_;
  const uint32_t num_params_ = uint32_t(func_.type->params.size());  // (wasm params, not slots)
  const bool fuse_;         // Config::interp_fusions
  const bool loop_counters_;  // emit LoopHead at loop headers
  const bool consume_fuel_;  // Config::consume_fuel: emit Fuel at basic blocks
  const bool count_steps_;  // Config::step_limit, interruptible or fuel: emit Step
  const unsigned families_off_;  // see families_off()
  bool on(Family f) const { return !(families_off_ >> f & 1); }
  // The working tables, reused by every translation of a thread (emptied,
  // their memory kept: fresh memory was a tenth of translating).
  struct Scratch {
    std::vector<Entry> stack;
    std::vector<uint32_t> newest_read, pending_reads;
    std::vector<Ctrl> ctrl;
    std::vector<uint64_t> imm_values;
    std::vector<size_t> slot_fixups, target_fixups;
    std::vector<std::pair<size_t, size_t>> target_tables;
    ConstIndex const_index;
    // Per label depth: its stub in the br_table being translated (kNone:
    // it needs none), or kUnvisited. (A hash map was emptied at every
    // translation in time of its largest size: sqlite3VdbeExec's table
    // then cost every later function a memset.)
    std::vector<size_t> br_table_stubs;
    std::map<std::pair<uint64_t, uint64_t>, uint32_t> v128_const_index;
    std::vector<uint32_t> local_slot;
    std::vector<uint8_t> local_width;
    // The vectors, one list for clear() and trim().
    auto vectors() {
      return std::tie(stack, newest_read, pending_reads, ctrl, imm_values, slot_fixups, target_fixups, target_tables,
                      local_slot, local_width, br_table_stubs);
    }
    void clear() {
      std::apply([](auto&... v) { (v.clear(), ...); }, vectors());
      const_index.clear();
      v128_const_index.clear();
    }
    // Frees what an unusually large body left (a thread keeps the rest).
    void trim() {
      constexpr size_t kKept = size_t(1) << 16;
      auto trim_one = [](auto& v) {
        if (v.capacity() > kKept) std::remove_reference_t<decltype(v)>().swap(v);
      };
      std::apply([&](auto&... v) { (trim_one(v), ...); }, vectors());
      if (const_index.capacity() > kKept) const_index = ConstIndex();
    }
  };
  static Scratch& thread_scratch() {
    thread_local Scratch s;
    return s;
  }
  static bool& thread_scratch_busy() {
    thread_local bool busy = false;
    return busy;
  }
  // The thread's tables, or (a translation within a translation, which
  // nothing does today) tables of this translation's own.
  Scratch& acquire_scratch() {
    if (thread_scratch_busy()) {
      own_scratch_ = std::make_unique<Scratch>();
      return *own_scratch_;
    }
    thread_scratch_busy() = true;
    thread_scratch().clear();
    return thread_scratch();
  }
  std::unique_ptr<Scratch> own_scratch_;
  Scratch& scratch_ = acquire_scratch();
  std::vector<Entry>& stack_ = scratch_.stack;
  size_t pending_from_ = 0;  // no entry below this position is pending
  // Per local slot: the newest pending read on the stack (a chain through
  // Entry::prev_read) and how many pending reads there are.
  std::vector<uint32_t>& newest_read_ = scratch_.newest_read;
  std::vector<uint32_t>& pending_reads_ = scratch_.pending_reads;
  std::vector<Ctrl>& ctrl_ = scratch_.ctrl;
  uint32_t max_height_ = 0;
  uint64_t assigned_ = 0;          // see tracked()
  uint64_t read_unassigned_ = 0;   // tracked locals read where maybe unassigned
  bool unreachable_ = false;
  uint32_t dead_depth_ = 0;
  size_t fuel_cost_at_ = SIZE_MAX;  // the open fuel block's count operand
  uint64_t fuel_cost_ = 0;          // wasm instructions in it so far
  size_t instr_start_ = 0;
  size_t last_dst_ = SIZE_MAX;  // dst word of the last instruction, if it ends the code
  Opcode last_op_ = Opcode::Nop;
  bool last_imm_ = false;  // the last instruction is an immediate-operand form
  bool last_plain_ = false;  // ... is op_handler(last_op_) with slot operands
  // The instruction before the last one, when nothing has been removed since.
  struct Prev {
    size_t start = 0;
    size_t dst = SIZE_MAX;  // its last_dst_ (SIZE_MAX: none, or a label since)
    Opcode op = Opcode::Nop;
    bool fusable = false;   // plain or immediate form
    bool imm = false;
  } prev_;
  size_t last_copy_end_ = SIZE_MAX;  // end of the last Copy/Copy2/Copy3/Copy4 emitted
  size_t last_copy_start_ = 0;       // ... its start
  int last_copy_moves_ = 0;          // ... its number of moves
  size_t label_at_ = SIZE_MAX;       // last code position bound as a branch target
  bool last_add_load_ = false;       // the last instruction is an AddrAddLoad form
  bool last_load_operand_ = false;   // ... is a LoadOperand form
  // The last instruction is an f64.add[load] whose first operand is the
  // result of the instruction at `start` just before it.
  struct ChainRmw {
    size_t start;
    enum Kind { MulMul, MulLoad, MulLoadAdd } kind;
    size_t lm_start;  // the f64.add[load]
  };
  std::optional<ChainRmw> chain_rmw_;
  size_t plain_load_start_ = SIZE_MAX;  // start of the last plain f64.load emitted (if still there)
  std::vector<uint64_t>& imm_values_ = scratch_.imm_values;
  std::vector<size_t>& slot_fixups_ = scratch_.slot_fixups;
  std::vector<size_t>& target_fixups_ = scratch_.target_fixups;
  std::vector<std::pair<size_t, size_t>>& target_tables_ = scratch_.target_tables;  // first word, count
  ConstIndex& const_index_ = scratch_.const_index;
  std::vector<size_t>& br_table_stubs_ = scratch_.br_table_stubs;  // (see Scratch)
  std::map<std::pair<uint64_t, uint64_t>, uint32_t>& v128_const_index_ = scratch_.v128_const_index;
  std::vector<uint32_t>& local_slot_ = scratch_.local_slot;   // first slot of each local (params first)
  std::vector<uint8_t>& local_width_ = scratch_.local_width;
};

}  // namespace

std::unique_ptr<CompiledFunc> translate(StoreImpl& store, const FuncInstance& func, bool fuse, bool loop_counters,
                                        std::unique_ptr<CompiledFunc> reuse) {
  return Translator(store, func, fuse, loop_counters, std::move(reuse)).run();
}

}  // namespace mywasm::interp

namespace mywasm {

bool CompiledFunc::move_frame_to(const CompiledFunc& to, uint32_t loop, uint64_t* fp,
                                 const uint64_t* stack_end) const {
  if (loop >= loops.size() || loop >= to.loops.size() || fp + to.frame_slots > stack_end) return false;
  if (&to != this) std::memmove(fp + to.temp_base, fp + temp_base, loops[loop].live_temps * sizeof(uint64_t));
  return true;
}

std::unique_ptr<CompiledFunc> CompiledFunc::layout_only() const {
  auto f = std::make_unique<CompiledFunc>();
  f->num_params = num_params;
  f->num_locals = num_locals;
  f->num_results = num_results;
  f->const_base = const_base;
  f->save_base = save_base;
  f->frame_slots = frame_slots;
  f->init_base = init_base;
  f->fused = fused;
  f->temp_base = temp_base;
  f->loops = loops;
  return f;
}

std::optional<uint32_t> origin_at(const std::vector<CompiledFunc::Origin>& table, uint32_t position) {
  auto after = std::upper_bound(table.begin(), table.end(), position,
                                [](uint32_t p, const CompiledFunc::Origin& o) { return p < o.position; });
  if (after == table.begin()) return std::nullopt;
  return std::prev(after)->module_offset;
}

std::optional<uint32_t> CompiledFunc::module_offset(const void* at) const {
  const auto byte = reinterpret_cast<uintptr_t>(at), begin = reinterpret_cast<uintptr_t>(code.data());
  if (byte < begin || byte >= begin + code.size() * sizeof(uint64_t)) return std::nullopt;
  return origin_at(origins, uint32_t((byte - begin) / sizeof(uint64_t)));
}

}  // namespace mywasm
