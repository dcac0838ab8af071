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
      for (unsigned f = 0; f < unsigned(Form::Count_); ++f)
        if (const void* h = form_handler(Form(f), op)) {
          std::string listing = kFormListing[f];
          listing.replace(listing.find('%'), 1, name);
          m[h] = HandlerInfo{listing, form_words(Form(f))};
        }
    }
    static constexpr struct {
      Opcode op1, op2;
      Chain v;
    } kChains[] = {
#define X(Op1, Op2, V) {Opcode::Op1, Opcode::Op2, Chain::V},
        MYWASM_CHAINS(X)
#undef X
    };
    for (const auto& c : kChains)
      m[chain_handler(c.op1, c.op2, c.v)] =
          HandlerInfo{std::string(info(c.op1).name) + ">" + std::string(info(c.op2).name) + kChainSuffix[unsigned(c.v)],
                      chain_words(c.v)};
#define X(Name, Words) \
  m[internal_handler(Internal::Name)] = HandlerInfo{#Name, Words, HandlerInfo::InternalForm, Opcode::Nop, Internal::Name};
    MYWASM_INTERNAL_HANDLERS(X)
#undef X
    return m;
  }();
  return infos;
}

}  // namespace

std::vector<std::pair<const void*, HandlerInfo>> all_handler_infos() {
  const auto& infos = handler_infos();
  return {infos.begin(), infos.end()};
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
