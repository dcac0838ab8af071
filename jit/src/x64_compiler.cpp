// x86-64 backend: one pass over a function's plain translation (see
// interp/code.hpp), each instruction to a short native sequence on the same
// frame slots.
//
// Pinned registers, all callee-saved in the SysV ABI so that helper and
// wasm calls keep them:
//   rbx  frame pointer: slot i is [rbx + 8 i]
//   r12  this thread's ExecRegs (call depth and records, limits, trap state)
//   r13  memory 0's base (a memory never moves)
//   r14  the address of memory 0's current size in bytes (read at each
//        access: a memory.grow in any callee changes it), where the
//        memory is not guarded; otherwise a callee-saved cache register
//        like r15 and rbp (see RegCache)
// Each function has two entries: its native entry (NativeEntry: through
// native_entry_routine, saves and sets r12-r15 and starts a segment) and,
// kInternalEntryOffset bytes on, the internal entry that compiled code of
// the same instance calls (saves rbx, and r15 and rbp in a function with
// loops, the only functions that use them, in its save slots: see RegCache
// and CompiledFunc::save_base). Calls to internal entries push no call
// records (see kFrameBytes).
// Values live in their frame slots, so the frame has the interpreter's
// state wherever something outside this code may read it: at calls, at
// instructions run in the interpreter, at returns and at loop headers
// (OSR). Within straight-line code a register cache keeps recently written
// or read slots in caller-saved registers too, so a value used by the next
// instructions is read from a register, not reloaded through the store
// buffer; it is forgotten at labels and calls. Locals are written through
// to their slots; temporaries' stores are deferred (most die first); the
// locals a loop pins live in their registers there and are stored on the
// paths leaving the loop (a loop that calls pins integer locals in r15
// and rbp only, which calls keep). A trap discards the frame, so it
// needs no stores. A v128 is cached as one value in an xmm register (see
// RegCache). A compare whose result only feeds the br_if after it
// branches on the flags. An instruction without an inline form here runs
// in the interpreter (interp::run_instruction) on the same frame: correct
// for every instruction, at the price of a call.
//
// A result is computed in place in the register of the slot it replaces
// when no other slot shares that register (a temporary's stack position is
// usually an operand's too), else in the least recently used one. A scalar
// result the next instruction only copies to a local (local.set/tee) is
// computed straight into the local (X64Compiler::forwarded_dst), the copy
// left out. An i32 local pinned in a loop keeps its register zero-extended
// on every path (RegCache::Pin::i32), so it indexes memory as it is.
//
// Linear-memory accesses: on a guarded memory (MemoryInstance::guarded) the
// address is used unchecked, and an access beyond the memory's size faults
// in its reservation; the fault handler (fault_handler.hpp) resumes at this
// function's out-of-bounds trap. Elsewhere (a memory that could not reserve
// that much address space) the effective address plus the access size is
// checked against the current size. The address (an i32) indexes memory
// straight from its cache register when that register's upper half is
// known to be zero (RegCache::zext: written by a 32-bit operation since it
// was last taken, nothing known at labels and calls); otherwise it is
// zero-extended in place first, or loaded with a 32-bit load into a cache
// register. (Every i32 slot holds its value zero-extended, in both tiers;
// the compiler does not rely on that for memory safety: the upper half of
// an i32's register is no part of its value, and every 32-bit operation
// ignores it.) memory.copy and memory.fill check both ranges inline and
// call memmove/memset.
//
// Traps: a trap this code detects jumps to a stub out of line, one per
// trapping instruction and kind, that loads the address of the jump (the
// fault handler: of the faulting access) for the common exit, which stores
// it and the function in ExecRegs::trap_pc and trap_func and returns the
// TrapCode; a trap returned by a callee or helper (which set the trap state
// where it happened) is returned unchanged. As a trap leaves the segment,
// the records of its calls are written (write_segment_records): each holds
// the call's native return address (and no more). Such addresses map back
// to wasm offsets through
// NativeCode::code_origins, recorded while compiling; the instructions run
// in the interpreter have their stubs' (NativeCode::stub_origins).
#include "x64_compiler.hpp"

#include "fault_handler.hpp"

#include <asmjit/x86.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "compiler_common.hpp"
#include "x64_abi.hpp"
#include "x64_fast_assembler.hpp"
#include "interp/code.hpp"
#include "interp/numeric.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/module_impl.hpp"

namespace mywasm::jit {
namespace {

using namespace asmjit;
using namespace asmjit::x86;
using interp::HandlerInfo;
using interp::Internal;
using interp::TrapCode;
using asmjit::Error;
using namespace x64;

// Which registers hold which slots' current values. A slot whose value is
// in its register only is dirty (its store deferred): the compiler stores
// it before anything reads the slot from memory; forgetting a clean entry
// is always safe. Inside a loop some locals are pinned: they stay in their
// register for the whole loop, so that a value carried from one iteration
// to the next is never reloaded from memory. A pinned register is valid on
// every path inside its loop: writes to a pinned slot go to its register
// (the slot is stored when the loop is left or something reads it), and
// the code reloads the pins after every call (see X64Compiler::after_call).
// An xmm register may hold a v128, the value of two adjacent slots (slot
// and slot + 1, cached under the first): a write to either slot replaces
// it (see drop_overlapping).
class RegCache {
 public:
  struct Entry {
    bool xmm;
    uint32_t reg;  // index into the pool
    bool operator==(const Entry&) const = default;
  };
  static constexpr uint32_t kGpCount = 9, kXmmCount = 14;
  static constexpr uint32_t kMaxPinnedGp = 5, kMaxPinnedXmm = 10;
  // The last three general registers, r15, rbp and r14, are callee-saved
  // in the SysV ABI: a function that uses them saves them at its internal
  // entry (X64Compiler::saves_callee_saved_, saves_r14_), so values in
  // them survive every call, to wasm or to C++. A function that does not
  // save them leaves them alone (reserve_callee_saved, reserve_r14). r14
  // is free only where the memory is guarded (or absent): elsewhere it
  // holds the address of the memory's size. Nothing in compiled code uses
  // rbp as a frame pointer.
  static constexpr uint32_t kFirstCalleeSavedGp = 6, kR14 = 8;
  static Gp gp(uint32_t i) {
    static const Gp pool[kGpCount] = {rsi, rdi, r8, r9, r10, r11, r15, rbp, r14};
    return pool[i];
  }
  static bool callee_saved(Entry e) { return !e.xmm && e.reg >= kFirstCalleeSavedGp; }
  static Xmm xmm(uint32_t i) { return Xmm(i + 1); }  // xmm1..xmm14 (xmm0, xmm15: scratch)

  // A pinned slot and its register (`wide`: an f64 in an xmm register;
  // `v128`: a v128 local's two slots in an xmm register).
  struct Pin {
    uint64_t slot;
    Entry e;
    bool wide = true;
    bool v128 = false;
    // An i32 local: its register is kept zero-extended on every path (the
    // compiler's invariant: every write to it is a 32-bit one, or is
    // zero-extended after), so it is known zext at labels too.
    bool i32 = false;
  };

  RegCache() { reset_recency(); }
  // Empties the cache, keeping its buffers (one cache serves every
  // function a thread compiles).
  void reset() {
    slots_.clear();
    pins_.clear();
    evicted_.clear();
    std::fill(std::begin(users_), std::end(users_), 0);
    pinned_regs_ = 0;
    any_v128_ = false;
    reserved_regs_ = 0;
    reset_recency();
    std::fill(std::begin(zext_), std::end(zext_), false);
  }
  // Keeps the callee-saved registers out of use (a function that does not
  // save them).
  void reserve_callee_saved() {
    for (uint32_t r = kFirstCalleeSavedGp; r < kGpCount; ++r) reserved_regs_ |= uint32_t(1) << r;
  }
  // Keeps r14 out of use (a function that saves r15 and rbp only).
  void reserve_r14() { reserved_regs_ |= uint32_t(1) << kR14; }

  // Whether a general register's upper 32 bits are known to be zero: the
  // compiler wrote it with a 32-bit operation since it last took it (at a
  // label or call nothing is known). A memory address (an i32) in such a
  // register indexes memory as it is, with no zero-extending copy first.
  bool zext(Entry e) const { return !e.xmm && zext_[e.reg]; }
  void set_zext(Entry e) {
    if (!e.xmm) zext_[e.reg] = true;
  }

  // (A look-up is a use: see take.)
  std::optional<Entry> find(uint64_t slot) const {
    const Cached* c = cached(slot);
    if (!c) return std::nullopt;
    touch(c->e);
    return c->e;
  }
  // The register of `slot` when no other slot shares it (a value that an
  // operation can replace in place).
  std::optional<Entry> sole(uint64_t slot) const {
    const Cached* c = cached(slot);
    if (!c || c->v128 || shared(c->e) || pinned_reg(c->e)) return std::nullopt;
    return c->e;
  }
  bool pinned(uint64_t slot) const {
    for (const Pin& p : pins_)
      if (p.slot == slot) return true;
    return false;
  }
  // Drops what is known about `slot`, whose value is being replaced (its
  // pin stays: the caller writes it through take()), and about a v128
  // overlapping it.
  void forget(uint64_t slot) {
    drop_overlapping(slot, false);
    Cached* c = cached(slot);
    if (!c) return;
    if (pinned(slot)) c->dirty = false;
    else erase(c);
  }
  // Only the pins remain (a label: paths join; a call: pins reloaded).
  // Dirty unpinned values must have been stored (X64Compiler::flush_dirty).
  // `pins_dirty`: whether a pin's slot may be stale (at a label inside
  // its loop, where some path may not have stored it).
  void forget_all(bool pins_dirty) { keep_only_pins(pins_dirty ? ~uint32_t(0) : 0); }
  // After a call that keeps the callee-saved registers and reads and
  // writes no local's slot (a wasm call, memmove): as forget_all, but the
  // pins in callee-saved registers stay as they were, deferred stores
  // still deferred (the caller reloads the others).
  void forget_all_across_call() {
    uint32_t dirty_pins = 0;  // bit i: pins_[i] in a callee-saved register and dirty
    for (size_t i = 0; i < pins_.size(); ++i)
      if (callee_saved(pins_[i].e) && dirty(pins_[i].slot)) dirty_pins |= uint32_t(1) << i;
    keep_only_pins(dirty_pins);
  }
  // Forgets every cached value but the pins, which stay in their registers;
  // pins_[i] is dirty where bit i of `dirty_pins` is set.
  void keep_only_pins(uint32_t dirty_pins) {
    static_assert(kMaxPinnedGp + kMaxPinnedXmm <= 32, "a bit per pin");
    slots_.clear();
    std::fill(std::begin(users_), std::end(users_), 0);
    for (size_t i = 0; i < pins_.size(); ++i)
      add({pins_[i].slot, pins_[i].e, bool(dirty_pins >> i & 1), pins_[i].wide, pins_[i].v128});
    reset_zext();
  }
  void mark_pins_dirty() {
    for (const Pin& p : pins_) mark_dirty(p.slot, p.wide);  // (a pin's v128 flag stays: see add)
    reset_zext();
  }

  // Temporaries whose current value is only in their register (its store
  // to the slot deferred: most are dead before anything reads the slot).
  // `wide` tells an f64 from an f32 in an xmm register.
  void mark_dirty(uint64_t slot, bool wide) {
    if (Cached* c = cached(slot)) {
      c->dirty = true;
      c->wide = wide;
    }
  }
  bool dirty(uint64_t slot) const {
    const Cached* c = cached(slot);
    return c && c->dirty;
  }
  // `slot`'s value (stored) is in register `e` too, which no slot uses: a
  // call's result (see result_register).
  void add_stored(uint64_t slot, Entry e) {
    add({slot, e, false, false, false});
    touch(e);
  }
  bool dirty_wide(uint64_t slot) const { return cached(slot)->wide; }
  // Whether the register of a cached slot holds a v128 (slot and slot + 1).
  bool holds_v128(uint64_t slot) const {
    const Cached* c = cached(slot);
    return c && c->v128;
  }
  // Some dirty slot (only unpinned ones when !pins too; none pinned in a
  // callee-saved register when !callee_saved_pins), if any.
  std::optional<uint64_t> any_dirty(bool pins = true, bool callee_saved_pins = true) const {
    for (const Cached& c : slots_)
      if (c.dirty && ((pins && (callee_saved_pins || !callee_saved(c.e))) || !pinned(c.slot))) return c.slot;
    return std::nullopt;
  }
  // Forgets the dirty values of slots `first` and up (a pin's stays, clean).
  void forget_dirty_from(uint64_t first) {
    for (size_t i = 0; i < slots_.size();) {
      Cached& c = slots_[i];
      if (!c.dirty || c.slot < first) {
        ++i;
      } else if (pinned(c.slot)) {
        c.dirty = false;
        ++i;
      } else {
        erase(&c);
      }
    }
  }
  // Forgets the dirty slots above `slot` (dead temporaries).
  void forget_dirty_above(uint64_t slot) {
    if (slot != UINT64_MAX) forget_dirty_from(slot + 1);
  }
  void clean(uint64_t slot) {
    if (Cached* c = cached(slot)) c->dirty = false;
  }
  // Dirty values evicted by the last take() or pin(), with the register
  // that still holds each: the caller stores them before reusing it.
  struct Evicted {
    uint64_t slot;
    Entry e;
    bool wide;
    bool v128;
  };
  const std::vector<Evicted>& evicted() const { return evicted_; }
  void clear_evicted() { evicted_.clear(); }
  // A general register for `slot`'s new value: `prefer` when it is free
  // to take and the slot is not pinned, else as take() chooses.
  Entry take_gp(uint64_t slot, Entry prefer) {
    if (pin_of(slot) || ((pinned_regs_ | reserved_regs_) >> index(prefer) & 1)) return take(slot, false);
    clean(slot);
    drop_overlapping(slot, false);
    evict(prefer);
    set(slot, prefer);
    touch(prefer);
    clear_zext(prefer);
    return prefer;
  }
  // The register for `slot`'s new value (a v128 when `v128`: is_xmm too):
  // its pin, else the next unpinned register of the class (evicting what
  // it held).
  Entry take(uint64_t slot, bool is_xmm, bool v128 = false) {
    clean(slot);  // its old value is being replaced
    drop_overlapping(slot, v128);
    if (const Pin* p = pin_of(slot)) {
      // Written in place: other slots that shared the register's old value
      // (copies of it) no longer do.
      const Entry e = p->e;
      evict(e);
      set(slot, e, v128);
      clear_zext(e);
      return e;
    }
    // The register holding the slot's old value when nothing else shares
    // it: the new value is computed in place (a temporary's stack position
    // is the result's of the operation that pops it: `mov r2, r1; op r2, x`
    // becomes `op r1, x`). (The operand bodies read first: see put_gp.)
    if (Cached* c = cached(slot); c && c->e.xmm == is_xmm && !shared(c->e)) {
      const Entry e = c->e;
      c->v128 = v128;
      touch(e);
      clear_zext(e);
      return e;
    }
    // The least recently used unpinned register: the values read or
    // written last are the likeliest to be read again.
    const uint32_t head = kHead + is_xmm, first = index(Entry{is_xmm, 0});
    uint32_t lru = recency_next_[head];
    while (lru != head && ((pinned_regs_ | reserved_regs_) >> lru & 1)) lru = recency_next_[lru];
    const Entry e{is_xmm, lru == head ? 0 : lru - first};  // (pin() leaves some register of each class unpinned)
    evict(e);
    set(slot, e, v128);
    touch(e);
    clear_zext(e);
    return e;
  }
  // The register of `from`, a temporary the current instruction pops (dead
  // after it), becomes `to`'s, for to's new value to be computed there in
  // place: from's entry is dropped with its deferred store. False, and
  // nothing changed, unless `from` is alone in an unpinned register of the
  // class and `to` is not pinned (a pin keeps its register).
  bool hand_over(uint64_t from, uint64_t to, bool is_xmm) {
    const std::optional<Entry> e = sole(from);
    if (!e || e->xmm != is_xmm || pin_of(to)) return false;
    erase(cached(from));
    drop_overlapping(to, false);
    set(to, *e);
    touch(*e);
    clear_zext(*e);
    return true;
  }
  // `slot` now holds what the register of `e` holds; false when it cannot
  // share it (a pinned slot keeps its own register).
  bool alias(uint64_t slot, Entry e, bool v128 = false) {
    if (pinned(slot)) return false;
    drop_overlapping(slot, v128);
    set(slot, e, v128);
    return true;
  }
  // Pins `slot` to a free register of the class (a callee-saved one when
  // `callee_saved_only`); nullopt when none is left.
  std::optional<Entry> pin(uint64_t slot, bool is_xmm, bool wide, bool i32, bool v128 = false,
                           bool callee_saved_only = false) {
    uint32_t used = 0;
    for (const Pin& p : pins_) used += p.e.xmm == is_xmm;
    if (used >= (is_xmm ? kMaxPinnedXmm : kMaxPinnedGp) || (callee_saved_only && is_xmm)) return std::nullopt;
    const uint32_t count = is_xmm ? kXmmCount : kGpCount;
    for (uint32_t r = callee_saved_only ? kFirstCalleeSavedGp : 0; r < count; ++r) {
      const Entry e{is_xmm, r};
      if (pinned_reg(e) || (reserved_regs_ >> index(e) & 1)) continue;
      evict(e);
      pins_.push_back({slot, e, wide, v128, i32 && !is_xmm});
      pinned_regs_ |= uint32_t(1) << index(e);
      set(slot, e, v128);
      clear_zext(e);
      return e;
    }
    return std::nullopt;
  }
  // Whether a callee-saved register is left to pin in (none when they are
  // reserved, or an enclosing loop pinned both).
  bool free_callee_saved() const {
    for (uint32_t r = kFirstCalleeSavedGp; r < kGpCount; ++r)
      if (!((pinned_regs_ | reserved_regs_) >> r & 1)) return true;
    return false;
  }
  void unpin(uint64_t slot) {
    for (size_t i = 0; i < pins_.size(); ++i)
      if (pins_[i].slot == slot) {
        pinned_regs_ &= ~(uint32_t(1) << index(pins_[i].e));
        pins_.erase(pins_.begin() + ptrdiff_t(i));
        return;
      }
  }
  const std::vector<Pin>& pins() const { return pins_; }

  // A slot whose current value its register holds, the slot stored too:
  // what a path brings to a label (see X64Compiler::join_paths).
  struct Known {
    uint64_t slot;
    Entry e;
    bool v128;
    bool zext;  // (a general register's upper half zero on every path)
    bool operator==(const Known&) const = default;
  };
  // The clean entries of unpinned slots in unpinned registers (pins are
  // the loops' business).
  void known(std::vector<Known>& out) const {
    out.clear();
    for (const Cached& c : slots_)
      if (!c.dirty && (pins_.empty() || (!pinned(c.slot) && !pinned_reg(c.e)))) out.push_back({c.slot, c.e, c.v128, zext(c.e)});
  }
  // Whether a pin holds the register of `e` (a path must not move into it).
  bool holds_pin(Entry e) const { return pinned_reg(e); }
  // The register in which the cache has `k`'s slot as known() would
  // bring it, if it is of k's class (and a v128 when k is).
  std::optional<Entry> brought(const Known& k) const {
    const Cached* c = cached(k.slot);
    if (!c || c->dirty || c->e.xmm != k.e.xmm || c->v128 != k.v128) return std::nullopt;
    if (!pins_.empty() && (pinned(k.slot) || pinned_reg(c->e))) return std::nullopt;
    return c->e;
  }
  // Adds `k` back after forget_all: every path into a label brings it.
  // (A use: the code after the label is about to read it.)
  void restore(const Known& k) {
    if (pinned(k.slot) || pinned_reg(k.e) || cached(k.slot)) return;
    add({k.slot, k.e, false, false, k.v128});
    touch(k.e);
    if (k.zext) set_zext(k.e);
  }
  // Whether `slot` is an i32 local pinned (see Pin::i32).
  bool pinned_i32(uint64_t slot) const {
    const Pin* p = pin_of(slot);
    return p && p->i32;
  }
  // Whether `slot` is a v128 local pinned.
  bool pinned_v128(uint64_t slot) const {
    const Pin* p = pin_of(slot);
    return p && p->v128;
  }
  // Whether `slot` is pinned in a general register.
  bool pinned_gp(uint64_t slot) const {
    const Pin* p = pin_of(slot);
    return p && !p->e.xmm;
  }

 private:
  // A flat array of the cached slots (a few dozen at most: the registers,
  // and copies sharing them), in an order the stores of dirty values
  // follow; a slot is found through position_, and what a register holds
  // through users_ and pinned_regs_, not by scanning it.
  struct Cached {
    uint64_t slot;
    Entry e;
    bool dirty = false;
    bool wide = false;
    bool v128 = false;  // the register holds slot and slot + 1
  };
  Cached* cached(uint64_t slot) {
    if (slot >= position_.size()) return nullptr;
    const uint32_t i = position_[slot];
    return i < slots_.size() && slots_[i].slot == slot ? &slots_[i] : nullptr;
  }
  const Cached* cached(uint64_t slot) const { return const_cast<RegCache*>(this)->cached(slot); }
  const Pin* pin_of(uint64_t slot) const {
    for (const Pin& p : pins_)
      if (p.slot == slot) return &p;
    return nullptr;
  }
  // `slot` in the register of `e`, clean (its old value being replaced).
  [[gnu::always_inline]] void set(uint64_t slot, Entry e, bool v128 = false) {
    any_v128_ |= v128;
    if (Cached* c = cached(slot)) {
      --users_[index(c->e)];
      ++users_[index(e)];
      *c = Cached{slot, e, false, false, v128};
    } else {
      add({slot, e, false, false, v128});
    }
  }
  // A write to `slot` (and slot + 1 when `v128`) replaces a v128 cached at
  // slot - 1 and whatever is cached at slot + 1: each is dropped, its
  // deferred store too (the write ends it: a live value is never written
  // over in part; a pin is kept, clean). (A v128 cached at `slot` itself
  // is the caller's: replaced or forgotten.)
  void drop_overlapping(uint64_t slot, bool v128) {
    if (!v128 && !any_v128_) return;  // (most functions: nothing to look up)
    if (Cached* c = slot > 0 ? cached(slot - 1) : nullptr; c && c->v128) drop(c);
    if (Cached* c = v128 ? cached(slot + 1) : nullptr) drop(c);
  }
  void drop(Cached* c) {
    if (pinned(c->slot)) c->dirty = false;
    else erase(c);
  }
  // Appends `c` (a slot not cached).
  [[gnu::always_inline]] void add(const Cached& c) {
    // (position_ is a sparse index: an entry is valid only where the slot
    // at that position is this one, so it is never cleared.)
    if (c.slot >= position_.size()) position_.resize(std::max<size_t>(c.slot + 1, 2 * position_.size()));
    position_[c.slot] = uint32_t(slots_.size());
    slots_.push_back(c);
    ++users_[index(c.e)];
  }
  void erase(Cached* c) {
    --users_[index(c->e)];
    *c = slots_.back();
    position_[c->slot] = uint32_t(c - slots_.data());
    slots_.pop_back();
  }
  void clear_zext(Entry e) {
    if (!e.xmm) zext_[e.reg] = false;
  }
  // Nothing known but the i32 pins' invariant.
  void reset_zext() {
    std::fill(std::begin(zext_), std::end(zext_), false);
    for (const Pin& p : pins_)
      if (p.i32) zext_[p.e.reg] = true;
  }
  // Whether more than one slot is in the register of `e`.
  bool shared(Entry e) const { return users_[index(e)] > 1; }
  bool pinned_reg(Entry e) const { return pinned_regs_ >> index(e) & 1; }
  void evict(Entry e) {
    for (size_t i = 0; i < slots_.size() && users_[index(e)] > 0;) {
      if (!(slots_[i].e == e)) {
        ++i;
        continue;
      }
      if (slots_[i].dirty) evicted_.push_back({slots_[i].slot, e, slots_[i].wide, slots_[i].v128});
      erase(&slots_[i]);
    }
  }
  static uint32_t index(Entry e) { return e.xmm ? kGpCount + e.reg : e.reg; }
  // Each class's registers in a circular list from the least to the most
  // recently used (behind the class's head: kHead for general registers,
  // kHead + 1 for xmm ones); a use moves a register to the back. Unused
  // registers come first, by number.
  static constexpr uint32_t kHead = kGpCount + kXmmCount;
  void reset_recency() {
    for (uint32_t is_xmm = 0; is_xmm < 2; ++is_xmm) {
      const uint32_t head = kHead + is_xmm;
      recency_next_[head] = recency_prev_[head] = uint8_t(head);
      for (uint32_t r = 0; r < (is_xmm ? kXmmCount : kGpCount); ++r) append_recent(index(Entry{bool(is_xmm), r}), head);
    }
  }
  void append_recent(uint32_t i, uint32_t head) const {
    const uint32_t last = recency_prev_[head];
    recency_next_[last] = uint8_t(i);
    recency_prev_[i] = uint8_t(last);
    recency_next_[i] = uint8_t(head);
    recency_prev_[head] = uint8_t(i);
  }
  void touch(Entry e) const {
    const uint32_t i = index(e);
    recency_next_[recency_prev_[i]] = recency_next_[i];
    recency_prev_[recency_next_[i]] = recency_prev_[i];
    append_recent(i, kHead + e.xmm);
  }
  std::vector<Cached> slots_;  // each slot at most once
  std::vector<uint32_t> position_;  // by slot: its index in slots_, where slots_ holds it there
  uint32_t users_[kGpCount + kXmmCount] = {};  // by register (index()): how many entries of slots_ are in it
  uint32_t pinned_regs_ = 0;  // bit index(e) set: a pin's register
  uint32_t reserved_regs_ = 0;  // bit index(e) set: never used (see reserve_callee_saved)
  std::vector<Pin> pins_;
  std::vector<Evicted> evicted_;
  mutable uint8_t recency_next_[kHead + 2] = {}, recency_prev_[kHead + 2] = {};  // (see touch)
  bool zext_[kGpCount] = {};
  bool any_v128_ = false;  // whether a v128 was cached since reset() (see drop_overlapping)
};

// Where a function's first result comes back when it is an integer (i32,
// i64: r8, an i32 zero-extended) or a float (f32, f64: xmm1), besides its
// frame slot, from both entries: a compiled caller takes it into its cache
// from the register, not through the store buffer (a reload right after
// the callee's store), and nothing else changes for other callers. (Both
// are cache registers that the call sequences leave alone after the call;
// the pool's r8 and xmm1.)
std::optional<RegCache::Entry> result_register(const std::vector<ValType>& results) {
  if (results.empty()) return std::nullopt;
  switch (results[0]) {
    case ValType::I32: case ValType::I64: return RegCache::Entry{false, 2};
    case ValType::F32: case ValType::F64: return RegCache::Entry{true, 0};
    default: return std::nullopt;
  }
}

class X64Compiler {
 public:
  X64Compiler(StoreImpl& store, FuncInstance& func, const CompiledFunc& src, NativeCode& out, bool use_guard)
      : store_(store), func_(func), src_(src), out_(out) {
    const InstanceImpl& inst = *func.instance;
    memi_ = memory0_of(store, inst);
    const auto& f = CpuInfo::host().features().x86();
    has_lzcnt_ = f.hasLZCNT();
    has_tzcnt_ = f.hasBMI();
    has_popcnt_ = f.hasPOPCNT();
    has_bmi2_ = f.hasBMI2();
    // (Only Tier::Jit compiles a module whole, with jit::compile_all.)
    late_calls_bound_ = store.engine.config().tier == Config::Tier::Jit;
    guarded_ = use_guard && memi_ && memi_->guarded() && install_fault_handler();
    probes_value_stack_ = use_guard && src.frame_slots * 8 <= ExecContext::kValueStackGuardBytes &&
                          install_fault_handler();
    memory_size_in_r14_ = memi_ && !memi_->guarded();
    result_reg_ = result_register(func.type->results);
    instrs_.clear();
    targets_.clear();
    labels_.clear();
    local_type_.clear();
    cache_.reset();
    code_origins_.clear();
    stub_needed_.clear();
  }

  // False when the code did not fit the thread's code buffer: compile
  // again after grow_buffer().
  bool buffer_short() const { return errors_.first == kErrorTooLarge; }
  // Frees what an unusually large function left in the thread's buffers
  // (they are kept for the thread's lifetime).
  static void trim_scratch() {
    Scratch& s = scratch();
    constexpr size_t kKeptInstrs = size_t(1) << 18;
    if (s.instrs.capacity() > kKeptInstrs) std::vector<Instr>().swap(s.instrs);
    if (s.targets.capacity() > kKeptInstrs) std::vector<size_t>().swap(s.targets);
    if (s.labels.capacity() > kKeptInstrs) std::vector<Label>().swap(s.labels);
    if (s.code_origins.capacity() > kKeptInstrs) std::vector<CompiledFunc::Origin>().swap(s.code_origins);
    if (s.stub_needed.capacity() > kKeptInstrs) std::vector<size_t>().swap(s.stub_needed);
    if (s.buffer_size > 16 * kFirstBufferSize) {
      s.buffer_size = 0;
      s.buffer.reset();
      s.buffer.reset(new uint8_t[kFirstBufferSize]);
      s.buffer_size = kFirstBufferSize;
    }
    s.code.reset(ResetPolicy::kHard);  // (its zone may have grown as much)
  }
  // Doubles the thread's code buffer, or makes it at least `at_least`
  // bytes; false past its limit (1 GiB).
  static bool grow_buffer(size_t at_least = 0) {
    Scratch& s = scratch();
    if (s.buffer_size >= (size_t(1) << 30)) return false;
    size_t size = std::max(s.buffer_size * 2, kFirstBufferSize);
    while (size < at_least && size < (size_t(1) << 30)) size *= 2;
    s.buffer_size = 0;  // (left so, with no buffer, if the allocation throws)
    s.buffer.reset();
    s.buffer.reset(new uint8_t[size]);
    s.buffer_size = size;
    return true;
  }

  static size_t buffer_capacity() { return scratch().buffer_size; }

  // False when the code relies on the fault handler but could not be
  // registered with it (compile again without the guard).
  bool registered() const { return registered_; }

