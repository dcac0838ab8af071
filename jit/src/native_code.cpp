// Executable memory for compiled code, and what the rest of the engine
// calls: available(), compile() and compile_all().
//
// Code pages are never writable and executable at once. On x86-64 the
// code lives in a memfd mapped read+execute only and is written with
// pwrite (CodeMemory, code_memory.hpp). On AArch64 each page is mapped
// twice (a memfd mapped read+write for writing the code and read+execute
// for running it) by CodeArenas below, never handing out an executable
// address twice while its arena is mapped. Where that cannot be had the
// compiler is unavailable and every function stays in the interpreter.
#include <new>
#include <asmjit/core.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <atomic>
#include <system_error>
#include <thread>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <vector>

#include "interp/code.hpp"
#include "jit.hpp"
#include "runtime/module_impl.hpp"
#include "fault_handler.hpp"
#include "runtime/populate.hpp"
#include "code_memory.hpp"
#include "compiler_common.hpp"
#include "x64_compiler.hpp"
#include "x64_lean_compiler.hpp"
#include "a64_compiler.hpp"
#include "background_compiler.hpp"
#if defined(__x86_64__)
#include "x64_abi.hpp"
#endif

#if defined(__x86_64__)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define MYWASM_HAVE_X86_PLATFORM_H 1
#else
#include <cpuid.h>
#endif
#endif

namespace mywasm::jit {
namespace {

[[maybe_unused]] CodeMemory& code_memory() {
  // Never destroyed: a store destroyed at exit (a static one) still
  // releases its code here.
  static auto* memory = new CodeMemory;
  return *memory;
}

// Dual-mapped arenas filled front to back: an executable address is never
// reused while its arena is mapped, and an arena is unmapped once all the
// code in it is released (the one being filled stays). Reusing an address
// through the writable alias is correct on AArch64 hardware after the
// instruction-cache maintenance (install_code), but qemu-user, which does
// not model that maintenance, detects changed code only through writes at
// the executable address itself or an unmapping, and would run the stale
// translation of what was there before.
class CodeArenas {
 public:
  bool alloc(size_t size, void** rx, void** rw) {
    size = (size + 15) & ~size_t(15);
    std::lock_guard<std::mutex> lock(mu_);
    if (arenas_.empty() || arenas_.back().size - arenas_.back().used < size) {
      if (!arenas_.empty() && arenas_.back().live == 0) unmap(arenas_.size() - 1);
      if (!map(std::max(kArenaBytes, (size + kPage - 1) & ~(kPage - 1)))) return false;
    }
    Arena& a = arenas_.back();
    *rx = a.rx + a.used;
    *rw = a.rw + a.used;
    a.used += size;
    ++a.live;
    return true;
  }

  void release(void* code) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto* p = static_cast<const char*>(code);
    for (size_t i = 0; i < arenas_.size(); ++i) {
      Arena& a = arenas_[i];
      if (p < a.rx || p >= a.rx + a.size) continue;
      if (--a.live == 0 && i + 1 != arenas_.size()) unmap(i);
      return;
    }
  }

 private:
  static constexpr size_t kArenaBytes = 256 * 1024, kPage = 64 * 1024;  // (the largest AArch64 page)
  struct Arena {
    char* rx;
    char* rw;
    size_t size, used, live;
  };
  bool map(size_t bytes) {
    const int fd = memfd_create("mywasm-code", MFD_CLOEXEC);
    if (fd < 0) return false;
    void* rw = MAP_FAILED;
    void* rx = MAP_FAILED;
    if (ftruncate(fd, off_t(bytes)) == 0) {
      rw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      rx = mmap(nullptr, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    }
    close(fd);
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
      if (rw != MAP_FAILED) munmap(rw, bytes);
      if (rx != MAP_FAILED) munmap(rx, bytes);
      return false;
    }
    arenas_.push_back(Arena{static_cast<char*>(rx), static_cast<char*>(rw), bytes, 0, 0});
    return true;
  }
  void unmap(size_t i) {
    munmap(arenas_[i].rx, arenas_[i].size);
    munmap(arenas_[i].rw, arenas_[i].size);
    arenas_.erase(arenas_.begin() + ptrdiff_t(i));
  }
  std::mutex mu_;
  std::vector<Arena> arenas_;  // the last one is being filled
};

[[maybe_unused]] CodeArenas& code_arenas() {
  static CodeArenas arenas;
  return arenas;
}

}  // namespace

