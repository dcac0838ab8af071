// The WAT module encoder: module fields (as S-expressions) to the binary
// format, laid out the way wat2wasm lays it out.
#pragma once
#include <cstdint>
#include <vector>

#include "text/sexpr.hpp"

namespace mywasm::text {

// Encodes the fields items[first..] of a module; throws TextFailure.
// With `debug_names`, a "name" section carries the module's and functions'
// $identifiers (as wat2wasm --debug-names), so traps show them.
std::vector<uint8_t> encode_module(const std::vector<SExpr>& items, size_t first, bool debug_names = false);

}  // namespace mywasm::text
