// The interpreter loop (threaded code, computed goto) and invoke_function.
//
// Wasm-to-wasm calls never recurse natively: frames live on one contiguous
// value stack per thread, and call records (return pc, caller frame) on a
// bounded array beside it. Only host functions that call back into wasm
// re-enter invoke_function, which continues above the caller's frame.
#include "interp/interpreter.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "interp/code.hpp"
#include "interp/numeric.hpp"
#include "interp/simd_exec.hpp"
#include "interp/simd_sem.hpp"
#include "jit.hpp"
#include "background_compiler.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/module_impl.hpp"

namespace mywasm {
namespace interp {
namespace {



template <class T> inline T rd(uint64_t s) {
  if constexpr (sizeof(T) == 8) return std::bit_cast<T>(s);
  else return std::bit_cast<T>(static_cast<uint32_t>(s));
}
template <class T> inline uint64_t wr(T v) {
  if constexpr (sizeof(T) == 8) return std::bit_cast<uint64_t>(v);
  else return std::bit_cast<uint32_t>(v);
}

// A v128 in two adjacent frame slots (8-byte aligned only: memcpy).
inline simd::V128 load_v128(const uint64_t* p) {
  simd::V128 v;
  std::memcpy(v.bytes, p, 16);
  return v;
}
inline void store_v128(uint64_t* p, const simd::V128& v) { std::memcpy(p, v.bytes, 16); }

// Handler addresses (filled in by the initialisation call of run()): each
// opcode's plain handler, and each fused form's (code.hpp) by opcode.
const void* const* g_op_handlers = nullptr;
// Each (form, opcode) pair that has a handler, numbered from 1 in
// MYWASM_OP_FORMS order (0: none) at compile time, so the table written at
// run time holds only the handlers that exist: a [form][opcode] table of
// pointers was 70 KB of .bss whose 17 pages every run wrote (page faults
// are a large part of a short run's time on virtual machines).
struct FormIndex {
  uint16_t at[unsigned(Form::Count_)][kOpcodeCount] = {};
  uint16_t count = 0;
};
constexpr FormIndex make_form_index() {
  FormIndex t;
#define MYWASM_FORM_ENTRY(Form_, Id) t.at[unsigned(Form::Form_)][unsigned(Opcode::Id)] = ++t.count;
#define X(Name, Listing, Layout, Ops) Ops(MYWASM_FORM_ENTRY, Name)
  MYWASM_OP_FORMS(X)
#undef X
#undef MYWASM_FORM_ENTRY
  return t;
}
constexpr FormIndex kFormIndex = make_form_index();
const void* g_form_handlers[kFormIndex.count + 1];  // [0]: none
struct ChainEntry {
  Opcode op1, op2;
  Chain variant;
  const void* handler;
};
const ChainEntry* g_chains = nullptr;  // in MYWASM_CHAINS order
// The chains grouped by their first opcode at compile time, so that a look-up
// (the translator makes one after most binary operations) scans only the
// few chains that start with op1.
struct ChainIndex {
  static constexpr size_t kCount = [] {
    size_t n = 0;
#define X(Op1, Op2, V) ++n;
    MYWASM_CHAINS(X)
#undef X
    return n;
  }();
  uint8_t first[kOpcodeCount + 1] = {};  // chains starting with op: order[first[op]] .. order[first[op + 1] - 1]
  uint8_t order[kCount] = {};            // their indices in MYWASM_CHAINS order
};
constexpr ChainIndex make_chain_index() {
  static_assert(ChainIndex::kCount < 256);
  constexpr Opcode kFirstOps[] = {
#define X(Op1, Op2, V) Opcode::Op1,
      MYWASM_CHAINS(X)
#undef X
  };
  ChainIndex t;
  for (Opcode op : kFirstOps) ++t.first[unsigned(op) + 1];
  for (unsigned op = 0; op < kOpcodeCount; ++op) t.first[op + 1] += t.first[op];
  uint8_t next[kOpcodeCount] = {};
  for (unsigned op = 0; op < kOpcodeCount; ++op) next[op] = t.first[op];
  for (size_t i = 0; i < ChainIndex::kCount; ++i) t.order[next[unsigned(kFirstOps[i])]++] = uint8_t(i);
  return t;
}
constexpr ChainIndex kChainIndex = make_chain_index();
// Branch-fusable ops on two i32 values: the ones with an add_branch_handler.
template <Opcode op, bool = BranchFusable<op>::value && Sem<op>::kArity == 2>
struct AddBranchFusable : std::false_type {};
template <Opcode op>
struct AddBranchFusable<op, true>
    : std::bool_constant<std::is_integral_v<typename Sem<op>::A> && sizeof(typename Sem<op>::A) == 4 &&
                         std::is_integral_v<typename Sem<op>::B> && sizeof(typename Sem<op>::B) == 4> {};

// Binary ops on scalar values (numbers of at most 8 bytes in one slot): the
// ones with immediate, load-operand, store-result and read-modify-write forms.
template <Opcode op, bool = Sem<op>::kDefined && Sem<op>::kArity == 2>
struct ScalarBinary : std::false_type {};
template <Opcode op>
struct ScalarBinary<op, true>
    : std::bool_constant<std::is_arithmetic_v<typename Sem<op>::A> && std::is_arithmetic_v<typename Sem<op>::B> &&
                         std::is_arithmetic_v<typename Sem<op>::R>> {};

template <Opcode op1, Opcode op2, bool t_is_b>
constexpr bool chains() {
  using S1 = Sem<op1>;
  using S2 = Sem<op2>;
  if constexpr (!S1::kDefined || !S2::kDefined || S1::kArity != 2 || S2::kArity != 2 || S1::kCanTrap || S2::kCanTrap)
    return false;
  else if constexpr (t_is_b)
    return std::is_same_v<typename S1::R, typename S2::B>;
  else
    return std::is_same_v<typename S1::R, typename S2::A>;
}
const void* const* g_internal_handlers = nullptr;

// A value of type t from its slot(s) at p (two slots for a v128).
Value slot_to_value(StoreImpl& store, ValType t, const uint64_t* p) {
  const uint64_t bits = p[0];
  switch (t) {
    case ValType::I32: return Value::i32(static_cast<int32_t>(bits));
    case ValType::I64: return Value::i64(static_cast<int64_t>(bits));
    case ValType::F32: return Value::f32_bits(static_cast<uint32_t>(bits));
    case ValType::F64: return Value::f64_bits(bits);
    case ValType::FuncRef:
    case ValType::ExternRef: return Value::ref(t, store.from_bits(t, bits));
    case ValType::V128: return store.value_from_bits(t, p);
  }
  return Value::i64(static_cast<int64_t>(bits));
}

// Stores v into its slot(s) at p; returns the number of slots written.
uint32_t value_to_slot(StoreImpl& store, const Value& v, uint64_t* p) {
  switch (v.type()) {
    case ValType::I32: p[0] = static_cast<uint32_t>(v.i32()); return 1;
    case ValType::I64: p[0] = static_cast<uint64_t>(v.i64()); return 1;
    case ValType::F32: p[0] = v.f32_bits(); return 1;
    case ValType::F64: p[0] = v.f64_bits(); return 1;
    case ValType::FuncRef:
    case ValType::ExternRef: p[0] = store.to_bits(v.ref()); return 1;
    case ValType::V128: std::memcpy(p, v.v128().bytes, 16); return 2;
  }
  return 1;
}

inline MemoryInstance* memory0_of(StoreImpl& store, const InstanceImpl& inst) {
  if (inst.memory0) return inst.memory0;
  return inst.memories.empty() ? nullptr : store.memories[inst.memories[0]].get();
}

// Calls a host function with arguments in args[0..n); results replace them.
// A returned trap is left in st.host_trap (false). Out of line, so that no
// object with a destructor lives in the interpreter loop's scope.
bool call_host(StoreImpl& store, ExecContext& st, FuncInstance& callee, FuncInstance* caller, uint64_t* args);

// Translates a function on its first call, for the configured tier: plain
// code compiled at once (Tier::Jit; it stays interpreted if it cannot be
// compiled), or interpreter code that counts its calls towards tier-up.
// False when host memory ran out (the function stays untranslated): the
// caller traps, since nothing may throw through compiled frames.
bool translate_for_tier(StoreImpl& store, FuncInstance& f) {
  const Config& cfg = store.engine.config();
  const bool plain = cfg.tier == Config::Tier::Jit;
  if (plain && jit::compile(store, f)) return true;  // (f.compiled: the frame layout only)
  try {
    f.compiled = translate(store, f, cfg.interp_fusions && !plain, /*loop_counters=*/cfg.tier == Config::Tier::Tiered);
  } catch (const std::bad_alloc&) {
    return false;
  }
  if (cfg.tier == Config::Tier::Tiered) f.tier_up_countdown = countdown_start(cfg);
  return true;
}

// Whether compiled code's entry would find the native stack short (and
// trap, where the interpreter, which needs none, can go on).
bool native_stack_short(const ExecContext& st) {
  constexpr uintptr_t kEntryBytes = 1024;  // the entry's pushes and this call's frames, with room
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < st.native_limit + kEntryBytes;
}

// On-stack replacement: `f`, running in the interpreter with frame fp, is at
// the header of its loop `loop` and hot. Tiers it up if needed (jit::tier_up:
// compiled now, or queued for the background compiler), moves the live
// temporaries to the compiled code's frame layout and continues there until
// the function returns. Returns the TrapCode of that, or -1 when the
// interpreter must go on (no compiled code yet, or no room for its frame).
int enter_compiled_at_loop(StoreImpl& store, ExecContext& st, FuncInstance& f, uint64_t* fp, uint32_t loop) {
  // (Acquire: a background compile publishes f.native with the entry.)
  if (!jit::entry_of(f) && !jit::tier_up(store, f)) return -1;
  const jit::NativeCode& native = *f.native;
  if (!native.osr_entry || !native.source || native_stack_short(st) ||
      !f.compiled->move_frame_to(*native.source, loop, fp, st.stack_end))
    return -1;
  ++store.osr_entries;
  return int(native.osr_entry(fp, &st, loop));
}

// The interpreter loop. Runs the code at `start` (an entry stub that calls
// a function, see run_call, or one instruction followed by Halt, see
// run_instruction) in function `cur`'s context, with frame fp. A template (instantiated once, kUnused = 0)
// only so that the generated handlers' `if constexpr` branches that do not
// apply to an opcode are discarded.
template <int kUnused>
TrapCode run(StoreImpl* store_ptr, ExecContext& st, const uint64_t* start, FuncInstance* cur, uint64_t* fp) {
  // v128 handlers (simd_handlers.inc) exist for the 0xFD opcodes only.
#define MYWASM_SIMD_ENTRY(Prefix, Id) MYWASM_SIMD_ENTRY_##Prefix(Id)
#define MYWASM_SIMD_ENTRY_0x00(Id) nullptr
#define MYWASM_SIMD_ENTRY_0xFC(Id) nullptr
#define MYWASM_SIMD_ENTRY_0xFD(Id) (SimdSem<Opcode::Id>::kShape != SimdShape::None ? &&LV_##Id : nullptr)
  static const void* const kOpTable[] = {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results)                                       \
  (Sem<Opcode::Id>::kDefined || MemSem<Opcode::Id>::kIsLoad || MemSem<Opcode::Id>::kIsStore) \
      ? &&L_##Id                                                                               \
      : MYWASM_SIMD_ENTRY(Prefix, Id),
#include "opcodes.def"
#undef OP
  };
#undef MYWASM_SIMD_ENTRY
#undef MYWASM_SIMD_ENTRY_0x00
#undef MYWASM_SIMD_ENTRY_0xFC
#undef MYWASM_SIMD_ENTRY_0xFD
  static const ChainEntry kChains[] = {
#define X(Op1, Op2, V) {Opcode::Op1, Opcode::Op2, Chain::V, &&CH_##Op1##_##Op2##_##V},
      MYWASM_CHAINS(X)
#undef X
  };
  static const void* const kInternalTable[] = {
#define X(Name, Words) &&I_##Name,
      MYWASM_INTERNAL_HANDLERS(X)
#undef X
  };
  if (!store_ptr) {  // initialisation call: publish the handler addresses
    g_op_handlers = kOpTable;
    g_internal_handlers = kInternalTable;
    static_assert(std::size(kChains) == ChainIndex::kCount);
    g_chains = kChains;
    // Each form's handlers, from its list of opcodes (code.hpp).
#define MYWASM_FORM_ENTRY(Form_, Id) \
  g_form_handlers[kFormIndex.at[unsigned(Form::Form_)][unsigned(Opcode::Id)]] = &&F_##Form_##_##Id;
#define X(Name, Listing, Layout, Ops) Ops(MYWASM_FORM_ENTRY, Name)
    MYWASM_OP_FORMS(X)
#undef X
#undef MYWASM_FORM_ENTRY
    return TrapCode::None;
  }

