// The public wat_to_wasm entry point over the text front end.
#include <new>
#include "mywasm/mywasm.hpp"
#include "text/wast.hpp"

namespace mywasm {

Result<std::vector<uint8_t>> wat_to_wasm(std::string_view wat) {
  try {
    auto encoded = text::wat_to_binary(wat, text::WatOptions{.debug_names = true});
    if (auto* err = std::get_if<text::TextError>(&encoded))
      return Error{Error::Kind::Malformed, err->to_string(), std::nullopt, std::nullopt};
    return std::get<std::vector<uint8_t>>(std::move(encoded));
  } catch (const std::bad_alloc&) {
    return Error{Error::Kind::Other, "out of host memory while reading the text", std::nullopt, std::nullopt};
  }
}

}  // namespace mywasm
