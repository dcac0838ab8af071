// The AArch64 backend of the baseline compiler (see a64_compiler.cpp).
#pragma once
#include "jit.hpp"

namespace mywasm::jit {

// Compiles `source` (the plain translation of `func`) to AArch64 code held
// by `out`; null when it cannot be compiled (the function stays in the
// interpreter).
NativeEntry compile_a64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out);

}  // namespace mywasm::jit
