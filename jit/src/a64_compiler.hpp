// The AArch64 backend of the baseline compiler (see a64_compiler.cpp).
#pragma once
#include <vector>

#include "interp/code.hpp"
#include "jit.hpp"

namespace mywasm::jit {

// Compiles `source` (the plain translation of `func`) to AArch64 code held
// by `out`; null when it cannot be compiled (the function stays in the
// interpreter). `interpreted`, when given, receives each instruction the
// code runs through the interpreter's code instead of inline (what the
// unit tests and bench/compile_module check of the backend's coverage).
NativeEntry compile_a64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out,
                        std::vector<const interp::HandlerInfo*>* interpreted = nullptr);

}  // namespace mywasm::jit