  NativeEntry compile() {
    if (!scan()) return nullptr;
    extend_loops_over_nested();
    for (const CompiledFunc::LoopHead& l : src_.loops) {  // OSR entries
      targets_.push_back(l.code_index);
      osr_entries_.push_back(l.code_index);
    }
    std::sort(osr_entries_.begin(), osr_entries_.end());
    // One label per distinct target (a br_table may name one 65,520 times).
    std::sort(targets_.begin(), targets_.end());
    targets_.erase(std::unique(targets_.begin(), targets_.end()), targets_.end());
    // (Saves need the translation's save slots, which every function with
    // loops has.)
    const CalleeSavedUse use = src_.const_base >= src_.save_base + CompiledFunc::kSaveSlots
                                   ? loops_use_callee_saved()
                                   : CalleeSavedUse{};
    header_scan_budget_ = loop_scan_budget();
    saves_callee_saved_ = use.r15_rbp;
    saves_r14_ = use.r14;
    out_.frame_saves = frame_saves();
    if (!saves_callee_saved_) cache_.reserve_callee_saved();
    else if (!saves_r14_) cache_.reserve_r14();
    entry_routine_ = &native_entry_routine();
    if (!entry_routine_->entry || !start_code()) return nullptr;
    FastAssembler a(&code_);
    a_ = &a;
    // Loop headers' padding in a few long nops, not up to 31 one-byte ones:
    // the path falling into a loop runs it at every entry.
    a.addEncodingOptions(EncodingOptions::kOptimizedAlign);
    if (const_pool_) const_label_ = a.newLabel();
    labels_.reserve(targets_.size());
    for (size_t k = 0; k < targets_.size(); ++k) labels_.push_back(a.newLabel());
    start_joins();
    own_trap_ = a.newLabel();
    trap_out_of_segment_ = a.newLabel();
    no_stack_at_entry_ = a.newLabel();
    oob_ = trap_sites_.entry(a, TrapCode::MemoryOutOfBounds);  // (bound with the other trap entries)
    prologue();
    pin_function_locals();
    // (Labels are only looked up while no error occurred: asmjit makes an
    // invalid one when out of memory, and its offset lookup does not check.)
    if (errors_.first != kErrorOk || code_.labelOffsetFromBase(internal_) != kInternalEntryOffset) return nullptr;
    // Branch targets, loop headers and OSR entries are each sorted by code
    // index, as the walk goes: a cursor into each, not a search per
    // instruction.
    size_t next_osr = 0;
    next_target_ = 0;
    auto next_loop = loop_end_.begin();
    for (size_t k = 0; k < instrs_.size(); ++k) {
      const Instr& in = instrs_[k];
      current_k_ = k;
      while (!loops_.empty() && loops_.back().end < in.index) leave_loop();
      while (next_target_ < targets_.size() && targets_[next_target_] < in.index) ++next_target_;
      if (next_target_ < targets_.size() && targets_[next_target_] == in.index) {
        flush_dirty(false);  // the path falling through stores what the others stored
        fall_into(next_target_);
        a.bind(labels_[next_target_]);
        join_paths(next_target_);  // other paths join here (pins: see store_pins_leaving)
        last_compare_.reset();
      }
      while (next_loop != loop_end_.end() && next_loop->first < in.index) ++next_loop;
      if (next_loop != loop_end_.end() && next_loop->first == in.index) enter_loop(in.index, next_loop->second);
      while (next_osr < osr_entries_.size() && osr_entries_[next_osr] < in.index) ++next_osr;
      if (next_osr < osr_entries_.size() && osr_entries_[next_osr] == in.index) add_osr_entry(in.index);
      current_ = in.index;
      site_index_ = in.index;
      emit(in);
      drop_temps_popped_by(in);
      falls_through_ = !ends_path(in);
      k += skip_;  // instructions emit() folded into this one
      skip_ = 0;
      // A full code buffer (or no memory) fails every later emit, each
      // formatting an error message: stop at the first (compile_x64 retries
      // with a larger buffer).
      if (errors_.first != kErrorOk) return nullptr;
    }
    for (auto& d : deferred_) {
      d();
      if (errors_.first != kErrorOk) return nullptr;
    }
    Label osr = a.newLabel();
    a.bind(osr);
    osr_prologue();
    epilogue();
    emit_trap_stubs();
    if (errors_.first != kErrorOk) return nullptr;
    for (const JumpTable& table : jump_tables_)
      if (!write_jump_table(table)) return nullptr;
    if (const_pool_) {
      a.align(AlignMode::kData, 16);
      a.bind(const_label_);
      a.embed(src_.consts.data(), src_.consts.size() * sizeof(uint64_t));
    }
    if (!late_calls_.empty()) a.align(AlignMode::kData, 8);
    for (const LateCall& call : late_calls_) {
      a.bind(call.cell);
      a.embedLabel(call.look_up);
    }
    if (!v128_literals_.empty()) a.align(AlignMode::kData, 16);
    for (const auto& [label, bytes] : v128_literals_) {
      a.bind(label);
      a.embed(bytes.data(), bytes.size());
    }
    if (errors_.first != kErrorOk || !a.resolve_label_jumps()) return nullptr;
    out_.code_origins.assign(code_origins_.begin(), code_origins_.end());  // (one allocation, of its size)
    for (const LateCall& call : late_calls_)
      out_.late_calls.push_back({uint32_t(code_.labelOffsetFromBase(call.cell)), call.skip, call.callee});
    std::optional<uint64_t> oob_offset, stack_offset;
    if (guarded_) oob_offset = code_.labelOffsetFromBase(oob_);
    if (probes_value_stack_) stack_offset = code_.labelOffsetFromBase(no_stack_at_entry_);
    const CodePatch patch = [this](CodeHolder& code, uint64_t base) {
      patch_jump_tables(code, base);
      return true;
    };
    const NativeEntry entry = finish_code(code_, out_, code_.labelOffsetFromBase(osr), oob_offset, registered_,
                                          stack_offset, jump_tables_.empty() ? nullptr : &patch);
    if (entry) out_.osr_internal = static_cast<const char*>(out_.code) + code_.labelOffsetFromBase(osr_internal_);
    return entry;
  }

 private:
  struct Instr {
    size_t index;  // word index in src_.code
    const HandlerInfo* info;
    unsigned words;
    uint32_t calls_before;  // how many instructions before this one call out (see any_calls_out)
    const uint64_t* stub = nullptr;  // for run_instruction, where it runs there
  };

  // A register copy a path makes to conform to a label's state (see
  // add_incoming).
  struct Move {
    RegCache::Entry from, to;
  };
  // What every compilation on this thread reuses, cleared but with its
  // memory kept: fresh memory costs a page fault per page on first touch,
  // which was much of the compile time. The code holder writes into
  // `buffer`, fixed in size (a function that does not fit is compiled again
  // with a larger one: see compile_x64).
  static constexpr size_t kFirstBufferSize = size_t(256) << 10;
  struct Scratch {
    std::vector<Instr> instrs;
    std::vector<size_t> targets;
    std::vector<Label> labels;
    std::vector<std::optional<ValType>> local_type;
    std::vector<uint32_t> uses;  // enter_loop's counts
    std::vector<uint64_t> weights;  // and their estimated frequencies (rank_locals)
    std::vector<std::pair<size_t, uint64_t>> inflow;  // estimate_frequencies: what branches bring to labels ahead
    std::vector<std::pair<size_t, bool>> nested;  // and the loops it is in
    std::vector<uint64_t> used;
    std::vector<std::pair<uint64_t, uint64_t>> ranked;  // (rank_locals' weight, slot)
    RegCache cache;
    // join_paths: per branch target (as labels), what every path noted so
    // far brings, and the target's JoinState.
    std::vector<std::vector<RegCache::Known>> incoming;
    std::vector<uint8_t> join_state;
    std::vector<Move> moves, ordered_moves;  // add_incoming's
    std::vector<std::vector<uint64_t>> read_after;  // per branch target: slots_read_after
    std::vector<bool> read_after_known;             // (found when a move is first considered)
    std::vector<uint64_t> written_after_label;        // slots_read_after's
    std::vector<CompiledFunc::Origin> code_origins;  // NativeCode::code_origins, copied out at the end
    std::vector<size_t> stub_needed;  // scan: the instructions (indices in instrs) that get a stub
    // handler_info's answers for the handlers seen last, direct-mapped by
    // address (a function's code repeats a few dozen handlers; the full
    // look-up hashes and probes).
    struct KnownHandler {
      uint64_t handler = 0;
      const HandlerInfo* info = nullptr;
    };
    std::array<KnownHandler, 256> known_handlers{};
    static constexpr uint8_t kUnknownKind = 0xFF;
    std::vector<uint8_t> op_kinds = std::vector<uint8_t>(kOpcodeCount, kUnknownKind);  // see plain_op_kind
    CodeHolder code;
    // (Not zero-filled: only the pages code is written to are touched.)
    std::unique_ptr<uint8_t[]> buffer{new uint8_t[kFirstBufferSize]};
    size_t buffer_size = kFirstBufferSize;
  };
  static Scratch& scratch() {
    thread_local Scratch s;
    return s;
  }
  // Sets the code holder up for a new function, on the thread's buffer;
  // false when out of memory.
  bool start_code() {
    code_.reset(ResetPolicy::kSoft);  // (keeps its zone's memory for labels)
    if (code_.init(Environment::host()) != kErrorOk) return false;
    code_.setErrorHandler(&errors_);
    use_fixed_buffer(code_, scratch_.buffer.get(), scratch_.buffer_size);
    return true;
  }

  const uint64_t* w(const Instr& in) const { return src_.code.data() + in.index; }
  // interp::handler_info of a code word, through Scratch::known_handlers.
  const HandlerInfo* handler_info(uint64_t handler) const {
    Scratch::KnownHandler& known = scratch_.known_handlers[(handler >> 4) % scratch_.known_handlers.size()];
    if (known.handler != handler)
      known = {handler, interp::handler_info(reinterpret_cast<const void*>(handler))};
    return known.info;
  }
  size_t target_index(uint64_t addr) const {
    return (addr - reinterpret_cast<uint64_t>(src_.code.data())) / sizeof(uint64_t);
  }

  // Splits the code into instructions, finds branch targets, and builds the
  // run_instruction stubs (the instruction, a ReloadMemory that follows a
  // call, then Halt) in one buffer that no longer moves.
  bool scan() {
    const std::vector<uint64_t>& code = src_.code;
    size_t stub_words = 0;
    // Constants from a pool in the code unless some instruction runs
    // outside it on this frame (the interpreter's code for it, a v128
    // helper) or call_indirect's slow path (the interpreter's CallIndirect)
    // may read its index from a constant's slot.
    // (Nor when results, written from slot 0 on, may land on constants'
    // slots: the slot then is a constant only until a result is written.)
    const_pool_ = src_.consts.size() == size_t(src_.temp_base - src_.const_base) &&
                  src_.num_results <= src_.const_base;
    // One pass: instructions, branch targets, loops (a branch backwards goes
    // to a loop header; the loop's code runs to its last such branch), the
    // instructions that need a stub, whether the constant pool can be used.
    // (An instruction takes a word at least: room for all of them at once,
    // so the thread's buffer is never copied to a larger one mid-scan, which
    // touched fresh memory about twice over in a big function.)
    instrs_.reserve(code.size());
    for (size_t i = 0; i < code.size();) {
      const HandlerInfo* info = handler_info(code[i]);
      if (!info || info->form == HandlerInfo::Fused) return false;
      unsigned words = info->words ? info->words : unsigned(3 + code[i + 2]);
      if (i + words > code.size()) return false;
      instrs_.push_back(Instr{i, info, words, calls_out_count_});
      auto branch = [&](uint64_t addr) {
        const size_t t = target_index(addr);
        targets_.push_back(t);
        if (t <= i) {
          auto [it, inserted] = loop_end_.try_emplace(t, i);
          if (!inserted) it->second = std::max(it->second, i);
        }
      };
      if (info->form == HandlerInfo::InternalForm) {
        switch (info->internal) {
          case Internal::Br: branch(code[i + 1]); break;
          case Internal::BrIf:
          case Internal::BrUnless: branch(code[i + 2]); break;
          case Internal::BrTable: {  // its distinct targets (it may name one 65,520 times)
            const size_t first = targets_.size();
            for (uint64_t k = 0; k < code[i + 2]; ++k) branch(code[i + 3 + k]);
            std::sort(targets_.begin() + first, targets_.end());
            targets_.erase(std::unique(targets_.begin() + first, targets_.end()), targets_.end());
            break;
          }
          default: break;
        }
      }
      const Instr& in = instrs_.back();
      const bool inline_form = has_inline_form(in);
      // (A v128 instruction without an inline form calls the interpreter's code.)
      const bool plain_none =
          info->form == HandlerInfo::Plain && plain_op_kind(info->op) == OpKind::None && !has_inline_v128(info->op);
      if (!inline_form || plain_none ||
          (info->form == HandlerInfo::InternalForm && info->internal == Internal::CallIndirect &&
           code[i + 3] >= src_.const_base && code[i + 3] < src_.temp_base))
        const_pool_ = false;
      calls_out_count_ += !inline_form || is_call(in) || plain_none ||
                          (info->form == HandlerInfo::InternalForm &&
                           (info->internal == Internal::MemoryCopy || info->internal == Internal::MemoryFill));
      if (!inline_form || is_call(in) || plain_none) {  // (needs_stub)
        stub_words += words + 2;
        stub_needed_.push_back(instrs_.size() - 1);
      }
      i += words;
    }
    // The type of each param and declared local (by first slot).
    const auto& module = func_.instance->module->module;
    local_type_.resize(src_.const_base);
    uint32_t slot = 0;
    auto add = [&](ValType t) {
      if (slot < local_type_.size()) local_type_[slot] = t;  // (a v128's second slot stays unset)
      slot += interp::slot_width(t);
    };
    for (ValType t : func_.type->params) add(t);
    module.bodies[func_.func_index - module.num_imported_funcs].for_each_local(add);
    out_.stubs.reserve(stub_words);
    const uint64_t halt = interp::word(interp::internal_handler(Internal::Halt));
    const uint64_t reload = interp::word(interp::internal_handler(Internal::ReloadMemory));
    for (size_t k : stub_needed_) {
      Instr& in = instrs_[k];
      in.stub = out_.stubs.data() + out_.stubs.size();
      if (auto offset = origin_of(in.index)) out_.stub_origins.push_back({uint32_t(out_.stubs.size()), *offset});
      out_.stubs.insert(out_.stubs.end(), w(in), w(in) + in.words);
      if (k + 1 < instrs_.size() && code[instrs_[k + 1].index] == reload) out_.stubs.push_back(reload);
      out_.stubs.push_back(halt);
    }
    return out_.stubs.size() <= stub_words;
  }

  // A loop whose header lies in another's range [header, last branch back]
  // is nested in it (wasm's loops nest), so the outer loop's code goes on
  // at least as far as the inner one's: its range is extended over every
  // loop starting in it, so that its pins hold on branches to the code
  // after its own last branch back but inside a nested loop (an
  // interpreter's dispatch tail, say), instead of being stored there.
  void extend_loops_over_nested() {
    for (auto outer = loop_end_.rbegin(); outer != loop_end_.rend(); ++outer) {
      // (Inner loops come later in the map and are already extended; the
      // loops inside one are covered by its end.)
      for (auto inner = loop_end_.upper_bound(outer->first);
           inner != loop_end_.end() && inner->first <= outer->second;
           inner = loop_end_.upper_bound(inner->second))
        outer->second = std::max(outer->second, inner->second);
    }
  }

  // Whether compiled code may pass the instruction's words to the
  // interpreter or a helper: they then live in NativeCode::stubs, so that
  // nothing refers to the translation once compiled.
  bool needs_stub(const Instr& in) const {
    return !has_inline_form(in) || is_call(in) ||
           (in.info->form == HandlerInfo::Plain && plain_op_kind(in.info->op) == OpKind::None &&
            !has_inline_v128(in.info->op));
  }

  static bool is_call(const Instr& in) {
    return in.info->form == HandlerInfo::InternalForm &&
           (in.info->internal == Internal::Call || in.info->internal == Internal::CallOther ||
            in.info->internal == Internal::CallIndirect);
  }

  // ------------------------------------------------------------ slots
  // Slot i (size bytes at byte `extra` of it). The constants' slots are
  // read from a pool after the code when nothing outside this code reads
  // the frame's copy of them (see scan): a call then writes no constants.
  Mem slot_mem(uint64_t i, int32_t extra, uint32_t size) const {
    if (const_pool_ && i >= src_.const_base && i < src_.temp_base)
      return ptr(const_label_, int32_t((i - src_.const_base) * 8) + extra, size);
    return ptr(kFp, int32_t(i * 8) + extra, size);
  }
  Mem slot64(uint64_t i) const { return slot_mem(i, 0, 8); }
  Mem slot32(uint64_t i) const { return slot_mem(i, 0, 4); }

  // ------------------------------------------------------------ frame
  // Two entries. The native entry (NativeEntry, what C++ and other
  // instances call) saves the callee-saved registers the code pins, sets
  // the pinned context and memory registers, and calls the internal entry,
  // kInternalEntryOffset bytes further, which compiled code of the same
  // instance calls directly with the new frame in rdi (its r12-r14 are
  // already this instance's): that saves only rbx. r15, a cache register,
  // is not preserved by the internal entry (callers forget their cache at
  // calls anyway).
  void prologue() {
    internal_ = a_->newLabel();
    native_stub(internal_);
    a_->align(AlignMode::kCode, kInternalEntryOffset);
    a_->bind(internal_);
    internal_prologue(no_stack_at_entry_, probes_value_stack_);
    write_frame_init(src_.init_base);
  }

  // The on-stack-replacement entry (OsrEntry): the frame is live; only the
  // constants are written, then the loop numbered edx is entered.
  void osr_prologue() {
    FastAssembler& a = *a_;
    osr_internal_ = a.newLabel();
    const Label no_stack = a.newLabel();
    native_stub(osr_internal_);
    a.bind(osr_internal_);
    internal_prologue(no_stack, false);  // (OSR: rare, and its no_stack is another)
    write_frame_init(src_.const_base);
    for (size_t k = 0; k < src_.loops.size(); ++k) {
      a.cmp(edx, uint32_t(k));
      a.je(osr_labels_.at(src_.loops[k].code_index));
    }
    // (enter_compiled_at_loop does not enter when the stack is short: the
    // interpreter goes on.)
    emit_osr_fallbacks(a, no_stack, own_trap_);
  }

  // The native entry's stub: the function's memory registers' values and
  // its internal entry, for the one routine that does the rest (see
  // native_entry_routine).
  void native_stub(Label internal) { emit_native_stub(*a_, memi_, internal, *entry_routine_); }

  // The internal entry: saves rbx in a frame of kFrameBytes, sets the
  // frame pointer, checks the native stack (the call depth, see
  // ExecRegs::frame_limit) and the value stack, going to `no_stack` when
  // either is short (`probe`: a frame that does not fit faults in the value
  // stack's guard, and the fault handler resumes at no_stack_at_entry_),
  // then saves r15, rbp and r14 where the function uses them, in its save
  // slots. (rsp stays 16-byte aligned for the helpers this code calls.)
  void internal_prologue(Label no_stack, bool probe) {
    FastAssembler& a = *a_;
    a.push(kFp);
    a.mov(kFp, rdi);
    a.cmp(rsp, ctx_field(offsetof(ExecRegs, frame_limit)));
    a.jb(no_stack);
    if (probe) {
      // (A read: the page may not be written yet; no register taken.)
      if (src_.frame_slots) a.cmp(byte_ptr(kFp, int32_t(src_.frame_slots * 8 - 1)), 0);
    } else {
      a.lea(rax, qword_ptr(kFp, int32_t(src_.frame_slots * 8)));
      a.cmp(rax, ctx_field(offsetof(ExecRegs, stack_end)));
      a.ja(no_stack);
    }
    for_each_saved_register([&](const Gp& reg, const Mem& save) { a.mov(save, reg); });
  }

  // CompiledFunc::frame_init (zeroed locals, then constants) from slot
  // `from` on. Runs of zeros (the declared locals that may be read before
  // they are written) two slots per 16-byte store, and a long run (-O0
  // code declares hundreds) by one rep stosq: the code stays short, and so
  // does the time to make it.
  static constexpr uint32_t kMinSlotsForRepStos = 48;
  void write_frame_init(uint32_t from) {
    FastAssembler& a = *a_;
    bool rax_zero = false, xmm0_zero = false;
    const auto init_end = [&] {  // (the saved registers' slots, and a pool's constants, are not written)
      uint32_t end = src_.init_base + src_.init_count;
      if (src_.save_base >= src_.init_base && src_.save_base < end) end = src_.save_base;
      if (const_pool_) end = std::min(end, src_.const_base);
      return end;
    };
    const uint32_t first = std::max(from, src_.init_base), zeros_end = init_end();
    uint32_t slot = first;
    while (slot < zeros_end && src_.init[slot - src_.init_base] == 0) ++slot;
    const uint32_t run = slot - first;
    if (run >= kMinSlotsForRepStos) {  // (rax, rcx and rdi: free at entry; rep stosq leaves rax zero)
      a.lea(rdi, qword_ptr(kFp, int32_t(first * 8)));
      a.mov(ecx, run);
      a.xor_(eax, eax);
      a.rep().stosq();
      rax_zero = true;
    } else {
      for (uint32_t k = first; k + 1 < slot; k += 2) {
        if (!xmm0_zero) a.xorps(xmm0, xmm0);
        xmm0_zero = true;
        a.movups(xmmword_ptr(kFp, int32_t(k * 8)), xmm0);
      }
      if (run % 2) {
        a.xor_(eax, eax);
        rax_zero = true;
        a.mov(qword_ptr(kFp, int32_t((slot - 1) * 8)), rax);
      }
    }
    for (uint32_t k = slot - src_.init_base; k < src_.init_count; ++k) {
      if (src_.init_base + k >= src_.save_base && src_.init_base + k < src_.const_base) continue;  // (the saved registers)
      if (const_pool_ && src_.init_base + k >= src_.const_base) break;  // (read from the pool)
      const uint64_t v = src_.init[k];
      const Mem dst = qword_ptr(kFp, int32_t((src_.init_base + k) * 8));
      if (v == 0) {
        if (!rax_zero) a.xor_(eax, eax);
        rax_zero = true;
        a.mov(dst, rax);
      } else if (int64_t(v) == int64_t(int32_t(v))) {
        a.mov(dst, imm(int32_t(v)));
      } else {
        a.mov(rcx, imm(v));
        a.mov(dst, rcx);
      }
    }
  }

  // (The function's entry found no stack left for its frame: as in the
  // interpreter, the trap is the caller's, at its call, which the call
  // record has.)
  void epilogue() {
    emit_trap_exits(*a_, no_stack_at_entry_, own_trap_, trap_out_of_segment_, func_, *entry_routine_);
  }

  // Restores what the internal entry saved and returns (the callers that
  // test a status, the native entry's, take no trap: see emit_trap_exits).
  void return_to_caller() {
    for_each_saved_register([&](const Gp& reg, const Mem& save) { a_->mov(reg, save); });
    a_->pop(kFp);
    a_->ret();
  }
  // Whether the function saves callee-saved registers besides rbx.
  bool frame_saves() const { return saves_callee_saved_ || saves_r14_; }

  // f(register, its save slot) for each callee-saved register besides rbx
  // this function uses (see CompiledFunc::save_base).
  template <class F>
  void for_each_saved_register(F&& f) const {
    const auto save = [&](uint32_t k) { return qword_ptr(kFp, int32_t((src_.save_base + k) * 8)); };
    if (saves_callee_saved_) {
      f(rbp, save(0));
      f(r15, save(1));
    }
    if (saves_r14_) f(r14, save(2));
  }

  // ------------------------------------------------------------ trap sites
  // Notes that the code emitted next is the current instruction's and may
  // be where a trap reports it (a trap site, a memory access that may
  // fault, a call): NativeCode::code_origins.
  void mark_site() {
    const std::optional<uint32_t> offset = origin_of(site_index_);
    if (!offset) return;
    note_code_origin(code_origins_, uint32_t(a_->offset()), *offset);
  }

  // The module offset of the instruction at code index `index`: a cursor
  // into the translation's origins that follows the walk forwards (a binary
  // search per memory access was 5% of compiling), searching only when
  // deferred code goes back.
  std::optional<uint32_t> origin_of(size_t index) {
    const std::vector<CompiledFunc::Origin>& o = src_.origins;
    if (index >= src_.code.size()) return std::nullopt;
    if (origin_cursor_ >= o.size() || o[origin_cursor_].position > index) {
      auto after = std::upper_bound(o.begin(), o.end(), index,
                                    [](size_t p, const CompiledFunc::Origin& e) { return p < e.position; });
      if (after == o.begin()) return std::nullopt;
      origin_cursor_ = size_t(after - o.begin()) - 1;
    }
    while (origin_cursor_ + 1 < o.size() && o[origin_cursor_ + 1].position <= index) ++origin_cursor_;
    return o[origin_cursor_].module_offset;
  }

  // Where a jump to trap `code` from the current instruction goes: its stub
  // for that trap, which loads the jump's address into rcx for own_trap_.
  // Call it just before emitting the jump (one stub serves every jump of
  // the instruction to that trap).
  Label trap_site(TrapCode code) {
    if (const TrapSites::Stub* stub = trap_sites_.find(site_index_, code)) return stub->stub;
    mark_site();
    return trap_sites_.add(*a_, site_index_, code).stub;
  }

  // Cold code after the function: the trap entries (eax = code, then
  // own_trap_, rcx as the stub or the fault handler set it), then the
  // stubs (short jumps back to them where they can).
  void emit_trap_stubs() { x64::emit_trap_stubs(*a_, trap_sites_, own_trap_); }

  // Code emitted later, out of line (slow paths): it is still the current
  // instruction's for its trap sites.
  void defer(std::function<void()> emit_later) {
    deferred_.push_back([this, index = site_index_, emit_later = std::move(emit_later)] {
      site_index_ = index;
      emit_later();
    });
  }

  // ------------------------------------------------------------ instructions
  bool has_inline_form(const Instr& in) const {
    if (in.info->form == HandlerInfo::InternalForm) {
      // (And memory.copy/fill where there is a memory: memmove, memset.)
      const Internal h = in.info->internal;
      return compiles_inline(h) || ((h == Internal::MemoryCopy || h == Internal::MemoryFill) && memi_ != nullptr);
    }
    return plain_op_kind(in.info->op) != OpKind::None || interp::simd_instruction_fn(in.info->op);
  }

  // Whether the instruction's code calls out of compiled code (clobbering
  // the cache registers): calls, instructions run by the interpreter's or
  // a v128 helper's code, and memory.copy/fill (memmove/memset).
  bool calls_out(const Instr& in) const {
    if (is_call(in) || !has_inline_form(in)) return true;
    if (in.info->form == HandlerInfo::InternalForm)
      return in.info->internal == Internal::MemoryCopy || in.info->internal == Internal::MemoryFill;
    return in.info->form == HandlerInfo::Plain && plain_op_kind(in.info->op) == OpKind::None &&
           !has_inline_v128(in.info->op);
  }

  void emit(const Instr& in) {
    compare_ = last_compare_;  // what the instruction before left in the flags
    last_compare_.reset();
    if (in.info->form == HandlerInfo::InternalForm &&
        (in.info->internal == Internal::BrIf || in.info->internal == Internal::BrUnless ||
         in.info->internal == Internal::BrTable))
      drop_dead_temps(w(in)[1]);  // (a br_table pops its index as a br_if its condition)
    if (in.info->form == HandlerInfo::InternalForm && in.info->internal == Internal::Br)
      drop_temps_dead_at(target_index(w(in)[1]));
    // A return stores no dirty value but its results: a caller reads no
    // other slot of the frame after it.
    if (is_return(in)) cache_.forget_dirty_from(src_.num_results);
    if (result_reg_ && is_return(in)) move_result_to_register();
    if (is_br(in) || is_br_table(in)) flush_dirty(false);  // (the pins: on the paths leaving their loops)
    else if (keeps_callee_saved_pins(in)) flush_dirty_before_call(in);
    else if (!reads_through_cache(in)) flush_dirty();
    if (!has_inline_form(in)) return emit_in_interpreter(in);
    if (in.info->form == HandlerInfo::InternalForm) return emit_internal(in);
    if (plain_op_kind(in.info->op) == OpKind::None) {
      if (!emit_v128(in.info->op, w(in))) emit_simd_call(in);
      return;
    }
    if (const std::optional<uint64_t> local = forwarded_dst(in)) {
      // dst := the local the next instruction copies the result to
      uint64_t words[8];
      std::copy(w(in), w(in) + in.words, words);
      words[1] = *local;
      emit_plain(in.info->op, words);
      cache_.forget(w(in)[1]);  // (the temporary: dead, never written)
      skip_ = 1;
      return;
    }
    emit_plain(in.info->op, w(in));
  }

  // A scalar operation whose result (a temporary) the next instruction only
  // copies to a local (local.set/tee: the temporary is popped, dead after
  // the copy) computes it straight into that local: the local's register
  // (a pinned local's: in place when the local is also its first operand),
  // the copy left out. Not across a label. (Every such emitter reads its
  // operands before writing the destination, or keeps the one it reads
  // after: see put_gp; a trap leaves the local unwritten, as the copy
  // would.)
  std::optional<uint64_t> forwarded_dst(const Instr& in) const {
    if (in.info->form != HandlerInfo::Plain || in.words > 8 || current_k_ + 1 >= instrs_.size())
      return std::nullopt;
    switch (plain_op_kind(in.info->op)) {
      case OpKind::None: case OpKind::Store: return std::nullopt;
      default: break;
    }
    const uint64_t tmp = w(in)[1];
    const Instr& next = instrs_[current_k_ + 1];
    if (tmp < src_.temp_base || next.info->form != HandlerInfo::InternalForm ||
        next.info->internal != Internal::Copy || w(next)[2] != tmp || w(next)[1] >= src_.const_base ||
        next_is_target())
      return std::nullopt;
    return w(next)[1];
  }

  // ------------------------------------------------------------ v128
  // A v128 lives in two adjacent slots (8-byte aligned: unaligned moves)
  // and is cached as one value in an xmm register (RegCache: v128): read
  // from there and computed there as scalars are, its store deferred when
  // it is a temporary. SSE4.1 (which available() requires); instructions
  // without an inline form call the interpreter's code (emit_simd_call).
  Mem v128_slot(uint64_t i) const { return slot_mem(i, 0, 16); }

