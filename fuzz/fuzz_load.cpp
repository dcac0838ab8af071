// libFuzzer target: arbitrary bytes through decode + validate + instantiate
// (segment initialisation and the start function included). Imports are
// satisfied with stubs of the exact types the module asks for, so the
// fuzzer reaches instantiation, not just the linker's checks. Exports are
// not called: valid wasm may loop forever, and without fuel metering that
// would read as a hang.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mywasm/mywasm.hpp"
#include "stub_imports.hpp"

using namespace mywasm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Config config;
  config.max_call_depth = 200;  // keep runaway recursion cheap
  Engine engine(config);
  auto module = Module::compile(engine, std::span<const uint8_t>(data, size));
  if (!module.ok()) return 0;
  Store store(engine);
  Linker linker(engine);
  fuzz::define_stub_imports(store, linker, *module);
  (void)linker.instantiate(store, *module);
  return 0;
}
