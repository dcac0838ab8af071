/* Reflection: the imports and exports of a module and their types. */
#include "example.h"

static int name_is(const wasm_name_t* n, const char* s) { return n->size == strlen(s) && memcmp(n->data, s, n->size) == 0; }

static void check_limits(const wasm_limits_t* l, uint32_t min, uint32_t max) { CHECK(l->min == min && l->max == max); }

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "reflect.wasm");

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 3);
  for (size_t i = 0; i < imports.size; ++i) CHECK(name_is(wasm_importtype_module(imports.data[i]), "host"));
  CHECK(name_is(wasm_importtype_name(imports.data[0]), "f"));
  const wasm_functype_t* f = wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  CHECK(f && wasm_functype_params(f)->size == 2 && wasm_functype_results(f)->size == 1);
  CHECK(wasm_valtype_kind(wasm_functype_params(f)->data[1]) == WASM_F64);
  CHECK(wasm_valtype_kind(wasm_functype_results(f)->data[0]) == WASM_I64);
  const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(wasm_importtype_type(imports.data[1]));
  CHECK(g && wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_F32 && wasm_globaltype_mutability(g) == WASM_VAR);
  const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(wasm_importtype_type(imports.data[2]));
  CHECK(t && wasm_valtype_kind(wasm_tabletype_element(t)) == WASM_FUNCREF);
  check_limits(wasm_tabletype_limits(t), 1, wasm_limits_max_default);
  CHECK(wasm_externtype_as_memorytype_const(wasm_importtype_type(imports.data[2])) == NULL);

  wasm_importtype_vec_t imports_copy;
  wasm_importtype_vec_copy(&imports_copy, &imports);
  CHECK(imports_copy.size == 3 && name_is(wasm_importtype_name(imports_copy.data[1]), "g"));
  wasm_importtype_vec_delete(&imports_copy);
  wasm_importtype_vec_delete(&imports);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  CHECK(exports.size == 4);
  const char* names[] = {"func", "global", "table", "memory"};
  wasm_externkind_t kinds[] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(name_is(wasm_exporttype_name(exports.data[i]), names[i]));
    CHECK(wasm_externtype_kind(wasm_exporttype_type(exports.data[i])) == kinds[i]);
  }
  const wasm_externtype_t* et = wasm_exporttype_type(exports.data[0]);
  f = wasm_externtype_as_functype_const(et);
  CHECK(wasm_functype_params(f)->size == 3 && wasm_functype_results(f)->size == 2);
  CHECK(wasm_valtype_kind(wasm_functype_results(f)->data[0]) == WASM_F64);
  g = wasm_externtype_as_globaltype_const(wasm_exporttype_type(exports.data[1]));
  CHECK(wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_I64 && wasm_globaltype_mutability(g) == WASM_CONST);
  t = wasm_externtype_as_tabletype_const(wasm_exporttype_type(exports.data[2]));
  CHECK(wasm_valtype_kind(wasm_tabletype_element(t)) == WASM_ANYREF);
  check_limits(wasm_tabletype_limits(t), 3, 8);
  const wasm_memorytype_t* m = wasm_externtype_as_memorytype_const(wasm_exporttype_type(exports.data[3]));
  check_limits(wasm_memorytype_limits(m), 2, 5);
  wasm_exporttype_vec_delete(&exports);

  /* The same types from the instance's externs. */
  wasm_functype_t* ft = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_i64());
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR);
  wasm_limits_t tl = {1, wasm_limits_max_default};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
  wasm_val_t zero = WASM_F32_VAL(0);
  wasm_func_t* hf = wasm_func_new(store, ft, NULL);
  CHECK(hf == NULL);  /* no callback */
  wasm_global_t* hg = wasm_global_new(store, gt, &zero);
  wasm_table_t* ht = wasm_table_new(store, tt, NULL);
  CHECK(hg && ht);
  wasm_externtype_t* ext = wasm_extern_type(wasm_table_as_extern(ht));
  CHECK(wasm_externtype_kind(ext) == WASM_EXTERN_TABLE);
  wasm_externtype_delete(ext);
  wasm_functype_delete(ft);
  wasm_globaltype_delete(gt);
  wasm_tabletype_delete(tt);
  wasm_global_delete(hg);
  wasm_table_delete(ht);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("reflect: ok\n");
  return 0;
}
