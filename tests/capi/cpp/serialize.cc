// A module serialized, deserialized (in another store) and run.
#include "example.hh"

static int32_t seen = 0;

static auto hello(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  seen = args[0].i32();
  return nullptr;
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto module = load_module(store_.get(), "serialize.wasm");
  auto serialized = module->serialize();
  CHECK(serialized && serialized.size() > 8);
  module.reset();
  store_.reset();

  auto other_ = wasm::Store::make(engine.get());
  auto store = other_.get();
  auto deserialized = wasm::Module::deserialize(store, serialized);
  CHECK(deserialized);
  auto exports_types = deserialized->exports();
  CHECK(exports_types.size() == 1 && exports_types[0]->type()->kind() == wasm::ExternKind::FUNC);
  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto func = wasm::Func::make(store, type.get(), hello);
  auto instance = instantiate(store, deserialized.get(), wasm::vec<wasm::Extern*>::make(func.get()));
  auto exports = instance->exports();
  auto args = wasm::vec<wasm::Val>::make();
  auto results = wasm::vec<wasm::Val>::make();
  CHECK(!export_func(exports, 0)->call(args, results));
  CHECK(seen == 42);
  // Garbage does not deserialize.
  CHECK(!wasm::Module::deserialize(store, wasm::vec<byte_t>::make(std::string("\x01\x02\x03"))));
  CHECK(!wasm::Module::deserialize(store, wasm::vec<byte_t>::invalid()));
  std::printf("serialize: ok\n");
  return 0;
}
