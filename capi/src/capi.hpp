// The objects behind wasm.h's opaque types, and the conversions between
// them and mywasm's C++ API (one place each).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mywasm/mywasm.hpp"
#include "wasm.h"

namespace mywasm::capi {

// ---------------------------------------------------------------- host info

// What wasm_*_set_host_info attaches to an object. Every handle of the same
// object shares one (so `_same` compares these); the finalizer runs when
// the object dies: with its store for store objects, with its last handle
// for traps and modules.
struct HostInfo {
  void* data = nullptr;
  void (*finalizer)(void*) = nullptr;
  HostInfo() = default;
  HostInfo(const HostInfo&) = delete;
  ~HostInfo() {
    if (finalizer) finalizer(data);
  }
};
using HostInfoPtr = std::shared_ptr<HostInfo>;

enum class RefKind : uint8_t { Func, Global, Table, Memory, Instance, Foreign, Trap, Module };

}  // namespace mywasm::capi

// ---------------------------------------------------------------- types

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  virtual wasm_externtype_t* clone() const = 0;
  wasm_externkind_t kind;
};

struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  wasm_functype_t(const wasm_functype_t& o);
  ~wasm_functype_t() override;
  wasm_externtype_t* clone() const override { return new wasm_functype_t(*this); }
  wasm_valtype_vec_t params{0, nullptr}, results{0, nullptr};  // owned
};

struct wasm_globaltype_t : wasm_externtype_t {
  wasm_globaltype_t(wasm_valkind_t k, wasm_mutability_t m) : wasm_externtype_t(WASM_EXTERN_GLOBAL), content{k}, mutability(m) {}
  wasm_externtype_t* clone() const override { return new wasm_globaltype_t(*this); }
  wasm_valtype_t content;
  wasm_mutability_t mutability;
};

