// Several parameters and results, through a host function that reverses them.
#include "example.hh"

static auto reverse(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  CHECK(args.size() == 4 && results.size() == 4);
  results[0] = wasm::Val::i32(args[3].i32());
  results[1] = wasm::Val::i64(args[2].i64());
  results[2] = wasm::Val::i64(args[1].i64());
  results[3] = wasm::Val::i32(args[0].i32());
  return nullptr;
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "multi.wasm");
  auto type = wasm::FuncType::make(
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32), wasm::ValType::make(wasm::I64),
                                        wasm::ValType::make(wasm::I64), wasm::ValType::make(wasm::I32)),
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32), wasm::ValType::make(wasm::I64),
                                        wasm::ValType::make(wasm::I64), wasm::ValType::make(wasm::I32)));
  auto func = wasm::Func::make(store, type.get(), reverse);
  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make(func.get()));
  auto exports = instance->exports();
  auto roundtrip = export_func(exports, 0);
  CHECK(roundtrip->param_arity() == 4 && roundtrip->result_arity() == 4);

  auto args = wasm::vec<wasm::Val>::make(wasm::Val::i32(1), wasm::Val::i64(int64_t(2) << 40),
                                         wasm::Val::i64(-3), wasm::Val::i32(4));
  auto results = wasm::vec<wasm::Val>::make_uninitialized(4);
  CHECK(!roundtrip->call(args, results));
  CHECK(results[0].i32() == 4 && results[1].i64() == -3 && results[2].i64() == int64_t(2) << 40 &&
        results[3].i32() == 1);
  // Room for too few results: a trap.
  auto short_results = wasm::vec<wasm::Val>::make_uninitialized(3);
  CHECK(roundtrip->call(args, short_results));
  std::printf("multi: ok\n");
  return 0;
}
