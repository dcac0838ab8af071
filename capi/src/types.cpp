// Type descriptions (valtype ... exporttype) and their one conversion to
// and from mywasm's types.
#include <algorithm>

#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

namespace mywasm::capi {

wasm_valkind_t valkind_of(ValType t) {
  switch (t) {
    case ValType::I32: return WASM_I32;
    case ValType::I64: return WASM_I64;
    case ValType::F32: return WASM_F32;
    case ValType::F64: return WASM_F64;
    case ValType::ExternRef: return WASM_ANYREF;
    case ValType::FuncRef: return WASM_FUNCREF;
    case ValType::V128: break;
  }
  return kNoKind;
}

std::optional<ValType> valtype_of(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return ValType::I32;
    case WASM_I64: return ValType::I64;
    case WASM_F32: return ValType::F32;
    case WASM_F64: return ValType::F64;
    case WASM_ANYREF: return ValType::ExternRef;
    case WASM_FUNCREF: return ValType::FuncRef;
  }
  return std::nullopt;
}

namespace {

// The C API has 32-bit limits with "no maximum" as all ones.
wasm_limits_t c_limits(const Limits& l) {
  auto clamp = [](uint64_t v) { return static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX)); };
  return wasm_limits_t{clamp(l.min), l.max ? clamp(*l.max) : wasm_limits_max_default};
}
Limits engine_limits(const wasm_limits_t& l) {
  Limits out{l.min, std::nullopt};
  if (l.max != wasm_limits_max_default) out.max = l.max;
  return out;
}

std::vector<ValType> valtypes_of(const wasm_valtype_vec_t& v) {
  std::vector<ValType> out;
  for (size_t i = 0; i < v.size; ++i) out.push_back(valtype_of(v.data[i]->kind).value_or(ValType::V128));
  return out;
}
void new_valtypes(wasm_valtype_vec_t* out, const std::vector<ValType>& types) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < types.size(); ++i) out->data[i] = new wasm_valtype_t{valkind_of(types[i])};
}

}  // namespace

FuncType func_type_of(const wasm_functype_t& t) { return FuncType{valtypes_of(t.params), valtypes_of(t.results)}; }

wasm_functype_t* new_functype(const FuncType& t) {
  auto* out = new wasm_functype_t;
  new_valtypes(&out->params, t.params);
  new_valtypes(&out->results, t.results);
  return out;
}

std::optional<GlobalType> global_type_of(const wasm_globaltype_t& t) {
  auto type = valtype_of(t.content.kind);
  if (!type) return std::nullopt;
  return GlobalType{*type, t.mutability == WASM_VAR};
}
wasm_globaltype_t* new_globaltype(const GlobalType& t) {
  return new wasm_globaltype_t(valkind_of(t.type), t.mut ? WASM_VAR : WASM_CONST);
}

std::optional<TableType> table_type_of(const wasm_tabletype_t& t) {
  auto type = valtype_of(t.element.kind);
  if (!type || !is_ref(*type)) return std::nullopt;
  return TableType{*type, engine_limits(t.limits)};
}
wasm_tabletype_t* new_tabletype(const TableType& t) { return new wasm_tabletype_t(valkind_of(t.elem), c_limits(t.limits)); }

MemoryType memory_type_of(const wasm_memorytype_t& t) { return MemoryType{engine_limits(t.limits)}; }
wasm_memorytype_t* new_memorytype(const MemoryType& t) { return new wasm_memorytype_t(c_limits(t.limits)); }

wasm_externtype_t* new_externtype(Store& store, const Extern& e) {
  if (auto* f = std::get_if<Func>(&e)) return new_functype(f->type(store));
  if (auto* g = std::get_if<mywasm::Global>(&e)) return new_globaltype(g->type(store));
  if (auto* t = std::get_if<Table>(&e)) return new_tabletype(t->type(store));
  return new_memorytype(std::get<Memory>(e).type(store));
}

wasm_name_t new_name(std::string_view s) {
  wasm_name_t out;
  wasm_byte_vec_new(&out, s.size(), s.data());
  return out;
}
std::string_view view(const wasm_byte_vec_t& v) { return std::string_view(v.data, v.size); }

}  // namespace mywasm::capi

wasm_functype_t::wasm_functype_t(const wasm_functype_t& o) : wasm_externtype_t(WASM_EXTERN_FUNC) {
  wasm_valtype_vec_copy(&params, &o.params);
  wasm_valtype_vec_copy(&results, &o.results);
}
wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}

