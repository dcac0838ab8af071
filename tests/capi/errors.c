/* Bad input through the C API gives NULL, false or a trap, never a crash. */
#include "example.h"

static wasm_trap_t* add_one(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

static wasm_trap_t* wrong_result(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_F64;  /* declared i32 */
  results->data[0].of.f64 = 1.0;
  return NULL;
}

static void expect_trap(wasm_trap_t* trap, const char* text) {
  CHECK(trap != NULL);
  wasm_message_t m;
  printf("trap: %s\n", trap_text(trap, &m));
  CHECK(strstr(m.data, text) != NULL);
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new_with_config(wasm_config_new());
  wasm_store_t* store = wasm_store_new(engine);

  /* Not a module, and an invalid one (i32.add on nothing). */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 8, "\0asm\2\0\0\0");
  CHECK(wasm_module_new(store, &junk) == NULL && !wasm_module_validate(store, &junk));
  wasm_byte_vec_delete(&junk);
  static const char invalid[] = "\0asm\1\0\0\0"
                                "\1\5\1\x60\0\1\x7f"  /* type: [] -> [i32] */
                                "\3\2\1\0"            /* func 0: type 0 */
                                "\n\5\1\3\0\x6a\x0b"; /* body: i32.add end */
  wasm_byte_vec_t bad = {sizeof invalid - 1, (char*)invalid};
  CHECK(wasm_module_new(store, &bad) == NULL && !wasm_module_validate(store, &bad));
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_module_new(store, &empty) == NULL);

  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, type, add_one);
  wasm_func_t* g = wasm_func_new(store, type, wrong_result);
  wasm_functype_delete(type);

  wasm_val_t r[] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t one_result = {1, r}, two_results = {2, r}, no_results = WASM_EMPTY_VEC;
  wasm_val_t ok_args[] = {WASM_I32_VAL(41)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(ok_args);
  CHECK(wasm_func_call(f, &args, &one_result) == NULL && r[0].of.i32 == 42);

  /* Wrong number of arguments or results, wrong kinds. */
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;
  expect_trap(wasm_func_call(f, &no_args, &one_result), "arguments");
  expect_trap(wasm_func_call(f, NULL, &one_result), "arguments");
  expect_trap(wasm_func_call(f, &args, &no_results), "results");
  expect_trap(wasm_func_call(f, &args, &two_results), "results");
  wasm_val_t f64_arg[] = {WASM_F64_VAL(1.0)};
  wasm_val_vec_t wrong_args = WASM_ARRAY_VEC(f64_arg);
  expect_trap(wasm_func_call(f, &wrong_args, &one_result), "argument 0");
  wasm_val_t funcref_arg[] = {{.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(f)}}};
  wasm_val_vec_t ref_args = WASM_ARRAY_VEC(funcref_arg);
  expect_trap(wasm_func_call(f, &ref_args, &one_result), "argument 0");
  /* A host function that returns the wrong kind of result traps. */
  expect_trap(wasm_func_call(g, &args, &one_result), "wrong type");

  /* Instantiation with missing imports or imports of the wrong type. */
  wasm_module_t* module = load_module(store, "callback.wasm");
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(store, module, &no_imports, &trap) == NULL);
  expect_trap(trap, "imports");
  wasm_extern_t* two[] = {wasm_func_as_extern(f), wasm_func_as_extern(f)};  /* "closure" wants [] -> [i32] */
  wasm_extern_vec_t wrong_imports = WASM_ARRAY_VEC(two);
  CHECK(wasm_instance_new(store, module, &wrong_imports, &trap) == NULL);
  expect_trap(trap, "incompatible import type");
  /* An extern of another store. */
  wasm_store_t* other = wasm_store_new(engine);
  CHECK(wasm_instance_new(other, module, &wrong_imports, &trap) == NULL);
  expect_trap(trap, "another store");
  /* Functions of another store do not go into this store's tables. */
  wasm_limits_t limits = {1, 1};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* foreign_table = wasm_table_new(other, tt, NULL);
  CHECK(foreign_table != NULL && !wasm_table_set(foreign_table, 0, wasm_func_as_ref(f)));
  CHECK(wasm_table_new(other, tt, wasm_func_as_ref(f)) == NULL);
  wasm_tabletype_delete(tt);
  wasm_table_delete(foreign_table);
  wasm_store_delete(other);

  /* Downcasts of the wrong kind give NULL. */
  CHECK(wasm_extern_as_memory(wasm_func_as_extern(f)) == NULL);
  CHECK(wasm_ref_as_trap(wasm_func_as_ref(f)) == NULL);
  CHECK(wasm_ref_as_func(wasm_func_as_ref(f)) == f);

  wasm_module_delete(module);
  wasm_func_delete(f);
  wasm_func_delete(g);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("errors: ok\n");
  return 0;
}
