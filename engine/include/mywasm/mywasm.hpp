// mywasm embedding API.
//
//   mywasm::Engine engine;
//   auto module = mywasm::Module::compile(engine, bytes);      // Result<Module>
//   mywasm::Store store(engine);
//   mywasm::Linker linker(engine);
//   linker.func_wrap("env", "add", [](int32_t a, int32_t b) { return a + b; });
//   auto instance = linker.instantiate(store, *module);        // Result<Instance>
//   auto results = instance->func("f")->call(store, {mywasm::Value::i32(1)});
//
// Errors cross this API as values (Result<T>), never as exceptions.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "mywasm/types.hpp"

namespace mywasm {

// ---------------------------------------------------------------- values

// A reference value: null, a function (opaque store object), or a host
// extern reference carrying a user integer (as the spec tests' ref.extern N).
// A funcref names its store (Store::id): passed to another store, or
// forged, it is refused (a call returns an error, Table::set false, ...).
struct Ref {
  enum class Kind : uint8_t { Null, Func, Extern };
  Ref() = default;
  Ref(Kind k, uintptr_t b, uint32_t store_id = 0) : kind(k), store(store_id), bits(b) {}
  Kind kind = Kind::Null;
  uint32_t store = 0;  // Func: the owning store's id
  uintptr_t bits = 0;  // Func: engine-private identity; Extern: user payload
  bool is_null() const { return kind == Kind::Null; }
  bool operator==(const Ref&) const = default;
};

struct V128 {
  uint8_t bytes[16] = {};
  bool operator==(const V128& o) const { return std::memcmp(bytes, o.bytes, 16) == 0; }
};

class Value {
 public:
  Value() : type_(ValType::I32) {}
  static Value i32(int32_t v) { Value x(ValType::I32); x.u_.i64 = static_cast<uint32_t>(v); return x; }
  static Value i64(int64_t v) { Value x(ValType::I64); x.u_.i64 = static_cast<uint64_t>(v); return x; }
  static Value f32(float v) { Value x(ValType::F32); std::memcpy(&x.u_.i64, &v, 4); return x; }
  static Value f64(double v) { Value x(ValType::F64); std::memcpy(&x.u_.i64, &v, 8); return x; }
  static Value f32_bits(uint32_t b) { Value x(ValType::F32); x.u_.i64 = b; return x; }
  static Value f64_bits(uint64_t b) { Value x(ValType::F64); x.u_.i64 = b; return x; }
  static Value v128(const V128& v) { Value x(ValType::V128); x.u_.v = v; return x; }
  static Value ref(ValType t, Ref r) { Value x(t); x.u_.r = r; return x; }
  static Value null_ref(ValType t) { return ref(t, Ref{}); }
  static Value extern_ref(uintptr_t payload) { return ref(ValType::ExternRef, Ref{Ref::Kind::Extern, payload}); }
  static Value zero(ValType t);  // the default value of a type

  ValType type() const { return type_; }
  int32_t i32() const { return static_cast<int32_t>(u_.i64); }
  int64_t i64() const { return static_cast<int64_t>(u_.i64); }
  uint32_t f32_bits() const { return static_cast<uint32_t>(u_.i64); }
  uint64_t f64_bits() const { return u_.i64; }
  float f32() const { float f; uint32_t b = f32_bits(); std::memcpy(&f, &b, 4); return f; }
  double f64() const { double d; std::memcpy(&d, &u_.i64, 8); return d; }
  const V128& v128() const { return u_.v; }
  const Ref& ref() const { return u_.r; }
  // Bit-exact equality (NaN payloads compare by bits).
  bool operator==(const Value& o) const;
  std::string to_string() const;  // "i32:42", "f32:nan:0x400000", "ref.null func"