// Copy and delete of every type description.
#define MYWASM_CAPI_TYPE_BASICS(NAME)                                              \
  extern "C" void wasm_##NAME##_delete(wasm_##NAME##_t* t) { delete t; }          \
  extern "C" wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t* t) {       \
    return t ? static_cast<wasm_##NAME##_t*>(t->clone()) : nullptr;                \
  }
MYWASM_CAPI_TYPE_BASICS(functype)
MYWASM_CAPI_TYPE_BASICS(globaltype)
MYWASM_CAPI_TYPE_BASICS(tabletype)
MYWASM_CAPI_TYPE_BASICS(memorytype)
MYWASM_CAPI_TYPE_BASICS(externtype)
#undef MYWASM_CAPI_TYPE_BASICS

extern "C" {

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t k) { return new wasm_valtype_t{k}; }
void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return t ? new wasm_valtype_t(*t) : nullptr; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t->kind; }

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* out = new wasm_functype_t;
  std::swap(out->params, *params);  // taken over: the caller's vectors end up empty
  std::swap(out->results, *results);
  return out;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return &t->params; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) { return &t->results; }

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t m) {
  auto* out = new wasm_globaltype_t(content->kind, m);
  delete content;
  return out;
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return &t->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) { return t->mutability; }

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  auto* out = new wasm_tabletype_t(element->kind, *limits);
  delete element;
  return out;
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return &t->element; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return &t->limits; }

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) { return new wasm_memorytype_t(*limits); }
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return &t->limits; }

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t->kind; }

}  // extern "C"

// Views between an extern type and the four kinds (the same object).
#define MYWASM_CAPI_EXTERNTYPE_VIEWS(NAME, KIND)                                                    \
  extern "C" wasm_externtype_t* wasm_##NAME##_as_externtype(wasm_##NAME##_t* t) { return t; }      \
  extern "C" const wasm_externtype_t* wasm_##NAME##_as_externtype_const(const wasm_##NAME##_t* t) { \
    return t;                                                                                       \
  }                                                                                                 \
  extern "C" wasm_##NAME##_t* wasm_externtype_as_##NAME(wasm_externtype_t* t) {                    \
    return t && t->kind == KIND ? static_cast<wasm_##NAME##_t*>(t) : nullptr;                       \
  }                                                                                                 \
  extern "C" const wasm_##NAME##_t* wasm_externtype_as_##NAME##_const(const wasm_externtype_t* t) { \
    return t && t->kind == KIND ? static_cast<const wasm_##NAME##_t*>(t) : nullptr;                 \
  }
MYWASM_CAPI_EXTERNTYPE_VIEWS(functype, WASM_EXTERN_FUNC)
MYWASM_CAPI_EXTERNTYPE_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
MYWASM_CAPI_EXTERNTYPE_VIEWS(tabletype, WASM_EXTERN_TABLE)
MYWASM_CAPI_EXTERNTYPE_VIEWS(memorytype, WASM_EXTERN_MEMORY)
#undef MYWASM_CAPI_EXTERNTYPE_VIEWS

extern "C" {

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* out = new wasm_importtype_t{*module, *name, type};
  *module = wasm_name_t{0, nullptr};
  *name = wasm_name_t{0, nullptr};
  return out;
}
void wasm_importtype_delete(wasm_importtype_t* t) {
  if (!t) return;
  wasm_name_delete(&t->module);
  wasm_name_delete(&t->name);
  wasm_externtype_delete(t->type);
  delete t;
}
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  auto* out = new wasm_importtype_t{{0, nullptr}, {0, nullptr}, wasm_externtype_copy(t->type)};
  wasm_name_copy(&out->module, &t->module);
  wasm_name_copy(&out->name, &t->name);
  return out;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return &t->module; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return &t->name; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t->type; }

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* out = new wasm_exporttype_t{*name, type};
  *name = wasm_name_t{0, nullptr};
  return out;
}
void wasm_exporttype_delete(wasm_exporttype_t* t) {
  if (!t) return;
  wasm_name_delete(&t->name);
  wasm_externtype_delete(t->type);
  delete t;
}
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  auto* out = new wasm_exporttype_t{{0, nullptr}, wasm_externtype_copy(t->type)};
  wasm_name_copy(&out->name, &t->name);
  return out;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return &t->name; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t->type; }

}  // extern "C"
