/* Globals: host-made ones imported by wasm, and wasm's own exported ones. */
#include "example.h"

static wasm_extern_t* export_named(const wasm_module_t* module, wasm_extern_vec_t* exports, const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t* found = NULL;
  for (size_t i = 0; i < types.size; ++i) {
    const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) found = exports->data[i];
  }
  wasm_exporttype_vec_delete(&types);
  CHECK(found != NULL);
  return found;
}

static wasm_val_t call0(wasm_func_t* f) {
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(f, &args, &results) == NULL);
  return r[0];
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "global.wasm");

  wasm_globaltype_t* const_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_globaltype_t* var_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t seven = WASM_I32_VAL(7), big = WASM_I64_VAL(1LL << 40), wrong = WASM_F32_VAL(1.5f);
  wasm_global_t* in_const = wasm_global_new(store, const_type, &seven);
  wasm_global_t* in_var = wasm_global_new(store, var_type, &big);
  CHECK(in_const && in_var);
  CHECK(wasm_global_new(store, const_type, &wrong) == NULL);  /* value of another type */
  wasm_globaltype_delete(const_type);
  wasm_globaltype_delete(var_type);

  wasm_globaltype_t* t = wasm_global_type(in_var);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(t)) == WASM_I64 && wasm_globaltype_mutability(t) == WASM_VAR);
  wasm_globaltype_delete(t);

  wasm_extern_t* imports_data[] = {wasm_global_as_extern(in_const), wasm_global_as_extern(in_var)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_global_t* counter = wasm_extern_as_global(export_named(module, &exports, "counter"));
  wasm_global_t* pi = wasm_extern_as_global(export_named(module, &exports, "pi"));
  wasm_func_t* get_const = wasm_extern_as_func(export_named(module, &exports, "get const"));
  wasm_func_t* get_var = wasm_extern_as_func(export_named(module, &exports, "get var"));
  wasm_func_t* set_var = wasm_extern_as_func(export_named(module, &exports, "set var"));
  wasm_func_t* bump = wasm_extern_as_func(export_named(module, &exports, "bump"));

  /* Imported: wasm sees the host's values, and the host sees wasm's writes. */
  CHECK(call0(get_const).of.i32 == 7);
  CHECK(call0(get_var).of.i64 == (1LL << 40));
  wasm_val_t v = WASM_I64_VAL(-3);
  wasm_global_set(in_var, &v);
  CHECK(call0(get_var).of.i64 == -3);
  wasm_val_t a[] = {WASM_I64_VAL(99)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(set_var, &args, &none) == NULL);
  wasm_val_t out;
  wasm_global_get(in_var, &out);
  CHECK(out.kind == WASM_I64 && out.of.i64 == 99);

  /* A const global ignores writes. */
  wasm_val_t eight = WASM_I32_VAL(8);
  wasm_global_set(in_const, &eight);
  wasm_global_get(in_const, &out);
  CHECK(out.of.i32 == 7);

  /* Exported: the host reads and writes wasm's own globals. */
  wasm_global_get(counter, &out);
  CHECK(out.kind == WASM_I32 && out.of.i32 == 10);
  CHECK(call0(bump).of.i32 == 11);
  wasm_val_t hundred = WASM_I32_VAL(100);
  wasm_global_set(counter, &hundred);
  CHECK(call0(bump).of.i32 == 101);
  wasm_global_get(pi, &out);
  CHECK(out.kind == WASM_F64 && out.of.f64 == 3.25);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(in_const);
  wasm_global_delete(in_var);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("global: ok\n");
  return 0;
}
