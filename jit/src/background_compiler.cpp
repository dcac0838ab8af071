#include "background_compiler.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <pthread.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include "jit.hpp"

namespace mywasm::jit {
namespace {

class BackgroundCompiler {
 public:
  bool request(StoreImpl& store, FuncInstance& f, bool upgrade) {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      if (!started_here() && !start()) return false;
      queue_.push_back(Job{&store, &f, upgrade});
    }
    work_.notify_one();
    return true;
  }

  void forget(StoreImpl& store) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!started_here()) return;  // (nothing of this process's is queued)
    std::erase_if(queue_, [&](const Job& j) { return j.store == &store; });
    idle_.wait(lock, [&] { return compiling_ != &store; });
  }

  void drain(StoreImpl& store) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!started_here()) return;
    idle_.wait(lock, [&] {
      if (compiling_ == &store) return false;
      for (const Job& j : queue_)
        if (j.store == &store) return false;
      return true;
    });
  }

  // Around fork(): the lock is held across it, taken once no compile is in
  // progress, so no store's structure_mutex is held by the helper either (a
  // child would find it locked for good: no instantiating into that store).
  // (The helper takes no new job meanwhile, so a long queue does not hold
  // the fork up.)
  void before_fork() {
    std::unique_lock<std::mutex> lock(mu_);
    fork_pending_ = true;
    if (started_here()) idle_.wait(lock, [&] { return compiling_ == nullptr; });
    lock.release();  // (unlocked by after_fork, in the parent and in the child)
  }
  void after_fork() {
    fork_pending_ = false;
    mu_.unlock();
    work_.notify_one();
  }

  size_t done(const StoreImpl& store) {
    const std::lock_guard<std::mutex> lock(mu_);
    return store.background_compiles;
  }

 private:
  struct Job {
    StoreImpl* store;
    FuncInstance* func;
    bool upgrade;  // the full compiler's code for lean code (compile_upgrade)
  };

  // Whether the helper runs in this process (a forked child has only the
  // thread that forked: it starts its own, and the parent's queue and the
  // compile it had in progress are not its).
  bool started_here() const { return pid_ == getpid(); }
  bool start() {
    if (thread_) {  // the parent's: left as it is, never joined (it does not exist here)
      thread_ = nullptr;
      // Nor do the parent's waiters: fresh condition variables (the old
      // ones are overwritten, not destroyed, as a waiter may be on record).
      new (&work_) std::condition_variable;
      new (&idle_) std::condition_variable;
    }
    queue_.clear();
    compiling_ = nullptr;
    try {
      thread_ = new std::thread([this] { run(); });  // (never joined: it serves until the process ends)
    } catch (const std::system_error&) {
      return false;
    }
    pid_ = getpid();
    return true;
  }

  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_.wait(lock, [&] { return !queue_.empty() && !fork_pending_; });
      const Job job = queue_.front();
      queue_.pop_front();
      compiling_ = job.store;
      lock.unlock();
      try {
        const std::lock_guard<std::mutex> structure(job.store->structure_mutex);
        if (job.upgrade) compile_upgrade(*job.store, *job.func);  // (Failed: it stays in lean code)
        else compile(*job.store, *job.func);                       // (false: it stays in the interpreter)
      } catch (...) {  // nothing may leave the thread; the function stays interpreted
      }
      lock.lock();
      ++job.store->background_compiles;
      compiling_ = nullptr;
      idle_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable work_, idle_;
  std::deque<Job> queue_;
  StoreImpl* compiling_ = nullptr;  // the store of the function being compiled
  bool fork_pending_ = false;       // (see before_fork)
  std::thread* thread_ = nullptr;
  pid_t pid_ = 0;  // the process thread_ runs in
};

BackgroundCompiler& helper() {
  static auto* compiler = [] {
    auto* c = new BackgroundCompiler;  // (never destroyed: its thread may outlive main)
    // A fork while the helper holds its lock, or a store's, would leave the
    // child's copy locked for good (see before_fork).
    pthread_atfork([] { helper().before_fork(); }, [] { helper().after_fork(); }, [] { helper().after_fork(); });
    return c;
  }();
  return *compiler;
}

}  // namespace

bool tier_up(StoreImpl& store, FuncInstance& f) {
  if (entry_of(f)) return true;
  const Config& cfg = store.engine.config();
  if (cfg.tier == Config::Tier::Interpreter) return false;
  if (cfg.background_compile && cfg.tier == Config::Tier::Tiered && available()) {
    try {
      store.background_used = true;
      if (helper().request(store, f, false)) return false;
    } catch (const std::bad_alloc&) {  // compiled here instead
    }
  }
  return compile(store, f);
}

bool request_upgrade(StoreImpl& store, FuncInstance& f) {
  try {
    store.background_used = true;
    return helper().request(store, f, true);
  } catch (const std::bad_alloc&) {
    return false;
  }
}

void forget_background_compiles(StoreImpl& store) { helper().forget(store); }

void drain_background_compiles(StoreImpl& store) { helper().drain(store); }

size_t background_compiles_done(const StoreImpl& store) { return helper().done(store); }

}  // namespace mywasm::jit
