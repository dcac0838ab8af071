/* Traps: raised by a host function or by wasm, with message and frames
 * (the trapping instruction, each caller's call). */
#include "example.h"

static wasm_store_t* the_store;

static wasm_trap_t* fail(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new(the_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static void print_frame(const wasm_frame_t* frame) {
  printf("> frame: instance %p, function %u, function offset 0x%zx, module offset 0x%zx\n",
         (void*)wasm_frame_instance(frame), wasm_frame_func_index(frame), wasm_frame_func_offset(frame),
         wasm_frame_module_offset(frame));
}

static wasm_byte_vec_t the_binary;

/* Calls `f`, expects a trap whose message contains `text`; returns its
 * innermost frame's function index. The innermost frame is at the trapping
 * instruction (`opcode`), the others at their calls, in every tier. */
static uint32_t expect_trap(wasm_func_t* f, const char* text, wasm_instance_t* instance, unsigned char opcode) {
  wasm_val_t rv[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(rv);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  CHECK(trap != NULL);
  wasm_message_t message;
  printf("trap: %s\n", trap_text(trap, &message));
  CHECK(strstr(message.data, text) != NULL);
  wasm_byte_vec_delete(&message);

  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  print_frame(origin);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size >= 1);
  for (size_t i = 0; i < trace.size; ++i) print_frame(trace.data[i]);
  CHECK(wasm_frame_func_index(trace.data[0]) == wasm_frame_func_index(origin));
  /* Every frame (all are wasm functions here) names the instance it runs
   * in, and lies inside the module (cpp/trap.cc checks the offsets). */
  for (size_t i = 0; i < trace.size; ++i) {
    const size_t at = wasm_frame_module_offset(trace.data[i]);
    CHECK(wasm_frame_instance(trace.data[i]) != NULL);
    CHECK(wasm_instance_same(wasm_frame_instance(trace.data[i]), instance));
    CHECK(at > wasm_frame_func_offset(trace.data[i]) && wasm_frame_func_offset(trace.data[i]) > 0);
    CHECK(at < the_binary.size && (unsigned char)the_binary.data[at] == (i == 0 ? opcode : 0x10));
  }
  CHECK(wasm_frame_module_offset(origin) == wasm_frame_module_offset(trace.data[0]));
  uint32_t index = wasm_frame_func_index(origin);
  wasm_frame_t* copy = wasm_frame_copy(origin);
  CHECK(wasm_frame_func_index(copy) == index);
  wasm_frame_delete(copy);
  wasm_frame_delete(origin);
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
  return index;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = the_store = wasm_store_new(engine);
  read_binary("trap.wasm", &the_binary);
  wasm_module_t* module = wasm_module_new(store, &the_binary);
  CHECK(module != NULL);

  wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* fail_func = wasm_func_new(store, type, fail);
  wasm_functype_delete(type);
  wasm_extern_t* imports_data[] = {wasm_func_as_extern(fail_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  CHECK(exports.size == 7);
  /* The host's trap: the innermost frame is its wasm caller's, at the call. */
  CHECK(expect_trap(wasm_extern_as_func(exports.data[0]), "callback abort", instance, 0x10) == 1);
  /* unreachable in $deep (function 2), called from function 3 */
  CHECK(expect_trap(wasm_extern_as_func(exports.data[1]), "unreachable", instance, 0x00) == 2);
  CHECK(expect_trap(wasm_extern_as_func(exports.data[2]), "divide by zero", instance, 0x6e) == 4);  /* i32.div_u */
  CHECK(expect_trap(wasm_extern_as_func(exports.data[3]), "out of bounds", instance, 0x28) == 6);   /* i32.load */
  CHECK(expect_trap(wasm_extern_as_func(exports.data[4]), "uninitialized", instance, 0x11) == 8);   /* call_indirect */
  CHECK(expect_trap(wasm_extern_as_func(exports.data[5]), "type mismatch", instance, 0x11) == 10);
  /* Stack exhaustion: at the recursive call (every frame is one). */
  CHECK(expect_trap(wasm_extern_as_func(exports.data[6]), "call stack exhausted", instance, 0x10) == 12);

  /* A trap made by the host: its message round-trips, it has no frames. */
  wasm_message_t message;
  wasm_name_new_from_string(&message, "made here");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  CHECK(strcmp(trap_text(trap, &message), "made here") == 0);
  wasm_byte_vec_delete(&message);
  CHECK(wasm_trap_origin(trap) == NULL);
  wasm_trap_t* copy = wasm_trap_copy(trap);
  CHECK(wasm_trap_same(trap, copy));
  wasm_trap_delete(copy);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail_func);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&the_binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("trap: ok\n");
  return 0;
}