 private:
  explicit Value(ValType t) : type_(t) {}
  ValType type_;
  union Payload {
    Payload() : v{} {}  // all 16 bytes zero (members have default initialisers, so spell one out)
    uint64_t i64;
    V128 v;
    Ref r;
  } u_;
};

// ---------------------------------------------------------------- errors

class Instance;

// A frame of a trap's backtrace: the function, the instance it runs in
// (none for a host function), and where in the module binary: the trapping
// instruction in the innermost frame, a caller's call in the others, in
// every tier.
struct Frame {
  uint32_t func_index = 0;
  std::string func_name;  // from the name section, else export name, else "func[N]"
  std::string module_name;
  uint32_t store_id = 0;
  std::optional<uint32_t> instance_addr;  // the instance's address in the store
  uint64_t module_offset = 0;  // bytes from the start of the module
  uint32_t func_offset = 0;    // bytes from the start of the function's body (its locals)
  std::optional<Instance> instance() const;
};

struct Trap {
  enum class Kind : uint8_t {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversion,
    StackExhausted,
    StepLimit,    // Config::step_limit ran out
    OutOfFuel,    // Store::set_fuel ran out (Config::consume_fuel)
    OutOfHostMemory,  // the runtime could not allocate (not the guest's fault)
    Interrupted,  // Store::interrupt()
    NullReference,
    Host,  // raised by a host function (message says why)
    Exit,  // WASI proc_exit: not an error, `exit_code` holds the status
  };
  Kind kind = Kind::Unreachable;
  std::string message;      // the spec's wording: "integer divide by zero", ...
  int exit_code = 0;        // Kind::Exit only
  std::vector<Frame> backtrace;  // innermost frame first
};

struct Error {
  enum class Kind : uint8_t {
    Malformed,      // decoding failed (assert_malformed)
    Invalid,        // validation failed (assert_invalid)
    Unlinkable,     // import resolution failed (assert_unlinkable)
    Uninstantiable, // a trap during instantiation (assert_uninstantiable)
    Trap,           // a trap during a call
    Other,          // I/O, usage, resource limits
  };
  Kind kind = Kind::Other;
  std::string message;                     // spec wording, without location
  std::optional<uint64_t> offset;          // byte offset in the module, where known
  std::optional<mywasm::Trap> trap;        // Kind::Trap / Uninstantiable
  std::string to_string() const;           // "message at offset 0x1a" / trap message
};

// Result<T>: a T or an Error (a small std::expected stand-in for C++20).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};
struct Unit {};

// ---------------------------------------------------------------- engine

// How compiled code keeps linear-memory accesses in bounds (the choice is
// made per memory, when it is created):
//  - Auto: reserve 8 GiB of address space (4 GiB, the largest offset and a
//    guard page) so that no access needs a check: an out-of-bounds one
//    faults and becomes a trap. Where that much cannot be had (ulimit -v,
//    thousands of live memories), the memory reserves its declared maximum
//    (or the page limit, or what address space is left) and compiled code
//    checks every access against its size, as the interpreter always does.
//    When no compiled code can run (Tier::Interpreter, or no compiler for
//    this host), Auto is Explicit: guard pages would buy nothing.
//  - GuardPages: the 8 GiB reservation or the memory is not created.
//  - Explicit: always the bounded reservation with explicit checks.
// A memory never moves; one whose reservation is smaller than its maximum
// fails memory.grow beyond it (-1), as the spec allows.
enum class BoundsChecks : uint8_t { Auto, GuardPages, Explicit };

// Resource limits of one store. A new Store takes Config::store_limits;
// Store::set_limits changes them for that store alone (tables at once,
// memories created afterwards).
struct StoreLimits {
  // 0: none. Otherwise a memory may have at most this many 64 KiB pages: a
  // module asking more at instantiation fails, memory.grow past it returns
  // -1 (WasmEdge's --memory-page-limit).
  uint64_t max_memory_pages = 0;
  // Host limits on table elements: for one table (the JS API's limit) and
  // for all tables of a store together (8 bytes each). A module whose
  // tables exceed them fails to instantiate; table.grow past them fails.
  uint64_t max_table_elements = 10'000'000;
  uint64_t max_store_table_elements = 50'000'000;
};

struct Config {
  // Interpreter only; every function of a module compiled when it is
  // instantiated, before its start function (a module with 1 MB of code or
  // more on every hardware thread); or the interpreter first and compiled
  // code once a function is hot.
  // Functions the compiler cannot take (or a host without it: x86-64 with
  // SSE4.1 only, so far) stay in the interpreter.
  enum class Tier : uint8_t { Interpreter, Jit, Tiered };
  Tier tier = Tier::Tiered;
  // The tiers by the names `mywasm --tier`, $MYWASM_TIER and the C API
  // take, in Tier's order; tier_named: nullopt for any other name.
  static constexpr std::array<std::string_view, 3> kTierNames{"interp", "jit", "tiered"};
  static std::optional<Tier> tier_named(std::string_view name);
  // Tier::Tiered: interpreter calls plus loop iterations of a function
  // before it is compiled (a hot loop then continues in compiled code).
  // JitCompiler::Both: the same in lean code, before the full compiler
  // recompiles the function.
  uint32_t tier_up_threshold = 1000;
  // Tier::Tiered (and JitCompiler::Both's recompiles): a hot function is
  // compiled on the process's helper thread (one for every store) while
  // the interpreter (or its lean code) goes on running it (its next call,
  // or its loop's next iteration, enters the new code), rather than on the
  // thread that runs it, at the point it got hot (which then waits for the
  // compile: reproducible, as a conformance run wants).
  bool background_compile = true;
  // Which compiler makes compiled code: the full one (from the
  // interpreter's translation, with a register cache and loop pins), the
  // lean one (straight from the wasm body, one pass, for compile speed;
  // x86-64 only so far, and a function it does not take yet goes to the
  // full one), or both: the lean one first, and the full one for a
  // function whose lean code gets hot (tier_up_threshold calls plus loop
  // iterations; its callers go on in the new code at their next call, a
  // running loop at its next iteration). The names `mywasm --jit-compiler`
  // takes, in this order (jit_compiler_named: nullopt for any other name).
  enum class JitCompiler : uint8_t { Full, Lean, Both };
  JitCompiler jit_compiler = JitCompiler::Both;
  static constexpr std::array<std::string_view, 3> kJitCompilerNames{"full", "lean", "both"};
  static std::optional<JitCompiler> jit_compiler_named(std::string_view name);
  uint32_t max_call_depth = 10000;          // deeper calls trap "call stack exhausted"
  uint64_t max_value_stack_bytes = 64u << 20;  // interpreter value stack per store
  // The interpreter's fused and specialised instruction forms (compare +
  // branch, immediate operands, op[load], chains, merged moves, ...). Off,
  // every wasm instruction translates to its plain form on its own: the
  // reference that differential testing compares the fused translation to.
  bool interp_fusions = true;
  // 0: unlimited. Otherwise a call into wasm from the embedder may take this
  // many steps (function entries plus loop iterations), counted across the
  // wasm it reaches, before it traps with "step limit exhausted": a bound
  // on run time that does not depend on the machine (fuzzing, tests).
  uint64_t step_limit = 0;
  // Count executed instructions against each store's fuel (Store::set_fuel;
  // a store starts with none, so set it before calling). Off, no counting
  // code is emitted.
  bool consume_fuel = false;
  // Lets Store::interrupt() stop running wasm (checked where steps are
  // counted: function entries and loop iterations). Off, that code is not
  // emitted at all.
  bool interruptible = false;
  // What each new store starts with.
  StoreLimits store_limits;
  BoundsChecks bounds_checks = BoundsChecks::Auto;
};

class Engine {
 public:
  explicit Engine(Config config = {});
  const Config& config() const { return config_; }

