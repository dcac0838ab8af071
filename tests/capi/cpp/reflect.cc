// Reflection: a module's imports and exports, and the types of an instance's exports.
#include <cstring>

#include "example.hh"

static bool is(const wasm::Name& name, const char* text) {
  return name.size() == std::strlen(text) && std::memcmp(name.get(), text, name.size()) == 0;
}

static bool kinds(const wasm::ownvec<wasm::ValType>& types, std::vector<wasm::ValKind> expected) {
  if (types.size() != expected.size()) return false;
  for (size_t i = 0; i < types.size(); ++i)
    if (types[i]->kind() != expected[i]) return false;
  return true;
}

static void check_imports(const wasm::Module* module) {
  auto imports = module->imports();
  CHECK(imports.size() == 3);
  CHECK(is(imports[0]->module(), "host") && is(imports[0]->name(), "f"));
  auto f = imports[0]->type()->func();
  CHECK(f && imports[0]->type()->kind() == wasm::ExternKind::FUNC);
  CHECK(kinds(f->params(), {wasm::I32, wasm::F64}) && kinds(f->results(), {wasm::I64}));
  auto g = imports[1]->type()->global();
  CHECK(is(imports[1]->name(), "g") && g && !imports[1]->type()->func());
  CHECK(g->content()->kind() == wasm::F32 && g->mutability() == wasm::Mutability::VAR);
  auto t = imports[2]->type()->table();
  CHECK(t && t->element()->kind() == wasm::FUNCREF && t->limits().min == 1 && t->limits().max == 0xffffffffu);
}

static void check_exports(const wasm::Module* module) {
  auto exports = module->exports();
  CHECK(exports.size() == 4);
  const char* names[] = {"func", "global", "table", "memory"};
  for (size_t i = 0; i < 4; ++i) CHECK(is(exports[i]->name(), names[i]));
  auto f = exports[0]->type()->func();
  CHECK(kinds(f->params(), {wasm::I32, wasm::I64, wasm::F32}) && kinds(f->results(), {wasm::F64, wasm::I32}));
  auto g = exports[1]->type()->global();
  CHECK(g->content()->kind() == wasm::I64 && g->mutability() == wasm::CONST);
  auto t = exports[2]->type()->table();
  CHECK(t->element()->kind() == wasm::ANYREF && t->limits().min == 3 && t->limits().max == 8);
  auto m = exports[3]->type()->memory();
  CHECK(m->limits().min == 2 && m->limits().max == 5);
  // Copies are deep and equal.
  auto copy = exports[0]->copy();
  CHECK(is(copy->name(), "func") && copy->type()->func()->params().size() == 3);
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = load_module(store, "reflect.wasm");
  check_imports(module.get());
  check_exports(module.get());

  // Instantiate with host objects of the imported types; reflect the exports.
  auto ftype = wasm::FuncType::make(
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32), wasm::ValType::make(wasm::F64)),
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I64)));
  auto f = wasm::Func::make(store, ftype.get(),
                            [](const wasm::vec<wasm::Val>&, wasm::vec<wasm::Val>& r) -> wasm::own<wasm::Trap> {
                              r[0] = wasm::Val::i64(0);
                              return nullptr;
                            });
  auto gtype = wasm::GlobalType::make(wasm::ValType::make(wasm::F32), wasm::VAR);
  auto g = wasm::Global::make(store, gtype.get(), wasm::Val::f32(1.5f));
  auto ttype = wasm::TableType::make(wasm::ValType::make(wasm::FUNCREF), wasm::Limits(1));
  auto t = wasm::Table::make(store, ttype.get());
  CHECK(f && g && t);
  auto instance = instantiate(store, module.get(), wasm::vec<wasm::Extern*>::make(f.get(), g.get(), t.get()));
  auto exports = instance->exports();
  CHECK(exports.size() == 4);
  const wasm::ExternKind expected[] = {wasm::ExternKind::FUNC, wasm::ExternKind::GLOBAL, wasm::ExternKind::TABLE,
                                       wasm::ExternKind::MEMORY};
  for (size_t i = 0; i < 4; ++i) CHECK(exports[i]->kind() == expected[i] && exports[i]->type()->kind() == expected[i]);
  CHECK(exports[0]->func()->param_arity() == 3 && exports[0]->func()->result_arity() == 2);
  CHECK(exports[1]->global()->get().i64() == 7);
  CHECK(exports[2]->table()->size() == 3 && exports[3]->memory()->size() == 2);
  CHECK(!exports[0]->global() && !exports[1]->func() && !exports[3]->table());

  // Wrong imports are refused with a trap saying why.
  wasm::own<wasm::Trap> trap;
  CHECK(!wasm::Instance::make(store, module.get(), wasm::vec<wasm::Extern*>::make(f.get()), &trap));
  CHECK(trap && message_of(trap.get()).find("imports") != std::string::npos);
  CHECK(!wasm::Instance::make(store, module.get(), wasm::vec<wasm::Extern*>::make(g.get(), f.get(), t.get()), &trap));
  CHECK(trap);
  auto junk = wasm::vec<byte_t>::make(std::string("not a module"));
  CHECK(!wasm::Module::validate(store, junk) && !wasm::Module::make(store, junk));
  CHECK(wasm::Module::validate(store, read_binary("reflect.wasm")));
  std::printf("reflect: ok\n");
  return 0;
}
