// A tiny binary-module builder for the runtime tests: enough of the format
// to write small modules by hand, without external tools.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "leb.hpp"
#include "mywasm/types.hpp"

namespace mywasm::test {

using Bytes = std::vector<uint8_t>;

using mywasm::put_sleb;  // (leb.hpp)
using mywasm::put_uleb;

inline void put_name(Bytes& out, const std::string& s) {
  put_uleb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

inline void put_limits(Bytes& out, uint64_t min, std::optional<uint64_t> max) {
  out.push_back(max ? 1 : 0);
  put_uleb(out, min);
  if (max) put_uleb(out, *max);
}

// Instruction snippets (function bodies and constant expressions).
namespace op {
inline Bytes i32_const(int32_t v) { Bytes b{0x41}; put_sleb(b, v); return b; }
inline Bytes i64_const(int64_t v) { Bytes b{0x42}; put_sleb(b, v); return b; }
inline Bytes local_get(uint32_t i) { Bytes b{0x20}; put_uleb(b, i); return b; }
inline Bytes global_get(uint32_t i) { Bytes b{0x23}; put_uleb(b, i); return b; }
inline Bytes call(uint32_t f) { Bytes b{0x10}; put_uleb(b, f); return b; }
inline Bytes ref_func(uint32_t f) { Bytes b{0xD2}; put_uleb(b, f); return b; }
inline Bytes ref_null(ValType t) { return Bytes{0xD0, static_cast<uint8_t>(t)}; }
inline Bytes i32_store(uint32_t offset) { Bytes b{0x36, 2}; put_uleb(b, offset); return b; }
inline Bytes i32_load(uint32_t offset) { Bytes b{0x28, 2}; put_uleb(b, offset); return b; }
inline const Bytes i32_add{0x6A};
inline const Bytes unreachable{0x00};
inline const Bytes drop{0x1A};
inline const Bytes memory_grow{0x40, 0x00};
inline const Bytes memory_size{0x3F, 0x00};
}  // namespace op

// Concatenates instruction snippets.
template <class... Parts>
Bytes code(const Parts&... parts) {
  Bytes out;
  (out.insert(out.end(), parts.begin(), parts.end()), ...);
  return out;
}

class WasmBuilder {
 public:
  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    Bytes& t = types_.emplace_back();
    t.push_back(0x60);
    put_uleb(t, params.size());
    for (ValType v : params) t.push_back(static_cast<uint8_t>(v));
    put_uleb(t, results.size());
    for (ValType v : results) t.push_back(static_cast<uint8_t>(v));
    return static_cast<uint32_t>(types_.size() - 1);
  }

  // Imports must come before the definitions of their kind (index spaces).
  uint32_t import_func(const std::string& mod, const std::string& name, uint32_t type_index) {
    Bytes& e = import_entry(mod, name, 0x00);
    put_uleb(e, type_index);
    return num_funcs_++;
  }
  void import_table(const std::string& mod, const std::string& name, ValType elem, uint64_t min,
                    std::optional<uint64_t> max = {}) {
    Bytes& e = import_entry(mod, name, 0x01);
    e.push_back(static_cast<uint8_t>(elem));
    put_limits(e, min, max);
  }
  void import_memory(const std::string& mod, const std::string& name, uint64_t min,
                     std::optional<uint64_t> max = {}) {
    put_limits(import_entry(mod, name, 0x02), min, max);
  }
  void import_global(const std::string& mod, const std::string& name, ValType t, bool mut) {
    Bytes& e = import_entry(mod, name, 0x03);
    e.push_back(static_cast<uint8_t>(t));
    e.push_back(mut ? 1 : 0);
  }

  // `body` without the final `end`.
  uint32_t func(uint32_t type_index, const Bytes& body, const std::vector<ValType>& locals = {}) {
    put_uleb(func_decls_, type_index);
    ++num_defined_funcs_;
    Bytes b;
    put_uleb(b, locals.size());
    for (ValType v : locals) {
      b.push_back(1);
      b.push_back(static_cast<uint8_t>(v));
    }
    b.insert(b.end(), body.begin(), body.end());
    b.push_back(0x0B);
    put_uleb(code_, b.size());
    code_.insert(code_.end(), b.begin(), b.end());
    return num_funcs_++;
  }

  void table(ValType elem, uint64_t min, std::optional<uint64_t> max = {}) {
    tables_.push_back(static_cast<uint8_t>(elem));
    put_limits(tables_, min, max);
    ++num_tables_;
  }
  void memory(uint64_t min, std::optional<uint64_t> max = {}) {
    put_limits(memories_, min, max);
    ++num_memories_;
  }
  void global(ValType t, bool mut, const Bytes& init) {
    globals_.push_back(static_cast<uint8_t>(t));
    globals_.push_back(mut ? 1 : 0);
    globals_.insert(globals_.end(), init.begin(), init.end());
    globals_.push_back(0x0B);
    ++num_globals_;
  }
  void export_(const std::string& name, ExternKind kind, uint32_t index) {
    put_name(exports_, name);
    exports_.push_back(static_cast<uint8_t>(kind));
    put_uleb(exports_, index);
    ++num_exports_;
  }
  void start(uint32_t func_index) { start_ = func_index; }

  // Active funcref segment for table 0 (flag 0).
  void elem_active(const Bytes& offset, const std::vector<uint32_t>& funcs) {
    elems_.push_back(0x00);
    put_expr(elems_, offset);
    put_func_indices(funcs);
  }
  // Passive (flag 1) or declarative (flag 3) segment of function indices.
  void elem_passive(const std::vector<uint32_t>& funcs) { elem_flagged(0x01, funcs); }
  void elem_declarative(const std::vector<uint32_t>& funcs) { elem_flagged(0x03, funcs); }

  void data_active(const Bytes& offset, const std::string& bytes) {
    datas_.push_back(0x00);
    put_expr(datas_, offset);
    put_name(datas_, bytes);
    ++num_datas_;
  }

  Bytes build() const {
    Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    Bytes types;
    put_uleb(types, types_.size());
    for (const Bytes& t : types_) types.insert(types.end(), t.begin(), t.end());
    section(out, 1, types, !types_.empty());
    section(out, 2, counted(num_imports_, imports_), num_imports_);
    section(out, 3, counted(num_defined_funcs_, func_decls_), num_defined_funcs_);
    section(out, 4, counted(num_tables_, tables_), num_tables_);
    section(out, 5, counted(num_memories_, memories_), num_memories_);
    section(out, 6, counted(num_globals_, globals_), num_globals_);
    section(out, 7, counted(num_exports_, exports_), num_exports_);
    if (start_) {
      Bytes s;
      put_uleb(s, *start_);
      section(out, 8, s, true);
    }
    section(out, 9, counted(num_elems_, elems_), num_elems_);
    section(out, 10, counted(num_defined_funcs_, code_), num_defined_funcs_);
    section(out, 11, counted(num_datas_, datas_), num_datas_);
    return out;
  }

 private:
  Bytes& import_entry(const std::string& mod, const std::string& name, uint8_t kind) {
    ++num_imports_;
    put_name(imports_, mod);
    put_name(imports_, name);
    imports_.push_back(kind);
    return imports_;
  }
  static void put_expr(Bytes& out, const Bytes& expr) {
    out.insert(out.end(), expr.begin(), expr.end());
    out.push_back(0x0B);
  }
  void put_func_indices(const std::vector<uint32_t>& funcs) {
    put_uleb(elems_, funcs.size());
    for (uint32_t f : funcs) put_uleb(elems_, f);
    ++num_elems_;
  }
  void elem_flagged(uint8_t flag, const std::vector<uint32_t>& funcs) {
    elems_.push_back(flag);
    elems_.push_back(0x00);  // elemkind funcref
    put_func_indices(funcs);
  }
  static Bytes counted(uint32_t n, const Bytes& entries) {
    Bytes b;
    put_uleb(b, n);
    b.insert(b.end(), entries.begin(), entries.end());
    return b;
  }
  static void section(Bytes& out, uint8_t id, const Bytes& payload, bool present) {
    if (!present) return;
    out.push_back(id);
    put_uleb(out, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
  }

  std::vector<Bytes> types_;
  Bytes imports_, func_decls_, code_, tables_, memories_, globals_, exports_, elems_, datas_;
  uint32_t num_imports_ = 0, num_funcs_ = 0, num_defined_funcs_ = 0, num_tables_ = 0, num_memories_ = 0,
           num_globals_ = 0, num_exports_ = 0, num_elems_ = 0, num_datas_ = 0;
  std::optional<uint32_t> start_;
};

}  // namespace mywasm::test
