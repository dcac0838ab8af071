// mywasm's implementation of the standard WebAssembly C++ API.
//
// Source compatible with the C++ API published by the WebAssembly/wasm-c-api
// project (its wasm.hh): the same classes, functions, signatures and
// ownership rules, so a program written against that API builds and links
// against libmywasm unchanged. This header is mywasm's own text; it needs
// C++11 or later.
//
// Ownership, in short: own<T> is a std::unique_ptr<T> and ownvec<T> a vec of
// them; a function taking or giving an own<...> or a vec hands ownership
// over. Every object of this API is made by the library (the constructors
// are deleted) and released by deleting it, which is what own<T> does.
// Objects of a store (functions, globals, tables, memories, instances,
// foreign objects) live as long as their store: deleting one releases only
// that handle, and host-info finalizers run when the store is deleted.
//
// The classes are views of the C API's objects (wasm.h): a wasm::Func* is
// a wasm_func_t*, a Val has wasm_val_t's layout, a vec<T> that of the
// matching wasm_*_vec_t. A program may use both APIs on the same objects.
#ifndef MYWASM_WASM_HH
#define MYWASM_WASM_HH

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <utility>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN __attribute__((visibility("default")))
#endif

static_assert(sizeof(float) == sizeof(int32_t), "float must be 32 bits");
static_assert(sizeof(double) == sizeof(int64_t), "double must be 64 bits");

using byte_t = char;
using float32_t = float;
using float64_t = double;

namespace wasm {

// ------------------------------------------------------------ vectors

// An owned array of `size()` elements, or the invalid vector (size SIZE_MAX,
// false as a bool) that failed allocations and moved-from vectors are.
template <class T>
class vec {
 public:
  using elem_type = T;

  vec(vec&& other) noexcept : size_(other.size_), data_(std::move(other.data_)) { other.size_ = kInvalid; }
  ~vec() = default;

  operator bool() const { return size_ != kInvalid; }
  auto size() const -> size_t { return size_; }
  auto get() const -> const T* { return data_.get(); }
  auto get() -> T* { return data_.get(); }

  // The elements, now the caller's (allocated with new[]); the vector is invalid after.
  auto release() -> T* {
    size_ = kInvalid;
    return data_.release();
  }
  void reset() {
    size_ = kInvalid;
    data_.reset();
  }
  void reset(vec& other) {
    size_ = other.size_;
    data_ = std::move(other.data_);
    other.size_ = kInvalid;
  }
  auto operator=(vec&& other) -> vec& {
    reset(other);
    return *this;
  }

  auto operator[](size_t i) -> T& {
    assert(i < size_);
    return data_[i];
  }
  auto operator[](size_t i) const -> const T& {
    assert(i < size_);
    return data_[i];
  }

  // Element-wise copies: copy() copies the elements themselves (plain
  // values), deep_copy() each element's copy() (owned pointers).
  auto copy() const -> vec {
    vec out(size_);
    if (out) for (size_t i = 0; i < size_; ++i) out.data_[i] = data_[i];
    return out;
  }
  auto deep_copy() const -> vec {
    vec out(size_);
    if (out) for (size_t i = 0; i < size_; ++i) out.data_[i] = data_[i]->copy();
    return out;
  }

  static auto make_uninitialized(size_t size = 0) -> vec { return vec(size); }
  static auto make() -> vec { return vec(0); }
  // Moves `size` elements out of `init`.
  static auto make(size_t size, T init[]) -> vec {
    vec out(size);
    if (out) for (size_t i = 0; i < size; ++i) out.data_[i] = std::move(init[i]);
    return out;
  }
  template <class... Ts>
  static auto make(Ts&&... elems) -> vec {
    T init[] = {std::forward<Ts>(elems)...};
    return make(sizeof...(Ts), init);
  }
  // The characters of `s`, without (make) or with (make_nt) a terminating NUL.
  static auto make(std::string s) -> vec<char> { return chars(s, s.size()); }
  static auto make_nt(std::string s) -> vec<char> { return chars(s, s.size() + 1); }
  // Takes over `data`, which must come from new T[size].
  static auto adopt(size_t size, T data[]) -> vec { return vec(size, data); }
  static auto invalid() -> vec { return vec(kInvalid, nullptr); }

