// Listing of translated code: "index: handler operands...", for debugging
// the translator and for tests that check what it emits.
#include <cstdint>
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

namespace {
// handler_infos() as an open-addressing table: the compiler looks up every
// instruction's handler, and the node map's lookups showed in its profile.
class HandlerIndex {
 public:
  HandlerIndex() {
    const auto& infos = handler_infos();
    while ((size_t(1) << bits_) < infos.size() * 4) ++bits_;
    entries_.resize(size_t(1) << bits_);
    for (const auto& [handler, info] : infos) {
      size_t i = home(handler);
      while (entries_[i].handler) i = (i + 1) & mask();
      entries_[i] = {handler, &info};
    }
  }
  const HandlerInfo* find(const void* handler) const {
    for (size_t i = home(handler); entries_[i].handler; i = (i + 1) & mask())
      if (entries_[i].handler == handler) return entries_[i].info;
    return nullptr;
  }

 private:
  size_t mask() const { return entries_.size() - 1; }
  size_t home(const void* handler) const {  // Fibonacci hashing: the top bits of the product
    return size_t((reinterpret_cast<uintptr_t>(handler) * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
  }
  struct Entry {
    const void* handler = nullptr;
    const HandlerInfo* info = nullptr;
  };
  unsigned bits_ = 4;
  std::vector<Entry> entries_;
};
}  // namespace

const HandlerInfo* handler_info(const void* handler) {
  static const HandlerIndex index;
  return index.find(handler);
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
