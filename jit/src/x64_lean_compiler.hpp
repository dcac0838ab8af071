// The lean x86-64 compiler (see x64_lean_compiler.cpp): one pass over a
// function's wasm body, no translation first.
#pragma once
#include <memory>

#include "jit.hpp"

namespace mywasm::jit {

// Compiles `func` straight from its wasm body to native code held by `out`,
// with its own frame layout (returned in `layout`, what the runtime keeps
// as the function's CompiledFunc). Null when the function uses something
// this compiler does not take yet (v128, fuel counting); the caller then
// uses the full compiler.
NativeEntry compile_x64_lean(StoreImpl& store, FuncInstance& func, NativeCode& out,
                             std::unique_ptr<CompiledFunc>& layout);

// For tests: while on, every direct call counts as out of reach of its
// callee (as one more than 2 GB away), so the compiler takes its far form.
void pretend_calls_out_of_reach_for_tests(bool on);

}  // namespace mywasm::jit
