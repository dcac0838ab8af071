// Methods of the public handles (Func, Memory, Table, Global, Instance,
// Caller): thin views of the objects in a StoreImpl. Every method first
// finds its object through `object_of`, which refuses a handle of another
// store or an address the store never gave out.
#include <new>

#include "interp/interpreter.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {

namespace {
template <class T>
T* object_of(Store& store, const Handle& h, std::vector<std::unique_ptr<T>>& objects) {
  if (!h.belongs_to(store) || h.addr() >= objects.size()) return nullptr;
  return objects[h.addr()].get();
}

// Whether `v` may go into a place of type `t` of store `s`: the type, and
// for a funcref that it names a function of this store.
bool value_fits(const StoreImpl& s, const Value& v, ValType t) {
  if (v.type() != t) return false;
  const Ref& r = v.ref();
  if (t == ValType::FuncRef) return r.kind == Ref::Kind::Null || (r.kind == Ref::Kind::Func && s.owns(r));
  if (t == ValType::ExternRef) return r.kind != Ref::Kind::Func;
  return true;
}

bool ref_fits(const StoreImpl& s, const Ref& r, ValType t) { return value_fits(s, Value::ref(t, r), t); }

Error api_error(std::string message) { return Error{Error::Kind::Other, std::move(message), {}, {}}; }
}  // namespace

// ---------------------------------------------------------------- Caller

std::optional<Memory> Caller::memory() {
  if (!memory_) return std::nullopt;
  return Memory(store_.id(), *memory_);
}

// ---------------------------------------------------------------- Func

Func Func::host(Store& store, FuncType type, HostFunc fn) {
  StoreImpl& s = store.impl();
  auto f = std::make_unique<FuncInstance>();
  const std::lock_guard<std::mutex> structure(s.structure_mutex);  // (see StoreImpl::structure_mutex)
  f->type_id = s.intern_type(type);
  f->type = &s.type_ids[f->type_id];
  f->host = std::move(fn);
  f->addr = static_cast<uint32_t>(s.funcs.size());
  s.funcs.push_back(std::move(f));
  return Func(s.id, static_cast<uint32_t>(s.funcs.size() - 1));
}

FuncType Func::type(Store& store) const {
  const FuncInstance* f = object_of(store, *this, store.impl().funcs);
  return f ? *f->type : FuncType{};
}

Ref Func::as_ref() const { return Ref{Ref::Kind::Func, addr_, store_}; }

