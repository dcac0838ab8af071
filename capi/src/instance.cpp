// Instances: link the imports given in module order, instantiate, exports.
#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

namespace {

// Why the imports cannot be used, or "" if they can.
std::string check_imports(wasm_store_t* store, const std::vector<ImportDesc>& wanted, const wasm_extern_vec_t* given) {
  const size_t n = given ? given->size : 0;
  if (n < wanted.size())
    return "expected " + std::to_string(wanted.size()) + " imports, got " + std::to_string(n);
  for (size_t i = 0; i < wanted.size(); ++i)
    if (!given->data[i] || given->data[i]->store != store)
      return "import " + std::to_string(i) + " is missing or belongs to another store";
  return "";
}

wasm_instance_t* fail(wasm_trap_t** trap, std::string message) {
  if (trap) *trap = new_trap(std::move(message));
  return nullptr;
}

}  // namespace

extern "C" {

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  if (!store || !module) return fail(trap, "instantiation: no store or module");
  auto wanted = module->module.imports();
  if (auto why = check_imports(store, wanted, imports); !why.empty()) return fail(trap, "instantiation: " + why);
  // The C API links by position; the linker by name, so name each import
  // as the module does (a later duplicate name would shadow an earlier one).
  Linker linker(store->engine->engine);
  for (size_t i = 0; i < wanted.size(); ++i) linker.define(wanted[i].module, wanted[i].name, imports->data[i]->handle);
  auto instance = linker.instantiate(store->store, module->module);
  if (!instance) {
    const Error& e = instance.error();
    if (trap) *trap = e.trap ? new_trap(*store, *e.trap) : new_trap(e.to_string());
    return nullptr;
  }
  return new wasm_instance_t(store, *instance);
}

void wasm_instance_exports(const wasm_instance_t* i, wasm_extern_vec_t* out) {
  auto exports = i->instance.exports(i->store->store);
  wasm_extern_vec_new_uninitialized(out, exports.size());
  for (size_t k = 0; k < exports.size(); ++k) out->data[k] = new_extern(*i->store, exports[k].second);
}

}  // extern "C"