 private:
  Config config_;
};

// ---------------------------------------------------------------- module

struct ImportDesc {
  std::string module, name;
  ExternKind kind;
  // exactly one of these is meaningful, by kind
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};
struct ExportDesc {
  std::string name;
  ExternKind kind;
  // exactly one of these is meaningful, by kind (as in ImportDesc)
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct ModuleImpl;  // engine-private

// A decoded and validated module; cheap to copy (shared, immutable).
class Module {
 public:
  // Decodes and validates. Error kind is Malformed or Invalid, with offset.
  static Result<Module> compile(Engine& engine, std::span<const uint8_t> bytes);
  // The same without a copy: the module refers to `bytes`, which must stay
  // valid and unchanged while `owner` lives; the module keeps `owner`.
  static Result<Module> compile(Engine& engine, std::shared_ptr<const void> owner, std::span<const uint8_t> bytes);
  // Reads and compiles a binary module file. Custom sections other than
  // "name" (debug info, often most of the file) are never read into memory;
  // the bytes kept are a private copy, unaffected by later changes to the
  // file. A file that cannot be read is a Malformed error "cannot read ...".
  static Result<Module> compile_file(Engine& engine, const std::string& path);
  std::vector<ImportDesc> imports() const;
  std::vector<ExportDesc> exports() const;
  const std::shared_ptr<const ModuleImpl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const ModuleImpl> impl_;
  friend struct ModuleImpl;
};

// Encodes a module in the WebAssembly text format (WAT) to the binary
// format. Errors are Kind::Malformed with "line:column: message".
Result<std::vector<uint8_t>> wat_to_wasm(std::string_view wat);

// ---------------------------------------------------------------- store

struct StoreImpl;  // engine-private

// Owns all runtime objects. Handles below (Func, Memory, ...) are indices
// into a store and are valid as long as the store lives.
class Store {
 public:
  explicit Store(Engine& engine);
  // Process-unique; every handle and funcref carries its store's id.
  uint32_t id() const;
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  StoreImpl& impl() { return *impl_; }
  Engine& engine() { return engine_; }
  // Makes the wasm running in this store (or the next call into it) trap
  // "interrupted" at its next function entry or loop iteration. Safe to
  // call from any thread; needs Config::interruptible. Host functions
  // blocked in a system call are not woken.
  void interrupt();
  const StoreLimits& limits() const;
  void set_limits(const StoreLimits& limits);
  // Fuel (Config::consume_fuel): every wasm instruction executed in this
  // store costs one unit; when the fuel runs out, the call traps "all fuel
  // consumed" at the next function entry or loop iteration (so it may run
  // over by the rest of one loop body or function body). Without
  // consume_fuel, set_fuel returns false and fuel() is nullopt.
  bool set_fuel(uint64_t fuel);
  std::optional<uint64_t> fuel() const;