  StoreImpl& store = *store_ptr;
  const uint32_t max_depth = store.engine.config().max_call_depth;
  const uint64_t* pc = start;
  MemoryInstance* memi = cur && cur->instance ? memory0_of(store, *cur->instance) : nullptr;
  uint8_t* mem = memi ? memi->data : nullptr;
  uint64_t mem_size = memi ? memi->size : 0;
  TrapCode trap = TrapCode::None;
  // The innermost call record, and the limits a call checks, kept here
  // rather than in `st` (st.record is brought up to date where others read
  // it: host calls and traps).
  CallRecord* rec = st.record;
  CallRecord* rec_limit = st.calls.data() + max_depth;
  uint64_t* const stack_end = st.stack_end;
  // Shared by the call handlers (declared here: computed goto must not jump
  // over initialisations).
  FuncInstance* callee;
  CompiledFunc* cf;
  uint64_t* nfp;
  const uint64_t* ret;

#define NEXT() goto* reinterpret_cast<const void*>(*pc)
#define TRAP(code)   \
  do {               \
    trap = (code);   \
    goto do_trap;    \
  } while (0)
// Every linear-memory access is bounds-checked here (the one place a
// guard-page scheme would replace).
#define CHECK_ACCESS(ea, bytes)                                  \
  do {                                                           \
    if ((ea) + (bytes) > mem_size) TRAP(TrapCode::MemoryOutOfBounds); \
  } while (0)
// An operator's own trap (division by zero, overflow, invalid conversion),
// checked only for operators that have one.
#define CHECK_OP(Op, ...)                                                        \
  do {                                                                           \
    if constexpr (Op::kCanTrap) {                                                \
      if (TrapCode t = Op::check(__VA_ARGS__); t != TrapCode::None) TRAP(t); \
    }                                                                            \
  } while (0)
#define RELOAD_MEMORY_OF(func)                                        \
  do {                                                                \
    memi = (func) ? memory0_of(store, *(func)->instance) : nullptr; \
    mem = memi ? memi->data : nullptr;                                \
    mem_size = memi ? memi->size : 0;                                 \
  } while (0)
#define RELOAD_MEMORY() RELOAD_MEMORY_OF(cur)
#define S(i) fp[pc[i]]

  NEXT();

