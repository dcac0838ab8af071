#include "module.hpp"

namespace mywasm {

std::string ir::Module::func_display_name(uint32_t func_index) const {
  if (auto it = func_names.find(func_index); it != func_names.end()) return it->second;
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
