#include "mywasm/types.hpp"

#include <fmt/format.h>

namespace mywasm {

std::string_view to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "<invalid type>";
}

std::string to_string(const FuncType& t) {
  // (A long list is cut: a type of 1,000 params is one readable line.)
  constexpr size_t kShownAtMost = 16, kShownOfLong = 8;
  auto list = [](const std::vector<ValType>& types) {
    const size_t shown = types.size() > kShownAtMost ? kShownOfLong : types.size();
    std::string s = "[";
    for (size_t i = 0; i < shown; ++i) {
      if (i) s += ' ';
      s += to_string(types[i]);
    }
    if (shown < types.size()) s += fmt::format(" ... ({} in all)", types.size());
    return s + "]";
  };
  return list(t.params) + " -> " + list(t.results);
}

std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += char(c);
  }
  return out;
}

std::string_view to_string(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "<invalid kind>";
}

}  // namespace mywasm