  // ---------------------------------------------------- generated handlers
  // Numeric: dst, a[, b]. Loads: dst, addr, offset. Stores: addr, value, offset.
#define OP(Id, Prefix, Code, Name, Imm, Params, Results)                                    \
  L_##Id : {                                                                                  \
    constexpr Opcode kOp = static_cast<Opcode>(unsigned(Opcode::Id) + kUnused); /* dependent */ \
    if constexpr (MemSem<kOp>::kIsLoad) {                                                     \
      using M = typename MemSem<kOp>::Mem;                                                    \
      using V = typename MemSem<kOp>::Val;                                                    \
      uint64_t ea = uint64_t(uint32_t(S(2))) + pc[3];                                         \
      CHECK_ACCESS(ea, sizeof(M));                                                            \
      M m;                                                                                    \
      std::memcpy(&m, mem + ea, sizeof m);                                                    \
      S(1) = wr<V>(static_cast<V>(m));                                                        \
      pc += 4;                                                                                \
      NEXT();                                                                                 \
    } else if constexpr (MemSem<kOp>::kIsStore) {                                             \
      using M = typename MemSem<kOp>::Mem;                                                    \
      using V = typename MemSem<kOp>::Val;                                                    \
      uint64_t ea = uint64_t(uint32_t(S(1))) + pc[3];                                         \
      CHECK_ACCESS(ea, sizeof(M));                                                            \
      M m = static_cast<M>(rd<V>(S(2)));                                                      \
      std::memcpy(mem + ea, &m, sizeof m);                                                    \
      pc += 4;                                                                                \
      NEXT();                                                                                 \
    } else if constexpr (Sem<kOp>::kDefined && Sem<kOp>::kArity == 1) {                      \
      using Op = Sem<kOp>;                                                                    \
      auto a = rd<typename Op::A>(S(2));                                                      \
      CHECK_OP(Op, a);                                                                        \
      S(1) = wr<typename Op::R>(Op::apply(a));                                                \
      pc += 3;                                                                                \
      NEXT();                                                                                 \
    } else if constexpr (Sem<kOp>::kDefined && Sem<kOp>::kArity == 2) {                      \
      using Op = Sem<kOp>;                                                                    \
      auto a = rd<typename Op::A>(S(2));                                                      \
      auto b = rd<typename Op::B>(S(3));                                                      \
      CHECK_OP(Op, a, b);                                                                     \
      S(1) = wr<typename Op::R>(Op::apply(a, b));                                             \
      pc += 4;                                                                                \
      NEXT();                                                                                 \
    } else {                                                                                  \
      TRAP(TrapCode::Unreachable); /* no handler: never emitted */                            \
    }                                                                                         \
  }
#include "opcodes.def"
#undef OP

  // ---------------------------------------------------- fused forms (code.hpp)
  // F_<form>_<opcode>, for the opcodes each form lists; operands as its
  // layout says, and each steps over its instruction by that layout.
#define MYWASM_KOP(Id) constexpr Opcode kOp = static_cast<Opcode>(unsigned(Opcode::Id) + kUnused) /* dependent */
#define MYWASM_STEP(Fm) pc += form_words(Form::Fm)
  // AddrAddLoad: dst, base, index, offset. AddrAddStore: base, index, value, offset.
#define MYWASM_H_ADDR_ADD(Fm, Id)                                                             \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    static_assert(MemSem<kOp>::kIsLoad || MemSem<kOp>::kIsStore);                             \
    using M = typename MemSem<kOp>::Mem;                                                      \
    using V = typename MemSem<kOp>::Val;                                                      \
    constexpr int kBase = MemSem<kOp>::kIsLoad ? 2 : 1;                                       \
    uint64_t ea = uint64_t(uint32_t(S(kBase)) + uint32_t(S(kBase + 1))) + pc[4];              \
    CHECK_ACCESS(ea, sizeof(M));                                                              \
    if constexpr (MemSem<kOp>::kIsLoad) {                                                     \
      M m;                                                                                    \
      std::memcpy(&m, mem + ea, sizeof m);                                                    \
      S(1) = wr<V>(static_cast<V>(m));                                                        \
    } else {                                                                                  \
      M m = static_cast<M>(rd<V>(S(3)));                                                      \
      std::memcpy(mem + ea, &m, sizeof m);                                                    \
    }                                                                                         \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
  MYWASM_ADDR_ADD_LOAD_OPS(MYWASM_H_ADDR_ADD, AddrAddLoad)
  MYWASM_ADDR_ADD_STORE_OPS(MYWASM_H_ADDR_ADD, AddrAddStore)
  // Imm: dst, a, imm.
#define MYWASM_H_IMM(Fm, Id)                                                                  \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    static_assert(ScalarBinary<kOp>::value);                                                  \
    using Op = Sem<kOp>;                                                                      \
    auto a = rd<typename Op::A>(S(2));                                                        \
    auto b = rd<typename Op::B>(pc[3]);                                                       \
    CHECK_OP(Op, a, b);                                                                       \
    S(1) = wr<typename Op::R>(Op::apply(a, b));                                               \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
  MYWASM_IMM_OPS(MYWASM_H_IMM, Imm)
  // Branches on an op's result: a[, b or imm], target (BranchIf*: when
  // nonzero, BranchUnless*: when zero).
#define MYWASM_H_BRANCH(Fm, Id, cmp, second)                                                  \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    static_assert(BranchFusable<kOp>::value);                                                 \
    using Op = Sem<kOp>;                                                                      \
    uint32_t result;                                                                          \
    if constexpr (Op::kArity == 1) result = Op::apply(rd<typename Op::A>(S(1)));              \
    else result = Op::apply(rd<typename Op::A>(S(1)), rd<typename Op::B>(second));           \
    if (result cmp 0) pc = reinterpret_cast<const uint64_t*>(pc[form_words(Form::Fm) - 1]);  \
    else MYWASM_STEP(Fm);                                                                     \
    NEXT();                                                                                   \
  }
#define MYWASM_H_BRANCH_IF(Fm, Id) MYWASM_H_BRANCH(Fm, Id, !=, S(2))
#define MYWASM_H_BRANCH_UNLESS(Fm, Id) MYWASM_H_BRANCH(Fm, Id, ==, S(2))
#define MYWASM_H_BRANCH_IF_IMM(Fm, Id) MYWASM_H_BRANCH(Fm, Id, !=, pc[2])
#define MYWASM_H_BRANCH_UNLESS_IMM(Fm, Id) MYWASM_H_BRANCH(Fm, Id, ==, pc[2])
  MYWASM_BRANCH_UNARY_OPS(MYWASM_H_BRANCH_IF, BranchIf1)
  MYWASM_BRANCH_UNARY_OPS(MYWASM_H_BRANCH_UNLESS, BranchUnless1)
  MYWASM_BRANCH_OPS(MYWASM_H_BRANCH_IF, BranchIf)
  MYWASM_BRANCH_UNLESS_OPS(MYWASM_H_BRANCH_UNLESS, BranchUnless)
  MYWASM_BRANCH_IMM_OPS(MYWASM_H_BRANCH_IF_IMM, BranchIfImm)
  MYWASM_BRANCH_UNLESS_IMM_OPS(MYWASM_H_BRANCH_UNLESS_IMM, BranchUnlessImm)
  // After an in-place i32 step: x, step, imm, target.
#define MYWASM_H_ADD_BRANCH(Fm, Id, cmp)                                                      \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    static_assert(AddBranchFusable<kOp>::value);                                              \
    using Op = Sem<kOp>;                                                                      \
    uint64_t x = uint32_t(uint32_t(S(1)) + uint32_t(pc[2]));                                  \
    S(1) = x;                                                                                 \
    uint32_t result = Op::apply(rd<typename Op::A>(x), rd<typename Op::B>(pc[3]));            \
    if (result cmp 0) pc = reinterpret_cast<const uint64_t*>(pc[4]);                          \
    else MYWASM_STEP(Fm);                                                                     \
    NEXT();                                                                                   \
  }