  enum class V128Form : uint8_t {
    kNone,  // no inline form
    kBinary,  // dst = a op b: two-operand SSE, dst starting as a (as b when swapped)
    kUnary,   // dst = op a, written whole
    kShift,   // dst = a shifted by a count taken modulo the lane width
    kLoad, kStore, kLoadSplat, kLoadZero, kLoadExtend, kLoadLane, kStoreLane,
    kSplat, kExtractLane, kReplaceLane, kNot, kBitselect, kAnyTrue, kAllTrue, kBitmask,
    kNeg,        // dst = 0 - a (id: the lane subtraction)
    kFloatSign,  // abs (a & the lanes' non-sign bits) or neg (a ^ their sign bits: `sign`)
    kShuffle, kSwizzle,  // pshufb with masks after the code (v128_literal)
    kCmpU,  // unsigned le (ge: `swap`): min_u(a, b) == a (id: pminu*, bytes: the lane's); gt, lt: `invert`
  };
  struct V128Op {
    V128Form form = V128Form::kNone;
    InstId id = Inst::kIdNone;
    uint8_t bytes = 0;     // a memory access's or a lane's
    bool swap = false;     // kBinary: b op a
    bool invert = false;   // kBinary: the result's bits inverted (ne, le, ge)
    bool sign = false;     // kExtractLane: sign-extended; kFloatSign: neg
    int16_t imm = -1;      // a cmpps/cmppd predicate, a round* mode; a shift count's mask
    bool high = false;     // kUnary: of the operand's high half (extend_high)
  };
  // The inline form of each v128 instruction that has one.
  static V128Op v128_op(Opcode op) {
    using F = V128Form;
    auto bin = [](InstId id, bool swap = false, bool invert = false, int16_t imm = -1) {
      return V128Op{F::kBinary, id, 0, swap, invert, false, imm};
    };
    auto unary = [](InstId id, int16_t imm = -1) { return V128Op{F::kUnary, id, 0, false, false, false, imm}; };
    auto high = [](InstId id) { return V128Op{F::kUnary, id, 0, false, false, false, -1, true}; };
    // a <= b (unsigned) as min_u(a, b) == a; a >= b as max_u(a, b) == a (`ge`).
    auto cmp_u = [](uint8_t bytes, bool ge, bool invert) {
      static constexpr InstId kMin[] = {Inst::kIdPminub, Inst::kIdPminuw, Inst::kIdNone, Inst::kIdPminud};
      static constexpr InstId kMax[] = {Inst::kIdPmaxub, Inst::kIdPmaxuw, Inst::kIdNone, Inst::kIdPmaxud};
      return V128Op{F::kCmpU, (ge ? kMax : kMin)[bytes - 1], bytes, false, invert};
    };
    auto shift = [](InstId id, int16_t mask) { return V128Op{F::kShift, id, 0, false, false, false, mask}; };
    auto form = [](F f, uint8_t bytes = 0, InstId id = Inst::kIdNone, bool sign = false) {
      return V128Op{f, id, bytes, false, false, sign};
    };
    switch (op) {
      case Opcode::I8x16Add: return bin(Inst::kIdPaddb);
      case Opcode::I8x16Sub: return bin(Inst::kIdPsubb);
      case Opcode::I8x16AddSatS: return bin(Inst::kIdPaddsb);
      case Opcode::I8x16AddSatU: return bin(Inst::kIdPaddusb);
      case Opcode::I8x16SubSatS: return bin(Inst::kIdPsubsb);
      case Opcode::I8x16SubSatU: return bin(Inst::kIdPsubusb);
      case Opcode::I8x16MinS: return bin(Inst::kIdPminsb);
      case Opcode::I8x16MinU: return bin(Inst::kIdPminub);
      case Opcode::I8x16MaxS: return bin(Inst::kIdPmaxsb);
      case Opcode::I8x16MaxU: return bin(Inst::kIdPmaxub);
      case Opcode::I8x16AvgrU: return bin(Inst::kIdPavgb);
      case Opcode::I8x16Eq: return bin(Inst::kIdPcmpeqb);
      case Opcode::I8x16Ne: return bin(Inst::kIdPcmpeqb, false, true);
      case Opcode::I8x16GtS: return bin(Inst::kIdPcmpgtb);
      case Opcode::I8x16LtS: return bin(Inst::kIdPcmpgtb, true);
      case Opcode::I8x16LeS: return bin(Inst::kIdPcmpgtb, false, true);
      case Opcode::I8x16GeS: return bin(Inst::kIdPcmpgtb, true, true);
      case Opcode::I8x16NarrowI16x8S: return bin(Inst::kIdPacksswb);
      case Opcode::I8x16NarrowI16x8U: return bin(Inst::kIdPackuswb);
      case Opcode::I16x8Add: return bin(Inst::kIdPaddw);
      case Opcode::I16x8Sub: return bin(Inst::kIdPsubw);
      case Opcode::I16x8Mul: return bin(Inst::kIdPmullw);
      case Opcode::I16x8AddSatS: return bin(Inst::kIdPaddsw);
      case Opcode::I16x8AddSatU: return bin(Inst::kIdPaddusw);
      case Opcode::I16x8SubSatS: return bin(Inst::kIdPsubsw);
      case Opcode::I16x8SubSatU: return bin(Inst::kIdPsubusw);
      case Opcode::I16x8MinS: return bin(Inst::kIdPminsw);
      case Opcode::I16x8MinU: return bin(Inst::kIdPminuw);
      case Opcode::I16x8MaxS: return bin(Inst::kIdPmaxsw);
      case Opcode::I16x8MaxU: return bin(Inst::kIdPmaxuw);
      case Opcode::I16x8AvgrU: return bin(Inst::kIdPavgw);
      case Opcode::I16x8Eq: return bin(Inst::kIdPcmpeqw);
      case Opcode::I16x8Ne: return bin(Inst::kIdPcmpeqw, false, true);
      case Opcode::I16x8GtS: return bin(Inst::kIdPcmpgtw);
      case Opcode::I16x8LtS: return bin(Inst::kIdPcmpgtw, true);
      case Opcode::I16x8LeS: return bin(Inst::kIdPcmpgtw, false, true);
      case Opcode::I16x8GeS: return bin(Inst::kIdPcmpgtw, true, true);
      case Opcode::I16x8NarrowI32x4S: return bin(Inst::kIdPackssdw);
      case Opcode::I16x8NarrowI32x4U: return bin(Inst::kIdPackusdw);
      case Opcode::I32x4Add: return bin(Inst::kIdPaddd);
      case Opcode::I32x4Sub: return bin(Inst::kIdPsubd);
      case Opcode::I32x4Mul: return bin(Inst::kIdPmulld);
      case Opcode::I32x4MinS: return bin(Inst::kIdPminsd);
      case Opcode::I32x4MinU: return bin(Inst::kIdPminud);
      case Opcode::I32x4MaxS: return bin(Inst::kIdPmaxsd);
      case Opcode::I32x4MaxU: return bin(Inst::kIdPmaxud);
      case Opcode::I32x4Eq: return bin(Inst::kIdPcmpeqd);
      case Opcode::I32x4Ne: return bin(Inst::kIdPcmpeqd, false, true);
      case Opcode::I32x4GtS: return bin(Inst::kIdPcmpgtd);
      case Opcode::I32x4LtS: return bin(Inst::kIdPcmpgtd, true);
      case Opcode::I32x4LeS: return bin(Inst::kIdPcmpgtd, false, true);
      case Opcode::I32x4GeS: return bin(Inst::kIdPcmpgtd, true, true);
      case Opcode::I32x4DotI16x8S: return bin(Inst::kIdPmaddwd);
      case Opcode::I8x16LeU: return cmp_u(1, false, false);
      case Opcode::I8x16GeU: return cmp_u(1, true, false);
      case Opcode::I8x16GtU: return cmp_u(1, false, true);
      case Opcode::I8x16LtU: return cmp_u(1, true, true);
      case Opcode::I16x8LeU: return cmp_u(2, false, false);
      case Opcode::I16x8GeU: return cmp_u(2, true, false);
      case Opcode::I16x8GtU: return cmp_u(2, false, true);
      case Opcode::I16x8LtU: return cmp_u(2, true, true);
      case Opcode::I32x4LeU: return cmp_u(4, false, false);
      case Opcode::I32x4GeU: return cmp_u(4, true, false);
      case Opcode::I32x4GtU: return cmp_u(4, false, true);
      case Opcode::I32x4LtU: return cmp_u(4, true, true);
      case Opcode::I64x2Add: return bin(Inst::kIdPaddq);
      case Opcode::I64x2Sub: return bin(Inst::kIdPsubq);
      case Opcode::I64x2Eq: return bin(Inst::kIdPcmpeqq);
      case Opcode::I64x2Ne: return bin(Inst::kIdPcmpeqq, false, true);
      // Float compares: cmpps/cmppd predicates 0 eq, 1 lt, 2 le, 4 neq
      // (true when unordered, as wasm's ne); gt and ge as lt and le swapped.
      // pmin/pmax: minps/maxps return their second operand when unordered,
      // as pmin (b < a ? b : a) and pmax (a < b ? b : a) return a.
      case Opcode::F32x4Add: return bin(Inst::kIdAddps);
      case Opcode::F32x4Sub: return bin(Inst::kIdSubps);
      case Opcode::F32x4Mul: return bin(Inst::kIdMulps);
      case Opcode::F32x4Div: return bin(Inst::kIdDivps);
      case Opcode::F32x4Eq: return bin(Inst::kIdCmpps, false, false, 0);
      case Opcode::F32x4Ne: return bin(Inst::kIdCmpps, false, false, 4);
      case Opcode::F32x4Lt: return bin(Inst::kIdCmpps, false, false, 1);
      case Opcode::F32x4Le: return bin(Inst::kIdCmpps, false, false, 2);
      case Opcode::F32x4Gt: return bin(Inst::kIdCmpps, true, false, 1);
      case Opcode::F32x4Ge: return bin(Inst::kIdCmpps, true, false, 2);
      case Opcode::F32x4Pmin: return bin(Inst::kIdMinps, true);
      case Opcode::F32x4Pmax: return bin(Inst::kIdMaxps, true);
      case Opcode::F64x2Add: return bin(Inst::kIdAddpd);
      case Opcode::F64x2Sub: return bin(Inst::kIdSubpd);
      case Opcode::F64x2Mul: return bin(Inst::kIdMulpd);
      case Opcode::F64x2Div: return bin(Inst::kIdDivpd);
      case Opcode::F64x2Eq: return bin(Inst::kIdCmppd, false, false, 0);
      case Opcode::F64x2Ne: return bin(Inst::kIdCmppd, false, false, 4);
      case Opcode::F64x2Lt: return bin(Inst::kIdCmppd, false, false, 1);
      case Opcode::F64x2Le: return bin(Inst::kIdCmppd, false, false, 2);
      case Opcode::F64x2Gt: return bin(Inst::kIdCmppd, true, false, 1);
      case Opcode::F64x2Ge: return bin(Inst::kIdCmppd, true, false, 2);
      case Opcode::F64x2Pmin: return bin(Inst::kIdMinpd, true);
      case Opcode::F64x2Pmax: return bin(Inst::kIdMaxpd, true);
      case Opcode::V128And: return bin(Inst::kIdPand);
      case Opcode::V128Or: return bin(Inst::kIdPor);
      case Opcode::V128Xor: return bin(Inst::kIdPxor);
      case Opcode::V128Andnot: return bin(Inst::kIdPandn, true);  // (pandn: ~dst & src)
      case Opcode::I8x16Abs: return unary(Inst::kIdPabsb);
      case Opcode::I16x8Abs: return unary(Inst::kIdPabsw);
      case Opcode::I32x4Abs: return unary(Inst::kIdPabsd);
      case Opcode::I16x8ExtendLowI8x16S: return unary(Inst::kIdPmovsxbw);
      case Opcode::I16x8ExtendLowI8x16U: return unary(Inst::kIdPmovzxbw);
      case Opcode::I32x4ExtendLowI16x8S: return unary(Inst::kIdPmovsxwd);
      case Opcode::I32x4ExtendLowI16x8U: return unary(Inst::kIdPmovzxwd);
      case Opcode::I64x2ExtendLowI32x4S: return unary(Inst::kIdPmovsxdq);
      case Opcode::I64x2ExtendLowI32x4U: return unary(Inst::kIdPmovzxdq);
      case Opcode::I16x8ExtendHighI8x16S: return high(Inst::kIdPmovsxbw);
      case Opcode::I16x8ExtendHighI8x16U: return high(Inst::kIdPmovzxbw);
      case Opcode::I32x4ExtendHighI16x8S: return high(Inst::kIdPmovsxwd);
      case Opcode::I32x4ExtendHighI16x8U: return high(Inst::kIdPmovzxwd);
      case Opcode::I64x2ExtendHighI32x4S: return high(Inst::kIdPmovsxdq);
      case Opcode::I64x2ExtendHighI32x4U: return high(Inst::kIdPmovzxdq);
      case Opcode::I8x16Shuffle: return form(F::kShuffle);
      case Opcode::I8x16Swizzle: return form(F::kSwizzle);
      case Opcode::I8x16Neg: return form(F::kNeg, 1, Inst::kIdPsubb);
      case Opcode::I16x8Neg: return form(F::kNeg, 2, Inst::kIdPsubw);
      case Opcode::I32x4Neg: return form(F::kNeg, 4, Inst::kIdPsubd);
      case Opcode::I64x2Neg: return form(F::kNeg, 8, Inst::kIdPsubq);
      case Opcode::F32x4Abs: return form(F::kFloatSign, 4, Inst::kIdPand);
      case Opcode::F32x4Neg: return form(F::kFloatSign, 4, Inst::kIdPxor, true);
      case Opcode::F64x2Abs: return form(F::kFloatSign, 8, Inst::kIdPand);
      case Opcode::F64x2Neg: return form(F::kFloatSign, 8, Inst::kIdPxor, true);
      case Opcode::F32x4Sqrt: return unary(Inst::kIdSqrtps);
      case Opcode::F64x2Sqrt: return unary(Inst::kIdSqrtpd);
      case Opcode::F32x4ConvertI32x4S: return unary(Inst::kIdCvtdq2ps);
      case Opcode::F64x2ConvertLowI32x4S: return unary(Inst::kIdCvtdq2pd);
      case Opcode::F64x2PromoteLowF32x4: return unary(Inst::kIdCvtps2pd);
      case Opcode::F32x4DemoteF64x2Zero: return unary(Inst::kIdCvtpd2ps);  // (upper lanes zeroed)
      // round* modes: 0 nearest (ties to even), 1 floor, 2 ceil, 3 trunc.
      case Opcode::F32x4Nearest: return unary(Inst::kIdRoundps, 0);
      case Opcode::F32x4Floor: return unary(Inst::kIdRoundps, 1);
      case Opcode::F32x4Ceil: return unary(Inst::kIdRoundps, 2);
      case Opcode::F32x4Trunc: return unary(Inst::kIdRoundps, 3);
      case Opcode::F64x2Nearest: return unary(Inst::kIdRoundpd, 0);
      case Opcode::F64x2Floor: return unary(Inst::kIdRoundpd, 1);
      case Opcode::F64x2Ceil: return unary(Inst::kIdRoundpd, 2);
      case Opcode::F64x2Trunc: return unary(Inst::kIdRoundpd, 3);
      case Opcode::I16x8Shl: return shift(Inst::kIdPsllw, 15);
      case Opcode::I16x8ShrS: return shift(Inst::kIdPsraw, 15);
      case Opcode::I16x8ShrU: return shift(Inst::kIdPsrlw, 15);
      case Opcode::I32x4Shl: return shift(Inst::kIdPslld, 31);
      case Opcode::I32x4ShrS: return shift(Inst::kIdPsrad, 31);
      case Opcode::I32x4ShrU: return shift(Inst::kIdPsrld, 31);
      case Opcode::I64x2Shl: return shift(Inst::kIdPsllq, 63);
      case Opcode::I64x2ShrU: return shift(Inst::kIdPsrlq, 63);
      case Opcode::V128Load: return form(F::kLoad, 16);
      case Opcode::V128Store: return form(F::kStore, 16);
      case Opcode::V128Load8Splat: return form(F::kLoadSplat, 1);
      case Opcode::V128Load16Splat: return form(F::kLoadSplat, 2);
      case Opcode::V128Load32Splat: return form(F::kLoadSplat, 4);
      case Opcode::V128Load64Splat: return form(F::kLoadSplat, 8);
      case Opcode::V128Load32Zero: return form(F::kLoadZero, 4);
      case Opcode::V128Load64Zero: return form(F::kLoadZero, 8);
      case Opcode::V128Load8x8S: return form(F::kLoadExtend, 8, Inst::kIdPmovsxbw);
      case Opcode::V128Load8x8U: return form(F::kLoadExtend, 8, Inst::kIdPmovzxbw);
      case Opcode::V128Load16x4S: return form(F::kLoadExtend, 8, Inst::kIdPmovsxwd);
      case Opcode::V128Load16x4U: return form(F::kLoadExtend, 8, Inst::kIdPmovzxwd);
      case Opcode::V128Load32x2S: return form(F::kLoadExtend, 8, Inst::kIdPmovsxdq);
      case Opcode::V128Load32x2U: return form(F::kLoadExtend, 8, Inst::kIdPmovzxdq);
      case Opcode::V128Load8Lane: return form(F::kLoadLane, 1, Inst::kIdPinsrb);
      case Opcode::V128Load16Lane: return form(F::kLoadLane, 2, Inst::kIdPinsrw);
      case Opcode::V128Load32Lane: return form(F::kLoadLane, 4, Inst::kIdPinsrd);
      case Opcode::V128Load64Lane: return form(F::kLoadLane, 8, Inst::kIdPinsrq);
      case Opcode::V128Store8Lane: return form(F::kStoreLane, 1, Inst::kIdPextrb);
      case Opcode::V128Store16Lane: return form(F::kStoreLane, 2, Inst::kIdPextrw);
      case Opcode::V128Store32Lane: return form(F::kStoreLane, 4, Inst::kIdPextrd);
      case Opcode::V128Store64Lane: return form(F::kStoreLane, 8, Inst::kIdPextrq);
      case Opcode::I8x16Splat: return form(F::kSplat, 1);
      case Opcode::I16x8Splat: return form(F::kSplat, 2);
      case Opcode::I32x4Splat: return form(F::kSplat, 4);
      case Opcode::I64x2Splat: return form(F::kSplat, 8);
      case Opcode::F32x4Splat: return form(F::kSplat, 4, Inst::kIdMovss);
      case Opcode::F64x2Splat: return form(F::kSplat, 8, Inst::kIdMovsd);
      case Opcode::I8x16ExtractLaneS: return form(F::kExtractLane, 1, Inst::kIdPextrb, true);
      case Opcode::I8x16ExtractLaneU: return form(F::kExtractLane, 1, Inst::kIdPextrb);
      case Opcode::I16x8ExtractLaneS: return form(F::kExtractLane, 2, Inst::kIdPextrw, true);
      case Opcode::I16x8ExtractLaneU: return form(F::kExtractLane, 2, Inst::kIdPextrw);
      case Opcode::I32x4ExtractLane: return form(F::kExtractLane, 4, Inst::kIdPextrd);
      case Opcode::I64x2ExtractLane: return form(F::kExtractLane, 8, Inst::kIdPextrq);
      case Opcode::F32x4ExtractLane: return form(F::kExtractLane, 4, Inst::kIdMovss);
      case Opcode::F64x2ExtractLane: return form(F::kExtractLane, 8, Inst::kIdMovsd);
      case Opcode::I8x16ReplaceLane: return form(F::kReplaceLane, 1, Inst::kIdPinsrb);
      case Opcode::I16x8ReplaceLane: return form(F::kReplaceLane, 2, Inst::kIdPinsrw);
      case Opcode::I32x4ReplaceLane: return form(F::kReplaceLane, 4, Inst::kIdPinsrd);
      case Opcode::I64x2ReplaceLane: return form(F::kReplaceLane, 8, Inst::kIdPinsrq);
      case Opcode::F32x4ReplaceLane: return form(F::kReplaceLane, 4, Inst::kIdMovss);
      case Opcode::F64x2ReplaceLane: return form(F::kReplaceLane, 8, Inst::kIdMovsd);
      case Opcode::V128Not: return form(F::kNot);
      case Opcode::V128Bitselect: return form(F::kBitselect);
      case Opcode::V128AnyTrue: return form(F::kAnyTrue);
      case Opcode::I8x16AllTrue: return form(F::kAllTrue, 1, Inst::kIdPcmpeqb);
      case Opcode::I16x8AllTrue: return form(F::kAllTrue, 2, Inst::kIdPcmpeqw);
      case Opcode::I32x4AllTrue: return form(F::kAllTrue, 4, Inst::kIdPcmpeqd);
      case Opcode::I64x2AllTrue: return form(F::kAllTrue, 8, Inst::kIdPcmpeqq);
      case Opcode::I8x16Bitmask: return form(F::kBitmask, 1, Inst::kIdPmovmskb);
      case Opcode::I16x8Bitmask: return form(F::kBitmask, 2, Inst::kIdPmovmskb);
      case Opcode::I32x4Bitmask: return form(F::kBitmask, 4, Inst::kIdMovmskps);
      case Opcode::I64x2Bitmask: return form(F::kBitmask, 8, Inst::kIdMovmskpd);
      default: return {};
    }
  }
  static bool has_inline_v128(Opcode op) { return v128_op(op).form != V128Form::kNone; }

  // The xmm register holding slot's v128: its cache register, else one it
  // is loaded into (cached, so that the next read reuses it). A v128 over
  // a pinned scalar (results are written to slots 0..) is loaded into
  // `scratch` instead.
  Xmm v128_in(uint64_t slot, const Xmm& scratch) {
    if (auto e = cache_.find(slot); e && cache_.holds_v128(slot)) return RegCache::xmm(e->reg);
    flush_slot(slot);  // (a scalar there, in a register only)
    flush_slot(slot + 1);
    if (overlaps_other_pin(slot)) {
      a_->movups(scratch, v128_slot(slot));
      return scratch;
    }
    const RegCache::Entry e = cache_.take(slot, true, true);
    store_evicted();
    a_->movups(RegCache::xmm(e.reg), v128_slot(slot));
    return RegCache::xmm(e.reg);
  }
  // Whether slot or slot + 1 is pinned other than as a v128.
  bool overlaps_other_pin(uint64_t slot) const {
    return (cache_.pinned(slot) && !cache_.pinned_v128(slot)) || cache_.pinned(slot + 1);
  }
  // Slot dst's new v128 computed by `body(reg)` straight in dst's cache
  // register, unless that holds `keep`, an operand body reads after
  // writing reg: then in xmm0, moved over after.
  template <class Body>
  void put_v128(uint64_t dst, const Operand& keep, Body&& body) {
    if (overlaps_other_pin(dst)) {
      // (A result over pinned locals, just before a return: written to the
      // slots, then each pin given what its slot now holds, clean, as a
      // write to it through take() would: the slots that shared its
      // register's old value (copies of it) keep it, stored or evicted.)
      body(xmm0);
      cache_.forget(dst);
      cache_.forget(dst + 1);
      a_->movups(v128_slot(dst), xmm0);
      for (const uint64_t slot : {dst, dst + 1}) {
        if (!cache_.pinned(slot)) continue;
        const RegCache::Entry e = cache_.take(slot, !cache_.pinned_gp(slot));
        store_evicted();
        load_pin(slot, e);
        if (cache_.pinned_i32(slot)) cache_.set_zext(e);
      }
      return;
    }
    const RegCache::Entry e = cache_.take(dst, true, true);
    store_evicted();  // (what the register held, before body overwrites it)
    const Xmm r = RegCache::xmm(e.reg);
    if (keep.isReg() && keep.as<Reg>().id() == r.id()) {
      body(xmm0);
      a_->movaps(r, xmm0);
    } else {
      body(r);
    }
    if (deferrable(dst)) cache_.mark_dirty(dst, true);
    else a_->movups(v128_slot(dst), r);
  }
  // r = x (registers).
  void move_v128(const Xmm& r, const Xmm& x) {
    if (r.id() != x.id()) a_->movaps(r, x);
  }
  // xmm15 = all ones.
  void all_ones_xmm15() { a_->pcmpeqd(xmm15, xmm15); }

