// The host function "hello", called from wasm through wasm.hh.
#include "example.hh"

static int calls = 0;

static auto hello(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  CHECK(args.size() == 0 && results.size() == 0);
  ++calls;
  return nullptr;
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "hello.wasm");

  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(), wasm::ownvec<wasm::ValType>::make());
  auto func = wasm::Func::make(store, type.get(), hello);
  CHECK(func && func->param_arity() == 0 && func->result_arity() == 0);

  auto imports = wasm::vec<wasm::Extern*>::make(func.get());
  auto instance = instantiate(store, module.get(), imports);
  auto exports = instance->exports();
  CHECK(exports.size() == 1);
  auto run = export_func(exports, 0);

  auto args = wasm::vec<wasm::Val>::make();
  auto results = wasm::vec<wasm::Val>::make();
  CHECK(!run->call(args, results));
  CHECK(!run->call(args, results));
  CHECK(calls == 2);

  // Wrong arity: a trap, not a crash.
  auto one = wasm::vec<wasm::Val>::make(wasm::Val::i32(1));
  auto trap = run->call(one, results);
  CHECK(trap && message_of(trap.get()).find("argument") != std::string::npos);
  CHECK(calls == 2);
  std::printf("hello: ok\n");
  return 0;
}
