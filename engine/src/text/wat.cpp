// WAT module encoder. Three passes over the module's fields:
//   A. explicit type definitions (type uses elsewhere look them up);
//   B. every other definition gets its index and name, inline
//      import/export abbreviations are expanded, function type uses are
//      resolved (appending implicit types in order of appearance);
//   C. bodies, initialisers, segments and exports are encoded, now that
//      every name in every index space is known.
// Type errors are not detected here: the binary goes through the validator.
#include "text/wat.hpp"

#include <algorithm>

#include <array>
#include <optional>
#include <string>
#include <unordered_map>

#include "leb.hpp"
#include "opcode.hpp"

namespace mywasm::text {
namespace {

using Bytes = std::vector<uint8_t>;

void put_fixed(Bytes& out, uint64_t bits, unsigned bytes) {
  for (unsigned k = 0; k < bytes; ++k) out.push_back(static_cast<uint8_t>(bits >> (8 * k)));
}

void put_name(Bytes& out, std::string_view s) {
  put_uleb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

enum Space : uint8_t { kType, kFunc, kTable, kMemory, kGlobal, kElem, kData, kSpaceCount };
constexpr std::array<const char*, kSpaceCount> kSpaceNames = {"type",   "func", "table", "memory",
                                                              "global", "elem", "data"};

struct IndexSpace {
  std::unordered_map<std::string, uint32_t> names;
  uint32_t count = 0;
  uint32_t imported = 0;
};

std::optional<ValType> valtype_of(const SExpr& e) {
  if (!e.is_atom()) return std::nullopt;
  const std::string& t = e.text;
  if (t == "i32") return ValType::I32;
  if (t == "i64") return ValType::I64;
  if (t == "f32") return ValType::F32;
  if (t == "f64") return ValType::F64;
  if (t == "v128") return ValType::V128;
  if (t == "funcref") return ValType::FuncRef;
  if (t == "externref") return ValType::ExternRef;
  return std::nullopt;
}

ValType expect_valtype(const SExpr& e) {
  if (auto t = valtype_of(e)) return *t;
  e.fail("unexpected token");
}

ValType expect_reftype(const SExpr& e) {
  auto t = valtype_of(e);
  if (!t || !is_ref(*t)) e.fail("unexpected token");
  return *t;
}

bool is_index_token(const SExpr& e) {
  return e.is_id() || (e.is_atom() && !e.text.empty() && e.text[0] >= '0' && e.text[0] <= '9');
}

uint32_t parse_u32(const SExpr& e) {
  if (!e.is_atom()) e.fail("unexpected token");
  uint64_t v;
  if (const char* err = parse_nat(e.text, 32, v)) e.fail(err);
  return static_cast<uint32_t>(v);
}

// Natural alignment (bytes) of a load/store from its mnemonic:
// "i64.load32_u" -> 4, "v128.load8x8_s" -> 8, "f64.store" -> 8.
uint32_t natural_alignment(std::string_view name) {
  size_t dot = name.find('.');
  std::string_view type = name.substr(0, dot), rest = name.substr(dot + 1);
  for (std::string_view verb : {"load", "store"})
    if (rest.starts_with(verb)) rest.remove_prefix(verb.size());
  uint32_t bits = 0;
  size_t k = 0;
  while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') bits = bits * 10 + (rest[k++] - '0');
  if (bits) {
    if (k < rest.size() && rest[k] == 'x') {  // v128.loadNxM
      uint32_t lanes = 0;
      for (++k; k < rest.size() && rest[k] >= '0' && rest[k] <= '9'; ++k) lanes = lanes * 10 + (rest[k] - '0');
      bits *= lanes;
    }
    return bits / 8;
  }
  if (type == "v128") return 16;
  return type == "i64" || type == "f64" ? 8 : 4;
}

// A list's items consumed left to right.
struct Cursor {
  const SExpr& list;
  size_t pos;
  bool done() const { return pos >= list.items.size(); }
  const SExpr& peek() const { return list.items[pos]; }
  const SExpr& next() {
    if (done()) list.fail("unexpected token");
    return list.items[pos++];
  }
  bool at_list(std::string_view head) const { return !done() && peek().is_list(head); }
  bool at_atom(std::string_view kw) const { return !done() && peek().is_atom(kw); }
  std::optional<std::string> take_id() {
    if (!done() && peek().is_id()) return list.items[pos++].text;
    return std::nullopt;
  }
};

struct TypeUse {
  std::optional<uint32_t> index;
  FuncType inline_type;
  bool has_inline = false;
  std::vector<std::optional<std::string>> param_names;
};

struct FuncDef {
  const SExpr* node;
  size_t body;  // first item after the type use
  uint32_t type;
  std::vector<std::optional<std::string>> param_names;
};

struct GlobalDef {
  Bytes type;
  const SExpr* node;
  size_t init;
};

// An element segment: a field (elem ...) or a table's inline (elem ...).
struct ElemDef {
  const SExpr* node = nullptr;       // the (elem ...) field
  const SExpr* inline_list = nullptr;  // table abbreviation: the (elem ...) list
  uint32_t inline_table = 0;
  ValType inline_type = ValType::FuncRef;
};

struct DataDef {
  const SExpr* node = nullptr;         // the (data ...) field
  const SExpr* inline_list = nullptr;  // memory abbreviation: the (data ...) list
  uint32_t inline_memory = 0;
};

struct ExportDef {
  std::string name;
  uint8_t kind;
  std::optional<uint32_t> index;
  const SExpr* ref = nullptr;  // unresolved (export "n" (kind ref))
};

struct Import {
  std::string module, name;
  uint8_t kind;
  Bytes desc;
};

// Per-function state while encoding instructions.
struct BodyCtx {
  std::unordered_map<std::string, uint32_t> locals;
  std::vector<std::optional<std::string>> labels;  // innermost last
};

class ModuleEncoder {
 public:
  Bytes encode(const std::vector<SExpr>& fields, size_t first, bool debug_names) {
    for (size_t k = first; k < fields.size(); ++k) {
      const SExpr& f = fields[k];
      if (!f.is_list() || f.head().empty()) f.fail("unexpected token");
      if (f.head() == "type") define_type(f);
    }
    for (size_t k = first; k < fields.size(); ++k) declare_field(fields[k]);
    Bytes out = emit();
    if (debug_names) append_name_section(out, first > 0 && fields[first - 1].is_id() ? fields[first - 1].text : "");
    return out;
  }

 private:
  // ---- names and indices ----------------------------------------------
  uint32_t add_index(Space s, const std::optional<std::string>& id, const SExpr& where) {
    IndexSpace& sp = spaces_[s];
    if (id && !sp.names.emplace(*id, sp.count).second)
      where.fail(std::string("duplicate ") + kSpaceNames[s]);
    return sp.count++;
  }

  uint32_t add_import_index(Space s, const std::optional<std::string>& id, const SExpr& where) {
    // Imports precede every function, table, memory and global definition.
    static constexpr const char* kDefinitionNames[] = {"type", "function", "table", "memory", "global"};
    if (first_definition_) where.fail(std::string("import after ") + kDefinitionNames[*first_definition_]);
    ++spaces_[s].imported;
    return add_index(s, id, where);
  }

  uint32_t add_definition_index(Space s, const std::optional<std::string>& id, const SExpr& where) {
    if (!first_definition_) first_definition_ = s;
    return add_index(s, id, where);
  }

  uint32_t resolve(Space s, const SExpr& e) {
    if (e.is_id()) {
      auto it = spaces_[s].names.find(e.text);
      if (it == spaces_[s].names.end()) e.fail(std::string("unknown ") + kSpaceNames[s]);
      return it->second;
    }
    return parse_u32(e);
  }

  // ---- types ----------------------------------------------------------
  void parse_params_results(Cursor& c, FuncType& type, std::vector<std::optional<std::string>>* names,
                            bool& any) {
    while (c.at_list("param")) {
      any = true;
      Cursor p{c.next(), 1};
      if (auto id = p.take_id()) {
        type.params.push_back(expect_valtype(p.next()));
        if (names) names->push_back(id);
        if (!p.done()) p.peek().fail("unexpected token");
        continue;
      }
      while (!p.done()) {
        type.params.push_back(expect_valtype(p.next()));
        if (names) names->push_back(std::nullopt);
      }
    }
    while (c.at_list("result")) {
      any = true;
      Cursor r{c.next(), 1};
      while (!r.done()) type.results.push_back(expect_valtype(r.next()));
    }
    if (c.at_list("param") || c.at_list("type")) c.peek().fail("unexpected token");  // out of order
  }

  void define_type(const SExpr& f) {
    Cursor c{f, 1};
    auto id = c.take_id();
    const SExpr& fn = c.next();
    if (!fn.is_list("func")) fn.fail("unexpected token");
    Cursor fc{fn, 1};
    FuncType type;
    bool any = false;
    parse_params_results(fc, type, nullptr, any);
    if (!fc.done()) fc.peek().fail("unexpected token");
    if (!c.done()) c.peek().fail("unexpected token");
    add_index(kType, id, f);
    types_.push_back(std::move(type));
  }

  TypeUse parse_typeuse(Cursor& c) {
    TypeUse use;
    if (c.at_list("type")) {
      const SExpr& t = c.next();
      if (t.items.size() != 2) t.fail("unexpected token");
      use.index = resolve(kType, t.items[1]);
    }
    parse_params_results(c, use.inline_type, &use.param_names, use.has_inline);
    return use;
  }

  uint32_t find_or_add_type(const FuncType& type) {
    for (uint32_t k = 0; k < types_.size(); ++k)
      if (types_[k] == type) return k;
    types_.push_back(type);
    return spaces_[kType].count++;
  }

  // Resolves a type use to an index; fills param_names to the param count.
  uint32_t resolve_typeuse(TypeUse& use, const SExpr& where) {
    if (!use.index) return find_or_add_type(use.inline_type);
    uint32_t idx = *use.index;
    if (idx < types_.size()) {
      const FuncType& t = types_[idx];
      if (use.has_inline && !(t == use.inline_type)) where.fail("inline function type");
      if (!use.has_inline) use.param_names.assign(t.params.size(), std::nullopt);
    } else if (use.has_inline) {
      where.fail("unknown type");
    }
    return idx;
  }

  // ---- module fields (pass B) -----------------------------------------
  void collect_inline_exports(Cursor& c, std::vector<std::string>& names) {
    while (c.at_list("export")) {
      const SExpr& e = c.next();
      if (e.items.size() != 2 || !e.items[1].is_string()) e.fail("unexpected token");
      check_name(e.items[1]);
      names.push_back(e.items[1].text);
    }
  }

  // (import "m" "n") inside a definition; returns true if present.
  bool take_inline_import(Cursor& c, std::string& module, std::string& name) {
    if (!c.at_list("import")) return false;
    const SExpr& i = c.next();
    if (i.items.size() != 3 || !i.items[1].is_string() || !i.items[2].is_string())
      i.fail("unexpected token");
    module = i.items[1].text;
    name = i.items[2].text;
    check_name(i.items[1]);
    check_name(i.items[2]);
    return true;
  }

  static void check_name(const SExpr& s) {
    if (!is_valid_utf8(s.text)) s.fail("malformed UTF-8 encoding");
  }

  void add_exports(const std::vector<std::string>& names, uint8_t kind, uint32_t index) {
    for (const auto& n : names) exports_.push_back(ExportDef{n, kind, index, nullptr});
  }

  static uint32_t parse_limit(const SExpr& e) {
    if (!e.is_atom()) e.fail("unexpected token");
    uint64_t v;
    if (const char* err = parse_nat(e.text, 32, v))
      e.fail(std::string(err) == "constant out of range" ? "i32 constant out of range" : err);
    return static_cast<uint32_t>(v);
  }

  Bytes parse_limits(Cursor& c) {
    Bytes out;
    uint32_t min = parse_limit(c.next());
    if (!c.done() && c.peek().is_atom() && is_index_token(c.peek())) {
      uint32_t max = parse_limit(c.next());
      out.push_back(0x01);
      put_uleb(out, min);
      put_uleb(out, max);
    } else {
      out.push_back(0x00);
      put_uleb(out, min);
    }
    return out;
  }

  Bytes parse_tabletype(Cursor& c) {
    Bytes limits = parse_limits(c);
    Bytes out{static_cast<uint8_t>(expect_reftype(c.next()))};
    append(out, limits);
    return out;
  }

  Bytes parse_globaltype(Cursor& c) {
    const SExpr& t = c.next();
    if (t.is_list("mut")) {
      if (t.items.size() != 2) t.fail("unexpected token");
      return Bytes{static_cast<uint8_t>(expect_valtype(t.items[1])), 0x01};
    }
    return Bytes{static_cast<uint8_t>(expect_valtype(t)), 0x00};
  }

  void declare_field(const SExpr& f) {
    std::string_view head = f.head();
    if (head == "type") return;
    if (head == "import") return declare_import(f);
    if (head == "func") return declare_func(f);
    if (head == "table") return declare_table(f);
    if (head == "memory") return declare_memory(f);
    if (head == "global") return declare_global(f);
    if (head == "export") {
      if (f.items.size() != 3 || !f.items[1].is_string() || !f.items[2].is_list())
        f.fail("unexpected token");
      check_name(f.items[1]);
      const SExpr& d = f.items[2];
      static const std::array<std::string_view, 4> kinds = {"func", "table", "memory", "global"};
      for (uint8_t k = 0; k < 4; ++k)
        if (d.head() == kinds[k]) {
          if (d.items.size() != 2) d.fail("unexpected token");
          exports_.push_back(ExportDef{f.items[1].text, k, std::nullopt, &d.items[1]});
          return;
        }
      d.fail("unexpected token");
    }
    if (head == "start") {
      if (start_) f.fail("multiple start sections");
      if (f.items.size() != 2) f.fail("unexpected token");
      start_ = &f.items[1];
      return;
    }
    if (head == "elem") {
      Cursor c{f, 1};
      add_index(kElem, c.take_id(), f);
      elems_.push_back(ElemDef{&f});
      return;
    }
    if (head == "data") {
      Cursor c{f, 1};
      add_index(kData, c.take_id(), f);
      datas_.push_back(DataDef{&f});
      return;
    }
    f.fail("unexpected token");
  }

  void declare_import(const SExpr& f) {
    if (f.items.size() != 4 || !f.items[1].is_string() || !f.items[2].is_string() ||
        !f.items[3].is_list())
      f.fail("unexpected token");
    check_name(f.items[1]);
    check_name(f.items[2]);
    const SExpr& d = f.items[3];
    Cursor c{d, 1};
    auto id = c.take_id();
    Import imp{f.items[1].text, f.items[2].text, 0, {}};
    std::string_view kind = d.head();
    if (kind == "func") {
      add_import_index(kFunc, id, d);
      TypeUse use = parse_typeuse(c);
      uint32_t type = resolve_typeuse(use, d);
      imp.kind = 0;
      put_uleb(imp.desc, type);
    } else if (kind == "table") {
      add_import_index(kTable, id, d);
      imp.kind = 1;
      imp.desc = parse_tabletype(c);
    } else if (kind == "memory") {
      add_import_index(kMemory, id, d);
      imp.kind = 2;
      imp.desc = parse_limits(c);
    } else if (kind == "global") {
      add_import_index(kGlobal, id, d);
      imp.kind = 3;
      imp.desc = parse_globaltype(c);
    } else {
      d.fail("unexpected token");
    }
    if (!c.done()) c.peek().fail("unexpected token");
    imports_.push_back(std::move(imp));
  }

  // The shape func, table, memory and global fields share: an optional id,
  // inline exports, then either an inline import (`import_desc` parses the
  // import's descriptor) or a definition (`define` parses the rest, given the
  // new index).
  template <class ImportDesc, class Define>
  void declare_entity(const SExpr& f, uint8_t kind, Space space, ImportDesc import_desc, Define define) {
    Cursor c{f, 1};
    auto id = c.take_id();
    std::vector<std::string> exports;
    collect_inline_exports(c, exports);
    Import imp{{}, {}, kind, {}};
    uint32_t index;
    if (take_inline_import(c, imp.module, imp.name)) {
      index = add_import_index(space, id, f);
      imp.desc = import_desc(c);
      if (!c.done()) c.peek().fail("unexpected token");
      imports_.push_back(std::move(imp));
    } else {
      index = add_definition_index(space, id, f);
      define(c, index);
    }
    add_exports(exports, kind, index);
  }

  void declare_func(const SExpr& f) {
    declare_entity(
        f, 0, kFunc,
        [&](Cursor& c) {
          TypeUse use = parse_typeuse(c);
          Bytes desc;
          put_uleb(desc, resolve_typeuse(use, f));
          return desc;
        },
        [&](Cursor& c, uint32_t) {
          TypeUse use = parse_typeuse(c);
          uint32_t type = resolve_typeuse(use, f);
          prescan_typeuses(f, c.pos);
          funcs_.push_back(FuncDef{&f, c.pos, type, std::move(use.param_names)});
        });
  }

  void declare_table(const SExpr& f) {
    declare_entity(f, 1, kTable, [&](Cursor& c) { return parse_tabletype(c); },
                   [&](Cursor& c, uint32_t index) {
                     if (!c.done() && valtype_of(c.peek())) {  // reftype (elem ...)
                       ValType type = expect_reftype(c.next());
                       const SExpr& elem = c.next();
                       if (!elem.is_list("elem")) elem.fail("unexpected token");
                       uint32_t n = static_cast<uint32_t>(elem.items.size() - 1);
                       Bytes t{static_cast<uint8_t>(type), 0x01};
                       put_uleb(t, n);
                       put_uleb(t, n);
                       tables_.push_back(std::move(t));
                       add_index(kElem, std::nullopt, f);
                       elems_.push_back(ElemDef{nullptr, &elem, index, type});
                     } else {
                       tables_.push_back(parse_tabletype(c));
                     }
                     if (!c.done()) c.peek().fail("unexpected token");
                   });
  }

  void declare_memory(const SExpr& f) {
    declare_entity(f, 2, kMemory, [&](Cursor& c) { return parse_limits(c); },
                   [&](Cursor& c, uint32_t index) {
                     if (c.at_list("data")) {  // (data ...): limits from its size
                       const SExpr& data = c.next();
                       uint64_t size = 0;
                       for (size_t k = 1; k < data.items.size(); ++k) {
                         if (!data.items[k].is_string()) data.items[k].fail("unexpected token");
                         size += data.items[k].text.size();
                       }
                       uint64_t pages = (size + kPageSize - 1) / kPageSize;
                       Bytes m{0x01};
                       put_uleb(m, pages);
                       put_uleb(m, pages);
                       memories_.push_back(std::move(m));
                       add_index(kData, std::nullopt, f);
                       datas_.push_back(DataDef{nullptr, &data, index});
                     } else {
                       memories_.push_back(parse_limits(c));
                     }
                     if (!c.done()) c.peek().fail("unexpected token");
                   });
  }

  void declare_global(const SExpr& f) {
    declare_entity(f, 3, kGlobal, [&](Cursor& c) { return parse_globaltype(c); },
                   [&](Cursor& c, uint32_t) {
                     Bytes type = parse_globaltype(c);
                     globals_.push_back(GlobalDef{std::move(type), &f, c.pos});
                   });
  }

  // ---- instructions (pass C) ------------------------------------------
  uint32_t resolve_label(const SExpr& e, const BodyCtx& ctx) {
    if (e.is_id()) {
      for (size_t k = ctx.labels.size(); k-- > 0;)
        if (ctx.labels[k] == e.text) return static_cast<uint32_t>(ctx.labels.size() - 1 - k);
      e.fail("unknown label");
    }
    return parse_u32(e);
  }

  uint32_t resolve_local(const SExpr& e, const BodyCtx& ctx) {
    if (e.is_id()) {
      auto it = ctx.locals.find(e.text);
      if (it == ctx.locals.end()) e.fail("unknown local");
      return it->second;
    }
    return parse_u32(e);
  }

  static const SExpr& take(const std::vector<SExpr>& v, size_t& i, const SExpr& op) {
    if (i >= v.size()) op.fail("unexpected token");
    return v[i++];
  }

  // Block type after "block"/"loop"/"if" (and a label).
  void encode_blocktype(const SExpr& parent, size_t& i, Bytes& out) {
    Cursor c{parent, i};
    TypeUse use = parse_typeuse(c);
    i = c.pos;
    if (!use.param_names.empty())
      for (const auto& n : use.param_names)
        if (n) parent.fail("unexpected token");
    const FuncType* type = &use.inline_type;
    if (use.index) {
      uint32_t idx = resolve_typeuse(use, parent);
      if (idx >= types_.size()) return put_sleb(out, idx);  // the validator reports it
      type = &types_[idx];
    }
    // Like wat2wasm: a type without params and at most one result is
    // written inline, even when given as (type $t).
    if (type->params.empty() && type->results.size() <= 1) {
      out.push_back(type->results.empty() ? 0x40 : static_cast<uint8_t>(type->results[0]));
      return;
    }
    put_sleb(out, resolve_typeuse(use, parent));
  }

  // Pass B helper: registers the implicit types of block types and
  // call_indirect type uses in a function body, so that implicit types are
  // numbered in order of appearance in the text (as the spec and wat2wasm do).
  void prescan_typeuses(const SExpr& list, size_t from) {
    const auto& v = list.items;
    for (size_t i = from; i < v.size(); ++i) {
      const SExpr& e = v[i];
      if (e.is_atom("block") || e.is_atom("loop") || e.is_atom("if")) {
        register_implicit_type(list, i + 1, false);
      } else if (e.is_atom("call_indirect")) {
        register_implicit_type(list, i + 1, true);
      } else if (e.is_list()) {
        std::string_view h = e.head();
        if (h == "block" || h == "loop" || h == "if") register_implicit_type(e, 1, false);
        if (h == "call_indirect") register_implicit_type(e, 1, true);
        prescan_typeuses(e, 1);
      }
    }
  }

  // The type use at list.items[i], after a block label or a call_indirect
  // table index. Block types that are written inline need no type entry.
  void register_implicit_type(const SExpr& list, size_t i, bool call_indirect) {
    const auto& v = list.items;
    if (i < v.size() && (v[i].is_id() || (call_indirect && is_index_token(v[i])))) ++i;
    Cursor c{list, i};
    TypeUse use = parse_typeuse(c);
    if (use.index) return;
    const FuncType& t = use.inline_type;
    if (!call_indirect && t.params.empty() && t.results.size() <= 1) return;
    find_or_add_type(t);
  }

  // A sequence of flat and folded instructions; stops at the end of the
  // list or before a flat "end"/"else".
  void encode_seq(const SExpr& parent, size_t& i, Bytes& out, BodyCtx& ctx) {
    const auto& v = parent.items;
    while (i < v.size()) {
      const SExpr& e = v[i];
      if (e.is_list()) {
        encode_folded(e, out, ctx);
        ++i;
      } else if (e.is_atom("end") || e.is_atom("else")) {
        return;
      } else if (e.is_atom()) {
        encode_flat(parent, i, out, ctx);
      } else {
        e.fail("unexpected token");
      }
    }
  }

  // Flat blocks nest without nesting S-expressions, so the encoder bounds
  // the depth itself (hostile input must not exhaust the native stack).
  static void push_label(BodyCtx& ctx, const std::optional<std::string>& label, const SExpr& where) {
    if (ctx.labels.size() >= 10000) where.fail("nesting too deep");
    ctx.labels.push_back(label);
  }

  // Label after "end"/"else" must repeat the block's label.
  static void check_end_label(const std::vector<SExpr>& v, size_t& i, const std::optional<std::string>& label) {
    if (i < v.size() && v[i].is_id()) {
      if (!label || *label != v[i].text) v[i].fail("mismatching label");
      ++i;
    }
  }

  // wat2wasm drops the "else" opcode of an empty else branch.
  void encode_else_branch(const SExpr& parent, size_t& i, Bytes& out, BodyCtx& ctx) {
    Bytes branch;
    encode_seq(parent, i, branch, ctx);
    if (branch.empty()) return;
    out.push_back(0x05);
    append(out, branch);
  }

  void encode_flat(const SExpr& parent, size_t& i, Bytes& out, BodyCtx& ctx) {
    const auto& v = parent.items;
    const SExpr& op_tok = v[i++];
    const std::string& name = op_tok.text;
    if (name == "block" || name == "loop" || name == "if") {
      out.push_back(name == "block" ? 0x02 : name == "loop" ? 0x03 : 0x04);
      std::optional<std::string> label;
      if (i < v.size() && v[i].is_id()) label = v[i++].text;
      encode_blocktype(parent, i, out);
      push_label(ctx, label, op_tok);
      encode_seq(parent, i, out, ctx);
      if (name == "if" && i < v.size() && v[i].is_atom("else")) {
        ++i;
        check_end_label(v, i, label);
        encode_else_branch(parent, i, out, ctx);
      }
      if (i >= v.size() || !v[i].is_atom("end")) op_tok.fail("unexpected end");
      ++i;
      check_end_label(v, i, label);
      ctx.labels.pop_back();
      out.push_back(0x0B);
      return;
    }
    encode_plain(op_tok, parent, i, out, ctx);
  }

  void encode_folded(const SExpr& list, Bytes& out, BodyCtx& ctx) {
    if (list.items.empty() || !list.items[0].is_atom()) list.fail("unexpected token");
    const std::string& name = list.items[0].text;
    size_t i = 1;
    const auto& v = list.items;
    if (name == "block" || name == "loop") {
      out.push_back(name == "block" ? 0x02 : 0x03);
      std::optional<std::string> label;
      if (i < v.size() && v[i].is_id()) label = v[i++].text;
      encode_blocktype(list, i, out);
      push_label(ctx, label, list);
      encode_seq(list, i, out, ctx);
      if (i < v.size()) v[i].fail("unexpected token");
      ctx.labels.pop_back();
      out.push_back(0x0B);
      return;
    }
    if (name == "if") {
      std::optional<std::string> label;
      if (i < v.size() && v[i].is_id()) label = v[i++].text;
      Bytes bt;
      encode_blocktype(list, i, bt);
      while (i < v.size() && v[i].is_list() && !v[i].is_list("then")) encode_folded(v[i++], out, ctx);
      if (i >= v.size() || !v[i].is_list("then")) list.fail("unexpected token");
      out.push_back(0x04);
      append(out, bt);
      push_label(ctx, label, list);
      const SExpr& then = v[i++];
      size_t j = 1;
      encode_seq(then, j, out, ctx);
      if (j < then.items.size()) then.items[j].fail("unexpected token");
      if (i < v.size() && v[i].is_list("else")) {
        const SExpr& els = v[i++];
        size_t k = 1;
        encode_else_branch(els, k, out, ctx);
        if (k < els.items.size()) els.items[k].fail("unexpected token");
      }
      if (i < v.size()) v[i].fail("unexpected token");
      ctx.labels.pop_back();
      out.push_back(0x0B);
      return;
    }
    Bytes op_bytes;
    encode_plain(list.items[0], list, i, op_bytes, ctx);
    for (; i < v.size(); ++i) {
      if (!v[i].is_list()) v[i].fail("unexpected token");
      encode_folded(v[i], out, ctx);
    }
    append(out, op_bytes);
  }

  static void put_opcode(Bytes& out, Opcode op) {
    const OpcodeInfo& in = info(op);
    if (in.prefix) {
      out.push_back(in.prefix);
      put_uleb(out, in.code);
    } else {
      out.push_back(static_cast<uint8_t>(in.code));
    }
  }

  // An instruction other than a structured one: the mnemonic was v[i-1],
  // its immediates are read from v[i..].
  void encode_plain(const SExpr& op_tok, const SExpr& parent, size_t& i, Bytes& out, BodyCtx& ctx) {
    const auto& v = parent.items;
    if (!op_tok.is_atom()) op_tok.fail("unexpected token");
    auto found = opcode_from_name(op_tok.text);
    if (!found) {
      // A field keyword where an instruction belongs, e.g. (local) after code.
      static constexpr std::string_view kNotInstructions[] = {
          "param", "result", "type", "local", "then", "else", "export", "import", "item", "offset"};
      for (auto k : kNotInstructions)
        if (op_tok.text == k) op_tok.fail("unexpected token");
      op_tok.fail("unknown operator");
    }
    Opcode op = *found;
    if (op == Opcode::Select && i < v.size() && v[i].is_list("result")) {
      std::vector<ValType> types;
      while (i < v.size() && v[i].is_list("result")) {
        const SExpr& r = v[i++];
        for (size_t k = 1; k < r.items.size(); ++k) types.push_back(expect_valtype(r.items[k]));
      }
      put_opcode(out, Opcode::SelectT);
      put_uleb(out, types.size());
      for (ValType t : types) out.push_back(static_cast<uint8_t>(t));
      return;
    }
    put_opcode(out, op);
    auto optional_index = [&]() -> const SExpr* {
      if (i < v.size() && is_index_token(v[i])) return &v[i++];
      return nullptr;
    };
    switch (info(op).imm) {
      case ImmKind::None:
        break;
      case ImmKind::BlockType:
        op_tok.fail("unexpected token");
      case ImmKind::Label:
        put_uleb(out, resolve_label(take(v, i, op_tok), ctx));
        break;
      case ImmKind::BrTable: {
        std::vector<uint32_t> labels;
        while (const SExpr* l = optional_index()) labels.push_back(resolve_label(*l, ctx));
        if (labels.empty()) op_tok.fail("unexpected token");
        put_uleb(out, labels.size() - 1);
        for (uint32_t l : labels) put_uleb(out, l);
        break;
      }
      case ImmKind::Func:
        put_uleb(out, resolve(kFunc, take(v, i, op_tok)));
        break;
      case ImmKind::CallIndirect: {
        uint32_t table = 0;
        if (const SExpr* t = optional_index()) table = resolve(kTable, *t);
        Cursor c{parent, i};
        TypeUse use = parse_typeuse(c);
        i = c.pos;
        for (const auto& n : use.param_names)
          if (n) op_tok.fail("unexpected token");
        put_uleb(out, resolve_typeuse(use, op_tok));
        put_uleb(out, table);
        break;
      }
      case ImmKind::SelectT:
        break;
      case ImmKind::Local:
        put_uleb(out, resolve_local(take(v, i, op_tok), ctx));
        break;
      case ImmKind::Global:
        put_uleb(out, resolve(kGlobal, take(v, i, op_tok)));
        break;
      case ImmKind::Table: {
        const SExpr* t = optional_index();
        put_uleb(out, t ? resolve(kTable, *t) : 0);
        break;
      }
      case ImmKind::MemArg:
        encode_memarg(op_tok, v, i, out);
        break;
      case ImmKind::Memory: {
        const SExpr* m = optional_index();
        put_uleb(out, m ? resolve(kMemory, *m) : 0);
        break;
      }
      case ImmKind::I32:
      case ImmKind::I64: {
        const SExpr& n = take(v, i, op_tok);
        if (!n.is_atom()) n.fail("unexpected token");
        unsigned bits = info(op).imm == ImmKind::I32 ? 32 : 64;
        uint64_t value;
        if (const char* err = parse_int(n.text, bits, value)) n.fail(err);
        put_sleb(out, bits == 32 ? int64_t{static_cast<int32_t>(value)} : static_cast<int64_t>(value));
        break;
      }
      case ImmKind::F32:
      case ImmKind::F64: {
        const SExpr& n = take(v, i, op_tok);
        if (!n.is_atom()) n.fail("unexpected token");
        unsigned bits = info(op).imm == ImmKind::F32 ? 32 : 64;
        uint64_t value;
        if (const char* err = parse_float(n.text, bits, value)) n.fail(err);
        put_fixed(out, value, bits / 8);
        break;
      }
      case ImmKind::RefType: {
        const SExpr& t = take(v, i, op_tok);
        if (t.is_atom("func")) out.push_back(0x70);
        else if (t.is_atom("extern")) out.push_back(0x6F);
        else t.fail("unexpected token");
        break;
      }
      case ImmKind::MemoryInit: {
        const SExpr* a = optional_index();
        const SExpr* b = optional_index();
        if (!a) op_tok.fail("unexpected token");
        uint32_t mem = b ? resolve(kMemory, *a) : 0;
        put_uleb(out, resolve(kData, b ? *b : *a));
        put_uleb(out, mem);
        uses_data_count_ = true;
        break;
      }
      case ImmKind::Data:
        put_uleb(out, resolve(kData, take(v, i, op_tok)));
        uses_data_count_ = true;
        break;
      case ImmKind::MemoryCopy: {
        const SExpr* a = optional_index();
        const SExpr* b = a ? optional_index() : nullptr;
        put_uleb(out, a ? resolve(kMemory, *a) : 0);
        put_uleb(out, b ? resolve(kMemory, *b) : 0);
        break;
      }
      case ImmKind::TableInit: {
        const SExpr* a = optional_index();
        const SExpr* b = optional_index();
        if (!a) op_tok.fail("unexpected token");
        uint32_t table = b ? resolve(kTable, *a) : 0;
        put_uleb(out, resolve(kElem, b ? *b : *a));
        put_uleb(out, table);
        break;
      }
      case ImmKind::Elem:
        put_uleb(out, resolve(kElem, take(v, i, op_tok)));
        break;
      case ImmKind::TableCopy: {
        const SExpr* a = optional_index();
        const SExpr* b = a ? optional_index() : nullptr;
        if (a && !b) op_tok.fail("unexpected token");
        put_uleb(out, a ? resolve(kTable, *a) : 0);
        put_uleb(out, b ? resolve(kTable, *b) : 0);
        break;
      }
      case ImmKind::V128:
        encode_v128_const(parent, i, out);
        break;
      case ImmKind::Shuffle:
        encode_shuffle_lanes(op_tok, v, i, out);
        break;
      case ImmKind::Lane:
        out.push_back(parse_lane_index(take(v, i, op_tok)));
        break;
      case ImmKind::MemArgLane:
        encode_memarg(op_tok, v, i, out);
        out.push_back(parse_lane_index(take(v, i, op_tok)));
        break;
    }
  }

  // A numeric literal token (as opposed to a keyword such as the next
  // instruction in flat code).
  static bool is_number_token(const SExpr& e) {
    if (!e.is_atom()) return false;
    std::string_view t = e.text;
    if (t.starts_with('+') || t.starts_with('-')) t.remove_prefix(1);
    return !t.empty() && ((t[0] >= '0' && t[0] <= '9') || t.starts_with("inf") || t.starts_with("nan"));
  }

  // v128.const SHAPE lane*: the lane count is checked before the lanes'
  // values, as in the reference parser.
  static void encode_v128_const(const SExpr& parent, size_t& i, Bytes& out) {
    const auto& v = parent.items;
    if (i < v.size() && v[i].is_atom()) {
      const std::string& shape = v[i].text;
      size_t lanes = shape == "i8x16" ? 16 : shape == "i16x8" ? 8 : shape == "i32x4" || shape == "f32x4" ? 4 : 2;
      size_t n = 0;
      while (i + 1 + n < v.size() && is_number_token(v[i + 1 + n])) ++n;
      // Fewer lanes followed by a non-literal atom: let the lane parser name it.
      bool short_list = n < lanes && (i + 1 + n >= v.size() || !v[i + 1 + n].is_atom());
      if ((n > lanes || short_list) && (shape[0] == 'i' || shape[0] == 'f') && shape.find('x') != std::string::npos) {
        v[i].fail("wrong number of lane literals");
      }
    }
    V128 value = parse_v128(parent, i);
    out.insert(out.end(), std::begin(value.bytes), std::end(value.bytes));
  }

  // A lane immediate is a nat that fits a byte; the validator checks it
  // against the shape's lane count. Signs, floats and non-literals are not
  // lane indices at all.
  static uint8_t parse_lane_index(const SExpr& tok) {
    if (!tok.is_atom() || tok.text.empty() || tok.text[0] < '0' || tok.text[0] > '9') tok.fail("unexpected token");
    uint64_t lane;
    if (const char* err = parse_nat(tok.text, 8, lane)) {
      tok.fail(std::string_view(err) == "constant out of range" ? "malformed lane index" : "unexpected token");
    }
    return static_cast<uint8_t>(lane);
  }

  // i8x16.shuffle takes exactly 16 lane literals (every atom up to the
  // first operand); any of them that is not a byte-sized nat is malformed.
  static void encode_shuffle_lanes(const SExpr& op_tok, const std::vector<SExpr>& v, size_t& i, Bytes& out) {
    size_t first = i;
    while (i < v.size() && is_number_token(v[i])) ++i;
    if (i - first != 16) op_tok.fail("invalid lane length");
    for (size_t k = first; k < i; ++k) {
      uint64_t lane;
      if (parse_nat(v[k].text, 8, lane)) v[k].fail("malformed lane index");
      out.push_back(static_cast<uint8_t>(lane));
    }
  }

  void encode_memarg(const SExpr& op_tok, const std::vector<SExpr>& v, size_t& i, Bytes& out) {
    uint64_t offset = 0;
    uint64_t align = natural_alignment(op_tok.text);
    if (i < v.size() && v[i].is_atom() && v[i].text.starts_with("offset=")) {
      // A sign or other non-nat is not an offset at all; a nat too large is.
      if (const char* err = parse_nat(std::string_view(v[i].text).substr(7), 32, offset)) {
        v[i].fail(std::string_view(err) == "constant out of range" ? "i32 constant" : err);
      }
      ++i;
    }
    if (i < v.size() && v[i].is_atom() && v[i].text.starts_with("align=")) {
      if (const char* err = parse_nat(std::string_view(v[i].text).substr(6), 32, align)) v[i].fail(err);
      if (align == 0 || (align & (align - 1))) v[i].fail("alignment must be a power of two");
      ++i;
    }
    uint32_t log2 = 0;
    while ((uint64_t{1} << log2) < align) ++log2;
    put_uleb(out, log2);
    put_uleb(out, offset);
  }

  // A constant expression: instructions of list items[first..], plus end.
  Bytes encode_expr(const SExpr& list, size_t first) {
    Bytes out;
    BodyCtx ctx;
    size_t i = first;
    encode_seq(list, i, out, ctx);
    if (i < list.items.size()) list.items[i].fail("unexpected token");
    out.push_back(0x0B);
    return out;
  }

  Bytes encode_function(const FuncDef& f) {
    BodyCtx ctx;
    uint32_t n = 0;
    for (const auto& name : f.param_names) {
      if (name && !ctx.locals.emplace(*name, n).second) f.node->fail("duplicate local");
      ++n;
    }
    Cursor c{*f.node, f.body};
    std::vector<ValType> locals;
    while (c.at_list("local")) {
      Cursor l{c.next(), 1};
      if (auto id = l.take_id()) {
        if (!ctx.locals.emplace(*id, n).second) l.list.fail("duplicate local");
        locals.push_back(expect_valtype(l.next()));
        ++n;
        if (!l.done()) l.peek().fail("unexpected token");
        continue;
      }
      while (!l.done()) {
        locals.push_back(expect_valtype(l.next()));
        ++n;
      }
    }
    Bytes body;
    std::vector<std::pair<uint32_t, ValType>> groups;
    for (ValType t : locals) {
      if (!groups.empty() && groups.back().second == t) ++groups.back().first;
      else groups.push_back({1, t});
    }
    put_uleb(body, groups.size());
    for (auto [count, t] : groups) {
      put_uleb(body, count);
      body.push_back(static_cast<uint8_t>(t));
    }
    size_t i = c.pos;
    encode_seq(*f.node, i, body, ctx);
    if (i < f.node->items.size()) f.node->items[i].fail("unexpected token");
    body.push_back(0x0B);
    return body;
  }

  // ---- segments ---------------------------------------------------------
  // Element list items: function indices or expressions.
  struct ElemList {
    bool exprs = false;
    ValType type = ValType::FuncRef;
    std::vector<uint32_t> funcs;
    std::vector<Bytes> items;
  };

  void parse_elem_items(const SExpr& list, size_t i, ElemList& el, bool as_exprs) {
    for (; i < list.items.size(); ++i) {
      const SExpr& e = list.items[i];
      if (!as_exprs) {
        el.funcs.push_back(resolve(kFunc, e));
      } else if (e.is_list("item")) {
        el.items.push_back(encode_expr(e, 1));
      } else if (e.is_list()) {
        Bytes b;
        BodyCtx ctx;
        encode_folded(e, b, ctx);
        b.push_back(0x0B);
        el.items.push_back(std::move(b));
      } else {
        e.fail("unexpected token");
      }
    }
  }

  // wat2wasm writes a funcref list made only of (ref.func x) as indices.
  static void use_index_form_if_possible(ElemList& el) {
    std::vector<uint32_t> funcs;
    for (const Bytes& b : el.items) {
      if (b.size() < 3 || b[0] != 0xD2 || b.back() != 0x0B) return;
      Reader index(b, 1, b.size() - 1);  // (put there by put_uleb: well formed)
      funcs.push_back(index.u32());
      if (!index.eof()) return;
    }
    el.exprs = false;
    el.funcs = std::move(funcs);
  }

  Bytes encode_elem(const ElemDef& d) {
    enum class Mode { Active, Passive, Declare } mode = Mode::Passive;
    uint32_t table = 0;
    Bytes offset;
    ElemList el;
    if (d.inline_list) {
      mode = Mode::Active;
      table = d.inline_table;
      offset = {0x41, 0x00, 0x0B};
      el.type = d.inline_type;
      el.exprs = d.inline_list->items.size() > 1 && d.inline_list->items[1].is_list();
      parse_elem_items(*d.inline_list, 1, el, el.exprs);
    } else {
      const SExpr& f = *d.node;
      Cursor c{f, 1};
      c.take_id();
      if (c.at_atom("declare")) {
        mode = Mode::Declare;
        c.next();
      } else {
        if (c.at_list("table")) {
          const SExpr& t = c.next();
          if (t.items.size() != 2) t.fail("unexpected token");
          table = resolve(kTable, t.items[1]);
          mode = Mode::Active;
          if (c.done() || !c.peek().is_list()) f.fail("unexpected token");
        } else if (!c.done() && is_index_token(c.peek()) && c.pos + 1 < f.items.size() &&
                   f.items[c.pos + 1].is_list()) {
          table = resolve(kTable, c.next());  // legacy (elem 0 (offset ...) ...)
        }
        if (!c.done() && c.peek().is_list()) {
          mode = Mode::Active;
          const SExpr& o = c.next();
          if (o.is_list("offset")) {
            offset = encode_expr(o, 1);
          } else {
            BodyCtx ctx;
            encode_folded(o, offset, ctx);
            offset.push_back(0x0B);
          }
        }
      }
      if (c.at_atom("func")) {
        c.next();
        parse_elem_items(f, c.pos, el, false);
      } else if (!c.done() && valtype_of(c.peek())) {
        el.type = expect_reftype(c.next());
        el.exprs = true;
        parse_elem_items(f, c.pos, el, true);
      } else {
        if (mode != Mode::Active && !c.done()) c.peek().fail("unexpected token");
        parse_elem_items(f, c.pos, el, false);
      }
    }
    if (el.exprs && el.type == ValType::FuncRef) use_index_form_if_possible(el);
    Bytes out;
    size_t count = el.exprs ? el.items.size() : el.funcs.size();
    auto put_items = [&] {
      put_uleb(out, count);
      if (el.exprs)
        for (const auto& b : el.items) append(out, b);
      else
        for (uint32_t fidx : el.funcs) put_uleb(out, fidx);
    };
    uint8_t flags = el.exprs ? 4 : 0;
    if (mode == Mode::Passive) flags |= 1;
    if (mode == Mode::Declare) flags |= 3;
    bool explicit_table = mode == Mode::Active && (table != 0 || (el.exprs && el.type != ValType::FuncRef));
    if (explicit_table) flags |= 2;
    out.push_back(flags);
    if (mode == Mode::Active) {
      if (explicit_table) put_uleb(out, table);
      append(out, offset);
      if (explicit_table) out.push_back(el.exprs ? static_cast<uint8_t>(el.type) : 0x00);
    } else {
      out.push_back(el.exprs ? static_cast<uint8_t>(el.type) : 0x00);
    }
    put_items();
    return out;
  }

  Bytes encode_data(const DataDef& d) {
    Bytes out;
    std::string bytes;
    if (d.inline_list) {
      out.push_back(d.inline_memory ? 0x02 : 0x00);
      if (d.inline_memory) put_uleb(out, d.inline_memory);
      append(out, Bytes{0x41, 0x00, 0x0B});
      for (size_t k = 1; k < d.inline_list->items.size(); ++k) bytes += d.inline_list->items[k].text;
    } else {
      const SExpr& f = *d.node;
      Cursor c{f, 1};
      c.take_id();
      uint32_t memory = 0;
      bool active = false;
      if (c.at_list("memory")) {
        const SExpr& m = c.next();
        if (m.items.size() != 2) m.fail("unexpected token");
        memory = resolve(kMemory, m.items[1]);
        active = true;
        if (c.done() || !c.peek().is_list()) f.fail("unexpected token");
      } else if (!c.done() && is_index_token(c.peek())) {
        memory = resolve(kMemory, c.next());
        active = true;
      }
      Bytes offset;
      if (!c.done() && c.peek().is_list()) {
        active = true;
        const SExpr& o = c.next();
        if (o.is_list("offset")) {
          offset = encode_expr(o, 1);
        } else {
          BodyCtx ctx;
          encode_folded(o, offset, ctx);
          offset.push_back(0x0B);
        }
      } else if (active) {
        f.fail("unexpected token");
      }
      while (!c.done()) {
        const SExpr& s = c.next();
        if (!s.is_string()) s.fail("unexpected token");
        bytes += s.text;
      }
      if (!active) {
        out.push_back(0x01);
      } else {
        out.push_back(memory ? 0x02 : 0x00);
        if (memory) put_uleb(out, memory);
        append(out, offset);
      }
    }
    put_uleb(out, bytes.size());
    out.insert(out.end(), bytes.begin(), bytes.end());
    return out;
  }

  // ---- output -----------------------------------------------------------
  // The "name" custom section: subsection 0 (module name) and 1 (function
  // names, by increasing index). Identifiers lose their leading '$'.
  void append_name_section(Bytes& out, const std::string& module_id) const {
    std::vector<std::pair<uint32_t, std::string_view>> funcs;
    for (const auto& [id, index] : spaces_[kFunc].names) funcs.emplace_back(index, std::string_view(id).substr(1));
    if (funcs.empty() && module_id.empty()) return;
    std::sort(funcs.begin(), funcs.end());
    Bytes content;
    put_name(content, "name");
    if (!module_id.empty()) {
      Bytes sub;
      put_name(sub, std::string_view(module_id).substr(1));
      content.push_back(0);
      put_uleb(content, sub.size());
      append(content, sub);
    }
    if (!funcs.empty()) {
      Bytes sub;
      put_uleb(sub, funcs.size());
      for (const auto& [index, name] : funcs) {
        put_uleb(sub, index);
        put_name(sub, name);
      }
      content.push_back(1);
      put_uleb(content, sub.size());
      append(content, sub);
    }
    section(out, 0, content);
  }

  static void section(Bytes& out, uint8_t id, const Bytes& content) {
    out.push_back(id);
    put_uleb(out, content.size());
    append(out, content);
  }

  template <class T, class F>
  static Bytes vec(const std::vector<T>& items, F&& encode_one) {
    Bytes out;
    put_uleb(out, items.size());
    for (const auto& item : items) encode_one(out, item);
    return out;
  }

  Bytes emit() {
    // Pass C first: encoding bodies may add implicit types.
    std::vector<Bytes> code;
    for (const auto& f : funcs_) code.push_back(encode_function(f));
    std::vector<Bytes> globals;
    for (const auto& g : globals_) {
      Bytes b = g.type;
      append(b, encode_expr(*g.node, g.init));
      globals.push_back(std::move(b));
    }
    std::vector<Bytes> elems, datas;
    for (const auto& e : elems_) elems.push_back(encode_elem(e));
    for (const auto& d : datas_) datas.push_back(encode_data(d));
    static constexpr Space kExportSpaces[] = {kFunc, kTable, kMemory, kGlobal};
    for (auto& e : exports_)
      if (!e.index) e.index = resolve(kExportSpaces[e.kind], *e.ref);

    Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    auto raw = [](Bytes& o, const Bytes& b) { append(o, b); };
    if (!types_.empty())
      section(out, 1, vec(types_, [](Bytes& o, const FuncType& t) {
                o.push_back(0x60);
                put_uleb(o, t.params.size());
                for (ValType p : t.params) o.push_back(static_cast<uint8_t>(p));
                put_uleb(o, t.results.size());
                for (ValType r : t.results) o.push_back(static_cast<uint8_t>(r));
              }));
    if (!imports_.empty())
      section(out, 2, vec(imports_, [](Bytes& o, const Import& i) {
                put_name(o, i.module);
                put_name(o, i.name);
                o.push_back(i.kind);
                append(o, i.desc);
              }));
    if (!funcs_.empty())
      section(out, 3, vec(funcs_, [](Bytes& o, const FuncDef& f) { put_uleb(o, f.type); }));
    if (!tables_.empty()) section(out, 4, vec(tables_, raw));
    if (!memories_.empty()) section(out, 5, vec(memories_, raw));
    if (!globals.empty()) section(out, 6, vec(globals, raw));
    if (!exports_.empty())
      section(out, 7, vec(exports_, [](Bytes& o, const ExportDef& e) {
                put_name(o, e.name);
                o.push_back(e.kind);
                put_uleb(o, *e.index);
              }));
    if (start_) {
      Bytes s;
      put_uleb(s, resolve(kFunc, *start_));
      section(out, 8, s);
    }
    if (!elems.empty()) section(out, 9, vec(elems, raw));
    if (uses_data_count_ && !datas.empty()) {  // as wat2wasm does
      Bytes n;
      put_uleb(n, datas.size());
      section(out, 12, n);
    }
    if (!code.empty())
      section(out, 10, vec(code, [](Bytes& o, const Bytes& body) {
                put_uleb(o, body.size());
                append(o, body);
              }));
    if (!datas.empty()) section(out, 11, vec(datas, raw));
    return out;
  }

  std::array<IndexSpace, kSpaceCount> spaces_;
  std::vector<FuncType> types_;
  std::vector<Import> imports_;
  std::vector<FuncDef> funcs_;
  std::vector<Bytes> tables_, memories_;
  std::vector<GlobalDef> globals_;
  std::vector<ElemDef> elems_;
  std::vector<DataDef> datas_;
  std::vector<ExportDef> exports_;
  const SExpr* start_ = nullptr;
  std::optional<Space> first_definition_;
  bool uses_data_count_ = false;
};

}  // namespace

std::vector<uint8_t> encode_module(const std::vector<SExpr>& items, size_t first, bool debug_names) {
  return ModuleEncoder().encode(items, first, debug_names);
}

}  // namespace mywasm::text