 private:
  Engine& engine_;
  std::unique_ptr<StoreImpl> impl_;
};

class Memory;

// What a host function sees of its caller: the calling instance's memory
// (for WASI-style pointer arguments) and the store.
class Caller {
 public:
  Caller(Store& store, std::optional<uint32_t> memory) : store_(store), memory_(memory) {}
  Store& store() { return store_; }
  // The caller instance's memory 0, if it has one.
  std::optional<Memory> memory();

 private:
  Store& store_;
  std::optional<uint32_t> memory_;
};

// A host function: reads args, writes results (sized by its FuncType).
// Returning a Trap aborts the wasm call (Trap::Kind::Exit for proc_exit).
using HostFunc = std::function<std::optional<Trap>(Caller&, std::span<const Value> args, std::span<Value> results)>;

// What every handle below is: an object's address in one store, and that
// store's id. A handle is only valid with the store that made it: used with
// another store, default-constructed or forged, it is refused (calls and
// creations give an error, set/grow give false/nullopt, type() and size
// queries give an empty value, data() nullptr). Handles are cheap to copy
// and stay valid as long as their store lives.
class Handle {
 public:
  uint32_t addr() const { return addr_; }
  uint32_t store_id() const { return store_; }
  bool belongs_to(const Store& store) const { return store_ != 0 && store_ == store.id(); }

