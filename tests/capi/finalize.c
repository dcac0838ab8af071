/* Host info finalizers: store objects are finalized with their store,
 * traps and modules with their last handle. */
#include "example.h"

static int live = 0;
static void finalize(void* data) {
  CHECK(data != NULL);
  --live;
}

static void fill_store(wasm_store_t* store, wasm_module_t* module, int instances) {
  for (int i = 0; i < instances; ++i) {
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance != NULL);
    wasm_instance_set_host_info_with_finalizer(instance, &live, finalize);
    ++live;
    CHECK(wasm_instance_get_host_info(instance) == &live);
    wasm_instance_delete(instance);
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store1 = wasm_store_new(engine);
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* module = load_module(store1, "finalize.wasm");

  fill_store(store1, module, 100);
  fill_store(store2, module, 50);

  /* A foreign object and a function: host info shared by every handle. */
  wasm_foreign_t* foreign = wasm_foreign_new(store1);
  wasm_foreign_set_host_info_with_finalizer(foreign, &live, finalize);
  ++live;
  wasm_foreign_t* foreign2 = wasm_foreign_copy(foreign);
  CHECK(wasm_foreign_same(foreign, foreign2) && wasm_foreign_get_host_info(foreign2) == &live);
  wasm_foreign_delete(foreign);
  wasm_foreign_delete(foreign2);
  CHECK(live == 151);  /* store objects live on with the store */

  /* A module's info goes with its last handle. */
  wasm_module_t* module2 = wasm_module_copy(module);
  wasm_module_set_host_info_with_finalizer(module2, &live, finalize);
  ++live;
  CHECK(wasm_module_get_host_info(module) == &live);
  wasm_module_delete(module2);
  CHECK(live == 152);
  wasm_module_delete(module);
  CHECK(live == 151);

  /* Replacing info without a finalizer drops the finalizer. */
  wasm_foreign_t* plain = wasm_foreign_new(store2);
  wasm_foreign_set_host_info_with_finalizer(plain, &live, finalize);
  wasm_foreign_set_host_info(plain, &live);
  wasm_foreign_delete(plain);

  wasm_store_delete(store2);
  printf("live after store 2: %d\n", live);
  CHECK(live == 101);
  wasm_store_delete(store1);
  printf("live after store 1: %d\n", live);
  CHECK(live == 0);
  wasm_engine_delete(engine);
  printf("finalize: ok\n");
  return 0;
}