#define MYWASM_H_ADD_BRANCH_IF(Fm, Id) MYWASM_H_ADD_BRANCH(Fm, Id, !=)
#define MYWASM_H_ADD_BRANCH_UNLESS(Fm, Id) MYWASM_H_ADD_BRANCH(Fm, Id, ==)
  MYWASM_ADD_BRANCH_OPS(MYWASM_H_ADD_BRANCH_IF, AddBranchIf)
  MYWASM_ADD_BRANCH_OPS(MYWASM_H_ADD_BRANCH_UNLESS, AddBranchUnless)
  // A binary op whose operand b is loaded from memory; the two forms below
  // differ only in how its effective address is made.
#define MYWASM_H_BINARY_FROM_MEMORY(Fm, Id, ea_expr)                                          \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    static_assert(ScalarBinary<kOp>::value);                                                  \
    using Op = Sem<kOp>;                                                                      \
    uint64_t ea = ea_expr;                                                                    \
    CHECK_ACCESS(ea, sizeof(typename Op::B));                                                 \
    typename Op::B b;                                                                         \
    std::memcpy(&b, mem + ea, sizeof b);                                                      \
    auto a = rd<typename Op::A>(S(2));                                                        \
    CHECK_OP(Op, a, b);                                                                       \
    S(1) = wr<typename Op::R>(Op::apply(a, b));                                               \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
  // LoadOperand: dst, a, addr, offset (b = the full-width load).
#define MYWASM_H_LOAD_OPERAND(Fm, Id) MYWASM_H_BINARY_FROM_MEMORY(Fm, Id, uint64_t(uint32_t(S(3))) + pc[4])
  MYWASM_LOAD_OPERAND_OPS(MYWASM_H_LOAD_OPERAND, LoadOperand)
  // LoadAddOperand: dst, a, base, index, offset (b = the full-width load of
  // the wrapped base + index, plus offset).
#define MYWASM_H_LOAD_ADD_OPERAND(Fm, Id) \
  MYWASM_H_BINARY_FROM_MEMORY(Fm, Id, uint64_t(uint32_t(S(3)) + uint32_t(S(4))) + pc[5])
  MYWASM_LOAD_ADD_OPERAND_OPS(MYWASM_H_LOAD_ADD_OPERAND, LoadAddOperand)
  // StoreResult: a, b, addr, offset.
#define MYWASM_H_STORE_RESULT(Fm, Id)                                                         \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    static_assert(ScalarBinary<kOp>::value);                                                  \
    using Op = Sem<kOp>;                                                                      \
    auto a = rd<typename Op::A>(S(1));                                                        \
    auto b = rd<typename Op::B>(S(2));                                                        \
    CHECK_OP(Op, a, b);                                                                       \
    typename Op::R r = Op::apply(a, b);                                                       \
    uint64_t ea = uint64_t(uint32_t(S(3))) + pc[4];                                           \
    CHECK_ACCESS(ea, sizeof r);                                                               \
    std::memcpy(mem + ea, &r, sizeof r);                                                      \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
  MYWASM_STORE_RESULT_OPS(MYWASM_H_STORE_RESULT, StoreResult)
  // MulLoadRmw / MulLoadAddRmw (kAdd): x, addr1 (base1, index1), offset1,
  // addr2, offset2.
#define MYWASM_H_MUL_LOAD_RMW(Fm, Id, kAdd)                                                   \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    using S1 = Sem<Opcode::F64Mul>;                                                           \
    using S2 = Sem<kOp>;                                                                      \
    constexpr int k = kAdd ? 1 : 0;                                                           \
    uint64_t ea1 = uint64_t(kAdd ? uint32_t(S(2)) + uint32_t(S(3)) : uint32_t(S(2))) + pc[3 + k]; \
    CHECK_ACCESS(ea1, sizeof(double));                                                        \
    double b1;                                                                                \
    std::memcpy(&b1, mem + ea1, sizeof b1);                                                   \
    double t = S1::apply(rd<double>(S(1)), b1);                                               \
    uint64_t ea2 = uint64_t(uint32_t(S(4 + k))) + pc[5 + k];                                  \
    CHECK_ACCESS(ea2, sizeof(double));                                                        \
    double b2;                                                                                \
    std::memcpy(&b2, mem + ea2, sizeof b2);                                                   \
    double r = S2::apply(t, b2);                                                              \
    std::memcpy(mem + ea2, &r, sizeof r);                                                     \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
#define MYWASM_H_MUL_LOAD_RMW_L(Fm, Id) MYWASM_H_MUL_LOAD_RMW(Fm, Id, false)
#define MYWASM_H_MUL_LOAD_RMW_LA(Fm, Id) MYWASM_H_MUL_LOAD_RMW(Fm, Id, true)
  MYWASM_MUL_LOAD_RMW_OPS(MYWASM_H_MUL_LOAD_RMW_L, MulLoadRmw)
  MYWASM_MUL_LOAD_RMW_OPS(MYWASM_H_MUL_LOAD_RMW_LA, MulLoadAddRmw)
  // MulMulRmw / MulMulRmwA (kMemIsA): x, y, z, addr, offset.
#define MYWASM_H_MUL_MUL_RMW(Fm, Id, kMemIsA)                                                 \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    using S3 = Sem<kOp>;                                                                      \
    using SM = Sem<Opcode::F64Mul>;                                                           \
    uint64_t ea = uint64_t(uint32_t(S(4))) + pc[5];                                           \
    CHECK_ACCESS(ea, sizeof(double));                                                         \
    double m;                                                                                 \
    std::memcpy(&m, mem + ea, sizeof m);                                                      \
    double u = SM::apply(SM::apply(rd<double>(S(1)), rd<double>(S(2))), rd<double>(S(3)));    \
    double r = kMemIsA ? S3::apply(m, u) : S3::apply(u, m);                                   \
    std::memcpy(mem + ea, &r, sizeof r);                                                      \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
#define MYWASM_H_MUL_MUL_RMW_B(Fm, Id) MYWASM_H_MUL_MUL_RMW(Fm, Id, false)
#define MYWASM_H_MUL_MUL_RMW_A(Fm, Id) MYWASM_H_MUL_MUL_RMW(Fm, Id, true)
  MYWASM_MUL_MUL_RMW_OPS(MYWASM_H_MUL_MUL_RMW_B, MulMulRmw)
  MYWASM_MUL_MUL_RMW_A_OPS(MYWASM_H_MUL_MUL_RMW_A, MulMulRmwA)
  // XorRot2: dst, x, a, b. XorRot3: dst, x, a, b, c.
#define MYWASM_H_XOR_ROT(Fm, Id, kThree)                                                      \
  F_##Fm##_##Id : {                                                                           \
    MYWASM_KOP(Id);                                                                           \
    using SR = Sem<Opcode::I32Rotl>;                                                          \
    using S3 = Sem<kOp>;                                                                      \
    const auto x = rd<typename SR::A>(S(2));                                                  \
    auto r = SR::apply(x, rd<typename SR::B>(pc[3])) ^ SR::apply(x, rd<typename SR::B>(pc[4])); \
    if constexpr (kThree) r ^= S3::apply(x, rd<typename S3::B>(pc[5]));                       \
    S(1) = wr<typename SR::R>(r);                                                             \
    MYWASM_STEP(Fm);                                                                          \
    NEXT();                                                                                   \
  }
