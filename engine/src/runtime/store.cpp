// StoreImpl: canonical function types and the reference encoding (see the
// comment at the top of store.hpp).
#include "runtime/store.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string_view>

#include "interp/code.hpp"  // CompiledFunc, destroyed with its FuncInstance
#include "jit.hpp"         // jit::NativeCode, likewise
#include "background_compiler.hpp"  // StoreImpl::background

namespace mywasm {

FuncInstance::FuncInstance() = default;
FuncInstance::~FuncInstance() = default;  // NativeCode is complete here (jit.hpp)

namespace {
uint32_t next_store_id() {
  static std::atomic<uint32_t> last{0};
  uint32_t id = last.fetch_add(1, std::memory_order_relaxed) + 1;
  return id ? id : last.fetch_add(1, std::memory_order_relaxed) + 1;  // 0 marks "no store"
}
}  // namespace

StoreImpl::StoreImpl(Engine& e) : engine(e), id(next_store_id()) {
  set_limits(e.config().store_limits);
  if (e.config().consume_fuel) fuel = 0;  // none until Store::set_fuel
}

void StoreImpl::set_limits(const StoreLimits& l) {
  limits = l;
  table_budget.per_table = std::min<uint64_t>(l.max_table_elements, 0xFFFFFFFFull);
  table_budget.per_store = l.max_store_table_elements;
}

std::unique_ptr<TableInstance> StoreImpl::new_table(const TableType& type, RefBits init) {
  if (!table_budget.take(0, type.limits.min)) return nullptr;
  auto t = std::make_unique<TableInstance>();
  t->type = type;
  t->budget = &table_budget;
  try {
    t->elems.assign(type.limits.min, init);
  } catch (const std::bad_alloc&) {
    table_budget.used -= type.limits.min;  // the destructor gives back only what elems holds
    return nullptr;
  }
  return t;
}

namespace {
// Auto takes guard pages only where compiled code may use them: the
// interpreter checks every access itself, so for it an 8 GiB reservation
// only costs address space (and, under user-mode emulation such as
// qemu-user, the emulator's memory for every reserved page).
// MYWASM_AUTO_BOUNDS_CHECKS=explicit in the environment makes Auto check
// explicitly in every tier: the arm64 tests under qemu-user set it, where
// each 8 GiB reservation costs the emulator about a second and memory for
// every reserved page (guard pages are tested there where asked for).
BoundsChecks bounds_checks_for(const Config& config) {
  static const bool auto_explicit = [] {
    const char* v = std::getenv("MYWASM_AUTO_BOUNDS_CHECKS");
    return v && std::string_view(v) == "explicit";
  }();
  // may_compile, not available(): a tiered run that never gets hot never
  // sets the compiler up. Should the code mapping fail at the first compile,
  // the reservation only costs address space (the interpreter checks).
  const bool compiled_code = config.tier != Config::Tier::Interpreter && !auto_explicit &&
                             (config.tier == Config::Tier::Jit ? jit::available() : jit::may_compile());
  return config.bounds_checks == BoundsChecks::Auto && !compiled_code ? BoundsChecks::Explicit : config.bounds_checks;
}
}  // namespace

std::unique_ptr<MemoryInstance> StoreImpl::new_memory(const MemoryType& type, std::string& why) {
  auto mem = std::make_unique<MemoryInstance>();
  if (uint64_t limit = limits.max_memory_pages) {
    mem->page_limit = limit;
    if (type.limits.min > limit) {
      why = fmt::format("memory of {} pages exceeds the host's limit of {} pages", type.limits.min, limit);
      return nullptr;
    }
  }
  if (!mem->init(type, bounds_checks_for(engine.config()))) {
    why = engine.config().bounds_checks == BoundsChecks::GuardPages
              ? "cannot reserve 8 GiB of address space for a memory (guard pages were asked for)"
              : fmt::format("cannot reserve address space for a memory of {} pages", type.limits.min);
    return nullptr;
  }
  return mem;
}

StoreImpl::~StoreImpl() {
  // (First: a compile of one of its functions in progress reads the rest.)
  if (background_used) jit::forget_background_compiles(*this);
  jit::release_all_code(funcs);
}

size_t StoreImpl::FuncTypeHash::operator()(const FuncType& t) const {
  // (FNV-1a over the value types, the results after a separator no
  // ValType has.)
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](uint8_t byte) { h = (h ^ byte) * 0x100000001b3ull; };
  for (ValType v : t.params) mix(uint8_t(v));
  mix(0);
  for (ValType v : t.results) mix(uint8_t(v));
  return size_t(h);
}

uint32_t StoreImpl::intern_type(const FuncType& t) {
  const auto [it, inserted] = type_index.try_emplace(t, uint32_t(type_ids.size()));
  if (inserted) type_ids.push_back(t);
  return it->second;
}

bool StoreImpl::owns(const Ref& r) const { return r.store == id && r.bits < funcs.size(); }

RefBits StoreImpl::to_bits(const Ref& r) {
  switch (r.kind) {
    case Ref::Kind::Null: return kNullRef;
    case Ref::Kind::Func: return reinterpret_cast<RefBits>(funcs[r.bits].get());
    case Ref::Kind::Extern: {
      // Equal payloads share one slot, so a payload read back compares equal.
      auto [it, inserted] = extern_ids.try_emplace(r.bits, static_cast<uint32_t>(externs.size()));
      if (inserted) externs.push_back(r.bits);
      return static_cast<RefBits>(it->second) + 1;
    }
  }
  return kNullRef;
}

Ref StoreImpl::from_bits(ValType t, RefBits b) const {
  if (b == kNullRef) return Ref{};
  if (t == ValType::FuncRef) return Ref{Ref::Kind::Func, reinterpret_cast<const FuncInstance*>(b)->addr, id};
  return Ref{Ref::Kind::Extern, externs[b - 1]};
}

void StoreImpl::value_to_bits(const Value& v, uint64_t out[2]) {
  out[0] = out[1] = 0;
  switch (v.type()) {
    case ValType::I32: out[0] = static_cast<uint32_t>(v.i32()); break;
    case ValType::I64: out[0] = static_cast<uint64_t>(v.i64()); break;
    case ValType::F32: out[0] = v.f32_bits(); break;
    case ValType::F64: out[0] = v.f64_bits(); break;
    case ValType::V128: std::memcpy(out, v.v128().bytes, 16); break;
    case ValType::FuncRef:
    case ValType::ExternRef: out[0] = to_bits(v.ref()); break;
  }
}

Value StoreImpl::value_from_bits(ValType t, const uint64_t bits[2]) const {
  switch (t) {
    case ValType::I32: return Value::i32(static_cast<int32_t>(bits[0]));
    case ValType::I64: return Value::i64(static_cast<int64_t>(bits[0]));
    case ValType::F32: return Value::f32_bits(static_cast<uint32_t>(bits[0]));
    case ValType::F64: return Value::f64_bits(bits[0]);
    case ValType::V128: {
      V128 v;
      std::memcpy(v.bytes, bits, 16);
      return Value::v128(v);
    }
    case ValType::FuncRef:
    case ValType::ExternRef: return Value::ref(t, from_bits(t, bits[0]));
  }
  return Value();
}

}  // namespace mywasm
