// A WASI context linked into one instantiated module with a memory, for
// tests that drive WASI functions the way a guest calls them: through the
// module's exports, with raw pointers into its linear memory.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "errno.hpp"
#include "mywasm/mywasm.hpp"
#include "mywasm/wasi.hpp"

namespace mywasm::wasi::testing {

// A WASI function to re-export: its name, its wasm parameter types
// (space-separated) and whether it returns an errno.
struct WasiImport {
  std::string name;
  std::string params;
  bool returns_errno = true;
};

// Host functions see the memory of the wasm function calling them, so each
// import gets a wasm wrapper export of the same name that forwards its
// arguments. The module exports one page of memory as "memory".
inline std::string wasi_wrapper_module(std::span<const WasiImport> imports) {
  std::string wat = "(module\n";
  for (const WasiImport& imp : imports) {
    std::string result = imp.returns_errno ? " (result i32)" : "";
    wat += "  (import \"wasi_snapshot_preview1\" \"" + imp.name + "\" (func $" + imp.name + " (param " + imp.params +
           ")" + result + "))\n";
  }
  wat += "  (memory (export \"memory\") 1)\n";
  for (const WasiImport& imp : imports) {
    const size_t count = imp.params.empty() ? 0 : 1 + std::count(imp.params.begin(), imp.params.end(), ' ');
    std::string forward;
    for (size_t i = 0; i < count; ++i) forward += " (local.get " + std::to_string(i) + ")";
    std::string result = imp.returns_errno ? " (result i32)" : "";
    wat += "  (func (export \"" + imp.name + "\") (param " + imp.params + ")" + result + " (call $" + imp.name +
           forward + "))\n";
  }
  return wat + ")";
}

class WasiFixture : public ::testing::Test {
 protected:
  // Creates the context from `config`, links it and instantiates `wat`,
  // which must export its memory as "memory". Use under
  // ASSERT_NO_FATAL_FAILURE.
  void instantiate(const Config& config, std::string_view wat) {
    auto ctx = Context::create(config);
    ASSERT_TRUE(ctx.ok()) << ctx.error().to_string();
    ctx_ = std::move(ctx.value());
    ctx_->add_to_linker(store_, linker_);
    auto bytes = wat_to_wasm(wat);
    ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();
    auto module = Module::compile(engine_, *bytes);
    ASSERT_TRUE(module.ok()) << module.error().to_string();
    auto instance = linker_.instantiate(store_, *module);
    ASSERT_TRUE(instance.ok()) << instance.error().to_string();
    instance_ = *instance;
    auto memory = instance_.memory(store_, "memory");
    ASSERT_TRUE(memory.has_value()) << "the module exports no memory";
    memory_ = *memory;
  }

  // Calls an export and returns its errno; Success for a function without
  // a result. A trap fails the test and returns Errno::Io.
  Errno call(const char* name, std::span<const Value> args) {
    auto result = instance_.func(store_, name)->call(store_, args);
    EXPECT_TRUE(result.ok()) << name << " trapped: " << result.error().to_string();
    if (!result.ok()) return Errno::Io;
    if (result->empty()) return Errno::Success;
    return static_cast<Errno>(result.value()[0].i32());
  }
  Errno call(const char* name, std::initializer_list<Value> args) {
    return call(name, std::span<const Value>(args.begin(), args.size()));
  }

  uint8_t* mem() { return memory_.data(store_); }
  template <class T>
  T load(uint32_t p) {
    T v;
    std::memcpy(&v, mem() + p, sizeof v);
    return v;
  }
  template <class T>
  void store(uint32_t p, T v) {
    std::memcpy(mem() + p, &v, sizeof v);
  }
  void put_string(uint32_t p, std::string_view s) { std::memcpy(mem() + p, s.data(), s.size()); }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
  std::unique_ptr<Context> ctx_;
  Instance instance_;
  Memory memory_;
};

}  // namespace mywasm::wasi::testing
