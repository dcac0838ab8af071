// The x86-64 backend of the baseline compiler (see x64_compiler.cpp).
#pragma once
#include "jit.hpp"

namespace mywasm::jit {

// Compiles `source` (the plain translation of `func`) to native code held
// by `out`; null when some instruction has no compiled form.
NativeEntry compile_x64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out);

}  // namespace mywasm::jit
