// poll_oneoff: waits on clocks and descriptors. Regular files and
// directories are always ready (as in POSIX poll); streams (stdio, pipes,
// sockets) wait in the fd table's epoll set (poll_set.hpp); the earliest
// clock becomes the wait's timeout. Events never carry an error for a
// socket that failed or closed (tokio treats any event error as fatal):
// such a socket is reported ready, with the hang-up flag where the peer is
// gone, and the guest's next call on it returns the error (SO_ERROR holds
// it after a non-blocking connect).
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host_call.hpp"

namespace mywasm::wasi {
namespace {

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct ClockWait {
  uint64_t userdata;
  uint64_t deadline;  // CLOCK_MONOTONIC, ns
};

// A read or write subscription on a stream; those naming one entry are
// chained through `next` from its PollState::first_sub.
struct StreamWait {
  uint64_t userdata;
  uint8_t type;  // kEventFdRead or kEventFdWrite
  FdEntry* entry;
  int32_t next;
};

uint64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

std::optional<clockid_t> host_clock(uint32_t id) {
  switch (id) {
    case abi::kClockRealtime: return CLOCK_REALTIME;
    case abi::kClockMonotonic: return CLOCK_MONOTONIC;
    case abi::kClockProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case abi::kClockThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
    default: return std::nullopt;
  }
}

// A file that never blocks: report it ready now, with the bytes left to read.
Event immediate_file_event(const FdEntry& e, uint64_t userdata, uint8_t type) {
  Event ev{userdata, Errno::Success, type};
  if (type == abi::kEventFdRead && e.filetype == abi::kFiletypeRegularFile) {
    struct stat st {};
    off_t pos = ::lseek(e.host_fd, 0, SEEK_CUR);
    if (::fstat(e.host_fd, &st) == 0 && pos >= 0 && st.st_size > pos) ev.nbytes = uint64_t(st.st_size - pos);
  }
  return ev;
}

uint32_t interest(const StreamWait& w) {
  if (w.type == abi::kEventFdWrite) return EPOLLOUT;
  // A socket whose peer has shut down its side is a hang-up for a reader
  // (WASI: "the peer of this socket has closed or disconnected"), though
  // Linux reports EPOLLHUP only once both directions are shut.
  return w.entry->kind == FdKind::Socket ? EPOLLIN | EPOLLRDHUP : EPOLLIN;
}

// The event a subscription gets from the ready mask `m`, if any.
std::optional<Event> stream_event(const StreamWait& w, uint32_t m) {
  const bool read = w.type == abi::kEventFdRead;
  const uint32_t hangup = read ? EPOLLHUP | EPOLLRDHUP : EPOLLHUP;
  if (!(m & (interest(w) | EPOLLHUP | EPOLLERR))) return std::nullopt;
  Event ev{w.userdata, Errno::Success, w.type};
  if (m & hangup) ev.flags |= abi::kEventRwHangup;
  if (read) {
    int avail = 0;
    if (::ioctl(w.entry->host_fd, FIONREAD, &avail) == 0 && avail > 0) ev.nbytes = uint64_t(avail);
  }
  return ev;
}

// One poll_oneoff call: the subscriptions read from the guest, then waited on.
class PollCall {
 public:
  PollCall(HostCall& c, PollSet& set) : c_(c), set_(set), call_(set.begin_call()) {}

  void read_subscriptions(uint32_t in, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) read_subscription(in + uint64_t(i) * abi::subscription::kSize);
  }

  // Registers what changed and waits until something is ready.
  std::vector<Event> wait() {
    for (FdEntry* e : entries_) {
      if (set_.watch(*e, e->poll.want)) continue;
      for (int32_t s = e->poll.first_sub; s >= 0; s = streams_[s].next)  // epoll cannot watch it: always ready
        events_.push_back({streams_[s].userdata, Errno::Success, streams_[s].type});
    }
    for (;;) {
      timespec timeout{};
      const timespec* limit = wait_limit(&timeout);
      for (const epoll_event& ready : set_.wait(std::min<size_t>(entries_.size(), kMaxReadyPerWait), limit))
        collect(*static_cast<FdEntry*>(ready.data.ptr), ready.events);
      const uint64_t now = now_ns(CLOCK_MONOTONIC);
      for (const ClockWait& w : clocks_)
        if (w.deadline <= now) events_.push_back({w.userdata, Errno::Success, abi::kEventClock});
      if (!events_.empty()) return std::move(events_);
    }
  }

 private:
  static constexpr size_t kMaxReadyPerWait = 1024;  // level-triggered: the rest come next call