namespace {
// Whose code each native code range is, by its start: for function_at.
struct CodeOwner {
  uintptr_t end;
  FuncInstance* func;
};
std::mutex g_owners_mutex;
std::map<uintptr_t, CodeOwner>& code_owners() {
  // Never destroyed: a store destroyed at exit (a static one) still
  // unregisters its code here.
  static auto* owners = new std::map<uintptr_t, CodeOwner>;
  return *owners;
}

void add_owner(const NativeCode& code, FuncInstance& func) {
  const auto start = reinterpret_cast<uintptr_t>(code.code);
  const std::lock_guard<std::mutex> lock(g_owners_mutex);
  code_owners()[start] = CodeOwner{start + code.size, &func};
}
}  // namespace

FuncInstance* function_at(const void* pc) {
  const auto at = reinterpret_cast<uintptr_t>(pc);
  const std::lock_guard<std::mutex> lock(g_owners_mutex);
  const auto& owners = code_owners();
  auto after = owners.upper_bound(at);
  if (after == owners.begin()) return nullptr;
  const CodeOwner& owner = std::prev(after)->second;
  return at < owner.end ? owner.func : nullptr;
}

bool alloc_code(size_t size, void** rx, void** rw) {
#if defined(__aarch64__)
  if (!code_arenas().alloc(size, rx, rw)) return false;
  populate_for_write(*rw, size);
  return true;
#else
  *rw = nullptr;
  *rx = code_memory().alloc(size);
  return *rx != nullptr;
#endif
}

bool write_code(void* rx, const void* data, size_t size) {
#if defined(__aarch64__)
  (void)rx, (void)data, (void)size;
  return false;
#else
  return code_memory().write(rx, data, size);
#endif
}

bool write_code(void* rx, std::span<const iovec> pieces) {
#if defined(__aarch64__)
  (void)rx, (void)pieces;
  return false;
#else
  return code_memory().write(rx, pieces);
#endif
}

// (On AArch64 code goes to code_arenas(), and this code memory, never
// used, has nothing to fail, count or check.)
void fail_code_writes_for_tests(bool on) { code_memory().fail_writes_for_tests(on); }
size_t live_code_for_tests() { return code_memory().live_count(); }
size_t code_memory_checks_for_tests() { return code_memory().file_checks(); }

void release_code(void* rx) {
  if (!rx) return;
#if defined(__aarch64__)
  code_arenas().release(rx);
#else
  code_memory().release(rx);
#endif
}

void discard_attempt(NativeCode& out) {
  unregister_code(out.fault_handle);
  out.fault_handle = -1;
  release_code(out.code);
  out.code = nullptr;
  out.size = 0;
  out.osr_entry = nullptr;
  out.osr_internal = nullptr;
  out.frame_saves = false;
  out.stubs.clear();
  out.code_origins.clear();
  out.stub_origins.clear();
  out.late_calls.clear();
}

NativeCode::~NativeCode() {
  unregister_code(fault_handle);
  if (code) {
    const std::lock_guard<std::mutex> lock(g_owners_mutex);
    code_owners().erase(reinterpret_cast<uintptr_t>(code));
  }
  release_code(code);
}

std::optional<uint32_t> NativeCode::module_offset(const void* at) const {
  const auto byte = reinterpret_cast<uintptr_t>(at);
  const auto code_begin = reinterpret_cast<uintptr_t>(code);
  if (byte >= code_begin && byte < code_begin + size) return origin_at(code_origins, uint32_t(byte - code_begin));
  const auto stubs_begin = reinterpret_cast<uintptr_t>(stubs.data());
  if (byte >= stubs_begin && byte < stubs_begin + stubs.size() * sizeof(uint64_t))
    return origin_at(stub_origins, uint32_t((byte - stubs_begin) / sizeof(uint64_t)));
  if (source)
    if (std::optional<uint32_t> offset = source->module_offset(at)) return offset;
  return replaced ? replaced->module_offset(at) : std::nullopt;
}

