// The error every loading stage (decoder, validator) reports: the spec
// reference interpreter's wording plus the byte offset in the module.
#pragma once
#include <cstdint>
#include <string>

namespace mywasm {

struct LoadError {
  std::string message;  // e.g. "unexpected end", "type mismatch"
  uint32_t offset = 0;  // byte offset in the module binary
};

}  // namespace mywasm
