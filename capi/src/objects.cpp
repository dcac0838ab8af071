// Globals, tables, memories and the extern views of all four.
#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

namespace {

template <class Handle>
const Handle& handle_of(const wasm_extern_t* e) { return std::get<Handle>(e->handle); }
Store& store_of(const wasm_extern_t* e) { return e->store->store; }

// A new handle of a freshly created object, or NULL if the engine refused it.
template <class CType, class Handle>
CType* new_object(wasm_store_t* store, const Handle& h) {
  if (!h.belongs_to(store->store)) return nullptr;
  return static_cast<CType*>(new_extern(*store, h));
}

}  // namespace

extern "C" {

// ---------------------------------------------------------------- globals

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type, const wasm_val_t* init) {
  if (!store || !type || !init) return nullptr;
  auto gt = global_type_of(*type);
  Value v;
  if (!gt || !to_value(*store, *init, gt->type, v)) return nullptr;
  return new_object<wasm_global_t>(store, mywasm::Global::create(store->store, *gt, v));
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  return new_globaltype(handle_of<mywasm::Global>(g).type(store_of(g)));
}

void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  *out = to_c_value(*g->store, handle_of<mywasm::Global>(g).get(store_of(g)));
}

// Ignored when the global is immutable or the value of another type (the
// standard signature has no way to say so).
void wasm_global_set(wasm_global_t* g, const wasm_val_t* v) {
  const auto& global = handle_of<mywasm::Global>(g);
  Value value;
  if (to_value(*g->store, *v, global.type(store_of(g)).type, value)) global.set(store_of(g), value);
}

// ---------------------------------------------------------------- tables

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  if (!store || !type) return nullptr;
  auto tt = table_type_of(*type);
  if (!tt) return nullptr;
  auto ref = to_ref(*store, init, tt->elem);
  if (!ref) return nullptr;
  return new_object<wasm_table_t>(store, Table::create(store->store, *tt, *ref));
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) { return new_tabletype(handle_of<Table>(t).type(store_of(t))); }

wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  auto ref = handle_of<Table>(t).get(store_of(t), index);
  return ref ? to_c_ref(*t->store, *ref) : nullptr;
}

bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* r) {
  const auto& table = handle_of<Table>(t);
  auto ref = to_ref(*t->store, r, table.type(store_of(t)).elem);
  return ref && table.set(store_of(t), index, *ref);
}

wasm_table_size_t wasm_table_size(const wasm_table_t* t) { return handle_of<Table>(t).size(store_of(t)); }

bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  const auto& table = handle_of<Table>(t);
  auto ref = to_ref(*t->store, init, table.type(store_of(t)).elem);
  return ref && table.grow(store_of(t), delta, *ref).has_value();
}

// ---------------------------------------------------------------- memories

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!store || !type) return nullptr;
  return new_object<wasm_memory_t>(store, Memory::create(store->store, memory_type_of(*type)));
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  return new_memorytype(handle_of<Memory>(m).type(store_of(m)));
}

byte_t* wasm_memory_data(wasm_memory_t* m) {
  return reinterpret_cast<byte_t*>(handle_of<Memory>(m).data(store_of(m)));
}
size_t wasm_memory_data_size(const wasm_memory_t* m) { return handle_of<Memory>(m).size_bytes(store_of(m)); }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) {
  return static_cast<wasm_memory_pages_t>(handle_of<Memory>(m).size_pages(store_of(m)));
}
bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) {
  return handle_of<Memory>(m).grow(store_of(m), delta).has_value();
}

// ---------------------------------------------------------------- externs

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) {
  switch (e->kind) {
    case RefKind::Func: return WASM_EXTERN_FUNC;
    case RefKind::Global: return WASM_EXTERN_GLOBAL;
    case RefKind::Table: return WASM_EXTERN_TABLE;
    default: return WASM_EXTERN_MEMORY;
  }
}

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) { return new_externtype(store_of(e), e->handle); }

}  // extern "C"

#define MYWASM_CAPI_EXTERN_VIEWS(NAME, KIND)                                                            \
  extern "C" wasm_extern_t* wasm_##NAME##_as_extern(wasm_##NAME##_t* x) { return x; }                  \
  extern "C" const wasm_extern_t* wasm_##NAME##_as_extern_const(const wasm_##NAME##_t* x) { return x; } \
  extern "C" wasm_##NAME##_t* wasm_extern_as_##NAME(wasm_extern_t* e) {                                \
    return e && e->kind == KIND ? static_cast<wasm_##NAME##_t*>(e) : nullptr;                           \
  }                                                                                                     \
  extern "C" const wasm_##NAME##_t* wasm_extern_as_##NAME##_const(const wasm_extern_t* e) {            \
    return e && e->kind == KIND ? static_cast<const wasm_##NAME##_t*>(e) : nullptr;                     \
  }
MYWASM_CAPI_EXTERN_VIEWS(func, RefKind::Func)
MYWASM_CAPI_EXTERN_VIEWS(global, RefKind::Global)
MYWASM_CAPI_EXTERN_VIEWS(table, RefKind::Table)
MYWASM_CAPI_EXTERN_VIEWS(memory, RefKind::Memory)
#undef MYWASM_CAPI_EXTERN_VIEWS
