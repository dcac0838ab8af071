// A memory from both sides: wasm loads and stores, the host reads, writes
// and grows it; out-of-bounds access traps.
#include "example.hh"

static auto call(const wasm::Func* f, wasm::vec<wasm::Val> args) -> wasm::vec<wasm::Val> {
  auto results = wasm::vec<wasm::Val>::make_uninitialized(f->result_arity());
  auto trap = f->call(args, results);
  CHECK(!trap);
  return results;
}

static void check_trap(const wasm::Func* f, wasm::vec<wasm::Val> args) {
  auto results = wasm::vec<wasm::Val>::make_uninitialized(f->result_arity());
  auto trap = f->call(args, results);
  CHECK(trap && message_of(trap.get()).find("out of bounds") != std::string::npos);
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "memory.wasm");
  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make());
  auto exports = instance->exports();
  CHECK(exports.size() == 4 && exports[0]->kind() == wasm::EXTERN_MEMORY);
  auto memory = exports[0]->memory();
  auto size = export_func(exports, 1), load = export_func(exports, 2), store_func = export_func(exports, 3);

  CHECK(memory->size() == 2 && memory->data_size() == 2 * wasm::Memory::page_size);
  CHECK(memory->type()->limits().min == 2 && memory->type()->limits().max == 3);
  CHECK(memory->data()[0] == 0 && memory->data()[0x1000] == 1 && memory->data()[0x1003] == 4);
  CHECK(call(size, wasm::vec<wasm::Val>::make())[0].i32() == 2);
  CHECK(call(load, wasm::vec<wasm::Val>::make(wasm::Val::i32(0x1002)))[0].i32() == 3);
  check_trap(load, wasm::vec<wasm::Val>::make(wasm::Val::i32(0x20000)));

  // Writes from either side are seen by the other.
  memory->data()[0x1002] = 5;
  CHECK(call(load, wasm::vec<wasm::Val>::make(wasm::Val::i32(0x1002)))[0].i32() == 5);
  call(store_func, wasm::vec<wasm::Val>::make(wasm::Val::i32(0x1002), wasm::Val::i32(7)));
  CHECK(memory->data()[0x1002] == 7);
  check_trap(store_func, wasm::vec<wasm::Val>::make(wasm::Val::i32(0x20000), wasm::Val::i32(0)));

  // Growing: up to the maximum of 3 pages, and no further.
  CHECK(memory->grow(1) && memory->size() == 3);
  CHECK(call(size, wasm::vec<wasm::Val>::make())[0].i32() == 3);
  call(store_func, wasm::vec<wasm::Val>::make(wasm::Val::i32(0x20000), wasm::Val::i32(6)));
  CHECK(memory->data()[0x20000] == 6);
  CHECK(!memory->grow(1) && memory->size() == 3);
  CHECK(memory->grow(0));

  // A memory made by the host.
  auto type = wasm::MemoryType::make(wasm::Limits(5, 5));
  auto host_memory = wasm::Memory::make(store, type.get());
  CHECK(host_memory && host_memory->size() == 5 && host_memory->data_size() == 5 * 0x10000);
  CHECK(!host_memory->grow(1) && host_memory->grow(0));
  auto unbounded = wasm::MemoryType::make(wasm::Limits(1));
  CHECK(unbounded->limits().max == 0xffffffffu);
  std::printf("memory: ok\n");
  return 0;
}
