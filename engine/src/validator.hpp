// Validator: checks a decoded module against the WebAssembly 2.0 typing
// rules (function bodies with an operand-type stack and a control stack,
// constant expressions, segments, exports, start function, limits). A
// module with a megabyte of code or more has its bodies validated on two
// threads, reporting the same (first) error as one pass.
#pragma once
#include <optional>

#include "load_error.hpp"
#include "module.hpp"

namespace mywasm {

// Returns nullopt if the module is valid, else the first error found, with
// the spec reference interpreter's wording ("type mismatch",
// "unknown local 3", ...) and its byte offset. Records each body's
// max_depth (the deepest block nesting), for later stages to size their
// control stacks by.
std::optional<LoadError> validate_module(ir::Module& m);

}  // namespace mywasm
