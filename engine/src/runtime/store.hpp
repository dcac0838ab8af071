// Runtime objects owned by a Store. Public handles (Func, Memory, ...) are
// indices ("addresses") into the vectors below.
//
// Reference representation inside the engine (table elements, globals,
// interpreter slots): RefBits, a 64-bit word, 0 = null; a funcref is its
// FuncInstance's address (FuncInstance::addr gives its store address back);
// an externref is (index into StoreImpl::externs + 1).
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "module.hpp"
#include "mywasm/mywasm.hpp"

namespace mywasm {

struct ModuleImpl;
struct InstanceImpl;
struct CompiledFunc;  // interpreter code for one function (interp/)
struct ExecRegs;      // runtime/exec_context.hpp
namespace jit {
struct NativeCode;    // compiled code for one function (jit/)
}

// A function compiled to native code (tier 1), called with its frame and
// this thread's execution context; returns a TrapCode (0: returned). The
// arguments are at fp[0..), results come back there (the frame layout of
// interp/code.hpp).
using NativeEntry = uint32_t (*)(uint64_t* fp, ExecRegs* ctx);

// (See the top of this file; a funcref as a pointer: call_indirect reaches
// the function in one load.)
using RefBits = uint64_t;
constexpr RefBits kNullRef = 0;

struct FuncInstance {
  // The store's canonical copy (StoreImpl::type_ids), shared by every
  // function of that type.
  const FuncType* type = nullptr;
  uint32_t type_id = 0;           // canonical id: equal FuncTypes in a store share it (call_indirect check)
  InstanceImpl* instance = nullptr;  // defining instance (null for host functions)
  uint32_t func_index = 0;          // index in the defining module
  uint32_t addr = 0;                // index in the store's funcs (a Ref's bits)
  HostFunc host;                    // host functions only
  // Interpreter code, translated lazily on first call.
  std::unique_ptr<CompiledFunc> compiled;
  // The tier-neutral entry every caller (interpreter or compiled code)
  // looks at: native code once the function is compiled, else null (the
  // interpreter runs `compiled`).
  NativeEntry native_entry = nullptr;
  std::unique_ptr<jit::NativeCode> native;
  // What x86-64 compiled code's call_indirect compares in one go, set with
  // native code (see jit::publish_indirect_call): the canonical type id in
  // the top 16 bits over the instance's address (0: no native code, or a
  // type id of 16 bits or more: such calls take the slow path), and the
  // internal entry it then calls.
  uint64_t indirect_call_key = 0;
  const void* internal_entry = nullptr;
  // Interpreter calls left before the function tiers up (Config::tier
  // Tiered); reset to "never" once it was tried.
  int32_t tier_up_countdown = INT32_MAX;
  // Lean code's way to the full compiler's (Config::JitCompiler::Both):
  // its calls plus loop iterations left before it asks (counted by the
  // lean code, then by jit::lean_*_hot while the full code is made), the
  // request's state (jit::UpgradeState, atomic: the helper thread sets
  // Ready), and the full code made and not yet installed.
  int32_t upgrade_countdown = INT32_MAX;
  uint8_t upgrade_state = 0;
  std::unique_ptr<jit::NativeCode> upgrade;
  // Out of line: CompiledFunc is only complete in store.cpp and interp/.
  FuncInstance();
  ~FuncInstance();
  bool is_host() const { return instance == nullptr; }
};

// Where a function's tier-up and upgrade countdowns start:
// Config::tier_up_threshold, as the int32 they count down.
inline int32_t countdown_start(const Config& config) {
  return int32_t(std::min<uint32_t>(config.tier_up_threshold, INT32_MAX));
}

struct MemoryInstance {
  // 4 GiB of addressable memory plus the largest static offset (4 GiB)
  // plus a guard page (for the access size): every 32-bit address + offset
  // + size lands inside a reservation this large, so compiled code needs no
  // bounds check on such a memory (an access beyond the size faults in the
  // inaccessible part; see jit/src/fault_handler.hpp).
  static constexpr uint64_t kGuardedReservation = (8ull << 30) + 65536;
  MemoryType type;
  uint8_t* data = nullptr;  // base; never moves (address space is reserved up front)
  uint64_t size = 0;        // current size in bytes
  uint64_t reserved = 0;    // bytes of address space reserved
  uint64_t page_limit = UINT64_MAX;  // the host's limit (StoreLimits::max_memory_pages)
  bool guarded() const { return reserved >= kGuardedReservation; }
  // Reserves the address space (Config::bounds_checks: kGuardedReservation,
  // or a bounded reservation where that cannot be had or is not wanted) and
  // makes the initial pages accessible; false if the host cannot provide
  // them. page_limit must be set before.
  bool init(MemoryType t, BoundsChecks checks = BoundsChecks::Auto);
  ~MemoryInstance();
  // Grows by delta pages; returns old page count or -1.
  int64_t grow(uint64_t delta_pages);