Result<std::vector<Value>> Func::call(Store& store, std::span<const Value> args) const {
  StoreImpl& s = store.impl();
  const FuncInstance* f = object_of(store, *this, s.funcs);
  if (!f) return api_error("unknown function (a handle of another store?)");
  const FuncType& type = *f->type;
  if (args.size() != type.params.size())
    return api_error("type mismatch: expected " + std::to_string(type.params.size()) + " arguments, got " +
                     std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (!value_fits(s, args[i], type.params[i]))
      return api_error("type mismatch: argument " + std::to_string(i) + " is not " +
                       std::string(mywasm::to_string(type.params[i])) + " of this store");
  try {
    std::vector<Value> results;
    if (auto trap = invoke_function(s, addr_, args, results)) {
      Error e{Error::Kind::Trap, trap->message, {}, {}};
      e.trap = std::move(*trap);
      return e;
    }
    return results;
  } catch (const std::bad_alloc&) {
    return api_error("out of host memory");
  }
}

// ---------------------------------------------------------------- Memory

Memory Memory::create(Store& store, MemoryType type) {
  StoreImpl& s = store.impl();
  std::string why;
  auto m = s.new_memory(type, why);
  if (!m) return Memory();
  const std::lock_guard<std::mutex> structure(s.structure_mutex);  // (see StoreImpl::structure_mutex)
  s.memories.push_back(std::move(m));
  return Memory(s.id, static_cast<uint32_t>(s.memories.size() - 1));
}

MemoryType Memory::type(Store& store) const {
  const MemoryInstance* m = object_of(store, *this, store.impl().memories);
  if (!m) return MemoryType{};
  MemoryType t = m->type;
  t.limits.min = m->size / kPageSize;  // the current size is the minimum a re-import must satisfy
  return t;
}

uint8_t* Memory::data(Store& store) const {
  const MemoryInstance* m = object_of(store, *this, store.impl().memories);
  return m ? m->data : nullptr;
}

uint64_t Memory::size_bytes(Store& store) const {
  const MemoryInstance* m = object_of(store, *this, store.impl().memories);
  return m ? m->size : 0;
}

std::optional<uint64_t> Memory::grow(Store& store, uint64_t delta_pages) const {
  MemoryInstance* m = object_of(store, *this, store.impl().memories);
  int64_t old = m ? m->grow(delta_pages) : -1;
  if (old < 0) return std::nullopt;
  return static_cast<uint64_t>(old);
}

// ---------------------------------------------------------------- Table

Table Table::create(Store& store, TableType type, Ref init) {
  StoreImpl& s = store.impl();
  if (!ref_fits(s, init, type.elem)) return Table();
  // Within the store's table budget: a minimum beyond it is cut to what is
  // left (the embedder sees the real size through size()).
  TableType within = type;
  within.limits.min = std::min({type.limits.min, s.table_budget.per_table, s.table_budget.room()});
  auto t = s.new_table(within, s.to_bits(init));
  if (!t) return Table();
  t->type = type;
  const std::lock_guard<std::mutex> structure(s.structure_mutex);  // (see StoreImpl::structure_mutex)
  s.tables.push_back(std::move(t));
  return Table(s.id, static_cast<uint32_t>(s.tables.size() - 1));
}

TableType Table::type(Store& store) const {
  const TableInstance* t = object_of(store, *this, store.impl().tables);
  if (!t) return TableType{};
  TableType ty = t->type;
  ty.limits.min = t->elems.size();
  return ty;
}

uint32_t Table::size(Store& store) const {
  const TableInstance* t = object_of(store, *this, store.impl().tables);
  return t ? static_cast<uint32_t>(t->elems.size()) : 0;
}

std::optional<Ref> Table::get(Store& store, uint32_t index) const {
  StoreImpl& s = store.impl();
  const TableInstance* t = object_of(store, *this, s.tables);
  if (!t || index >= t->elems.size()) return std::nullopt;
  return s.from_bits(t->type.elem, t->elems[index]);
}

bool Table::set(Store& store, uint32_t index, Ref value) const {
  StoreImpl& s = store.impl();
  TableInstance* t = object_of(store, *this, s.tables);
  if (!t || index >= t->elems.size() || !ref_fits(s, value, t->type.elem)) return false;
  t->elems[index] = s.to_bits(value);
  return true;
}

std::optional<uint32_t> Table::grow(Store& store, uint32_t delta, Ref init) const {
  StoreImpl& s = store.impl();
  TableInstance* t = object_of(store, *this, s.tables);
  if (!t || !ref_fits(s, init, t->type.elem)) return std::nullopt;
  int64_t old = t->grow(delta, s.to_bits(init));
  if (old < 0) return std::nullopt;
  return static_cast<uint32_t>(old);
}

// ---------------------------------------------------------------- Global

mywasm::Global mywasm::Global::create(Store& store, GlobalType type, Value init) {
  StoreImpl& s = store.impl();
  if (!value_fits(s, init, type.type)) return mywasm::Global();
  auto g = std::make_unique<GlobalInstance>();
  g->type = type;
  s.value_to_bits(init, g->bits);
  const std::lock_guard<std::mutex> structure(s.structure_mutex);  // (see StoreImpl::structure_mutex)
  s.globals.push_back(std::move(g));
  return mywasm::Global(s.id, static_cast<uint32_t>(s.globals.size() - 1));
}

GlobalType mywasm::Global::type(Store& store) const {
  const GlobalInstance* g = object_of(store, *this, store.impl().globals);
  return g ? g->type : GlobalType{};
}

Value mywasm::Global::get(Store& store) const {
  const GlobalInstance* g = object_of(store, *this, store.impl().globals);
  return g ? store.impl().value_from_bits(g->type.type, g->bits) : Value();
}

bool mywasm::Global::set(Store& store, Value v) const {
  StoreImpl& s = store.impl();
  GlobalInstance* g = object_of(store, *this, s.globals);
  if (!g || !g->type.mut || !value_fits(s, v, g->type.type)) return false;
  s.value_to_bits(v, g->bits);
  return true;
}

// ---------------------------------------------------------------- Instance

std::optional<Extern> Instance::get_export(Store& store, std::string_view name) const {
  const InstanceImpl* inst = object_of(store, *this, store.impl().instances);
  if (!inst) return std::nullopt;
  for (const auto& [n, ext] : inst->exports)
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
  const InstanceImpl* inst = object_of(store, *this, store.impl().instances);
  return inst ? inst->exports : std::vector<std::pair<std::string, Extern>>{};
}

}  // namespace mywasm
