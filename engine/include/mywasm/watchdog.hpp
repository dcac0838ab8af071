// A time limit for wasm: after `limit` the watchdog calls Store::interrupt()
// (the store's engine needs Config::interruptible), so the running call
// traps "interrupted" at its next function entry or loop iteration. One
// watchdog serves many calls: arm before each, disarm after.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "mywasm/mywasm.hpp"

namespace mywasm {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // `on_stuck`, if given, runs when the store has not returned `grace`
  // after its interrupt (a host function blocked in a system call).
  explicit Watchdog(Store& store, std::function<void()> on_stuck = nullptr,
                    std::chrono::milliseconds grace = std::chrono::seconds(1))
      : store_(store), on_stuck_(std::move(on_stuck)), grace_(grace), thread_([this] { loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void arm(std::chrono::milliseconds limit) {
    {
      std::lock_guard lock(mu_);
      deadline_ = Clock::now() + limit;
      fired_ = false;
    }
    cv_.notify_all();
  }
  void disarm() {
    std::lock_guard lock(mu_);
    deadline_.reset();
  }
  // Whether the last armed limit ran out.
  bool fired() {
    std::lock_guard lock(mu_);
    return fired_;
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (!deadline_) {
        cv_.wait(lock);
        continue;
      }
      const Clock::time_point deadline = *deadline_;
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && deadline_ == deadline) {
        fired_ = true;
        store_.interrupt();
        // Still armed after the grace period: the call is stuck outside wasm.
        if (on_stuck_ && !cv_.wait_for(lock, grace_, [&] { return stop_ || deadline_ != deadline; })) on_stuck_();
        if (deadline_ == deadline) deadline_.reset();
      }
    }
  }

  Store& store_;
  std::function<void()> on_stuck_;
  std::chrono::milliseconds grace_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Clock::time_point> deadline_;
  bool fired_ = false, stop_ = false;
  std::thread thread_;  // last: starts once the rest is constructed
};

}  // namespace mywasm
