#include "loader.hpp"

#include <memory>
#include <vector>

#include "decoder.hpp"
#include "validator.hpp"

namespace mywasm {

std::optional<LoadFailure> load_module(ir::ModuleBytes bytes, ir::Module& out) {
  if (auto e = decode_module(std::move(bytes), out, BodyScan::Deferred)) return LoadFailure{std::move(*e), true};
  std::optional<LoadError> invalid = validate_module(out);
  if (!invalid) return std::nullopt;
  if (auto e = scan_deferred_bodies(out)) return LoadFailure{std::move(*e), true};
  return LoadFailure{std::move(*invalid), false};
}

std::optional<LoadFailure> load_module(std::span<const uint8_t> bytes, ir::Module& out) {
  auto copy = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  std::span<const uint8_t> view(*copy);
  return load_module(ir::ModuleBytes(std::move(copy), view), out);
}

}  // namespace mywasm