namespace {
std::atomic<bool> g_probed{false};
}  // namespace

bool probed() { return g_probed.load(std::memory_order_relaxed); }

bool may_compile() {
#if defined(__x86_64__)
  // glibc's record of CPUID, made by ld.so at start-up: CPUID itself traps
  // to the hypervisor in a VM (about 10 us), asmjit's full detection issues
  // a dozen of them.
#if defined(MYWASM_HAVE_X86_PLATFORM_H)
  return CPU_FEATURE_ACTIVE(SSE4_1);
#else
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1);
#endif
#elif defined(__aarch64__)
  return true;
#else
  return false;
#endif
}

bool available() {
#if defined(__x86_64__) || defined(__aarch64__)
  static const bool ok = [] {
    g_probed.store(true, std::memory_order_relaxed);
    if (!may_compile()) return false;  // (SSE4.1 on x86-64)
    // One allocation shows whether executable memory that is never
    // writable at once can be had here, and written.
    void* rx = nullptr;
    void* rw = nullptr;
    if (!alloc_code(64, &rx, &rw)) return false;
    const unsigned char probe[4] = {0xc3, 0xcc, 0x90, 0x5a};
    bool ok = rx != rw;
    if (ok && rw) std::memcpy(rw, probe, sizeof probe);
    else if (ok) ok = write_code(rx, probe, sizeof probe);
    ok = ok && std::memcmp(rx, probe, sizeof probe) == 0;
    release_code(rx);
    return ok;
  }();
  return ok;
#else
  return false;
#endif
}

namespace {
// MYWASM_PERF_MAP set (to anything): each compiled function's code range
// and name are appended to /tmp/perf-PID.map, the file `perf report`
// reads to name samples in JIT code. MYWASM_PERF_MAP=code also writes
// each function's machine code to /tmp/perf-PID.code/ADDRESS.bin (for
// `objdump -D -b binary -m i386:x86-64 --adjust-vma=ADDRESS`).
void record_for_perf(const FuncInstance& func, const NativeCode& code) {
  static const char* mode = std::getenv("MYWASM_PERF_MAP");
  static FILE* map = [] {
    if (!mode) return static_cast<FILE*>(nullptr);
    const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
    return std::fopen(path.c_str(), "a");
  }();
  if (!map) return;
  static std::mutex mu;
  const std::lock_guard<std::mutex> lock(mu);
  const std::string_view name = func.instance->module->module.func_name(func.func_index).value_or("");
  std::fprintf(map, "%lx %zx wasm[%u]:%.*s\n", reinterpret_cast<unsigned long>(code.code), code.size, func.func_index,
               static_cast<int>(name.size()), name.data());
  std::fflush(map);
  if (std::strcmp(mode, "code") == 0) {
    const std::string dir = "/tmp/perf-" + std::to_string(getpid()) + ".code";
    static const bool made = mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST;
    char name[32];
    std::snprintf(name, sizeof name, "/%lx.bin", reinterpret_cast<unsigned long>(code.code));
    if (FILE* f = made ? std::fopen((dir + name).c_str(), "wb") : nullptr) {
      std::fwrite(code.code, 1, code.size, f);
      std::fclose(f);
    }
  }
}

// The last plain translation this thread compiled from, whose buffers the
// next one reuses (see interp::translate).
std::unique_ptr<CompiledFunc>& translation_buffers() {
  thread_local std::unique_ptr<CompiledFunc> buffers;
  return buffers;
}

// The AArch64 backend's code still points into the plain translation (its
// v128 fallbacks read the instruction's words there), so
// the translation is kept for the code's life; the x86-64 backend copies
// what it needs into NativeCode::stubs.
#if defined(__aarch64__)
constexpr bool kKeepsTranslation = true;
#else
constexpr bool kKeepsTranslation = false;
#endif

}  // namespace