  void read_subscription(uint64_t sub) {
    namespace s = abi::subscription;
    const uint64_t userdata = c_.mem.load<uint64_t>(sub + s::kUserdata);
    const uint8_t tag = c_.mem.load<uint8_t>(sub + s::kTag);
    if (tag == abi::kEventClock) return read_clock(sub, userdata);
    if (tag != abi::kEventFdRead && tag != abi::kEventFdWrite) fail(Errno::Inval);
    FdEntry* e = c_.ctx.fds().find(c_.mem.load<uint32_t>(sub + s::kFd));
    if (!e) {
      events_.push_back({userdata, Errno::Badf, tag});
    } else if (!e->has_rights(abi::right::kPollFdReadwrite) && e->kind != FdKind::Directory) {
      events_.push_back({userdata, Errno::NotCapable, tag});
    } else if (e->filetype == abi::kFiletypeRegularFile || e->kind == FdKind::Directory) {
      events_.push_back(immediate_file_event(*e, userdata, tag));
    } else {
      add_stream({userdata, tag, e, -1});
    }
  }

  void read_clock(uint64_t sub, uint64_t userdata) {
    namespace s = abi::subscription;
    auto clock = host_clock(c_.mem.load<uint32_t>(sub + s::kClockId));
    if (!clock) return events_.push_back({userdata, Errno::Inval, abi::kEventClock});
    uint64_t timeout = c_.mem.load<uint64_t>(sub + s::kClockTimeout);
    if (c_.mem.load<uint16_t>(sub + s::kClockFlags) & abi::kSubclockAbstime) {
      uint64_t now = now_ns(*clock);
      timeout = timeout > now ? timeout - now : 0;
    }
    clocks_.push_back({userdata, start_ + std::min<uint64_t>(timeout, UINT64_MAX - start_)});
  }

  void add_stream(StreamWait w) {
    PollState& p = w.entry->poll;
    if (p.call != call_) {  // the first subscription naming this entry in this call
      p.call = call_;
      p.want = 0;
      p.first_sub = -1;
      entries_.push_back(w.entry);
    }
    p.want |= interest(w);
    w.next = p.first_sub;
    p.first_sub = int32_t(streams_.size());
    streams_.push_back(w);
  }

  // Zero when events are already waiting (collect what else is ready),
  // the earliest clock's deadline, or no limit.
  const timespec* wait_limit(timespec* out) const {
    if (!events_.empty()) return out;
    if (clocks_.empty()) return nullptr;
    uint64_t deadline = UINT64_MAX;
    for (const ClockWait& w : clocks_) deadline = std::min(deadline, w.deadline);
    const uint64_t now = now_ns(CLOCK_MONOTONIC), wait = deadline > now ? deadline - now : 0;
    *out = timespec{time_t(wait / 1000000000ull), long(wait % 1000000000ull)};
    return out;
  }

  void collect(FdEntry& e, uint32_t mask) {
    if (e.poll.call != call_) return PollSet::forget(e);  // registered earlier, not asked for now
    for (int32_t s = e.poll.first_sub; s >= 0; s = streams_[s].next)
      if (auto ev = stream_event(streams_[s], mask)) events_.push_back(*ev);
  }

  HostCall& c_;
  PollSet& set_;
  const uint64_t call_;
  const uint64_t start_ = now_ns(CLOCK_MONOTONIC);
  std::vector<Event> events_;
  std::vector<ClockWait> clocks_;
  std::vector<StreamWait> streams_;
  std::vector<FdEntry*> entries_;  // distinct entries named by streams_
};

void write_events(HostCall& c, uint32_t out, const std::vector<Event>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    namespace ev = abi::event;
    uint64_t p = out + uint64_t(i) * ev::kSize;
    std::memset(c.mem.bytes(p, ev::kSize).data(), 0, ev::kSize);
    c.mem.store<uint64_t>(p + ev::kUserdata, events[i].userdata);
    c.mem.store<uint16_t>(p + ev::kError, uint16_t(events[i].error));
    c.mem.store<uint8_t>(p + ev::kType, events[i].type);
    if (events[i].type != abi::kEventClock) {
      c.mem.store<uint64_t>(p + ev::kNbytes, events[i].nbytes);
      c.mem.store<uint16_t>(p + ev::kFlags, events[i].flags);
    }
  }
}

void poll_oneoff(HostCall& c) {
  uint32_t in = c.u32(0), out = c.u32(1), count = c.u32(2), nevents_ptr = c.u32(3);
  if (count == 0) fail(Errno::Inval);
  c.mem.bytes(in, uint64_t(count) * abi::subscription::kSize);
  c.mem.bytes(out, uint64_t(count) * abi::event::kSize);
  c.mem.store<uint32_t>(nevents_ptr, 0);
  PollCall call(c, c.ctx.fds().poll_set());
  call.read_subscriptions(in, count);
  std::vector<Event> events = call.wait();
  write_events(c, out, events);
  c.mem.store<uint32_t>(nevents_ptr, uint32_t(events.size()));
}

constexpr FunctionSpec kFunctions[] = {
    {"poll_oneoff", "iiii", poll_oneoff},
};

}  // namespace

std::span<const FunctionSpec> poll_functions() { return kFunctions; }

}  // namespace mywasm::wasi
