// Config, engine, store; references, host info and foreign objects; values.
#include <cstdlib>
#include <string_view>

#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

wasm_store_t::~wasm_store_t() {
  // Handles kept for externrefs first, then the identities: finalizers run
  // here, before the engine store (and the host functions' environments).
  externrefs.clear();
  objects.clear();
}

HostInfoPtr wasm_store_t::identity(RefKind kind, uint32_t addr) {
  auto& slot = objects[{kind, addr}];
  if (!slot) slot = std::make_shared<HostInfo>();
  return slot;
}

namespace {
RefKind ref_kind_of(const Extern& e) {
  static constexpr RefKind kinds[] = {RefKind::Func, RefKind::Table, RefKind::Memory, RefKind::Global};
  return kinds[e.index()];
}
uint32_t addr_of(const Extern& e) {
  return std::visit([](const auto& h) { return h.addr(); }, e);
}

// What a new config holds: the engine's defaults, with the tier from
// $MYWASM_TIER (interp, jit or tiered) when set, as the CLI takes it. The
// standard API has no way to choose a tier; this is how the C and C++
// examples run under each.
Config default_config() {
  Config c;
  if (const char* name = std::getenv("MYWASM_TIER"))
    if (auto tier = Config::tier_named(name)) c.tier = *tier;
  return c;
}
}  // namespace

wasm_extern_t::wasm_extern_t(wasm_store_t* s, Extern h)
    : wasm_ref_t(ref_kind_of(h), s->identity(ref_kind_of(h), addr_of(h))), store(s), handle(h) {}

wasm_instance_t::wasm_instance_t(wasm_store_t* s, Instance i)
    : wasm_ref_t(RefKind::Instance, s->identity(RefKind::Instance, i.addr())), store(s), instance(i) {}

namespace mywasm::capi {

wasm_extern_t* new_extern(wasm_store_t& store, const Extern& e) {
  switch (ref_kind_of(e)) {
    case RefKind::Func: return new wasm_func_t(&store, e);
    case RefKind::Global: return new wasm_global_t(&store, e);
    case RefKind::Table: return new wasm_table_t(&store, e);
    default: return new wasm_memory_t(&store, e);
  }
}

std::optional<Ref> to_ref(wasm_store_t& store, const wasm_ref_t* r, ValType type) {
  if (!r) return Ref{};
  if (type == ValType::FuncRef) {
    auto* f = wasm_ref_as_func_const(r);
    if (!f || f->store != &store) return std::nullopt;
    return std::get<Func>(f->handle).as_ref();
  }
  // An externref carries any host reference: the store keeps a handle of
  // it, found again by the payload when wasm hands the reference back.
  auto key = reinterpret_cast<uintptr_t>(r->info.get());
  auto& kept = store.externrefs[key];
  if (!kept) kept.reset(r->clone());
  return Ref{Ref::Kind::Extern, key};
}

wasm_ref_t* to_c_ref(wasm_store_t& store, const Ref& r) {
  switch (r.kind) {
    case Ref::Kind::Null: return nullptr;
    case Ref::Kind::Func:
      // Func::as_ref's bits are the function's address in its store.
      if (r.store != store.store.id()) return nullptr;
      return new_extern(store, Func(r.store, static_cast<uint32_t>(r.bits)));
    case Ref::Kind::Extern: {
      auto it = store.externrefs.find(r.bits);
      return it == store.externrefs.end() ? nullptr : it->second->clone();
    }
  }
  return nullptr;
}

bool to_value(wasm_store_t& store, const wasm_val_t& v, ValType type, Value& out) {
  // A function reference may come as WASM_ANYREF too: wasm.hh's Val makes
  // every reference value of that kind (to_ref checks it is a function).
  const bool func_as_anyref = type == ValType::FuncRef && v.kind == WASM_ANYREF;
  if (v.kind != valkind_of(type) && !func_as_anyref) return false;
  switch (type) {
    case ValType::I32: out = Value::i32(v.of.i32); return true;
    case ValType::I64: out = Value::i64(v.of.i64); return true;
    case ValType::F32: out = Value::f32(v.of.f32); return true;
    case ValType::F64: out = Value::f64(v.of.f64); return true;
    case ValType::FuncRef:
    case ValType::ExternRef: {
      auto ref = to_ref(store, v.of.ref, type);
      if (!ref) return false;
      out = Value::ref(type, *ref);
      return true;
    }
    case ValType::V128: break;
  }
  return false;
}

wasm_val_t to_c_value(wasm_store_t& store, const Value& v) {
  wasm_val_t out{};
  out.kind = valkind_of(v.type());
  switch (v.type()) {
    case ValType::I32: out.of.i32 = v.i32(); break;
    case ValType::I64: out.of.i64 = v.i64(); break;
    case ValType::F32: out.of.f32 = v.f32(); break;
    case ValType::F64: out.of.f64 = v.f64(); break;
    case ValType::FuncRef:
    case ValType::ExternRef: out.of.ref = to_c_ref(store, v.ref()); break;
    case ValType::V128: out.of.i64 = 0; break;  // not representable in the C API
  }
  return out;
}

}  // namespace mywasm::capi

