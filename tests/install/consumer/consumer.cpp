// Embeds mywasm through both of its APIs: the C++ API (mywasm.hpp) and
// the standard C API (wasm.h). Reads a .wat file, calls fib(20).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <mywasm/mywasm.hpp>
#include <wasm.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream in(argv[1]);
  std::string wat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bytes = mywasm::wat_to_wasm(wat);
  if (!bytes) return 1;

  mywasm::Engine engine;
  mywasm::Store store(engine);
  auto module = mywasm::Module::compile(engine, *bytes);
  if (!module) return 1;
  mywasm::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) return 1;
  auto result = instance->func(store, "fib")->call(store, {mywasm::Value::i32(20)});
  if (!result) return 1;
  std::printf("C++ API: fib(20) = %d\n", result.value()[0].i32());

  wasm_engine_t* c_engine = wasm_engine_new();
  wasm_store_t* c_store = wasm_store_new(c_engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, bytes->size(), reinterpret_cast<const char*>(bytes->data()));
  wasm_module_t* c_module = wasm_module_new(c_store, &binary);
  wasm_byte_vec_delete(&binary);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
  wasm_instance_t* c_instance = wasm_instance_new(c_store, c_module, &imports, nullptr);
  if (!c_instance) return 1;
  wasm_instance_exports(c_instance, &exports);
  wasm_val_t args_data[] = {WASM_I32_VAL(20)};
  wasm_val_t results_data[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
  if (wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results)) {
    wasm_trap_delete(trap);
    return 1;
  }
  std::printf("C API: fib(20) = %d\n", results_data[0].of.i32);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(c_instance);
  wasm_module_delete(c_module);
  wasm_store_delete(c_store);
  wasm_engine_delete(c_engine);
  return 0;
}
