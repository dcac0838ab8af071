// args_get, args_sizes_get, environ_get, environ_sizes_get.
#include "host_call.hpp"

namespace mywasm::wasi {
namespace {

// Writes the pointer array and the NUL-terminated strings it points to.
// Both regions are checked whole before anything is written.
void write_string_list(const HostCall& call, const std::vector<std::string>& list, uint32_t ptrs, uint32_t buf) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  call.mem.bytes(ptrs, uint64_t(list.size()) * 4);
  auto out = call.mem.bytes(buf, total);
  uint32_t offset = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    call.mem.store<uint32_t>(ptrs + uint64_t(i) * 4, buf + offset);
    std::memcpy(out.data() + offset, list[i].c_str(), list[i].size() + 1);
    offset += uint32_t(list[i].size() + 1);
  }
}

void write_sizes(const HostCall& call, const std::vector<std::string>& list, uint32_t count_ptr, uint32_t size_ptr) {
  uint32_t bytes = 0;
  for (const auto& s : list) bytes += uint32_t(s.size() + 1);
  call.mem.store<uint32_t>(count_ptr, uint32_t(list.size()));
  call.mem.store<uint32_t>(size_ptr, bytes);
}

void args_get(HostCall& c) { write_string_list(c, c.ctx.args(), c.u32(0), c.u32(1)); }
void args_sizes_get(HostCall& c) { write_sizes(c, c.ctx.args(), c.u32(0), c.u32(1)); }
void environ_get(HostCall& c) { write_string_list(c, c.ctx.env(), c.u32(0), c.u32(1)); }
void environ_sizes_get(HostCall& c) { write_sizes(c, c.ctx.env(), c.u32(0), c.u32(1)); }

constexpr FunctionSpec kFunctions[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
};

}  // namespace

std::span<const FunctionSpec> args_env_functions() { return kFunctions; }

}  // namespace mywasm::wasi
