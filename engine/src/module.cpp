#include "module.hpp"

#include <algorithm>

namespace mywasm {

std::optional<std::string_view> ir::Module::func_name(uint32_t func_index) const {
  auto it = std::lower_bound(func_names.begin(), func_names.end(), func_index,
                             [](const FuncName& n, uint32_t index) { return n.func_index < index; });
  if (it == func_names.end() || it->func_index != func_index) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(bytes.data()) + it->offset, it->length);
}

std::string ir::Module::func_display_name(uint32_t func_index) const {
  if (auto name = func_name(func_index)) return std::string(*name);
  for (const Export& e : exports) {
    if (e.kind == ExternKind::Func && e.index == func_index) return e.name;
  }
  if (func_index < num_imported_funcs) {
    // Imports are listed in order; find the func_index-th function import.
    uint32_t n = 0;
    for (const Import& imp : imports) {
      if (imp.kind != ExternKind::Func) continue;
      if (n++ == func_index) return imp.module + "." + imp.name;
    }
  }
  return "func[" + std::to_string(func_index) + "]";
}

}  // namespace mywasm