  // A v128 instruction inline (see v128_op); false when it has no inline form.
  bool emit_v128(Opcode op, const uint64_t* p) {
    FastAssembler& a = *a_;
    const V128Op v = v128_op(op);
    switch (v.form) {
      case V128Form::kNone: return false;
      case V128Form::kBinary: {  // dst, a, b
        const Xmm x = v128_in(v.swap ? p[3] : p[2], xmm0), y = v128_in(v.swap ? p[2] : p[3], xmm15);
        put_v128(p[1], y, [&](const Xmm& r) {
          move_v128(r, x);
          if (v.imm >= 0) a.emit(v.id, r, y, imm(v.imm));
          else a.emit(v.id, r, y);
          if (v.invert) {
            all_ones_xmm15();
            a.pxor(r, xmm15);
          }
        });
        return true;
      }
      case V128Form::kUnary: {  // dst, a
        Xmm x = v128_in(p[2], xmm15);
        if (v.high) {
          a.pshufd(xmm15, x, imm(0xee));  // (the high qword to the low one)
          x = xmm15;
        }
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          if (v.imm >= 0) a.emit(v.id, r, x, imm(v.imm));
          else a.emit(v.id, r, x);
        });
        return true;
      }
      case V128Form::kShuffle: emit_v128_shuffle(p); return true;
      case V128Form::kCmpU: {  // dst, a, b: computed in xmm15, dst's register (maybe a's or b's) written last
        static constexpr InstId kEq[] = {Inst::kIdPcmpeqb, Inst::kIdPcmpeqw, Inst::kIdNone, Inst::kIdPcmpeqd};
        const Xmm x = v128_in(p[2], xmm0), y = v128_in(p[3], xmm15);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          move_v128(xmm15, y);
          a.emit(v.id, xmm15, x);  // (min and max commute)
          a.emit(kEq[v.bytes - 1], xmm15, x);
          if (v.invert) {
            a.pcmpeqd(r, r);
            a.pxor(r, xmm15);
          } else {
            a.movaps(r, xmm15);
          }
        });
        return true;
      }
      case V128Form::kSwizzle: {  // dst, a, indices: an index of 16 or more gives 0
        // (pshufb gives 0 where an index's top bit is set: adding 0x70 with
        // unsigned saturation sets it for 16 and up and keeps the low four
        // bits below.)
        std::array<uint8_t, 16> bias;
        bias.fill(0x70);
        const Xmm x = v128_in(p[2], xmm0), indices = v128_in(p[3], xmm15);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          move_v128(xmm15, indices);
          a.paddusb(xmm15, v128_literal(bias));
          move_v128(r, x);
          a.pshufb(r, xmm15);
        });
        return true;
      }
      case V128Form::kNeg: {  // dst, a: computed in xmm15, dst's register (maybe a's) written last
        const Xmm x = v128_in(p[2], xmm0);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          a.pxor(xmm15, xmm15);
          a.emit(v.id, xmm15, x);
          a.movaps(r, xmm15);
        });
        return true;
      }
      case V128Form::kFloatSign: {  // dst, a
        const Xmm x = v128_in(p[2], xmm0);
        const uint32_t lane_bits = v.bytes * 8;
        all_ones_xmm15();
        if (v.sign) a.emit(lane_bits == 32 ? Inst::kIdPslld : Inst::kIdPsllq, xmm15, imm(lane_bits - 1));
        else a.emit(lane_bits == 32 ? Inst::kIdPsrld : Inst::kIdPsrlq, xmm15, imm(1));
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          move_v128(r, x);
          a.emit(v.id, r, xmm15);
        });
        return true;
      }
      case V128Form::kShift: {  // dst, a, count (wasm takes it modulo the lane width)
        Operand count = gp_in_or_imm(p[3], false);
        if (count.isImm()) {
          count = imm(count.as<Imm>().valueAs<uint32_t>() & uint32_t(v.imm));
        } else {
          a.emit(Inst::kIdMov, ecx, count);
          a.and_(ecx, uint32_t(v.imm));
          a.movd(xmm15, ecx);
          count = xmm15;
        }
        const Xmm x = v128_in(p[2], xmm0);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          move_v128(r, x);
          a.emit(v.id, r, count);
        });
        return true;
      }
      case V128Form::kNot: {
        const Xmm x = v128_in(p[2], xmm0);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          all_ones_xmm15();
          move_v128(r, x);
          a.pxor(r, xmm15);
        });
        return true;
      }
      case V128Form::kBitselect: {  // dst, a, b, mask: (a & mask) | (b & ~mask), as ((a ^ b) & mask) ^ b
        // (Computed in xmm15, dst's register written last: it may be any operand's.)
        const Xmm x = v128_in(p[2], xmm0);
        const Xmm y = v128_in(p[3], xmm0);
        const Xmm m = v128_in(p[4], xmm0);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          a.movaps(xmm15, x);
          a.pxor(xmm15, y);
          a.pand(xmm15, m);
          a.pxor(xmm15, y);
          a.movaps(r, xmm15);
        });
        return true;
      }
      case V128Form::kLoad: case V128Form::kLoadSplat: case V128Form::kLoadZero: case V128Form::kLoadExtend:
        emit_v128_load(v, p);
        return true;
      case V128Form::kStore: {  // addr, value, offset
        const Xmm x = v128_in(p[2], xmm0);
        a.movups(checked_address(p[1], p[3], 16, 128), x);
        return true;
      }
      case V128Form::kLoadLane: {  // dst, addr, v, offset, lane
        const Xmm x = v128_in(p[3], xmm0);
        const Mem m = checked_address(p[2], p[4], v.bytes, v.bytes * 8);
        put_v128(p[1], Operand(), [&](const Xmm& r) {
          move_v128(r, x);
          a.emit(v.id, r, m, imm(p[5]));
        });
        return true;
      }
      case V128Form::kStoreLane: {  // addr, v, offset, lane
        const Xmm x = v128_in(p[2], xmm0);
        a.emit(v.id, checked_address(p[1], p[3], v.bytes, v.bytes * 8), x, imm(p[4]));
        return true;
      }
      case V128Form::kSplat: emit_v128_splat(v, p); return true;
      case V128Form::kExtractLane: emit_v128_extract_lane(v, p); return true;
      case V128Form::kReplaceLane: emit_v128_replace_lane(v, p); return true;
      case V128Form::kAnyTrue: case V128Form::kAllTrue: {  // dst, a
        const Xmm x = v128_in(p[2], xmm0);
        if (v.form == V128Form::kAllTrue) {  // no lane equal to zero
          a.pxor(xmm15, xmm15);
          a.emit(v.id, xmm15, x);
        }
        put_gp(p[1], Operand(), [&](Gp r) {
          a.xor_(r.r32(), r.r32());
          if (v.form == V128Form::kAllTrue) {
            a.ptest(xmm15, xmm15);
            a.setz(r.r8());
          } else {
            a.ptest(x, x);
            a.setnz(r.r8());
          }
        }, true);
        return true;
      }
      case V128Form::kBitmask: {  // dst, a
        Xmm x = v128_in(p[2], xmm0);
        if (v.bytes == 2) {  // each lane's sign to a byte's
          a.movaps(xmm15, x);
          a.packsswb(xmm15, xmm15);
          x = xmm15;
        }
        put_gp(p[1], Operand(), [&](Gp r) {
          a.emit(v.id, r.r32(), x);
          if (v.bytes == 2) a.movzx(r.r32(), r.r8());
        }, true);
        return true;
      }
    }
    return false;
  }

  // i8x16.shuffle (dst, a, b, the 16 lane indices in two words): a pshufb
  // of each operand that gives lanes, with 0x80 (zero) where the other
  // does, or'ed.
  void emit_v128_shuffle(const uint64_t* p) {
    FastAssembler& a = *a_;
    uint8_t lanes[16];
    std::memcpy(lanes, p + 4, 16);
    std::array<uint8_t, 16> from_a, from_b;
    bool any_a = false, any_b = false;
    for (int i = 0; i < 16; ++i) {
      from_a[i] = lanes[i] < 16 ? lanes[i] : 0x80;
      from_b[i] = lanes[i] >= 16 ? uint8_t(lanes[i] - 16) : 0x80;
      any_a |= lanes[i] < 16;
      any_b |= lanes[i] >= 16;
    }
    const Xmm x = v128_in(p[2], xmm0), y = v128_in(p[3], xmm15);
    put_v128(p[1], Operand(), [&](const Xmm& r) {
      // (y's pshufb in xmm15 first: r may be y's register.)
      if (any_b) {
        move_v128(xmm15, y);
        a.pshufb(xmm15, v128_literal(from_b));
      }
      if (any_a) {
        move_v128(r, x);
        a.pshufb(r, v128_literal(from_a));
        if (any_b) a.por(r, xmm15);
      } else {
        a.movaps(r, xmm15);
      }
    });
  }
  // A 16-byte constant the code reads (aligned, after the code).
  Mem v128_literal(const std::array<uint8_t, 16>& bytes) {
    const Label l = a_->newLabel();
    v128_literals_.push_back({l, bytes});
    return ptr(l, 0, 16);
  }

  // v128.load and the loads that splat, zero-extend or extend (dst, addr, offset).
  void emit_v128_load(const V128Op& v, const uint64_t* p) {
    FastAssembler& a = *a_;
    const uint32_t bytes = v.form == V128Form::kLoad ? 16 : v.bytes;
    const Mem m = checked_address(p[2], p[3], bytes, bytes * 8);
    put_v128(p[1], Operand(), [&](const Xmm& r) {
      switch (v.form) {
        case V128Form::kLoad: a.movups(r, m); break;
        case V128Form::kLoadZero: a.emit(bytes == 4 ? Inst::kIdMovd : Inst::kIdMovq, r, m); break;
        case V128Form::kLoadExtend: a.emit(v.id, r, m); break;
        default:  // kLoadSplat
          switch (bytes) {
            case 1:
              a.pxor(xmm15, xmm15);
              a.pinsrb(r, m, imm(0));
              a.pshufb(r, xmm15);
              break;
            case 2:
              a.pinsrw(r, m, imm(0));
              a.pshuflw(r, r, imm(0));
              a.pshufd(r, r, imm(0));
              break;
            case 4:
              a.movd(r, m);
              a.pshufd(r, r, imm(0));
              break;
            default: a.movddup(r, m); break;
          }
          break;
      }
    });
  }

  // A scalar to every lane (dst, x).
  void emit_v128_splat(const V128Op& v, const uint64_t* p) {
    FastAssembler& a = *a_;
    const bool is_float = v.id != Inst::kIdNone;
    const Operand x = is_float ? xmm_in(p[2], v.bytes == 8) : gp_in(p[2], v.bytes == 8);
    put_v128(p[1], Operand(), [&](const Xmm& r) {  // (each form reads x before writing r)
      if (v.bytes == 8) {
        if (x.isReg() && !is_float) {
          a.movq(r, x.as<Gp>());
          a.punpcklqdq(r, r);
        } else {
          a.emit(Inst::kIdMovddup, r, x);
        }
        return;
      }
      if (x.isReg() && is_float) {
        a.pshufd(r, x.as<Xmm>(), imm(0));
        return;
      }
      a.emit(Inst::kIdMovd, r, x);
      switch (v.bytes) {
        case 1:
          a.pxor(xmm15, xmm15);
          a.pshufb(r, xmm15);
          break;
        case 2:
          a.pshuflw(r, r, imm(0));
          a.pshufd(r, r, imm(0));
          break;
        default: a.pshufd(r, r, imm(0)); break;
      }
    });
  }

  // One lane to a scalar (dst, a, lane): integers zero- or sign-extended
  // to 32 bits (i64: whole), floats in the low lane of dst's register.
  void emit_v128_extract_lane(const V128Op& v, const uint64_t* p) {
    FastAssembler& a = *a_;
    const Xmm x = v128_in(p[2], xmm0);
    const uint32_t lane = uint32_t(p[3]);
    if (v.id == Inst::kIdMovss || v.id == Inst::kIdMovsd) {
      put_xmm(p[1], v.bytes == 8, Operand(), [&](const Xmm& r) {  // (in place too)
        if (lane == 0) move_v128(r, x);
        else if (v.bytes == 8) a.pshufd(r, x, imm(0xee));  // (the high qword to the low one)
        else a.pshufd(r, x, imm(lane));
      });
      return;
    }
    put_gp(p[1], Operand(), [&](Gp r) {
      const Gp dst = v.bytes == 8 ? Gp(r.r64()) : Gp(r.r32());
      a.emit(v.id, dst, x, imm(lane));
      if (v.sign) a.emit(Inst::kIdMovsx, dst, v.bytes == 1 ? Gp(r.r8()) : Gp(r.r16()));
    }, v.bytes != 8);
  }

  // A lane replaced by a scalar (dst, a, x, lane).
  void emit_v128_replace_lane(const V128Op& v, const uint64_t* p) {
    FastAssembler& a = *a_;
    const uint32_t lane = uint32_t(p[4]);
    if (v.id == Inst::kIdMovss || v.id == Inst::kIdMovsd) {
      const bool wide = v.bytes == 8;
      Operand s = xmm_in(p[3], wide);
      if (!s.isReg()) {
        move_float(xmm15, s, wide);
        s = xmm15;
      }
      const Xmm vec = v128_in(p[2], xmm0);
      put_v128(p[1], s, [&](const Xmm& r) {
        move_v128(r, vec);
        if (!wide) a.insertps(r, s.as<Xmm>(), imm(lane << 4));
        else if (lane == 0) a.movsd(r, s.as<Xmm>());
        else a.movlhps(r, s.as<Xmm>());
      });
      return;
    }
    Operand s = gp_in(p[3], v.bytes == 8);
    if (!s.isReg()) {
      a.emit(Inst::kIdMov, v.bytes == 8 ? Gp(rax) : Gp(eax), s);
      s = v.bytes == 8 ? Gp(rax) : Gp(eax);
    }
    const Xmm vec = v128_in(p[2], xmm0);
    put_v128(p[1], Operand(), [&](const Xmm& r) {
      move_v128(r, vec);
      const Gp g = s.as<Gp>();
      a.emit(v.id, r, v.bytes == 8 ? Gp(g.r64()) : Gp(g.r32()), imm(lane));
    });
  }

  // A v128 instruction: the interpreter's own code for it, called directly
  // (interp::simd_instruction_fn) with the frame, the instruction's words
  // and the memory.
  void emit_simd_call(const Instr& in) {
    FastAssembler& a = *a_;
    a.mov(rdi, kFp);
    a.mov(rsi, imm(in.stub));
    if (memi_) {
      a.mov(rdx, kMem);
      a.mov(rcx, memory_size(rcx));
    } else {
      a.xor_(edx, edx);
      a.xor_(ecx, ecx);
    }
    a.mov(rax, imm(reinterpret_cast<void*>(interp::simd_instruction_fn(in.info->op))));
    a.call(rax);
    a.mov(edx, eax);
    after_call();  // it wrote its result slots; the call clobbered the cache registers
    a.test(dl, dl);
    a.jz(trap_site(TrapCode::MemoryOutOfBounds));
  }

  // The instruction runs in the interpreter: run_instruction(store, ctx,
  // stub, func, fp).
  void emit_in_interpreter(const Instr& in) {
    call_helper(&run_instruction_helper, in.stub, keeps_callee_saved_pins(in));
  }

  // Calls `helper` on `instr` (see InstructionHelper) and leaves the
  // segment with its TrapCode when it is not 0. `keeps_pins`: the
  // instruction writes no local (a call: see keeps_callee_saved_pins).
  void call_helper(InstructionHelper helper, const uint64_t* instr, bool keeps_pins = false) {
    FastAssembler& a = *a_;
    write_record();
    a.mov(rdi, imm(&store_));
    a.mov(rsi, kCtx);
    a.mov(rdx, imm(instr));
    a.mov(rcx, imm(&func_));
    a.mov(r8, kFp);
    a.mov(rax, imm(reinterpret_cast<void*>(helper)));
    a.call(rax);
    a.mov(edx, eax);
    // (It may write any slot, unless keeps_pins; the call clobbers the
    // cache registers.)
    if (keeps_pins) after_call_keeping_pins();
    else after_call();
    a.mov(eax, edx);
    a.test(eax, eax);
    a.jnz(trap_out_of_segment_);
  }

  // ExecRegs::record := this frame's (the call into it), for code outside
  // the segment called next (which pushes records above it, reads the call
  // depth or takes a backtrace). Uses rcx.
  void write_record() { emit_write_record(*a_); }

  // memory.copy (dst, src, count slots) and memory.fill (dst, value,
  // count): both ranges checked inline against the memory's current size
  // (on a guarded memory too: memmove and memset are not compiled code, so
  // a fault there would be no trap), trapping at this instruction as a
  // load does; then memmove/memset called directly (overlapping ranges and
  // n = 0 at the end of memory are theirs to handle). The operands are read
  // into registers outside the cache before any cache register is
  // overwritten.
  void emit_memory_copy(const uint64_t* p) {
    FastAssembler& a = *a_;
    a.emit(Inst::kIdMov, eax, gp_in(p[1], false));  // (32-bit moves zero-extend)
    a.emit(Inst::kIdMov, ecx, gp_in(p[2], false));
    a.emit(Inst::kIdMov, edx, gp_in(p[3], false));
    a.lea(rdi, ptr(rax, rdx));
    a.lea(rsi, ptr(rcx, rdx));
    const Mem size = memory_size(r8);  // (r8: a cache register, which the call clobbers anyway)
    a.cmp(rsi, size);
    a.ja(trap_site(TrapCode::MemoryOutOfBounds));
    a.cmp(rdi, size);
    a.ja(trap_site(TrapCode::MemoryOutOfBounds));
    a.lea(rdi, ptr(kMem, rax));
    a.lea(rsi, ptr(kMem, rcx));
    a.mov(rax, imm(reinterpret_cast<void*>(&std::memmove)));
    a.call(rax);
    after_call_keeping_pins();
  }
  void emit_memory_fill(const uint64_t* p) {
    FastAssembler& a = *a_;
    a.emit(Inst::kIdMov, eax, gp_in(p[1], false));
    a.emit(Inst::kIdMov, edx, gp_in(p[3], false));
    a.emit(Inst::kIdMov, esi, gp_in(p[2], false));  // (last: rsi is a cache register; memset takes the low byte)
    a.lea(rcx, ptr(rax, rdx));
    a.cmp(rcx, memory_size(r8));  // (r8: see emit_memory_copy)
    a.ja(trap_site(TrapCode::MemoryOutOfBounds));
    a.lea(rdi, ptr(kMem, rax));
    a.mov(rax, imm(reinterpret_cast<void*>(&std::memset)));
    a.call(rax);
    after_call_keeping_pins();
  }

  // The interpreter's Step, for the limits configured: the step count, the
  // fuel left, an interrupt (taken once: the flag is cleared).
  void emit_step() {
    FastAssembler& a = *a_;
    const Config& cfg = store_.engine.config();
    if (cfg.step_limit) {
      a.dec(ctx_field(offsetof(ExecRegs, steps_left)));
      a.jz(trap_site(TrapCode::StepLimit));
    }
    if (cfg.consume_fuel) {
      a.cmp(ctx_field(offsetof(ExecRegs, fuel_left)), 0);
      a.jl(trap_site(TrapCode::OutOfFuel));
    }
    if (cfg.interruptible) {
      Label interrupted = a.newLabel();
      a.mov(rax, imm(&store_.interrupt_requested));
      a.cmp(byte_ptr(rax), 0);
      a.jne(interrupted);
      defer([this, interrupted] {
        a_->bind(interrupted);
        a_->mov(byte_ptr(rax), 0);
        a_->jmp(trap_site(TrapCode::Interrupted));
      });
    }
  }

  void emit_internal(const Instr& in) {
    FastAssembler& a = *a_;
    const uint64_t* p = w(in);
    switch (in.info->internal) {
      case Internal::Copy:
        copy(p[1], p[2]);
        // A temporary copied to a local or result slot is the value the
        // translator pops (local.set; a return's moves): dead, its deferred
        // store dropped (a local.tee pushes the local, not the temporary).
        if (p[1] < src_.temp_base && p[2] >= src_.temp_base) cache_.forget(p[2]);
        break;
      case Internal::Copy2: copy(p[1], p[2]); copy(p[3], p[4]); break;
      case Internal::Copy3: copy(p[1], p[2]); copy(p[3], p[4]); copy(p[5], p[6]); break;
      case Internal::Copy4: copy(p[1], p[2]); copy(p[3], p[4]); copy(p[5], p[6]); copy(p[7], p[8]); break;
      case Internal::CopyV128: {  // dst, src: in dst's register (stored when dst is a local)
        const Xmm x = v128_in(p[2], xmm0);
        put_v128(p[1], Operand(), [&](const Xmm& r) { move_v128(r, x); });
        // A temporary copied to a local or result slot is dead (see Copy).
        if (p[1] < src_.temp_base && p[2] >= src_.temp_base) cache_.forget(p[2]);
        break;
      }
      case Internal::Const:
        if (store_constant_only(p[1], p[2])) break;
        put_gp(p[1], Operand(), [&](Gp r) { move_constant(r, p[2]); }, p[2] <= 0xffffffffu);
        break;
      case Internal::Br:
        store_pins_leaving(target_index(p[1]));
        note_incoming(target_index(p[1]), true);
        emit_moves(scratch_.moves);
        a.jmp(branch_label(p[1]));
        break;
      case Internal::BrIf:
      case Internal::BrUnless: {
        CondCode taken = CondCode::kNE;  // cond != 0
        if (compare_ && compare_->dst == p[1]) {
          taken = compare_->cc;  // the flags of the compare just before
        } else {
          if (auto e = cache_.find(p[1]); e && !e->xmm) {
            const Gp r = RegCache::gp(e->reg).r32();
            a.test(r, r);
          } else {
            a.cmp(slot32(p[1]), imm(0));
          }
        }
        if (in.info->internal == Internal::BrUnless) taken = negateCond(taken);
        branch_if(taken, p[2]);
        break;
      }
      case Internal::BrTable: emit_br_table(p); break;
      case Internal::Call:
      case Internal::CallOther: emit_call(in); break;
      case Internal::CallIndirect: emit_call_indirect(in); break;
      case Internal::ReloadMemory: break;  // the pinned registers survive calls
      case Internal::LoopHead: break;      // counts for the interpreter only
      case Internal::Step: emit_step(); break;
      case Internal::Fuel:  // a block's instruction count (<= a body's size: fits 32 bits)
        a.sub(ctx_field(offsetof(ExecRegs, fuel_left)), imm(static_cast<int32_t>(p[1])));
        break;
      case Internal::MemoryCopy: emit_memory_copy(p); break;
      case Internal::MemoryFill: emit_memory_fill(p); break;
      case Internal::Return:
        return_to_caller();
        break;
      case Internal::Unreachable: a.jmp(trap_site(TrapCode::Unreachable)); break;
      case Internal::Select: {  // dst, a, b, cond
        // The condition tested first (the movs after keep the flags), then
        // a, or b when it is zero, straight into dst's register. A
        // condition that the compare just before left in the flags only
        // (see only_flags_read) is not tested again: b when it fails.
        const Operand x = gp_in_or_imm(p[2], true), y = gp_in(p[3], true);
        CondCode take_b = CondCode::kE;
        if (compare_ && compare_->dst == p[4]) {
          take_b = negateCond(compare_->cc);
        } else {
          const Operand cond = gp_in(p[4], false);
          if (cond.isReg()) a.test(cond.as<Gp>(), cond.as<Gp>());
          else a.cmp(cond.as<Mem>(), imm(0));
        }
        put_gp(p[1], y, [&](Gp r) {
          if (!(x.isReg() && x.as<Reg>() == r)) a.emit(Inst::kIdMov, r, x);
          a.emit(Inst::cmovccFromCond(take_b), r, y);
        });
        break;
      }
      case Internal::GlobalGet:  // dst, GlobalInstance*
        put_gp(p[1], Operand(), [&](Gp r) {  // (loaded straight into dst's register)
          a.mov(rax, imm(&reinterpret_cast<GlobalInstance*>(p[2])->bits[0]));
          a.mov(r.r64(), qword_ptr(rax));
        });
        break;
      case Internal::GlobalSet: {  // GlobalInstance*, src
        // (From src's register, or as an immediate, when it is in one.)
        const Operand value = gp_in_or_imm(p[2], true);
        a.mov(rax, imm(&reinterpret_cast<GlobalInstance*>(p[1])->bits[0]));
        if (value.isMem()) {
          a.mov(rcx, value.as<Mem>());
          a.mov(qword_ptr(rax), rcx);
        } else {
          a.emit(Inst::kIdMov, qword_ptr(rax), value);
        }
        break;
      }
      default: emit_in_interpreter(in); break;
    }
  }

  // ------------------------------------------------------------ loops
  // Where a branch to `addr` goes: a branch back to a loop header enters
  // past the loads of the loop's pins (its registers are valid throughout).
  Label branch_label(uint64_t addr) { return branch_label(addr, current_); }
  Label branch_label(uint64_t addr, size_t from) {
    const size_t t = target_index(addr);
    if (t <= from)
      if (auto it = body_labels_.find(t); it != body_labels_.end()) return it->second;
    return label_of_target(t);
  }

  // At a loop header: pins the locals the loop uses most (after those its
  // enclosing loops pinned) and loads them.
  using InstrIt = std::vector<Instr>::const_iterator;
  // The instructions of the loop at [header, end] (instrs_ is in code order).
  std::pair<InstrIt, InstrIt> loop_instrs(size_t header, size_t end) const {
    auto by_index = [](const Instr& in, size_t index) { return in.index < index; };
    const auto first = std::lower_bound(instrs_.cbegin(), instrs_.cend(), header, by_index);
    return {first, std::lower_bound(first, instrs_.cend(), end + 1, by_index)};
  }
  // (In constant time, from the scan's running counts: a loop nested
  // 10,000 deep asked this of each of its loops.)
  bool any_calls_out(InstrIt first, InstrIt last) const {
    auto calls_before = [&](InstrIt it) { return it == instrs_.cend() ? calls_out_count_ : it->calls_before; };
    return calls_before(last) != calls_before(first);
  }
  // Ranking a loop's locals reads the loop's code, nested loops included:
  // loops nested n deep read their innermost code n times, which with
  // thousands of nested loops (a valid body of a few hundred KB) made
  // compiling one function take minutes. Each pass over the loops
  // (loops_use_callee_saved, the loop headers as they are compiled) may
  // read kLoopScanFactor times the function's code; loops past that are not
  // ranked, so pin nothing (correct, only slower). Real code reads its
  // loops about as many times as they nest, two to four (speedtest1, lua,
  // zlib and bzip2 stay within a factor of 3), so none of it is affected.
  static constexpr size_t kLoopScanFactor = 16;
  struct ScanBudget {
    size_t left;
    bool spend(InstrIt first, InstrIt last) {
      const size_t n = size_t(last - first);
      if (n > left) return left = 0, false;
      left -= n;
      return true;
    }
  };
  ScanBudget loop_scan_budget() const { return {kLoopScanFactor * instrs_.size()}; }
  // A loop that calls pins a local in a callee-saved register only when
  // it is used this often in the loop: fewer uses do not pay for the saves
  // at every call of the function (fib's loop around its recursive call,
  // two to four uses: +30% instructions with pins) nor for loading the
  // pins each time the loop is entered.
  static constexpr uint32_t kMinUsesToPinAcrossCalls = 8;
  // How rank_locals orders the locals: by their count of uses, or by how
  // often a pass through the code is estimated to use them (see
  // estimate_frequencies).
  enum class Rank { ByCount, ByFrequency };
  // Puts the locals the code [first, last) uses at least `min_uses` times
  // into scratch_.ranked, first the one to pin first (integer ones only
  // when `calls`; v128 ones where pinnable; none pinned already).
  void rank_locals(InstrIt first, InstrIt last, bool calls, uint32_t min_uses, Rank rank) {
    // (Counted per local slot in the thread's buffers, zero between calls.)
    std::vector<uint32_t>& uses = scratch_.uses;
    std::vector<uint64_t>& weights = scratch_.weights;
    std::vector<std::pair<uint64_t, uint64_t>>& ranked = scratch_.ranked;
    std::vector<uint64_t>& used = scratch_.used;  // the local slots counted
    uses.resize(local_type_.size());
    weights.resize(local_type_.size());
    ranked.clear();
    used.clear();
    auto count = [&](const Instr& in, uint64_t frequency) {
      for_each_slot_operand(in, [&](uint64_t slot) {
        if (slot >= uses.size()) return;
        if (uses[slot]++ == 0) used.push_back(slot);
        weights[slot] += frequency;
      });
    };
    if (rank == Rank::ByFrequency) {
      estimate_frequencies(first, last, count);
    } else {  // (the weight is the count)
      for (auto it = first; it != last; ++it)
        for_each_slot_operand(*it, [&](uint64_t slot) {
          if (slot < uses.size() && uses[slot]++ == 0) used.push_back(slot);
        });
    }
    for (uint64_t slot : used) {
      const uint32_t n = std::exchange(uses[slot], 0);
      const uint64_t weight = rank == Rank::ByFrequency ? std::exchange(weights[slot], 0) : n;
      const std::optional<ValType> t = local_type_[slot];
      if (n >= min_uses && t && pinnable(slot, *t) && !(calls && (is_float_type(*t) || *t == ValType::V128)) &&
          !cache_.pinned(slot))
        ranked.push_back({weight, slot});
    }
    std::sort(ranked.rbegin(), ranked.rend());
  }
  // Calls f(instruction, frequency) for each instruction of [first, last)
  // in order, with how often it runs for each run of the first (kOnce),
  // as estimated with no profile: the code after a forward conditional
  // branch runs half as often as the code before it, whichever way it
  // goes; each target of a br_table gets an equal share; a label runs as
  // often as the paths into it together, and the code after a br, return
  // or br_table not at all until a label; a loop nested in the range
  // turns kTurns times each time it is entered (a branch back changes
  // nothing else). So a loop whose common path leaves early for its next
  // turn (zlib's longest_match: "no match here, next in the chain") pins
  // what that path uses, not what the rarer path after it uses more
  // often, and a loop pins what its inner loops use before what it uses
  // around them (matmul's inner product).
  static constexpr uint64_t kOnce = uint64_t(1) << 20, kTurns = 8, kMostOften = kOnce << 20;
  template <typename F>
  void estimate_frequencies(InstrIt first, InstrIt last, F&& f) {
    // What branches bring to labels ahead: a min-heap by target, as labels
    // come in code order.
    std::vector<std::pair<size_t, uint64_t>>& inflow = scratch_.inflow;
    inflow.clear();
    const auto later = [](const std::pair<size_t, uint64_t>& x, const std::pair<size_t, uint64_t>& y) {
      return x.first > y.first;
    };
    uint64_t now = kOnce;
    size_t at = 0;
    // The ends of the nested loops `at` is in, innermost last, with whether
    // entering it multiplied the frequency by kTurns (not past kMostOften:
    // the sums of frequencies stay far from overflowing).
    std::vector<std::pair<size_t, bool>>& nested = scratch_.nested;
    nested.clear();
    auto next_loop = first == last ? loop_end_.end() : loop_end_.upper_bound(first->index);
    auto branch_to = [&](uint64_t address, uint64_t frequency) {
      const size_t target = target_index(address);
      if (target <= at) return;
      for (auto loop = nested.rbegin(); loop != nested.rend() && loop->first < target; ++loop)
        if (loop->second) frequency /= kTurns;
      if (!frequency) return;
      inflow.push_back({target, frequency});
      std::push_heap(inflow.begin(), inflow.end(), later);
    };
    for (auto it = first; it != last; ++it) {
      const Instr& in = *it;
      at = in.index;
      for (; !nested.empty() && nested.back().first < at; nested.pop_back())
        if (nested.back().second) now /= kTurns;
      for (; next_loop != loop_end_.end() && next_loop->first <= at; ++next_loop) {
        if (next_loop->first != at) continue;
        const bool boost = now < kMostOften;
        nested.push_back({next_loop->second, boost});
        if (boost) now *= kTurns;
      }
      while (!inflow.empty() && inflow.front().first <= at) {
        now += inflow.front().second;
        std::pop_heap(inflow.begin(), inflow.end(), later);
        inflow.pop_back();
      }
      f(in, now);
      if (in.info->form != HandlerInfo::InternalForm) continue;
      const uint64_t* p = w(in);
      switch (in.info->internal) {
        case Internal::Br: branch_to(p[1], now), now = 0; break;
        case Internal::BrIf: case Internal::BrUnless:  // (a branch back: kTurns stands for its turns)
          if (target_index(p[2]) > at) now /= 2, branch_to(p[2], now);
          break;
        case Internal::BrTable:
          for (uint64_t k = 0; k < p[2]; ++k) branch_to(p[3 + k], now / p[2]);
          now = 0;
          break;
        case Internal::Return: case Internal::Unreachable: now = 0; break;
        default: break;
      }
    }
  }
  // Which callee-saved registers the loops' pins and cache may use, which
  // the function then saves: r15 and rbp when a call-free loop needs more
  // than the six others (its pins and temporaries take any register: at
  // least kMinPinsForCalleeSaved locals to pin, or kMinInstrsForCalleeSaved
  // instructions; a smaller loop, say a short search in a function called
  // often, fits the six, and their saves would cost every call), or a loop
  // that calls has a local to pin across its calls (see
  // kMinUsesToPinAcrossCalls); r14 too
  // when it is free (see memory_size_in_r14_) and a loop that calls has a
  // third such local. A function without such loops keeps to the other
  // six cache registers and saves nothing.
  struct CalleeSavedUse {
    bool r15_rbp = false, r14 = false;
  };
  static constexpr size_t kMinPinsForCalleeSaved = 5, kMinInstrsForCalleeSaved = 128;
  CalleeSavedUse loops_use_callee_saved() {
    CalleeSavedUse use;
    size_t counted_to = 0;  // the end of the last loop counted (its nested loops' uses are in its counts)
    ScanBudget budget = loop_scan_budget();
    for (const auto& [header, end] : loop_end_) {
      const auto [first, last] = loop_instrs(header, end);
      if (!any_calls_out(first, last)) {
        if (!budget.spend(first, last)) return use;
        rank_locals(first, last, false, 2, Rank::ByCount);
        if (scratch_.ranked.size() >= kMinPinsForCalleeSaved || size_t(last - first) >= kMinInstrsForCalleeSaved)
          use.r15_rbp = true;
        if (use.r15_rbp && memory_size_in_r14_) return use;  // (nothing more to learn)
        continue;
      }
      if (header <= counted_to && counted_to != 0) continue;
      if (!budget.spend(first, last)) return use;
      rank_locals(first, last, true, kMinUsesToPinAcrossCalls, Rank::ByCount);
      use.r15_rbp |= !scratch_.ranked.empty();
      use.r14 = !memory_size_in_r14_ && scratch_.ranked.size() >= 3;
      if (use.r14) return use;
      counted_to = end;
    }
    return use;
  }

  void enter_loop(size_t header, size_t end) {
    FastAssembler& a = *a_;
    const auto [first, last] = loop_instrs(header, end);
    // Whether the loop calls out: one that does pins integer locals in the
    // callee-saved registers only, which calls keep (see
    // keeps_callee_saved_pins); pins in other registers would be stored
    // before each call and reloaded after it. (Measured: that, and fewer
    // cache registers for temporaries, cost more than the pins saved, +4%
    // instructions on speedtest1, +9% on lua.)
    const bool calls = any_calls_out(first, last);
    scratch_.ranked.clear();
    if ((!calls || cache_.free_callee_saved()) && header_scan_budget_.spend(first, last))
      rank_locals(first, last, calls, calls ? kMinUsesToPinAcrossCalls : 2, Rank::ByFrequency);
    const std::vector<std::pair<uint64_t, uint64_t>>& ranked = scratch_.ranked;
    ActiveLoop loop{header, end, {}};
    flush_dirty(false);  // (nothing: the header's label stored it)
    for (auto [n, slot] : ranked) {
      const ValType t = *local_type(slot);
      const bool in_xmm = is_float_type(t) || t == ValType::V128;
      const std::optional<CachedCopy> copy = cached_copy(slot, in_xmm);
      if (auto e = cache_.pin(slot, in_xmm, t != ValType::F32, i32_local(slot), t == ValType::V128, calls)) {
        store_evicted();  // (only pins are dirty at a loop header, and pin() takes no pinned register)
        loop.pinned.push_back(slot);
        if (copy) move_into_pin(slot, *copy, *e);
        else load_pin(slot, *e);
      }
    }
    Label body = a.newLabel();
    // (Aligned: where a hot loop's branches fall against fetch blocks
    // moved kernels by up to 20% with no change in the code.)
    a.align(AlignMode::kCode, 32);
    a.bind(body);
    // Branches back bring only the pins, values not stored: what the paths
    // into the loop brought in other registers is forgotten.
    cache_.forget_all(true);
    body_labels_[header] = body;
    // (Only a loop with pins is tracked: a branch looks through the loops
    // it may leave for their pins, and loops nested thousands deep made
    // that a walk per branch; the ones with pins are few, as each holds a
    // register.)
    if (!loop.pinned.empty()) loops_.push_back(std::move(loop));
  }

  // A function without calls keeps its most used locals in registers
  // throughout, as a loop keeps its pins (its body the whole function,
  // entered once): loaded at entry, not reloaded where paths join, written
  // there only, stored by no return (a return stores its results only: see
  // emit) nor by leaving a loop; its loops pin more. Up to three
  // integer locals, leaving the cache three registers or more, and four
  // float ones. (With loops too: speedtest1 -0.8% instructions, zlib -0.3%,
  // bzip2 -0.2%, lua and the kernels the same.)
  static constexpr uint32_t kMinUsesToPinInFunction = 3, kMaxFunctionPinsGp = 3, kMaxFunctionPinsXmm = 4;
  void pin_function_locals() {
    if (instrs_.empty() || calls_out_count_ != 0) return;
    rank_locals(instrs_.cbegin(), instrs_.cend(), false, kMinUsesToPinInFunction, Rank::ByCount);
    ActiveLoop whole{0, SIZE_MAX, {}};
    uint32_t gp = 0, xmm = 0;
    for (auto [n, slot] : scratch_.ranked) {
      const ValType t = *local_type(slot);
      if (t == ValType::V128) continue;
      const bool in_xmm = is_float_type(t);
      uint32_t& pinned = in_xmm ? xmm : gp;
      if (pinned == (in_xmm ? kMaxFunctionPinsXmm : kMaxFunctionPinsGp)) continue;
      if (auto e = cache_.pin(slot, in_xmm, t != ValType::F32, i32_local(slot))) {
        store_evicted();
        whole.pinned.push_back(slot);
        if (written_before_read(slot)) zero_pin(*e);  // (its slot's value is never read)
        else load_pin(slot, *e);
        if (!e->xmm && cache_.pinned_i32(slot)) cache_.set_zext(*e);
        ++pinned;
      }
    }
    if (!whole.pinned.empty()) loops_.push_back(std::move(whole));
  }
  // Whether `slot` is a declared local that the entry sets to zero
  // (write_frame_init) or that is written before it is read (below the
  // zeroed ones: see CompiledFunc::frame_init), so that its pin may start
  // at zero without reading the slot.
  bool written_before_read(uint64_t slot) const {
    if (slot < src_.num_params || slot >= src_.save_base) return false;
    return slot < src_.init_base || (slot < src_.init_base + src_.init_count && src_.init[slot - src_.init_base] == 0);
  }
  void zero_pin(RegCache::Entry e) {
    if (e.xmm) a_->xorps(RegCache::xmm(e.reg), RegCache::xmm(e.reg));
    else a_->xor_(RegCache::gp(e.reg).r32(), RegCache::gp(e.reg).r32());
    if (!e.xmm) cache_.set_zext(e);
  }

  // An on-stack-replacement entry at code position `index` (a loop's, past
  // its fuel charge and Step): loads every local pinned there (this loop's
  // and its enclosing loops') and joins the code at its label, or where it
  // is a loop's header, at the loop's body label, as branches back do (the
  // header's label is then a join of the paths before it: see start_joins).
  void add_osr_entry(size_t index) {
    Label osr = a_->newLabel();
    osr_labels_[index] = osr;
    const auto body = body_labels_.find(index);
    const Label target = body != body_labels_.end() ? body->second : label_of_target(index);
    defer([this, osr, target, pins = cache_.pins()] {
      a_->bind(osr);
      for (const RegCache::Pin& p : pins) load_pin(p.slot, p.e);
      a_->jmp(target);
    });
  }

  // Falling out of the innermost loop: its pins' values are stored (their
  // registers still hold them, now as plain cache entries).
  void leave_loop() {
    for (uint64_t slot : loops_.back().pinned) {
      flush_slot(slot);
      cache_.unpin(slot);
    }
    loops_.pop_back();
  }

  // A pin's slot may be stale inside its loop (writes to it stay in its
  // register): the paths leaving the loop store it. Nothing else reads it
  // from memory there: instructions that read slots from memory, calls
  // and returns store every dirty value first (flush_dirty), OSR enters at
  // a loop header with the frame stored, and a trap discards the frame.
  // The dirty pins whose loop does not contain code position `target`.
  std::vector<RegCache::Pin> pins_leaving(size_t target) const {
    std::vector<RegCache::Pin> out;
    for (const ActiveLoop& l : loops_) {
      if (target >= l.header && target <= l.end) continue;  // (its pins hold there)
      for (uint64_t slot : l.pinned)
        if (cache_.dirty(slot))
          out.push_back({slot, *cache_.find(slot), cache_.dirty_wide(slot), cache_.holds_v128(slot)});
    }
    return out;
  }
  // Stores (and cleans) the pins a jump to `target` leaves.
  void store_pins_leaving(size_t target) {
    for (const RegCache::Pin& p : pins_leaving(target)) flush_slot(p.slot);
  }
  // A conditional branch to `addr`: when it leaves a loop with dirty pins,
  // through a stub out of line that stores them (the path falling through
  // keeps them in their registers only).
  void branch_if(CondCode cc, uint64_t addr) {
    std::vector<RegCache::Pin> stores = pins_leaving(target_index(addr));
    note_incoming(target_index(addr), false);  // (the stub stores from the registers, changing none)
    if (stores.empty()) return a_->j(cc, branch_label(addr)), void();
    a_->j(cc, pin_store_stub(std::move(stores), branch_label(addr)));
  }
  // A stub out of line that stores `stores` from their registers and jumps
  // to `target`.
  Label pin_store_stub(std::vector<RegCache::Pin> stores, Label target) {
    const Label stub = a_->newLabel();
    defer([this, stub, stores = std::move(stores), target] {
      a_->bind(stub);
      for (const RegCache::Pin& p : stores) store_from(p.slot, p.e, p.wide, p.v128);
      a_->jmp(target);
    });
    return stub;
  }

  // ------------------------------------------------------------ joins
  // Where paths join (a branch target), the cache keeps values in
  // registers instead of nothing (Liftoff's merge): the first path noted
  // fixes the label's state, the clean values it brings (every value is
  // stored before a branch or label); a later br or the path falling in
  // conforms to it with register moves, and drops from it what it does
  // not bring in a register. A br_if or br_table only drops what it does
  // not bring in the same register: its moves would need a stub out of
  // line and a jump more, which measured slower. Each branch is noted
  // when it is emitted, the path falling through at the label. Only at
  // targets all of whose paths come before them in the code: forward
  // targets and loop headers (branches back enter past the header, at the
  // loop's body label: see enter_loop), not OSR entries (entered from the
  // interpreter).
  enum JoinState : uint8_t { kNoPathYet, kPathsNoted, kUnknownPaths };
  void emit_moves(const std::vector<Move>& moves) {
    for (const Move& m : moves) {
      if (m.to.xmm) a_->movaps(RegCache::xmm(m.to.reg), RegCache::xmm(m.from.reg));
      else a_->mov(RegCache::gp(m.to.reg), RegCache::gp(m.from.reg));
    }
  }
  void start_joins() {
    const size_t n = targets_.size();
    if (scratch_.incoming.size() < n) scratch_.incoming.resize(n);
    if (scratch_.read_after.size() < n) scratch_.read_after.resize(n);
    if (scratch_.read_after_known.size() < n) scratch_.read_after_known.resize(n);
    std::vector<uint8_t>& state = scratch_.join_state;
    state.assign(n, kNoPathYet);
    for (size_t osr : osr_entries_)
      if (!loop_end_.contains(osr)) state[target_number(osr)] = kUnknownPaths;  // (else: add_osr_entry)
    falls_through_ = true;
  }
  // targets_'s index of code index `target` (one of them).
  size_t target_number(size_t target) const {
    return size_t(std::lower_bound(targets_.begin(), targets_.end(), target) - targets_.begin());
  }
  // The path the cache is on goes to target number `k`: the first fixes
  // the label's state (RegCache::known); a later one gets the moves that
  // conform it to the state (scratch_.moves, in an order that overwrites
  // no register a later move reads; none unless `may_move`), and the
  // state drops what the path does not bring in the same register or by
  // a move.
  void add_incoming(size_t k, bool may_move) {
    std::vector<RegCache::Known>& state = scratch_.incoming[k];
    std::vector<Move>& moves = scratch_.moves;
    moves.clear();
    if (scratch_.join_state[k] == kNoPathYet) {
      cache_.known(state);
      scratch_.join_state[k] = kPathsNoted;
      scratch_.read_after_known[k] = false;
      return;
    }
    // (Later paths move only what the code after the label reads soon: a
    // move costs as much as the reload it saves.)
    auto moves_pay = [&](const RegCache::Known& x) {
      if (!may_move) return false;
      std::vector<uint64_t>& read = scratch_.read_after[k];
      if (!scratch_.read_after_known[k]) {
        slots_read_after(targets_[k], read);
        scratch_.read_after_known[k] = true;
      }
      return std::find(read.begin(), read.end(), x.slot) != read.end();
    };
    // One source per register of the state (slots sharing a register must
    // share it on this path too); a move to itself stands for none.
    std::erase_if(state, [&](RegCache::Known& x) {
      const std::optional<RegCache::Entry> from = cache_.brought(x);
      if (!from || cache_.holds_pin(x.e) || (!(*from == x.e) && !moves_pay(x))) return true;
      x.zext = x.zext && cache_.zext(*from);  // (a move copies all 64 bits)
      for (const Move& m : moves)
        if (m.to == x.e) return !(m.from == *from);
      moves.push_back({*from, x.e});
      return false;
    });
    std::erase_if(moves, [](const Move& m) { return m.from == m.to; });
    order_moves(state, moves);
  }
  // The slots the first instructions from code index `target` on read
  // before they write them: up to kReadWindow of them, as far as the
  // first branch (past it, a read may not run) or a form not known here
  // (calls among them: they read memory).
  static constexpr size_t kReadWindow = 6;
  void slots_read_after(size_t target, std::vector<uint64_t>& read) const {
    read.clear();
    std::vector<uint64_t>& written = scratch_.written_after_label;
    written.clear();
    auto reads = [&](uint64_t slot) {
      if (std::find(written.begin(), written.end(), slot) == written.end()) read.push_back(slot);
    };
    auto by_index = [](const Instr& in, size_t index) { return in.index < index; };
    auto it = std::lower_bound(instrs_.begin(), instrs_.end(), target, by_index);
    for (const auto end = std::min(instrs_.end(), it + kReadWindow); it != end; ++it) {
      const Instr& in = *it;
      const uint64_t* p = w(in);
      if (in.info->form == HandlerInfo::InternalForm) {
        switch (in.info->internal) {
          case Internal::Copy: case Internal::Copy2: case Internal::Copy3: case Internal::Copy4:
            for (unsigned i = 1; i + 1 < in.words; i += 2) reads(p[i + 1]), written.push_back(p[i]);
            break;
          case Internal::Const: case Internal::GlobalGet: written.push_back(p[1]); break;
          case Internal::BrIf: case Internal::BrUnless: reads(p[1]); return;
          case Internal::GlobalSet: reads(p[2]); break;
          case Internal::Select: reads(p[2]), reads(p[3]), reads(p[4]), written.push_back(p[1]); break;
          case Internal::Fuel: case Internal::Step: break;
          default: return;
        }
        continue;
      }
      if (in.info->form != HandlerInfo::Plain) return;
      switch (plain_op_kind(in.info->op)) {
        case OpKind::None: return;
        case OpKind::Store: reads(p[1]), reads(p[2]); break;  // address, value, offset
        case OpKind::Load: reads(p[2]), written.push_back(p[1]); break;  // dst, address, offset
        default:  // numeric: dst, a[, b]
          for (unsigned i = 2; i < in.words; ++i) reads(p[i]);
          written.push_back(p[1]);
          break;
      }
    }
  }
  // Orders `moves` (distinct destinations) so that none overwrites a
  // register a later one reads; a cycle is broken by dropping a move, and
  // its register from `state`.
  void order_moves(std::vector<RegCache::Known>& state, std::vector<Move>& moves) {
    std::vector<Move>& ordered = scratch_.ordered_moves;
    ordered.clear();
    while (!moves.empty()) {
      auto ready = std::find_if(moves.begin(), moves.end(), [&](const Move& m) {
        return std::none_of(moves.begin(), moves.end(), [&](const Move& o) { return o.from == m.to; });
      });
      if (ready == moves.end()) {
        const RegCache::Entry dropped = moves.front().to;
        std::erase_if(state, [&](const RegCache::Known& x) { return x.e == dropped; });
        moves.erase(moves.begin());
        continue;
      }
      ordered.push_back(*ready);
      moves.erase(ready);
    }
    moves.swap(ordered);
  }
  // A branch to code index `target` is being emitted from the cache's
  // state: the moves it makes first in scratch_.moves. (Backward branches
  // go to loop headers.)
  void note_incoming(size_t target, bool may_move) {
    scratch_.moves.clear();
    if (target <= current_) return;
    const size_t k = target_number(target);
    const uint8_t state = scratch_.join_state[k];
    if (state == kUnknownPaths || (state == kPathsNoted && scratch_.incoming[k].empty())) return;
    add_incoming(k, may_move);
  }
  // The path falling through to the label of target number `k` conforms
  // to it (before the label).
  void fall_into(size_t k) {
    if (!falls_through_) return;
    note_incoming(targets_[k], true);
    emit_moves(scratch_.moves);
  }
  // At the label of target number `k` (dirty values stored, the path
  // falling through conformed): only the pins and the label's state stay.
  void join_paths(size_t k) {
    cache_.forget_all(true);
    if (scratch_.join_state[k] == kPathsNoted)
      for (const RegCache::Known& x : scratch_.incoming[k]) cache_.restore(x);
  }
  // ------------------------------------------------------------ results
  static bool is_return(const Instr& in) {
    return in.info->form == HandlerInfo::InternalForm && in.info->internal == Internal::Return;
  }
  // At a return: the first result into its register (result_register) too,
  // from its cache register, else from its slot. A float result cached in
  // a general register (a float local copied into slot 0 as raw bits) is
  // moved across with movq/movd rather than reloaded from the slot just
  // stored: that store-to-load round trip sat on the caller's critical path.
  // (An integer result cached in an xmm register is reloaded from its slot.)
  void move_result_to_register() {
    const RegCache::Entry to = *result_reg_;
    const ValType t = func_.type->results[0];
    std::optional<RegCache::Entry> from = cache_.find(0);
    if (from && (cache_.holds_v128(0) || (from->xmm && !to.xmm))) from.reset();
    flush_dirty();  // (the slot too: the native entry's callers read it there)
    if (!from) return load_value(to, t, slot64(0));
    if (to.xmm) {
      if (!from->xmm && t == ValType::F32) a_->movd(RegCache::xmm(to.reg), RegCache::gp(from->reg).r32());
      else if (!from->xmm) a_->movq(RegCache::xmm(to.reg), RegCache::gp(from->reg));
      else if (!(*from == to)) a_->movaps(RegCache::xmm(to.reg), RegCache::xmm(from->reg));
    } else if (t == ValType::I32) {
      if (!(*from == to && cache_.zext(to))) a_->mov(RegCache::gp(to.reg).r32(), RegCache::gp(from->reg).r32());
    } else if (!(*from == to)) {
      a_->mov(RegCache::gp(to.reg), RegCache::gp(from->reg));
    }
  }
  // The first result's register for a value of slot 0 the function
  // returns next (computed there, not moved there: see
  // move_result_to_register).
  std::optional<RegCache::Entry> result_register_hint() const {
    if (!result_reg_ || result_reg_->xmm) return std::nullopt;
    for (size_t k = current_k_ + 1; k < instrs_.size() && k <= current_k_ + 2; ++k) {
      if (is_return(instrs_[k])) return result_reg_;
      const Instr& next = instrs_[k];  // (a result copy may be folded into this: forwarded_dst)
      if (next.info->form != HandlerInfo::InternalForm || next.info->internal != Internal::Copy || w(next)[1] != 0)
        return std::nullopt;
    }
    return std::nullopt;
  }
  // The type of the function a call calls, and its first argument's (and
  // result's) slot.
  const FuncType& callee_type(const Instr& in) const {
    if (in.info->internal == Internal::CallIndirect) return store_.type_ids[uint32_t(w(in)[2])];
    return *reinterpret_cast<const FuncInstance*>(w(in)[1])->type;
  }
  uint64_t arg_base(const Instr& in) const { return w(in)[in.info->internal == Internal::CallIndirect ? 4 : 2]; }
  // After a call to compiled code (at its `done`): the callee's first
  // result, in its register (result_register) as in its slot, cached
  // (unless a pin takes that register).
  void after_wasm_call(const Instr& in) {
    const std::vector<ValType>& results = callee_type(in).results;
    const std::optional<RegCache::Entry> e = result_register(results);
    after_call_keeping_pins();
    if (!e || cache_.holds_pin(*e)) return;
    cache_.add_stored(arg_base(in), *e);
    if (results[0] == ValType::I32) cache_.set_zext(*e);
  }
  // A call's slow path (which goes on at the call's `done`): the
  // interpreter runs the call, then its first result goes from its slot
  // into the register after_wasm_call takes it from.
  void emit_call_in_interpreter(const Instr& in) {
    emit_in_interpreter(in);
    const std::vector<ValType>& results = callee_type(in).results;
    if (const std::optional<RegCache::Entry> e = result_register(results)) load_value(*e, results[0], slot64(arg_base(in)));
  }

  // Whether no path goes from `in` to the instruction after it.
  static bool ends_path(const Instr& in) {
    if (in.info->form != HandlerInfo::InternalForm) return false;
    switch (in.info->internal) {
      case Internal::Br: case Internal::BrTable: case Internal::Return: case Internal::Unreachable: return true;
      default: return false;
    }
  }

  static bool is_float_type(ValType t) { return t == ValType::F32 || t == ValType::F64; }
  // Whether a local of type `t` at `slot` may be pinned: a v128 only above
  // the result slots (a return writes its results there, of any type).
  bool pinnable(uint64_t slot, ValType t) const { return t != ValType::V128 || slot >= src_.num_results; }

  // A loop's pin takes the value the paths into the loop brought in a
  // register (the header is a join like any forward target) rather than
  // reloading it from the slot just stored: a store-to-load round trip on
  // the way into every loop (a hash chain's walk, a string compare).
  struct CachedCopy {
    RegCache::Entry e;
    bool zext;  // (a general register: its upper half known zero)
  };
  std::optional<CachedCopy> cached_copy(uint64_t slot, bool in_xmm) const {
    const std::optional<RegCache::Entry> e = cache_.find(slot);
    if (!e || e->xmm != in_xmm || cache_.holds_v128(slot) || local_type(slot) == ValType::V128) return std::nullopt;
    return CachedCopy{*e, cache_.zext(*e)};
  }
  void move_into_pin(uint64_t slot, CachedCopy from, RegCache::Entry to) {
    if (to.xmm) {
      if (!(from.e == to)) a_->movaps(RegCache::xmm(to.reg), RegCache::xmm(from.e.reg));
    } else if (cache_.pinned_i32(slot)) {
      if (!(from.e == to && from.zext)) a_->mov(RegCache::gp(to.reg).r32(), RegCache::gp(from.e.reg).r32());
    } else if (!(from.e == to)) {
      a_->mov(RegCache::gp(to.reg), RegCache::gp(from.e.reg));
    }
  }
  void load_pin(uint64_t slot, RegCache::Entry e) {
    if (!e.xmm && cache_.pinned_i32(slot)) a_->mov(RegCache::gp(e.reg).r32(), slot32(slot));  // (Pin::i32)
    else if (!e.xmm) a_->mov(RegCache::gp(e.reg), slot64(slot));
    else if (local_type(slot) == ValType::F32) a_->movss(RegCache::xmm(e.reg), slot32(slot));
    else if (local_type(slot) == ValType::V128) a_->movups(RegCache::xmm(e.reg), v128_slot(slot));
    else a_->movsd(RegCache::xmm(e.reg), slot64(slot));
  }

  // After a call (helper, interpreter or wasm): the cache registers are
  // clobbered and the callee may have written slots; the pins are reloaded.
  void after_call() {
    cache_.forget_all(false);
    for (const RegCache::Pin& p : cache_.pins()) load_pin(p.slot, p.e);
  }
  // After a call that writes no local (keeps_callee_saved_pins): the pins
  // in callee-saved registers hold as they were; only the others are
  // reloaded.
  void after_call_keeping_pins() {
    cache_.forget_all_across_call();
    for (const RegCache::Pin& p : cache_.pins())
      if (!RegCache::callee_saved(p.e)) load_pin(p.slot, p.e);
  }
  // Calls whose callees read and write no local's slot of this frame
  // (only the arguments' and results' temporaries; a call_indirect's slow
  // path also reads its index), so that locals pinned in callee-saved
  // registers stay there, unstored, across them: wasm calls, and
  // memory.copy/fill (memmove, memset on operands read beforehand).
  bool keeps_callee_saved_pins(const Instr& in) const {
    if (in.info->form != HandlerInfo::InternalForm) return false;
    switch (in.info->internal) {
      case Internal::Call: case Internal::CallOther: case Internal::CallIndirect: return true;
      case Internal::MemoryCopy: case Internal::MemoryFill: return has_inline_form(in);
      default: return false;
    }
  }
  // Before such a call: every dirty value stored but the pins in
  // callee-saved registers (and a call_indirect's index, which its slow
  // path reads from the slot).
  void flush_dirty_before_call(const Instr& in) {
    while (const std::optional<uint64_t> slot = cache_.any_dirty(true, false)) flush_slot(*slot);
    if (in.info->internal == Internal::CallIndirect) flush_slot(w(in)[3]);
  }

  // The slot operands of the instruction forms the compiler knows (for the
  // loop statistics; others are not counted).
  template <class F>
  [[gnu::always_inline]] void for_each_slot_operand(const Instr& in, F&& f) const {
    const uint64_t* p = w(in);
    if (in.info->form == HandlerInfo::Plain) {
      switch (plain_op_kind(in.info->op)) {
        case OpKind::Load: f(p[1]); f(p[2]); return;
        case OpKind::Store: f(p[1]); f(p[2]); return;
        case OpKind::None: {  // a v128 instruction: its result's slot, then its operands'
          if (!has_inline_v128(in.info->op)) return;
          const OpcodeInfo oi = info(in.info->op);
          const unsigned slots = unsigned(oi.params.size() + oi.results.size());
          for (unsigned k = 1; k <= slots; ++k) f(p[k]);
          return;
        }
        default:
          for (unsigned k = 1; k < in.words; ++k) f(p[k]);
          return;
      }
    }
    switch (in.info->internal) {
      case Internal::Copy: case Internal::CopyV128: f(p[1]); f(p[2]); return;
      case Internal::Select: f(p[1]); f(p[2]); f(p[3]); f(p[4]); return;
      case Internal::BrIf: case Internal::BrUnless: f(p[1]); return;
      case Internal::GlobalGet: f(p[1]); return;
      case Internal::GlobalSet: f(p[2]); return;
      default: return;
    }
  }

  // The width of a float slot's value when it is known (a local's type).
  std::optional<bool> float_width(uint64_t slot) const {
    const std::optional<ValType> t = local_type(slot);
    if (!t || !is_float_type(*t)) return std::nullopt;
    return *t == ValType::F64;
  }

  void copy(uint64_t dst, uint64_t src) {
    if (dst == src) return;
    if (auto e = cache_.find(src); e && e->xmm) {
      // A float in a register: through xmm0 when the width is known (from
      // either local's type; results are moved to slots 0.., whatever the
      // locals there), else from the slot.
      std::optional<bool> wide = float_width(src);
      if (!wide && dst >= src_.num_results) wide = float_width(dst);
      if (wide) {
        if (!cache_.pinned(dst) && cache_.alias(dst, *e)) {
          a_->emit(*wide ? Inst::kIdMovsd : Inst::kIdMovss, *wide ? Mem(slot64(dst)) : Mem(slot32(dst)),
                   RegCache::xmm(e->reg));
          if (!*wide) a_->mov(dword_ptr(kFp, int32_t(dst * 8 + 4)), imm(0));
          return;
        }
        move_float(xmm0, RegCache::xmm(e->reg), *wide);
        put_xmm0(dst, *wide);
        return;
      }
    }
    if (auto e = cache_.find(src); e && !e->xmm) {
      if (cache_.alias(dst, *e)) {
        a_->mov(slot64(dst), RegCache::gp(e->reg));
        return;
      }
      const Gp from = RegCache::gp(e->reg);
      // (An i32 by a 32-bit move: its register is then known zero-extended.)
      const bool i32 = i32_local(dst) || i32_local(src);
      bool zext = cache_.zext(*e);
      put_gp(dst, Operand(), [&](Gp r) {
        if (r.id() == from.id()) return;
        if (i32) a_->mov(r.r32(), from.r32()), zext = true;
        else a_->mov(r, from);
      }, zext);
      return;
    }
    if (const std::optional<uint64_t> c = constant_in(src); c && !float_width(dst)) {  // an immediate
      const uint64_t v = *c;
      if (store_constant_only(dst, v)) return;
      put_gp(dst, Operand(), [&](Gp r) { move_constant(r, v); }, v <= 0xffffffffu);
      return;
    }
    flush_slot(src);
    if (i32_local(dst) || i32_local(src))  // (zero-extended by a 32-bit load)
      put_gp(dst, Operand(), [&](Gp r) { a_->mov(r.r32(), slot32(src)); }, true);
    else
      put_gp(dst, Operand(), [&](Gp r) { a_->mov(r.r64(), slot64(src)); });  // (straight into dst's register)
  }

  // A constant written to an unpinned local (whose stores are written
  // through) is one store of an immediate, not a move into a register and
  // its store: false (nothing done) for a temporary, a pinned local or a
  // value a sign-extended imm32 does not give.
  bool store_constant_only(uint64_t dst, uint64_t v) {
    if (dst >= src_.temp_base || cache_.pinned(dst) || v > 0x7fffffffu) return false;
    cache_.forget(dst);
    a_->mov(slot64(dst), imm(int32_t(v)));
    return true;
  }
  // ------------------------------------------------------------ deferred stores
  // r := v, in the shortest form: a 32-bit move where it zero-extends to
  // v (not a 10-byte movabs for 0xffffffff, an i32's -1).
  void move_constant(const Gp& r, uint64_t v) {
    if (v <= 0xffffffffu) a_->mov(r.r32(), imm(uint32_t(v)));
    else a_->mov(r.r64(), imm(v));
  }
  // A temporary's store can wait while its value is in a register, and a
  // pinned local's until its loop is left (see pins_leaving); other locals
  // are written through.
  bool deferrable(uint64_t slot) const { return slot >= src_.temp_base || cache_.pinned(slot); }

  // A value of type `t` (an integer or a float) from memory at `m` into
  // its register `e` (an i32 zero-extended).
  void load_value(RegCache::Entry e, ValType t, Mem m) {
    m.setSize(t == ValType::I64 || t == ValType::F64 ? 8 : 4);
    if (!e.xmm && t == ValType::I32) a_->mov(RegCache::gp(e.reg).r32(), m);  // (zero-extends)
    else if (!e.xmm) a_->mov(RegCache::gp(e.reg), m);
    else a_->emit(t == ValType::F64 ? Inst::kIdMovsd : Inst::kIdMovss, RegCache::xmm(e.reg), m);
  }

  // Stores a dirty slot's value from its register.
  void store_from(uint64_t slot, RegCache::Entry e, bool wide, bool v128) {
    if (v128) {
      a_->movups(v128_slot(slot), RegCache::xmm(e.reg));
    } else if (!e.xmm) {
      a_->mov(slot64(slot), RegCache::gp(e.reg));
    } else if (wide) {
      a_->movsd(slot64(slot), RegCache::xmm(e.reg));
    } else {
      a_->movss(slot32(slot), RegCache::xmm(e.reg));
      a_->mov(dword_ptr(kFp, int32_t(slot * 8 + 4)), imm(0));
    }
  }
  void store_evicted() {
    for (const RegCache::Evicted& v : cache_.evicted()) store_from(v.slot, v.e, v.wide, v.v128);
    cache_.clear_evicted();
  }
  // Stores one slot if dirty (before its slot is read from memory).
  void flush_slot(uint64_t slot) {
    if (!cache_.dirty(slot)) return;
    store_from(slot, *cache_.find(slot), cache_.dirty_wide(slot), cache_.holds_v128(slot));
    cache_.clean(slot);
  }
  // Temporaries are the translator's stack positions (slot temp_base + k
  // is the value at stack offset k), so when a br_if, an if or a br_table pops its
  // condition from temporary `cond`, no temporary from `cond` up is live
  // after it on either path: their deferred stores are dropped.
  void drop_dead_temps(uint64_t cond) {
    if (cond < src_.temp_base) return;
    cache_.forget_dirty_above(cond);
    // The condition itself: the branch reads it from its register.
    if (auto e = cache_.find(cond); e && !e->xmm && cache_.dirty(cond)) cache_.clean(cond);
  }
  // An instruction pops its operands, the top of the stack, and puts its
  // result (if any) where the lowest was: no temporary above the lowest
  // operand that is one, but the result, is live after it, so their
  // deferred stores are dropped (else the next label or call would write
  // them, e.g. the value a store has just written to memory).
  void drop_temps_popped_by(const Instr& in) {
    const PoppedTemps popped = popped_temps(in);
    if (popped.lowest == UINT64_MAX) return;
    const uint64_t result = popped.result >= src_.temp_base ? popped.result : 0;
    cache_.forget_dirty_above(std::max(popped.lowest - 1, result));
  }
  // The lowest temporary an instruction pops (UINT64_MAX: none, or a form
  // not known here) and its result's slot (0: none).
  struct PoppedTemps {
    uint64_t lowest = UINT64_MAX, result = 0;
    void pop(uint64_t slot, uint64_t temp_base) {
      if (slot >= temp_base) lowest = std::min(lowest, slot);
    }
  };
  PoppedTemps popped_temps(const Instr& in) const {
    const uint64_t* p = w(in);
    PoppedTemps t;
    const uint64_t base = src_.temp_base;
    if (in.info->form == HandlerInfo::InternalForm) {
      switch (in.info->internal) {
        case Internal::GlobalSet: t.pop(p[2], base); break;  // GlobalInstance*, src
        case Internal::Select:  // dst, a, b, cond
          t.result = p[1];
          for (unsigned k = 2; k <= 4; ++k) t.pop(p[k], base);
          break;
        default: break;
      }
      return t;
    }
    if (in.info->form != HandlerInfo::Plain) return t;
    switch (plain_op_kind(in.info->op)) {
      case OpKind::None: break;  // (v128: not tracked)
      case OpKind::Store: t.pop(p[1], base); t.pop(p[2], base); break;  // address, value, offset
      case OpKind::Load: t.result = p[1]; t.pop(p[2], base); break;  // dst, address, offset
      default:  // numeric: dst, a[, b]
        t.result = p[1];
        for (unsigned k = 2; k < in.words; ++k) t.pop(p[k], base);
        break;
    }
    return t;
  }
  // A br to `target`: when that is a loop header, the temporaries above
  // those live there (CompiledFunc::LoopHead::live_temps, the loop's
  // stack on entry) are dead, their deferred stores dropped. (A branch
  // back is to a loop header; its OSR entry follows the header, past at
  // most the iteration's fuel charge and Step.)
  void drop_temps_dead_at(size_t target) {
    if (target > current_ || src_.temp_base == 0) return;
    const auto loop = std::lower_bound(
        src_.loops.begin(), src_.loops.end(), target,
        [](const CompiledFunc::LoopHead& l, size_t index) { return l.code_index < index; });
    if (loop == src_.loops.end()) return;
    // (Only the loop's fuel charge and Step may lie between: else the
    // LoopHead found is another loop's.)
    auto by_index = [](const Instr& in, size_t index) { return in.index < index; };
    for (auto it = std::lower_bound(instrs_.begin(), instrs_.end(), target, by_index);
         it != instrs_.end() && it->index < loop->code_index; ++it)
      if (it->info->form != HandlerInfo::InternalForm ||
          (it->info->internal != Internal::Fuel && it->info->internal != Internal::Step))
        return;
    cache_.forget_dirty_above(src_.temp_base + loop->live_temps - 1);
  }
  // Whether the instruction after this one is a br_if or an if on `slot`, a
  // temporary, or a select with `slot` as its condition only, and no
  // branch targets it (so the compare that sets `slot` can leave its
  // result in the flags only: the branch or select pops it).
  bool only_flags_read(uint64_t slot) const {
    if (slot < src_.temp_base || cache_.pinned(slot) || current_k_ + 1 >= instrs_.size()) return false;
    const Instr& next = instrs_[current_k_ + 1];
    if (next.info->form != HandlerInfo::InternalForm) return false;
    const uint64_t* q = w(next);
    switch (next.info->internal) {
      case Internal::BrIf: case Internal::BrUnless: if (q[1] != slot) return false; break;
      case Internal::Select: if (q[4] != slot || q[2] == slot || q[3] == slot) return false; break;
      default: return false;
    }
    return !next_is_target();
  }

  // Stores every dirty slot (only unpinned ones when !pins): before
  // labels, branches, calls and any instruction that reads slots from
  // memory. (Stores leave the flags.)
  void flush_dirty(bool pins = true) {
    while (const std::optional<uint64_t> slot = cache_.any_dirty(pins)) flush_slot(*slot);
  }
  static bool is_br_table(const Instr& in) {
    return in.info->form == HandlerInfo::InternalForm && in.info->internal == Internal::BrTable;
  }
  static bool is_br(const Instr& in) {
    return in.info->form == HandlerInfo::InternalForm &&
           (in.info->internal == Internal::Br || in.info->internal == Internal::BrIf ||
            in.info->internal == Internal::BrUnless);
  }
  // Instructions whose emitters read their operands through the cache
  // (gp_in, xmm_in, copy): dirty values may stay dirty across them.
  bool reads_through_cache(const Instr& in) const {
    if (in.info->form == HandlerInfo::InternalForm) {
      switch (in.info->internal) {
        case Internal::Copy: case Internal::Copy2: case Internal::Copy3: case Internal::Copy4:
        case Internal::Const: case Internal::Select: case Internal::GlobalGet: case Internal::GlobalSet:
        case Internal::LoopHead: case Internal::ReloadMemory: case Internal::Fuel: case Internal::Step:
        case Internal::CopyV128:
          return true;
        default: return false;
      }
    }
    if (in.info->form != HandlerInfo::Plain) return false;
    switch (plain_op_kind(in.info->op)) {
      case OpKind::Load: case OpKind::Store: case OpKind::IntBin32: case OpKind::IntBin64: case OpKind::Shift32:
      case OpKind::Shift64: case OpKind::Cmp32: case OpKind::Cmp64: case OpKind::Eqz32: case OpKind::Eqz64:
      case OpKind::FBin32: case OpKind::FBin64: case OpKind::FCmp32: case OpKind::FCmp64: case OpKind::DivRem:
      case OpKind::Trunc: case OpKind::Unary:
        return true;
      case OpKind::None: return has_inline_v128(in.info->op);
      default: return false;
    }
  }

  // x + b (x - b when `negate`; b a register or a 32-bit constant) as an
  // address for lea: its low 32 bits are the i32 sum's, its 64 the i64's.
  static Mem sum_address(const Gp& x, const Operand& b, bool negate) {
    if (b.isImm()) {
      const int32_t v = b.as<Imm>().valueAs<int32_t>();
      return ptr(x.r64(), negate ? -v : v);
    }
    return ptr(x.r64(), b.as<Gp>().r64());
  }
  // Whether one of the next two instructions (the one after, or after a
  // copy folded into this one) is a br_if, an if or an eqz, which may test
  // the flags this one leaves instead of its result (see last_compare_).
  bool next_may_test_flags() const {
    for (size_t k = current_k_ + 1; k < instrs_.size() && k <= current_k_ + 2; ++k) {
      const Instr& next = instrs_[k];
      if (next.info->form == HandlerInfo::InternalForm &&
          (next.info->internal == Internal::BrIf || next.info->internal == Internal::BrUnless))
        return true;
      if (next.info->form == HandlerInfo::Plain && next.info->op == Opcode::I32Eqz) return true;
    }
    return false;
  }

  // ------------------------------------------------------------ register cache
  // A slot's value as a GP operand: its cached register, or the slot.
  Operand gp_in(uint64_t slot, bool wide) {
    if (auto e = cache_.find(slot); e && !e->xmm) {
      const Gp r = RegCache::gp(e->reg);
      return wide ? Operand(r.r64()) : Operand(r.r32());
    }
    flush_slot(slot);  // (its value may be in an xmm register only)
    return wide ? Operand(slot64(slot)) : Operand(slot32(slot));
  }
  // ... or as an immediate when it is a constant that fits one (sign-
  // extended to 64 bits for a wide operation).
  Operand gp_in_or_imm(uint64_t slot, bool wide) {
    if (slot >= src_.const_base && slot < src_.temp_base) {
      const uint64_t v = src_.consts[slot - src_.const_base];
      if (!wide) return imm(int32_t(uint32_t(v)));
      if (int64_t(v) == int64_t(int32_t(v))) return imm(int32_t(v));
    }
    return gp_in(slot, wide);
  }
  // With BMI2, a shift by a count in a register or a slot (shlx, shrx,
  // sarx: no copy of the count to cl, nor of x to the destination first)
  // and a rotate by a constant (rorx) write a register other than their
  // operand's; both mask the count as wasm does. False: another form
  // (a rotate by a variable count, a shift by a constant).
  // An i32.shl by 1..3 of a temporary that the instruction before and-ed
  // with a constant m, then maybe an i32.add of a constant c, then a load
  // from the result, none of them a branch target (a dispatch table's
  // `table[op & 0x7f]`): the shift and the add are left to the load's
  // addressing mode, [memory + x * 2^k + c + offset], exact on a guarded
  // memory where (m << k) + c cannot wrap around 32 bits (the temporary's
  // register keeps x & m, zero-extended, until the load reads it).
  struct ScaledAddress {
    uint64_t slot;
    uint32_t shift, disp;
    size_t add_k, load_k;  // (add_k: SIZE_MAX when there is no add)
  };
  bool folds_scaled_address(const uint64_t* p) {
    const std::optional<uint64_t> count = constant_in(p[3]);
    if (!guarded_ || !count || current_k_ == 0 || p[1] != p[2] || p[1] < src_.temp_base) return false;
    const uint32_t k = uint32_t(*count) & 31;
    const Instr& before = instrs_[current_k_ - 1];
    if (k < 1 || k > 3 || before.info->form != HandlerInfo::Plain || before.info->op != Opcode::I32And ||
        w(before)[1] != p[1] || is_target(current_k_))
      return false;
    const std::optional<uint64_t> m = constant_in(w(before)[3]);
    if (!m) return false;
    size_t at = current_k_ + 1, add_k = SIZE_MAX;
    uint64_t c = 0;
    if (at < instrs_.size() && instrs_[at].info->form == HandlerInfo::Plain && instrs_[at].info->op == Opcode::I32Add &&
        w(instrs_[at])[1] == p[1] && w(instrs_[at])[2] == p[1] && constant_in(w(instrs_[at])[3]) && !is_target(at)) {
      c = uint32_t(*constant_in(w(instrs_[at])[3]));
      add_k = at++;
    }
    if (at >= instrs_.size() || is_target(at)) return false;
    const Instr& load = instrs_[at];
    if (load.info->form != HandlerInfo::Plain || plain_op_kind(load.info->op) != OpKind::Load || w(load)[2] != p[1])
      return false;
    if ((uint64_t(uint32_t(*m)) << k) + c > UINT32_MAX || c + w(load)[3] > INT32_MAX) return false;
    scaled_address_ = ScaledAddress{p[1], k, uint32_t(c), add_k, at};
    return true;
  }
  bool is_target(size_t k) const { return target_label(instrs_[k].index) != nullptr; }

  // An i32 x - k (an add of -k or a sub of k, k from 1 to 16) whose result,
  // a temporary, only the br_table after it reads as its index (a switch
  // on values from k up, lua's and sqlite's opcode dispatch): the
  // subtraction is left out and the br_table indexes a table with k
  // default entries in front by x itself (emit_br_table).
  bool biases_table_index(Opcode op, const uint64_t* p) {
    const std::optional<uint64_t> c = constant_in(p[3]);
    if (!c || p[1] < src_.temp_base || constant_in(p[2]) || current_k_ + 1 >= instrs_.size()) return false;
    const int64_t v = int32_t(uint32_t(*c));
    const int64_t k = op == Opcode::I32Sub ? v : op == Opcode::I32Add ? -v : 0;
    const Instr& next = instrs_[current_k_ + 1];
    if (k < 1 || k > 16 || next.info->form != HandlerInfo::InternalForm || next.info->internal != Internal::BrTable ||
        w(next)[1] != p[1] || w(next)[2] + uint64_t(k) > UINT32_MAX || next_is_target())
      return false;
    if (p[1] != p[2]) cache_.forget(p[1]);  // (never written: the br_table pops it)
    table_bias_ = TableBias{p[2], uint32_t(k), current_k_ + 1};
    return true;
  }

  // Whether a commutative operation (dst, x, y) computes its result in
  // place in y's register, `op y, x` rather than `mov r, x; op r, y`: when
  // y is a temporary it pops (dead after it) alone in its register and x's
  // register cannot take the result (x is a local, a constant or in memory).
  bool result_in_second_operand(const uint64_t* p, const Operand& x, bool is_xmm) {
    const uint64_t dst = p[1], y = p[3];
    if (y < src_.temp_base || y <= dst || y == p[2] || (p[2] == dst && x.isReg())) return false;
    return cache_.hand_over(y, dst, is_xmm);
  }

  // Whether the next instruction ands the temporary `t` (this one's
  // result, which nothing else reads) with a constant below 2^(bits - k):
  // then t may hold x rotated by k instead of shifted, the difference all
  // in bits the and clears.
  bool masked_by_next_and(uint64_t t, bool wide, uint32_t k) const {
    if (t < src_.temp_base || current_k_ + 1 >= instrs_.size() || next_is_target()) return false;
    const Instr& next = instrs_[current_k_ + 1];
    if (next.info->form != HandlerInfo::Plain || next.info->op != (wide ? Opcode::I64And : Opcode::I32And)) return false;
    const uint64_t* q = w(next);
    const std::optional<uint64_t> m = constant_in(q[3]);
    if (q[2] != t || !m) return false;
    return wide ? (*m >> (64 - k)) == 0 : (uint32_t(*m) >> (32 - k)) == 0;
  }
  bool emit_shift_bmi2(InstId id, bool wide, uint64_t dst, const Operand& x, const Operand& count) {
    const uint32_t bits = wide ? 64 : 32;
    if (count.isImm() && (id == Inst::kIdRor || id == Inst::kIdRol)) {
      uint32_t k = count.as<Imm>().valueAs<uint32_t>() & (bits - 1);
      if (id == Inst::kIdRol) k = (bits - k) & (bits - 1);
      put_gp(dst, Operand(), [&](Gp r) { a_->emit(Inst::kIdRorx, wide ? Gp(r.r64()) : Gp(r.r32()), x, imm(k)); }, !wide);
      return true;
    }
    InstId bmi2 = Inst::kIdNone;
    switch (id) {
      case Inst::kIdShl: bmi2 = Inst::kIdShlx; break;
      case Inst::kIdShr: bmi2 = Inst::kIdShrx; break;
      case Inst::kIdSar: bmi2 = Inst::kIdSarx; break;
      default: return false;
    }
    if (count.isImm()) return false;
    Gp n = ecx;
    if (count.isReg()) n = count.as<Gp>();
    else a_->emit(Inst::kIdMov, ecx, count);
    put_gp(dst, Operand(), [&](Gp r) {
      a_->emit(bmi2, wide ? Gp(r.r64()) : Gp(r.r32()), x, wide ? Gp(n.r64()) : Gp(n.r32()));
    }, !wide);
    return true;
  }
  // 8 or 16 when `mask` is 0xff or 0xffff (an and that movzx can do), else 0.
  static uint32_t low_mask_bits(int64_t mask) { return mask == 0xff ? 8 : mask == 0xffff ? 16 : 0; }
  // The low `bits` bits of a general register or a slot, as movzx reads them.
  static Operand narrowed(const Operand& x, uint32_t bits) {
    if (x.isReg()) return bits == 8 ? Operand(x.as<Gp>().r8()) : Operand(x.as<Gp>().r16());
    Mem m = x.as<Mem>();
    m.setSize(bits / 8);
    return m;
  }
  // ... as a scalar float operand (f32 or f64 in the low lanes).
  Operand xmm_in(uint64_t slot, bool wide) {
    if (auto e = cache_.find(slot); e && e->xmm) return RegCache::xmm(e->reg);
    flush_slot(slot);
    return wide ? Operand(slot64(slot)) : Operand(slot32(slot));
  }
  // Slot dst's new value computed by `body(reg)` (a GP register, its whole
  // 64 bits the slot's) straight in dst's cache register, unless that is
  // an xmm register (a pinned float local) or holds `keep`, an operand body
  // reads after writing reg: then in rax, moved over after.
  // `zext`: body writes reg with a 32-bit operation (the upper half zero).
  template <class Body>
  // (Read after body runs: a body may set it.)
  void put_gp(uint64_t dst, const Operand& keep, Body&& body, const bool& zext = false) {
    const std::optional<RegCache::Entry> hint = dst == 0 ? result_register_hint() : std::nullopt;
    const RegCache::Entry e = hint ? cache_.take_gp(dst, *hint) : cache_.take(dst, false);
    store_evicted();  // (what the register held, before body overwrites it)
    if (!e.xmm && !(keep.isReg() && keep.as<Reg>().id() == RegCache::gp(e.reg).id())) {
      const Gp r = RegCache::gp(e.reg);
      body(r);
      if (zext) cache_.set_zext(e);
      else if (cache_.pinned_i32(dst)) zero_extend_pin(e);
      written_in(dst, r);
      return;
    }
    body(rax);
    put_rax_tail(dst, e);
  }
  // rax (the slot's whole 64 bits) to slot dst, cached.
  void put_rax(uint64_t dst) {
    const RegCache::Entry e = cache_.take(dst, false);
    store_evicted();
    put_rax_tail(dst, e);
  }
  // Slot dst's new value is all of `r`'s 64 bits: its store deferred where
  // it may be (marked dirty), else written through.
  void written_in(uint64_t dst, const Gp& r) {
    if (deferrable(dst)) cache_.mark_dirty(dst, true);
    else a_->mov(slot64(dst), r.r64());
  }
  void put_rax_tail(uint64_t dst, RegCache::Entry e) {
    written_in(dst, rax);
    if (e.xmm) {
      a_->movq(RegCache::xmm(e.reg), rax);  // a float local pinned in an xmm register
    } else if (cache_.pinned_i32(dst)) {
      a_->mov(RegCache::gp(e.reg).r32(), eax);  // (Pin::i32)
      cache_.set_zext(e);
    } else {
      a_->mov(RegCache::gp(e.reg), rax);
    }
  }
  // Keeps an i32 pin's register zero-extended (Pin::i32) after a write that
  // may not have been.
  void zero_extend_pin(RegCache::Entry e) {
    const Gp r = RegCache::gp(e.reg).r32();
    a_->mov(r, r);
    cache_.set_zext(e);
  }
  // Slot dst's new float value (f64, or f32 when !wide) computed by
  // `body(reg)` straight in dst's cache register, unless that is a general
  // register (a pinned integer local) or holds `keep`, an operand body reads
  // after writing reg: then in xmm0, moved over after.
  template <class Body>
  void put_xmm(uint64_t dst, bool wide, const Operand& keep, Body&& body) {
    const RegCache::Entry e = cache_.take(dst, true);
    store_evicted();  // (what the register held, before body overwrites it)
    if (e.xmm && !(keep.isReg() && keep.as<Reg>().id() == RegCache::xmm(e.reg).id())) {
      const Xmm r = RegCache::xmm(e.reg);
      body(r);
      if (deferrable(dst)) {
        cache_.mark_dirty(dst, wide);
      } else if (wide) {
        a_->movsd(slot64(dst), r);
      } else {
        a_->movd(eax, r);  // (zero-extended in the slot)
        a_->mov(slot64(dst), rax);
      }
      return;
    }
    body(xmm0);
    put_xmm0_tail(dst, wide, e);
  }
  // xmm = a float operand (a register or a slot).
  void move_float(const Xmm& r, const Operand& x, bool wide) {
    if (x.isReg()) {
      if (x.as<Reg>().id() != r.id()) a_->movaps(r, x.as<Xmm>());
    } else {
      a_->emit(wide ? Inst::kIdMovsd : Inst::kIdMovss, r, x);
    }
  }
  // xmm0 (an f64, or an f32 the slot holds zero-extended) to slot dst, cached.
  void put_xmm0(uint64_t dst, bool wide) {
    const RegCache::Entry e = cache_.take(dst, true);
    store_evicted();
    put_xmm0_tail(dst, wide, e);
  }
  void put_xmm0_tail(uint64_t dst, bool wide, RegCache::Entry e) {
    if (!wide) a_->movd(eax, xmm0);  // (the zero-extended bits, for the slot or a general register)
    if (deferrable(dst) && e.xmm) {
      cache_.mark_dirty(dst, wide);
    } else if (wide) {
      a_->movsd(slot64(dst), xmm0);
    } else {
      a_->mov(slot64(dst), rax);
    }
    if (e.xmm) a_->movaps(RegCache::xmm(e.reg), xmm0);
    else if (wide) a_->movq(RegCache::gp(e.reg), xmm0);  // (a local pinned in a general register)
    else a_->mov(RegCache::gp(e.reg), rax);
    if (!e.xmm && cache_.pinned_i32(dst)) zero_extend_pin(e);
  }

  void emit_br_table(const uint64_t* p) {  // index, count, targets (last: default)
    FastAssembler& a = *a_;
    const uint64_t count = p[2];
    Label table = a.newLabel();
    // An index past the last entry takes the default (the last) straight
    // away: a predicted branch, not a cmov on the table load's address.
    // (The index indexes the table from its cache register when that is
    // known zero-extended, else from eax.)
    // An index x - k (see biases_table_index) indexes a table with k more
    // entries in front, each the default: x below k takes the default, as
    // x - k wrapping around would.
    uint32_t pad = 0;
    uint64_t slot = p[1];
    if (table_bias_ && table_bias_->at == current_k_) {
      pad = table_bias_->pad;
      slot = table_bias_->slot;
    }
    table_bias_.reset();
    const Gp index = zero_extended_gp(slot, eax);
    a.cmp(index.r32(), uint32_t(count - 1 + pad));
    branch_if(CondCode::kAE, p[3 + count - 1]);
    for (uint64_t k = 0; k < count; ++k) note_incoming(target_index(p[3 + k]), false);
    a.lea(rcx, ptr(table));
    a.jmp(qword_ptr(rcx, index.r64(), 3));  // (absolute entries: see write_jump_table)
    jump_tables_.push_back(JumpTable{table, p + 3, count, current_, leaving_stubs(p + 3, count), pad});
  }
  // For a br_table's distinct targets outside a loop whose pins are dirty,
  // a stub that stores them and jumps there (the entries inside keep them
  // in their registers only), sorted by target address.
  std::vector<std::pair<uint64_t, Label>> leaving_stubs(const uint64_t* targets, uint64_t count) {
    std::vector<std::pair<uint64_t, Label>> stubs;
    if (cache_.pins().empty()) return stubs;
    std::vector<uint64_t> distinct(targets, targets + count);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (uint64_t addr : distinct)
      if (std::vector<RegCache::Pin> stores = pins_leaving(target_index(addr)); !stores.empty())
        stubs.push_back({addr, pin_store_stub(std::move(stores), branch_label(addr))});
    return stubs;
  }

  // A br_table's jump table: each entry the offset of its target from the
  // table, written as plain data once every label is bound (an asmjit label
  // reference per entry cost some 70 bytes for one byte of input).
  struct JumpTable {
    Label table;
    const uint64_t* targets;  // the br_table's target words
    uint64_t count;
    size_t from;  // the br_table's code index
    std::vector<std::pair<uint64_t, Label>> leaving;  // see leaving_stubs
    uint32_t pad = 0;  // entries in front, each the default (see emit_br_table)
    uint64_t entries() const { return pad + count; }
    uint64_t target(uint64_t i) const { return i < pad ? targets[count - 1] : targets[i - pad]; }
  };
  // Its entries are the targets' addresses: written as offsets from the
  // code's start, which patch_jump_tables turns into addresses once the
  // code's place is known (an asmjit label reference per entry would cost
  // some 70 bytes of bookkeeping).
  bool write_jump_table(const JumpTable& t) {
    a_->align(AlignMode::kData, 8);
    a_->bind(t.table);
    std::vector<uint64_t> offsets(t.entries());
    for (uint64_t k = 0; k < t.entries(); ++k) {
      const auto stub = std::lower_bound(t.leaving.begin(), t.leaving.end(), t.target(k),
                                         [](const auto& s, uint64_t addr) { return s.first < addr; });
      const Label target = stub != t.leaving.end() && stub->first == t.target(k)
                               ? stub->second
                               : branch_label(t.target(k), t.from);
      if (!code_.isLabelBound(target)) return false;
      offsets[k] = code_.labelOffsetFromBase(target);
    }
    return a_->embed(offsets.data(), offsets.size() * sizeof(uint64_t)) == kErrorOk;
  }
  // The code at `base`: each jump table entry (an offset from the code's
  // start, in the one text section) becomes its target's address.
  void patch_jump_tables(CodeHolder& code, uint64_t base) const {
    uint8_t* text = code.textSection()->buffer().data();
    for (const JumpTable& t : jump_tables_) {
      uint8_t* entries = text + code.labelOffsetFromBase(t.table);
      for (uint64_t k = 0; k < t.entries(); ++k) {
        uint64_t entry;
        std::memcpy(&entry, entries + 8 * k, 8);
        entry += base;
        std::memcpy(entries + 8 * k, &entry, 8);
      }
    }
  }

  // Calls the native code at `target` with the frame at slot `arg_slot`;
  // a trap in the callee leaves the segment. A call to
  // an internal entry stays in the segment: it pushes no record (the
  // callee's entry checks the depth, see ExecRegs::frame_limit). A call to
  // a native entry (another instance's) starts a segment: it pushes the
  // call's record as the interpreter would, or traps with StackExhausted.
  // That record holds the call's native return address only: all a
  // backtrace reads (the function is the one whose code holds it, see
  // jit::function_at). Uses rcx and rdi before the call (`target`, a
  // register, a label or an absolute address, is neither).
  void call_native(const Operand& target, uint64_t arg_slot, bool native_entry) {
    FastAssembler& a = *a_;
    mark_site();  // (the return address maps back to this instruction)
    Label returned = a.newLabel();
    if (native_entry) {
      write_record();
      a.add(rcx, int32_t(sizeof(CallRecord)));
      a.cmp(rcx, ctx_field(offsetof(ExecRegs, record_limit)));
      a.jae(trap_site(TrapCode::StackExhausted));
      a.mov(ctx_field(offsetof(ExecRegs, record)), rcx);
      a.lea(rdi, ptr(returned));  // (rdi: the callee's frame, set next)
      a.mov(qword_ptr(rcx, offsetof(CallRecord, return_pc)), rdi);
    }
    a.lea(rdi, ptr(kFp, int32_t(arg_slot * 8)));
    a.emit(Inst::kIdCall, target);
    a.bind(returned);
    // (A trap in a callee within the segment left it: see
    // write_segment_records_and_exit. Another segment returns its status.)
    if (native_entry) {
      a.test(eax, eax);
      a.jnz(trap_out_of_segment_);
    }
  }

  // A call to a function named in the code: straight into its native code
  // when it has some (pushing the call record the interpreter would), else
  // through the interpreter (which translates, compiles or calls the host).
  void emit_call(const Instr& in) {
    FastAssembler& a = *a_;
    const uint64_t* p = w(in);
    auto* callee = reinterpret_cast<FuncInstance*>(p[1]);
    Label done = a.newLabel();
    // A callee of this instance is entered at its internal entry (the
    // pinned registers hold its context and memory already).
    const bool internal = callee->instance == func_.instance;
    const int32_t skip = internal ? int32_t(kInternalEntryOffset) : 0;
    if (!internal) a.mov(rsi, kCtx);
    // A callee compiled already is called at its address (native code, once
    // set, stays for the function's lifetime): asmjit makes that a call
    // rel32 where the code lands within reach of it, else an indirect call
    // through a table after the code. Others may be compiled later.
    const NativeEntry callee_entry = entry_of(*callee);
    if (callee == &func_) call_native(internal_, p[2], false);  // recursion: this code, not installed yet
    else if (callee_entry) call_native(imm(reinterpret_cast<uint64_t>(callee_entry) + skip), p[2], !internal);
    else if (late_calls_bound_) call_through_cell(in, *callee, skip, done);
    else call_looking_up(in, *callee, skip, done);
    a.bind(done);
    after_wasm_call(in);
  }

  // A call to `callee` (without code yet) that looks its entry up on each
  // call: into its code, else the interpreter's, then on at `done`.
  void call_looking_up(const Instr& in, FuncInstance& callee, int32_t skip, Label done) {
    Label slow = a_->newLabel();
    load_entry(callee, skip, slow);
    call_native(rax, w(in)[2], skip == 0);
    defer([this, &in, slow, done] {
      a_->bind(slow);
      emit_call_in_interpreter(in);
      a_->jmp(done);
    });
  }

  // rax := `callee`'s entry as it is now, plus `skip` (its internal entry);
  // to `not_compiled` when it has no code yet.
  void load_entry(FuncInstance& callee, int32_t skip, Label not_compiled) {
    FastAssembler& a = *a_;
    a.mov(rax, imm(&callee.native_entry));
    a.mov(rax, qword_ptr(rax));  // (an acquire on x86: a background compile publishes the code with it)
    a.test(rax, rax);
    a.jz(not_compiled);
    if (skip) a.add(rax, skip);
  }

  // A call to `callee` (without code yet) through a cell after the code
  // (NativeCode::late_calls) that first holds the address of a stub looking
  // its entry up as call_looking_up does, until jit::compile_all points the
  // cell at the callee's code (where it is bound: late_calls_bound_; a
  // cell never bound costs a jump more than call_looking_up).
  void call_through_cell(const Instr& in, FuncInstance& callee, int32_t skip, Label done) {
    FastAssembler& a = *a_;
    const Label cell = a.newLabel(), look_up = a.newLabel();
    late_calls_.push_back({cell, look_up, &callee, skip});
    call_native(qword_ptr(cell), w(in)[2], skip == 0);
    defer([this, &in, done, look_up, &callee, skip] {
      // Entered by the call, its record pushed: into the callee's code, or
      // back out of the call into the interpreter.
      FastAssembler& a = *a_;
      Label not_compiled = a.newLabel();
      a.bind(look_up);
      load_entry(callee, skip, not_compiled);
      a.jmp(rax);
      a.bind(not_compiled);
      a.add(rsp, 8);  // (the call's return address; its record, if any, goes with write_record)
      emit_call_in_interpreter(in);
      a.jmp(done);
    });
  }

  template <class T, class M>
  static int32_t offset_in(const T& object, const M& member) {
    return int32_t(reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(&object));
  }

  // call_indirect (TableInstance*, type_id, index slot, arg_base): the
  // element, its function, its type and its native entry checked inline,
  // then called as a direct call is (at its internal entry when it is of
  // this instance); anything else (a trap, a callee without native code)
  // runs in the interpreter.
  void emit_call_indirect(const Instr& in) {
    FastAssembler& a = *a_;
    if (!vector_layout_known()) return emit_in_interpreter(in);
    const uint64_t* p = w(in);
    const auto* table = reinterpret_cast<const TableInstance*>(p[1]);
    const int32_t elems = offset_in(*table, table->elems);
    const int32_t key = offset_in(func_, func_.indirect_call_key), entry = offset_in(func_, func_.internal_entry);
    // The key a callee of this instance with the expected type has once
    // it has native code (see publish_indirect_call).
    const uint64_t expected_key = indirect_call_key(uint32_t(p[2]), func_.instance);
    Label slow = a.newLabel(), done = a.newLabel();
    a.emit(Inst::kIdMov, ecx, gp_in(p[3], false));  // the index (zero-extended)
    a.mov(rax, imm(table));
    a.mov(rdx, qword_ptr(rax, elems));         // elems begin
    a.lea(rdx, ptr(rdx, rcx, 3));              // the element (a 32-bit index: no overflow)
    a.cmp(rdx, qword_ptr(rax, elems + 8));     // before elems end?
    a.jae(slow);
    a.mov(rax, qword_ptr(rdx));                // the reference: its FuncInstance*, or null (RefBits)
    a.test(rax, rax);
    a.jz(slow);
    // The type, native code and instance in one compare (a function of
    // another instance: through the interpreter, which calls its native
    // entry; a key of 0 never matches).
    if (expected_key == 0) {
      a.jmp(slow);
    } else {
      a.mov(rdx, imm(expected_key));
      a.cmp(qword_ptr(rax, key), rdx);
      a.jne(slow);
    }
    a.mov(r8, qword_ptr(rax, entry));
    call_native(r8, p[4], false);
    a.bind(done);
    after_wasm_call(in);
    defer([this, &in, slow, done] {
      a_->bind(slow);
      emit_call_in_interpreter(in);
      a_->jmp(done);
    });
  }

  // ------------------------------------------------------------ plain wasm ops
  enum class OpKind { None, Load, Store, IntBin32, IntBin64, Shift32, Shift64, Cmp32, Cmp64, Eqz32, Eqz64,
                      FBin32, FBin64, FCmp32, FCmp64, Copysign, Unary, DivRem, Trunc };

  // What plain_op_kind_of says, remembered per thread (it is asked several
  // times per instruction; the CPU features it reads are the process's).
  [[gnu::always_inline]] OpKind plain_op_kind(Opcode op) const {
    uint8_t& kind = scratch_.op_kinds[static_cast<unsigned>(op)];
    if (kind == Scratch::kUnknownKind) [[unlikely]] kind = uint8_t(plain_op_kind_of(op));
    return OpKind(kind);
  }
  [[gnu::noinline]] OpKind plain_op_kind_of(Opcode op) const {
    const ScalarAccess& access = scalar_access(op);
    if (access.load) return OpKind::Load;
    if (access.store) return OpKind::Store;
    switch (op) {
      case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul: case Opcode::I32And: case Opcode::I32Or:
      case Opcode::I32Xor:
        return OpKind::IntBin32;
      case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: case Opcode::I64And: case Opcode::I64Or:
      case Opcode::I64Xor:
        return OpKind::IntBin64;
      case Opcode::I32Shl: case Opcode::I32ShrS: case Opcode::I32ShrU: case Opcode::I32Rotl: case Opcode::I32Rotr:
        return OpKind::Shift32;
      case Opcode::I64Shl: case Opcode::I64ShrS: case Opcode::I64ShrU: case Opcode::I64Rotl: case Opcode::I64Rotr:
        return OpKind::Shift64;
      case Opcode::I32Eq: case Opcode::I32Ne: case Opcode::I32LtS: case Opcode::I32LtU: case Opcode::I32GtS:
      case Opcode::I32GtU: case Opcode::I32LeS: case Opcode::I32LeU: case Opcode::I32GeS: case Opcode::I32GeU:
        return OpKind::Cmp32;
      case Opcode::I64Eq: case Opcode::I64Ne: case Opcode::I64LtS: case Opcode::I64LtU: case Opcode::I64GtS:
      case Opcode::I64GtU: case Opcode::I64LeS: case Opcode::I64LeU: case Opcode::I64GeS: case Opcode::I64GeU:
        return OpKind::Cmp64;
      case Opcode::I32DivS: case Opcode::I32DivU: case Opcode::I32RemS: case Opcode::I32RemU:
      case Opcode::I64DivS: case Opcode::I64DivU: case Opcode::I64RemS: case Opcode::I64RemU:
        return OpKind::DivRem;
      case Opcode::I32Eqz: return OpKind::Eqz32;
      case Opcode::I64Eqz: return OpKind::Eqz64;
      case Opcode::F32Add: case Opcode::F32Sub: case Opcode::F32Mul: case Opcode::F32Div:
        return OpKind::FBin32;
      case Opcode::F64Add: case Opcode::F64Sub: case Opcode::F64Mul: case Opcode::F64Div:
        return OpKind::FBin64;
      case Opcode::F32Eq: case Opcode::F32Ne: case Opcode::F32Lt: case Opcode::F32Gt: case Opcode::F32Le:
      case Opcode::F32Ge:
        return OpKind::FCmp32;
      case Opcode::F64Eq: case Opcode::F64Ne: case Opcode::F64Lt: case Opcode::F64Gt: case Opcode::F64Le:
      case Opcode::F64Ge:
        return OpKind::FCmp64;
      case Opcode::I32Clz: case Opcode::I64Clz: return has_lzcnt_ ? OpKind::Unary : OpKind::None;
      case Opcode::I32Ctz: case Opcode::I64Ctz: return has_tzcnt_ ? OpKind::Unary : OpKind::None;
      case Opcode::I32Popcnt: case Opcode::I64Popcnt: return has_popcnt_ ? OpKind::Unary : OpKind::None;
      case Opcode::F32Copysign: case Opcode::F64Copysign: return OpKind::Copysign;
      case Opcode::I32TruncF32S: case Opcode::I32TruncF32U: case Opcode::I32TruncF64S: case Opcode::I32TruncF64U:
      case Opcode::I64TruncF32S: case Opcode::I64TruncF32U: case Opcode::I64TruncF64S: case Opcode::I64TruncF64U:
      case Opcode::I32TruncSatF32S: case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64S:
      case Opcode::I32TruncSatF64U: case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF32U:
      case Opcode::I64TruncSatF64S: case Opcode::I64TruncSatF64U:
        return OpKind::Trunc;
      case Opcode::F32Abs: case Opcode::F32Neg: case Opcode::F64Abs: case Opcode::F64Neg:
      case Opcode::F32Sqrt: case Opcode::F64Sqrt:
      case Opcode::F32Ceil: case Opcode::F32Floor: case Opcode::F32Trunc: case Opcode::F32Nearest:
      case Opcode::F64Ceil: case Opcode::F64Floor: case Opcode::F64Trunc: case Opcode::F64Nearest:
      case Opcode::I32WrapI64: case Opcode::I64ExtendI32S: case Opcode::I64ExtendI32U:
      case Opcode::I32Extend8S: case Opcode::I32Extend16S: case Opcode::I64Extend8S: case Opcode::I64Extend16S:
      case Opcode::I64Extend32S:
      case Opcode::I32ReinterpretF32: case Opcode::F32ReinterpretI32: case Opcode::I64ReinterpretF64:
      case Opcode::F64ReinterpretI64:
      case Opcode::F32ConvertI32S: case Opcode::F32ConvertI32U: case Opcode::F32ConvertI64S:
      case Opcode::F64ConvertI32S: case Opcode::F64ConvertI32U: case Opcode::F64ConvertI64S:
      case Opcode::F32ConvertI64U: case Opcode::F64ConvertI64U:
      case Opcode::F32DemoteF64: case Opcode::F64PromoteF32:
        return OpKind::Unary;
      default: return OpKind::None;
    }
  }

  // Whether an instruction writing `dst` from `src` (and a constant) can
  // update `dst` where it is: the same local, its value in its slot only.
  bool updates_local_in_memory(uint64_t dst, uint64_t src) const {
    return dst == src && dst < src_.const_base && !cache_.find(dst) && cache_.evicted().empty();
  }

  // The x86 instruction of an IntBin32/64 operation, and of an FBin32/64.
  static InstId int_bin_id(Opcode op) {
    switch (op) {
      case Opcode::I32Add: case Opcode::I64Add: return Inst::kIdAdd;
      case Opcode::I32Sub: case Opcode::I64Sub: return Inst::kIdSub;
      case Opcode::I32Mul: case Opcode::I64Mul: return Inst::kIdImul;
      case Opcode::I32And: case Opcode::I64And: return Inst::kIdAnd;
      case Opcode::I32Or: case Opcode::I64Or: return Inst::kIdOr;
      default: return Inst::kIdXor;
    }
  }
  static InstId float_bin_id(Opcode op) {
    switch (op) {
      case Opcode::F32Add: return Inst::kIdAddss;
      case Opcode::F32Sub: return Inst::kIdSubss;
      case Opcode::F32Mul: return Inst::kIdMulss;
      case Opcode::F32Div: return Inst::kIdDivss;
      case Opcode::F64Add: return Inst::kIdAddsd;
      case Opcode::F64Sub: return Inst::kIdSubsd;
      case Opcode::F64Mul: return Inst::kIdMulsd;
      default: return Inst::kIdDivsd;
    }
  }

  void emit_plain(Opcode op, const uint64_t* p) {
    FastAssembler& a = *a_;
    switch (plain_op_kind(op)) {
      case OpKind::Load: emit_load(op, p[1], p[2], p[3]); return;
      case OpKind::Store: emit_store(op, p[1], p[2], p[3]); return;
      case OpKind::IntBin32:
      case OpKind::IntBin64: {
        if (scaled_address_ && scaled_address_->add_k == current_k_) return;  // (in the load's displacement)
        if (biases_table_index(op, p)) return;  // (in the br_table's table)
        const bool wide = plain_op_kind(op) == OpKind::IntBin64;
        Operand b = gp_in_or_imm(p[3], wide);
        const InstId id = int_bin_id(op);
        if (id != Inst::kIdImul && b.isImm() && updates_local_in_memory(p[1], p[2])) {
          // local = local op constant, the local in no register: one
          // read-modify-write of its slot, not a load, the op and a store
          // (zlib's chain_length--). A 32-bit one leaves the slot's upper
          // half zero, as every i32 slot's is; ZF is the result's.
          a.emit(id, wide ? slot64(p[1]) : slot32(p[1]), b);
          if (!wide) last_compare_ = Compare{p[1], CondCode::kNE};
          return;
        }
        Operand x = gp_in_or_imm(p[2], wide);  // (a constant: moved in as an immediate)
        if (id != Inst::kIdSub && b.isReg() && result_in_second_operand(p, x, false)) std::swap(x, b);
        // A sum of two registers, or of a register and a constant, into a
        // third register is one lea, not a mov and an add, unless what
        // follows may test the flags an add leaves (lea leaves none).
        const bool by_lea = x.isReg() && (b.isReg() || b.isImm()) && !next_may_test_flags() &&
                            (id == Inst::kIdAdd || (id == Inst::kIdSub && b.isImm() &&
                                                    b.as<Imm>().valueAs<int32_t>() != INT32_MIN));
        // x & 0xff or x & 0xffff from another register or a slot is one
        // movzx, not a mov and an and (movzx leaves no flags either).
        const uint32_t zext_bits = id == Inst::kIdAnd && b.isImm() && !next_may_test_flags()
                                       ? low_mask_bits(b.as<Imm>().valueAs<int64_t>())
                                       : 0;
        bool by_movzx = false, zext = !wide;
        put_gp(p[1], b, [&](Gp r) {  // a 32-bit op zero-extends: the slot holds the u32
          if (!wide) r = r.r32();
          const bool in_place = x.isReg() && x.as<Reg>() == r;
          if (by_lea && !in_place) return a.lea(r, sum_address(x.as<Gp>(), b, id == Inst::kIdSub)), void();
          if (zext_bits && !in_place && !x.isImm()) {
            by_movzx = zext = true;
            return a.emit(Inst::kIdMovzx, r.r32(), narrowed(x, zext_bits)), void();
          }
          if (!in_place) a.emit(Inst::kIdMov, r, x);
          a.emit(id, r, b);
        }, zext);
        // add, sub, and, or and xor leave ZF as the 32-bit result's (the
        // stores after them keep the flags): a br_if or eqz on it tests
        // the flags. (imul leaves ZF undefined.)
        if (!wide && id != Inst::kIdImul && !by_lea && !by_movzx) last_compare_ = Compare{p[1], CondCode::kNE};
        return;
      }
      case OpKind::Shift32:
      case OpKind::Shift64: {  // x86 masks the count as wasm does (by 31 or 63)
        if (op == Opcode::I32Shl && folds_scaled_address(p)) return;  // (in the load's address)
        const bool wide = plain_op_kind(op) == OpKind::Shift64;
        const Operand x = gp_in_or_imm(p[2], wide);
        Operand count = gp_in_or_imm(p[3], false);
        InstId id = Inst::kIdRor;
        switch (op) {
          case Opcode::I32Shl: case Opcode::I64Shl: id = Inst::kIdShl; break;
          case Opcode::I32ShrS: case Opcode::I64ShrS: id = Inst::kIdSar; break;
          case Opcode::I32ShrU: case Opcode::I64ShrU: id = Inst::kIdShr; break;
          case Opcode::I32Rotl: case Opcode::I64Rotl: id = Inst::kIdRol; break;
          default: break;
        }
        const uint32_t bits = wide ? 64 : 32;
        if (id == Inst::kIdShr && has_bmi2_ && !x.isImm() && count.isImm()) {
          // (x >> k) & m, m below 2^(bits - k): a rotate by k from x (no copy
          // of x first), as the and after it drops the bits rotated in.
          const uint32_t k = count.as<Imm>().valueAs<uint32_t>() & (bits - 1);
          if (k != 0 && masked_by_next_and(p[1], wide, k)) {
            put_gp(p[1], Operand(), [&](Gp r) { a.emit(Inst::kIdRorx, wide ? Gp(r.r64()) : Gp(r.r32()), x, imm(k)); }, !wide);
            return;
          }
        }
        if (has_bmi2_ && !x.isImm() && emit_shift_bmi2(id, wide, p[1], x, count)) return;
        if (count.isImm()) {  // a constant count, masked as x86 and wasm mask it
          count = imm(count.as<Imm>().valueAs<uint32_t>() & (bits - 1));
        } else {
          a.emit(Inst::kIdMov, ecx, count);
          count = cl;
        }
        put_gp(p[1], Operand(), [&](Gp r) {
          if (!wide) r = r.r32();
          const bool in_place = x.isReg() && x.as<Reg>() == r;
          // x << 1..3 from another register: one lea, not a mov and a
          // shl (no shift's flags are used: see last_compare_).
          if (id == Inst::kIdShl && !in_place && x.isReg() && count.isImm()) {
            const uint32_t k = count.as<Imm>().valueAs<uint32_t>();
            if (k >= 1 && k <= 3) {
              const Gp from = x.as<Gp>().r64();  // (a 64-bit address: no address-size prefix)
              if (k == 1) a.lea(r, ptr(from, from));
              else a.lea(r, ptr(0, from, k));
              return;
            }
          }
          if (!in_place) a.emit(Inst::kIdMov, r, x);
          a.emit(id, r, count);
        }, !wide);
        return;
      }
      case OpKind::Cmp32:
      case OpKind::Cmp64: {
        const bool wide = plain_op_kind(op) == OpKind::Cmp64;
        const Operand x = gp_in(p[2], wide), y = gp_in_or_imm(p[3], wide);
        if (x.isReg() || !y.isMem()) {  // (a slot compared in memory with a register or a constant)
          a.emit(Inst::kIdCmp, x, y);
        } else {
          const Gp r = wide ? Gp(rax) : Gp(eax);
          a.emit(Inst::kIdMov, r, x);
          a.emit(Inst::kIdCmp, r, y);
        }
        set_bool(int_condition(op), p[1]);
        return;
      }
      case OpKind::Eqz32:
      case OpKind::Eqz64:
        if (compare_ && compare_->dst == p[2] && op == Opcode::I32Eqz) {
          // eqz of the compare just before: the negated condition, from its flags
          set_bool(negateCond(compare_->cc), p[1]);
          return;
        }
        {  // (the operand tested where it is: a register, or its slot)
          const bool wide = plain_op_kind(op) == OpKind::Eqz64;
          const Operand x = gp_in(p[2], wide);
          if (x.isReg()) a.emit(Inst::kIdTest, x, x);
          else a.emit(Inst::kIdCmp, x, imm(0));
        }
        set_bool(CondCode::kE, p[1]);
        return;
      case OpKind::FBin32:
      case OpKind::FBin64: {
        const bool wide = plain_op_kind(op) == OpKind::FBin64;
        const InstId id = float_bin_id(op);
        Operand x = xmm_in(p[2], wide), y = xmm_in(p[3], wide);
        if ((id == Inst::kIdAddss || id == Inst::kIdAddsd || id == Inst::kIdMulss || id == Inst::kIdMulsd) &&
            y.isReg() && result_in_second_operand(p, x, true))
          std::swap(x, y);
        put_xmm(p[1], wide, y, [&](const Xmm& r) {
          move_float(r, x, wide);
          a.emit(id, r, y);
        });
        return;
      }
      case OpKind::FCmp32:
      case OpKind::FCmp64:
        emit_float_compare(op, p);
        return;
      case OpKind::Copysign:  // dst, a, b: a's magnitude, b's sign
        if (op == Opcode::F32Copysign) {
          a.mov(eax, slot32(p[2]));
          a.and_(eax, 0x7fffffff);
          a.mov(ecx, slot32(p[3]));
          a.and_(ecx, 0x80000000u);
          a.or_(eax, ecx);
        } else {
          a.mov(rax, slot64(p[2]));
          a.btr(rax, 63);
          a.mov(rcx, slot64(p[3]));
          a.shr(rcx, 63);
          a.shl(rcx, 63);
          a.or_(rax, rcx);
        }
        put_rax(p[1]);
        return;
      case OpKind::Unary: emit_unary(op, p[1], p[2]); return;
      case OpKind::DivRem: emit_div_rem(op, p); return;
      case OpKind::Trunc: emit_trunc(op, p[1], p[2]); return;
      case OpKind::None: return;
    }
  }

  // A float -> integer conversion: its source and result widths, its
  // signedness, and whether it saturates (trunc_sat) or traps.
  struct Conversion {
    bool from_f64, to_i64, is_signed, saturating;
  };
  static std::optional<Conversion> conversion_of(Opcode op) {
    switch (op) {
      case Opcode::I32TruncF32S: return Conversion{false, false, true, false};
      case Opcode::I32TruncF32U: return Conversion{false, false, false, false};
      case Opcode::I32TruncF64S: return Conversion{true, false, true, false};
      case Opcode::I32TruncF64U: return Conversion{true, false, false, false};
      case Opcode::I64TruncF32S: return Conversion{false, true, true, false};
      case Opcode::I64TruncF32U: return Conversion{false, true, false, false};
      case Opcode::I64TruncF64S: return Conversion{true, true, true, false};
      case Opcode::I64TruncF64U: return Conversion{true, true, false, false};
      case Opcode::I32TruncSatF32S: return Conversion{false, false, true, true};
      case Opcode::I32TruncSatF32U: return Conversion{false, false, false, true};
      case Opcode::I32TruncSatF64S: return Conversion{true, false, true, true};
      case Opcode::I32TruncSatF64U: return Conversion{true, false, false, true};
      case Opcode::I64TruncSatF32S: return Conversion{false, true, true, true};
      case Opcode::I64TruncSatF32U: return Conversion{false, true, false, true};
      case Opcode::I64TruncSatF64S: return Conversion{true, true, true, true};
      case Opcode::I64TruncSatF64U: return Conversion{true, true, false, true};
      default: return std::nullopt;
    }
  }

  // Float -> integer truncation, trapping or saturating: one cvtts?2si
  // into a register wide enough for the result, and a test of its
  // "indefinite" value (the minimum integer; a u32 done in 64 bits: any
  // value above 2^32 - 1; a u64 done signed: any negative value) that sends
  // it out of line, where the input, as an f64 (exact for an f32), decides:
  // a NaN traps as an invalid conversion or gives 0, an input out of range
  // traps as an overflow or gives the bound on its side, and an input that
  // truly truncates to that value (the signed minimum; a u64 of 2^63 and
  // up, converted less 2^63) goes on with it.
  void emit_trunc(Opcode op, uint64_t dst, uint64_t src) {
    FastAssembler& a = *a_;
    const Conversion c = *conversion_of(op);
    load_xmm0(src, c.from_f64);
    const Inst::Id cvt = c.from_f64 ? Inst::kIdCvttsd2si : Inst::kIdCvttss2si;
    Label slow = a.newLabel(), done = a.newLabel();
    if (c.is_signed && !c.to_i64) {
      a.emit(cvt, eax, xmm0);
      a.cmp(eax, imm(INT32_MIN));
      a.je(slow);
    } else if (c.is_signed) {
      a.emit(cvt, rax, xmm0);
      a.cmp(rax, 1);  // overflows only for INT64_MIN
      a.jo(slow);
    } else if (!c.to_i64) {
      a.emit(cvt, rax, xmm0);
      a.mov(rcx, rax);
      a.shr(rcx, 32);
      a.jnz(slow);
    } else {
      a.emit(cvt, rax, xmm0);
      a.test(rax, rax);
      a.js(slow);
    }
    a.bind(done);
    put_rax(dst);
    defer([this, c, slow, done] {
      FastAssembler& a = *a_;
      a.bind(slow);  // xmm0: the input; rax: the truncation
      if (!c.from_f64) a.cvtss2sd(xmm0, xmm0);
      emit_trunc_out_of_range(c, done);
    });
  }
  // emit_trunc's slow path: xmm0 the input as an f64, rax the indefinite
  // truncation; the result in rax, then to `done`.
  void emit_trunc_out_of_range(const Conversion& c, Label done) {
    FastAssembler& a = *a_;
    const Label zero = c.saturating ? a.newLabel() : Label();  // (a saturating NaN's or negative's 0)
    a.ucomisd(xmm0, xmm0);
    a.jp(c.saturating ? zero : trap_site(TrapCode::InvalidConversion));
    const Label overflow = c.saturating ? Label() : trap_site(TrapCode::IntegerOverflow);
    auto compare_with = [&](double bound) {
      uint64_t bits;
      std::memcpy(&bits, &bound, sizeof bits);
      a.mov(rcx, imm(bits));
      a.movq(xmm15, rcx);
      a.ucomisd(xmm0, xmm15);
    };
    if (c.is_signed && c.saturating) {  // the minimum (in rax) below zero, the maximum above
      a.xorps(xmm15, xmm15);
      a.ucomisd(xmm0, xmm15);
      a.jbe(done);
      if (c.to_i64) a.mov(rax, imm(INT64_MAX));
      else a.mov(eax, imm(INT32_MAX));
    } else if (c.is_signed && !c.to_i64) {  // valid: -2^31 - 1 < x < 2^31
      compare_with(-2147483649.0);
      a.jbe(overflow);
      compare_with(2147483648.0);
      a.jae(overflow);
    } else if (c.is_signed) {  // valid: x == -2^63 only
      compare_with(-9223372036854775808.0);
      a.jne(overflow);
    } else if (!c.to_i64) {  // every valid input fits: x <= -1 or x >= 2^32
      if (!c.saturating) return a.jmp(overflow), void();
      a.xorps(xmm15, xmm15);
      a.ucomisd(xmm0, xmm15);
      a.jbe(zero);
      a.mov(eax, imm(UINT32_MAX));
    } else {  // u64: x <= -1, x >= 2^64, or 2^63 <= x < 2^64 (valid)
      const Label max = c.saturating ? a.newLabel() : overflow;
      compare_with(18446744073709551616.0);
      a.jae(max);
      compare_with(9223372036854775808.0);
      a.jb(c.saturating ? zero : overflow);
      a.subsd(xmm0, xmm15);
      a.cvttsd2si(rax, xmm0);
      a.btc(rax, 63);
      if (c.saturating) {
        a.jmp(done);
        a.bind(max);
        a.mov(rax, imm(-1));
      }
    }
    a.jmp(done);
    if (c.saturating) {
      a.bind(zero);
      a.xor_(eax, eax);
      a.jmp(done);
    }
  }

  // Integer division and remainder with wasm's traps: a zero divisor, and
  // INT_MIN / -1 for signed division (its remainder is 0, which x86 would
  // fault on).
  void emit_div_rem(Opcode op, const uint64_t* p) {
    FastAssembler& a = *a_;
    const bool wide = op == Opcode::I64DivS || op == Opcode::I64DivU || op == Opcode::I64RemS || op == Opcode::I64RemU;
    const bool is_signed = op == Opcode::I32DivS || op == Opcode::I32RemS || op == Opcode::I64DivS || op == Opcode::I64RemS;
    const bool is_rem = op == Opcode::I32RemS || op == Opcode::I32RemU || op == Opcode::I64RemS || op == Opcode::I64RemU;
    if (!wide)
      if (const std::optional<uint64_t> d = constant_in(p[3]); d && uint32_t(*d) != 0 &&
                                                               !(is_signed && int32_t(*d) == -1))
        return emit_div_rem_by_constant(uint32_t(*d), is_signed, is_rem, p);
    const Gp ax = wide ? Gp(rax) : Gp(eax), cx = wide ? Gp(rcx) : Gp(ecx), dx = wide ? Gp(rdx) : Gp(edx);
    a.emit(Inst::kIdMov, ax, gp_in(p[2], wide));
    a.emit(Inst::kIdMov, cx, gp_in(p[3], wide));
    a.test(cx, cx);
    a.jz(trap_site(TrapCode::DivideByZero));
    Label done = a.newLabel();
    if (is_signed) {
      Label normal = a.newLabel();
      a.cmp(cx, imm(-1));
      a.jne(normal);
      if (is_rem) {
        a.xor_(eax, eax);  // x rem -1 = 0
      } else {
        // x / -1 = -x, which overflows only for the minimum value.
        a.neg(ax);
        a.jo(trap_site(TrapCode::IntegerOverflow));
      }
      a.jmp(done);
      a.bind(normal);
      wide ? a.cqo() : a.cdq();
      a.idiv(cx);
    } else {
      a.xor_(edx, edx);
      a.div(cx);
    }
    if (is_rem) a.mov(ax, dx);
    a.bind(done);
    if (!wide) a.mov(eax, eax);  // (zero-extended for the slot)
    put_rax(p[1]);
  }

  // An i32 division by a constant d (not 0, nor -1 when signed), which
  // LLVM's wasm backend leaves to the engine: no checks, no div. With
  // M = ceil(2^64 / d) (d >= 2), for every u32 n, n / d is the high half of
  // M * n, and n % d the high half of (M * n mod 2^64) * d (Lemire, Kaser
  // and Kurz, "Faster remainder by direct computation", 2019). A signed one
  // divides the magnitudes (|INT32_MIN| fits a u32), then gives the
  // quotient the sign of n (negated for a negative d), the remainder n's.
  void emit_div_rem_by_constant(uint32_t d, bool is_signed, bool is_rem, const uint64_t* p) {
    FastAssembler& a = *a_;
    const uint32_t magnitude = is_signed && int32_t(d) < 0 ? 0u - d : d;
    a.emit(Inst::kIdMov, eax, gp_in(p[2], false));
    if (magnitude == 1) {  // d = 1: n itself, remainder 0
      if (is_rem) a.xor_(eax, eax);
      return put_rax(p[1]);
    }
    if (is_signed) {  // ecx: n's sign (0 or -1); eax: |n|
      a.mov(ecx, eax);
      a.sar(ecx, 31);
      a.xor_(eax, ecx);
      a.sub(eax, ecx);
    }
    a.mov(rdx, imm(~uint64_t(0) / magnitude + 1));
    if (is_rem) {
      a.imul(rax, rdx);  // M * n mod 2^64
      a.mov(edx, imm(magnitude));
    }
    a.mul(rdx);  // rdx: the high half
    a.mov(eax, edx);
    if (is_signed) {
      a.xor_(eax, ecx);
      a.sub(eax, ecx);
      if (!is_rem && int32_t(d) < 0) a.neg(eax);
    }
    put_rax(p[1]);
  }

  static CondCode int_condition(Opcode op) {
    switch (op) {
      case Opcode::I32Eq: case Opcode::I64Eq: return CondCode::kE;
      case Opcode::I32Ne: case Opcode::I64Ne: return CondCode::kNE;
      case Opcode::I32LtS: case Opcode::I64LtS: return CondCode::kL;
      case Opcode::I32LtU: case Opcode::I64LtU: return CondCode::kB;
      case Opcode::I32GtS: case Opcode::I64GtS: return CondCode::kG;
      case Opcode::I32GtU: case Opcode::I64GtU: return CondCode::kA;
      case Opcode::I32LeS: case Opcode::I64LeS: return CondCode::kLE;
      case Opcode::I32LeU: case Opcode::I64LeU: return CondCode::kBE;
      case Opcode::I32GeS: case Opcode::I64GeS: return CondCode::kGE;
      default: return CondCode::kAE;
    }
  }

  // slot dst = the condition (0 or 1), from the flags, which stay as they
  // are for a br_if on dst just after.
  void set_bool(CondCode cc, uint64_t dst) {
    if (only_flags_read(dst)) {  // the br_if or select after it reads the flags; dst is dead then
      cache_.forget(dst);
      last_compare_ = Compare{dst, cc};
      return;
    }
    // (Straight into dst's register: put_gp's stores before it keep the flags.)
    put_gp(dst, Operand(), [&](Gp r) {
      a_->set(cc, r.r8());
      a_->movzx(r.r32(), r.r8());
    }, true);
    last_compare_ = Compare{dst, cc};
  }

  // xmm0 = a slot's f32 or f64.
  void load_xmm0(uint64_t slot, bool wide) { move_float(xmm0, xmm_in(slot, wide), wide); }


  // Ordered comparisons with NaN false (ne: true). a < b is tested as b > a
  // so that "above" (CF = ZF = 0) excludes the unordered case.
  void emit_float_compare(Opcode op, const uint64_t* p) {
    FastAssembler& a = *a_;
    const bool wide = plain_op_kind(op) == OpKind::FCmp64;
    auto load = [&](uint64_t s) { load_xmm0(s, wide); };
    auto ucom = [&](uint64_t s) { a.emit(wide ? Inst::kIdUcomisd : Inst::kIdUcomiss, xmm0, xmm_in(s, wide)); };
    const uint64_t x = p[2], y = p[3];
    switch (op) {
      case Opcode::F32Eq: case Opcode::F64Eq:
        load(x); ucom(y);
        a.setnp(cl);
        a.sete(al);
        a.and_(al, cl);
        break;
      case Opcode::F32Ne: case Opcode::F64Ne:
        load(x); ucom(y);
        a.setp(cl);
        a.setne(al);
        a.or_(al, cl);
        break;
      // One flag condition each: a br_if after them branches on the flags.
      case Opcode::F32Lt: case Opcode::F64Lt: load(y); ucom(x); set_bool(CondCode::kA, p[1]); return;
      case Opcode::F32Gt: case Opcode::F64Gt: load(x); ucom(y); set_bool(CondCode::kA, p[1]); return;
      case Opcode::F32Le: case Opcode::F64Le: load(y); ucom(x); set_bool(CondCode::kAE, p[1]); return;
      default: load(x); ucom(y); set_bool(CondCode::kAE, p[1]); return;  // ge
    }
    a.movzx(eax, al);
    put_rax(p[1]);
  }

  // i64.extend_i32_u or i32.wrap_i64 of a value in place (a temporary
  // replaced by its result) whose register is known zero-extended: its
  // 64 bits are the result already (pointer_chase's `sum += x & 0xff`).
  bool zero_extends_in_place(Opcode op, uint64_t dst, uint64_t src) {
    if ((op != Opcode::I64ExtendI32U && op != Opcode::I32WrapI64) || dst != src || cache_.pinned(dst)) return false;
    const std::optional<RegCache::Entry> e = cache_.find(src);
    if (!e || e->xmm || !cache_.zext(*e)) return false;
    written_in(dst, RegCache::gp(e->reg));
    return true;
  }

  void emit_unary(Opcode op, uint64_t dst, uint64_t src) {
    FastAssembler& a = *a_;
    // The operand through the register cache (a register or its slot).
    auto g32 = [&] { return gp_in(src, false); };
    auto g64 = [&] { return gp_in(src, true); };
    auto x32 = [&] { return xmm_in(src, false); };
    auto x64 = [&] { return xmm_in(src, true); };
    auto narrow = [&](uint32_t bytes) -> Operand {  // its low byte or word
      const Operand o = gp_in(src, false);
      if (!o.isReg()) return slot_mem(src, 0, bytes);
      const Gp r = o.as<Gp>();
      return bytes == 1 ? Operand(r.r8()) : Operand(r.r16());
    };
    auto move = [&](InstId id, bool wide_dst, const Operand& from) {  // dst = from, in dst's register
      put_gp(dst, Operand(), [&](Gp r) {
        if (wide_dst) a.emit(id, r.r64(), from);
        else a.emit(id, r.r32(), from);
      }, !wide_dst);
    };
    // Scalar sqrt and round write only the low lanes of their destination,
    // so xmm0 is set from the operand first: its old value (often the
    // previous iteration's result) is then no input of the instruction.
    auto scalar = [&](Inst::Id id, bool wide, const Imm* mode) {
      move_float(xmm0, wide ? x64() : x32(), wide);
      if (mode) a.emit(id, xmm0, xmm0, *mode);
      else a.emit(id, xmm0, xmm0);
      put_xmm0(dst, wide);
    };
    auto round_f32 = [&](uint32_t mode) { const Imm m = imm(mode | 8); scalar(Inst::kIdRoundss, false, &m); };
    auto round_f64 = [&](uint32_t mode) { const Imm m = imm(mode | 8); scalar(Inst::kIdRoundsd, true, &m); };
    switch (op) {
      case Opcode::I32Clz: a.emit(Inst::kIdLzcnt, eax, g32()); break;
      case Opcode::I64Clz: a.emit(Inst::kIdLzcnt, rax, g64()); break;
      case Opcode::I32Ctz: a.emit(Inst::kIdTzcnt, eax, g32()); break;
      case Opcode::I64Ctz: a.emit(Inst::kIdTzcnt, rax, g64()); break;
      case Opcode::I32Popcnt: a.emit(Inst::kIdPopcnt, eax, g32()); break;
      case Opcode::I64Popcnt: a.emit(Inst::kIdPopcnt, rax, g64()); break;
      case Opcode::F32Abs: a.emit(Inst::kIdMov, eax, g32()); a.and_(eax, 0x7fffffff); break;
      case Opcode::F32Neg: a.emit(Inst::kIdMov, eax, g32()); a.xor_(eax, 0x80000000u); break;
      case Opcode::F64Abs: a.emit(Inst::kIdMov, rax, g64()); a.btr(rax, 63); break;
      case Opcode::F64Neg: a.emit(Inst::kIdMov, rax, g64()); a.btc(rax, 63); break;
      case Opcode::F32Sqrt: scalar(Inst::kIdSqrtss, false, nullptr); return;
      case Opcode::F64Sqrt: scalar(Inst::kIdSqrtsd, true, nullptr); return;
      case Opcode::F32Nearest: round_f32(0); return;
      case Opcode::F32Floor: round_f32(1); return;
      case Opcode::F32Ceil: round_f32(2); return;
      case Opcode::F32Trunc: round_f32(3); return;
      case Opcode::F64Nearest: round_f64(0); return;
      case Opcode::F64Floor: round_f64(1); return;
      case Opcode::F64Ceil: round_f64(2); return;
      case Opcode::F64Trunc: round_f64(3); return;
      case Opcode::I32WrapI64: case Opcode::I64ExtendI32U: case Opcode::I32ReinterpretF32:
      case Opcode::F32ReinterpretI32:
        if (zero_extends_in_place(op, dst, src)) return;
        move(Inst::kIdMov, false, g32());
        return;
      case Opcode::I64ReinterpretF64: case Opcode::F64ReinterpretI64: move(Inst::kIdMov, true, g64()); return;
      case Opcode::I64ExtendI32S: case Opcode::I64Extend32S: move(Inst::kIdMovsxd, true, g32()); return;
      case Opcode::I32Extend8S: move(Inst::kIdMovsx, false, narrow(1)); return;
      case Opcode::I32Extend16S: move(Inst::kIdMovsx, false, narrow(2)); return;
      case Opcode::I64Extend8S: move(Inst::kIdMovsx, true, narrow(1)); return;
      case Opcode::I64Extend16S: move(Inst::kIdMovsx, true, narrow(2)); return;
      case Opcode::F32ConvertI32S: a.xorps(xmm0, xmm0); a.emit(Inst::kIdCvtsi2ss, xmm0, g32()); put_xmm0(dst, false); return;
      case Opcode::F32ConvertI64S: a.xorps(xmm0, xmm0); a.emit(Inst::kIdCvtsi2ss, xmm0, g64()); put_xmm0(dst, false); return;
      case Opcode::F32ConvertI32U:  // the u32 as a (non-negative) i64: one rounding
        a.emit(Inst::kIdMov, eax, g32()); a.xorps(xmm0, xmm0); a.cvtsi2ss(xmm0, rax); put_xmm0(dst, false); return;
      case Opcode::F32ConvertI64U: case Opcode::F64ConvertI64U: return emit_convert_u64(op == Opcode::F64ConvertI64U, dst, src);
      case Opcode::F64ConvertI32S: a.xorps(xmm0, xmm0); a.emit(Inst::kIdCvtsi2sd, xmm0, g32()); break;
      case Opcode::F64ConvertI64S: a.xorps(xmm0, xmm0); a.emit(Inst::kIdCvtsi2sd, xmm0, g64()); break;
      case Opcode::F64ConvertI32U: a.emit(Inst::kIdMov, eax, g32()); a.xorps(xmm0, xmm0); a.cvtsi2sd(xmm0, rax); break;
      case Opcode::F32DemoteF64: a.xorps(xmm0, xmm0); a.emit(Inst::kIdCvtsd2ss, xmm0, x64()); put_xmm0(dst, false); return;
      case Opcode::F64PromoteF32: a.xorps(xmm0, xmm0); a.emit(Inst::kIdCvtss2sd, xmm0, x32()); break;
      default: break;
    }
    switch (op) {
      case Opcode::F64ConvertI32S: case Opcode::F64ConvertI64S: case Opcode::F64ConvertI32U:
      case Opcode::F64PromoteF32:
        put_xmm0(dst, true);
        return;
      default: put_rax(dst); return;
    }
  }

  // u64 -> f32/f64: below 2^63 a signed conversion; from 2^63 up (out of
  // line) the value halved with its lowest bit kept as a sticky bit (so the
  // one rounding still sees whether anything was dropped), converted, and
  // doubled.
  void emit_convert_u64(bool to_f64, uint64_t dst, uint64_t src) {
    FastAssembler& a = *a_;
    const Inst::Id cvt = to_f64 ? Inst::kIdCvtsi2sd : Inst::kIdCvtsi2ss;
    a.emit(Inst::kIdMov, rax, gp_in(src, true));
    a.xorps(xmm0, xmm0);
    Label big = a.newLabel(), done = a.newLabel();
    a.test(rax, rax);
    a.js(big);
    a.emit(cvt, xmm0, rax);
    a.bind(done);
    put_xmm0(dst, to_f64);
    defer([this, to_f64, cvt, big, done] {
      FastAssembler& a = *a_;
      a.bind(big);
      a.mov(rcx, rax);
      a.shr(rcx, 1);
      a.and_(eax, 1);
      a.or_(rcx, rax);
      a.emit(cvt, xmm0, rcx);
      if (to_f64) a.addsd(xmm0, xmm0);
      else a.addss(xmm0, xmm0);
      a.jmp(done);
    });
  }

  // Bytes a load or store accesses in memory.
  static uint32_t access_bytes(Opcode op) { return scalar_access(op).bytes; }

  // The value of `slot` where it holds a constant throughout: a constant's
  // slot on no result slot (which a return may have written).
  std::optional<uint64_t> constant_in(uint64_t slot) const {
    if (slot < src_.const_base || slot >= src_.temp_base || slot < src_.num_results) return std::nullopt;
    return src_.consts[slot - src_.const_base];
  }
  // The address operand (an i32) in a cache register whose upper half is
  // zero: when its register is not known to be (RegCache::zext), it is
  // zero-extended in place (the upper half of an i32's register is no part
  // of its value); a slot in memory is loaded into a cache register with a
  // 32-bit load, so that the next access with the same address reuses it.
  Gp address_register(uint64_t addr_slot) {
    if (auto e = cache_.find(addr_slot); e && !e->xmm) {
      const Gp r = RegCache::gp(e->reg);
      if (!cache_.zext(*e)) {
        a_->mov(r.r32(), r.r32());
        cache_.set_zext(*e);
      }
      return r.r64();
    }
    flush_slot(addr_slot);  // (its value may be in an xmm register only)
    const RegCache::Entry e = cache_.take(addr_slot, false);  // (not pinned: a pinned slot is always cached)
    store_evicted();
    const Gp r = RegCache::gp(e.reg);
    a_->mov(r.r32(), slot32(addr_slot));
    cache_.set_zext(e);
    return r.r64();
  }

  // The 64-bit register holding i32 slot `slot`'s value zero-extended: its
  // cache register when known so (RegCache::zext), else `scratch` loaded.
  Gp zero_extended_gp(uint64_t slot, const Gp& scratch) {
    if (auto e = cache_.find(slot); e && !e->xmm && cache_.zext(*e)) return RegCache::gp(e->reg).r64();
    a_->emit(Inst::kIdMov, scratch.r32(), gp_in(slot, false));
    return scratch.r64();
  }

  // The operand of an access of `bytes` at the address in slot `addr_slot`
  // plus `offset`: unchecked on a guarded memory, else with address +
  // offset + bytes (in rcx) checked against the memory's size.
  // A constant address (clang's `i32.const 0` under a global's offset) is
  // folded into the displacement where it fits one: no register, no load
  // of the constant on the access's path.
  Mem checked_address(uint64_t addr_slot, uint64_t offset, uint32_t bytes, uint32_t size_bits) {
    FastAssembler& a = *a_;
    if (scaled_address_ && scaled_address_->load_k == current_k_) {  // (guarded: see folds_scaled_address)
      const ScaledAddress s = *scaled_address_;
      scaled_address_.reset();
      const Gp index = address_register(s.slot);
      mark_site();  // the access may fault
      return ptr(kMem, index, s.shift, int32_t(s.disp + offset), size_bits / 8);
    }
    if (const std::optional<uint64_t> c = constant_in(addr_slot)) {
      const uint64_t at = uint64_t(uint32_t(*c)) + offset;
      if (at + bytes <= 0x7fffffff) {
        if (guarded_) {
          mark_site();  // the access may fault
        } else {
          a.cmp(memory_size(rax), imm(int32_t(at + bytes)));
          a.jb(trap_site(TrapCode::MemoryOutOfBounds));
        }
        return ptr(kMem, int32_t(at), size_bits / 8);
      }
    }
    const Gp index = address_register(addr_slot);
    if (guarded_) {
      mark_site();  // the access may fault
      if (offset <= 0x7fffffff) return ptr(kMem, index, 0, int32_t(offset), size_bits / 8);
      a.mov(rcx, imm(offset));
      a.add(rcx, index);
      return ptr(kMem, rcx, 0, 0, size_bits / 8);
    }
    const uint64_t end = offset + bytes;
    if (end <= 0x7fffffff) {
      a.lea(rcx, ptr(index, int32_t(end)));
    } else {
      a.mov(rcx, imm(end));
      a.add(rcx, index);
    }
    a.cmp(rcx, memory_size(rax));  // (rax: no caller holds a value there)
    a.ja(trap_site(TrapCode::MemoryOutOfBounds));
    return ptr(kMem, rcx, 0, -int32_t(bytes), size_bits / 8);
  }
  // The memory's current size in bytes: through r14, or where r14 is no
  // longer its address (memory_size_in_r14_), through `scratch`.
  Mem memory_size(const Gp& scratch) {
    if (memory_size_in_r14_) return qword_ptr(kMemSize);
    a_->mov(scratch, imm(&memi_->size));
    return qword_ptr(scratch);
  }

  void emit_load(Opcode op, uint64_t dst, uint64_t addr, uint64_t offset) {
    FastAssembler& a = *a_;
    const uint32_t bytes = access_bytes(op);
    Mem m = checked_address(addr, offset, bytes, bytes * 8);
    if (updates_memory_in_place(op, dst, addr, offset, m) || folds_into_next(op, dst, m)) return;
    if (op == Opcode::F32Load || op == Opcode::F64Load) {  // straight into a float register
      put_xmm(dst, op == Opcode::F64Load, Operand(),
              [&](const Xmm& r) { a.emit(op == Opcode::F64Load ? Inst::kIdMovsd : Inst::kIdMovss, r, m); });
      return;
    }
    const bool zext = op == Opcode::I32Load8S || op == Opcode::I32Load8U || op == Opcode::I64Load8U ||
                      op == Opcode::I32Load16S || op == Opcode::I32Load16U || op == Opcode::I64Load16U ||
                      op == Opcode::I32Load || op == Opcode::F32Load || op == Opcode::I64Load32U;
    // (The address may be in dst's register: each form reads it before
    // writing the register.)
    put_gp(dst, Operand(), [&](Gp r) {
      switch (op) {
        case Opcode::I32Load8S: a.movsx(r.r32(), m); break;
        case Opcode::I64Load8S: a.movsx(r.r64(), m); break;
        case Opcode::I32Load8U: case Opcode::I64Load8U: a.movzx(r.r32(), m); break;
        case Opcode::I32Load16S: a.movsx(r.r32(), m); break;
        case Opcode::I64Load16S: a.movsx(r.r64(), m); break;
        case Opcode::I32Load16U: case Opcode::I64Load16U: a.movzx(r.r32(), m); break;
        case Opcode::I64Load32S: a.movsxd(r.r64(), m); break;
        case Opcode::I64Load: case Opcode::F64Load: a.mov(r.r64(), m); break;
        default: a.mov(r.r32(), m); break;  // i32.load, f32.load, i64.load32_u
      }
    }, zext);
  }

  // A load whose result (a temporary) only the next instruction reads, and
  // reads where an x86 instruction can take a memory operand: that
  // instruction reads memory itself (folds_into_arithmetic,
  // folds_into_compare) and the load emits nothing else. The access is the
  // load's, so a fault there is the load's trap. False: nothing emitted.
  bool folds_into_next(Opcode load, uint64_t dst, const Mem& m) {
    if (dst < src_.temp_base || current_k_ + 1 >= instrs_.size() || next_is_target()) return false;
    const Instr& next = instrs_[current_k_ + 1];
    if (tested_by_branch(load, dst, m, next)) return true;
    if (next.info->form != HandlerInfo::Plain) return false;
    if (!folds_into_arithmetic(load, dst, m, next) && !folds_into_compare(load, dst, m, next)) return false;
    drop_temps_popped_by(next);
    skip_ = 1;
    return true;
  }
  // The second operand of an arithmetic operation of the load's type
  // computed in place (its first operand a temporary alone in its
  // register, its result that temporary's): `op r, [m]`, not `mov t, [m];
  // op r, t` (matmul's `c[j] += a * b[j]`).
  bool folds_into_arithmetic(Opcode load, uint64_t dst, const Mem& m, const Instr& next) {
    const Opcode op = next.info->op;
    const OpKind kind = plain_op_kind(op);
    const bool fits = (load == Opcode::I32Load && kind == OpKind::IntBin32) ||
                      (load == Opcode::I64Load && kind == OpKind::IntBin64) ||
                      (load == Opcode::F32Load && kind == OpKind::FBin32) ||
                      (load == Opcode::F64Load && kind == OpKind::FBin64);
    const uint64_t* q = w(next);
    if (!fits || q[3] != dst || q[2] == dst || q[1] != q[2] || q[1] == 0) return false;
    const std::optional<RegCache::Entry> x = cache_.sole(q[2]);
    const bool is_float = kind == OpKind::FBin32 || kind == OpKind::FBin64;
    if (!x || x->xmm != is_float) return false;
    const bool wide = kind == OpKind::IntBin64 || kind == OpKind::FBin64;
    cache_.forget(dst);  // (never written: dead)
    if (is_float) {
      put_xmm(q[1], wide, Operand(), [&](const Xmm& r) { a_->emit(float_bin_id(op), r, m); });
    } else {
      const InstId id = int_bin_id(op);
      put_gp(q[1], Operand(), [&](const Gp& r) { a_->emit(id, wide ? Gp(r.r64()) : Gp(r.r32()), m); }, !wide);
      if (!wide && id != Inst::kIdImul) last_compare_ = Compare{q[1], CondCode::kNE};
    }
    return true;
  }
  // An operand of an integer compare of the load's type, the other a
  // register or a constant: `cmp [m], y` or `cmp x, [m]`; or of an eqz:
  // `cmp [m], 0`, whatever the load's width and extension (a value is
  // zero when its bytes are). A byte load compared for equality with a
  // constant below 256 compares the byte (zero-extended, it is equal
  // exactly when the byte is).
  bool folds_into_compare(Opcode load, uint64_t dst, const Mem& m, const Instr& next) {
    const Opcode op = next.info->op;
    const OpKind kind = plain_op_kind(op);
    const uint64_t* q = w(next);
    const bool wide = kind == OpKind::Cmp64 || kind == OpKind::Eqz64;
    if (wide != loads_i64(load)) return false;
    // (set_bool looks at the instruction after the compare, one further on.)
    auto set_bool_of_next = [&](CondCode cc) {
      ++current_k_;
      set_bool(cc, q[1]);
      --current_k_;
    };
    if (kind == OpKind::Eqz32 || kind == OpKind::Eqz64) {
      if (q[2] != dst) return false;
      cache_.forget(dst);
      a_->emit(Inst::kIdCmp, m, imm(0));
      set_bool_of_next(CondCode::kE);
      return true;
    }
    if ((kind != OpKind::Cmp32 && kind != OpKind::Cmp64) || (q[2] == dst) == (q[3] == dst)) return false;
    const bool load_first = q[2] == dst;
    const Operand other = load_first ? gp_in_or_imm(q[3], wide) : gp_in(q[2], wide);
    if (other.isMem()) return false;
    if (load != Opcode::I32Load && load != Opcode::I64Load) {
      const bool equality = op == Opcode::I32Eq || op == Opcode::I32Ne || op == Opcode::I64Eq || op == Opcode::I64Ne;
      const bool byte = load == Opcode::I32Load8U || load == Opcode::I64Load8U;
      if (!byte || !equality || !other.isImm() || other.as<Imm>().value() < 0 || other.as<Imm>().value() > 255)
        return false;
    }
    cache_.forget(dst);
    if (load_first) a_->emit(Inst::kIdCmp, m, other);
    else a_->emit(Inst::kIdCmp, other, m);
    set_bool_of_next(int_condition(op));
    return true;
  }
  // A load, an add, sub, and, or or xor of its result (in place) with a
  // constant or a register, and a store of that back to the same address
  // (the same local or constant address slot, offset and width): one
  // read-modify-write of memory, `add [m], y` (a counter's `p->n++`, a
  // histogram's `freq[c]++`). Exact at every width: the low bits of these
  // operations' results depend only on their operands' low bits, so a byte
  // or a halfword is updated as the store would truncate it. The access
  // is the load's (the store's faults at the same place).
  bool updates_memory_in_place(Opcode load, uint64_t dst, uint64_t addr, uint64_t offset, Mem m) {
    if (dst < src_.temp_base || current_k_ + 2 >= instrs_.size() || addr == dst) return false;
    const Instr& op_in = instrs_[current_k_ + 1];
    const Instr& store_in = instrs_[current_k_ + 2];
    if (op_in.info->form != HandlerInfo::Plain || store_in.info->form != HandlerInfo::Plain) return false;
    const OpKind kind = plain_op_kind(op_in.info->op);
    const InstId id = int_bin_id(op_in.info->op);
    const uint64_t* q = w(op_in);
    const uint64_t* r = w(store_in);
    if ((kind != OpKind::IntBin32 && kind != OpKind::IntBin64) || id == Inst::kIdImul ||
        (kind == OpKind::IntBin64) != loads_i64(load) || q[1] != dst || q[2] != dst || q[3] == dst)
      return false;
    if (plain_op_kind(store_in.info->op) != OpKind::Store || r[1] != addr || r[2] != dst || r[3] != offset ||
        access_bytes(store_in.info->op) != access_bytes(load) || load == Opcode::F32Load || load == Opcode::F64Load ||
        is_target(current_k_ + 1) || is_target(current_k_ + 2))  // (a look-up: last)
      return false;
    const uint32_t bytes = access_bytes(load);
    Operand y = gp_in_or_imm(q[3], bytes == 8);
    if (y.isMem()) {  // (rax: scratch)
      a_->emit(Inst::kIdMov, bytes == 8 ? Gp(rax) : Gp(eax), y);
      y = bytes == 8 ? Gp(rax) : Gp(eax);
    }
    if (y.isReg()) {
      const Gp g = y.as<Gp>();
      y = bytes == 1 ? Gp(g.r8()) : bytes == 2 ? Gp(g.r16()) : bytes == 4 ? Gp(g.r32()) : Gp(g.r64());
    } else if (bytes < 4) {
      const int64_t v = y.as<Imm>().value();
      y = imm(bytes == 1 ? int64_t(int8_t(v)) : int64_t(int16_t(v)));
    }
    cache_.forget(dst);  // (never written: the store pops it)
    a_->emit(id, m, y);
    drop_temps_popped_by(op_in);
    drop_temps_popped_by(store_in);
    skip_ = 2;
    return true;
  }
  // The condition of the br_if (or if) after it: `cmp [m], 0` at the
  // load's width (a value is zero when its bytes are), the branch on the
  // flags it leaves (see last_compare_; the br_if is emitted as usual).
  bool tested_by_branch(Opcode load, uint64_t dst, const Mem& m, const Instr& next) {
    if (next.info->form != HandlerInfo::InternalForm ||
        (next.info->internal != Internal::BrIf && next.info->internal != Internal::BrUnless) || w(next)[1] != dst ||
        loads_i64(load) || load == Opcode::F32Load || load == Opcode::F64Load)
      return false;
    cache_.forget(dst);  // (never written: the branch pops it)
    a_->emit(Inst::kIdCmp, m, imm(0));
    last_compare_ = Compare{dst, CondCode::kNE};
    return true;
  }
  static bool loads_i64(Opcode load) {
    switch (load) {
      case Opcode::I64Load: case Opcode::I64Load8S: case Opcode::I64Load8U: case Opcode::I64Load16S:
      case Opcode::I64Load16U: case Opcode::I64Load32S: case Opcode::I64Load32U:
        return true;
      default: return false;
    }
  }

  void emit_store(Opcode op, uint64_t addr, uint64_t value, uint64_t offset) {
    FastAssembler& a = *a_;
    const uint32_t bytes = access_bytes(op);
    Mem m = checked_address(addr, offset, bytes, bytes * 8);
    if (auto e = cache_.find(value); e && e->xmm && (op == Opcode::F32Store || op == Opcode::F64Store)) {
      a.emit(op == Opcode::F64Store ? Inst::kIdMovsd : Inst::kIdMovss, m, RegCache::xmm(e->reg));
      return;
    }
    if (const std::optional<uint64_t> c = constant_in(value)) {  // an immediate
      const uint64_t v = *c;
      switch (bytes) {
        case 1: a.mov(m, imm(int8_t(v))); return;
        case 2: a.mov(m, imm(int16_t(v))); return;
        case 4: a.mov(m, imm(int32_t(v))); return;
        default:
          if (int64_t(v) == int64_t(int32_t(v))) return a.mov(m, imm(int32_t(v))), void();
          break;
      }
    }
    // From the value's register when it is in one, else through rdx.
    const Operand v = gp_in(value, true);
    Gp r = rdx;
    if (v.isReg()) r = v.as<Gp>();
    else a.emit(Inst::kIdMov, rdx, v);
    switch (bytes) {
      case 1: a.mov(m, r.r8()); break;
      case 2: a.mov(m, r.r16()); break;
      case 4: a.mov(m, r.r32()); break;
      default: a.mov(m, r.r64()); break;
    }
  }

  StoreImpl& store_;
  FuncInstance& func_;
  const CompiledFunc& src_;
  NativeCode& out_;
  MemoryInstance* memi_ = nullptr;
  bool has_lzcnt_ = false, has_tzcnt_ = false, has_popcnt_ = false;
  bool has_bmi2_ = false;  // shlx/shrx/sarx and rorx: shifts and rotates with a separate destination
  Scratch& scratch_ = scratch();
  std::vector<Instr>& instrs_ = scratch_.instrs;
  std::vector<size_t>& targets_ = scratch_.targets;
  CodeHolder& code_ = scratch_.code;
  RecordingErrorHandler errors_;
  FastAssembler* a_ = nullptr;
  const EntryRoutine* entry_routine_ = nullptr;  // native_entry_routine()
  // The label of each branch target: labels_[k] is targets_[k]'s (a vector,
  // not a map: a body may have millions of targets).
  std::vector<Label>& labels_ = scratch_.labels;
  // Whether the instruction after the current one is a branch target (from
  // the walk's cursor: a step or two on, not a search).
  [[gnu::always_inline]] bool next_is_target() const {
    const size_t index = instrs_[current_k_ + 1].index;
    size_t k = next_target_;
    while (k < targets_.size() && targets_[k] < index) ++k;
    return k < targets_.size() && targets_[k] == index;
  }
  const Label* target_label(size_t index) const {
    const auto it = std::lower_bound(targets_.begin(), targets_.end(), index);
    return it != targets_.end() && *it == index ? &labels_[size_t(it - targets_.begin())] : nullptr;
  }
  // (An index that is no target gives an invalid label: asmjit's error
  // then fails the compilation.)
  Label label_of_target(size_t index) const {
    const Label* label = target_label(index);
    return label ? *label : Label();
  }
  TrapSites trap_sites_;
  std::vector<JumpTable> jump_tables_;
  // Loops: header index -> index of the last branch back to it (or of a
  // nested loop's: see extend_loops_over_nested).
  std::map<size_t, size_t> loop_end_;
  struct ActiveLoop {
    size_t header;
    size_t end;                    // its last instruction
    std::vector<uint64_t> pinned;  // the slots this loop pinned (enclosing loops' stay)
  };
  std::vector<ActiveLoop> loops_;  // the loops with pins the code is in, innermost last
  ScanBudget header_scan_budget_{0};  // what enter_loop may still read to rank locals
  std::map<size_t, Label> body_labels_;  // header -> where branches back enter (pins loaded)
  std::vector<size_t> osr_entries_;      // code positions OSR may enter at (sorted)
  std::map<size_t, Label> osr_labels_;   // such a position -> its entry stub (loads the pins)
  Label osr_internal_;                   // the OSR entry's internal form (NativeCode::osr_internal)
  // The type of each param and declared local, at its first slot (params
  // and locals occupy the slots below const_base).
  std::vector<std::optional<ValType>>& local_type_ = scratch_.local_type;
  std::optional<ValType> local_type(uint64_t slot) const {
    return slot < local_type_.size() ? local_type_[slot] : std::nullopt;
  }
  // Whether `slot` always holds an i32: an i32 local's, and no result's (a
  // return moves its results to slots 0.., whatever the locals there).
  // An i32 local whose slot only ever holds an i32 (a result slot too,
  // when the result a return writes there is an i32): Pin::i32.
  bool i32_local(uint64_t slot) const {
    return local_type(slot) == ValType::I32 && (slot >= src_.num_results || result_type_at(slot) == ValType::I32);
  }
  // The type of the result that a return writes at `slot` (the first of
  // its slots; none: within a v128's).
  std::optional<ValType> result_type_at(uint64_t slot) const {
    uint64_t at = 0;
    for (ValType t : func_.type->results) {
      if (at == slot) return t;
      at += interp::slot_width(t);
    }
    return std::nullopt;
  }
  size_t current_ = 0;                      // index of the instruction being compiled
  size_t next_target_ = 0;  // the walk's cursor into targets_: the first at or after the current instruction
  std::optional<ScaledAddress> scaled_address_;  // a shift and add left to a load (see folds_scaled_address)
  struct TableBias {
    uint64_t slot;  // x, the index before the subtraction
    uint32_t pad;   // k
    size_t at;      // the br_table's position in instrs_
  };
  std::optional<TableBias> table_bias_;  // a br_table's index x - k left to its table (see biases_table_index)
  size_t current_k_ = 0;                    // its index in instrs_
  size_t site_index_ = 0;                   // the instruction whose code is being emitted (see defer)
  size_t origin_cursor_ = 0;                // see origin_of
  std::vector<std::function<void()>> deferred_;
  std::vector<std::pair<Label, std::array<uint8_t, 16>>> v128_literals_;  // see v128_literal
  Label own_trap_, trap_out_of_segment_, oob_, no_stack_at_entry_, internal_, const_label_;
  bool const_pool_ = false;
  bool guarded_ = false, registered_ = true;
  // The internal entry checks the value stack by reading the frame's last
  // byte (see ExecContext::kValueStackGuardBytes), not by a compare.
  bool probes_value_stack_ = false;
  bool saves_callee_saved_ = false;  // the internal entry saves r15 and rbp (see compile)
  std::optional<RegCache::Entry> result_reg_;  // where it returns its first result too (result_register)
  // The direct calls to callees without code yet (see emit_call), when
  // late_calls_bound_.
  bool late_calls_bound_ = false;
  struct LateCall {
    Label cell, look_up;
    FuncInstance* callee;
    int32_t skip;
  };
  std::vector<LateCall> late_calls_;
  uint32_t calls_out_count_ = 0;  // how many instructions call out (see calls_out; set by scan)
  bool saves_r14_ = false;  // the internal entry saves r14 (see loops_use_callee_saved)
  // Whether r14 holds the address of the memory's size: a property of the
  // instance (its memory is not guarded), not of one function's code (a
  // function compiled with explicit checks when the fault handler's
  // registry is full may be called from one that caches values in r14).
  bool memory_size_in_r14_ = false;
  size_t skip_ = 0;  // how many instructions after this one emit() folded into it (see forwarded_dst)
  bool falls_through_ = true;  // whether the code emitted last goes on to what follows (see join_paths)
  RegCache& cache_ = scratch_.cache;
  std::vector<CompiledFunc::Origin>& code_origins_ = scratch_.code_origins;  // (see mark_site)
  std::vector<size_t>& stub_needed_ = scratch_.stub_needed;
  // A compare that set `dst` from the flags `cc` (see set_bool).
  struct Compare {
    uint64_t dst;
    CondCode cc;
  };
  std::optional<Compare> last_compare_, compare_;
};

}  // namespace

