// Methods of the public handles (Func, Memory, Table, Global, Instance,
// Caller): thin views of the objects in a StoreImpl.
#include "interp/interpreter.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {

// ---------------------------------------------------------------- Caller

std::optional<Memory> Caller::memory() {
  if (!memory_) return std::nullopt;
  return Memory(*memory_);
}

// ---------------------------------------------------------------- Func

Func Func::host(Store& store, FuncType type, HostFunc fn) {
  StoreImpl& s = store.impl();
  auto f = std::make_unique<FuncInstance>();
  f->type_id = s.intern_type(type);
  f->type = std::move(type);
  f->host = std::move(fn);
  s.funcs.push_back(std::move(f));
  return Func(static_cast<uint32_t>(s.funcs.size() - 1));
}

FuncType Func::type(Store& store) const { return store.impl().funcs[addr_]->type; }

Ref Func::as_ref() const { return Ref{Ref::Kind::Func, addr_}; }

namespace {
bool value_matches(const Value& v, ValType t) {
  if (v.type() != t) return false;
  // A funcref slot must not carry an extern payload, nor the reverse.
  const Ref& r = v.ref();
  if (t == ValType::FuncRef) return r.kind != Ref::Kind::Extern;
  if (t == ValType::ExternRef) return r.kind != Ref::Kind::Func;
  return true;
}
}  // namespace

Result<std::vector<Value>> Func::call(Store& store, std::span<const Value> args) const {
  StoreImpl& s = store.impl();
  if (addr_ >= s.funcs.size()) return Error{Error::Kind::Other, "unknown function", {}, {}};
  const FuncType& type = s.funcs[addr_]->type;
  if (args.size() != type.params.size())
    return Error{Error::Kind::Other,
                 "type mismatch: expected " + std::to_string(type.params.size()) + " arguments, got " +
                     std::to_string(args.size()),
                 {}, {}};
  for (size_t i = 0; i < args.size(); ++i)
    if (!value_matches(args[i], type.params[i]))
      return Error{Error::Kind::Other, "type mismatch: argument " + std::to_string(i) + " is not " +
                                           std::string(mywasm::to_string(type.params[i])),
                   {}, {}};
  std::vector<Value> results;
  if (auto trap = invoke_function(s, addr_, args, results)) {
    Error e{Error::Kind::Trap, trap->message, {}, {}};
    e.trap = std::move(*trap);
    return e;
  }
  return results;
}

// ---------------------------------------------------------------- Memory

Memory Memory::create(Store& store, MemoryType type) {
  StoreImpl& s = store.impl();
  auto m = std::make_unique<MemoryInstance>();
  if (uint64_t limit = s.engine.config().max_memory_pages) m->page_limit = limit;
  m->init(type);  // on failure the memory has size 0 and cannot grow past its reservation
  s.memories.push_back(std::move(m));
  return Memory(static_cast<uint32_t>(s.memories.size() - 1));
}

MemoryType Memory::type(Store& store) const {
  // The current size is the minimum a re-import must satisfy.
  const MemoryInstance& m = *store.impl().memories[addr_];
  MemoryType t = m.type;
  t.limits.min = m.size / kPageSize;
  return t;
}

uint8_t* Memory::data(Store& store) const { return store.impl().memories[addr_]->data; }

uint64_t Memory::size_bytes(Store& store) const { return store.impl().memories[addr_]->size; }

std::optional<uint64_t> Memory::grow(Store& store, uint64_t delta_pages) const {
  int64_t old = store.impl().memories[addr_]->grow(delta_pages);
  if (old < 0) return std::nullopt;
  return static_cast<uint64_t>(old);
}

// ---------------------------------------------------------------- Table

