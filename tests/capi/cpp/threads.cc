// One module shared by threads: each obtains it in a store of its own and
// runs an instance that reports the thread's id through a host function.
#include <atomic>
#include <thread>

#include "example.hh"

static const int kThreads = 8, kRuns = 20;
static std::atomic<int> sums[kThreads];

static auto hello(void* env, const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results)
    -> wasm::own<wasm::Trap> {
  const int id = args[0].i32();
  CHECK(id == *static_cast<int*>(env));
  sums[id] += 1;
  return nullptr;
}

static void run(wasm::Engine* engine, const wasm::Shared<wasm::Module>* shared, int id) {
  auto store_ = wasm::Store::make(engine);
  auto store = store_.get();
  auto module = wasm::Module::obtain(store, shared);
  CHECK(module);
  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto func = wasm::Func::make(store, type.get(), hello, &id);
  auto gtype = wasm::GlobalType::make(wasm::ValType::make(wasm::I32), wasm::CONST);
  auto global = wasm::Global::make(store, gtype.get(), wasm::Val::i32(id));
  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make(func.get(), global.get()));
  auto exports = instance->exports();
  auto args = wasm::vec<wasm::Val>::make();
  auto results = wasm::vec<wasm::Val>::make();
  for (int i = 0; i < kRuns; ++i) CHECK(!export_func(exports, 0)->call(args, results));
}

int main() {
  auto engine = wasm::Engine::make();
  wasm::own<wasm::Shared<wasm::Module>> shared;
  {
    auto store_ = wasm::Store::make(engine.get());
    auto module = load_module(store_.get(), "threads.wasm");
    shared = module->share();
    CHECK(shared);
  }
  std::thread threads[kThreads];
  for (int id = 0; id < kThreads; ++id) threads[id] = std::thread(run, engine.get(), shared.get(), id);
  for (auto& t : threads) t.join();
  for (int id = 0; id < kThreads; ++id) CHECK(sums[id] == kRuns);
  std::printf("threads: ok\n");
  return 0;
}
