// A start function that traps: instantiation fails with the trap and its trace.
#include "example.hh"

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "start.wasm");
  wasm::own<wasm::Trap> trap;
  auto instance = wasm::Instance::make(store, module.get(), wasm::vec<wasm::Extern*>::make(), &trap);
  CHECK(!instance && trap);
  CHECK(message_of(trap.get()).find("unreachable") != std::string::npos);
  auto trace = trap->trace();
  CHECK(trace.size() == 2);
  CHECK(trace[0]->func_index() == 1 && trace[1]->func_index() == 0);  // $boom, called by $start
  CHECK(trap->origin()->func_index() == 1);
  // Without a place for the trap, the failure is the null result alone.
  CHECK(!wasm::Instance::make(store, module.get(), wasm::vec<wasm::Extern*>::make()));
  std::printf("start: ok\n");
  return 0;
}
