// One store, a linker and an instantiated module, with helpers to call the
// module's exports: what the runtime tests share whether they write their
// modules in the text format or with wasm_builder.hpp.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mywasm/mywasm.hpp"

namespace mywasm::test {

struct InstanceHarness {
  explicit InstanceHarness(Config config = {}) : engine(config) {}

  // Compiles and instantiates a module (imports resolved by `linker`).
  // Use under ASSERT_NO_FATAL_FAILURE where later steps depend on it.
  void instantiate(std::span<const uint8_t> bytes) {
    auto module = mywasm::Module::compile(engine, bytes);
    ASSERT_TRUE(module.ok()) << module.error().to_string();
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst.ok()) << inst.error().to_string();
    instance = *inst;
  }
  void instantiate_wat(std::string_view wat) {
    auto bytes = wat_to_wasm(wat);
    ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();
    instantiate(*bytes);
  }

  Result<std::vector<Value>> call(std::string_view name, std::initializer_list<Value> args) {
    auto f = instance.func(store, name);
    EXPECT_TRUE(f.has_value()) << name;
    return f->call(store, args);
  }
  // The first result of a call that must succeed (a default Value if it
  // fails, which fails the test, or returns nothing).
  Value call1(std::string_view name, std::initializer_list<Value> args) {
    auto r = call(name, args);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().to_string());
    if (!r.ok() || r->empty()) return Value();
    return (*r)[0];
  }
  // The trap message of a call that must trap, else what happened instead.
  std::string trap_of(std::string_view name, std::initializer_list<Value> args) {
    auto r = call(name, args);
    if (r.ok()) return "no trap";
    if (!r.error().trap) return "not a trap: " + r.error().message;
    return r.error().trap->message;
  }

  // What the store keeps of the exported function `name` (its
  // FuncInstance: code, translation, counters), for tests that look inside
  // (they include runtime/store.hpp; a template, so that this header need
  // not); no such export throws (the test fails).
  template <class S = Store>
  auto& func_instance(std::string_view name) {
    auto f = instance.func(store, name);
    if (!f) throw std::runtime_error("no exported function " + std::string(name));
    return *static_cast<S&>(store).impl().funcs[f->addr()];
  }

  Engine engine;
  Store store{engine};
  Linker linker{engine};
  Instance instance;
};

}  // namespace mywasm::test
