/* One engine and one module shared by several threads, each with a store
 * of its own (stores are single-threaded; engines and shared modules are
 * not). */
#include <pthread.h>

#include "example.h"

enum { kThreads = 4, kCalls = 200 };

static wasm_engine_t* engine;
static wasm_shared_module_t* shared;
static int calls[kThreads];

static wasm_trap_t* hello(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int id = args->data[0].of.i32;
  CHECK(id == *(int*)env);
  ++calls[id];
  return NULL;
}

static void* run(void* arg) {
  int id = *(int*)arg;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);

  wasm_functype_t* ft = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* func = wasm_func_new_with_env(store, ft, hello, arg, NULL);
  wasm_functype_delete(ft);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t value = WASM_I32_VAL(id);
  wasm_global_t* global = wasm_global_new(store, gt, &value);
  wasm_globaltype_delete(gt);

  wasm_extern_t* imports_data[] = {wasm_func_as_extern(func), wasm_global_as_extern(global)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  for (int i = 0; i < kCalls; ++i) CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &none, &none) == NULL);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(func);
  wasm_global_delete(global);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "threads.wasm");
  shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_store_delete(store);

  pthread_t threads[kThreads];
  int ids[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    ids[i] = i;
    CHECK(pthread_create(&threads[i], NULL, run, &ids[i]) == 0);
  }
  for (int i = 0; i < kThreads; ++i) pthread_join(threads[i], NULL);
  for (int i = 0; i < kThreads; ++i) CHECK(calls[i] == kCalls);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("threads: ok\n");
  return 0;
}
