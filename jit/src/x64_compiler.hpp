// The x86-64 backend of the baseline compiler (see x64_compiler.cpp).
#pragma once
#include "jit.hpp"

namespace mywasm::jit {

// Compiles `source` (the plain translation of `func`) to native code held
// by `out`; null when some instruction has no compiled form.
NativeEntry compile_x64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out);

// The key a call_indirect in `instance` compares to call a function of
// type `type_id` of that instance straight at its internal entry
// (FuncInstance::indirect_call_key; 0 when it cannot have one).
uint64_t indirect_call_key(uint32_t type_id, const InstanceImpl* instance);
// Sets func's key and internal entry once `entry`, its native code, is
// installed (before the entry is published: see publish_entry).
void publish_indirect_call(FuncInstance& func, NativeEntry entry);

}  // namespace mywasm::jit
