// Traps: raised by a host function or by wasm, with message and frames
// (instance, function index, offsets).

#include <vector>

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

// A frame is at an instruction (the trapping one, or a caller's call) in
// every tier: `instr_offset` bytes into the body at `body_offset`.
static void check_frame(const wasm::Frame* frame, const wasm::Instance* instance, uint32_t func_index,
                        size_t body_offset, size_t instr_offset) {
  std::printf("> frame: function %u at 0x%zx (+0x%zx)\n", frame->func_index(), frame->module_offset(),
              frame->func_offset());
  CHECK(frame->instance() && frame->instance()->same(instance));
  CHECK(frame->func_index() == func_index);
  CHECK(frame->func_offset() == instr_offset);
  CHECK(frame->module_offset() == body_offset + instr_offset);
}

// The trap of calling export `index` (its message containing `text`): its
// innermost frame in function `func_index` at an instruction `opcode`, the
// export (the next function) at its call.
static void check_callee_trap(const wasm::ownvec<wasm::Extern>& exports, size_t index, const char* text,
                              const wasm::Instance* instance, const wasm::vec<byte_t>& binary,
                              const std::vector<size_t>& bodies, uint32_t func_index, unsigned char opcode) {
  auto trap = call(export_func(exports, index));
  std::printf("%s\n", message_of(trap.get()).c_str());
  CHECK(message_of(trap.get()).find(text) != std::string::npos);
  auto trace = trap->trace();
  CHECK(trace.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const size_t at = trace[i]->module_offset(), body = bodies[func_index - 1 + i];
    CHECK(at < binary.size() && static_cast<unsigned char>(binary.get()[at]) == (i == 0 ? opcode : 0x10));
    check_frame(trace[i].get(), instance, func_index + uint32_t(i), body, at - body);
  }
}

int main() {
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto binary = read_binary("trap.wasm");
  const auto bodies = body_offsets(binary);
  CHECK(bodies.size() == 13);
  auto module = wasm::Module::make(store, binary);
  CHECK(module);

  auto type = wasm::FuncType::make(wasm::ownvec<wasm::ValType>::make(),
                                   wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto fail_func = wasm::Func::make(store, type.get(), fail, store);
  auto imports = wasm::vec<wasm::Extern*>::make(fail_func.get());
  auto instance = instantiate(store, module.get(), imports);
  auto exports = instance->exports();
  CHECK(exports.size() == 7);

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

  // The other traps of wasm's own: each callee at its trapping instruction.
  check_callee_trap(exports, 2, "divide by zero", instance.get(), binary, bodies, 4, 0x6e);  // i32.div_u
  check_callee_trap(exports, 3, "out of bounds", instance.get(), binary, bodies, 6, 0x28);   // i32.load
  check_callee_trap(exports, 4, "uninitialized", instance.get(), binary, bodies, 8, 0x11);   // call_indirect
  check_callee_trap(exports, 5, "type mismatch", instance.get(), binary, bodies, 10, 0x11);
  // Stack exhaustion: every frame the recursive function's, at its call.
  trace = call(export_func(exports, 6))->trace();
  CHECK(trace.size() > 2);
  for (size_t i = 0; i < trace.size(); ++i) check_frame(trace[i].get(), instance.get(), 12, bodies[11], 1);

  // A trap made by the host: its message round-trips, it has no frames.
  auto made = wasm::Trap::make(store, wasm::Name::make_nt(std::string("made here")));
  CHECK(message_of(made.get()) == "made here");
  CHECK(!made->origin() && made->trace().size() == 0);
  auto same = made->copy();
  CHECK(same->same(made.get()) && !same->same(trap.get()));
  std::printf("trap: ok\n");
  return 0;
}
