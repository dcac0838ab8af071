#include "runtime/exec_context.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <cstring>
#include <new>
#include <sys/resource.h>
#include <unistd.h>

namespace mywasm {
namespace {

// Native stack kept free below the limit compiled code checks: room for
// the runtime's own helpers, host functions and the signal handler.
constexpr uintptr_t kNativeStackReserve = 256 * 1024;

uintptr_t native_stack_limit() {
  const uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (::gettid() == ::getpid()) {
    // The main thread: its stack may grow to RLIMIT_STACK (asking pthreads
    // would read /proc/self/maps, a noticeable part of a short run).
    rlimit r{};
    uint64_t size = 8u << 20;
    if (::getrlimit(RLIMIT_STACK, &r) == 0 && r.rlim_cur != RLIM_INFINITY) size = r.rlim_cur;
    size = std::min<uint64_t>(size, 1ull << 30);
    // `here` is near the top: the environment and a few frames lie above.
    if (size > 4 * kNativeStackReserve) return here - size + 2 * kNativeStackReserve;
  }
  pthread_attr_t attr;
  void* lo = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &lo, &size);
    pthread_attr_destroy(&attr);
  }
  if (!lo || size <= 2 * kNativeStackReserve) {
    // Unknown: allow 1 MiB below the current frame.
    return here - (1u << 20);
  }
  return reinterpret_cast<uintptr_t>(lo) + kNativeStackReserve;
}

thread_local ExecContext t_context;

}  // namespace

CallRecords::~CallRecords() {
  if (data_) munmap(data_, size_ * sizeof(CallRecord));
}

void CallRecords::grow(size_t n) {
  if (n <= size_) return;
  void* p = mmap(nullptr, n * sizeof(CallRecord), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  if (data_) {
    std::memcpy(p, data_, size_ * sizeof(CallRecord));
    munmap(data_, size_ * sizeof(CallRecord));
  }
  data_ = static_cast<CallRecord*>(p);
  size_ = n;
}

ExecContext& exec_context() { return t_context; }

bool ExecContext::ensure(const Config& cfg) {
  // (Whole pages: the guard after them is page-aligned.)
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  size_t bytes = std::max<uint64_t>(cfg.max_value_stack_bytes, 1u << 16) & ~(page - 1);
  if (invocations == 0 && base && size_t(stack_end - base) * sizeof(uint64_t) != bytes) {
    munmap(base, size_t(stack_end - base) * sizeof(uint64_t) + kValueStackGuardBytes);
    base = stack_end = top = nullptr;
  }
  // Reserve lazily committed memory: untouched pages cost nothing. Where
  // address space is short (ulimit -v), a smaller stack: deep recursion
  // then ends sooner, as "call stack exhausted".
  for (size_t want = bytes; !base && want >= kMinValueStackBytes; want = (want / 2) & ~(page - 1)) {
    const size_t mapped = want + kValueStackGuardBytes;
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) continue;
    if (mprotect(static_cast<char*>(p) + want, kValueStackGuardBytes, PROT_NONE) != 0) {
      munmap(p, mapped);  // (no guard, no stack: compiled code relies on it)
      continue;
    }
    base = top = static_cast<uint64_t*>(p);
    stack_end = base + want / sizeof(uint64_t);
  }
  if (!base) return false;
  // The record array fits the largest depth limit seen.
  // (A nested invocation may grow it: the pointers into it move along.)
  const size_t depth_now = record ? depth() : 0;
  const size_t max_depth_now = record_limit ? size_t(record_limit - calls.data()) : 0;
  calls.grow(size_t(cfg.max_call_depth) + 2);
  records_begin = calls.data();
  set_depth(depth_now);
  set_max_depth(max_depth_now);
  if (!native_limit) native_limit = native_stack_limit();
  return true;
}

}  // namespace mywasm
