// Linker: import resolution with exact type checks, and module
// instantiation as the Wasm 2.0 spec orders it (allocate, then apply active
// element and data segments in order, then run the start function).
#include <algorithm>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "interp/interpreter.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/module_impl.hpp"
#include "runtime/populate.hpp"
#include "runtime/store.hpp"
#include "jit.hpp"

namespace mywasm {

void Linker::define(std::string module, std::string name, Extern item) {
  items_.emplace_back(std::move(module), std::move(name), item);
}

void Linker::define_instance(Store& store, std::string module_name, const Instance& instance) {
  for (auto& [name, ext] : instance.exports(store)) define(module_name, name, ext);
}

void Linker::define_func(Store& store, std::string module, std::string name, FuncType type, HostFunc fn) {
  define(std::move(module), std::move(name), Func::host(store, std::move(type), std::move(fn)));
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  // Latest definition wins, so re-registering a name shadows the old one.
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (std::get<0>(*it) == module && std::get<1>(*it) == name) return std::get<2>(*it);
  return std::nullopt;
}

namespace {

Error error(Error::Kind kind, std::string message) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

Error trap_error(Error::Kind kind, Trap trap) {
  Error e = error(kind, trap.message);
  e.trap = std::move(trap);
  return e;
}

Trap make_trap(Trap::Kind kind, std::string message) {
  Trap t;
  t.kind = kind;
  t.message = std::move(message);
  return t;
}

// Limits subtyping (import matching): `actual` fits where `required` is
// expected if it is at least as large and at most as growable.
bool limits_match(const Limits& actual, const Limits& required) {
  if (actual.min < required.min) return false;
  if (!required.max) return true;
  return actual.max && *actual.max <= *required.max;
}

// Whether a handle names an object of store `s` (not another store's, nor
// an address it never gave out).
bool in_store(const StoreImpl& s, const Extern& ext) {
  return std::visit(
      [&](const auto& h) {
        using H = std::decay_t<decltype(h)>;
        size_t count = 0;
        if constexpr (std::is_same_v<H, Func>) count = s.funcs.size();
        else if constexpr (std::is_same_v<H, Table>) count = s.tables.size();
        else if constexpr (std::is_same_v<H, Memory>) count = s.memories.size();
        else count = s.globals.size();
        return h.store_id() == s.id && h.addr() < count;
      },
      ext);
}

bool import_matches(const StoreImpl& s, const ir::Module& m, const ir::Import& imp, const Extern& ext) {
  if (!in_store(s, ext)) return false;
  switch (imp.kind) {
    case ExternKind::Func: {
      auto* f = std::get_if<Func>(&ext);
      return f && *s.funcs[f->addr()]->type == m.types[imp.func_type];
    }
    case ExternKind::Table: {
      auto* t = std::get_if<Table>(&ext);
      if (!t) return false;
      const TableInstance& ti = *s.tables[t->addr()];
      Limits actual{ti.elems.size(), ti.type.limits.max};
      return ti.type.elem == imp.table.elem && limits_match(actual, imp.table.limits);
    }
    case ExternKind::Memory: {
      auto* mem = std::get_if<Memory>(&ext);
      if (!mem) return false;
      const MemoryInstance& mi = *s.memories[mem->addr()];
      Limits actual{mi.size / kPageSize, mi.type.limits.max};
      return limits_match(actual, imp.memory.limits);
    }
    case ExternKind::Global: {
      auto* g = std::get_if<mywasm::Global>(&ext);
      return g && s.globals[g->addr()]->type == imp.global;
    }
  }
  return false;
}

std::string limits_text(const Limits& l) {
  return l.max ? fmt::format("{{{}, {}}}", l.min, *l.max) : fmt::format("{{{}}}", l.min);
}
std::string global_text(const GlobalType& g) {
  return fmt::format("global {}{}", g.mut ? "mut " : "", to_string(g.type));
}

// What an import asks for, in the text format's words: "func [i32] -> []",
// "memory {1, 2}", "table funcref {10}", "global mut i64".
std::string import_type_text(const ir::Module& m, const ir::Import& imp) {
  switch (imp.kind) {
    case ExternKind::Func: return "func " + to_string(m.types[imp.func_type]);
    case ExternKind::Table: return fmt::format("table {} {}", to_string(imp.table.elem), limits_text(imp.table.limits));
    case ExternKind::Memory: return "memory " + limits_text(imp.memory.limits);
    case ExternKind::Global: return global_text(imp.global);
  }
  return "?";
}

// What a definition offers, in the same words (tables and memories at their current size).
std::string extern_type_text(const StoreImpl& s, const Extern& ext) {
  if (!in_store(s, ext)) return "an object of another store";
  if (auto* f = std::get_if<Func>(&ext)) return "func " + to_string(*s.funcs[f->addr()]->type);
  if (auto* t = std::get_if<Table>(&ext)) {
    const TableInstance& ti = *s.tables[t->addr()];
    return fmt::format("table {} {}", to_string(ti.type.elem), limits_text({ti.elems.size(), ti.type.limits.max}));
  }
  if (auto* mem = std::get_if<Memory>(&ext)) {
    const MemoryInstance& mi = *s.memories[mem->addr()];
    return "memory " + limits_text({mi.size / kPageSize, mi.type.limits.max});
  }
  return global_text(s.globals[std::get<mywasm::Global>(ext).addr()]->type);
}

// An unlinkable import: the spec's wording first, then which import and why.
Error import_error(std::string_view what, const ir::Import& imp, std::string detail) {
  Error e = error(Error::Kind::Unlinkable, fmt::format("{}: \"{}\".\"{}\": {}", what, imp.module, imp.name, detail));
  e.offset = imp.offset;
  return e;
}

// Evaluates a constant expression in the context of a partly built
// instance. Wasm 2.0 allows one instruction; the extended-const arithmetic
// is accepted too since it costs nothing.
// The reference to the instance's function `index`.
RefBits func_ref(const StoreImpl& s, const InstanceImpl& inst, uint32_t index) {
  return reinterpret_cast<RefBits>(s.funcs[inst.funcs[index]].get());
}

void eval_const(const StoreImpl& s, const InstanceImpl& inst, const ir::ConstExpr& expr, uint64_t out[2]) {
  uint64_t stack[8][2] = {};
  size_t sp = 0;
  for (const ir::ConstInstr& ci : expr.instrs) {
    if (sp == 8) break;  // cannot happen for validated input
    uint64_t* top = stack[sp];
    top[0] = top[1] = 0;
    switch (ci.op) {
      case Opcode::I32Const:
      case Opcode::F32Const: top[0] = ci.bits & 0xFFFFFFFFu; ++sp; break;
      case Opcode::I64Const:
      case Opcode::F64Const: top[0] = ci.bits; ++sp; break;
      case Opcode::GlobalGet: {
        const GlobalInstance& g = *s.globals[inst.globals[ci.index]];
        top[0] = g.bits[0];
        top[1] = g.bits[1];
        ++sp;
        break;
      }
      case Opcode::V128Const: std::memcpy(top, ci.v128.data(), 16); ++sp; break;
      case Opcode::RefNull: top[0] = kNullRef; ++sp; break;
      case Opcode::RefFunc: top[0] = func_ref(s, inst, ci.index); ++sp; break;
      case Opcode::I32Add: --sp; stack[sp - 1][0] = static_cast<uint32_t>(stack[sp - 1][0] + stack[sp][0]); break;
      case Opcode::I32Sub: --sp; stack[sp - 1][0] = static_cast<uint32_t>(stack[sp - 1][0] - stack[sp][0]); break;
      case Opcode::I32Mul: --sp; stack[sp - 1][0] = static_cast<uint32_t>(stack[sp - 1][0] * stack[sp][0]); break;
      case Opcode::I64Add: --sp; stack[sp - 1][0] += stack[sp][0]; break;
      case Opcode::I64Sub: --sp; stack[sp - 1][0] -= stack[sp][0]; break;
      case Opcode::I64Mul: --sp; stack[sp - 1][0] *= stack[sp][0]; break;
      default: break;  // rejected by the validator
    }
  }
  out[0] = sp ? stack[sp - 1][0] : 0;
  out[1] = sp ? stack[sp - 1][1] : 0;
}

uint32_t eval_offset(const StoreImpl& s, const InstanceImpl& inst, const ir::ConstExpr& expr) {
  uint64_t bits[2];
  eval_const(s, inst, expr, bits);
  return static_cast<uint32_t>(bits[0]);
}

template <class T>
uint32_t push(std::vector<std::unique_ptr<T>>& v, std::unique_ptr<T> item) {
  v.push_back(std::move(item));
  return static_cast<uint32_t>(v.size() - 1);
}

// Tier::Jit compiles a module whole when it is instantiated, as an
// ahead-of-run compiler would: no compile pause at a first call, and a big
// module's functions compiled on every hardware thread. A function the
// compiler cannot take is translated at its first call, as before.
void compile_for_jit_tier(StoreImpl& s, const InstanceImpl& inst, const ir::Module& m) {
  if (s.engine.config().tier != Config::Tier::Jit || !jit::available()) return;
  std::vector<FuncInstance*> funcs;
  funcs.reserve(inst.funcs.size() - m.num_imported_funcs);
  for (size_t i = m.num_imported_funcs; i < inst.funcs.size(); ++i) funcs.push_back(s.funcs[inst.funcs[i]].get());
  const unsigned threads = m.code_bytes() >= ir::Module::kParallelCompileBytes ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  jit::compile_all(s, funcs, threads);
}

}  // namespace

Result<Instance> Linker::instantiate(Store& store, const mywasm::Module& module) const {
  try {
    return instantiate_unguarded(store, module);
  } catch (const std::bad_alloc&) {
    return error(Error::Kind::Other, "out of host memory while instantiating");
  }
}

Result<Instance> Linker::instantiate_unguarded(Store& store, const mywasm::Module& module) const {
  StoreImpl& s = store.impl();
  const std::shared_ptr<const ModuleImpl>& impl = module.impl();
  if (!impl) return error(Error::Kind::Other, "module was not compiled");
  const ir::Module& m = impl->module;

  // 1. Resolve and type-check every import before touching the store.
  std::vector<Extern> resolved;
  resolved.reserve(m.imports.size());
  for (const ir::Import& imp : m.imports) {
    // Latest definition wins; an older definition of the same name is used
    // only when the latest one's type does not fit, so a host can offer
    // several signatures under one name (e.g. WasmEdge's sock_accept beside
    // preview1's) and each module links against the one it declares.
    std::optional<Extern> found, match;
    for (auto it = items_.rbegin(); it != items_.rend() && !match; ++it) {
      if (std::get<0>(*it) != imp.module || std::get<1>(*it) != imp.name) continue;
      if (!found) found = std::get<2>(*it);
      if (import_matches(s, m, imp, std::get<2>(*it))) match = std::get<2>(*it);
    }
    if (!found) return import_error("unknown import", imp, import_type_text(m, imp));
    if (!match)
      return import_error("incompatible import type", imp,
                          "expected " + import_type_text(m, imp) + ", got " + extern_type_text(s, *found));
    resolved.push_back(*match);
  }

  // The module's tables must fit the store's table budget, checked before
  // any is allocated (100 tables of 10M elements would take 8 GB).
  uint64_t table_elems = 0;
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    const uint64_t min = m.tables[i].limits.min;
    table_elems += min;
    const TableBudget& b = s.table_budget;
    if (min > b.per_table || table_elems > b.room()) {
      Error e = error(Error::Kind::Other,
                      fmt::format("table {} of {} elements exceeds the host's limit ({} per table, {} for all "
                                  "tables of a store, {} in use)",
                                  i, min, b.per_table, b.per_store, b.used));
      e.offset = m.table_offset(i);
      return e;
    }
  }

