// Host-info finalizers: those of store objects run when the store is
// deleted, those of modules and traps with their last handle.
#include "example.hh"

static int finalized[3] = {0, 0, 0};  // instances, foreign objects, the module
static void count_instance(void*) { ++finalized[0]; }
static void count_foreign(void*) { ++finalized[1]; }
static void count_module(void* data) { finalized[2] += *static_cast<int*>(data); }

int main() {
  auto engine = wasm::Engine::make();
  const int rounds = 50;
  int weight = 1000;
  {
    auto store_ = wasm::Store::make(engine.get());
    auto store = store_.get();
    auto module = load_module(store, "finalize.wasm");
    module->set_host_info(&weight, count_module);
    CHECK(module->get_host_info() == &weight);
    for (int i = 0; i < rounds; ++i) {
      auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make());
      instance->set_host_info(nullptr, count_instance);
      auto foreign = wasm::Foreign::make(store);
      foreign->set_host_info(&finalized, count_foreign);
      CHECK(foreign->get_host_info() == &finalized);
      // Another handle of the same object shares its host info.
      auto copy = foreign->copy();
      CHECK(copy->same(foreign.get()) && copy->get_host_info() == &finalized);
    }
    // Handles are gone, the objects live on with their store.
    CHECK(finalized[0] == 0 && finalized[1] == 0);
    auto copy = module->copy();
    module.reset();
    CHECK(finalized[2] == 0);  // a handle is left
    copy.reset();
    CHECK(finalized[2] == 1000);
  }
  CHECK(finalized[0] == rounds && finalized[1] == rounds);
  std::printf("finalize: ok\n");
  return 0;
}