 protected:
  Handle() = default;
  Handle(uint32_t store_id, uint32_t addr) : store_(store_id), addr_(addr) {}
  uint32_t store_ = 0, addr_ = 0;
};

class Func : public Handle {
 public:
  Func() = default;
  Func(uint32_t store_id, uint32_t addr) : Handle(store_id, addr) {}
  static Func host(Store& store, FuncType type, HostFunc fn);
  FuncType type(Store& store) const;
  // Calls the function. Arguments are checked against its type.
  Result<std::vector<Value>> call(Store& store, std::span<const Value> args) const;
  Result<std::vector<Value>> call(Store& store, std::initializer_list<Value> args) const {
    return call(store, std::span<const Value>(args.begin(), args.size()));
  }
  Ref as_ref() const;  // the funcref value of this function
};

class Memory : public Handle {
 public:
  Memory() = default;
  Memory(uint32_t store_id, uint32_t addr) : Handle(store_id, addr) {}
  // A handle not belonging to `store` if the memory cannot be had (its
  // minimum beyond StoreLimits::max_memory_pages, or no address space).
  static Memory create(Store& store, MemoryType type);
  MemoryType type(Store& store) const;
  uint8_t* data(Store& store) const;
  uint64_t size_bytes(Store& store) const;
  uint64_t size_pages(Store& store) const { return size_bytes(store) / kPageSize; }
  // Returns the old size in pages, or nullopt when growing is not possible.
  std::optional<uint64_t> grow(Store& store, uint64_t delta_pages) const;
};

class Table : public Handle {
 public:
  Table() = default;
  Table(uint32_t store_id, uint32_t addr) : Handle(store_id, addr) {}
  // A handle not belonging to `store` if `init` is refused or the table
  // cannot be allocated.
  static Table create(Store& store, TableType type, Ref init = {});
  TableType type(Store& store) const;
  uint32_t size(Store& store) const;
  std::optional<Ref> get(Store& store, uint32_t index) const;
  bool set(Store& store, uint32_t index, Ref value) const;
  std::optional<uint32_t> grow(Store& store, uint32_t delta, Ref init = {}) const;
};

class Global : public Handle {
 public:
  Global() = default;
  Global(uint32_t store_id, uint32_t addr) : Handle(store_id, addr) {}
  // A handle not belonging to `store` if `init` does not match `type`.
  static Global create(Store& store, GlobalType type, Value init);
  GlobalType type(Store& store) const;
  Value get(Store& store) const;
  bool set(Store& store, Value v) const;  // false if immutable or wrong type
};

using Extern = std::variant<Func, Table, Memory, mywasm::Global>;  // qualified: engine code also sees ir::Global

// ---------------------------------------------------------------- instance

class Instance : public Handle {
 public:
  Instance() = default;
  Instance(uint32_t store_id, uint32_t addr) : Handle(store_id, addr) {}
  std::optional<Extern> get_export(Store& store, std::string_view name) const;
  std::optional<Func> func(Store& store, std::string_view name) const;
  std::optional<Memory> memory(Store& store, std::string_view name) const;
  std::optional<mywasm::Global> global(Store& store, std::string_view name) const;
  std::optional<Table> table(Store& store, std::string_view name) const;
  std::vector<std::pair<std::string, Extern>> exports(Store& store) const;
};

inline std::optional<Instance> Frame::instance() const {
  if (!instance_addr) return std::nullopt;
  return Instance(store_id, *instance_addr);
}

// ---------------------------------------------------------------- linker

namespace detail {
template <class T> struct WasmTypeOf;
template <> struct WasmTypeOf<int32_t> { static constexpr ValType value = ValType::I32; };
template <> struct WasmTypeOf<uint32_t> { static constexpr ValType value = ValType::I32; };
template <> struct WasmTypeOf<int64_t> { static constexpr ValType value = ValType::I64; };
template <> struct WasmTypeOf<uint64_t> { static constexpr ValType value = ValType::I64; };
template <> struct WasmTypeOf<float> { static constexpr ValType value = ValType::F32; };
template <> struct WasmTypeOf<double> { static constexpr ValType value = ValType::F64; };

template <class T> T from_value(const Value& v) {
  if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) return static_cast<T>(v.i32());
  else if constexpr (std::is_integral_v<T>) return static_cast<T>(v.i64());
  else if constexpr (std::is_same_v<T, float>) return v.f32();
  else return v.f64();
}
template <class T> Value to_value(T x) {
  if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) return Value::i32(static_cast<int32_t>(x));
  else if constexpr (std::is_integral_v<T>) return Value::i64(static_cast<int64_t>(x));
  else if constexpr (std::is_same_v<T, float>) return Value::f32(x);
  else return Value::f64(x);
}

template <class F> struct FnTraits : FnTraits<decltype(&F::operator())> {};
template <class C, class R, class... A> struct FnTraits<R (C::*)(A...) const> {
  using Ret = R;
  using Args = std::tuple<A...>;
};
template <class C, class R, class... A> struct FnTraits<R (C::*)(A...)> : FnTraits<R (C::*)(A...) const> {};
template <class R, class... A> struct FnTraits<R (*)(A...)> {
  using Ret = R;
  using Args = std::tuple<A...>;
};
}  // namespace detail

