// A funcref table: read, written and grown by the host; call_indirect through it.
#include "example.hh"

static auto call_indirect(const wasm::Func* f, int32_t arg, int32_t slot, int32_t* result) -> bool {
  auto args = wasm::vec<wasm::Val>::make(wasm::Val::i32(arg), wasm::Val::i32(slot));
  auto results = wasm::vec<wasm::Val>::make_uninitialized(1);
  if (f->call(args, results)) return false;
  *result = results[0].i32();
  return true;
}

static auto neg(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  results[0] = wasm::Val::i32(-args[0].i32());
  return nullptr;
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "table.wasm");
  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make());
  auto exports = instance->exports();
  CHECK(exports.size() == 4);
  auto table = exports[0]->table();
  auto inc = export_func(exports, 1), ci = export_func(exports, 2);
  CHECK(table && table->size() == 2);
  CHECK(table->type()->limits().min == 2 && table->type()->limits().max == 10);

  int32_t r = 0;
  CHECK(call_indirect(ci, 5, 1, &r) && r == 6);
  CHECK(!call_indirect(ci, 5, 0, &r));  // null element
  CHECK(!call_indirect(ci, 5, 2, &r));  // out of bounds
  CHECK(!table->get(0) && table->get(1) && !table->get(2));
  CHECK(table->get(1)->same(inc));

  // A host function in the table.
  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)),
                                   wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto neg_func = wasm::Func::make(store, type.get(), neg);
  CHECK(table->set(0, neg_func.get()));
  CHECK(call_indirect(ci, 5, 0, &r) && r == -5);
  CHECK(!table->set(2, neg_func.get()));
  CHECK(table->set(0, nullptr) && !table->get(0));

  // A function passed as a funcref argument (wasm.hh's Val holds every
  // reference as ANYREF); a value that is no function is refused.
  auto call_ref = export_func(exports, 3);
  auto args = wasm::vec<wasm::Val>::make(wasm::Val::ref(neg_func->copy()), wasm::Val::i32(9));
  auto results = wasm::vec<wasm::Val>::make_uninitialized(1);
  CHECK(!call_ref->call(args, results) && results[0].i32() == -9);
  auto foreign = wasm::Foreign::make(store);
  args = wasm::vec<wasm::Val>::make(wasm::Val::ref(foreign->copy()), wasm::Val::i32(9));
  CHECK(call_ref->call(args, results));

  // Growing, with and without an initial element, up to the maximum.
  CHECK(table->grow(3, neg_func.get()) && table->size() == 5);
  CHECK(call_indirect(ci, 7, 4, &r) && r == -7);
  CHECK(table->grow(5) && table->size() == 10 && !table->get(9));
  CHECK(!table->grow(1) && table->size() == 10);

  // A table made by the host.
  auto ttype = wasm::TableType::make(wasm::ValType::make(wasm::FUNCREF), wasm::Limits(3, 3));
  auto host_table = wasm::Table::make(store, ttype.get(), inc);
  CHECK(host_table && host_table->size() == 3 && host_table->get(2)->same(inc));
  std::printf("table: ok\n");
  return 0;
}
