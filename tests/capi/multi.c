/* Several parameters and results, across a host function and back. */
#include "example.h"

static wasm_trap_t* reverse(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 4 && results->size == 4);
  for (size_t i = 0; i < 4; ++i) wasm_val_copy(&results->data[i], &args->data[3 - i]);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "multi.wasm");

  wasm_valtype_t* ps[] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_i64(), wasm_valtype_new_i32()};
  wasm_valtype_t* rs[] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_i64(), wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, results_types;
  wasm_valtype_vec_new(&params, 4, ps);
  wasm_valtype_vec_new(&results_types, 4, rs);
  wasm_functype_t* type = wasm_functype_new(&params, &results_types);
  wasm_func_t* reverse_func = wasm_func_new(store, type, reverse);
  wasm_functype_delete(type);

  wasm_extern_t* imports_data[] = {wasm_func_as_extern(reverse_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* roundtrip = wasm_extern_as_func(exports.data[0]);

  /* The types are symmetric (i32 i64 i64 i32), so the reversed values fit. */
  wasm_val_t a[] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_I64_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t r[] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(roundtrip, &args, &results) == NULL);
  CHECK(r[0].kind == WASM_I32 && r[0].of.i32 == 4);
  CHECK(r[1].kind == WASM_I64 && r[1].of.i64 == 3);
  CHECK(r[2].kind == WASM_I64 && r[2].of.i64 == 2);
  CHECK(r[3].kind == WASM_I32 && r[3].of.i32 == 1);

  wasm_functype_t* ft = wasm_func_type(roundtrip);
  CHECK(wasm_functype_params(ft)->size == 4 && wasm_functype_results(ft)->size == 4);
  CHECK(wasm_valtype_kind(wasm_functype_results(ft)->data[1]) == WASM_I64);
  wasm_functype_delete(ft);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(reverse_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("multi: ok\n");
  return 0;
}
