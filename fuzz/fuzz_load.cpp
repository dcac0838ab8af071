// libFuzzer target: arbitrary bytes through decode + validate + instantiate
// (segment initialisation and the start function included). Imports are
// satisfied with stubs of the exact types the module asks for, so the
// fuzzer reaches instantiation, not just the linker's checks. Exports are
// not called: valid wasm may loop forever, and without fuel metering that
// would read as a hang.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mywasm/mywasm.hpp"

namespace {

using namespace mywasm;

void define_stub_imports(Store& store, Linker& linker, const Module& module) {
  for (const ImportDesc& imp : module.imports()) {
    switch (imp.kind) {
      case ExternKind::Func: {
        const FuncType type = imp.func;
        linker.define_func(store, imp.module, imp.name, type,
                           [type](Caller&, std::span<const Value>, std::span<Value> results) -> std::optional<Trap> {
                             for (size_t i = 0; i < results.size(); ++i) results[i] = Value::zero(type.results[i]);
                             return std::nullopt;
                           });
        break;
      }
      case ExternKind::Table: {
        TableType t = imp.table;
        if (t.limits.min > 10000) return;  // leave it unresolved: instantiation fails cleanly
        linker.define(imp.module, imp.name, Table::create(store, t));
        break;
      }
      case ExternKind::Memory: {
        if (imp.memory.limits.min > 256) return;
        linker.define(imp.module, imp.name, Memory::create(store, imp.memory));
        break;
      }
      case ExternKind::Global:
        linker.define(imp.module, imp.name, Global::create(store, imp.global, Value::zero(imp.global.type)));
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Config config;
  config.max_call_depth = 200;  // keep runaway recursion cheap
  Engine engine(config);
  auto module = Module::compile(engine, std::span<const uint8_t>(data, size));
  if (!module.ok()) return 0;
  Store store(engine);
  Linker linker(engine);
  define_stub_imports(store, linker, *module);
  (void)linker.instantiate(store, *module);
  return 0;
}