#define MYWASM_H_XOR_ROT2(Fm, Id) MYWASM_H_XOR_ROT(Fm, Id, false)
#define MYWASM_H_XOR_ROT3(Fm, Id) MYWASM_H_XOR_ROT(Fm, Id, true)
  MYWASM_XOR_ROT2_OPS(MYWASM_H_XOR_ROT2, XorRot2)
  MYWASM_XOR_ROT3_OPS(MYWASM_H_XOR_ROT3, XorRot3)
#undef MYWASM_H_MUL_LOAD_RMW
#undef MYWASM_H_MUL_LOAD_RMW_L
#undef MYWASM_H_MUL_LOAD_RMW_LA
#undef MYWASM_H_MUL_MUL_RMW
#undef MYWASM_H_MUL_MUL_RMW_B
#undef MYWASM_H_MUL_MUL_RMW_A
#undef MYWASM_H_XOR_ROT
#undef MYWASM_H_XOR_ROT2
#undef MYWASM_H_XOR_ROT3
#undef MYWASM_H_ADDR_ADD
#undef MYWASM_H_IMM
#undef MYWASM_H_BRANCH
#undef MYWASM_H_BRANCH_IF
#undef MYWASM_H_BRANCH_UNLESS
#undef MYWASM_H_BRANCH_IF_IMM
#undef MYWASM_H_BRANCH_UNLESS_IMM
#undef MYWASM_H_ADD_BRANCH
#undef MYWASM_H_ADD_BRANCH_IF
#undef MYWASM_H_ADD_BRANCH_UNLESS
#undef MYWASM_H_LOAD_OPERAND
#undef MYWASM_H_LOAD_ADD_OPERAND
#undef MYWASM_H_BINARY_FROM_MEMORY
#undef MYWASM_H_STORE_RESULT
#undef MYWASM_STEP

  // ---------------------------------------------------- chains (code.hpp)
  // CH_<op1>_<op2>_<variant>: dst, x, y, z.
#define MYWASM_H_CHAIN(Op1, Op2, V)                                                          \
  CH_##Op1##_##Op2##_##V : {                                                                 \
    constexpr Opcode k1 = static_cast<Opcode>(unsigned(Opcode::Op1) + kUnused);              \
    constexpr Opcode k2 = static_cast<Opcode>(unsigned(Opcode::Op2) + kUnused);              \
    constexpr Chain kV = Chain::V;                                                           \
    constexpr bool kImm = kV == Chain::IA || kV == Chain::IB || kV == Chain::IAZ;            \
    constexpr bool kTIsB = kV == Chain::SB || kV == Chain::IB;                               \
    constexpr bool kZImm = kV == Chain::SAZ || kV == Chain::IAZ;                             \
    static_assert(chains<k1, k2, kTIsB>());                                                  \
    using S1 = Sem<k1>;                                                                      \
    using S2 = Sem<k2>;                                                                      \
    auto t = S1::apply(rd<typename S1::A>(S(2)), rd<typename S1::B>(kImm ? pc[3] : S(3))); \
    if constexpr (kTIsB) S(1) = wr<typename S2::R>(S2::apply(rd<typename S2::A>(S(4)), t)); \
    else S(1) = wr<typename S2::R>(S2::apply(t, rd<typename S2::B>(kZImm ? pc[4] : S(4)))); \
    pc += chain_words(kV);                                                                   \
    NEXT();                                                                                  \
  }
  MYWASM_CHAINS(MYWASM_H_CHAIN)
#undef MYWASM_H_CHAIN
#undef MYWASM_KOP

  // ---------------------------------------------------- control
I_Copy:
  S(1) = S(2);
  pc += 3;
  NEXT();
I_Const:
  S(1) = pc[2];
  pc += 3;
  NEXT();
I_Copy2:
  S(1) = S(2);
  S(3) = S(4);
  pc += 5;
  NEXT();
I_Copy3:
  S(1) = S(2);
  S(3) = S(4);
  S(5) = S(6);
  pc += 7;
  NEXT();
I_Copy4:
  S(1) = S(2);
  S(3) = S(4);
  S(5) = S(6);
  S(7) = S(8);
  pc += 9;
  NEXT();
I_CopyRange:
  std::memmove(&S(1), &S(2), pc[3] * sizeof(uint64_t));
  pc += 4;
  NEXT();
I_Br:
  pc = reinterpret_cast<const uint64_t*>(pc[1]);
  NEXT();
I_BrIf:
  if (uint32_t(S(1)) != 0) pc = reinterpret_cast<const uint64_t*>(pc[2]);
  else pc += 3;
  NEXT();
I_BrUnless:
  if (uint32_t(S(1)) == 0) pc = reinterpret_cast<const uint64_t*>(pc[2]);
  else pc += 3;
  NEXT();
I_BrTable: {
  uint32_t index = uint32_t(S(1));
  uint64_t count = pc[2];
  if (index >= count - 1) index = uint32_t(count - 1);
  pc = reinterpret_cast<const uint64_t*>(pc[3 + index]);
  NEXT();
}

I_Unreachable:
  TRAP(TrapCode::Unreachable);
I_Step:
  if (--st.steps_left == 0) TRAP(TrapCode::StepLimit);
  if (st.fuel_left < 0) TRAP(TrapCode::OutOfFuel);
  if (store.interrupt_requested.load(std::memory_order_relaxed)) [[unlikely]] {
    store.interrupt_requested.store(false, std::memory_order_relaxed);
    TRAP(TrapCode::Interrupted);
  }
  pc += 1;
  NEXT();
I_Fuel:
  st.fuel_left -= static_cast<int64_t>(pc[1]);
  pc += 2;
  NEXT();
I_Unsupported:
  TRAP(TrapCode::Unsupported);
I_LoopHead:
  if (jit::entry_of(*cur) || --cur->tier_up_countdown < 0) [[unlikely]] goto loop_tier_up;
  pc += 2;
  NEXT();
loop_tier_up: {
  cur->tier_up_countdown = INT32_MAX;  // tried once
  st.record = rec;
  const int osr = enter_compiled_at_loop(store, st, *cur, fp, uint32_t(pc[1]));
  if (osr < 0) {
    pc += 2;
    NEXT();
  }
  if (osr != int(TrapCode::None)) return TrapCode(osr);
  // The function returned from compiled code (which may have grown the
  // memory): return to its caller.
  RELOAD_MEMORY_OF(rec->func);
  goto I_Return;
}

I_Halt:
  st.record = rec;
  return TrapCode::None;

// Calls. A call record holds where to return, the caller's frame and the
// caller. Calls within one instance keep the memory registers; a call that
// may enter another instance loads the callee's memory, and its record
// returns onto the ReloadMemory instruction that follows it, so Return
// itself never compares instances.
I_Call:
  callee = reinterpret_cast<FuncInstance*>(pc[1]);
  nfp = fp + pc[2];
  ret = pc + 3;
  cf = callee->compiled.get();
  if (!cf) goto call_slow;  // not translated yet
enter:  // callee (translated, its memory loaded), cf, nfp, ret
  if (jit::entry_of(*callee)) goto call_native;
  if (--callee->tier_up_countdown < 0) [[unlikely]] goto tier_up;
enter_interpreted:
  if (rec + 1 >= rec_limit || nfp + cf->frame_slots > stack_end) TRAP(TrapCode::StackExhausted);
  // Zeroed locals, then constants: one short copy (few words are typical,
  // and the compiler is kept from turning it into a memcpy call).
  {
    const uint64_t* c = cf->init;
    uint64_t* p = nfp + cf->init_base;
    for (uint32_t n = cf->init_count; n != 0; --n) {
      *p++ = *c++;
      asm("" : "+r"(p));  // opaque to loop-idiom recognition (no memcpy call)
    }
  }
  ++rec;
  rec->return_pc = ret;
  rec->fp = fp;
  rec->func = cur;
  fp = nfp;
  cur = callee;
  pc = cf->entry;
  NEXT();

