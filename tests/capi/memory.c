/* Memories: wasm's own, seen from the host, and one made by the host. */
#include "example.h"

static wasm_trap_t* call(wasm_func_t* f, int32_t a, int32_t b, int nargs, wasm_val_t* result) {
  wasm_val_t av[] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t rv[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {(size_t)nargs, av};
  wasm_val_vec_t results = {wasm_func_result_arity(f), rv};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (result) *result = rv[0];
  return trap;
}

static void expect_trap(wasm_trap_t* trap, const char* message) {
  CHECK(trap != NULL);
  wasm_message_t m;
  printf("trap: %s\n", trap_text(trap, &m));
  CHECK(strstr(m.data, message) != NULL);
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "memory.wasm");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  wasm_func_t* size = wasm_extern_as_func(exports.data[1]);
  wasm_func_t* load = wasm_extern_as_func(exports.data[2]);
  wasm_func_t* store_fn = wasm_extern_as_func(exports.data[3]);
  CHECK(memory && size && load && store_fn);

  CHECK(wasm_memory_size(memory) == 2);
  CHECK(wasm_memory_data_size(memory) == 2 * MEMORY_PAGE_SIZE);
  byte_t* data = wasm_memory_data(memory);
  CHECK(data[0] == 0 && data[0x1000] == 1 && data[0x1003] == 4);
  wasm_memorytype_t* type = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(type)->min == 2 && wasm_memorytype_limits(type)->max == 3);
  wasm_memorytype_delete(type);

  wasm_val_t r;
  CHECK(call(size, 0, 0, 0, &r) == NULL && r.of.i32 == 2);
  CHECK(call(load, 0x1002, 0, 1, &r) == NULL && r.of.i32 == 3);
  CHECK(call(store_fn, 0x1002, 5, 2, NULL) == NULL);
  CHECK(data[0x1002] == 5);
  data[0x1ffff] = 6;  /* host writes, wasm reads */
  CHECK(call(load, 0x1ffff, 0, 1, &r) == NULL && r.of.i32 == 6);
  expect_trap(call(load, 0x20000, 0, 1, NULL), "out of bounds memory access");
  expect_trap(call(store_fn, 0x20000, 0, 2, NULL), "out of bounds memory access");

  /* Growing: up to the maximum of 3 pages, then no more. */
  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 3 && wasm_memory_data_size(memory) == 3 * MEMORY_PAGE_SIZE);
  CHECK(call(size, 0, 0, 0, &r) == NULL && r.of.i32 == 3);
  CHECK(call(load, 0x20000, 0, 1, &r) == NULL && r.of.i32 == 0);
  CHECK(!wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_grow(memory, 0));

  /* A memory of the host's own. */
  wasm_limits_t limits = {5, 5};
  wasm_memorytype_t* own_type = wasm_memorytype_new(&limits);
  wasm_memory_t* own_memory = wasm_memory_new(store, own_type);
  CHECK(own_memory != NULL && wasm_memory_size(own_memory) == 5);
  CHECK(!wasm_memory_grow(own_memory, 1));
  wasm_memorytype_delete(own_type);
  wasm_memory_delete(own_memory);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("memory: ok\n");
  return 0;
}
