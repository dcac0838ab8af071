// The standard C++ API (wasm.hh) over the C API (wasm.h).
//
// Why a view and not a second set of objects: the C++ classes have no data
// and are never constructed; a wasm::Func* is the wasm_func_t* the C API
// made, so each operation is the C function (one implementation of every
// rule: ownership, store checks, finalizers), a program can mix both APIs,
// and vec<T> and Val are laid out as the C vectors and wasm_val_t (checked
// below), so arguments, results and reflected types cross without copies.
// Deleting through own<T> runs the (empty) destructor, then the root
// class's operator delete, which deletes the C object.
#include <cstddef>
#include <type_traits>

#include "capi.hpp"
#include "wasm.hh"

using namespace wasm;

static_assert(sizeof(Val) == sizeof(wasm_val_t) && alignof(Val) == alignof(wasm_val_t), "Val is a wasm_val_t");
static_assert(sizeof(ValKind) == sizeof(wasm_valkind_t) && sizeof(ExternKind) == sizeof(wasm_externkind_t) &&
                  sizeof(Mutability) == sizeof(wasm_mutability_t),
              "kinds are C kinds");
static_assert(sizeof(Limits) == sizeof(wasm_limits_t), "Limits is a wasm_limits_t");
static_assert(sizeof(vec<Val>) == sizeof(wasm_val_vec_t) && sizeof(ownvec<ValType>) == sizeof(wasm_valtype_vec_t) &&
                  sizeof(own<ValType>) == sizeof(wasm_valtype_t*),
              "vectors are C vectors");

