#include "compiler_common.hpp"

#include <algorithm>
#include <cstring>

#include "fault_handler.hpp"
#include "interp/numeric.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/module_impl.hpp"

namespace mywasm::jit {

using interp::HandlerInfo;
using interp::Internal;

uint32_t run_instruction_helper(StoreImpl* store, ExecRegs* regs, const uint64_t* instr, FuncInstance* cur,
                                uint64_t* fp) {
  return uint32_t(interp::run_instruction(*store, static_cast<ExecContext&>(*regs), instr, *cur, fp));
}

namespace {
template <Opcode op>
constexpr ScalarAccess scalar_access_of() {
  using M = interp::MemSem<op>;
  if constexpr (M::kIsLoad || M::kIsStore) return {M::kIsLoad, M::kIsStore, uint8_t(sizeof(typename M::Mem))};
  else return {};
}
}  // namespace

const ScalarAccess& scalar_access(Opcode op) {
  static constexpr ScalarAccess kTable[] = {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results) scalar_access_of<Opcode::Id>(),
#include "opcodes.def"
#undef OP
  };
  return kTable[static_cast<unsigned>(op)];
}

bool is_call(const ScannedInstr& in) {
  return in.info->form == HandlerInfo::InternalForm &&
         (in.info->internal == Internal::Call || in.info->internal == Internal::CallOther ||
          in.info->internal == Internal::CallIndirect);
}

bool compiles_inline(Internal h) {
  switch (h) {
    case Internal::Copy: case Internal::Const: case Internal::Copy2: case Internal::Copy3:
    case Internal::Copy4: case Internal::Br: case Internal::BrIf: case Internal::BrUnless:
    case Internal::BrTable: case Internal::Call: case Internal::CallOther: case Internal::ReloadMemory:
    case Internal::Return: case Internal::Unreachable: case Internal::Select: case Internal::GlobalGet:
    case Internal::GlobalSet: case Internal::CopyV128: case Internal::LoopHead: case Internal::CallIndirect:
    case Internal::Fuel: case Internal::Step:
      return true;
    default: return false;
  }
}

namespace detail {
namespace {
size_t target_index(const CompiledFunc& src, uint64_t addr) {
  return (addr - reinterpret_cast<uint64_t>(src.code.data())) / sizeof(uint64_t);
}
// Calls f on the code address of every branch target of `in`.
template <class F>
void for_each_branch(const uint64_t* p, const ScannedInstr& in, F&& f) {
  if (in.info->form != HandlerInfo::InternalForm) return;
  switch (in.info->internal) {
    case Internal::Br: f(p[1]); break;
    case Internal::BrIf: case Internal::BrUnless: f(p[2]); break;
    case Internal::BrTable:
      for (uint64_t k = 0; k < p[2]; ++k) f(p[3 + k]);
      break;
    default: break;
  }
}
}  // namespace

bool split_instructions(const CompiledFunc& src, FunctionScan& scan) {
  const std::vector<uint64_t>& code = src.code;
  for (size_t i = 0; i < code.size();) {
    const HandlerInfo* info = interp::handler_info(reinterpret_cast<const void*>(code[i]));
    if (!info || info->form == HandlerInfo::Fused) return false;
    const unsigned words = info->words ? info->words : unsigned(3 + code[i + 2]);
    if (i + words > code.size()) return false;
    scan.instrs.push_back(ScannedInstr{i, info, words});
    // (A br_table may name one target 65,520 times: its own are made
    // distinct first.)
    const size_t first = scan.targets.size();
    for_each_branch(&code[i], scan.instrs.back(), [&](uint64_t addr) { scan.targets.push_back(target_index(src, addr)); });
    if (scan.targets.size() - first > 1) {
      std::sort(scan.targets.begin() + first, scan.targets.end());
      scan.targets.erase(std::unique(scan.targets.begin() + first, scan.targets.end()), scan.targets.end());
    }
    i += words;
  }
  for (const CompiledFunc::LoopHead& l : src.loops) scan.targets.push_back(l.code_index);  // OSR entries
  std::sort(scan.targets.begin(), scan.targets.end());
  scan.targets.erase(std::unique(scan.targets.begin(), scan.targets.end()), scan.targets.end());
  return true;
}

void find_loops_and_locals(const FuncInstance& func, const CompiledFunc& src, FunctionScan& scan) {
  // A branch backwards goes to a loop header; the loop's code runs to its
  // last such branch.
  for (const ScannedInstr& in : scan.instrs) {
    for_each_branch(src.code.data() + in.index, in, [&](uint64_t addr) {
      const size_t t = target_index(src, addr);
      if (t <= in.index) scan.loop_end[t] = std::max(scan.loop_end[t], in.index);
    });
  }
  const auto& module = func.instance->module->module;
  scan.local_type.resize(src.const_base);
  uint32_t slot = 0;
  auto add = [&](ValType t) {
    if (slot < scan.local_type.size()) scan.local_type[slot] = t;  // (a v128's second slot stays unset)
    slot += interp::slot_width(t);
  };
  for (ValType t : func.type->params) add(t);
  module.bodies[func.func_index - module.num_imported_funcs].for_each_local(add);
}

void make_stubs(const CompiledFunc& src, const std::vector<bool>& out_of_line, NativeCode& out, FunctionScan& scan) {
  std::vector<uint64_t>& stubs = out.stubs;
  size_t words = 0;
  for (size_t k = 0; k < scan.instrs.size(); ++k)
    if (out_of_line[k]) words += scan.instrs[k].words + 2;
  stubs.reserve(words);  // (pointers into it are kept: it must not grow later)
  const uint64_t halt = interp::word(interp::internal_handler(Internal::Halt));
  const uint64_t reload = interp::word(interp::internal_handler(Internal::ReloadMemory));
  for (size_t k = 0; k < scan.instrs.size(); ++k) {
    ScannedInstr& in = scan.instrs[k];
    if (!out_of_line[k]) continue;
    const uint64_t* w = src.code.data() + in.index;
    in.stub = stubs.data() + stubs.size();
    if (auto offset = src.module_offset(w)) out.stub_origins.push_back({uint32_t(stubs.size()), *offset});
    stubs.insert(stubs.end(), w, w + in.words);
    if (k + 1 < scan.instrs.size() && src.code[scan.instrs[k + 1].index] == reload) stubs.push_back(reload);
    stubs.push_back(halt);
  }
}
}  // namespace detail

