/* A start function that traps: instantiation fails with that trap. */
#include "example.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "start.wasm");

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance == NULL && trap != NULL);
  wasm_message_t message;
  printf("trap: %s\n", trap_text(trap, &message));
  CHECK(strstr(message.data, "unreachable") != NULL);
  wasm_byte_vec_delete(&message);

  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 2);
  CHECK(wasm_frame_func_index(trace.data[0]) == 1);  /* $boom */
  CHECK(wasm_frame_func_index(trace.data[1]) == 0);  /* $start */
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);

  /* Without a trap pointer, failure is just NULL. */
  CHECK(wasm_instance_new(store, module, &imports, NULL) == NULL);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("start: ok\n");
  return 0;
}