namespace {

// ---------------------------------------------------------------- C <-> C++

template <class T> struct CType;
#define MYWASM_CPP_VIEW(Cpp, C) \
  template <> struct CType<Cpp> { using type = C; };
MYWASM_CPP_VIEW(Config, wasm_config_t)
MYWASM_CPP_VIEW(Engine, wasm_engine_t)
MYWASM_CPP_VIEW(Store, wasm_store_t)
MYWASM_CPP_VIEW(ValType, wasm_valtype_t)
MYWASM_CPP_VIEW(ExternType, wasm_externtype_t)
MYWASM_CPP_VIEW(FuncType, wasm_functype_t)
MYWASM_CPP_VIEW(GlobalType, wasm_globaltype_t)
MYWASM_CPP_VIEW(TableType, wasm_tabletype_t)
MYWASM_CPP_VIEW(MemoryType, wasm_memorytype_t)
MYWASM_CPP_VIEW(ImportType, wasm_importtype_t)
MYWASM_CPP_VIEW(ExportType, wasm_exporttype_t)
MYWASM_CPP_VIEW(Ref, wasm_ref_t)
MYWASM_CPP_VIEW(Frame, wasm_frame_t)
MYWASM_CPP_VIEW(Trap, wasm_trap_t)
MYWASM_CPP_VIEW(Shared<Module>, wasm_shared_module_t)
MYWASM_CPP_VIEW(Module, wasm_module_t)
MYWASM_CPP_VIEW(Foreign, wasm_foreign_t)
MYWASM_CPP_VIEW(Extern, wasm_extern_t)
MYWASM_CPP_VIEW(Func, wasm_func_t)
MYWASM_CPP_VIEW(Global, wasm_global_t)
MYWASM_CPP_VIEW(Table, wasm_table_t)
MYWASM_CPP_VIEW(Memory, wasm_memory_t)
MYWASM_CPP_VIEW(Instance, wasm_instance_t)
#undef MYWASM_CPP_VIEW

template <class T> auto c(T* x) -> typename CType<T>::type* { return reinterpret_cast<typename CType<T>::type*>(x); }
template <class T> auto c(const T* x) -> const typename CType<T>::type* {
  return reinterpret_cast<const typename CType<T>::type*>(x);
}
// A C++ view of a C object: borrowed, or owned.
template <class T, class C> auto cpp(C* x) -> T* { return reinterpret_cast<T*>(x); }
template <class T, class C> auto cpp(const C* x) -> const T* { return reinterpret_cast<const T*>(x); }
template <class T, class C> auto adopt(C* x) -> own<T> { return own<T>(reinterpret_cast<T*>(x)); }

// A C vector viewing a C++ one (an invalid vector views as empty).
template <class CVec, class T> CVec view(const vec<T>& v) {
  using Data = decltype(CVec::data);
  return CVec{v ? v.size() : 0, reinterpret_cast<Data>(const_cast<T*>(v.get()))};
}
// The C++ view of a C vector of `T`s.
template <class T, class CVec> auto view_cpp(const CVec* v) -> const vec<T>& {
  return *reinterpret_cast<const vec<T>*>(v);
}

// The elements of a C vector of owned pointers, taken over into an ownvec
// (the C vector is deleted, emptied of them).
template <class T, class CVec> ownvec<T> take(CVec& cv, void (*del)(CVec*)) {
  auto out = ownvec<T>::make_uninitialized(cv.size);
  if (out)
    for (size_t i = 0; i < cv.size; ++i) {
      out[i].reset(reinterpret_cast<T*>(cv.data[i]));
      cv.data[i] = nullptr;
    }
  del(&cv);
  return out;
}

// An owned copy of a C byte vector (deleted) as a vec<byte_t>.
vec<byte_t> take_bytes(wasm_byte_vec_t& bytes) {
  auto out = vec<byte_t>::make_uninitialized(bytes.size);
  if (out && bytes.size) std::memcpy(out.get(), bytes.data, bytes.size);
  wasm_byte_vec_delete(&bytes);
  return out;
}

// The value types of an ownvec given over, as a C vector; false (nothing
// taken) if one is null.
bool give_valtypes(ownvec<ValType>& types, wasm_valtype_vec_t* out) {
  const size_t n = types ? types.size() : 0;
  for (size_t i = 0; i < n; ++i)
    if (!types[i]) return false;
  wasm_valtype_vec_new_uninitialized(out, n);
  for (size_t i = 0; i < n; ++i) out->data[i] = c(types[i].release());
  return true;
}

wasm_byte_vec_t copy_name(const Name& name) {
  wasm_byte_vec_t out;
  wasm_byte_vec_t in = view<wasm_byte_vec_t>(name);
  wasm_byte_vec_copy(&out, &in);
  return out;
}

// A host function's C++ callback, carried as the C function's environment.
struct HostCallback {
  Func::callback fn = nullptr;
  Func::callback_with_env fn_with_env = nullptr;
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
};

wasm_trap_t* call_host(void* data, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto* h = static_cast<HostCallback*>(data);
  const auto& in = view_cpp<Val>(args);
  auto& out = const_cast<vec<Val>&>(view_cpp<Val>(results));
  own<Trap> trap = h->fn ? h->fn(in, out) : h->fn_with_env(h->env, in, out);
  return c(trap.release());
}

void finalize_host(void* data) {
  auto* h = static_cast<HostCallback*>(data);
  if (h->finalizer) h->finalizer(h->env);
  delete h;
}

own<Func> make_host(Store* store, const FuncType* type, HostCallback* h) {
  return adopt<Func>(wasm_func_new_with_env(c(store), c(type), call_host, h, finalize_host));
}

}  // namespace

