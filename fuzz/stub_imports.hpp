// Satisfies a module's imports with stubs of exactly the types it asks for,
// so fuzzed modules reach instantiation and execution, not just the
// linker's checks. Host functions return zeros.
#pragma once
#include "mywasm/mywasm.hpp"

namespace mywasm::fuzz {

inline void define_stub_imports(Store& store, Linker& linker, const Module& module) {
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
      case ExternKind::Table:
        if (imp.table.limits.min > 10000) break;  // left unresolved: instantiation fails cleanly
        linker.define(imp.module, imp.name, Table::create(store, imp.table));
        break;
      case ExternKind::Memory:
        if (imp.memory.limits.min > 256) break;
        linker.define(imp.module, imp.name, Memory::create(store, imp.memory));
        break;
      case ExternKind::Global:
        linker.define(imp.module, imp.name, Global::create(store, imp.global, Value::zero(imp.global.type)));
        break;
    }
  }
}

}  // namespace mywasm::fuzz