// Resolves imports by (module, name) with exact type checks.
class Linker {
 public:
  explicit Linker(Engine& engine) : engine_(engine) {}
  void define(std::string module, std::string name, Extern item);
  // Makes every export of `instance` importable as module `module_name`.
  void define_instance(Store& store, std::string module_name, const Instance& instance);
  void define_func(Store& store, std::string module, std::string name, FuncType type, HostFunc fn);

  // Typed host function: the signature is deduced from the callable's
  // parameter and return types (int32_t, int64_t, float, double, void).
  template <class F>
  void func_wrap(Store& store, std::string module, std::string name, F fn) {
    using Traits = detail::FnTraits<decltype(&F::operator())>;
    using Ret = typename Traits::Ret;
    using Args = typename Traits::Args;
    FuncType type;
    std::apply([&](auto... a) { (type.params.push_back(detail::WasmTypeOf<decltype(a)>::value), ...); }, Args{});
    if constexpr (!std::is_void_v<Ret>) type.results.push_back(detail::WasmTypeOf<Ret>::value);
    define_func(store, std::move(module), std::move(name), type,
                [fn](Caller&, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
                  Args tuple;
                  size_t i = 0;
                  std::apply([&](auto&... a) { ((a = detail::from_value<std::decay_t<decltype(a)>>(args[i++])), ...); }, tuple);
                  if constexpr (std::is_void_v<Ret>) {
                    std::apply(fn, tuple);
                  } else {
                    results[0] = detail::to_value(std::apply(fn, tuple));
                  }
                  return std::nullopt;
                });
  }

  std::optional<Extern> get(std::string_view module, std::string_view name) const;

  // Resolves imports, allocates, runs segment initialisation and the start
  // function. Errors: Unlinkable ("unknown import", "incompatible import
  // type") or Uninstantiable (a trap, e.g. "out of bounds table access").
  Result<Instance> instantiate(Store& store, const mywasm::Module& module) const;

 private:
  Result<Instance> instantiate_unguarded(Store& store, const mywasm::Module& module) const;
  Engine& engine_;
  std::vector<std::tuple<std::string, std::string, Extern>> items_;
};

}  // namespace mywasm
