#include "opcode.hpp"

#include <array>
#include <string>
#include <unordered_map>

namespace mywasm {
namespace {

constexpr uint16_t kNoOpcode = 0xFFFF;

struct Tables {
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 32> fc{};
  std::unordered_map<uint32_t, uint16_t> fd;
  std::unordered_map<std::string_view, uint16_t> by_name;
  Tables() {
    single.fill(kNoOpcode);
    fc.fill(kNoOpcode);
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo in = info(static_cast<Opcode>(i));
      if (in.prefix == 0) single[in.code] = static_cast<uint16_t>(i);
      else if (in.prefix == 0xFC) fc[in.code] = static_cast<uint16_t>(i);
      else fd[in.code] = static_cast<uint16_t>(i);
      // SelectT shares the "select" mnemonic; the parser picks it by syntax.
      if (static_cast<Opcode>(i) != Opcode::SelectT) by_name.emplace(in.name, static_cast<uint16_t>(i));
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

std::optional<Opcode> to_opcode(uint16_t v) {
  if (v == kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(v);
}

}  // namespace

std::optional<Opcode> opcode_from_byte(uint8_t byte) { return to_opcode(tables().single[byte]); }

std::optional<Opcode> opcode_from_prefixed(uint8_t prefix, uint32_t code) {
  const Tables& t = tables();
  if (prefix == 0xFC) return code < t.fc.size() ? to_opcode(t.fc[code]) : std::nullopt;
  if (prefix == 0xFD) {
    auto it = t.fd.find(code);
    return it == t.fd.end() ? std::nullopt : to_opcode(it->second);
  }
  return std::nullopt;
}

std::optional<Opcode> opcode_from_name(std::string_view name) {
  const Tables& t = tables();
  auto it = t.by_name.find(name);
  return it == t.by_name.end() ? std::nullopt : to_opcode(it->second);
}

}  // namespace mywasm
