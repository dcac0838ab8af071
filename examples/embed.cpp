// Embedding mywasm: define a host function, instantiate a module, call its
// exports and read its linear memory.
#include <cstdio>
#include <string_view>

#include "mywasm/mywasm.hpp"

static constexpr std::string_view kWat = R"((module
  (import "host" "square" (func $square (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; Writes square(i) for i in [0, n) as i32s from address 0; returns their sum.
  (func (export "fill_squares") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $sq i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sq (call $square (local.get $i)))
        (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $sq))
        (local.set $sum (i32.add (local.get $sum) (local.get $sq)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
)";

int main() {
  mywasm::Engine engine;
  auto bytes = mywasm::wat_to_wasm(kWat);
  if (!bytes) return std::fprintf(stderr, "%s\n", bytes.error().to_string().c_str()), 1;
  auto module = mywasm::Module::compile(engine, *bytes);
  if (!module) return std::fprintf(stderr, "%s\n", module.error().to_string().c_str()), 1;

  mywasm::Store store(engine);
  mywasm::Linker linker(engine);
  linker.func_wrap(store, "host", "square", [](int32_t x) -> int32_t { return x * x; });
  auto instance = linker.instantiate(store, *module);
  if (!instance) return std::fprintf(stderr, "%s\n", instance.error().to_string().c_str()), 1;

  auto fill = instance->func(store, "fill_squares");
  auto result = fill->call(store, {mywasm::Value::i32(10)});
  if (!result) return std::fprintf(stderr, "%s\n", result.error().to_string().c_str()), 1;
  std::printf("sum of squares below 10: %d\n", (*result)[0].i32());

  auto memory = instance->memory(store, "memory");
  const uint8_t* data = memory->data(store);
  std::printf("memory[9] = %d\n", data[9 * 4] | data[9 * 4 + 1] << 8);
  return 0;
}