I_CallOther:
  callee = reinterpret_cast<FuncInstance*>(pc[1]);
  nfp = fp + pc[2];
  ret = pc + 3;
  cf = callee->compiled.get();
  if (!cf) goto call_slow;  // a host function, or not translated yet
  RELOAD_MEMORY_OF(callee);
  goto enter;

I_CallIndirect: {
  TableInstance* table = reinterpret_cast<TableInstance*>(pc[1]);
  uint32_t index = uint32_t(S(3));
  if (index >= table->elems.size()) TRAP(TrapCode::UndefinedElement);
  RefBits ref = table->elems[index];
  if (ref == kNullRef) {
    st.trap_index = index;
    TRAP(TrapCode::UninitializedElement);
  }
  callee = reinterpret_cast<FuncInstance*>(ref);
  if (callee->type_id != uint32_t(pc[2])) TRAP(TrapCode::IndirectCallTypeMismatch);
  nfp = fp + pc[4];
  cf = callee->compiled.get();
  if (cf && callee->instance == cur->instance) {
    ret = pc + 6;  // past the ReloadMemory
    goto enter;
  }
  ret = pc + 5;
  if (!cf) goto call_slow;
  RELOAD_MEMORY_OF(callee);
  goto enter;
}

I_ReloadMemory:
  RELOAD_MEMORY();
  pc += 1;
  NEXT();

call_slow:  // callee, nfp, ret: a host function or one not translated yet
  if (callee->is_host()) {
    if (!store.api) {  // the runtime must set StoreImpl::api for host calls
      Trap t;
      t.kind = Trap::Kind::Host;
      t.message = "host function called without a Store (StoreImpl::api unset)";
      st.host_trap = std::move(t);
      TRAP(TrapCode::HostTrap);
    }
    // Nested invocations (host -> wasm) start above the caller's frame.
    uint64_t* saved_top = st.top;
    uint64_t* frame_end = nfp + std::max(slot_count(callee->type->params), slot_count(callee->type->results));
    if (cur && cur->compiled) frame_end = std::max(frame_end, fp + cur->compiled->frame_slots);
    st.top = frame_end;
    if (rec + 1 >= rec_limit) TRAP(TrapCode::StackExhausted);
    *++rec = CallRecord{ret, fp, cur};  // visible to nested backtraces
    st.record = rec;
    bool ok = call_host(store, st, *callee, cur, nfp);
    // A nested invocation may have resized the record array.
    rec = st.record - 1;
    rec_limit = st.calls.data() + max_depth;
    st.top = saved_top;
    if (!ok) TRAP(TrapCode::HostTrap);  // st.host_trap holds the host's trap
    RELOAD_MEMORY();
    pc = ret;
    NEXT();
  }
  if (!translate_for_tier(store, *callee)) TRAP(TrapCode::OutOfHostMemory);
  cf = callee->compiled.get();
  RELOAD_MEMORY_OF(callee);
  goto enter;

tier_up:  // callee, cf, nfp, ret: its calls reached Config::tier_up_threshold
  callee->tier_up_countdown = INT32_MAX;  // tried once
  if (!jit::tier_up(store, *callee)) goto enter_interpreted;
call_native:  // callee (compiled), nfp, ret
  if (rec + 1 >= rec_limit) TRAP(TrapCode::StackExhausted);
  *++rec = CallRecord{ret, fp, cur};
  st.record = rec;
  trap = TrapCode(jit::entry_of(*callee)(nfp, &st));
  // The callee keeps st.record where it found it when it returns; a trap
  // leaves it (and st.trap_func) where the trap happened.
  if (trap != TrapCode::None) return trap;
  rec = st.record - 1;
  RELOAD_MEMORY();  // the callee may have grown the memory
  pc = ret;
  NEXT();

I_Return:
  pc = rec->return_pc;
  fp = rec->fp;
  cur = rec->func;
  --rec;
  NEXT();

  // ---------------------------------------------------- parametric, variables
I_Select:
  S(1) = uint32_t(S(4)) ? S(2) : S(3);
  pc += 5;
  NEXT();
I_GlobalGet:
  S(1) = reinterpret_cast<GlobalInstance*>(pc[2])->bits[0];
  pc += 3;
  NEXT();
I_GlobalSet:
  reinterpret_cast<GlobalInstance*>(pc[1])->bits[0] = S(2);
  pc += 3;
  NEXT();

  // ---------------------------------------------------- tables
I_TableGet: {
  TableInstance* t = reinterpret_cast<TableInstance*>(pc[3]);
  uint32_t i = uint32_t(S(2));
  if (i >= t->elems.size()) TRAP(TrapCode::TableOutOfBounds);
  S(1) = t->elems[i];
  pc += 4;
  NEXT();
}
I_TableSet: {
  TableInstance* t = reinterpret_cast<TableInstance*>(pc[3]);
  uint32_t i = uint32_t(S(1));
  if (i >= t->elems.size()) TRAP(TrapCode::TableOutOfBounds);
  t->elems[i] = S(2);
  pc += 4;
  NEXT();
}
I_TableSize:
  S(1) = uint32_t(reinterpret_cast<TableInstance*>(pc[2])->elems.size());
  pc += 3;
  NEXT();
I_TableGrow: {
  TableInstance* t = reinterpret_cast<TableInstance*>(pc[4]);
  S(1) = uint32_t(int32_t(t->grow(uint32_t(S(3)), S(2))));
  pc += 5;
  NEXT();
}
I_TableFill: {
  TableInstance* t = reinterpret_cast<TableInstance*>(pc[4]);
  uint64_t i = uint32_t(S(1)), n = uint32_t(S(3));
  if (i + n > t->elems.size()) TRAP(TrapCode::TableOutOfBounds);
  std::fill_n(t->elems.begin() + i, n, S(2));
  pc += 5;
  NEXT();
}
I_TableCopy: {
  TableInstance* td = reinterpret_cast<TableInstance*>(pc[4]);
  TableInstance* ts = reinterpret_cast<TableInstance*>(pc[5]);
  uint64_t d = uint32_t(S(1)), s = uint32_t(S(2)), n = uint32_t(S(3));
  if (s + n > ts->elems.size() || d + n > td->elems.size()) TRAP(TrapCode::TableOutOfBounds);
  if (n) std::memmove(td->elems.data() + d, ts->elems.data() + s, n * sizeof(RefBits));
  pc += 6;
  NEXT();
}
I_TableInit: {
  TableInstance* t = reinterpret_cast<TableInstance*>(pc[4]);
  ElemInstance* e = reinterpret_cast<ElemInstance*>(pc[5]);
  uint64_t d = uint32_t(S(1)), s = uint32_t(S(2)), n = uint32_t(S(3));
  if (s + n > e->refs.size() || d + n > t->elems.size()) TRAP(TrapCode::TableOutOfBounds);
  std::copy_n(e->refs.begin() + s, n, t->elems.begin() + d);
  pc += 6;
  NEXT();
}
I_ElemDrop:
  reinterpret_cast<ElemInstance*>(pc[1])->refs.clear();
  pc += 2;
  NEXT();

  // ---------------------------------------------------- memory
I_MemorySize:
  S(1) = uint32_t(mem_size / kPageSize);
  pc += 2;
  NEXT();
