// Modules: compile, validate, reflect, serialize, share.
#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

namespace {

using Bytes = std::shared_ptr<const std::vector<uint8_t>>;

Bytes copy_bytes(const wasm_byte_vec_t* binary) {
  auto* p = reinterpret_cast<const uint8_t*>(binary->data);
  return std::make_shared<const std::vector<uint8_t>>(p, p + binary->size);
}

// The module keeps `bytes` (the engine refers to them, serialize returns them).
wasm_module_t* compile(wasm_store_t* store, Bytes bytes) {
  auto module = Module::compile(store->engine->engine, bytes, std::span<const uint8_t>(*bytes));
  if (!module) return nullptr;
  return new wasm_module_t(std::move(*module), std::move(bytes));
}

// The type of an import or export (ImportDesc and ExportDesc alike).
template <class Desc>
wasm_externtype_t* new_desc_type(const Desc& d) {
  switch (d.kind) {
    case ExternKind::Func: return new_functype(d.func);
    case ExternKind::Table: return new_tabletype(d.table);
    case ExternKind::Memory: return new_memorytype(d.memory);
    case ExternKind::Global: return new_globaltype(d.global);
  }
  return nullptr;
}

}  // namespace

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store || !binary) return nullptr;
  return compile(store, copy_bytes(binary));
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store || !binary) return false;
  auto* p = reinterpret_cast<const uint8_t*>(binary->data);
  return Module::compile(store->engine->engine, std::span<const uint8_t>(p, binary->size)).ok();
}

void wasm_module_imports(const wasm_module_t* m, wasm_importtype_vec_t* out) {
  auto imports = m->module.imports();
  wasm_importtype_vec_new_uninitialized(out, imports.size());
  for (size_t i = 0; i < imports.size(); ++i)
    out->data[i] = new wasm_importtype_t{new_name(imports[i].module), new_name(imports[i].name), new_desc_type(imports[i])};
}

void wasm_module_exports(const wasm_module_t* m, wasm_exporttype_vec_t* out) {
  auto exports = m->module.exports();
  wasm_exporttype_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < exports.size(); ++i)
    out->data[i] = new wasm_exporttype_t{new_name(exports[i].name), new_desc_type(exports[i])};
}

// Serialized form: the module's binary itself (compilation is fast and
// deterministic, so nothing else needs keeping).
void wasm_module_serialize(const wasm_module_t* m, wasm_byte_vec_t* out) {
  wasm_byte_vec_new(out, m->bytes->size(), reinterpret_cast<const char*>(m->bytes->data()));
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* bytes) {
  return wasm_module_new(store, bytes);
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* m) { return new wasm_shared_module_t{m->module, m->bytes}; }
void wasm_shared_module_delete(wasm_shared_module_t* s) { delete s; }
wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* s) {
  if (!store || !s) return nullptr;
  return new wasm_module_t(s->module, s->bytes);
}

}  // extern "C"
