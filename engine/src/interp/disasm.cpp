// Listing of translated code: "index: handler operands...", for debugging
// the translator and for tests that check what it emits.
#include <string>
#include <utility>
#include <unordered_map>
#include <vector>

#include "interp/code.hpp"
#include "interp/numeric.hpp"
#include "interp/simd_sem.hpp"

namespace mywasm::interp {
namespace {


template <Opcode op> constexpr unsigned generated_words() {
  if constexpr (SimdSem<op>::kShape != SimdShape::None) return simd_words(SimdSem<op>::kShape);
  else if constexpr (MemSem<op>::kIsLoad || MemSem<op>::kIsStore) return 4;
  else return 2 + Sem<op>::kArity;
}

// Instruction words of each opcode's generated handler (0: no handler).
// A constant table and one loop below, rather than code per opcode, which
// took the compiler minutes at -O3.
constexpr unsigned kGeneratedWords[] = {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results) generated_words<Opcode::Id>(),
#include "opcodes.def"
#undef OP
};

const std::unordered_map<const void*, HandlerInfo>& handler_infos() {
  static const std::unordered_map<const void*, HandlerInfo> infos = [] {
    std::unordered_map<const void*, HandlerInfo> m;
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      const Opcode op = static_cast<Opcode>(i);
      const std::string name(info(op).name);
      const unsigned words = kGeneratedWords[i];
      if (const void* h = op_handler(op)) m[h] = HandlerInfo{name, words, HandlerInfo::Plain, op};
      if (const void* h = address_add_handler(op)) m[h] = HandlerInfo{name + "[add]", 5};
      if (const void* h = fused_branch_handler(op, true)) m[h] = HandlerInfo{"br_if[" + name + "]", words};
      if (const void* h = fused_branch_handler(op, false)) m[h] = HandlerInfo{"br_unless[" + name + "]", words};
      if (const void* h = imm_handler(op)) m[h] = HandlerInfo{name + "[imm]", 4};
      if (const void* h = load_operand_handler(op)) m[h] = HandlerInfo{name + "[load]", 5};
      if (const void* h = load_add_operand_handler(op)) m[h] = HandlerInfo{name + "[load+add]", 6};
      if (const void* h = store_result_handler(op)) m[h] = HandlerInfo{name + "[store]", 5};
      if (const void* h = rmw_handler(op)) m[h] = HandlerInfo{name + "[rmw]", 4};
      if (const void* h = fused_branch_imm_handler(op, true)) m[h] = HandlerInfo{"br_if[" + name + " imm]", 4};
      if (const void* h = add_branch_handler(op, true)) m[h] = HandlerInfo{"br_if[i32.add imm>" + name + " imm]", 5};
      if (const void* h = add_branch_handler(op, false)) m[h] = HandlerInfo{"br_unless[i32.add imm>" + name + " imm]", 5};
      if (const void* h = fused_branch_imm_handler(op, false)) m[h] = HandlerInfo{"br_unless[" + name + " imm]", 4};
    }
    static constexpr Opcode kChain[] = {
#define X(Id) Opcode::Id,
        MYWASM_CHAIN_OPS(X)
#undef X
    };
    static const char* const kVariant[] = {"", "[b]", "[imm]", "[imm,b]", "[zimm]", "[imm,zimm]"};
    for (Opcode op1 : kChain)
      for (Opcode op2 : kChain)
        for (int v = 0; v < 6; ++v)
          if (const void* h = v < 4 ? chain_handler(op1, v >= 2, op2, v & 1) : chain_handler(op1, v == 5, op2, false, true))
            m[h] = HandlerInfo{std::string(info(op1).name) + ">" + std::string(info(op2).name) + kVariant[v], 5};
    for (Opcode op1 : kChain)
      for (Opcode op2 : kChain)
        for (bool add_load : {false, true})
          if (const void* h = chain_rmw_handler(op1, add_load, op2))
            m[h] = HandlerInfo{std::string(info(op1).name) + (add_load ? "[load+add]>" : "[load]>") +
                                   std::string(info(op2).name) + "[rmw]",
                               add_load ? 7u : 6u};
    m[xor_rot_handler(Opcode::Nop)] = HandlerInfo{"xor_rot[rotl,rotl]", 5};
    m[xor_rot_handler(Opcode::I32Rotl)] = HandlerInfo{"xor_rot[rotl,rotl,rotl]", 6};
    m[xor_rot_handler(Opcode::I32ShrU)] = HandlerInfo{"xor_rot[rotl,rotl,shr_u]", 6};
    for (Opcode op3 : {Opcode::F64Add, Opcode::F64Sub})
      for (bool mem_is_a : {false, true})
        if (const void* h = mul_chain_rmw_handler(op3, mem_is_a))
          m[h] = HandlerInfo{std::string("f64.mul>f64.mul>") + std::string(info(op3).name) + (mem_is_a ? "[rmw-a]" : "[rmw]"),
                             6};
#define X(Name, Words) \
  m[internal_handler(Internal::Name)] = HandlerInfo{#Name, Words, HandlerInfo::InternalForm, Opcode::Nop, Internal::Name};
    MYWASM_INTERNAL_HANDLERS(X)
#undef X
    return m;
  }();
  return infos;
}

}  // namespace

std::vector<HandlerInfo> all_handler_infos() {
  std::vector<HandlerInfo> v;
  for (const auto& [h, info] : handler_infos()) v.push_back(info);
  return v;
}

const HandlerInfo* handler_info(const void* handler) {
  const auto& infos = handler_infos();
  auto it = infos.find(handler);
  return it == infos.end() ? nullptr : &it->second;
}

std::string disassemble(const CompiledFunc& f) {
  const auto& infos = handler_infos();
  std::string out;
  const uint64_t* code = f.code.data();
  size_t i = 0;
  while (i < f.code.size()) {
    auto it = infos.find(reinterpret_cast<const void*>(code[i]));
    if (it == infos.end()) {
      out += std::to_string(i) + ": ???\n";
      break;
    }
    unsigned words = it->second.words;
    if (words == 0) words = unsigned(3 + code[i + 2]);  // br_table: index, count, targets
    out += std::to_string(i) + ": " + it->second.name;
    for (unsigned k = 1; k < words && i + k < f.code.size(); ++k) {
      uint64_t w = code[i + k];
      // Code addresses print as instruction indices.
      if (w >= reinterpret_cast<uint64_t>(code) && w < reinterpret_cast<uint64_t>(code + f.code.size()))
        out += " @" + std::to_string((w - reinterpret_cast<uint64_t>(code)) / sizeof(uint64_t));
      else
        out += " " + std::to_string(w);
    }
    out += "\n";
    i += words;
  }
  return out;
}

}  // namespace mywasm::interp