struct wasm_tabletype_t : wasm_externtype_t {
  wasm_tabletype_t(wasm_valkind_t k, wasm_limits_t l) : wasm_externtype_t(WASM_EXTERN_TABLE), element{k}, limits(l) {}
  wasm_externtype_t* clone() const override { return new wasm_tabletype_t(*this); }
  wasm_valtype_t element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t : wasm_externtype_t {
  explicit wasm_memorytype_t(wasm_limits_t l) : wasm_externtype_t(WASM_EXTERN_MEMORY), limits(l) {}
  wasm_externtype_t* clone() const override { return new wasm_memorytype_t(*this); }
  wasm_limits_t limits;
};

struct wasm_importtype_t {
  wasm_name_t module, name;  // owned
  wasm_externtype_t* type;   // owned
};

struct wasm_exporttype_t {
  wasm_name_t name;        // owned
  wasm_externtype_t* type;  // owned
};

// ---------------------------------------------------------------- runtime

struct wasm_config_t {
  mywasm::Config config;
};

struct wasm_engine_t {
  explicit wasm_engine_t(const mywasm::Config& c) : engine(c) {}
  mywasm::Engine engine;
};

struct wasm_store_t {
  explicit wasm_store_t(wasm_engine_t* e) : engine(e), store(e->engine) {}
  ~wasm_store_t();
  // The shared host info of the store object (kind, addr): made on first use.
  mywasm::capi::HostInfoPtr identity(mywasm::capi::RefKind kind, uint32_t addr);
  wasm_engine_t* engine;
  mywasm::Store store;
  std::map<std::pair<mywasm::capi::RefKind, uint32_t>, mywasm::capi::HostInfoPtr> objects;
  // Host references that wasm code may hold as externref: the payload is
  // the object's HostInfo address, which maps back to a handle of it. They
  // live as long as the store, as wasm may keep them anywhere.
  std::unordered_map<uintptr_t, std::unique_ptr<wasm_ref_t>> externrefs;
  uint32_t next_foreign = 0;
};

// ---------------------------------------------------------------- references

struct wasm_ref_t {
  wasm_ref_t(mywasm::capi::RefKind k, mywasm::capi::HostInfoPtr i) : kind(k), info(std::move(i)) {}
  virtual ~wasm_ref_t() = default;
  virtual wasm_ref_t* clone() const = 0;
  mywasm::capi::RefKind kind;
  mywasm::capi::HostInfoPtr info;
};

struct wasm_foreign_t : wasm_ref_t {
  explicit wasm_foreign_t(mywasm::capi::HostInfoPtr i) : wasm_ref_t(mywasm::capi::RefKind::Foreign, std::move(i)) {}
  wasm_ref_t* clone() const override { return new wasm_foreign_t(*this); }
};

// A function, global, table or memory of a store.
struct wasm_extern_t : wasm_ref_t {
  wasm_extern_t(wasm_store_t* s, mywasm::Extern h);
  wasm_ref_t* clone() const override { return new wasm_extern_t(*this); }
  wasm_store_t* store;
  mywasm::Extern handle;
};
// The four kinds add nothing: a wasm_func_t* is a wasm_extern_t* whose
// handle holds a mywasm::Func.
#define MYWASM_CAPI_EXTERN_KIND(NAME)                                        \
  struct wasm_##NAME##_t : wasm_extern_t {                                   \
    using wasm_extern_t::wasm_extern_t;                                      \
    wasm_ref_t* clone() const override { return new wasm_##NAME##_t(*this); } \
  };
MYWASM_CAPI_EXTERN_KIND(func)
MYWASM_CAPI_EXTERN_KIND(global)
MYWASM_CAPI_EXTERN_KIND(table)
MYWASM_CAPI_EXTERN_KIND(memory)
#undef MYWASM_CAPI_EXTERN_KIND

struct wasm_instance_t : wasm_ref_t {
  wasm_instance_t(wasm_store_t* s, mywasm::Instance i);
  wasm_ref_t* clone() const override { return new wasm_instance_t(*this); }
  wasm_store_t* store;
  mywasm::Instance instance;
};

struct wasm_module_t : wasm_ref_t {
  explicit wasm_module_t(mywasm::Module m, std::shared_ptr<const std::vector<uint8_t>> b)
      : wasm_ref_t(mywasm::capi::RefKind::Module, std::make_shared<mywasm::capi::HostInfo>()),
        module(std::move(m)), bytes(std::move(b)) {}
  wasm_ref_t* clone() const override { return new wasm_module_t(*this); }
  mywasm::Module module;
  std::shared_ptr<const std::vector<uint8_t>> bytes;  // the binary (what serialize gives)
};

struct wasm_shared_module_t {
  mywasm::Module module;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
};

struct wasm_frame_t {
  uint32_t func_index = 0;
  size_t func_offset = 0, module_offset = 0;
  std::shared_ptr<wasm_instance_t> instance;  // null when unknown
};

struct wasm_trap_t : wasm_ref_t {
  explicit wasm_trap_t(std::string m)
      : wasm_ref_t(mywasm::capi::RefKind::Trap, std::make_shared<mywasm::capi::HostInfo>()), message(std::move(m)) {}
  wasm_ref_t* clone() const override { return new wasm_trap_t(*this); }
  std::string message;  // without the terminating NUL
  std::vector<wasm_frame_t> trace;  // innermost first
};

namespace mywasm::capi {

// ---------------------------------------------------------------- conversions

// Value kinds and types. A type without a C API kind (v128) maps to
// kNoKind, which no C value can have.
constexpr wasm_valkind_t kNoKind = 0x7f;
wasm_valkind_t valkind_of(ValType t);
std::optional<ValType> valtype_of(wasm_valkind_t k);

FuncType func_type_of(const wasm_functype_t& t);
wasm_functype_t* new_functype(const FuncType& t);
std::optional<GlobalType> global_type_of(const wasm_globaltype_t& t);
wasm_globaltype_t* new_globaltype(const GlobalType& t);
std::optional<TableType> table_type_of(const wasm_tabletype_t& t);
wasm_tabletype_t* new_tabletype(const TableType& t);
MemoryType memory_type_of(const wasm_memorytype_t& t);
wasm_memorytype_t* new_memorytype(const MemoryType& t);
wasm_externtype_t* new_externtype(Store& store, const Extern& e);

// Values: a C value of the kind of `type` to a mywasm::Value (false if the
// kind differs or a reference belongs elsewhere); and back (references
// become new owned handles).
bool to_value(wasm_store_t& store, const wasm_val_t& v, ValType type, Value& out);
wasm_val_t to_c_value(wasm_store_t& store, const Value& v);
// A C reference as a mywasm::Ref of `type`; nullopt if it cannot be one.
std::optional<Ref> to_ref(wasm_store_t& store, const wasm_ref_t* r, ValType type);
wasm_ref_t* to_c_ref(wasm_store_t& store, const Ref& r);

// A new owned handle of the right subtype for a store object.
wasm_extern_t* new_extern(wasm_store_t& store, const Extern& e);

// Traps.
wasm_trap_t* new_trap(wasm_store_t& store, const Trap& t);
wasm_trap_t* new_trap(std::string message);
std::string trap_message(const Error& e);

wasm_name_t new_name(std::string_view s);
std::string_view view(const wasm_byte_vec_t& v);

}  // namespace mywasm::capi
