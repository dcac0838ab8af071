// The x86-64 backend of the baseline compiler (see x64_compiler.cpp).
#pragma once
#include "jit.hpp"

namespace mywasm::jit {

// Space for `size` bytes of code: its executable address (rx) and a
// writable mapping of the same memory (rw). False when none can be had.
bool alloc_code(size_t size, void** rx, void** rw);
void release_code(void* rx);

// Compiles `source` (the plain translation of `func`) to native code held
// by `out`; null when some instruction has no compiled form.
NativeEntry compile_x64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out);

}  // namespace mywasm::jit
