// Globals: imported (const and mutable) and exported, read and written
// from wasm and from the host.
#include "example.hh"

static auto call(const wasm::Func* f, wasm::vec<wasm::Val> args = wasm::vec<wasm::Val>::make())
    -> wasm::vec<wasm::Val> {
  auto results = wasm::vec<wasm::Val>::make_uninitialized(f->result_arity());
  CHECK(!f->call(args, results));
  return results;
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "global.wasm");

  auto const_type = wasm::GlobalType::make(wasm::ValType::make(wasm::I32), wasm::CONST);
  auto var_type = wasm::GlobalType::make(wasm::ValType::make(wasm::I64), wasm::VAR);
  auto const_global = wasm::Global::make(store, const_type.get(), wasm::Val::i32(1));
  auto var_global = wasm::Global::make(store, var_type.get(), wasm::Val::i64(2));
  CHECK(const_global && var_global);
  CHECK(!wasm::Global::make(store, const_type.get(), wasm::Val::i64(1)));  // value of another kind

  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make(const_global.get(), var_global.get()));
  auto exports = instance->exports();
  CHECK(exports.size() == 6);
  auto counter = exports[0]->global(), pi = exports[1]->global();
  CHECK(counter && pi);
  auto get_const = export_func(exports, 2), get_var = export_func(exports, 3);
  auto set_var = export_func(exports, 4), bump = export_func(exports, 5);

  CHECK(call(get_const)[0].i32() == 1 && call(get_var)[0].i64() == 2);
  CHECK(pi->get().kind() == wasm::F64 && pi->get().f64() == 3.25);
  CHECK(pi->type()->mutability() == wasm::CONST && counter->type()->mutability() == wasm::VAR);

  // Host writes, wasm reads.
  var_global->set(wasm::Val::i64(40));
  CHECK(call(get_var)[0].i64() == 40);
  // Wasm writes, host reads.
  call(set_var, wasm::vec<wasm::Val>::make(wasm::Val::i64(-5)));
  CHECK(var_global->get().i64() == -5);
  CHECK(call(bump)[0].i32() == 11 && counter->get().i32() == 11);
  counter->set(wasm::Val::i32(100));
  CHECK(call(bump)[0].i32() == 101);

  // Immutable globals and values of another kind are left alone.
  const_global->set(wasm::Val::i32(9));
  CHECK(const_global->get().i32() == 1 && call(get_const)[0].i32() == 1);
  counter->set(wasm::Val::f32(1.0f));
  CHECK(counter->get().i32() == 101);
  std::printf("global: ok\n");
  return 0;
}
