// Host functions with and without environment: run(a, b) = print(a + b) + closure().
#include "example.hh"

static int32_t printed = -1;

static auto print(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  CHECK(args.size() == 1 && args[0].kind() == wasm::ValKind::I32 && results.size() == 1);
  printed = args[0].i32();
  results[0] = args[0].copy();
  return nullptr;
}

static auto closure(void* env, const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results)
    -> wasm::own<wasm::Trap> {
  results[0] = wasm::Val::i32(*static_cast<int*>(env));
  return nullptr;
}

static int finalized = 0;
static void finalize(void* env) { finalized = *static_cast<int*>(env); }

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "callback.wasm");

  auto print_type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ValKind::I32)),
                                         wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ValKind::I32)));
  auto print_func = wasm::Func::make(store, print_type.get(), print);
  int i = 42;
  auto closure_type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(),
                                           wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto closure_func = wasm::Func::make(store, closure_type.get(), closure, &i, finalize);
  CHECK(print_func && closure_func);

  // The reflected type is the one given.
  auto t = print_func->type();
  CHECK(t->params().size() == 1 && t->params()[0]->kind() == wasm::I32);
  CHECK(t->results().size() == 1 && t->results()[0]->is_num());

  auto imports = wasm::vec<wasm::Extern*>::make(print_func.get(), closure_func.get());
  auto instance = instantiate(store, module.get(), imports);
  auto exports = instance->exports();
  auto run = export_func(exports, 0);

  auto args = wasm::vec<wasm::Val>::make(wasm::Val::i32(3), wasm::Val::i32(4));
  auto results = wasm::vec<wasm::Val>::make_uninitialized(1);
  CHECK(!run->call(args, results));
  CHECK(printed == 7 && results[0].kind() == wasm::I32 && results[0].i32() == 7 + 42);

  // An argument of the wrong kind is a trap.
  auto bad = wasm::vec<wasm::Val>::make(wasm::Val::i64(3), wasm::Val::i32(4));
  CHECK(run->call(bad, results));

  // Imports given as owned externs (the form of some published examples)
  // link the same; they stay the caller's.
  {
    auto owned = wasm::ownvec<wasm::Extern>::make(print_func->copy(), closure_func->copy());
    wasm::own<wasm::Trap> trap;
    auto again = wasm::Instance::make(store, module.get(), owned, &trap);
    CHECK(again && !trap && owned.size() == 2 && owned[0]);
    auto again_exports = again->exports();
    CHECK(!export_func(again_exports, 0)->call(args, results));
    CHECK(printed == 7 && results[0].i32() == 7 + 42);
  }

  // The closure's finalizer runs with its store.
  CHECK(finalized == 0);
  exports = wasm::ownvec<wasm::Extern>::make();
  instance.reset();
  print_func.reset();
  closure_func.reset();
  store_.reset();
  CHECK(finalized == 42);
  std::printf("callback: ok\n");
  return 0;
}
