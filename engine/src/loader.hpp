// Loading a binary module: decoding plus validation, with one walk of the
// function bodies (the validator's) instead of two on the way to success.
#pragma once
#include <cstdint>
#include <optional>
#include <span>

#include "load_error.hpp"
#include "module.hpp"

namespace mywasm {

struct LoadFailure {
  LoadError error;
  bool malformed;  // the binary format's error (else a validation error)
};

// Decodes and validates `bytes` into `out`, reporting what decode_module
// followed by validate_module would: a malformed module's first format
// error, else the first validation error. Bodies are decoded in the
// validator's walk; only when something fails are they scanned on their
// own, since a malformed body wins over any validation error.
// The first form keeps the given bytes (and their owner); the second copies
// them into out.bytes.
std::optional<LoadFailure> load_module(ir::ModuleBytes bytes, ir::Module& out);
std::optional<LoadFailure> load_module(std::span<const uint8_t> bytes, ir::Module& out);

}  // namespace mywasm
