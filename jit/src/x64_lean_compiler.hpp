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

}  // namespace mywasm::jit
