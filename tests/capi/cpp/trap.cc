// Traps: raised by a host function or by wasm, with message and frames
// (instance, function index, offsets).
#include <cstring>

#include "example.hh"

static auto fail(void* env, const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results)
    -> wasm::own<wasm::Trap> {
  auto store = static_cast<wasm::Store*>(env);
  return wasm::Trap::make(store, wasm::Name::make(std::string("callback abort")));
}

static auto call(const wasm::Func* f) -> wasm::own<wasm::Trap> {
  auto args = wasm::vec<wasm::Val>::make();
  auto results = wasm::vec<wasm::Val>::make_uninitialized(1);
  auto trap = f->call(args, results);
  CHECK(trap);
  return trap;
}

// Compiled code (MYWASM_TIER=jit) knows the function of a frame, not the
// instruction: its offsets are the function's start.
static bool exact_offsets() {
  const char* tier = std::getenv("MYWASM_TIER");
  return !tier || std::strcmp(tier, "jit") != 0;
}

static void check_frame(const wasm::Frame* frame, const wasm::Instance* instance, uint32_t func_index,
                        size_t body_offset, size_t instr_offset) {
  std::printf("> frame: function %u at 0x%zx (+0x%zx)\n", frame->func_index(), frame->module_offset(),
              frame->func_offset());
  CHECK(frame->instance() && frame->instance()->same(instance));
  CHECK(frame->func_index() == func_index);
  const size_t expected = exact_offsets() ? instr_offset : 0;
  CHECK(frame->func_offset() == expected);
  CHECK(frame->module_offset() == body_offset + expected);
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto binary = read_binary("trap.wasm");
  const auto bodies = body_offsets(binary);
  CHECK(bodies.size() == 3);
  auto module = wasm::Module::make(store, binary);
  CHECK(module);

  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(),
                                   wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto fail_func = wasm::Func::make(store, type.get(), fail, store);
  auto imports = wasm::vec<wasm::Extern*>::make(fail_func.get());
  auto instance = instantiate(store, module.get(), imports);
  auto exports = instance->exports();
  CHECK(exports.size() == 2);

  // From the host: the message as made; the wasm caller (function 1) is the origin.
  auto trap = call(export_func(exports, 0));
  CHECK(message_of(trap.get()) == "callback abort");
  auto origin = trap->origin();
  CHECK(origin);
  check_frame(origin.get(), instance.get(), 1, bodies[0], 1);  // locals, then the call

  // unreachable in $deep (function 2), called from function 3.
  trap = call(export_func(exports, 1));
  CHECK(message_of(trap.get()).find("unreachable") != std::string::npos);
  auto trace = trap->trace();
  CHECK(trace.size() == 2);
  check_frame(trace[0].get(), instance.get(), 2, bodies[1], 1);
  check_frame(trace[1].get(), instance.get(), 3, bodies[2], 1);
  origin = trap->origin();
  CHECK(origin->func_index() == 2 && origin->module_offset() == trace[0]->module_offset());
  auto copy = origin->copy();
  CHECK(copy->func_index() == 2 && copy->instance()->same(instance.get()));

  // A trap made by the host: its message round-trips, it has no frames.
  auto made = wasm::Trap::make(store, wasm::Name::make_nt(std::string("made here")));
  CHECK(message_of(made.get()) == "made here");
  CHECK(!made->origin() && made->trace().size() == 0);
  auto same = made->copy();
  CHECK(same->same(made.get()) && !same->same(trap.get()));
  std::printf("trap: ok\n");
  return 0;
}
