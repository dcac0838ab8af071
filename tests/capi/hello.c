/* A module calls back into the host. */
#include "example.h"

static int greetings = 0;

static wasm_trap_t* hello(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 0);
  printf("Hello from the host!\n");
  ++greetings;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "hello.wasm");

  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* hello_func = wasm_func_new(store, type, hello);
  wasm_functype_delete(type);

  wasm_extern_t* imports_data[] = {wasm_func_as_extern(hello_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(run != NULL);

  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  CHECK(greetings == 2);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("hello: ok\n");
  return 0;
}
