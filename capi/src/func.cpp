// Functions: host functions (with and without environment) and calls.
#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

namespace {

// Owns a host function's environment; the finalizer runs when the store
// drops the function (at store deletion).
struct Env {
  void* data = nullptr;
  void (*finalizer)(void*) = nullptr;
  ~Env() {
    if (finalizer) finalizer(data);
  }
};

// C values that are released (references deleted) when they go.
struct CValues {
  explicit CValues(size_t n) : vals(n) {
    for (auto& v : vals) v = wasm_val_t{WASM_ANYREF, {.ref = nullptr}};  // nothing to release yet
  }
  ~CValues() {
    for (auto& v : vals) wasm_val_delete(&v);
  }
  wasm_val_vec_t vec() { return wasm_val_vec_t{vals.size(), vals.data()}; }
  std::vector<wasm_val_t> vals;
};

// Calls a C callback as a mywasm host function: values across, a returned
// trap becomes a host trap with its message.
HostFunc adapt(wasm_store_t* store, FuncType type, wasm_func_callback_with_env_t callback, std::shared_ptr<Env> env) {
  return [=](Caller&, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
    CValues c_args(args.size()), c_results(results.size());
    for (size_t i = 0; i < args.size(); ++i) c_args.vals[i] = to_c_value(*store, args[i]);
    for (size_t i = 0; i < results.size(); ++i) c_results.vals[i].kind = valkind_of(type.results[i]);
    wasm_val_vec_t in = c_args.vec(), out = c_results.vec();
    if (wasm_trap_t* trap = callback(env->data, &in, &out)) {
      Trap t{Trap::Kind::Host, trap->message, 0, {}};
      wasm_trap_delete(trap);
      return t;
    }
    for (size_t i = 0; i < results.size(); ++i)
      if (!to_value(*store, c_results.vals[i], type.results[i], results[i]))
        return Trap{Trap::Kind::Host, "host function returned a result of the wrong type", 0, {}};
    return std::nullopt;
  };
}

// wasm_func_new's callback has no environment: it rides in `data`.
wasm_trap_t* call_without_env(void* callback, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  return reinterpret_cast<wasm_func_callback_t>(callback)(args, results);
}

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_with_env_t callback,
                           std::shared_ptr<Env> env) {
  if (!store || !type || !callback) return nullptr;
  FuncType ft = func_type_of(*type);
  Func f = Func::host(store->store, ft, adapt(store, ft, callback, std::move(env)));
  if (!f.belongs_to(store->store)) return nullptr;
  return static_cast<wasm_func_t*>(new_extern(*store, f));
}

const Func& func_of(const wasm_func_t* f) { return std::get<Func>(f->handle); }

wasm_trap_t* call_error(const std::string& message) { return new_trap("call: " + message); }

}  // namespace

extern "C" {

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t callback) {
  if (!callback) return nullptr;
  auto env = std::make_shared<Env>();
  env->data = reinterpret_cast<void*>(callback);
  return new_host_func(store, type, call_without_env, std::move(env));
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* data, void (*finalizer)(void*)) {
  auto env = std::make_shared<Env>();
  env->data = data;
  env->finalizer = finalizer;
  return new_host_func(store, type, callback, std::move(env));
}

wasm_functype_t* wasm_func_type(const wasm_func_t* f) { return new_functype(func_of(f).type(f->store->store)); }
size_t wasm_func_param_arity(const wasm_func_t* f) { return func_of(f).type(f->store->store).params.size(); }
size_t wasm_func_result_arity(const wasm_func_t* f) { return func_of(f).type(f->store->store).results.size(); }

wasm_trap_t* wasm_func_call(const wasm_func_t* f, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  if (!f) return call_error("no function");
  wasm_store_t& store = *f->store;
  const FuncType type = func_of(f).type(store.store);
  const size_t nargs = args ? args->size : 0, nresults = results ? results->size : 0;
  if (nargs != type.params.size())
    return call_error("expected " + std::to_string(type.params.size()) + " arguments, got " + std::to_string(nargs));
  if (nresults != type.results.size())
    return call_error("expected room for " + std::to_string(type.results.size()) + " results, got " +
                      std::to_string(nresults));
  std::vector<Value> in(nargs);
  for (size_t i = 0; i < nargs; ++i)
    if (!to_value(store, args->data[i], type.params[i], in[i]))
      return call_error("argument " + std::to_string(i) + " is not of type " + std::string(to_string(type.params[i])));
  auto out = func_of(f).call(store.store, in);
  if (!out) return out.error().trap ? new_trap(store, *out.error().trap) : new_trap(trap_message(out.error()));
  for (size_t i = 0; i < nresults; ++i) results->data[i] = to_c_value(store, out.value()[i]);
  return nullptr;
}

}  // extern "C"