  // 2. Allocate. The instance is registered first so that its functions
  //    can point at it; an instantiation that traps later leaves it (and
  //    whatever it already modified) in the store, as the spec does.
  //    (A background compile reads the store's vectors: held until they
  //    are complete.)
  std::unique_lock<std::mutex> structure(s.structure_mutex);
  auto owned = std::make_unique<InstanceImpl>();
  InstanceImpl& inst = *owned;
  inst.module = impl;
  uint32_t inst_addr = push(s.instances, std::move(owned));
  inst.addr = inst_addr;

  for (const Extern& ext : resolved) {
    std::visit(
        [&](const auto& h) {
          using H = std::decay_t<decltype(h)>;
          if constexpr (std::is_same_v<H, Func>) inst.funcs.push_back(h.addr());
          else if constexpr (std::is_same_v<H, Table>) inst.tables.push_back(h.addr());
          else if constexpr (std::is_same_v<H, Memory>) inst.memories.push_back(h.addr());
          else inst.globals.push_back(h.addr());
        },
        ext);
  }

  // Each of the module's types interned once, not once per function.
  inst.type_ids.reserve(m.types.size());
  for (const FuncType& t : m.types) inst.type_ids.push_back(s.intern_type(t));
  for (uint32_t i = m.num_imported_funcs; i < m.func_types.size(); ++i) {
    auto f = std::make_unique<FuncInstance>();
    f->type_id = inst.type_ids[m.func_types[i]];
    f->type = &s.type_ids[f->type_id];
    f->instance = &inst;
    f->func_index = i;
    f->addr = static_cast<uint32_t>(s.funcs.size());
    inst.funcs.push_back(push(s.funcs, std::move(f)));
  }

  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    auto t = s.new_table(m.tables[i], kNullRef);  // within the budget: checked above
    if (!t) return error(Error::Kind::Other, "table exceeds the host's limit");
    inst.tables.push_back(push(s.tables, std::move(t)));
  }

  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    std::string why;
    auto mem = s.new_memory(m.memories[i], why);
    if (!mem) {
      Error e = error(Error::Kind::Other, why);
      e.offset = m.memory_offset(i);
      return e;
    }
    inst.memories.push_back(push(s.memories, std::move(mem)));
  }
  if (!inst.memories.empty()) inst.memory0 = s.memories[inst.memories[0]].get();

  // Global initialisers see the imported globals and every function.
  for (const ir::Global& g : m.globals) {
    auto gi = std::make_unique<GlobalInstance>();
    gi->type = g.type;
    eval_const(s, inst, g.init, gi->bits);
    inst.globals.push_back(push(s.globals, std::move(gi)));
  }

  for (const ir::Export& e : m.exports) {
    Extern ext;
    switch (e.kind) {
      case ExternKind::Func: ext = Func(s.id, inst.funcs[e.index]); break;
      case ExternKind::Table: ext = Table(s.id, inst.tables[e.index]); break;
      case ExternKind::Memory: ext = Memory(s.id, inst.memories[e.index]); break;
      case ExternKind::Global: ext = mywasm::Global(s.id, inst.globals[e.index]); break;
    }
    inst.exports.emplace_back(e.name, ext);
  }

  for (const ir::ElemSegment& seg : m.elems) {
    auto ei = std::make_unique<ElemInstance>();
    ei->type = seg.type;
    ei->refs.reserve(seg.items.size());
    for (uint32_t item : seg.items) {
      uint64_t bits[2];
      if (const ir::ConstExpr* e = seg.expr(item)) eval_const(s, inst, *e, bits);
      else bits[0] = func_ref(s, inst, item);
      ei->refs.push_back(bits[0]);
    }
    inst.elems.push_back(push(s.elems, std::move(ei)));
  }

  for (const ir::DataSegment& seg : m.datas) {
    auto di = std::make_unique<DataInstance>();
    di->bytes = m.bytes.data() + seg.data_offset;
    di->size = seg.data_size;
    inst.datas.push_back(push(s.datas, std::move(di)));
  }

  structure.unlock();

  // 3. Initialise tables from active segments, in order. Active and
  //    declarative segments are dropped afterwards (their elem.drop).
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ir::ElemSegment& seg = m.elems[i];
    ElemInstance& ei = *s.elems[inst.elems[i]];
    if (seg.mode == SegmentMode::Active) {
      TableInstance& table = *s.tables[inst.tables[seg.table]];
      uint64_t offset = eval_offset(s, inst, seg.offset);
      if (offset + ei.refs.size() > table.elems.size())
        return trap_error(Error::Kind::Uninstantiable,
                          make_trap(Trap::Kind::TableOutOfBounds, "out of bounds table access"));
      std::copy(ei.refs.begin(), ei.refs.end(), table.elems.begin() + offset);
    }
    if (seg.mode != SegmentMode::Passive) ei.refs.clear();
  }

  // 4. Then memories from active data segments, in order.
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const ir::DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    DataInstance& di = *s.datas[inst.datas[i]];
    MemoryInstance& mem = *s.memories[inst.memories[seg.memory]];
    uint64_t offset = eval_offset(s, inst, seg.offset);
    if (offset + di.size > mem.size)
      return trap_error(Error::Kind::Uninstantiable,
                        make_trap(Trap::Kind::MemoryOutOfBounds, "out of bounds memory access"));
    if (di.size) {
      populate_for_write(mem.data + offset, di.size);  // (a big segment's pages at once)
      std::memcpy(mem.data + offset, di.bytes, di.size);
    }
    di.size = 0;
  }

  // 5. Tier::Jit: every function compiled before any runs.
  compile_for_jit_tier(s, inst, m);

  // 6. The start function.
  if (m.start) {
    std::vector<Value> results;
    if (auto trap = invoke_function(s, inst.funcs[*m.start], {}, results))
      return trap_error(Error::Kind::Uninstantiable, std::move(*trap));
  }
  return Instance(s.id, inst_addr);
}

}  // namespace mywasm
