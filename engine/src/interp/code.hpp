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
#include <string>
#include <vector>

#include "interp/numeric.hpp"  // TrapCode
#include "opcode.hpp"
#include "runtime/store.hpp"

namespace mywasm {

struct ExecContext;  // runtime/exec_context.hpp

struct CompiledFunc {
  std::vector<uint64_t> code;
  std::vector<uint64_t> consts;  // copied to slots [const_base, ...) on entry
  // What a call writes from slot init_base on: zeros for the declared locals
  // from the first one that may be read before it is written (see
  // Translator: definite assignment), then the consts.
  std::vector<uint64_t> frame_init;
  uint32_t num_params = 0;       // slots (a v128 counts 2), as for the next two
  uint32_t num_locals = 0;       // declared locals (zeroed on entry where needed)
  uint32_t num_results = 0;
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
};

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
// Loads/stores fused with the i32.add computing their address (null for
// other opcodes).
const void* address_add_handler(Opcode op);
// An i32-producing op fused with a branch: jumps when its result is nonzero
// (when_true) or zero. Operands: a[, b], target. Null if op is not fusable.
const void* fused_branch_handler(Opcode op, bool when_true);
// Frame slots a value of type t occupies (2 for v128, else 1).
inline uint32_t slot_width(ValType t) { return t == ValType::V128 ? 2 : 1; }
inline uint32_t slot_count(const std::vector<ValType>& types) {
  uint32_t n = 0;
  for (ValType t : types) n += slot_width(t);
  return n;
}
// Binary ops whose second operand is an immediate (the value bits) rather
// than a slot: dst, a, imm. Null for other opcodes.
const void* imm_handler(Opcode op);
// fused_branch_handler with an immediate second operand: a, imm, target.
const void* fused_branch_imm_handler(Opcode op, bool when_true);
// The same after an in-place i32 step (a loop counter): x, step, imm,
// target; x += step (wrapping, written back), then branches on op(x, imm).
// For comparisons etc. of two i32 values; null for other opcodes.
const void* add_branch_handler(Opcode op, bool when_true);
// Binary ops whose second operand is loaded from memory by the fused
// full-width load of its type: dst, a, addr, offset. Null for other opcodes.
const void* load_operand_handler(Opcode op);
// The same with the load's address the wrapped sum of two slots (a fused
// i32.add): dst, a, base, index, offset.
const void* load_add_operand_handler(Opcode op);
// Binary ops whose result is stored by the fused full-width store of its
// type: a, b, addr, offset. Null for other opcodes.
const void* store_result_handler(Opcode op);
// Read-modify-write: an op[load] whose result is stored back to the same
// address and offset (`x[i] += e`): a, addr, offset. Null for other opcodes.
const void* rmw_handler(Opcode op);
// Chains: a binary op (slot or immediate second operand) whose result is
// used only as one operand of the next binary op, in one instruction:
// dst, x, y (slot, or immediate when imm1), z (slot, or immediate when
// z_imm, which needs t as op2's first operand); computes t = op1(x, y), then
// dst = op2(t, z), or op2(z, t) when t_is_b. Only for these (non-trapping)
// ops; null when the types do not chain.
#define MYWASM_CHAIN_OPS(X)                                                                       \
  X(I32Add) X(I32Sub) X(I32Mul) X(I32And) X(I32Or) X(I32Xor) X(I32Shl) X(I32ShrU) X(I32Rotl)        \
  X(I32Rotr) X(F64Add) X(F64Sub) X(F64Mul) X(F64Div)
const void* chain_handler(Opcode op1, bool imm1, Opcode op2, bool t_is_b, bool z_imm = false);
// A chain op1[load] (or op1[load+add]) whose result t is used only by the
// op2[rmw] just after it (`c[j] += a * b[j]`): x, addr1 (or base1, index1),
// offset1, addr2, offset2; mem[addr2 + offset2] = op2(t, that memory), with
// t = op1(x, mem[addr1 + offset1]) loaded first. Only for multiply into
// add/sub (see chains_into_rmw in interpreter.cpp); null for other pairs.
const void* chain_rmw_handler(Opcode op1, bool add_load, Opcode op2);
// f64.mul>f64.mul (both operands slots, t the first operand of the second
// mul) whose result u goes only into an add/sub read-modify-write: x, y, z,
// addr, offset; mem[addr + offset] = op3(mem, u) when mem_is_a (a load just
// before the chain, `v[i] -= a * b * c`), else op3(u, mem) (`v[i] += ...`).
// Only op3 = f64.add or f64.sub; null otherwise.
const void* mul_chain_rmw_handler(Opcode op3, bool mem_is_a);
// Xors of rotations of one i32 x by immediates (sha256's sigma functions):
// for op3 = Nop, dst, x, a, b: dst = rotl(x, a) ^ rotl(x, b); for op3 =
// i32.rotl or i32.shr_u, dst, x, a, b, c: that ^ op3(x, c). Null for other
// op3.
const void* xor_rot_handler(Opcode op3);
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
// Every handler kind there is (for bench/interp_census).
std::vector<HandlerInfo> all_handler_infos();

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
// With `loop_counters`, each loop header starts with a LoopHead.
std::unique_ptr<CompiledFunc> translate(StoreImpl& store, const FuncInstance& func, bool fuse,
                                        bool loop_counters = false);

}  // namespace interp
}  // namespace mywasm
