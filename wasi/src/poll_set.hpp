// The readiness set behind poll_oneoff: one epoll instance per fd table,
// kept across calls. WASI's poll_oneoff names every subscription on every
// call, but a server names the same sockets call after call, so each
// descriptor stays registered with the interest it was last polled for: a
// call pays epoll_ctl only for what changed since the previous one, and the
// wait costs in proportion to the ready descriptors, not the open ones.
// A descriptor that is registered but not named by the current call is
// dropped from the set when it turns up ready (see poll.cpp).
#pragma once
#include <sys/epoll.h>
#include <time.h>

#include <cstdint>
#include <span>
#include <vector>

#include "unique_fd.hpp"

namespace mywasm::wasi {

struct FdEntry;

// What poll_oneoff keeps in each FdEntry.
struct PollState {
  uint32_t registered = 0;  // epoll events host_fd is registered for; 0: not in a set
  int set_fd = -1;          // the epoll instance holding it
  // Scratch of one poll_oneoff call: valid while `call` is that call's number.
  uint64_t call = 0;
  uint32_t want = 0;      // union of the events this call asks for
  int32_t first_sub = -1;  // index of its first subscription in this call
};

class PollSet {
 public:
  PollSet();
  // A new call number: entries whose PollState::call differs were not
  // named by the current call.
  uint64_t begin_call() { return ++calls_; }
  // Registers the entry's host fd for exactly `events` (EPOLLIN, EPOLLOUT,
  // EPOLLRDHUP). False if epoll cannot watch it (a device that is always
  // ready, such as /dev/null); the caller then reports it ready at once.
  bool watch(FdEntry& e, uint32_t events);
  static void forget(FdEntry& e);
  // Waits for ready entries (event.data.ptr is the FdEntry) until `timeout`
  // (nullptr: no limit); returns them, or an empty span on timeout/EINTR.
  std::span<epoll_event> wait(size_t max_events, const timespec* timeout);

 private:
  UniqueFd epoll_;
  uint64_t calls_ = 0;
  std::vector<epoll_event> ready_;
};

}  // namespace mywasm::wasi