 private:
  static constexpr size_t kInvalid = SIZE_MAX;
  explicit vec(size_t size) : size_(size), data_(size ? new (std::nothrow) T[size]() : nullptr) {
    if (size && !data_) size_ = kInvalid;
  }
  vec(size_t size, T* data) : size_(size), data_(data) {}
  static auto chars(const std::string& s, size_t n) -> vec<char> {
    auto out = vec<char>::make_uninitialized(n);
    if (out && n) std::memcpy(out.get(), s.c_str(), n);  // c_str() has the NUL
    return out;
  }

  size_t size_;
  std::unique_ptr<T[]> data_;
};

// ------------------------------------------------------------ ownership

template <class T>
using own = std::unique_ptr<T>;
template <class T>
using ownvec = vec<own<T>>;

template <class T>
auto make_own(T* x) -> own<T> {
  return own<T>(x);
}

// ------------------------------------------------------------ runtime environment

class WASM_API_EXTERN Config {
 public:
  Config() = delete;
  ~Config();
  void operator delete(void*);
  static auto make() -> own<Config>;
};

class WASM_API_EXTERN Engine {
 public:
  Engine() = delete;
  ~Engine();
  void operator delete(void*);
  static auto make(own<Config>&& config = Config::make()) -> own<Engine>;
};

// A store must be deleted before its engine.
class WASM_API_EXTERN Store {
 public:
  Store() = delete;
  ~Store();
  void operator delete(void*);
  static auto make(Engine*) -> own<Store>;
};

// ------------------------------------------------------------ types

// The kinds are unscoped enumerations with a fixed type, so both spellings
// in use compile: wasm::VAR and wasm::Mutability::VAR.
enum Mutability : uint8_t { CONST, VAR };

// In pages (memories) or elements (tables); max all ones: no maximum.
struct Limits {
  uint32_t min;
  uint32_t max;
  Limits(uint32_t min, uint32_t max = std::numeric_limits<uint32_t>::max()) : min(min), max(max) {}
};

// ANYREF is externref (EXTERNREF names it too).
enum ValKind : uint8_t { I32, I64, F32, F64, ANYREF = 128, FUNCREF, EXTERNREF = ANYREF };

inline bool is_num(ValKind k) { return k < ANYREF; }
inline bool is_ref(ValKind k) { return k >= ANYREF; }

class WASM_API_EXTERN ValType {
 public:
  ValType() = delete;
  ~ValType();
  void operator delete(void*);
  static auto make(ValKind) -> own<ValType>;
  auto copy() const -> own<ValType>;
  auto kind() const -> ValKind;
  auto is_num() const -> bool { return wasm::is_num(kind()); }
  auto is_ref() const -> bool { return wasm::is_ref(kind()); }
};

// EXTERN_FUNC ... are the older spellings of the same kinds.
enum ExternKind : uint8_t {
  FUNC,
  GLOBAL,
  TABLE,
  MEMORY,
  EXTERN_FUNC = FUNC,
  EXTERN_GLOBAL = GLOBAL,
  EXTERN_TABLE = TABLE,
  EXTERN_MEMORY = MEMORY,
};

class FuncType;
class GlobalType;
class TableType;
class MemoryType;

// Any of the four types below; the conversions are views of the same
// object, null when the kind differs.
class WASM_API_EXTERN ExternType {
 public:
  ExternType() = delete;
  ~ExternType();
  void operator delete(void*);
  auto copy() const -> own<ExternType>;
  auto kind() const -> ExternKind;
  auto func() -> FuncType*;
  auto global() -> GlobalType*;
  auto table() -> TableType*;
  auto memory() -> MemoryType*;
  auto func() const -> const FuncType*;
  auto global() const -> const GlobalType*;
  auto table() const -> const TableType*;
  auto memory() const -> const MemoryType*;
};

class WASM_API_EXTERN FuncType : public ExternType {
 public:
  FuncType() = delete;
  ~FuncType();
  // Null if a parameter or result type is null.
  static auto make(ownvec<ValType>&& params = ownvec<ValType>::make(),
                   ownvec<ValType>&& results = ownvec<ValType>::make()) -> own<FuncType>;
  auto copy() const -> own<FuncType>;
  auto params() const -> const ownvec<ValType>&;
  auto results() const -> const ownvec<ValType>&;
};

class WASM_API_EXTERN GlobalType : public ExternType {
 public:
  GlobalType() = delete;
  ~GlobalType();
  static auto make(own<ValType>&& content, Mutability) -> own<GlobalType>;
  auto copy() const -> own<GlobalType>;
  auto content() const -> const ValType*;
  auto mutability() const -> Mutability;
};

class WASM_API_EXTERN TableType : public ExternType {
 public:
  TableType() = delete;
  ~TableType();
  static auto make(own<ValType>&& element, Limits) -> own<TableType>;
  auto copy() const -> own<TableType>;
  auto element() const -> const ValType*;
  auto limits() const -> const Limits&;
};

class WASM_API_EXTERN MemoryType : public ExternType {
 public:
  MemoryType() = delete;
  ~MemoryType();
  static auto make(Limits) -> own<MemoryType>;
  auto copy() const -> own<MemoryType>;
  auto limits() const -> const Limits&;
};

// A name is bytes, not NUL-terminated.
using Name = vec<byte_t>;

class WASM_API_EXTERN ImportType {
 public:
  ImportType() = delete;
  ~ImportType();
  void operator delete(void*);
  static auto make(Name&& module, Name&& name, own<ExternType>&&) -> own<ImportType>;
  auto copy() const -> own<ImportType>;
  auto module() const -> const Name&;
  auto name() const -> const Name&;
  auto type() const -> const ExternType*;
};

class WASM_API_EXTERN ExportType {
 public:
  ExportType() = delete;
  ~ExportType();
  void operator delete(void*);
  static auto make(Name&&, own<ExternType>&&) -> own<ExportType>;
  auto copy() const -> own<ExportType>;
  auto name() const -> const Name&;
  auto type() const -> const ExternType*;
};

// ------------------------------------------------------------ references

// What every reference shares: copies name the same object (`same`), which
// carries one host-info pointer and its finalizer.
class WASM_API_EXTERN Ref {
 public:
  Ref() = delete;
  ~Ref();
  void operator delete(void*);
  auto copy() const -> own<Ref>;
  auto same(const Ref*) const -> bool;
  auto get_host_info() const -> void*;
  void set_host_info(void* info, void (*finalizer)(void*) = nullptr);
};

// ------------------------------------------------------------ values

// A number, or a reference it owns (null allowed). Movable, not copyable:
// copy() copies (a reference's handle too).
class Val {
 public:
  Val() : kind_(ANYREF) { of_.ref = nullptr; }
  Val(int32_t x) : kind_(I32) { of_.i32 = x; }
  Val(int64_t x) : kind_(I64) { of_.i64 = x; }
  Val(float32_t x) : kind_(F32) { of_.f32 = x; }
  Val(float64_t x) : kind_(F64) { of_.f64 = x; }
  Val(own<Ref>&& r) : kind_(ANYREF) { of_.ref = r.release(); }
  Val(Val&& other) noexcept : kind_(other.kind_), of_(other.of_) {
    if (is_ref()) other.of_.ref = nullptr;
  }
  ~Val() { reset(); }

