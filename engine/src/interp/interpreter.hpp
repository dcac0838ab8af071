// Entry point into the interpreter (tier 0).
#pragma once
#include <optional>
#include <span>
#include <vector>

#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"
// CompiledFunc must be complete wherever a FuncInstance is destroyed.
#include "interp/code.hpp"

namespace mywasm {

// Calls the function at store address `func_addr` (wasm-defined or host)
// with `args` (already checked against its type by the caller). On success
// fills `results` and returns nullopt; otherwise returns the trap, with its
// wasm backtrace. Translates functions lazily on their first call.
std::optional<Trap> invoke_function(StoreImpl& store, uint32_t func_addr,
                                    std::span<const Value> args, std::vector<Value>& results);

}  // namespace mywasm
