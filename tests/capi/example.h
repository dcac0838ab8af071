/* Helpers shared by the C API example tests: loading a module file,
 * checks that end the program with a message. */
#ifndef MYWASM_TEST_EXAMPLE_H
#define MYWASM_TEST_EXAMPLE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

/* Reads `path` (a .wasm file beside the test) into an owned byte vector. */
static inline void read_binary(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  CHECK(f != NULL);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  CHECK(fread(out->data, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
}

static inline wasm_module_t* load_module(wasm_store_t* store, const char* path) {
  wasm_byte_vec_t binary;
  read_binary(path, &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  CHECK(module != NULL);
  return module;
}

/* The trap's message as a C string (owned by `buf`). */
static inline const char* trap_text(const wasm_trap_t* trap, wasm_message_t* buf) {
  wasm_trap_message(trap, buf);
  CHECK(buf->size > 0 && buf->data[buf->size - 1] == '\0');
  return buf->data;
}

#endif