I_MemoryGrow: {
  int64_t old = memi->grow(uint32_t(S(2)));
  S(1) = uint32_t(int32_t(old));
  RELOAD_MEMORY();
  pc += 3;
  NEXT();
}
I_MemoryFill: {
  uint64_t d = uint32_t(S(1)), n = uint32_t(S(3));
  CHECK_ACCESS(d, n);
  std::memset(mem + d, int(uint8_t(S(2))), n);
  pc += 4;
  NEXT();
}
I_MemoryCopy: {
  uint64_t d = uint32_t(S(1)), s = uint32_t(S(2)), n = uint32_t(S(3));
  CHECK_ACCESS(s, n);
  CHECK_ACCESS(d, n);
  std::memmove(mem + d, mem + s, n);
  pc += 4;
  NEXT();
}
I_MemoryInit: {
  DataInstance* data = reinterpret_cast<DataInstance*>(pc[4]);
  uint64_t d = uint32_t(S(1)), s = uint32_t(S(2)), n = uint32_t(S(3));
  if (s + n > data->size) TRAP(TrapCode::MemoryOutOfBounds);
  CHECK_ACCESS(d, n);
  if (n) std::memcpy(mem + d, data->bytes + s, n);
  pc += 5;
  NEXT();
}
I_DataDrop:
  reinterpret_cast<DataInstance*>(pc[1])->size = 0;
  pc += 2;
  NEXT();

  // ---------------------------------------------------- v128
#include "interp/simd_handlers.inc"

do_trap:
  st.record = rec;
  st.trap_func = cur;
  st.trap_pc = pc;
  return trap;

#undef NEXT
#undef TRAP
#undef CHECK_ACCESS
#undef CHECK_OP
#undef RELOAD_MEMORY
#undef RELOAD_MEMORY_OF
#undef S
}

Trap make_trap(TrapCode code);

bool call_host(StoreImpl& store, ExecContext& st, FuncInstance& callee, FuncInstance* caller, uint64_t* args) {
  const FuncType& ft = *callee.type;
  std::vector<Value> in;
  in.reserve(ft.params.size());
  for (size_t i = 0, slot = 0; i < ft.params.size(); slot += slot_width(ft.params[i]), ++i)
    in.push_back(slot_to_value(store, ft.params[i], args + slot));
  std::vector<Value> out(ft.results.size());
  for (size_t i = 0; i < ft.results.size(); ++i) out[i] = Value::zero(ft.results[i]);
  std::optional<uint32_t> memory;
  if (caller && caller->instance && !caller->instance->memories.empty()) memory = caller->instance->memories[0];
  Caller c(*store.api, memory);
  // A host function's exception becomes its trap here: it must not unwind
  // through the caller's frames, which may be compiled code.
  std::optional<Trap> trap;
  try {
    trap = callee.host(c, in, out);
  } catch (const std::bad_alloc&) {
    trap = make_trap(TrapCode::OutOfHostMemory);
  } catch (const std::exception& e) {
    trap = Trap{Trap::Kind::Host, std::string("host function failed: ") + e.what(), 0, {}};
  }
  if (trap) {
    st.host_trap = std::move(trap);
    return false;
  }
  // Results are placed by the declared types (a v128 takes two slots). A
  // host that returns a v128 where the type says otherwise, or the reverse,
  // would misplace every later result: that is a trap.
  for (size_t i = 0, slot = 0; i < out.size(); slot += slot_width(ft.results[i]), ++i) {
    if ((out[i].type() == ValType::V128) != (ft.results[i] == ValType::V128)) {
      Trap t;
      t.kind = Trap::Kind::Host;
      t.message = "host function returned " + std::string(to_string(out[i].type())) + " for a " +
                  std::string(to_string(ft.results[i])) + " result";
      st.host_trap = std::move(t);
      return false;
    }
    value_to_slot(store, out[i], args + slot);
  }
  return true;
}

// Set once the handler tables are filled: the lookups below (several per
// translated instruction) test this flag inline and call nothing, where
// the function-local static's guard made each of them set up a frame.
std::atomic<bool> g_handlers_ready{false};

[[gnu::noinline, gnu::cold]] void fill_handlers() {
  // A function-local static: initialised once, thread-safely.
  static const bool initialised = (run<0>(nullptr, exec_context(), nullptr, nullptr, nullptr), true);
  (void)initialised;
  g_handlers_ready.store(true, std::memory_order_release);
}

inline void init_handlers() {
  if (__builtin_expect(!g_handlers_ready.load(std::memory_order_acquire), 0)) fill_handlers();
}

Trap make_trap(TrapCode code) {
  Trap t;
  switch (code) {
    case TrapCode::None:
    case TrapCode::HostTrap:  // (the host's own trap is used instead)
    case TrapCode::Unreachable: t.kind = Trap::Kind::Unreachable; t.message = "unreachable"; break;
    case TrapCode::DivideByZero: t.kind = Trap::Kind::IntegerDivideByZero; t.message = "integer divide by zero"; break;
    case TrapCode::IntegerOverflow: t.kind = Trap::Kind::IntegerOverflow; t.message = "integer overflow"; break;
    case TrapCode::InvalidConversion:
      t.kind = Trap::Kind::InvalidConversion;
      t.message = "invalid conversion to integer";
      break;
    case TrapCode::MemoryOutOfBounds:
      t.kind = Trap::Kind::MemoryOutOfBounds;
      t.message = "out of bounds memory access";
      break;
    case TrapCode::TableOutOfBounds:
      t.kind = Trap::Kind::TableOutOfBounds;
      t.message = "out of bounds table access";
      break;
    case TrapCode::UndefinedElement: t.kind = Trap::Kind::UndefinedElement; t.message = "undefined element"; break;
    case TrapCode::UninitializedElement:
      t.kind = Trap::Kind::UninitializedElement;
      t.message = "uninitialized element";
      break;
    case TrapCode::IndirectCallTypeMismatch:
      t.kind = Trap::Kind::IndirectCallTypeMismatch;
      t.message = "indirect call type mismatch";
      break;
    case TrapCode::StackExhausted: t.kind = Trap::Kind::StackExhausted; t.message = "call stack exhausted"; break;
    case TrapCode::StepLimit: t.kind = Trap::Kind::StepLimit; t.message = "step limit exhausted"; break;
    case TrapCode::OutOfFuel: t.kind = Trap::Kind::OutOfFuel; t.message = "all fuel consumed"; break;
    case TrapCode::OutOfHostMemory: t.kind = Trap::Kind::OutOfHostMemory; t.message = "out of host memory"; break;
    case TrapCode::Interrupted: t.kind = Trap::Kind::Interrupted; t.message = "interrupted"; break;
    case TrapCode::Unsupported:
      t.kind = Trap::Kind::Host;
      t.message = "instruction not supported by the interpreter";
      break;
  }
  return t;
}

// The module offset of the instruction of `f` whose code holds the address
// `at`: in its interpreter code, or in its compiled code, stubs or the
// translation that was compiled from.
std::optional<uint32_t> module_offset_at(const FuncInstance& f, const void* at) {
  if (!at) return std::nullopt;
  // (f.native only once its entry is published: a background compile may
  // be installing it.)
  if (jit::entry_of(f) && f.native)
    if (auto offset = f.native->module_offset(at)) return offset;
  return f.compiled ? f.compiled->module_offset(at) : std::nullopt;
}