Table Table::create(Store& store, TableType type, Ref init) {
  StoreImpl& s = store.impl();
  // Within the store's table budget: a minimum beyond it is cut to what is
  // left (the embedder sees the real size through size()).
  TableType within = type;
  within.limits.min = std::min({type.limits.min, s.table_budget.per_table, s.table_budget.room()});
  s.tables.push_back(s.new_table(within, s.to_bits(init)));
  s.tables.back()->type = type;
  return Table(static_cast<uint32_t>(s.tables.size() - 1));
}

TableType Table::type(Store& store) const {
  const TableInstance& t = *store.impl().tables[addr_];
  TableType ty = t.type;
  ty.limits.min = t.elems.size();
  return ty;
}

uint32_t Table::size(Store& store) const {
  return static_cast<uint32_t>(store.impl().tables[addr_]->elems.size());
}

std::optional<Ref> Table::get(Store& store, uint32_t index) const {
  StoreImpl& s = store.impl();
  const TableInstance& t = *s.tables[addr_];
  if (index >= t.elems.size()) return std::nullopt;
  return s.from_bits(t.type.elem, t.elems[index]);
}

bool Table::set(Store& store, uint32_t index, Ref value) const {
  StoreImpl& s = store.impl();
  TableInstance& t = *s.tables[addr_];
  if (index >= t.elems.size()) return false;
  if (!value_matches(Value::ref(t.type.elem, value), t.type.elem)) return false;
  t.elems[index] = s.to_bits(value);
  return true;
}

std::optional<uint32_t> Table::grow(Store& store, uint32_t delta, Ref init) const {
  StoreImpl& s = store.impl();
  int64_t old = s.tables[addr_]->grow(delta, s.to_bits(init));
  if (old < 0) return std::nullopt;
  return static_cast<uint32_t>(old);
}

// ---------------------------------------------------------------- Global

mywasm::Global mywasm::Global::create(Store& store, GlobalType type, Value init) {
  StoreImpl& s = store.impl();
  auto g = std::make_unique<GlobalInstance>();
  g->type = type;
  s.value_to_bits(init, g->bits);
  s.globals.push_back(std::move(g));
  return mywasm::Global(static_cast<uint32_t>(s.globals.size() - 1));
}

GlobalType mywasm::Global::type(Store& store) const { return store.impl().globals[addr_]->type; }

Value mywasm::Global::get(Store& store) const {
  const GlobalInstance& g = *store.impl().globals[addr_];
  return store.impl().value_from_bits(g.type.type, g.bits);
}

bool mywasm::Global::set(Store& store, Value v) const {
  StoreImpl& s = store.impl();
  GlobalInstance& g = *s.globals[addr_];
  if (!g.type.mut || !value_matches(v, g.type.type)) return false;
  s.value_to_bits(v, g.bits);
  return true;
}

// ---------------------------------------------------------------- Instance

std::optional<Extern> Instance::get_export(Store& store, std::string_view name) const {
  for (const auto& [n, ext] : store.impl().instances[addr_]->exports)
    if (n == name) return ext;
  return std::nullopt;
}

namespace {
template <class T>
std::optional<T> export_as(const Instance& inst, Store& store, std::string_view name) {
  auto ext = inst.get_export(store, name);
  if (!ext || !std::holds_alternative<T>(*ext)) return std::nullopt;
  return std::get<T>(*ext);
}
}  // namespace

std::optional<Func> Instance::func(Store& store, std::string_view name) const {
  return export_as<Func>(*this, store, name);
}
std::optional<Memory> Instance::memory(Store& store, std::string_view name) const {
  return export_as<Memory>(*this, store, name);
}
std::optional<mywasm::Global> Instance::global(Store& store, std::string_view name) const {
  return export_as<mywasm::Global>(*this, store, name);
}
std::optional<Table> Instance::table(Store& store, std::string_view name) const {
  return export_as<Table>(*this, store, name);
}

std::vector<std::pair<std::string, Extern>> Instance::exports(Store& store) const {
  return store.impl().instances[addr_]->exports;
}

}  // namespace mywasm
