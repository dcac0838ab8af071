// The interpreter's internal code: what a wasm function body is translated
// into, and the handler tables the translator threads it with.
//
// Register-style threaded code. Every wasm value lives in 8-byte frame
// slots addressed by a static index from the frame pointer: one slot for
// i32/i64/f32/f64/references, two adjacent slots for a v128 (its low 8
// bytes first, i.e. the 16 little-endian bytes in order; no alignment
// beyond 8 bytes). A v128 operand is encoded as the index of its first
// slot. Frame layout:
//
//   [params][declared locals][constants][operand-stack temporaries]
//
// Each region is a run of values in order, each 1 or 2 slots wide, so a
// value's slot index is the sum of the widths before it (param i of
// (i32, v128, i32) sits at slots 0, 1-2, 3). A v128 constant is two
// adjacent constant slots. Results come back in the same packed layout
// from slot 0, and the host boundary (invoke_function, host calls)
// converts Values to and from this layout.
//
// A constant is an immediate operand where the handler has a form taking one
// (binary ops' second operand, fused compare+branch, Const); elsewhere it
// gets a constant slot, copied in when a frame is entered, so every other
// operand is just a slot index. A call's arguments sit at the top of the
// caller's operand stack; the callee's frame starts right there, so the
// arguments already are its params and its results come back in place.
//
// An instruction is a run of 64-bit words: the handler's address (computed
// goto label), then its operands (slot indices, immediates, pointers to
// runtime objects, or absolute code addresses for branches).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "interp/numeric.hpp"  // TrapCode
#include "opcode.hpp"
#include "runtime/store.hpp"

