#include "fault_handler.hpp"

#include <signal.h>
#include <ucontext.h>

#include <atomic>
#include <mutex>

#include "runtime/exec_context.hpp"

namespace mywasm::jit {
namespace {

// A fixed table the signal handler can read without locks: an entry is
// published by writing `end` last and retired by clearing `end` first. A
// function's own entry cannot change while it runs (its code is alive).
struct CodeRange {
  // stub: the out-of-bounds trap's (0: none); stack_stub: where a fault in
  // this thread's value-stack guard resumes (0: none).
  std::atomic<uintptr_t> start{0}, end{0}, stub{0}, stack_stub{0};
};

// Whether `addr` lies in this thread's value-stack guard (the region
// ExecContext::ensure keeps inaccessible after the stack's end).
bool in_value_stack_guard(uintptr_t addr) {
  const auto end = reinterpret_cast<uintptr_t>(exec_context().stack_end);
  return end != 0 && addr >= end && addr - end < ExecContext::kValueStackGuardBytes;
}
constexpr int kMaxRanges = 1 << 16;
CodeRange g_ranges[kMaxRanges];
std::atomic<int> g_used{0};  // entries [0, g_used) were ever handed out
std::mutex g_registry_mutex;  // writers only
int g_free_head = -1;         // retired entries, linked through `stub` (guarded by the mutex)

struct sigaction g_previous_segv, g_previous_bus;

void chain(int sig, siginfo_t* info, void* context) {
  const struct sigaction& prev = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if (prev.sa_flags & SA_SIGINFO) {
    prev.sa_sigaction(sig, info, context);
  } else if (prev.sa_handler == SIG_IGN) {
    return;
  } else if (prev.sa_handler == SIG_DFL) {
    // Re-raised on return with the default action: the host crashes as it
    // would have without us.
    signal(sig, SIG_DFL);
  } else {
    prev.sa_handler(sig);
  }
}

// The faulting instruction's address in the signal's machine context
// (null on a host without a compiler).
uintptr_t* fault_pc(void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
#if defined(__x86_64__)
  return reinterpret_cast<uintptr_t*>(&uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return reinterpret_cast<uintptr_t*>(&uc->uc_mcontext.pc);
#else
  (void)uc;
  return nullptr;
#endif
}

// Hands the faulting instruction's address to the trap stub, which reports
// it (x86-64: in rcx; AArch64: in x1).
void pass_fault_pc(void* context, uintptr_t at) {
#if defined(__x86_64__)
  static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RCX] = greg_t(at);
#elif defined(__aarch64__)
  static_cast<ucontext_t*>(context)->uc_mcontext.regs[1] = at;
#else
  (void)context;
  (void)at;
#endif
}

void on_fault(int sig, siginfo_t* info, void* context) {
  if (uintptr_t* pc = fault_pc(context)) {
    const int n = g_used.load(std::memory_order_acquire);
    for (int i = 0; i < n; ++i) {
      const uintptr_t end = g_ranges[i].end.load(std::memory_order_acquire);
      if (end == 0 || *pc >= end || *pc < g_ranges[i].start.load(std::memory_order_relaxed)) continue;
      const uintptr_t at = *pc;
      const uintptr_t stack_stub = g_ranges[i].stack_stub.load(std::memory_order_relaxed);
      if (stack_stub && in_value_stack_guard(reinterpret_cast<uintptr_t>(info->si_addr))) {
        *pc = stack_stub;  // (a frame that does not fit: at the function's entry)
        return;
      }
      const uintptr_t stub = g_ranges[i].stub.load(std::memory_order_relaxed);
      if (!stub) break;
      *pc = stub;
      pass_fault_pc(context, at);
      return;
    }
  }
  chain(sig, info, context);
}

}  // namespace

bool install_fault_handler() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &g_previous_segv) != 0 || sigaction(SIGBUS, &sa, &g_previous_bus) != 0) return false;
    // A runtime that keeps the handlers to itself (AddressSanitizer without
    // allow_user_segv_handler=1 ignores the call): then compiled code
    // checks bounds explicitly.
    struct sigaction now {};
    return sigaction(SIGSEGV, nullptr, &now) == 0 && (now.sa_flags & SA_SIGINFO) && now.sa_sigaction == on_fault;
  }();
  return installed;
}

int register_code(uintptr_t start, uintptr_t end, uintptr_t stub, uintptr_t stack_stub) {
  std::lock_guard<std::mutex> lock(g_registry_mutex);
  int i = g_free_head;
  if (i >= 0) {
    g_free_head = int(g_ranges[i].stub.load(std::memory_order_relaxed)) - 1;
  } else {
    i = g_used.load(std::memory_order_relaxed);
    if (i >= kMaxRanges) return -1;
  }
  g_ranges[i].start.store(start, std::memory_order_relaxed);
  g_ranges[i].stub.store(stub, std::memory_order_relaxed);
  g_ranges[i].stack_stub.store(stack_stub, std::memory_order_relaxed);
  g_ranges[i].end.store(end, std::memory_order_release);
  if (i == g_used.load(std::memory_order_relaxed)) g_used.store(i + 1, std::memory_order_release);
  return i;
}

void unregister_code(int handle) {
  if (handle < 0) return;
  std::lock_guard<std::mutex> lock(g_registry_mutex);
  g_ranges[handle].end.store(0, std::memory_order_release);
  g_ranges[handle].start.store(0, std::memory_order_relaxed);
  g_ranges[handle].stub.store(uintptr_t(g_free_head + 1), std::memory_order_relaxed);
  g_free_head = handle;
}

}  // namespace mywasm::jit