bool keeps_plain_translation() { return kKeepsTranslation; }

namespace {
NativeEntry compile_source(StoreImpl& store, FuncInstance& func, const CompiledFunc& source, NativeCode& native) {
#if defined(__x86_64__)
  return compile_x64(store, func, source, native);
#elif defined(__aarch64__)
  return compile_a64(store, func, source, native);
#else
  return nullptr;
#endif
}

// The full compiler's code for `func` from a plain translation made for it
// now; `kept` gets what the code needs of that translation (on AArch64 all
// of it, else its frame layout). Null when the compiler cannot take it.
NativeEntry compile_translated(StoreImpl& store, FuncInstance& func, NativeCode& native,
                               std::unique_ptr<CompiledFunc>& kept) {
  if (kKeepsTranslation) {
    kept = interp::translate(store, func, /*fuse=*/false);
    return compile_source(store, func, *kept, native);
  }
  // Translated into the thread's buffers; only the frame layout is kept.
  std::unique_ptr<CompiledFunc> translation =
      interp::translate(store, func, /*fuse=*/false, /*loop_counters=*/false, std::move(translation_buffers()));
  const NativeEntry entry = compile_source(store, func, *translation, native);
  if (entry) kept = translation->layout_only();
  // Kept for the next function unless unusually large (a thread keeps it).
  constexpr size_t kKeptWords = size_t(1) << 20;
  if (translation->code.capacity() <= kKeptWords) translation_buffers() = std::move(translation);
  return entry;
}

bool compile_now(StoreImpl& store, FuncInstance& func) {
  auto native = std::make_unique<NativeCode>();
  NativeEntry entry = nullptr;
  std::unique_ptr<CompiledFunc> kept;  // the code's frame layout, when not func.compiled's
#if defined(__x86_64__)
  const Config& config = store.engine.config();
  if (config.jit_compiler != Config::JitCompiler::Full && (entry = compile_x64_lean(store, func, *native, kept))) {
    native->lean = true;
    if (config.jit_compiler == Config::JitCompiler::Both)  // (it counts its way to the full compiler's code)
      func.upgrade_countdown = countdown_start(config);
  } else
#endif
  if (func.compiled && !func.compiled->fused) {  // a plain translation: shared
    entry = compile_source(store, func, *func.compiled, *native);
    native->source = func.compiled.get();
  } else {
    entry = compile_translated(store, func, *native, kept);
  }
  if (!entry) return false;
  if (kept) {
    native->source = kept.get();
    if (func.compiled) native->own_source = std::move(kept);
    else func.compiled = std::move(kept);  // (the interpreter never runs it: native_entry is set)
  }
  add_owner(*native, func);

  record_for_perf(func, *native);
  func.native = std::move(native);
#if defined(__x86_64__)
  publish_indirect_call(func, entry);
#endif
  publish_entry(func, entry);
  return true;
}
}  // namespace

namespace {
// Takes `func`'s code back (it never ran): its entries are the
// interpreter's again; the frame layout compiling made goes unless
// `keep_layout` (the interpreter's own translation).
void unpublish(FuncInstance& func, bool keep_layout) {
  publish_entry(func, nullptr);
  std::atomic_ref<uint64_t>(func.indirect_call_key).store(0, std::memory_order_release);
  func.internal_entry = nullptr;
  func.native.reset();
  if (!keep_layout) func.compiled.reset();
}
}  // namespace

bool compile(StoreImpl& store, FuncInstance& func) {
  if (entry_of(func)) return true;
  if (func.is_host() || !available()) return false;
  // Host memory short: the function stays in the interpreter. (Nothing may
  // throw from here: the caller may be compiled code, which has no unwind
  // information.)
  try {
    return compile_now(store, func);
  } catch (const std::bad_alloc&) {
    return false;
  }
}