 private:
  // Where 8 GiB reservations no longer fit in the address space (16,000
  // live memories fill the 128 TiB a process has), a memory reserves twice
  // its initial size or this much: about 20 GiB are left between the big
  // reservations, room for many small memories that cannot grow far.
  static constexpr uint64_t kCrowdedReservation = 1ull << 20;
  bool reserve_bounded(uint64_t min_bytes, bool crowded);
};

// Host resource limit on table size (table.grow beyond it returns -1).

// The store's allowance of table elements (StoreLimits::max_table_elements,
// max_store_table_elements) and what its tables hold.
struct TableBudget {
  uint64_t per_table = 0, per_store = 0, used = 0;
  // Elements the store's tables may still add together.
  uint64_t room() const { return per_store - std::min(per_store, used); }
  // Whether a table of `size` elements may grow by `delta`; if so, counted.
  bool take(uint64_t size, uint64_t delta) {
    if (size + delta > per_table || delta > room()) return false;
    used += delta;
    return true;
  }
};

struct TableInstance {
  TableType type;
  std::vector<RefBits> elems;
  TableBudget* budget = nullptr;  // the owning store's; its elements are counted there
  TableInstance() = default;
  TableInstance(const TableInstance&) = delete;
  TableInstance& operator=(const TableInstance&) = delete;
  ~TableInstance() {
    if (budget) budget->used -= elems.size();
  }
  // Returns old size or -1.
  int64_t grow(uint64_t delta, RefBits init);
};

struct GlobalInstance {
  GlobalType type;
  uint64_t bits[2] = {0, 0};  // numeric bits, RefBits, or v128 (16 bytes)
};

struct ElemInstance {
  ValType type = ValType::FuncRef;
  std::vector<RefBits> refs;  // emptied by elem.drop
};

struct DataInstance {
  const uint8_t* bytes = nullptr;  // into the module's bytes
  uint32_t size = 0;               // 0 after data.drop
};

// Instance: maps the module's index spaces to store addresses.
struct InstanceImpl {
  std::shared_ptr<const ModuleImpl> module;
  uint32_t addr = 0;  // in the store's instances
  std::vector<uint32_t> funcs, tables, memories, globals, elems, datas;
  // Each of the module's types' canonical id (StoreImpl::intern_type),
  // interned at instantiation: a translation reads it here, as interning
  // then would change the store while compile_all's threads translate.
  std::vector<uint32_t> type_ids;
  std::vector<std::pair<std::string, Extern>> exports;
  // Cached for the interpreter: memory 0's instance (or null).
  MemoryInstance* memory0 = nullptr;
};

struct StoreImpl {
  explicit StoreImpl(Engine& e);
  // A new table of `type` filled with `init`, counted in table_budget;
  // nullptr if the budget does not allow its minimum size.
  std::unique_ptr<TableInstance> new_table(const TableType& type, RefBits init);
  // A new memory within limits.max_memory_pages and Config::bounds_checks;
  // nullptr with the reason in `why` if it cannot be had.
  std::unique_ptr<MemoryInstance> new_memory(const MemoryType& type, std::string& why);
  void set_limits(const StoreLimits& l);
  ~StoreImpl();
  Engine& engine;
  // The public Store owning this (set by Store's constructor); the
  // interpreter hands it to host functions through Caller.
  Store* api = nullptr;
  std::vector<std::unique_ptr<FuncInstance>> funcs;
  std::vector<std::unique_ptr<MemoryInstance>> memories;
  // Set by Store::interrupt() (any thread); taken by the next Step.
  std::atomic<bool> interrupt_requested{false};
  // Process-unique identity, carried by handles and references so that one
  // from another store (or a forged one) is refused instead of followed.
  const uint32_t id;
  StoreLimits limits;
  // Fuel left while no call runs in this store (Config::consume_fuel); a
  // running call keeps it in ExecContext::fuel_left. Without fuel
  // consumption nothing is charged, so it never runs out.
  int64_t fuel = INT64_MAX;
  TableBudget table_budget;  // declared before `tables`: they give back to it as they go
  std::vector<std::unique_ptr<TableInstance>> tables;
  std::vector<std::unique_ptr<GlobalInstance>> globals;
  std::vector<std::unique_ptr<ElemInstance>> elems;
  std::vector<std::unique_ptr<DataInstance>> datas;
  std::vector<std::unique_ptr<InstanceImpl>> instances;
  std::vector<uintptr_t> externs;  // host payloads of externref values
  std::unordered_map<uintptr_t, uint32_t> extern_ids;  // payload -> index in externs (interning)

  // Canonical function type ids for call_indirect, and each type's id (a
  // module may declare a million types: no search through them per type).
  // A deque: functions point at their type here (FuncInstance::type), and
  // a type interned later moves no earlier one.
  std::deque<FuncType> type_ids;
  struct FuncTypeHash {
    size_t operator()(const FuncType& t) const;
  };
  std::unordered_map<FuncType, uint32_t, FuncTypeHash> type_index;
  uint32_t intern_type(const FuncType& t);

  // Whether a funcref names a function of this store (its id, and an
  // address it gave out). to_bits expects funcrefs checked by it.
  bool owns(const Ref& r) const;
  RefBits to_bits(const Ref& r);
  Ref from_bits(ValType t, RefBits b) const;

  // A Value <-> the raw bits a global or frame slot holds (refs as RefBits).
  void value_to_bits(const Value& v, uint64_t out[2]);
  Value value_from_bits(ValType t, const uint64_t bits[2]) const;

  // Held while the vectors above (and an instance's) are appended to, and
  // by the background compiler while it compiles (it reads them).
  std::mutex structure_mutex;
  // Loops entered in compiled code from the interpreter (on-stack
  // replacement), for tests and statistics.
  uint64_t osr_entries = 0;
  // Config::background_compile (jit/src/background_compiler.hpp): whether
  // a function of this store was queued for the helper thread (the store
  // then takes its functions back before it is destroyed), and how many the
  // helper compiled (guarded by the helper's lock).
  bool background_used = false;
  uint64_t background_compiles = 0;
};

}  // namespace mywasm
