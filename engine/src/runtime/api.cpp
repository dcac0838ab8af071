// Engine, Store and Module::compile: the entry points of the public API.
// decoder.hpp/validator.hpp come first: they name the IR's Module
// unqualified, which is ambiguous once the public header is in scope.
#include "decoder.hpp"
#include "loader.hpp"

#include "interp/code.hpp"  // CompiledFunc complete, for ~StoreImpl
#include "mywasm/mywasm.hpp"
#include "runtime/module_impl.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/store.hpp"

namespace mywasm {

std::optional<Config::Tier> Config::tier_named(std::string_view name) {
  for (size_t i = 0; i < kTierNames.size(); ++i)
    if (kTierNames[i] == name) return Tier(i);
  return std::nullopt;
}

std::optional<Config::JitCompiler> Config::jit_compiler_named(std::string_view name) {
  for (size_t i = 0; i < kJitCompilerNames.size(); ++i)
    if (kJitCompilerNames[i] == name) return JitCompiler(i);
  return std::nullopt;
}

Engine::Engine(Config config) : config_(config) {}

Store::Store(Engine& engine) : engine_(engine), impl_(std::make_unique<StoreImpl>(engine)) {
  impl_->api = this;
}

Store::~Store() = default;

void Store::interrupt() { impl_->interrupt_requested.store(true, std::memory_order_relaxed); }

uint32_t Store::id() const { return impl_->id; }

const StoreLimits& Store::limits() const { return impl_->limits; }

void Store::set_limits(const StoreLimits& limits) { impl_->set_limits(limits); }

namespace {
// Where a store's fuel is: in this thread's context while a call runs in
// the store (a host function asks), else in the store.
int64_t& fuel_of(StoreImpl& s) {
  ExecContext& st = exec_context();
  return st.fuel_store == &s ? st.fuel_left : s.fuel;
}
}  // namespace

bool Store::set_fuel(uint64_t fuel) {
  if (!engine_.config().consume_fuel) return false;
  fuel_of(*impl_) = static_cast<int64_t>(std::min<uint64_t>(fuel, INT64_MAX));
  return true;
}

std::optional<uint64_t> Store::fuel() const {
  if (!engine_.config().consume_fuel) return std::nullopt;
  return static_cast<uint64_t>(std::max<int64_t>(fuel_of(*impl_), 0));
}

namespace {
Error load_error(Error::Kind kind, const LoadError& e) {
  Error err;
  err.kind = kind;
  err.message = e.message;
  err.offset = e.offset;
  return err;
}
}  // namespace

Result<mywasm::Module> mywasm::Module::compile(Engine& engine, std::span<const uint8_t> bytes) {
  std::shared_ptr<const std::vector<uint8_t>> copy;
  try {
    copy = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  } catch (const std::bad_alloc&) {
    return Error{Error::Kind::Other, "out of host memory while loading the module", {}, {}};
  }
  std::span<const uint8_t> view(*copy);
  return compile(engine, std::move(copy), view);
}

Result<mywasm::Module> mywasm::Module::compile(Engine& engine, std::shared_ptr<const void> owner,
                                               std::span<const uint8_t> bytes) {
  return compile_module_bytes(ir::ModuleBytes(std::move(owner), bytes));
}

Result<mywasm::Module> compile_module_bytes(ir::ModuleBytes bytes) {
  try {
    auto impl = std::make_shared<ModuleImpl>();
    if (auto failure = load_module(std::move(bytes), impl->module))
      return load_error(failure->malformed ? Error::Kind::Malformed : Error::Kind::Invalid, failure->error);
    return ModuleImpl::to_handle(std::move(impl));
  } catch (const std::bad_alloc&) {
    return Error{Error::Kind::Other, "out of host memory while loading the module", {}, {}};
  }
}

std::vector<ImportDesc> mywasm::Module::imports() const {
  if (!impl_) return {};
  const ir::Module& m = impl_->module;
  std::vector<ImportDesc> out;
  out.reserve(m.imports.size());
  for (const ir::Import& imp : m.imports) {
    ImportDesc d;
    d.module = imp.module;
    d.name = imp.name;
    d.kind = imp.kind;
    switch (imp.kind) {
      case ExternKind::Func: d.func = m.types[imp.func_type]; break;
      case ExternKind::Table: d.table = imp.table; break;
      case ExternKind::Memory: d.memory = imp.memory; break;
      case ExternKind::Global: d.global = imp.global; break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<ExportDesc> mywasm::Module::exports() const {
  std::vector<ExportDesc> out;
  if (!impl_) return out;
  const ir::Module& m = impl_->module;
  for (const ir::Export& e : m.exports) {
    ExportDesc d{e.name, e.kind, {}, {}, {}, {}};
    switch (e.kind) {
      case ExternKind::Func: d.func = m.func_type(e.index); break;
      case ExternKind::Table: d.table = m.tables[e.index]; break;
      case ExternKind::Memory: d.memory = m.memories[e.index]; break;
      case ExternKind::Global: d.global = m.global_types[e.index]; break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace mywasm