  static auto i32(int32_t x) -> Val { return Val(x); }
  static auto i64(int64_t x) -> Val { return Val(x); }
  static auto f32(float32_t x) -> Val { return Val(x); }
  static auto f64(float64_t x) -> Val { return Val(x); }
  static auto ref(own<Ref>&& r) -> Val { return Val(std::move(r)); }
  template <class T>
  inline static auto make(T x) -> Val;
  template <class T>
  inline static auto make(own<T>&& x) -> Val;

  auto kind() const -> ValKind { return kind_; }
  auto is_num() const -> bool { return wasm::is_num(kind_); }
  auto is_ref() const -> bool { return wasm::is_ref(kind_); }
  auto i32() const -> int32_t {
    assert(kind_ == I32);
    return of_.i32;
  }
  auto i64() const -> int64_t {
    assert(kind_ == I64);
    return of_.i64;
  }
  auto f32() const -> float32_t {
    assert(kind_ == F32);
    return of_.f32;
  }
  auto f64() const -> float64_t {
    assert(kind_ == F64);
    return of_.f64;
  }
  auto ref() const -> Ref* {
    assert(is_ref());
    return of_.ref;
  }
  template <class T>
  inline auto get() const -> T;

  // Releases the reference this holds (if any).
  void reset() {
    if (is_ref() && of_.ref) {
      delete of_.ref;
      of_.ref = nullptr;
    }
  }
  // Takes `other`'s value over.
  void reset(Val& other) {
    if (this == &other) return;
    reset();
    kind_ = other.kind_;
    of_ = other.of_;
    if (is_ref()) other.of_.ref = nullptr;
  }
  auto operator=(Val&& other) -> Val& {
    reset(other);
    return *this;
  }
  auto release_ref() -> own<Ref> {
    assert(is_ref());
    Ref* r = of_.ref;
    of_.ref = nullptr;
    return own<Ref>(r);
  }
  auto copy() const -> Val {
    Val out;
    out.kind_ = kind_;
    out.of_ = of_;
    if (is_ref() && of_.ref) out.of_.ref = of_.ref->copy().release();
    return out;
  }

