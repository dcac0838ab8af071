// The execution context every tier shares: one per thread, outside any
// tier's loop. It holds the value stack that frames live on, the call
// records that give backtraces and the call depth, trap state and the
// limits a running call checks. The interpreter keeps copies of some of
// it in registers and brings them up to date where others read them (host
// calls, traps, calls into compiled code); compiled code reads and writes
// ExecRegs through its pinned context register.
#pragma once
#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mywasm/mywasm.hpp"

namespace mywasm {

struct FuncInstance;
struct StoreImpl;

// One active call, pushed by the caller (whatever its tier) when it calls.
// A backtrace finds the caller's call one byte before return_pc.
struct CallRecord {
  // Where the caller returns to: the interpreter's return address (in its
  // code or in a compiled function's stubs), or compiled code's native one.
  const uint64_t* return_pc;
  // The caller's frame and the caller (null for the embedder's entry).
  // Compiled code writes return_pc only (one store per call): its records
  // are known by a native return_pc, whose function jit::function_at finds.
  uint64_t* fp;
  FuncInstance* func;
};

// The part compiled code addresses by fixed offsets (standard layout).
struct ExecRegs {
  // The innermost record (calls.data() + depth) and the first one a call
  // may not push (calls.data() + Config::max_call_depth of the running
  // invocation): a call is one add and compare, with no index to scale.
  CallRecord* record = nullptr;
  CallRecord* record_limit = nullptr;
  uint64_t* stack_end = nullptr;  // end of the value stack
  uintptr_t native_limit = 0;     // compiled code traps below this stack pointer
  uint64_t steps_left = 0;        // Config::step_limit countdown
  // Where the last trap happened: the innermost function (null when the
  // trap is its caller's, at the call: a compiled callee's entry found no
  // stack left), and an address inside the trapping instruction's code
  // (interpreter code, a compiled function's native code or stubs; null:
  // unknown). trap_pc is cleared once its backtrace is taken.
  FuncInstance* trap_func = nullptr;
  const void* trap_pc = nullptr;
  // Fuel of the store being run (Config::consume_fuel): each basic block
  // subtracts its instruction count on entry; Step traps once it is below 0.
  int64_t fuel_left = INT64_MAX;
  // x86-64 compiled code's calls among themselves push no records: a run of
  // compiled frames entered through one native entry (a segment) has them
  // in its native stack instead, each frame the same size, so that the
  // depth of a frame is its distance in bytes from segment_sp. The native
  // entry sets these for the segment it starts, and restores the enclosing
  // segment's when it returns:
  //   segment_sp: the stack pointer of the segment's first frame;
  //   segment_base: its record (the call into it) as a byte offset from
  //     records_begin (an offset: a nested invocation may move the records);
  //   frame_limit: compiled code traps below this stack pointer: the native
  //     stack's native_limit, or sooner where the segment's frames would
  //     reach record_limit.
  // Where compiled code leaves for the interpreter or the host, and where a
  // trap leaves the segment, it writes `record` and the records of the
  // segment's calls (see the x86-64 backend).
  CallRecord* records_begin = nullptr;  // calls.data()
  uintptr_t segment_sp = 0;
  uint64_t segment_base = 0;
  uintptr_t frame_limit = 0;
  // The native entry's stack pointer as it called the segment's first
  // frame: a trap leaves the whole segment at once by going back to it, so
  // calls within a segment test no trap status on return.
  uintptr_t unwind_sp = 0;
};

// The call records, indexed by depth: zero-filled pages mapped without
// being touched, so that the default depth limit (10,000 records, 240 KB)
// costs no page faults (tens of microseconds each on a VM) until calls go
// that deep. A vector would write every record at start-up.
class CallRecords {
 public:
  CallRecords() = default;
  CallRecords(const CallRecords&) = delete;
  CallRecords& operator=(const CallRecords&) = delete;
  ~CallRecords();
  CallRecord* data() const { return data_; }
  size_t size() const { return size_; }
  CallRecord& operator[](size_t i) { return data_[i]; }
  const CallRecord& operator[](size_t i) const { return data_[i]; }
  CallRecord* begin() const { return data_; }
  CallRecord* end() const { return data_ + size_; }
  // At least n records, the existing ones kept; throws std::bad_alloc.
  void grow(size_t n);

 private:
  CallRecord* data_ = nullptr;
  size_t size_ = 0;
};

struct ExecContext : ExecRegs {
  uint64_t* base = nullptr;
  uint64_t* top = nullptr;  // first slot not used by an active invocation
  CallRecords calls;  // sized once per configuration; indexed by depth()
  std::optional<Trap> host_trap;  // a trap returned by a host function, propagated unchanged
  uint32_t trap_index = 0;            // the table index of the last "uninitialized element" trap
  // Active invoke_function calls on this thread: each host -> wasm re-entry
  // recurses natively, so their number is bounded separately.
  uint32_t invocations = 0;
  // The store whose fuel is in fuel_left (null outside any invocation).
  StoreImpl* fuel_store = nullptr;

  // Sizes the value stack and the records for `cfg` (an outermost
  // invocation may resize them: nested ones run on what it set up). False
  // when not even a small value stack can be had; throws std::bad_alloc
  // when the records cannot.
  bool ensure(const Config& cfg);
  static constexpr size_t kMinValueStackBytes = 256 * 1024;
  // An inaccessible region right after stack_end: compiled code whose frame
  // is no larger checks the value stack at entry by reading its frame's
  // last byte, which faults there when the frame does not fit (see the
  // fault handler), instead of comparing with stack_end.
  static constexpr size_t kValueStackGuardBytes = 64 * 1024;
  size_t depth() const { return size_t(record - calls.data()); }
  void set_depth(size_t depth) { record = calls.data() + depth; }
  // Sets record_limit for an invocation's Config::max_call_depth.
  void set_max_depth(size_t max_depth) { record_limit = calls.data() + max_depth; }
  uint64_t* end() const { return stack_end; }
};

// This thread's context.
ExecContext& exec_context();

}  // namespace mywasm