namespace wasm {

// ---------------------------------------------------------------- destruction

// Destructors do nothing: the root class's operator delete deletes the C
// object (a virtual destructor there releases what a kind holds).
#define MYWASM_CPP_DTOR(Cpp) \
  Cpp::~Cpp() {}
MYWASM_CPP_DTOR(Config)
MYWASM_CPP_DTOR(Engine)
MYWASM_CPP_DTOR(Store)
MYWASM_CPP_DTOR(ValType)
MYWASM_CPP_DTOR(ExternType)
MYWASM_CPP_DTOR(FuncType)
MYWASM_CPP_DTOR(GlobalType)
MYWASM_CPP_DTOR(TableType)
MYWASM_CPP_DTOR(MemoryType)
MYWASM_CPP_DTOR(ImportType)
MYWASM_CPP_DTOR(ExportType)
MYWASM_CPP_DTOR(Ref)
MYWASM_CPP_DTOR(Frame)
MYWASM_CPP_DTOR(Trap)
MYWASM_CPP_DTOR(Module)
MYWASM_CPP_DTOR(Foreign)
MYWASM_CPP_DTOR(Extern)
MYWASM_CPP_DTOR(Func)
MYWASM_CPP_DTOR(Global)
MYWASM_CPP_DTOR(Table)
MYWASM_CPP_DTOR(Memory)
MYWASM_CPP_DTOR(Instance)
#undef MYWASM_CPP_DTOR

void Config::operator delete(void* p) { wasm_config_delete(static_cast<wasm_config_t*>(p)); }
void Engine::operator delete(void* p) { wasm_engine_delete(static_cast<wasm_engine_t*>(p)); }
void Store::operator delete(void* p) { wasm_store_delete(static_cast<wasm_store_t*>(p)); }
void ValType::operator delete(void* p) { wasm_valtype_delete(static_cast<wasm_valtype_t*>(p)); }
void ExternType::operator delete(void* p) { wasm_externtype_delete(static_cast<wasm_externtype_t*>(p)); }
void ImportType::operator delete(void* p) { wasm_importtype_delete(static_cast<wasm_importtype_t*>(p)); }
void ExportType::operator delete(void* p) { wasm_exporttype_delete(static_cast<wasm_exporttype_t*>(p)); }
void Ref::operator delete(void* p) { wasm_ref_delete(static_cast<wasm_ref_t*>(p)); }
void Frame::operator delete(void* p) { wasm_frame_delete(static_cast<wasm_frame_t*>(p)); }

template <class T> Shared<T>::~Shared() {}
template <class T> void Shared<T>::operator delete(void* p) {
  wasm_shared_module_delete(static_cast<wasm_shared_module_t*>(p));
}
template class Shared<Module>;  // the one shareable kind

// ---------------------------------------------------------------- runtime environment

auto Config::make() -> own<Config> { return adopt<Config>(wasm_config_new()); }
auto Engine::make(own<Config>&& config) -> own<Engine> {
  return adopt<Engine>(wasm_engine_new_with_config(c(config.release())));
}
auto Store::make(Engine* engine) -> own<Store> { return adopt<Store>(wasm_store_new(c(engine))); }

// ---------------------------------------------------------------- types

auto ValType::make(ValKind k) -> own<ValType> { return adopt<ValType>(wasm_valtype_new(k)); }
auto ValType::copy() const -> own<ValType> { return adopt<ValType>(wasm_valtype_copy(c(this))); }
auto ValType::kind() const -> ValKind { return static_cast<ValKind>(wasm_valtype_kind(c(this))); }

auto ExternType::copy() const -> own<ExternType> { return adopt<ExternType>(wasm_externtype_copy(c(this))); }
auto ExternType::kind() const -> ExternKind { return static_cast<ExternKind>(wasm_externtype_kind(c(this))); }
#define MYWASM_CPP_EXTERNTYPE_VIEW(name, Cpp)                                                                \
  auto ExternType::name() -> Cpp* { return cpp<Cpp>(wasm_externtype_as_##name##type(c(this))); }             \
  auto ExternType::name() const -> const Cpp* { return cpp<Cpp>(wasm_externtype_as_##name##type_const(c(this))); }
MYWASM_CPP_EXTERNTYPE_VIEW(func, FuncType)
MYWASM_CPP_EXTERNTYPE_VIEW(global, GlobalType)
MYWASM_CPP_EXTERNTYPE_VIEW(table, TableType)
MYWASM_CPP_EXTERNTYPE_VIEW(memory, MemoryType)
#undef MYWASM_CPP_EXTERNTYPE_VIEW

auto FuncType::make(ownvec<ValType>&& params, ownvec<ValType>&& results) -> own<FuncType> {
  wasm_valtype_vec_t p, r;
  if (!give_valtypes(params, &p)) return nullptr;
  if (!give_valtypes(results, &r)) {
    wasm_valtype_vec_delete(&p);
    return nullptr;
  }
  return adopt<FuncType>(wasm_functype_new(&p, &r));
}
auto FuncType::copy() const -> own<FuncType> { return adopt<FuncType>(wasm_functype_copy(c(this))); }
auto FuncType::params() const -> const ownvec<ValType>& { return view_cpp<own<ValType>>(wasm_functype_params(c(this))); }
auto FuncType::results() const -> const ownvec<ValType>& {
  return view_cpp<own<ValType>>(wasm_functype_results(c(this)));
}

auto GlobalType::make(own<ValType>&& content, Mutability m) -> own<GlobalType> {
  if (!content) return nullptr;
  return adopt<GlobalType>(wasm_globaltype_new(c(content.release()), m));
}
auto GlobalType::copy() const -> own<GlobalType> { return adopt<GlobalType>(wasm_globaltype_copy(c(this))); }
auto GlobalType::content() const -> const ValType* { return cpp<ValType>(wasm_globaltype_content(c(this))); }
auto GlobalType::mutability() const -> Mutability {
  return static_cast<Mutability>(wasm_globaltype_mutability(c(this)));
}

auto TableType::make(own<ValType>&& element, Limits limits) -> own<TableType> {
  if (!element) return nullptr;
  const wasm_limits_t l{limits.min, limits.max};
  return adopt<TableType>(wasm_tabletype_new(c(element.release()), &l));
}
auto TableType::copy() const -> own<TableType> { return adopt<TableType>(wasm_tabletype_copy(c(this))); }
auto TableType::element() const -> const ValType* { return cpp<ValType>(wasm_tabletype_element(c(this))); }
auto TableType::limits() const -> const Limits& { return *cpp<Limits>(wasm_tabletype_limits(c(this))); }

auto MemoryType::make(Limits limits) -> own<MemoryType> {
  const wasm_limits_t l{limits.min, limits.max};
  return adopt<MemoryType>(wasm_memorytype_new(&l));
}
auto MemoryType::copy() const -> own<MemoryType> { return adopt<MemoryType>(wasm_memorytype_copy(c(this))); }
auto MemoryType::limits() const -> const Limits& { return *cpp<Limits>(wasm_memorytype_limits(c(this))); }

auto ImportType::make(Name&& module, Name&& name, own<ExternType>&& type) -> own<ImportType> {
  if (!type) return nullptr;
  wasm_name_t m = copy_name(module), n = copy_name(name);
  return adopt<ImportType>(wasm_importtype_new(&m, &n, c(type.release())));
}
auto ImportType::copy() const -> own<ImportType> { return adopt<ImportType>(wasm_importtype_copy(c(this))); }
auto ImportType::module() const -> const Name& { return view_cpp<byte_t>(wasm_importtype_module(c(this))); }
auto ImportType::name() const -> const Name& { return view_cpp<byte_t>(wasm_importtype_name(c(this))); }
auto ImportType::type() const -> const ExternType* { return cpp<ExternType>(wasm_importtype_type(c(this))); }

auto ExportType::make(Name&& name, own<ExternType>&& type) -> own<ExportType> {
  if (!type) return nullptr;
  wasm_name_t n = copy_name(name);
  return adopt<ExportType>(wasm_exporttype_new(&n, c(type.release())));
}
auto ExportType::copy() const -> own<ExportType> { return adopt<ExportType>(wasm_exporttype_copy(c(this))); }
auto ExportType::name() const -> const Name& { return view_cpp<byte_t>(wasm_exporttype_name(c(this))); }
auto ExportType::type() const -> const ExternType* { return cpp<ExternType>(wasm_exporttype_type(c(this))); }

// ---------------------------------------------------------------- references

auto Ref::copy() const -> own<Ref> { return adopt<Ref>(wasm_ref_copy(c(this))); }
auto Ref::same(const Ref* other) const -> bool { return wasm_ref_same(c(this), c(other)); }
auto Ref::get_host_info() const -> void* { return wasm_ref_get_host_info(c(this)); }
void Ref::set_host_info(void* info, void (*finalizer)(void*)) {
  wasm_ref_set_host_info_with_finalizer(c(this), info, finalizer);
}

// ---------------------------------------------------------------- traps

auto Frame::copy() const -> own<Frame> { return adopt<Frame>(wasm_frame_copy(c(this))); }
auto Frame::instance() const -> Instance* { return cpp<Instance>(wasm_frame_instance(c(this))); }
auto Frame::func_index() const -> uint32_t { return wasm_frame_func_index(c(this)); }
auto Frame::func_offset() const -> size_t { return wasm_frame_func_offset(c(this)); }
auto Frame::module_offset() const -> size_t { return wasm_frame_module_offset(c(this)); }

auto Trap::make(Store* store, const Message& msg) -> own<Trap> {
  const wasm_message_t m = view<wasm_message_t>(msg);
  return adopt<Trap>(wasm_trap_new(c(store), &m));
}
auto Trap::copy() const -> own<Trap> { return adopt<Trap>(wasm_trap_copy(c(this))); }
auto Trap::message() const -> Message {
  wasm_message_t m;
  wasm_trap_message(c(this), &m);
  return take_bytes(m);
}
auto Trap::origin() const -> own<Frame> { return adopt<Frame>(wasm_trap_origin(c(this))); }
auto Trap::trace() const -> ownvec<Frame> {
  wasm_frame_vec_t frames;
  wasm_trap_trace(c(this), &frames);
  return take<Frame>(frames, wasm_frame_vec_delete);
}

// ---------------------------------------------------------------- modules

auto Module::validate(Store* store, const vec<byte_t>& binary) -> bool {
  const wasm_byte_vec_t b = view<wasm_byte_vec_t>(binary);
  return wasm_module_validate(c(store), &b);
}
auto Module::make(Store* store, const vec<byte_t>& binary) -> own<Module> {
  const wasm_byte_vec_t b = view<wasm_byte_vec_t>(binary);
  return adopt<Module>(wasm_module_new(c(store), &b));
}
auto Module::copy() const -> own<Module> { return adopt<Module>(wasm_module_copy(c(this))); }
auto Module::imports() const -> ownvec<ImportType> {
  wasm_importtype_vec_t types;
  wasm_module_imports(c(this), &types);
  return take<ImportType>(types, wasm_importtype_vec_delete);
}
auto Module::exports() const -> ownvec<ExportType> {
  wasm_exporttype_vec_t types;
  wasm_module_exports(c(this), &types);
  return take<ExportType>(types, wasm_exporttype_vec_delete);
}
auto Module::share() const -> own<Shared<Module>> { return adopt<Shared<Module>>(wasm_module_share(c(this))); }
auto Module::obtain(Store* store, const Shared<Module>* shared) -> own<Module> {
  return adopt<Module>(wasm_module_obtain(c(store), c(shared)));
}
auto Module::serialize() const -> vec<byte_t> {
  wasm_byte_vec_t bytes;
  wasm_module_serialize(c(this), &bytes);
  return take_bytes(bytes);
}
auto Module::deserialize(Store* store, const vec<byte_t>& bytes) -> own<Module> {
  const wasm_byte_vec_t b = view<wasm_byte_vec_t>(bytes);
  return adopt<Module>(wasm_module_deserialize(c(store), &b));
}

auto Foreign::make(Store* store) -> own<Foreign> { return adopt<Foreign>(wasm_foreign_new(c(store))); }
auto Foreign::copy() const -> own<Foreign> { return adopt<Foreign>(wasm_foreign_copy(c(this))); }

// ---------------------------------------------------------------- externals

auto Extern::copy() const -> own<Extern> { return adopt<Extern>(wasm_extern_copy(c(this))); }
auto Extern::kind() const -> ExternKind { return static_cast<ExternKind>(wasm_extern_kind(c(this))); }
auto Extern::type() const -> own<ExternType> { return adopt<ExternType>(wasm_extern_type(c(this))); }
#define MYWASM_CPP_EXTERN_VIEW(name, Cpp)                                                  \
  auto Extern::name() -> Cpp* { return cpp<Cpp>(wasm_extern_as_##name(c(this))); }        \
  auto Extern::name() const -> const Cpp* { return cpp<Cpp>(wasm_extern_as_##name##_const(c(this))); }
MYWASM_CPP_EXTERN_VIEW(func, Func)
MYWASM_CPP_EXTERN_VIEW(global, Global)
MYWASM_CPP_EXTERN_VIEW(table, Table)
MYWASM_CPP_EXTERN_VIEW(memory, Memory)
#undef MYWASM_CPP_EXTERN_VIEW

auto Func::make(Store* store, const FuncType* type, callback fn) -> own<Func> {
  if (!fn) return nullptr;
  auto* h = new HostCallback;
  h->fn = fn;
  return make_host(store, type, h);
}
auto Func::make(Store* store, const FuncType* type, callback_with_env fn, void* env, void (*finalizer)(void*))
    -> own<Func> {
  if (!fn) return nullptr;
  auto* h = new HostCallback;
  h->fn_with_env = fn;
  h->env = env;
  h->finalizer = finalizer;
  return make_host(store, type, h);
}
auto Func::copy() const -> own<Func> { return adopt<Func>(wasm_func_copy(c(this))); }
auto Func::type() const -> own<FuncType> { return adopt<FuncType>(wasm_func_type(c(this))); }
auto Func::param_arity() const -> size_t { return wasm_func_param_arity(c(this)); }
auto Func::result_arity() const -> size_t { return wasm_func_result_arity(c(this)); }
auto Func::call(const vec<Val>& args, vec<Val>& results) const -> own<Trap> {
  const wasm_val_vec_t in = view<wasm_val_vec_t>(args);
  wasm_val_vec_t out = view<wasm_val_vec_t>(results);
  for (size_t i = 0; i < out.size; ++i) results[i].reset();  // the call overwrites them
  return adopt<Trap>(wasm_func_call(c(this), &in, &out));
}

auto Global::make(Store* store, const GlobalType* type, const Val& init) -> own<Global> {
  return adopt<Global>(wasm_global_new(c(store), c(type), reinterpret_cast<const wasm_val_t*>(&init)));
}
auto Global::copy() const -> own<Global> { return adopt<Global>(wasm_global_copy(c(this))); }
auto Global::type() const -> own<GlobalType> { return adopt<GlobalType>(wasm_global_type(c(this))); }
auto Global::get() const -> Val {
  Val v;  // holds no reference: overwriting it leaks nothing
  wasm_global_get(c(this), reinterpret_cast<wasm_val_t*>(&v));
  return v;
}
void Global::set(const Val& v) { wasm_global_set(c(this), reinterpret_cast<const wasm_val_t*>(&v)); }

auto Table::make(Store* store, const TableType* type, const Ref* init) -> own<Table> {
  return adopt<Table>(wasm_table_new(c(store), c(type), const_cast<wasm_ref_t*>(c(init))));
}
auto Table::copy() const -> own<Table> { return adopt<Table>(wasm_table_copy(c(this))); }
auto Table::type() const -> own<TableType> { return adopt<TableType>(wasm_table_type(c(this))); }
auto Table::get(size_t index) const -> own<Ref> { return adopt<Ref>(wasm_table_get(c(this), index)); }
auto Table::set(size_t index, const Ref* r) -> bool {
  return wasm_table_set(c(this), index, const_cast<wasm_ref_t*>(c(r)));
}
auto Table::size() const -> size_t { return wasm_table_size(c(this)); }
auto Table::grow(size_t delta, const Ref* init) -> bool {
  return wasm_table_grow(c(this), delta, const_cast<wasm_ref_t*>(c(init)));
}

auto Memory::make(Store* store, const MemoryType* type) -> own<Memory> {
  return adopt<Memory>(wasm_memory_new(c(store), c(type)));
}
auto Memory::copy() const -> own<Memory> { return adopt<Memory>(wasm_memory_copy(c(this))); }
auto Memory::type() const -> own<MemoryType> { return adopt<MemoryType>(wasm_memory_type(c(this))); }
auto Memory::data() const -> byte_t* { return wasm_memory_data(const_cast<wasm_memory_t*>(c(this))); }
auto Memory::data_size() const -> size_t { return wasm_memory_data_size(c(this)); }
auto Memory::size() const -> pages_t { return wasm_memory_size(c(this)); }
auto Memory::grow(pages_t delta) -> bool { return wasm_memory_grow(c(this), delta); }

// ---------------------------------------------------------------- instances

auto Instance::make(Store* store, const Module* module, const vec<Extern*>& imports, own<Trap>* trap)
    -> own<Instance> {
  const wasm_extern_vec_t in = view<wasm_extern_vec_t>(imports);
  wasm_trap_t* t = nullptr;
  auto* instance = wasm_instance_new(c(store), c(module), &in, trap ? &t : nullptr);
  if (trap) trap->reset(cpp<Trap>(t));
  return adopt<Instance>(instance);
}
auto Instance::make(Store* store, const Module* module, const ownvec<Extern>& imports, own<Trap>* trap)
    -> own<Instance> {
  auto borrowed = vec<Extern*>::make_uninitialized(imports.size());
  for (size_t i = 0; i < imports.size(); ++i) borrowed[i] = imports[i].get();
  return make(store, module, borrowed, trap);
}
auto Instance::copy() const -> own<Instance> { return adopt<Instance>(wasm_instance_copy(c(this))); }
auto Instance::exports() const -> ownvec<Extern> {
  wasm_extern_vec_t externs;
  wasm_instance_exports(c(this), &externs);
  return take<Extern>(externs, wasm_extern_vec_delete);
}

}  // namespace wasm