 private:
  ValKind kind_;
  union Payload {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    Ref* ref;
  } of_;
};

template <> inline auto Val::make<int32_t>(int32_t x) -> Val { return Val(x); }
template <> inline auto Val::make<uint32_t>(uint32_t x) -> Val { return Val(static_cast<int32_t>(x)); }
template <> inline auto Val::make<int64_t>(int64_t x) -> Val { return Val(x); }
template <> inline auto Val::make<uint64_t>(uint64_t x) -> Val { return Val(static_cast<int64_t>(x)); }
template <> inline auto Val::make<float32_t>(float32_t x) -> Val { return Val(x); }
template <> inline auto Val::make<float64_t>(float64_t x) -> Val { return Val(x); }
template <> inline auto Val::make<Ref>(own<Ref>&& x) -> Val { return Val(std::move(x)); }

template <> inline auto Val::get<int32_t>() const -> int32_t { return i32(); }
template <> inline auto Val::get<uint32_t>() const -> uint32_t { return static_cast<uint32_t>(i32()); }
template <> inline auto Val::get<int64_t>() const -> int64_t { return i64(); }
template <> inline auto Val::get<uint64_t>() const -> uint64_t { return static_cast<uint64_t>(i64()); }
template <> inline auto Val::get<float32_t>() const -> float32_t { return f32(); }
template <> inline auto Val::get<float64_t>() const -> float64_t { return f64(); }
template <> inline auto Val::get<Ref*>() const -> Ref* { return ref(); }

// ------------------------------------------------------------ traps

// A trap's message: its text and a terminating NUL.
using Message = vec<byte_t>;

class Instance;

// One frame of a trap's trace. Offsets are in bytes: module_offset from
// the start of the module binary, func_offset from the start of the
// function's body (its locals, after the size field).
class WASM_API_EXTERN Frame {
 public:
  Frame() = delete;
  ~Frame();
  void operator delete(void*);
  auto copy() const -> own<Frame>;
  auto instance() const -> Instance*;  // borrowed; null for a host function
  auto func_index() const -> uint32_t;
  auto func_offset() const -> size_t;
  auto module_offset() const -> size_t;
};

class WASM_API_EXTERN Trap : public Ref {
 public:
  Trap() = delete;
  ~Trap();
  // `msg` with or without its terminating NUL.
  static auto make(Store*, const Message& msg) -> own<Trap>;
  auto copy() const -> own<Trap>;
  auto message() const -> Message;
  auto origin() const -> own<Frame>;    // the innermost frame; null if none
  auto trace() const -> ownvec<Frame>;  // innermost first; empty if none
};

// ------------------------------------------------------------ modules

// An object made to cross to another store (and thread) of the same engine.
template <class T>
class WASM_API_EXTERN Shared {
 public:
  Shared() = delete;
  ~Shared();
  void operator delete(void*);
};

class WASM_API_EXTERN Module : public Ref {
 public:
  Module() = delete;
  ~Module();
  static auto validate(Store*, const vec<byte_t>& binary) -> bool;
  // Null if `binary` is not a valid module.
  static auto make(Store*, const vec<byte_t>& binary) -> own<Module>;
  auto copy() const -> own<Module>;
  auto imports() const -> ownvec<ImportType>;
  auto exports() const -> ownvec<ExportType>;
  auto share() const -> own<Shared<Module>>;
  static auto obtain(Store*, const Shared<Module>*) -> own<Module>;
  auto serialize() const -> vec<byte_t>;
  static auto deserialize(Store*, const vec<byte_t>&) -> own<Module>;
};

// Host data that wasm code can hold as an externref.
class WASM_API_EXTERN Foreign : public Ref {
 public:
  Foreign() = delete;
  ~Foreign();
  static auto make(Store*) -> own<Foreign>;
  auto copy() const -> own<Foreign>;
};

// ------------------------------------------------------------ externals

class Func;
class Global;
class Table;
class Memory;

// A function, global, table or memory; the conversions are views of the
// same object, null when the kind differs.
class WASM_API_EXTERN Extern : public Ref {
 public:
  Extern() = delete;
  ~Extern();
  auto copy() const -> own<Extern>;
  auto kind() const -> ExternKind;
  auto type() const -> own<ExternType>;
  auto func() -> Func*;
  auto global() -> Global*;
  auto table() -> Table*;
  auto memory() -> Memory*;
  auto func() const -> const Func*;
  auto global() const -> const Global*;
  auto table() const -> const Table*;
  auto memory() const -> const Memory*;
};

class WASM_API_EXTERN Func : public Extern {
 public:
  Func() = delete;
  ~Func();
  // A host function writes `results` (sized and kinded by its type) and
  // returns null, or returns a trap, which ends the wasm call that reached it.
  using callback = auto (*)(const vec<Val>& args, vec<Val>& results) -> own<Trap>;
  using callback_with_env = auto (*)(void* env, const vec<Val>& args, vec<Val>& results) -> own<Trap>;

