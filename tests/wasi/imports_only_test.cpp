// Context::add_imports_to_linker defines the WASI functions a module
// imports and no others, and instantiating through it fails or succeeds
// exactly as through add_to_linker.
#include <gtest/gtest.h>

#include "mywasm/mywasm.hpp"
#include "mywasm/wasi.hpp"

namespace mywasm::wasi {
namespace {

constexpr const char* kModule = "wasi_snapshot_preview1";

// The outcome of instantiating `wat` with the WASI functions defined by
// add_imports_to_linker (imports_only) or add_to_linker, and whether the
// linker then has each of `names`.
struct Outcome {
  std::string error;  // empty: instantiated
  std::vector<bool> defined;
};

Outcome instantiate(const char* wat, bool imports_only, const std::vector<std::string>& names) {
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  auto ctx = Context::create(Config{});
  EXPECT_TRUE(ctx.ok());
  auto bytes = wat_to_wasm(wat);
  EXPECT_TRUE(bytes.ok());
  auto module = Module::compile(engine, *bytes);
  EXPECT_TRUE(module.ok());
  if (imports_only)
    (*ctx)->add_imports_to_linker(store, linker, *module);
  else
    (*ctx)->add_to_linker(store, linker);
  Outcome out;
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) out.error = instance.error().to_string();
  for (const std::string& name : names) out.defined.push_back(linker.get(kModule, name).has_value());
  return out;
}

TEST(WasiImportsOnly, DefinesWhatTheModuleImports) {
  const char* wat = R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    (memory (export "memory") 1)))";
  const std::vector<std::string> names{"fd_write", "proc_exit", "fd_read", "path_open"};
  Outcome only = instantiate(wat, true, names);
  EXPECT_EQ(only.error, "");
  EXPECT_EQ(only.defined, (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(instantiate(wat, false, names).defined, (std::vector<bool>{true, true, true, true}));
}

TEST(WasiImportsOnly, FailsAsAddToLinkerDoes) {
  for (const char* wat : {
           // A name WASI does not have.
           R"((module (import "wasi_snapshot_preview1" "no_such_call" (func))))",
           // A WASI function with the wrong type.
           R"((module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))))",
           // A WASI function's name imported as a memory.
           R"((module (import "wasi_snapshot_preview1" "fd_write" (memory 1))))",
       }) {
    SCOPED_TRACE(wat);
    const std::string error = instantiate(wat, true, {}).error;
    EXPECT_NE(error, "");
    EXPECT_EQ(error, instantiate(wat, false, {}).error);
  }
}

}  // namespace
}  // namespace mywasm::wasi