uint64_t indirect_call_key(uint32_t type_id, const InstanceImpl* instance) {
  const auto address = reinterpret_cast<uint64_t>(instance);
  if (type_id >= (1u << 16) || address >> 48 || !address) return 0;
  return uint64_t(type_id) << 48 | address;
}

void publish_indirect_call(FuncInstance& func, NativeEntry entry) {
  func.internal_entry = reinterpret_cast<const uint8_t*>(entry) + kInternalEntryOffset;
  // (After the entry: compiled code that finds the key calls it.)
  std::atomic_ref<uint64_t>(func.indirect_call_key).store(indirect_call_key(func.type_id, func.instance), std::memory_order_release);
}

NativeEntry compile_x64(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& out) {
  bool use_guard = true;
  // A buffer for the likely code size up front (a big function would
  // otherwise be compiled again at each doubling from the usual size).
  const size_t likely_bytes = source.code.size() * 8;
  if (likely_bytes > X64Compiler::buffer_capacity() && !X64Compiler::grow_buffer(likely_bytes)) return nullptr;
  for (;;) {
    X64Compiler compiler(store, func, source, out, use_guard);
    if (NativeEntry entry = compiler.compile()) {
      if (source.code.size() > (size_t(1) << 18)) X64Compiler::trim_scratch();
      return entry;
    }
    discard_attempt(out);
    if (compiler.buffer_short()) {
      if (!X64Compiler::grow_buffer()) return nullptr;
    } else if (use_guard && !compiler.registered()) {
      use_guard = false;  // the fault handler's registry is full: explicit checks
    } else {
      return nullptr;
    }
  }
}

}  // namespace mywasm::jit
