#include "wasm_gen.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "leb.hpp"
#include "opcode.hpp"

namespace mywasm::fuzz {
namespace {

constexpr char kTypes[] = {'i', 'I', 'f', 'F', 'v'};
constexpr uint32_t kMaxDepth = 5;
constexpr uint32_t kBodyBudget = 400;  // instructions per function, roughly

uint8_t valtype_byte(char t) {
  switch (t) {
    case 'i': return 0x7F;
    case 'I': return 0x7E;
    case 'f': return 0x7D;
    case 'F': return 0x7C;
    default: return 0x7B;  // v128
  }
}

void put_name(std::vector<uint8_t>& out, const std::string& s) {
  put_uleb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// Lanes of the shape named at the start of an instruction's name (i8x16,
// f32x4, ...) or of the width in a lane load/store (v128.load16_lane).
uint32_t lane_count(std::string_view name) {
  for (auto [prefix, lanes] : {std::pair{"i8x16", 16u}, {"i16x8", 8u}, {"i32x4", 4u}, {"f32x4", 4u}, {"i64x2", 2u},
                               {"f64x2", 2u}, {"v128.load8_", 16u}, {"v128.load16_", 8u}, {"v128.load32_", 4u},
                               {"v128.load64_", 2u}, {"v128.store8_", 16u}, {"v128.store16_", 8u},
                               {"v128.store32_", 4u}, {"v128.store64_", 2u}})
    if (name.substr(0, std::string_view(prefix).size()) == prefix) return lanes;
  return 1;
}

// The instructions the generator picks from, by what they take and give.
struct OpTable {
  std::vector<Opcode> pure;    // immediate-free simple ops with one result
  std::vector<Opcode> loads;   // MemArg: "i" -> T
  std::vector<Opcode> stores;  // MemArg: "iT" -> ""
  std::vector<Opcode> lane;    // Lane / MemArgLane / Shuffle ops with one result
  std::vector<Opcode> lane_stores;  // MemArgLane: "iv" -> ""
  OpTable() {
    for (unsigned k = 0; k < kOpcodeCount; ++k) {
      const Opcode op = Opcode(k);
      const OpcodeInfo& in = info(op);
      if (!in.is_simple()) continue;
      switch (in.imm) {
        case ImmKind::None:
          if (in.results.size() == 1) pure.push_back(op);
          break;
        case ImmKind::MemArg:
          (in.results.size() == 1 ? loads : stores).push_back(op);
          break;
        case ImmKind::Lane:
        case ImmKind::Shuffle:
          lane.push_back(op);
          break;
        case ImmKind::MemArgLane:
          (in.results.size() == 1 ? lane : lane_stores).push_back(op);
          break;
        default: break;
      }
    }
  }
};

const OpTable& ops() {
  static const OpTable table;
  return table;
}

struct FuncSig {
  std::vector<char> params, results;
};

class Generator {
 public:
  explicit Generator(ByteSource& in) : in_(in) {}

  GeneratedModule run() {
    const uint32_t nfuncs = 1 + in_.below(5);
    for (uint32_t i = 0; i < nfuncs; ++i) sigs_.push_back(random_sig());
    GeneratedModule out;
    for (const FuncSig& s : sigs_) out.funcs.push_back({s.params, s.results});
    std::vector<uint8_t>& m = out.bytes;
    m = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    section(m, 1, type_section());
    std::vector<uint8_t> funcs;
    put_uleb(funcs, nfuncs);
    for (uint32_t i = 0; i < nfuncs; ++i) put_uleb(funcs, i);
    section(m, 3, funcs);
    section(m, 4, {0x01, 0x70, 0x00, uint8_t(nfuncs)});  // funcref table, min = nfuncs
    section(m, 5, {0x01, 0x01, 0x01, 0x03});             // memory: 1 page, max 3
    section(m, 6, global_section());
    section(m, 7, export_section(nfuncs));
    std::vector<uint8_t> elems = {0x01, 0x00, 0x41, 0x00, 0x0B};  // active, table 0, offset 0
    put_uleb(elems, nfuncs);
    for (uint32_t i = 0; i < nfuncs; ++i) put_uleb(elems, i);
    section(m, 9, elems);
    std::vector<uint8_t> code;
    put_uleb(code, nfuncs);
    for (uint32_t i = 0; i < nfuncs; ++i) {
      std::vector<uint8_t> body = function_body(i);
      put_uleb(code, body.size());
      code.insert(code.end(), body.begin(), body.end());
    }
    section(m, 10, code);
    return out;
  }

 private:
  struct Label {
    bool loop;
    std::optional<char> result;  // blocks and ifs: the value a branch carries
    uint32_t arity() const { return !loop && result ? 1 : 0; }
  };

  char random_type() { return kTypes[in_.below(in_.chance(80) ? 4 : 5)]; }
  FuncSig random_sig() {
    FuncSig s;
    for (uint32_t n = in_.below(4); n > 0; --n) s.params.push_back(random_type());
    for (uint32_t n = in_.below(3); n > 0; --n) s.results.push_back(random_type());
    return s;
  }

  static void section(std::vector<uint8_t>& m, uint8_t id, const std::vector<uint8_t>& body) {
    m.push_back(id);
    put_uleb(m, body.size());
    m.insert(m.end(), body.begin(), body.end());
  }

  std::vector<uint8_t> type_section() {
    std::vector<uint8_t> s;
    put_uleb(s, sigs_.size());
    for (const FuncSig& sig : sigs_) {
      s.push_back(0x60);
      put_uleb(s, sig.params.size());
      for (char t : sig.params) s.push_back(valtype_byte(t));
      put_uleb(s, sig.results.size());
      for (char t : sig.results) s.push_back(valtype_byte(t));
    }
    return s;
  }

  std::vector<uint8_t> global_section() {
    std::vector<uint8_t> s = {4};
    for (char t : {'i', 'I', 'f', 'F'}) {
      s.push_back(valtype_byte(t));
      s.push_back(0x01);  // mutable
      const_of(s, t);
      s.push_back(0x0B);
    }
    return s;
  }

  std::vector<uint8_t> export_section(uint32_t nfuncs) {
    std::vector<uint8_t> s;
    put_uleb(s, nfuncs + 5);
    for (uint32_t i = 0; i < nfuncs; ++i) {
      put_name(s, "f" + std::to_string(i));
      s.push_back(0x00);
      put_uleb(s, i);
    }
    put_name(s, "mem");
    s.push_back(0x02);
    s.push_back(0x00);
    for (uint32_t g = 0; g < 4; ++g) {
      put_name(s, "g" + std::to_string(g));
      s.push_back(0x03);
      put_uleb(s, g);
    }
    return s;
  }

  // A constant of type t: small values most of the time, so that loop
  // bounds, shifts and addresses stay in range; any bits otherwise.
  void const_of(std::vector<uint8_t>& out, char t) {
    const bool small = in_.chance(75);
    switch (t) {
      case 'i':
        out.push_back(0x41);
        put_sleb(out, small ? int64_t(in_.below(64)) - 8 : int32_t(in_.u32()));
        break;
      case 'I':
        out.push_back(0x42);
        put_sleb(out, small ? int64_t(in_.below(64)) - 8 : int64_t(in_.u64()));
        break;
      case 'f': {
        out.push_back(0x43);
        float f = float(int(in_.below(33)) - 16) * 0.5f;
        uint32_t bits;
        if (small) std::memcpy(&bits, &f, 4);
        else bits = in_.u32();
        for (int k = 0; k < 4; ++k) out.push_back(uint8_t(bits >> (8 * k)));
        break;
      }
      case 'F': {
        out.push_back(0x44);
        double d = double(int(in_.below(33)) - 16) * 0.25;
        uint64_t bits;
        if (small) std::memcpy(&bits, &d, 8);
        else bits = in_.u64();
        for (int k = 0; k < 8; ++k) out.push_back(uint8_t(bits >> (8 * k)));
        break;
      }
      default:  // v128.const
        out.push_back(0xFD);
        put_uleb(out, 12);
        for (int k = 0; k < 16; ++k) out.push_back(small ? uint8_t(in_.below(8)) : in_.byte());
        break;
    }
  }

  std::vector<uint8_t> function_body(uint32_t index) {
    const FuncSig& sig = sigs_[index];
    locals_ = sig.params;
    std::vector<char> extra;
    for (uint32_t n = in_.below(6); n > 0; --n) extra.push_back(random_type());
    extra.push_back('i');  // a counter for counted loops, always there
    locals_.insert(locals_.end(), extra.begin(), extra.end());
    results_ = sig.results;
    budget_ = kBodyBudget;
    code_.clear();
    // Scratch locals for canonicalize_nans, after the others (not in
    // locals_: the body's own code never picks them).
    scratch_ = uint32_t(locals_.size());
    extra.insert(extra.end(), {'f', 'F', 'v'});
    put_uleb(code_, extra.size());
    for (char t : extra) {
      code_.push_back(0x01);
      code_.push_back(valtype_byte(t));
    }
    labels_.clear();
    labels_.push_back({false, std::nullopt});  // the function body (a branch to it returns)
    statements(0);
    for (char t : results_) expr(t, 0);
    code_.push_back(0x0B);
    return code_;
  }

  void op(Opcode o) {
    const OpcodeInfo& in = info(o);
    if (in.prefix) {
      code_.push_back(in.prefix);
      put_uleb(code_, in.code);
    } else {
      code_.push_back(uint8_t(in.code));
    }
    if (budget_) --budget_;
  }
  void memarg(uint32_t max_offset = 64) {
    code_.push_back(0x00);  // alignment 1: valid for every access
    put_uleb(code_, in_.chance(70) ? in_.below(4) * 8 : in_.below(max_offset + 1));
  }
  std::optional<uint32_t> local_of(char t) {
    std::vector<uint32_t> found;
    for (uint32_t i = 0; i < locals_.size(); ++i)
      if (locals_[i] == t) found.push_back(i);
    if (found.empty()) return std::nullopt;
    return found[in_.below(uint32_t(found.size()))];
  }
  void block_type(std::optional<char> t) {
    if (t) code_.push_back(valtype_byte(*t));
    else code_.push_back(0x40);
  }

  // An address: mostly the same few locals plus small constants, so that
  // loads and stores of one expression meet at the same address.
  void address(uint32_t depth) {
    auto l = local_of('i');
    if (l && in_.chance(70)) {
      op(Opcode::LocalGet);
      put_uleb(code_, *l);
      if (in_.chance(40)) {
        code_.push_back(0x41);
        put_sleb(code_, in_.below(8) * 8);
        op(Opcode::I32Add);
      }
      code_.push_back(0x41);  // keep it inside the first page most of the time
      put_sleb(code_, 0xFFF);
      op(in_.chance(90) ? Opcode::I32And : Opcode::I32Or);
      return;
    }
    expr('i', depth + 1);
  }

  // One value of type t on the stack.
  void expr(char t, uint32_t depth) {
    if (depth >= kMaxDepth || budget_ == 0) return leaf(t);
    switch (in_.below(14)) {
      case 0:
      case 1: return leaf(t);
      case 2:
      case 3:
      case 4: return pure_op(t, depth);
      case 5:
      case 6: return load(t, depth);
      case 7: return lane_op(t, depth) ? void() : pure_op(t, depth);
      case 8: {  // select
        expr(t, depth + 1);
        expr(t, depth + 1);
        expr('i', depth + 1);
        if (t == 'v' || in_.chance(50)) {
          op(Opcode::SelectT);
          code_.push_back(1);
          code_.push_back(valtype_byte(t));
        } else {
          op(Opcode::Select);
        }
        return;
      }
      case 9: {  // if/else with a result
        expr('i', depth + 1);
        op(Opcode::If);
        block_type(t);
        labels_.push_back({false, t});
        statements(depth + 1);
        expr(t, depth + 1);
        op(Opcode::Else);
        statements(depth + 1);
        expr(t, depth + 1);
        labels_.pop_back();
        op(Opcode::End);
        return;
      }
      case 10: {  // a block whose value may leave early through br_if
        op(Opcode::Block);
        block_type(t);
        labels_.push_back({false, t});
        statements(depth + 1);
        expr(t, depth + 1);
        labels_.pop_back();
        op(Opcode::End);
        return;
      }
      case 11: {  // local.tee
        auto l = local_of(t);
        if (!l) return leaf(t);
        expr(t, depth + 1);
        op(Opcode::LocalTee);
        put_uleb(code_, *l);
        return;
      }
      case 12: return call_returning(t, depth) ? void() : leaf(t);
      default:
        if (t == 'i' && in_.chance(30)) {  // memory.size / memory.grow
          if (in_.chance(50)) {
            op(Opcode::MemorySize);
          } else {
            expr('i', depth + 1);
            op(Opcode::MemoryGrow);
          }
          code_.push_back(0x00);
          return;
        }
        return pure_op(t, depth);
    }
  }

  void leaf(char t) {
    auto l = local_of(t);
    if (l && in_.chance(60)) {
      op(Opcode::LocalGet);
      put_uleb(code_, *l);
    } else if (t != 'v' && in_.chance(15)) {
      op(Opcode::GlobalGet);
      put_uleb(code_, std::string_view("iIfF").find(t));
    } else {
      const_of(code_, t);
      if (budget_) --budget_;
    }
  }

  void pure_op(char t, uint32_t depth) {
    std::vector<Opcode> fit;
    for (Opcode o : ops().pure)
      if (info(o).results[0] == t) fit.push_back(o);
    if (fit.empty()) return leaf(t);
    const Opcode o = fit[in_.below(uint32_t(fit.size()))];
    for (char p : info(o).params) expr(p, depth + 1);
    op(o);
    canonicalize_nans(o);
  }

  // After float arithmetic: a NaN result replaced by the canonical NaN of
  // its type (lane by lane for f32x4 and f64x2 results). Wasm leaves the
  // payload of a NaN computed from NaN operands open (which operand's x86
  // passes on depends on operand order, and the C++ compiler picks that
  // for the interpreter's commutative ops), so without this a NaN's bits
  // reaching memory through a reinterpret, a popcnt or a store differ
  // between equally correct tiers. Bit-exact ops (loads, lane moves) and
  // comparisons (all-ones lanes are masks) are left alone; lane ops move
  // bits and are not passed here. Costs no body budget: the code around it
  // is the same as without.
  void canonicalize_nans(Opcode o) {
    const OpcodeInfo& in = info(o);
    const std::string_view name = in.name;
    const char t = in.results.empty() ? 0 : in.results[0];
    const bool f32x4 = name.substr(0, 6) == "f32x4.", f64x2 = name.substr(0, 6) == "f64x2.";
    if (t == 'v' && !f32x4 && !f64x2) return;
    if (t != 'f' && t != 'F' && t != 'v') return;
    for (std::string_view cmp : {"eq", "ne", "lt", "gt", "le", "ge"})
      if ((f32x4 || f64x2) && name.substr(6) == cmp) return;
    const uint32_t budget = budget_;
    const uint32_t scratch = scratch_ + (t == 'f' ? 0 : t == 'F' ? 1 : 2);
    op(Opcode::LocalTee);
    put_uleb(code_, scratch);
    auto canonical = [&](Opcode c, uint64_t bits, int bytes, int times) {
      op(c);
      for (int n = 0; n < times; ++n)
        for (int k = 0; k < bytes; ++k) code_.push_back(uint8_t(bits >> (8 * k)));
    };
    if (t == 'f') canonical(Opcode::F32Const, 0x7FC00000u, 4, 1);
    else if (t == 'F') canonical(Opcode::F64Const, 0x7FF8000000000000ull, 8, 1);
    else if (f32x4) canonical(Opcode::V128Const, 0x7FC00000u, 4, 4);
    else canonical(Opcode::V128Const, 0x7FF8000000000000ull, 8, 2);
    for (int k = 0; k < 2; ++k) {
      op(Opcode::LocalGet);
      put_uleb(code_, scratch);
    }
    // (x == x, else NaN) selects x, else the canonical NaN.
    if (t == 'f') op(Opcode::F32Eq);
    else if (t == 'F') op(Opcode::F64Eq);
    else op(f32x4 ? Opcode::F32x4Eq : Opcode::F64x2Eq);
    op(t == 'v' ? Opcode::V128Bitselect : Opcode::Select);
    budget_ = budget;
  }

  void load(char t, uint32_t depth) {
    std::vector<Opcode> fit;
    for (Opcode o : ops().loads)
      if (info(o).results[0] == t) fit.push_back(o);
    if (fit.empty()) return leaf(t);
    address(depth);
    op(fit[in_.below(uint32_t(fit.size()))]);
    memarg();
  }

  bool lane_op(char t, uint32_t depth) {
    std::vector<Opcode> fit;
    for (Opcode o : ops().lane)
      if (info(o).results[0] == t) fit.push_back(o);
    if (fit.empty()) return false;
    const Opcode o = fit[in_.below(uint32_t(fit.size()))];
    const OpcodeInfo& in = info(o);
    const bool mem = in.imm == ImmKind::MemArgLane;
    for (size_t k = 0; k < in.params.size(); ++k) {
      if (mem && k == 0) address(depth);
      else expr(in.params[k], depth + 1);
    }
    op(o);
    if (mem) memarg();
    if (in.imm == ImmKind::Shuffle) {
      for (int k = 0; k < 16; ++k) code_.push_back(uint8_t(in_.below(32)));
    } else {
      code_.push_back(uint8_t(in_.below(lane_count(in.name))));
    }
    return true;
  }

  // A call (direct or through the table) to a function returning exactly t.
  bool call_returning(char t, uint32_t depth) {
    std::vector<uint32_t> fit;
    for (uint32_t f = 0; f < sigs_.size(); ++f)
      if (sigs_[f].results.size() == 1 && sigs_[f].results[0] == t) fit.push_back(f);
    if (fit.empty()) return false;
    call(fit[in_.below(uint32_t(fit.size()))], depth);
    return true;
  }
  void call(uint32_t f, uint32_t depth) {
    for (char p : sigs_[f].params) expr(p, depth + 1);
    if (in_.chance(70)) {
      op(Opcode::Call);
      put_uleb(code_, f);
      return;
    }
    // Through the table: mostly the right slot, sometimes another (a
    // signature mismatch) or one past the end.
    code_.push_back(0x41);
    put_sleb(code_, in_.chance(80) ? f : in_.below(uint32_t(sigs_.size()) + 1));
    op(Opcode::CallIndirect);
    put_uleb(code_, f);  // type index f is function f's signature
    code_.push_back(0x00);
  }

  // Statements: instruction sequences that leave the stack as they found it.
  void statements(uint32_t depth) {
    for (uint32_t n = in_.below(depth >= kMaxDepth ? 2 : 5); n > 0 && budget_ > 0; --n) statement(depth);
  }

  void statement(uint32_t depth) {
    switch (in_.below(14)) {
      case 0:
      case 1: {  // local.set
        const uint32_t l = in_.below(uint32_t(locals_.size()));
        expr(locals_[l], depth + 1);
        op(Opcode::LocalSet);
        put_uleb(code_, l);
        return;
      }
      case 2: {  // global.set
        const uint32_t g = in_.below(4);
        expr("iIfF"[g], depth + 1);
        op(Opcode::GlobalSet);
        put_uleb(code_, g);
        return;
      }
      case 3:
      case 4: return store(depth);
      case 5: return counted_loop(depth);
      case 6: {  // a loop that continues while a condition holds (the step limit ends it)
        op(Opcode::Loop);
        block_type(std::nullopt);
        labels_.push_back({true, std::nullopt});
        statements(depth + 1);
        expr('i', depth + 1);
        op(Opcode::BrIf);
        put_uleb(code_, 0);
        labels_.pop_back();
        op(Opcode::End);
        return;
      }
      case 7: {  // if / else
        expr('i', depth + 1);
        op(Opcode::If);
        block_type(std::nullopt);
        labels_.push_back({false, std::nullopt});
        statements(depth + 1);
        if (in_.chance(50)) {
          op(Opcode::Else);
          statements(depth + 1);
        }
        labels_.pop_back();
        op(Opcode::End);
        return;
      }
      case 8: return branch_if(depth);
      case 9: return branch_table(depth);
      case 10: {  // drop a value
        expr(random_type(), depth + 1);
        op(Opcode::Drop);
        return;
      }
      case 11: {  // call and drop its results
        const uint32_t f = in_.below(uint32_t(sigs_.size()));
        call(f, depth);
        for (size_t k = 0; k < sigs_[f].results.size(); ++k) op(Opcode::Drop);
        return;
      }
      case 12: return update_in_place(depth);
      default: {  // return, under a condition
        expr('i', depth + 1);
        op(Opcode::If);
        block_type(std::nullopt);
        labels_.push_back({false, std::nullopt});
        for (char t : results_) expr(t, depth + 1);
        op(Opcode::Return);
        labels_.pop_back();
        op(Opcode::End);
        return;
      }
    }
  }

  // A load, an operation on its value and a store of the result to the
  // same address (the same local, or the same constant, and offset),
  // mostly at the load's width: `p->n += v`, `freq[c]++`, which the
  // x86-64 JIT makes one read-modify-write of memory. A local's value is
  // used as it is (past the end: a trap) or masked (then the two
  // addresses are separate temporaries, which the JIT leaves apart).
  void update_in_place(uint32_t depth) {
    struct Shape {
      Opcode load, store;
      char t;
    };
    static constexpr Shape kShapes[] = {
        {Opcode::I32Load, Opcode::I32Store, 'i'},         {Opcode::I32Load8U, Opcode::I32Store8, 'i'},
        {Opcode::I32Load8S, Opcode::I32Store8, 'i'},      {Opcode::I32Load16U, Opcode::I32Store16, 'i'},
        {Opcode::I32Load16S, Opcode::I32Store16, 'i'},    {Opcode::I64Load, Opcode::I64Store, 'I'},
        {Opcode::I64Load32U, Opcode::I64Store32, 'I'},    {Opcode::I64Load8S, Opcode::I64Store8, 'I'},
        {Opcode::I32Load8U, Opcode::I32Store, 'i'},  // (another width: stays a load and a store)
    };
    static constexpr Opcode kOps32[] = {Opcode::I32Add, Opcode::I32Sub, Opcode::I32And,
                                        Opcode::I32Or,  Opcode::I32Xor, Opcode::I32Mul};
    static constexpr Opcode kOps64[] = {Opcode::I64Add, Opcode::I64Sub, Opcode::I64And,
                                        Opcode::I64Or,  Opcode::I64Xor, Opcode::I64Mul};
    const Shape& shape = kShapes[in_.below(std::size(kShapes))];
    const std::optional<uint32_t> l = local_of('i');
    const bool from_local = l && in_.chance(50);
    const bool masked = from_local && in_.chance(50);
    const uint32_t at = in_.below(4096);
    auto address = [&] {
      if (from_local) {
        op(Opcode::LocalGet);
        put_uleb(code_, *l);
        if (masked) {
          code_.push_back(0x41);
          put_sleb(code_, 0xFFF);
          op(Opcode::I32And);
        }
      } else {
        code_.push_back(0x41);
        put_sleb(code_, at);
      }
    };
    const uint32_t offset = in_.below(5) * 4;
    address();
    address();
    op(shape.load);
    code_.push_back(0x00);
    put_uleb(code_, offset);
    expr(shape.t, depth + 1);
    op(shape.t == 'i' ? kOps32[in_.below(std::size(kOps32))] : kOps64[in_.below(std::size(kOps64))]);
    op(shape.store);
    code_.push_back(0x00);
    put_uleb(code_, in_.chance(90) ? offset : offset + 4);
  }

  void store(uint32_t depth) {
    const auto& all = in_.chance(10) && !ops().lane_stores.empty() ? ops().lane_stores : ops().stores;
    const Opcode o = all[in_.below(uint32_t(all.size()))];
    const OpcodeInfo& in = info(o);
    address(depth);
    expr(in.params[1], depth + 1);
    op(o);
    memarg();
    if (in.imm == ImmKind::MemArgLane) code_.push_back(uint8_t(in_.below(lane_count(in.name))));
  }

  // for (c = 0; c < n; c += step) { ... }, the shape of compiled C loops.
  void counted_loop(uint32_t depth) {
    const uint32_t c = uint32_t(locals_.size() - 1);  // the counter local
    code_.push_back(0x41);
    put_sleb(code_, 0);
    op(Opcode::LocalSet);
    put_uleb(code_, c);
    op(Opcode::Loop);
    block_type(std::nullopt);
    labels_.push_back({true, std::nullopt});
    statements(depth + 1);
    op(Opcode::LocalGet);
    put_uleb(code_, c);
    code_.push_back(0x41);
    put_sleb(code_, 1 + in_.below(4));
    op(Opcode::I32Add);
    op(Opcode::LocalTee);
    put_uleb(code_, c);
    code_.push_back(0x41);
    put_sleb(code_, in_.below(40));
    op(in_.chance(70) ? Opcode::I32LtU : Opcode::I32LtS);
    op(Opcode::BrIf);
    put_uleb(code_, 0);
    labels_.pop_back();
    op(Opcode::End);
  }

  void branch_if(uint32_t depth) {
    const uint32_t l = in_.below(uint32_t(labels_.size()));
    const Label target = labels_[labels_.size() - 1 - l];  // a copy: expr() may grow labels_
    if (target.loop && in_.chance(70)) return;  // keep loops from looping back at random
    const bool func_label = l == labels_.size() - 1;
    if (func_label) {  // a branch to the function body carries its results
      for (char t : results_) expr(t, depth + 1);
    } else if (target.arity()) {
      expr(*target.result, depth + 1);
    }
    expr('i', depth + 1);
    op(Opcode::BrIf);
    put_uleb(code_, l);
    const size_t left = func_label ? results_.size() : target.arity();
    for (size_t k = 0; k < left; ++k) op(Opcode::Drop);
  }

  // block ... br_table over labels that carry no value ... end
  void branch_table(uint32_t depth) {
    op(Opcode::Block);
    block_type(std::nullopt);
    labels_.push_back({false, std::nullopt});
    statements(depth + 1);
    std::vector<uint32_t> targets;
    for (uint32_t l = 0; l + 1 < labels_.size(); ++l)  // not the function label (it may carry results)
      if (labels_[labels_.size() - 1 - l].arity() == 0 && !labels_[labels_.size() - 1 - l].loop) targets.push_back(l);
    expr('i', depth + 1);
    if (in_.chance(30)) {  // a switch on values from k up: x - k (the x86-64 JIT pads the table instead)
      code_.push_back(0x41);
      put_sleb(code_, in_.chance(50) ? -int32_t(1 + in_.below(17)) : int32_t(1 + in_.below(17)));
      op(in_.chance(50) ? Opcode::I32Add : Opcode::I32Sub);
    }
    op(Opcode::BrTable);
    const uint32_t n = in_.below(4);
    put_uleb(code_, n);
    for (uint32_t k = 0; k <= n; ++k) put_uleb(code_, targets[in_.below(uint32_t(targets.size()))]);
    labels_.pop_back();
    op(Opcode::End);
  }

  ByteSource& in_;
  std::vector<FuncSig> sigs_;
  std::vector<char> locals_, results_;
  uint32_t scratch_ = 0;  // the first of the f32, f64 and v128 scratch locals (canonicalize_nans)
  std::vector<Label> labels_;
  std::vector<uint8_t> code_;
  uint32_t budget_ = 0;
};

}  // namespace

GeneratedModule generate_module(ByteSource& in) { return Generator(in).run(); }

}  // namespace mywasm::fuzz