namespace mywasm {

struct ExecContext;  // runtime/exec_context.hpp

struct CompiledFunc {
  std::vector<uint64_t> code;
  // Where each wasm instruction's translation starts (ascending code index)
  // and the instruction's offset in the module: what a trap reports.
  // (Compiled code keeps tables of the same kind: see origin_at.)
  struct Origin {
    uint32_t position;  // here a word index in `code`
    uint32_t module_offset;
  };
  std::vector<Origin> origins;
  // The module offset of the instruction whose translation holds the
  // address `at` (any byte of it), if `at` is in this code.
  std::optional<uint32_t> module_offset(const void* at) const;
  std::vector<uint64_t> consts;  // copied to slots [const_base, ...) on entry
  // What a call writes from slot init_base on: zeros for the declared locals
  // from the first one that may be read before it is written (see
  // Translator: definite assignment), then the consts.
  std::vector<uint64_t> frame_init;
  uint32_t num_params = 0;       // slots (a v128 counts 2), as for the next two
  uint32_t num_locals = 0;       // declared locals (zeroed on entry where needed)
  uint32_t num_results = 0;
  // Slots [save_base, const_base) of a function with loops (kSaveSlots of
  // them, above the locals and the results) are compiled code's: where the
  // callee-saved registers it uses are saved while it runs, so that every
  // compiled frame takes the same native stack (see the x86-64 backend).
  // Nothing else reads or writes them: a callee's frame starts above the
  // locals (at its arguments), and a return writes results below them.
  static constexpr uint32_t kSaveSlots = 3;
  uint32_t save_base = 0;
  uint32_t const_base = 0;
  uint32_t frame_slots = 0;      // whole frame, >= max(params, results)
  // What a call reads, in one place: frame_init's start slot and size, and
  // code.data().
  uint32_t init_base = 0;
  uint32_t init_count = 0;
  const uint64_t* init = nullptr;
  const uint64_t* entry = nullptr;
  bool fused = false;  // made with the fused forms (compiled code needs the plain ones)
  uint32_t temp_base = 0;  // first operand-stack temporary (after the constants)
  // Each loop of the body, in order: where its header is, and how many
  // temporary slots are live there (the operand stack below the loop, all
  // in home slots). On-stack replacement maps a loop of one translation to
  // the same loop of another by its position in this list.
  struct LoopHead {
    uint32_t code_index;
    uint32_t live_temps;
  };
  std::vector<LoopHead> loops;
  // The frame layout and loop headers without the code (all compiled code
  // needs of the translation it was made from, see jit::compile): entry
  // and init are null, the vectors other than loops empty.
  std::unique_ptr<CompiledFunc> layout_only() const;
  // On-stack replacement at the header of loop `loop`: moves the live
  // temporaries of the frame at fp from this layout to `to`'s (the code
  // about to take the frame over). False, nothing moved, when `to` has no
  // such loop or its frame would pass the value stack's end.
  bool move_frame_to(const CompiledFunc& to, uint32_t loop, uint64_t* fp, const uint64_t* stack_end) const;
};

// In a table of origins sorted by position, the module offset of the
// instruction at `position`: the last entry at or before it.
std::optional<uint32_t> origin_at(const std::vector<CompiledFunc::Origin>& table, uint32_t position);

namespace interp {

// Handlers that are not one wasm opcode each. (Wasm opcodes with a
// generated handler are addressed by their Opcode.) Operand layout after
// the handler word is given in the comment.
#define MYWASM_INTERNAL_HANDLERS(X)                                              \
  X(Copy, 3)          /* dst, src */                                                \
  X(Const, 3)         /* dst, value bits */                                         \
  X(Copy2, 5)         /* dst1, src1, dst2, src2 (two Copies, in order) */           \
  X(Copy3, 7)         /* three Copies, in order */                                  \
  X(Copy4, 9)         /* four Copies, in order */                                   \
  X(Br, 2)            /* target */                                                  \
  X(BrIf, 3)          /* cond, target */                                            \
  X(BrUnless, 3)      /* cond, target */                                            \
  X(BrTable, 0)       /* index, count, target[count] (last = default) */           \
  X(Call, 3)          /* FuncInstance*, arg_base: a function of the same instance */ \
  X(CallOther, 3)     /* FuncInstance*, arg_base: of another instance (host or  */  \
                      /* wasm); always followed by ReloadMemory, where it returns */ \
  X(CallIndirect, 5)  /* TableInstance*, type_id, index slot, arg_base; followed */ \
                      /* by ReloadMemory, where a call to another instance returns */ \
  X(ReloadMemory, 1)  /* after a call that may have switched instances: memory 0 */ \
                      /* of the current function's instance back in registers */    \
  X(Return, 1)        /* (results already moved to slots 0..n) */                   \
  X(Halt, 1)          /* leave the interpreter loop (entry stub) */                 \
  X(Unreachable, 1)   /* */                                                         \
  X(Step, 1)          /* counts a step, takes an interrupt (Config::step_limit, */  \
                      /* interruptible): function entries and loop headers only */ \
  X(Fuel, 2)          /* instruction count: charged on entering a basic block */   \
                      /* (Config::consume_fuel; Step checks what is left) */       \
  X(Unsupported, 1)   /* an instruction without a handler: traps */                 \
  X(LoopHead, 2)      /* loop ordinal: counts towards tier-up at a loop header, */  \
                      /* and moves into compiled code there (Config::Tier::Tiered) */ \
  X(Select, 5)        /* dst, a, b, cond */                                         \
  X(GlobalGet, 3)     /* dst, GlobalInstance* */                                    \
  X(GlobalSet, 3)     /* GlobalInstance*, src */                                    \
  X(TableGet, 4)      /* dst, index, TableInstance* */                              \
  X(TableSet, 4)      /* index, value, TableInstance* */                            \
  X(TableSize, 3)     /* dst, TableInstance* */                                     \
  X(TableGrow, 5)     /* dst, init, delta, TableInstance* */                        \
  X(TableFill, 5)     /* index, value, count, TableInstance* */                     \
  X(TableCopy, 6)     /* dst, src, count, TableInstance* dst, TableInstance* src */ \
  X(TableInit, 6)     /* dst, src, count, TableInstance*, ElemInstance* */          \
  X(ElemDrop, 2)      /* ElemInstance* */                                           \
  X(MemorySize, 2)    /* dst */                                                     \
  X(MemoryGrow, 3)    /* dst, delta */                                              \
  X(MemoryFill, 4)    /* dst, value, count */                                       \
  X(MemoryCopy, 4)    /* dst, src, count */                                         \
  X(MemoryInit, 5)    /* dst, src, count, DataInstance* */                          \
  X(DataDrop, 2)      /* DataInstance* */                                           \
  X(CopyV128, 3)      /* dst, src: a v128 (two slots) */                           \
  X(CopyRange, 4)     /* dst, src, count: count slots (a wide branch's values) */  \
  X(Select2, 5)       /* dst, a, b, cond: v128 operands */                         \
  X(GlobalGet2, 3)    /* dst, GlobalInstance*: a v128 global */                    \
  X(GlobalSet2, 3)    /* GlobalInstance*, src: a v128 global */

enum class Internal : uint16_t {
#define X(Name, Words) Name,
  MYWASM_INTERNAL_HANDLERS(X)
#undef X
      Count_
};

// Handler addresses, filled in by the interpreter loop on first use.
// op_handler returns null for opcodes without a generated handler.
const void* op_handler(Opcode op);
const void* internal_handler(Internal h);
// Frame slots a value of type t occupies (2 for v128, else 1).
inline uint32_t slot_width(ValType t) { return t == ValType::V128 ? 2 : 1; }
inline uint32_t slot_count(const std::vector<ValType>& types) {
  uint32_t n = 0;
  for (ValType t : types) n += slot_width(t);
  return n;
}

// ---------------------------------------------------------------- fused forms
// The fused and specialised forms, as one table: for each form its name in
// listings (% stands for the opcode's name), its operand layout after the
// handler word, and the list of opcodes it exists for. The translator
// emits a form by its layout (Translator::emit_form), the interpreter steps
// over it by it (form_words) and the listing names and reads it from here.
// Layout letters: d destination slot, s source slot, i immediate (value
// bits or memarg offset), t branch target. (The opcode lists take a
// context argument C that they pass on: X(C, Opcode).)
//
// Only forms that pay stay (issue 11): each family was timed off against
// on over the corpus (bench/corpus.py compare), and within a family an
// opcode keeps its form only where the translator emitted it at least 100
// times (chains and branches on an immediate: 200) over the static corpus
// of 111 modules (bench/corpus.py census), plus the f64 and rotate forms
// the kernels' hot loops use (the static count hides them: timed against
// the full set, the pruned one without them lost 2x on matmul and nbody).
//
// Loads/stores whose address is an i32.add of two slots (wrapped, then the
// offset added).
#define MYWASM_ADDR_ADD_LOAD_OPS(X, C) X(C, I32Load) X(C, I32Load8U) X(C, I32Load8S) X(C, I64Load) X(C, I32Load16U) \
  X(C, F64Load)
#define MYWASM_ADDR_ADD_STORE_OPS(X, C) X(C, I32Store) X(C, I64Store) X(C, I32Store8) X(C, I32Store16)
// Binary ops with an immediate second operand. (A compare+branch with an
// immediate, and a chain whose first op has one, are made from this form:
// their ops must be listed here too.)
#define MYWASM_IMM_OPS(X, C) \
  X(C, I32Add) X(C, I32And) X(C, I32Sub) X(C, I32Or) X(C, I32Shl) X(C, I32ShrU) X(C, I64Shl) X(C, I32Eq) \
  X(C, I32LtU) X(C, I32GtS) X(C, I32GtU) X(C, I32Ne) X(C, I32Xor) X(C, I32DivU) X(C, I64And) X(C, I64ShrU) \
  X(C, I64Add) X(C, I32Mul) X(C, I32ShrS) X(C, I32LtS) X(C, I64Xor) X(C, I64Mul) X(C, I64Or) X(C, F64Mul) \
  X(C, I32DivS) X(C, I64DivU) X(C, I64LtU) X(C, I64GtU) X(C, I64Ne) X(C, I64Eq) X(C, I32GeS) X(C, I32LeS) \
  X(C, I32LeU) X(C, I32GeU) \
  X(C, I32Rotl) X(C, F64Add) X(C, F64Lt) X(C, F64Ne) X(C, F64Eq)
// i32-producing ops fused with the branch on their result (br_if, if,
// br_unless on the negation): unary, binary, binary with an immediate.
// (i32.eqz has none: a branch on it is BrUnless/BrIf of its operand.) The
// br_unless forms exist only for the ops whose complement (eq/ne, lt/ge,
// gt/le; f64 eq/ne too, not f64 lt/ge because of NaN) has no br_if form:
// the translator emits br_unless[op] as br_if[complement of op].
#define MYWASM_BRANCH_UNARY_OPS(X, C) X(C, I64Eqz)
#define MYWASM_BRANCH_OPS(X, C)                                                                                  \
  X(C, I32Ne) X(C, I32Eq) X(C, I32LtU) X(C, I32LeU) X(C, I32GtU) X(C, I32GeU) X(C, I32And) X(C, I32GtS) X(C, I32LeS) X(C, I32LtS) X(C, I32GeS) \
  X(C, I32Or) X(C, I32Add) X(C, I64GtS)
#define MYWASM_BRANCH_UNLESS_OPS(X, C) X(C, I32And) X(C, I32Or) X(C, I32Add) X(C, I64GtS)
#define MYWASM_BRANCH_IMM_OPS(X, C) \
  X(C, I32And) X(C, I32Ne) X(C, I32Eq) X(C, I32GtU) X(C, I32LtU) X(C, I32LtS) X(C, I32GtS) X(C, I32GeU) \
  X(C, I32LeS) X(C, I64Ne) X(C, I64Eq) X(C, I32GeS) X(C, I32LeU) \
  X(C, F64Lt) X(C, F64Ne) X(C, F64Eq)
#define MYWASM_BRANCH_UNLESS_IMM_OPS(X, C) X(C, I32And) X(C, F64Lt)
// ... after an in-place i32.add of an immediate to the first operand (a
// loop counter's step): x += step (wrapping, written back), then the branch
// on op(x, imm).
#define MYWASM_ADD_BRANCH_OPS(X, C) X(C, I32GtU) X(C, I32Ne)
// Binary ops whose second operand is loaded by the full-width load of its
// type just before.
#define MYWASM_LOAD_OPERAND_OPS(X, C) X(C, I32Ne) X(C, I32Add) X(C, I32Eq) X(C, I32LeU) X(C, I32LtU) X(C, I64Eq) X(C, I32Sub) X(C, I32LtS) \
  X(C, F64Mul) X(C, F64Add)
// The same with the load's address the wrapped sum of two slots (an
// address-add load just before): the kernels' hot loops (sha256, nbody,
// matmul).
#define MYWASM_LOAD_ADD_OPERAND_OPS(X, C) X(C, I32Add) X(C, F64Mul) X(C, F64Sub)
// Binary ops whose result is stored by the full-width store of its type.
#define MYWASM_STORE_RESULT_OPS(X, C) X(C, I32Add) X(C, I64Or) X(C, I32Or) X(C, I32Sub) X(C, I64Add)

// The kernels' multiply-into-memory forms, each for the one opcode its hot
// loop uses (matmul's `c[j] += a * b[j]`, nbody's `v[i] -= a * b * c` and
// `v[i] += a * b * c`): the op whose result is stored back where its
// memory operand was loaded from (read-modify-write).
#define MYWASM_MUL_LOAD_RMW_OPS(X, C) X(C, F64Add)
#define MYWASM_MUL_MUL_RMW_OPS(X, C) X(C, F64Add)
#define MYWASM_MUL_MUL_RMW_A_OPS(X, C) X(C, F64Sub)
// Xors of rotations of one i32 by immediates (sha256's sigma functions):
// rotl(x, a) ^ rotl(x, b), and that ^ op(x, c).
#define MYWASM_XOR_ROT2_OPS(X, C) X(C, I32Rotl)
#define MYWASM_XOR_ROT3_OPS(X, C) X(C, I32Rotl) X(C, I32ShrU)

//   form             name in listings              layout  opcodes
#define MYWASM_OP_FORMS(X)                                                                  \
  X(AddrAddLoad,      "%[add]",                     "dssi", MYWASM_ADDR_ADD_LOAD_OPS)       \
  X(AddrAddStore,     "%[add]",                     "sssi", MYWASM_ADDR_ADD_STORE_OPS)      \
  X(Imm,              "%[imm]",                     "dsi",  MYWASM_IMM_OPS)                 \
  X(BranchIf1,        "br_if[%]",                   "st",   MYWASM_BRANCH_UNARY_OPS)        \
  X(BranchUnless1,    "br_unless[%]",               "st",   MYWASM_BRANCH_UNARY_OPS)        \
  X(BranchIf,         "br_if[%]",                   "sst",  MYWASM_BRANCH_OPS)              \
  X(BranchUnless,     "br_unless[%]",               "sst",  MYWASM_BRANCH_UNLESS_OPS)              \
  X(BranchIfImm,      "br_if[% imm]",               "sit",  MYWASM_BRANCH_IMM_OPS)          \
  X(BranchUnlessImm,  "br_unless[% imm]",           "sit",  MYWASM_BRANCH_UNLESS_IMM_OPS)          \
  X(AddBranchIf,      "br_if[i32.add imm>% imm]",   "siit", MYWASM_ADD_BRANCH_OPS)          \
  X(AddBranchUnless,  "br_unless[i32.add imm>% imm]", "siit", MYWASM_ADD_BRANCH_OPS)        \
  X(LoadOperand,      "%[load]",                    "dssi", MYWASM_LOAD_OPERAND_OPS)        \
  X(LoadAddOperand,   "%[load+add]",                "dsssi", MYWASM_LOAD_ADD_OPERAND_OPS)   \
  X(StoreResult,      "%[store]",                   "sssi", MYWASM_STORE_RESULT_OPS)        \
  /* x, addr1, offset1, addr2, offset2: m = f64.mul(x, mem[addr1 + offset1]), */              \
  /* mem[addr2 + offset2] = op(m, mem[addr2 + offset2]); [load+add]: addr1 = base1 + index1 */ \
  X(MulLoadRmw,       "f64.mul[load]>%[rmw]",       "ssisi", MYWASM_MUL_LOAD_RMW_OPS)       \
  X(MulLoadAddRmw,    "f64.mul[load+add]>%[rmw]",   "sssisi", MYWASM_MUL_LOAD_RMW_OPS)      \
  /* x, y, z, addr, offset: u = x * y * z, mem[addr + offset] = op(u, mem) ([rmw-a]: op(mem, u)) */ \
  X(MulMulRmw,        "f64.mul>f64.mul>%[rmw]",     "ssssi", MYWASM_MUL_MUL_RMW_OPS)        \
  X(MulMulRmwA,       "f64.mul>f64.mul>%[rmw-a]",   "ssssi", MYWASM_MUL_MUL_RMW_A_OPS)      \
  /* dst, x, a, b (, c): rotl(x, a) ^ rotl(x, b) (^ op(x, c)) */                               \
  X(XorRot2,          "xor_rot[%,rotl]",            "dsii", MYWASM_XOR_ROT2_OPS)            \
  X(XorRot3,          "xor_rot[rotl,rotl,%]",       "dsiii", MYWASM_XOR_ROT3_OPS)

enum class Form : uint8_t {
#define X(Name, Listing, Layout, Ops) Name,
  MYWASM_OP_FORMS(X)
#undef X
      Count_
};
constexpr const char* kFormLayout[] = {
#define X(Name, Listing, Layout, Ops) Layout,
    MYWASM_OP_FORMS(X)
#undef X
};
constexpr const char* kFormListing[] = {
#define X(Name, Listing, Layout, Ops) Listing,
    MYWASM_OP_FORMS(X)
#undef X
};
constexpr unsigned layout_words(const char* layout) {
  unsigned n = 1;  // the handler word
  while (*layout++) ++n;
  return n;
}
// Words of an instruction of form f (handler word included).
constexpr unsigned form_words(Form f) { return layout_words(kFormLayout[unsigned(f)]); }
// The handler of form f for op; null where op has no such form.
const void* form_handler(Form f, Opcode op);

// Chains: a binary op whose result t is used only as one operand of the
// binary op just after it, in one instruction: op1's second operand a slot
// (S) or an immediate (I); t op2's first (A) or second (B) operand; z, op2's
// other operand, a slot or (Z) an immediate. Computes t = op1(x, y), then
// dst = op2(t, z), or op2(z, t) for B. The chains that stay are listed
// (op1, op2, variant) as the forms above.
//   variant  listing suffix  layout (dst, x, y, z)
#define MYWASM_CHAIN_VARIANTS(X) \
  X(SA,  "",            "dsss")  \
  X(SB,  "[b]",         "dsss")  \
  X(IA,  "[imm]",       "dsis")  \
  X(IB,  "[imm,b]",     "dsis")  \
  X(SAZ, "[zimm]",      "dssi")  \
  X(IAZ, "[imm,zimm]",  "dsii")
enum class Chain : uint8_t {
#define X(Name, Suffix, Layout) Name,
  MYWASM_CHAIN_VARIANTS(X)
#undef X
      Count_
};
constexpr const char* kChainLayout[] = {
#define X(Name, Suffix, Layout) Layout,
    MYWASM_CHAIN_VARIANTS(X)
#undef X
};
constexpr const char* kChainSuffix[] = {
#define X(Name, Suffix, Layout) Suffix,
    MYWASM_CHAIN_VARIANTS(X)
#undef X
};
constexpr unsigned chain_words(Chain v) { return layout_words(kChainLayout[unsigned(v)]); }
#define MYWASM_CHAINS(X) \
  X(I32Shl, I32Add, IB) X(I32ShrU, I32And, IAZ) X(I32Mul, I32Add, IB) X(I32Add, I32Add, IA) \
  X(I32Add, I32Add, IAZ) X(I32Add, I32And, IAZ) X(I32And, I32Or, IAZ) X(I32Add, I32Add, SAZ) \
  X(I32Rotl, I32And, SB) X(I32Shl, I32Add, IAZ) X(I32And, I32Or, IB) X(I32And, I32Shl, IAZ) \
  X(I32And, I32And, IAZ) X(I32ShrU, I32Or, IB) X(I32Mul, I32Sub, IB) X(I32Sub, I32And, SAZ) \
  X(I32And, I32Add, IAZ) X(I32And, I32Add, IB) X(I32Sub, I32Or, SA) X(I32ShrU, I32Or, IAZ) \
  X(I32Xor, I32ShrU, IAZ) X(I32Add, I32ShrU, IAZ) X(I32Shl, I32Or, IB) X(I32Add, I32Add, SB) \
  X(I32And, I32Add, IA) X(I32Sub, I32ShrU, SB) X(I32Shl, I32And, IAZ) X(I32And, I32Sub, IA) \
  X(I32Shl, I32Sub, IB) X(I32Sub, I32And, SB) X(I32Shl, I32Add, IA) X(I32Add, I32And, IB) \
  X(I32Xor, I32And, IAZ) X(I32And, I32Or, IA) X(I32Add, I32Add, SA) \
  X(F64Mul, F64Mul, IAZ) X(F64Sub, F64Mul, SAZ) X(F64Mul, F64Add, SAZ) X(F64Sub, F64Add, SB) X(F64Mul, F64Add, IAZ) X(F64Add, F64Sub, SA) X(F64Mul, F64Add, IA) \
  X(F64Mul, F64Add, SA) X(F64Add, F64Mul, SB) X(F64Mul, F64Add, SB) X(F64Mul, F64Mul, SA) X(F64Mul, F64Sub, SB) \
  X(I32ShrU, I32Xor, IB)
// Null where (op1, op2, v) is not listed.
const void* chain_handler(Opcode op1, Opcode op2, Chain v);
inline uint64_t word(const void* p) { return reinterpret_cast<uint64_t>(p); }

// What a handler word of translated code stands for: its name, the words of
// its instruction (0: variable, br_table: 3 + count), and whether it is the
// plain handler of one wasm opcode, an internal handler, or a fused form.
struct HandlerInfo {
  std::string name;
  unsigned words;
  enum Form : uint8_t { Fused, Plain, InternalForm } form = Fused;
  Opcode op = Opcode::Nop;                 // Plain
  Internal internal = Internal::Count_;    // InternalForm
};
// Null for a word that is no handler.
const HandlerInfo* handler_info(const void* handler);
// Every handler kind there is, with its code address (for bench/
// interp_census and bench/interp_profile).
std::vector<std::pair<const void*, HandlerInfo>> all_handler_infos();

// A readable listing of translated code, one instruction per line (for
// debugging and tests).
std::string disassemble(const CompiledFunc& f);

// Entries into the interpreter loop for compiled code (jit/). run_call
// calls `callee` (any tier, host functions included) with its frame at fp,
// as a call from `caller`; run_instruction runs one instruction of plain
// translated code (its words followed by a Halt word) in `cur`'s frame.
// Both return the trap (TrapCode) with ExecContext's trap state set, or 0.
TrapCode run_call(StoreImpl& store, ExecContext& st, FuncInstance& callee, FuncInstance* caller, uint64_t* fp);
TrapCode run_instruction(StoreImpl& store, ExecContext& st, const uint64_t* instr, FuncInstance& cur, uint64_t* fp);

// Runs one plain v128 instruction (its words, operands as in translated
// code) on frame fp and a memory of mem_size bytes at mem, as the
// interpreter's handler does; false: out of bounds memory access. Null for
// opcodes that are no v128 instruction with a handler.
using SimdInstructionFn = bool (*)(uint64_t* fp, const uint64_t* instr, uint8_t* mem, uint64_t mem_size);
SimdInstructionFn simd_instruction_fn(Opcode op);

// Translates a wasm-defined function (its instance must be complete), with
// the fused forms when `fuse` (Config::interp_fusions; compiled code is
// made from the plain forms only).
// With `loop_counters`, each loop header starts with a LoopHead. `reuse`, a
// translation no longer needed, lends its buffers (a compiler translating
// function after function into one buffer touches no fresh memory).
std::unique_ptr<CompiledFunc> translate(StoreImpl& store, const FuncInstance& func, bool fuse,
                                        bool loop_counters = false, std::unique_ptr<CompiledFunc> reuse = nullptr);

}  // namespace interp
}  // namespace mywasm