void compile_upgrade(StoreImpl& store, FuncInstance& func) {
  auto native = std::make_unique<NativeCode>();
  std::unique_ptr<CompiledFunc> layout;
  bool made = false;
  try {
    made = compile_translated(store, func, *native, layout) != nullptr;
  } catch (const std::bad_alloc&) {
  }
  if (made) {
    native->source = layout.get();
    native->own_source = std::move(layout);
    add_owner(*native, func);
    record_for_perf(func, *native);
    func.upgrade = std::move(native);
  }
  std::atomic_ref<uint8_t>(func.upgrade_state)
      .store(uint8_t(made ? UpgradeState::Ready : UpgradeState::Failed), std::memory_order_release);
}

namespace {

#if defined(__x86_64__)
// The full code made for `func` (its lean code running) becomes its code:
// the lean code's internal entry is overwritten with a jump to the full
// code's (callers that call the lean code directly, compiled code of
// either compiler, go on there; the lean code starts with the 14 bytes
// for it, see x64_lean_compiler.cpp), and its entry is published for
// everyone else. Only on the thread running the store's code, from lean
// code's helpers: nothing executes the overwritten bytes meanwhile.
void install_upgrade(FuncInstance& func) {
  std::unique_ptr<NativeCode> full = std::move(func.upgrade);
  NativeCode& lean = *func.native;
  uint8_t jump[14] = {0xFF, 0x25, 0, 0, 0, 0};  // jmp [rip+0], then the address
  const uint64_t target = reinterpret_cast<uint64_t>(full->code) + x64::kInternalEntryOffset;
  std::memcpy(jump + 6, &target, sizeof target);
  if (!write_code(static_cast<char*>(lean.code) + x64::kInternalEntryOffset, jump, sizeof jump)) {
    std::atomic_ref<uint8_t>(func.upgrade_state).store(uint8_t(UpgradeState::Failed), std::memory_order_relaxed);
    return;  // (the full code is dropped: nothing refers to it yet)
  }
  const auto entry = reinterpret_cast<NativeEntry>(full->code);
  full->replaced = std::move(func.native);
  func.native = std::move(full);
  publish_indirect_call(func, entry);
  publish_entry(func, entry);
}

// The full compiler's code of `func` (lean code so far) once it is
// installed, else null: asked for on the first call (compiled here when
// there is no helper thread), installed once made. Meanwhile the lean code
// counts down again.
const NativeCode* upgraded(StoreImpl& store, FuncInstance& func) {
  if (!func.native->lean) return func.native.get();
  const Config& config = store.engine.config();
  std::atomic_ref<uint8_t> state(func.upgrade_state);
  if (state.load(std::memory_order_relaxed) == uint8_t(UpgradeState::None)) {
    state.store(uint8_t(UpgradeState::Requested), std::memory_order_relaxed);
    if (!config.background_compile || !request_upgrade(store, func)) compile_upgrade(store, func);
  }
  switch (UpgradeState(state.load(std::memory_order_acquire))) {
    case UpgradeState::Ready:
      install_upgrade(func);
      if (!func.native->lean) return func.native.get();
      break;
    case UpgradeState::Failed: func.upgrade_countdown = INT32_MAX; return nullptr;
    default: break;
  }
  func.upgrade_countdown = countdown_start(config);
  return nullptr;
}
#endif

}  // namespace

const void* lean_function_hot(StoreImpl* store, FuncInstance* func) {
#if defined(__x86_64__)
  if (const NativeCode* full = upgraded(*store, *func))
    return static_cast<const char*>(full->code) + x64::kInternalEntryOffset;
#else
  (void)store, (void)func;
#endif
  return nullptr;
}

const void* lean_loop_hot(StoreImpl* store, ExecRegs* regs, uint32_t loop, FuncInstance* func, uint64_t* fp) {
#if defined(__x86_64__)
  const NativeCode* full = upgraded(*store, *func);
  if (!full) return nullptr;
  // The lean code this frame runs is the one the full code replaced.
  const CompiledFunc* from = full->replaced ? full->replaced->source : nullptr;
  if (!full->osr_internal || !from || !full->source ||
      !from->move_frame_to(*full->source, loop, fp, static_cast<const ExecContext&>(*regs).stack_end)) {
    func->upgrade_countdown = INT32_MAX;  // (the loop stays in lean code)
    return nullptr;
  }
  ++store->osr_entries;
  return full->osr_internal;
#else
  (void)store, (void)regs, (void)loop, (void)func, (void)fp;
  return nullptr;
#endif
}

