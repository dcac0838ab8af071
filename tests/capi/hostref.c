/* Host references: foreign objects held by wasm as externref, keeping
 * their identity and host info through globals, tables and calls. */
#include "example.h"

static wasm_trap_t* echo(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->data[0].kind == WASM_ANYREF);
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static wasm_func_t* export_func(wasm_extern_vec_t* exports, size_t i) {
  wasm_func_t* f = wasm_extern_as_func(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

/* Calls f(args...) and returns its one result (or nothing). */
static wasm_ref_t* call(wasm_func_t* f, wasm_val_t* args, size_t nargs) {
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = {nargs, args}, results = {wasm_func_result_arity(f), r};
  CHECK(wasm_func_call(f, &a, &results) == NULL);
  return results.size ? r[0].of.ref : NULL;
}

static void check_is(wasm_ref_t* got, const wasm_foreign_t* want, void* info) {
  if (!want) {
    CHECK(got == NULL);
    return;
  }
  CHECK(got != NULL);
  CHECK(wasm_ref_as_foreign(got) != NULL);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(got), want));
  CHECK(wasm_ref_get_host_info(got) == info);
  wasm_ref_delete(got);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "hostref.wasm");

  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_anyref(), wasm_valtype_new_anyref());
  wasm_func_t* echo_func = wasm_func_new(store, type, echo);
  wasm_functype_delete(type);
  wasm_extern_t* imports_data[] = {wasm_func_as_extern(echo_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_global_t* global = wasm_extern_as_global(exports.data[0]);
  wasm_table_t* table = wasm_extern_as_table(exports.data[1]);
  wasm_func_t* global_set = export_func(&exports, 2);
  wasm_func_t* global_get = export_func(&exports, 3);
  wasm_func_t* table_set = export_func(&exports, 4);
  wasm_func_t* table_get = export_func(&exports, 5);
  wasm_func_t* echo_wasm = export_func(&exports, 6);

  static int one = 1, two = 2;
  wasm_foreign_t* host1 = wasm_foreign_new(store);
  wasm_foreign_t* host2 = wasm_foreign_new(store);
  wasm_foreign_set_host_info(host1, &one);
  wasm_foreign_set_host_info(host2, &two);
  CHECK(!wasm_foreign_same(host1, host2));
  wasm_ref_t* ref1 = wasm_foreign_as_ref(host1);
  wasm_ref_t* ref2 = wasm_foreign_as_ref(host2);

  /* Through a global, set by wasm and by the host. */
  check_is(call(global_get, NULL, 0), NULL, NULL);
  wasm_val_t v1 = WASM_REF_VAL(ref1);
  call(global_set, &v1, 1);
  check_is(call(global_get, NULL, 0), host1, &one);
  wasm_val_t got;
  wasm_global_get(global, &got);
  check_is(got.of.ref, host1, &one);
  wasm_val_t v2 = WASM_REF_VAL(ref2);
  wasm_global_set(global, &v2);
  check_is(call(global_get, NULL, 0), host2, &two);

  /* Through a table. */
  wasm_val_t set_args[] = {WASM_I32_VAL(1), WASM_REF_VAL(ref1)};
  call(table_set, set_args, 2);
  wasm_val_t index1[] = {WASM_I32_VAL(1)}, index2[] = {WASM_I32_VAL(2)};
  check_is(call(table_get, index1, 1), host1, &one);
  check_is(wasm_table_get(table, 1), host1, &one);
  CHECK(wasm_table_set(table, 2, ref2));
  check_is(call(table_get, index2, 1), host2, &two);
  check_is(call(table_get, (wasm_val_t[]){WASM_I32_VAL(0)}, 1), NULL, NULL);

  /* Through wasm into the host and back. */
  wasm_val_t e1 = WASM_REF_VAL(ref2);
  check_is(call(echo_wasm, &e1, 1), host2, &two);
  wasm_val_t null_ref = WASM_REF_VAL(NULL);
  check_is(call(echo_wasm, &null_ref, 1), NULL, NULL);

  wasm_foreign_delete(host1);
  wasm_foreign_delete(host2);
  /* wasm still holds them: the global and the table keep them alive. */
  wasm_global_get(global, &got);
  CHECK(got.of.ref != NULL && wasm_ref_get_host_info(got.of.ref) == &two);
  wasm_val_delete(&got);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(echo_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("hostref: ok\n");
  return 0;
}