// The frame of `f` in `store`; `at` (null if unknown) is an address in the
// code of the instruction the frame is at (see module_offset_at).
Frame frame_of(const StoreImpl& store, const FuncInstance& f, const void* at) {
  Frame fr;
  fr.func_index = f.func_index;
  fr.store_id = store.id;
  if (!f.instance) {
    fr.func_name = "<host>";
    return fr;
  }
  const auto& m = f.instance->module->module;
  fr.module_name = m.module_name;
  fr.func_name = m.func_display_name(f.func_index);
  fr.instance_addr = f.instance->addr;
  const uint32_t begin = m.bodies[f.func_index - m.num_imported_funcs].func_begin;
  const auto offset = module_offset_at(f, at);
  fr.module_offset = offset.value_or(begin);
  fr.func_offset = offset ? *offset - begin : 0;
  return fr;
}

// Host -> wasm re-entries allowed on one thread (each costs native stack:
// a few hundred bytes of interpreter frame plus the host function's own).
constexpr uint32_t kMaxNestedInvocations = 1000;

// Deep recursion can trap with thousands of frames; keep the innermost.
constexpr size_t kMaxBacktraceFrames = 128;

}  // namespace

const void* op_handler(Opcode op) {
  init_handlers();
  return g_op_handlers[static_cast<unsigned>(op)];
}
const void* form_handler(Form f, Opcode op) {
  init_handlers();
  return g_form_handlers[kFormIndex.at[unsigned(f)][static_cast<unsigned>(op)]];
}
const void* chain_handler(Opcode op1, Opcode op2, Chain v) {
  init_handlers();
  const unsigned head = static_cast<unsigned>(op1);
  for (unsigned i = kChainIndex.first[head]; i < kChainIndex.first[head + 1]; ++i) {
    const ChainEntry& c = g_chains[kChainIndex.order[i]];
    if (c.op2 == op2 && c.variant == v) return c.handler;
  }
  return nullptr;
}
const void* internal_handler(Internal h) {
  init_handlers();
  return g_internal_handlers[static_cast<unsigned>(h)];
}

TrapCode run_call(StoreImpl& store, ExecContext& st, FuncInstance& callee, FuncInstance* caller, uint64_t* fp) {
  // Entry stub: call `callee` with the frame at fp, then halt (CallOther: it
  // loads the callee's memory and returns onto the Halt).
  const uint64_t stub[] = {word(internal_handler(Internal::CallOther)), reinterpret_cast<uint64_t>(&callee), 0,
                           word(internal_handler(Internal::Halt))};
  return run<0>(&store, st, stub, caller, fp);
}

namespace {
template <Opcode op>
bool simd_instruction(uint64_t* fp, const uint64_t* instr, uint8_t* mem, uint64_t mem_size) {
  return exec_simd<op>(fp, instr, mem, mem_size);
}
}  // namespace

SimdInstructionFn simd_instruction_fn(Opcode op) {
#define MYWASM_SIMD_FN(Prefix, Id) MYWASM_SIMD_FN_##Prefix(Id)
#define MYWASM_SIMD_FN_0x00(Id) nullptr
#define MYWASM_SIMD_FN_0xFC(Id) nullptr
#define MYWASM_SIMD_FN_0xFD(Id) \
  (SimdSem<Opcode::Id>::kShape != SimdShape::None ? &simd_instruction<Opcode::Id> : nullptr)
  static constexpr SimdInstructionFn kFns[] = {
#define OP(Id, Prefix, Code, Name, Imm, Params, Results) MYWASM_SIMD_FN(Prefix, Id),
#include "opcodes.def"
#undef OP
  };
#undef MYWASM_SIMD_FN
#undef MYWASM_SIMD_FN_0x00
#undef MYWASM_SIMD_FN_0xFC
#undef MYWASM_SIMD_FN_0xFD
  return kFns[static_cast<unsigned>(op)];
}

TrapCode run_instruction(StoreImpl& store, ExecContext& st, const uint64_t* instr, FuncInstance& cur, uint64_t* fp) {
  return run<0>(&store, st, instr, &cur, fp);
}

}  // namespace interp

std::optional<Trap> invoke_function(StoreImpl& store, uint32_t func_addr, std::span<const Value> args,
                                    std::vector<Value>& results) {
  using namespace interp;
  init_handlers();
  ExecContext& st = exec_context();
  const Config& config = store.engine.config();
  try {
    if (!st.ensure(config)) return make_trap(TrapCode::OutOfHostMemory);
  } catch (const std::bad_alloc&) {
    return make_trap(TrapCode::OutOfHostMemory);
  }
  FuncInstance* func = store.funcs[func_addr].get();
  const FuncType& ft = *func->type;
  uint64_t* fp = st.top;
  size_t needed = std::max(slot_count(ft.params), slot_count(ft.results));
  if (fp + needed > st.stack_end || st.depth() + 2 >= st.calls.size() ||
      st.invocations >= kMaxNestedInvocations)
    return make_trap(TrapCode::StackExhausted);
  for (size_t i = 0, slot = 0; i < args.size(); ++i) slot += value_to_slot(store, args[i], fp + slot);

  // Restores the thread stack for the enclosing invocation however this one
  // ends (an exception thrown by a host function included).
  struct Restore {
    ExecContext& st;
    size_t depth;  // (not a pointer: a nested invocation may move the records)
    uint64_t* top;
    ~Restore() {
      st.set_depth(depth);
      st.top = top;
      --st.invocations;
    }
  } restore{st, st.depth(), st.top};
  // The running store's fuel lives in the context while it runs (compiled
  // code subtracts from it there); a nested call into another store, or
  // into this one, hands it over and back.
  struct FuelHandoff {
    ExecContext& st;
    StoreImpl* outer;
    FuelHandoff(ExecContext& c, StoreImpl& s) : st(c), outer(c.fuel_store) {
      if (outer) outer->fuel = st.fuel_left;
      st.fuel_store = &s;
      st.fuel_left = s.fuel;
    }
    ~FuelHandoff() {
      st.fuel_store->fuel = st.fuel_left;
      st.fuel_store = outer;
      if (outer) st.fuel_left = outer->fuel;
    }
  } fuel_handoff{st, store};
  const size_t base_depth = st.depth();
  if (st.invocations == 0)  // the Step at entry counts the first; no limit: a count that never runs out
    st.steps_left = config.step_limit ? config.step_limit + 1 : UINT64_MAX;
  ++st.invocations;
  if (st.invocations == 1) st.set_max_depth(config.max_call_depth);
  st.trap_pc = nullptr;
  TrapCode code = run_call(store, st, *func, nullptr, fp);
  std::optional<Trap> result;
  if (code == TrapCode::None) {
    results.clear();
    for (size_t i = 0, slot = 0; i < ft.results.size(); slot += slot_width(ft.results[i]), ++i)
      results.push_back(slot_to_value(store, ft.results[i], fp + slot));
  } else {
    Trap trap = st.host_trap ? std::move(*st.host_trap) : make_trap(code);
    if (code == TrapCode::UninitializedElement) trap.message.append(" ").append(std::to_string(st.trap_index));
    st.host_trap.reset();
    // Innermost first: the trapping function, then each caller up to the entry.
    // A caller's frame is at its call: the byte before its return address
    // (interpreter code or native) is the call's.
    if (st.trap_func) trap.backtrace.push_back(frame_of(store, *st.trap_func, st.trap_pc));
    for (size_t d = st.depth(); d > base_depth + 1 && trap.backtrace.size() < kMaxBacktraceFrames; --d) {
      const CallRecord& r = st.calls[d];
      FuncInstance* caller = r.return_pc ? jit::function_at(r.return_pc) : nullptr;  // compiled code's record
      if (!caller) caller = r.func;
      if (caller)
        trap.backtrace.push_back(
            frame_of(store, *caller, r.return_pc ? reinterpret_cast<const char*>(r.return_pc) - 1 : nullptr));
    }
    st.trap_pc = nullptr;
    result = std::move(trap);
  }
  return result;
}

}  // namespace mywasm
