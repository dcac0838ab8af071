// Tier-up off the running thread (Config::background_compile): a function
// that gets hot is queued here and compiled on one helper thread of the
// process while the interpreter goes on running it; the next call, or the
// next iteration of the loop it is in (on-stack replacement), finds its
// native entry. Without it the function is compiled where it got hot, and
// the wasm that made it hot waits: a 1.5 MB function for a third of a
// second.
//
// One helper for every store: compiles are short and a store per request
// (a server's) must not cost a thread each. A store being destroyed takes
// its functions off the queue and waits for one of them in progress
// (forget), so the helper never sees a store that is gone.
//
// What the helper may touch: jit::compile reads the function's module (never
// changed), its instance's index spaces and the store's object vectors (which
// an instantiation or a new host object appends to), and writes the
// function's native code, publishing its entry last (jit::publish_entry).
// So each compile holds its store's StoreImpl::structure_mutex, which
// whatever appends to the store's vectors takes too; wasm running meanwhile
// reads none of it (the interpreter reads the native entry atomically).
#pragma once
#include <cstddef>

#include "runtime/store.hpp"

namespace mywasm::jit {

// The tier-up of `f` (hot in the interpreter, Config::Tier::Tiered): queued
// for the helper when Config::background_compile is set and the helper can
// be had, else compiled now. True when `f` has native code on return
// (compiled now, or before). `f`'s tier-up countdown is reset by the caller,
// so it is queued at most once.
bool tier_up(StoreImpl& store, FuncInstance& f);

// Queues the full compiler's code for `f`, which runs lean code
// (jit::compile_upgrade); false when the helper cannot be had (the caller
// compiles it itself).
bool request_upgrade(StoreImpl& store, FuncInstance& f);
// Takes `store`'s functions off the helper's queue and waits for one of them
// being compiled: a store calls it before it is destroyed.
void forget_background_compiles(StoreImpl& store);

// Blocks until none of `store`'s functions is queued or being compiled
// (for tests).
void drain_background_compiles(StoreImpl& store);

// Functions of `store` the helper has compiled (or tried to) so far.
size_t background_compiles_done(const StoreImpl& store);

}  // namespace mywasm::jit
