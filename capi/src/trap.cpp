// Traps and their frames.
#include "capi.hpp"

using namespace mywasm;
using namespace mywasm::capi;

namespace mywasm::capi {

wasm_trap_t* new_trap(std::string message) { return new wasm_trap_t(std::move(message)); }

wasm_trap_t* new_trap(wasm_store_t& store, const Trap& t) {
  auto* trap = new_trap(t.message);
  for (const Frame& f : t.backtrace) {
    wasm_frame_t frame;
    frame.func_index = f.func_index;
    frame.func_offset = f.func_offset;
    frame.module_offset = f.module_offset;
    if (auto instance = f.instance(); instance && instance->belongs_to(store.store))
      frame.instance = std::make_shared<wasm_instance_t>(&store, *instance);
    trap->trace.push_back(std::move(frame));
  }
  return trap;
}

std::string trap_message(const Error& e) { return e.trap ? e.trap->message : e.to_string(); }

}  // namespace mywasm::capi

extern "C" {

wasm_trap_t* wasm_trap_new(wasm_store_t*, const wasm_message_t* message) {
  std::string text(view(*message));
  if (!text.empty() && text.back() == '\0') text.pop_back();  // kept without its NUL
  return new_trap(std::move(text));
}

void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  wasm_byte_vec_new(out, t->message.size() + 1, t->message.c_str());  // with the NUL
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  return t->trace.empty() ? nullptr : new wasm_frame_t(t->trace.front());
}

void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  wasm_frame_vec_new_uninitialized(out, t->trace.size());
  for (size_t i = 0; i < t->trace.size(); ++i) out->data[i] = new wasm_frame_t(t->trace[i]);
}

void wasm_frame_delete(wasm_frame_t* f) { delete f; }
wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) { return new wasm_frame_t(*f); }
wasm_instance_t* wasm_frame_instance(const wasm_frame_t* f) { return f->instance.get(); }
uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f->func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t* f) { return f->func_offset; }
size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f->module_offset; }

}  // extern "C"