  static auto make(Store*, const FuncType*, callback) -> own<Func>;
  // `finalizer` (may be null) is called with `env` when the store is deleted.
  static auto make(Store*, const FuncType*, callback_with_env, void* env, void (*finalizer)(void*) = nullptr)
      -> own<Func>;
  auto copy() const -> own<Func>;
  auto type() const -> own<FuncType>;
  auto param_arity() const -> size_t;
  auto result_arity() const -> size_t;
  // `results` must have result_arity() elements; they are overwritten.
  // Arguments or results of the wrong number or kinds give a trap.
  auto call(const vec<Val>& args, vec<Val>& results) const -> own<Trap>;
};

class WASM_API_EXTERN Global : public Extern {
 public:
  Global() = delete;
  ~Global();
  static auto make(Store*, const GlobalType*, const Val&) -> own<Global>;
  auto copy() const -> own<Global>;
  auto type() const -> own<GlobalType>;
  auto get() const -> Val;
  // Ignored when the global is immutable or the value of another kind.
  void set(const Val&);
};

class WASM_API_EXTERN Table : public Extern {
 public:
  Table() = delete;
  ~Table();
  using size_t = uint32_t;
  static auto make(Store*, const TableType*, const Ref* init = nullptr) -> own<Table>;
  auto copy() const -> own<Table>;
  auto type() const -> own<TableType>;
  auto get(size_t index) const -> own<Ref>;  // null for a null element or an index out of bounds
  auto set(size_t index, const Ref*) -> bool;
  auto size() const -> size_t;
  auto grow(size_t delta, const Ref* init = nullptr) -> bool;
};

class WASM_API_EXTERN Memory : public Extern {
 public:
  Memory() = delete;
  ~Memory();
  using pages_t = uint32_t;
  static const size_t page_size = 0x10000;
  static auto make(Store*, const MemoryType*) -> own<Memory>;
  auto copy() const -> own<Memory>;
  auto type() const -> own<MemoryType>;
  auto data() const -> byte_t*;
  auto data_size() const -> size_t;
  auto size() const -> pages_t;
  auto grow(pages_t delta) -> bool;
};

// ------------------------------------------------------------ instances

class WASM_API_EXTERN Instance : public Ref {
 public:
  Instance() = delete;
  ~Instance();
  // `imports` in the order of Module::imports(). On failure: null, and
  // when `trap` is given, a trap saying why (a link error or a trap of the
  // start function).
  static auto make(Store*, const Module*, const vec<Extern*>& imports, own<Trap>* trap = nullptr)
      -> own<Instance>;
  // The same with the imports as owned externs (they stay the caller's),
  // as some published versions of the API and its examples pass them.
  static auto make(Store*, const Module*, const ownvec<Extern>& imports, own<Trap>* trap = nullptr)
      -> own<Instance>;
  auto copy() const -> own<Instance>;
  auto exports() const -> ownvec<Extern>;  // in the order of Module::exports()
};

}  // namespace wasm

#endif  // MYWASM_WASM_HH