extern "C" {

wasm_config_t* wasm_config_new(void) { return new wasm_config_t{default_config()}; }
void wasm_config_delete(wasm_config_t* c) { delete c; }

wasm_engine_t* wasm_engine_new(void) { return new wasm_engine_t(default_config()); }
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* c) {
  auto* e = new wasm_engine_t(c ? c->config : default_config());
  delete c;
  return e;
}
void wasm_engine_delete(wasm_engine_t* e) { delete e; }

wasm_store_t* wasm_store_new(wasm_engine_t* e) { return e ? new wasm_store_t(e) : nullptr; }
void wasm_store_delete(wasm_store_t* s) { delete s; }

void wasm_val_delete(wasm_val_t* v) {
  if (wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = nullptr;
  }
}
void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) {
  *out = *v;
  if (wasm_valkind_is_ref(v->kind) && v->of.ref) out->of.ref = v->of.ref->clone();
}

wasm_foreign_t* wasm_foreign_new(wasm_store_t* s) {
  // A foreign object lives as long as its store (wasm may hold it).
  return new wasm_foreign_t(s->identity(RefKind::Foreign, s->next_foreign++));
}

}  // extern "C"

// The reference basics of every reference type: delete, copy, same, host
// info; and for all but wasm_ref_t itself, the views to and from wasm_ref_t.
#define MYWASM_CAPI_REF_BASE(NAME)                                                                 \
  extern "C" void wasm_##NAME##_delete(wasm_##NAME##_t* r) { delete r; }                           \
  extern "C" wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t* r) {                       \
    return r ? static_cast<wasm_##NAME##_t*>(r->clone()) : nullptr;                                \
  }                                                                                                \
  extern "C" bool wasm_##NAME##_same(const wasm_##NAME##_t* a, const wasm_##NAME##_t* b) {         \
    return a == b || (a && b && a->info == b->info);                                               \
  }                                                                                                \
  extern "C" void* wasm_##NAME##_get_host_info(const wasm_##NAME##_t* r) { return r->info->data; } \
  extern "C" void wasm_##NAME##_set_host_info(wasm_##NAME##_t* r, void* data) {                    \
    r->info->data = data;                                                                          \
    r->info->finalizer = nullptr;                                                                  \
  }                                                                                                \
  extern "C" void wasm_##NAME##_set_host_info_with_finalizer(wasm_##NAME##_t* r, void* data,       \
                                                             void (*finalizer)(void*)) {           \
    r->info->data = data;                                                                          \
    r->info->finalizer = finalizer;                                                                \
  }

#define MYWASM_CAPI_REF(NAME, MATCHES)                                                             \
  MYWASM_CAPI_REF_BASE(NAME)                                                                       \
  extern "C" wasm_ref_t* wasm_##NAME##_as_ref(wasm_##NAME##_t* r) { return r; }                    \
  extern "C" const wasm_ref_t* wasm_##NAME##_as_ref_const(const wasm_##NAME##_t* r) { return r; }  \
  extern "C" wasm_##NAME##_t* wasm_ref_as_##NAME(wasm_ref_t* r) {                                  \
    return r && (MATCHES) ? static_cast<wasm_##NAME##_t*>(r) : nullptr;                            \
  }                                                                                                \
  extern "C" const wasm_##NAME##_t* wasm_ref_as_##NAME##_const(const wasm_ref_t* r) {              \
    return r && (MATCHES) ? static_cast<const wasm_##NAME##_t*>(r) : nullptr;                      \
  }

MYWASM_CAPI_REF_BASE(ref)
MYWASM_CAPI_REF(trap, r->kind == RefKind::Trap)
MYWASM_CAPI_REF(foreign, r->kind == RefKind::Foreign)
MYWASM_CAPI_REF(module, r->kind == RefKind::Module)
MYWASM_CAPI_REF(func, r->kind == RefKind::Func)
MYWASM_CAPI_REF(global, r->kind == RefKind::Global)
MYWASM_CAPI_REF(table, r->kind == RefKind::Table)
MYWASM_CAPI_REF(memory, r->kind == RefKind::Memory)
MYWASM_CAPI_REF(instance, r->kind == RefKind::Instance)
MYWASM_CAPI_REF(extern, r->kind == RefKind::Func || r->kind == RefKind::Global || r->kind == RefKind::Table ||
                            r->kind == RefKind::Memory)
