/* Host functions with and without an environment, called from wasm. */
#include "example.h"

static wasm_trap_t* print(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 1 && args->data[0].kind == WASM_I32);
  printf("print(%d)\n", args->data[0].of.i32);
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static wasm_trap_t* closure(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int* counter = (int*)env;
  ++*counter;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 1000 * *counter;
  return NULL;
}

static int env_finalized = 0;
static void finalize_env(void* env) { env_finalized = *(int*)env; }

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "callback.wasm");

  wasm_functype_t* print_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* print_func = wasm_func_new(store, print_type, print);
  wasm_functype_delete(print_type);

  int counter = 0;
  wasm_functype_t* closure_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* closure_func = wasm_func_new_with_env(store, closure_type, closure, &counter, finalize_env);
  wasm_functype_delete(closure_type);
  CHECK(wasm_func_param_arity(closure_func) == 0 && wasm_func_result_arity(closure_func) == 1);

  wasm_extern_t* imports_data[] = {wasm_func_as_extern(print_func), wasm_func_as_extern(closure_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(wasm_func_param_arity(run) == 2 && wasm_func_result_arity(run) == 1);

  wasm_val_t arg_vals[] = {WASM_I32_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t result_vals[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals), results = WASM_ARRAY_VEC(result_vals);
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  CHECK(result_vals[0].kind == WASM_I32 && result_vals[0].of.i32 == 1007);
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  CHECK(result_vals[0].of.i32 == 2007 && counter == 2);

  /* A host function is callable from the host as well. */
  wasm_val_t p[] = {WASM_I32_VAL(-5)};
  wasm_val_vec_t pargs = WASM_ARRAY_VEC(p);
  CHECK(wasm_func_call(print_func, &pargs, &results) == NULL);
  CHECK(result_vals[0].of.i32 == -5);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(print_func);
  wasm_func_delete(closure_func);
  wasm_module_delete(module);
  CHECK(env_finalized == 0);
  wasm_store_delete(store);
  CHECK(env_finalized == 2);  /* the environment's finalizer ran with the store */
  wasm_engine_delete(engine);
  printf("callback: ok\n");
  return 0;
}
