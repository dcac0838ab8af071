/* Tables of functions: read, written and grown by the host, used by
 * call_indirect. */
#include "example.h"

static wasm_trap_t* times_ten(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 10;
  return NULL;
}

static wasm_trap_t* call_indirect(wasm_func_t* f, int32_t arg, int32_t slot, int32_t* result) {
  wasm_val_t av[] = {WASM_I32_VAL(arg), WASM_I32_VAL(slot)};
  wasm_val_t rv[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(av), results = WASM_ARRAY_VEC(rv);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (!trap) *result = rv[0].of.i32;
  return trap;
}

static void expect_trap(wasm_trap_t* trap) {
  CHECK(trap != NULL);
  wasm_message_t m;
  printf("trap: %s\n", trap_text(trap, &m));
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "table.wasm");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* inc = wasm_extern_as_func(exports.data[1]);
  wasm_func_t* dispatch = wasm_extern_as_func(exports.data[2]);
  CHECK(table && inc && dispatch);

  CHECK(wasm_table_size(table) == 2);
  wasm_tabletype_t* type = wasm_table_type(table);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(type)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(type)->min == 2 && wasm_tabletype_limits(type)->max == 10);
  wasm_tabletype_delete(type);

  /* Slot 0 is null, slot 1 holds the exported function itself. */
  CHECK(wasm_table_get(table, 0) == NULL);
  wasm_ref_t* slot1 = wasm_table_get(table, 1);
  CHECK(slot1 != NULL && wasm_ref_as_func(slot1) != NULL);
  CHECK(wasm_func_same(wasm_ref_as_func(slot1), inc));
  wasm_ref_delete(slot1);
  CHECK(wasm_table_get(table, 2) == NULL);  /* out of bounds */

  int32_t r = 0;
  CHECK(call_indirect(dispatch, 7, 1, &r) == NULL && r == 8);
  expect_trap(call_indirect(dispatch, 7, 0, &r));  /* null slot */
  expect_trap(call_indirect(dispatch, 7, 2, &r));  /* out of bounds */

  /* A host function put in the table is called indirectly. */
  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, ft, times_ten);
  wasm_functype_delete(ft);
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(host)));
  CHECK(call_indirect(dispatch, 7, 0, &r) == NULL && r == 70);
  CHECK(!wasm_table_set(table, 2, wasm_func_as_ref(host)));
  CHECK(wasm_table_set(table, 0, NULL));
  expect_trap(call_indirect(dispatch, 7, 0, &r));

  /* Growing, with an initial element, up to the maximum. */
  CHECK(wasm_table_grow(table, 3, wasm_func_as_ref(host)));
  CHECK(wasm_table_size(table) == 5);
  CHECK(call_indirect(dispatch, 2, 4, &r) == NULL && r == 20);
  CHECK(wasm_table_grow(table, 5, NULL));
  CHECK(!wasm_table_grow(table, 1, NULL));
  CHECK(wasm_table_size(table) == 10);

  /* A table of the host's own. */
  wasm_limits_t limits = {5, 5};
  wasm_tabletype_t* own_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* own_table = wasm_table_new(store, own_type, wasm_func_as_ref(inc));
  CHECK(own_table != NULL && wasm_table_size(own_table) == 5);
  wasm_ref_t* e = wasm_table_get(own_table, 4);
  CHECK(e != NULL && wasm_func_same(wasm_ref_as_func(e), inc));
  wasm_ref_delete(e);
  CHECK(!wasm_table_grow(own_table, 1, NULL));
  wasm_tabletype_delete(own_type);
  wasm_table_delete(own_table);

  wasm_func_delete(host);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("table: ok\n");
  return 0;
}
