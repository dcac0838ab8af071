// Host references (foreign objects) as externref values: kept by wasm in a
// global and a table, passed through a host function, and back as the same object.
#include "example.hh"

static auto echo(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  results[0] = args[0].copy();
  return nullptr;
}

static auto call(const wasm::Func* f, wasm::vec<wasm::Val> args) -> wasm::vec<wasm::Val> {
  auto results = wasm::vec<wasm::Val>::make_uninitialized(f->result_arity());
  CHECK(!f->call(args, results));
  return results;
}

static auto ref_val(const wasm::Ref* r) -> wasm::Val { return r ? wasm::Val::ref(r->copy()) : wasm::Val(); }

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "hostref.wasm");
  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ANYREF)),
                                   wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ANYREF)));
  auto echo_func = wasm::Func::make(store, type.get(), echo);
  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make(echo_func.get()));
  auto exports = instance->exports();
  CHECK(exports.size() == 7);
  auto global = exports[0]->global();
  auto table = exports[1]->table();
  auto global_set = export_func(exports, 2), global_get = export_func(exports, 3);
  auto table_set = export_func(exports, 4), table_get = export_func(exports, 5);
  auto echo_export = export_func(exports, 6);

  auto a = wasm::Foreign::make(store), b = wasm::Foreign::make(store);
  int payload = 7;
  a->set_host_info(&payload);
  CHECK(!a->same(b.get()));

  // Through a global.
  CHECK(!call(global_get, wasm::vec<wasm::Val>::make())[0].ref());
  call(global_set, wasm::vec<wasm::Val>::make(ref_val(a.get())));
  auto got = call(global_get, wasm::vec<wasm::Val>::make());
  CHECK(got[0].ref() && got[0].ref()->same(a.get()) && got[0].ref()->get_host_info() == &payload);
  CHECK(global->get().ref()->same(a.get()));
  global->set(ref_val(b.get()));
  CHECK(call(global_get, wasm::vec<wasm::Val>::make())[0].ref()->same(b.get()));

  // Through a table.
  call(table_set, wasm::vec<wasm::Val>::make(wasm::Val::i32(1), ref_val(b.get())));
  CHECK(call(table_get, wasm::vec<wasm::Val>::make(wasm::Val::i32(1)))[0].ref()->same(b.get()));
  CHECK(table->get(1)->same(b.get()) && !table->get(0));
  CHECK(table->set(2, a.get()));
  CHECK(call(table_get, wasm::vec<wasm::Val>::make(wasm::Val::i32(2)))[0].ref()->same(a.get()));

  // Through a host function, null included.
  CHECK(call(echo_export, wasm::vec<wasm::Val>::make(ref_val(a.get())))[0].ref()->same(a.get()));
  CHECK(!call(echo_export, wasm::vec<wasm::Val>::make(ref_val(nullptr)))[0].ref());
  // A function is a reference too.
  CHECK(call(echo_export, wasm::vec<wasm::Val>::make(ref_val(echo_func.get())))[0].ref()->same(echo_func.get()));
  std::printf("hostref: ok\n");
  return 0;
}