namespace {
// Writes each section's bytes straight from its buffer to the flattened
// code at `rx`, `size` bytes in all, in one write: a system call costs
// more than the function's usual code (the gaps between sections are
// padding, never run: zeros).
bool write_sections(const asmjit::CodeHolder& code, void* rx, size_t size) {
  static const uint8_t kZeros[256] = {};
  std::vector<iovec> pieces;
  size_t written = 0;  // (bytes the pieces cover)
  for (uint32_t i = 0; i < code.sectionCount(); ++i) {
    const asmjit::Section* section = code.sectionById(i);
    const asmjit::CodeBuffer& b = section->buffer();
    if (b.size() == 0) continue;
    if (section->offset() < written || section->offset() + b.size() > size) return false;
    for (size_t gap = section->offset() - written; gap > 0;) {
      const size_t step = std::min(gap, sizeof kZeros);
      pieces.push_back({const_cast<uint8_t*>(kZeros), step});
      gap -= step;
    }
    pieces.push_back({const_cast<uint8_t*>(b.data()), b.size()});
    written = section->offset() + b.size();
  }
  return write_code(rx, pieces);
}
}  // namespace

NativeEntry install_code(asmjit::CodeHolder& code, NativeCode& out, const CodePatch* patch) {
  using namespace asmjit;
  if (code.flatten() != kErrorOk || code.resolveUnresolvedLinks() != kErrorOk) return nullptr;
  const size_t size = code.codeSize();
  void* rx = nullptr;
  void* rw = nullptr;
  if (!alloc_code(size, &rx, &rw)) return nullptr;
  out.code = rx;
  out.size = size;
  if (code.relocateToBase(reinterpret_cast<uint64_t>(rx)) != kErrorOk) return nullptr;
  if (patch && !(*patch)(code, reinterpret_cast<uint64_t>(rx))) return nullptr;
  if (rw) {
    if (code.copyFlattenedData(rw, size, CopySectionFlags::kPadSectionBuffer) != kErrorOk) return nullptr;
  } else if (!write_sections(code, rx, size)) {
    return nullptr;
  }
  // Written through another mapping: the executable range's instruction
  // cache must see it (a no-op on x86-64; on AArch64 it cleans the data
  // cache to the point of unification and invalidates the instruction
  // cache over the range).
  char* begin = static_cast<char*>(rx);
  __builtin___clear_cache(begin, begin + size);
  return reinterpret_cast<NativeEntry>(rx);
}

NativeEntry finish_code(asmjit::CodeHolder& code, NativeCode& out, uint64_t osr_offset,
                        std::optional<uint64_t> oob_offset, bool& registered,
                        std::optional<uint64_t> stack_offset, const CodePatch* patch) {
  NativeEntry entry = install_code(code, out, patch);
  if (!entry) return nullptr;
  const uintptr_t base = reinterpret_cast<uintptr_t>(out.code);
  out.osr_entry = reinterpret_cast<OsrEntry>(base + osr_offset);
  if (oob_offset || stack_offset) {
    out.fault_handle = register_code(base, base + out.size, oob_offset ? base + *oob_offset : 0,
                                     stack_offset ? base + *stack_offset : 0);
    registered = out.fault_handle >= 0;
    if (!registered) return nullptr;
  }
  return entry;
}

bool vector_layout_known() {
  static const bool ok = [] {
    std::vector<uint64_t> v(3);
    uint64_t* words[3];
    static_assert(sizeof v == sizeof words && sizeof(std::unique_ptr<FuncInstance>) == sizeof(void*));
    std::memcpy(words, &v, sizeof words);
    return words[0] == v.data() && words[1] == v.data() + 3;
  }();
  return ok;
}

}  // namespace mywasm::jit