namespace {

// Points each late call's cell at its callee's code, where it has some
// now. (Only while the code is not running: the cell is written as code.
// A cell not written keeps its stub, which is as right, only slower.)
// Cells next to each other that are bound are written together: the
// cells lie back to back after the code, so that is usually one write for
// the function (a write is a system call).
void bind_late_calls(NativeCode& code) {
  std::vector<uint64_t> run;  // the targets of the cells from run_start on
  uint32_t run_start = 0;
  auto write_run = [&] {
    if (!run.empty()) write_code(static_cast<char*>(code.code) + run_start, run.data(), run.size() * sizeof(uint64_t));
    run.clear();
  };
  for (const NativeCode::LateCall& call : code.late_calls) {
    const NativeEntry entry = entry_of(*call.callee);
    if (!entry) {
      write_run();
      continue;
    }
    if (!run.empty() && call.cell != run_start + run.size() * sizeof(uint64_t)) write_run();
    if (run.empty()) run_start = call.cell;
    run.push_back(reinterpret_cast<uint64_t>(entry) + uint64_t(int64_t(call.skip)));
  }
  write_run();
}

}  // namespace

void release_all_code(std::vector<std::unique_ptr<FuncInstance>>& funcs) {
#if !defined(__aarch64__)
  if (!g_probed.load(std::memory_order_relaxed)) return;  // (no code was ever made)
  const CodeMemory::CheckedScope checked(code_memory());
#endif
  for (auto& f : funcs) {
    f->upgrade.reset();
    f->native.reset();
  }
}

size_t compile_all(StoreImpl& store, const std::vector<FuncInstance*>& funcs, unsigned threads) {
  if (!available()) return 0;  // (its probe writes at once: before any batch)
  // Functions are handed out one at a time: their sizes vary by orders of
  // magnitude, so fixed shares would leave a thread idle.
  std::atomic<size_t> next{0}, compiled{0};
  // What this call made (1: code; 2: and the frame layout in
  // FuncInstance::compiled), to take back if its code was not written.
  std::vector<uint8_t> made(funcs.size());
  std::atomic<bool> unwritten{false};
  auto work = [&] {
#if !defined(__aarch64__)
    const CodeMemory::CheckedScope checked(code_memory());
    // Each function's code is written with the others' (nothing runs
    // before this call returns).
    CodeMemory::WriteBatch batch(code_memory());
#endif
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < funcs.size();) {
      FuncInstance& f = *funcs[i];
      if (entry_of(f)) {
        compiled.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      const bool had_layout = f.compiled != nullptr;
      if (!compile(store, f)) continue;
      made[i] = had_layout ? 1 : 2;
      compiled.fetch_add(1, std::memory_order_relaxed);
    }
#if !defined(__aarch64__)
    if (!batch.flush()) unwritten.store(true);
#endif
  };
  std::vector<std::thread> helpers;
  const size_t extra = std::min<size_t>(threads > 0 ? threads - 1 : 0, funcs.size() / 2);
  try {
    for (size_t t = 0; t < extra; ++t) helpers.emplace_back(work);
  } catch (const std::system_error&) {  // no more threads: the others do the work
  }
  work();
  for (std::thread& t : helpers) t.join();
  // Code not written (host memory short): everything this call made goes
  // (its code may call any of it), and the functions stay as they were.
  if (unwritten.load()) {
    for (size_t i = 0; i < funcs.size(); ++i)
      if (made[i]) {
        unpublish(*funcs[i], /*keep_layout=*/made[i] == 1);
        compiled.fetch_sub(1, std::memory_order_relaxed);
      }
  }
  for (FuncInstance* f : funcs)
    if (f->native) bind_late_calls(*f->native);
  return compiled.load();
}

}  // namespace mywasm::jit
