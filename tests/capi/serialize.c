/* A module serialized, dropped, and deserialized in another store. */
#include "example.h"

static int said = 0;
static wasm_trap_t* hello(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  said = args->data[0].of.i32;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "serialize.wasm");
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > 8);
  wasm_module_delete(module);
  wasm_store_delete(store);

  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* restored = wasm_module_deserialize(store2, &serialized);
  wasm_byte_vec_delete(&serialized);
  CHECK(restored != NULL);

  wasm_functype_t* type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* hello_func = wasm_func_new(store2, type, hello);
  wasm_functype_delete(type);
  wasm_extern_t* imports_data[] = {wasm_func_as_extern(hello_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store2, restored, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &none, &none) == NULL);
  CHECK(said == 42);

  /* Bytes that are not a serialized module give NULL. */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 5, "junk!");
  CHECK(wasm_module_deserialize(store2, &junk) == NULL);
  wasm_byte_vec_delete(&junk);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello_func);
  wasm_module_delete(restored);
  wasm_store_delete(store2);
  wasm_engine_delete(engine);
  printf("serialize: ok\n");
  return 0;
}
