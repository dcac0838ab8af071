// poll_oneoff: waits on clocks and descriptors. Regular files and
// directories are always ready (as in POSIX poll); streams (stdio, pipes,
// sockets) are waited on with ppoll(2); clocks become the poll timeout.
// Events never carry an error for a socket that failed or closed (tokio
// treats any event error as fatal): such a socket is reported ready, with
// the hang-up flag where the peer is gone, and the guest's next call on it
// returns the error (SO_ERROR holds it after a non-blocking connect).
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>

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

struct StreamWait {
  uint64_t userdata;
  uint8_t type;  // kEventFdRead or kEventFdWrite
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

void poll_oneoff(HostCall& c) {
  uint32_t in = c.u32(0), out = c.u32(1), count = c.u32(2), nevents_ptr = c.u32(3);
  if (count == 0) fail(Errno::Inval);
  c.mem.bytes(in, uint64_t(count) * abi::subscription::kSize);
  c.mem.bytes(out, uint64_t(count) * abi::event::kSize);
  c.mem.store<uint32_t>(nevents_ptr, 0);

  std::vector<Event> events;
  std::vector<ClockWait> clocks;
  std::vector<pollfd> pollfds;
  std::vector<StreamWait> streams;
  const uint64_t start = now_ns(CLOCK_MONOTONIC);

  for (uint32_t i = 0; i < count; ++i) {
    namespace s = abi::subscription;
    uint64_t sub = in + uint64_t(i) * s::kSize;
    uint64_t userdata = c.mem.load<uint64_t>(sub + s::kUserdata);
    uint8_t tag = c.mem.load<uint8_t>(sub + s::kTag);
    if (tag == abi::kEventClock) {
      auto clock = host_clock(c.mem.load<uint32_t>(sub + s::kClockId));
      if (!clock) {
        events.push_back({userdata, Errno::Inval, tag});
        continue;
      }
      uint64_t timeout = c.mem.load<uint64_t>(sub + s::kClockTimeout);
      if (c.mem.load<uint16_t>(sub + s::kClockFlags) & abi::kSubclockAbstime) {
        uint64_t now = now_ns(*clock);
        timeout = timeout > now ? timeout - now : 0;
      }
      clocks.push_back({userdata, start + std::min<uint64_t>(timeout, UINT64_MAX - start)});
    } else if (tag == abi::kEventFdRead || tag == abi::kEventFdWrite) {
      FdEntry* e = c.ctx.fds().find(c.mem.load<uint32_t>(sub + s::kFd));
      if (!e) {
        events.push_back({userdata, Errno::Badf, tag});
      } else if (!e->has_rights(abi::right::kPollFdReadwrite) && e->kind != FdKind::Directory) {
        events.push_back({userdata, Errno::NotCapable, tag});
      } else if (e->filetype == abi::kFiletypeRegularFile || e->kind == FdKind::Directory) {
        events.push_back(immediate_file_event(*e, userdata, tag));
      } else {
        short want = tag == abi::kEventFdRead ? POLLIN : POLLOUT;
        // A socket whose peer has shut down its side is a hang-up for a
        // reader (WASI: "the peer of this socket has closed or
        // disconnected"), though Linux sets POLLHUP only once both
        // directions are shut: ask for POLLRDHUP too.
        if (tag == abi::kEventFdRead && e->kind == FdKind::Socket) want |= POLLRDHUP;
        pollfds.push_back({e->host_fd, want, 0});
        streams.push_back({userdata, tag});
      }
    } else {
      fail(Errno::Inval);
    }
  }

  for (;;) {
    timespec timeout{};
    timespec* timeout_ptr = nullptr;  // wait forever when nothing else can wake us
    if (events.empty() && !clocks.empty()) {
      uint64_t deadline = std::min_element(clocks.begin(), clocks.end(), [](auto& a, auto& b) {
                            return a.deadline < b.deadline;
                          })->deadline;
      uint64_t now = now_ns(CLOCK_MONOTONIC);
      uint64_t wait = deadline > now ? deadline - now : 0;
      timeout = timespec{time_t(wait / 1000000000ull), long(wait % 1000000000ull)};
      timeout_ptr = &timeout;
    } else if (!events.empty()) {
      timeout_ptr = &timeout;  // zero: just collect whatever else is ready
    }
    int n = ::ppoll(pollfds.data(), pollfds.size(), timeout_ptr, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_host_errno();
    }
    for (size_t i = 0; i < pollfds.size(); ++i) {
      short rev = pollfds[i].revents;
      if (!rev) continue;
      Event ev{streams[i].userdata, Errno::Success, streams[i].type};
      if (rev & POLLNVAL) ev.error = Errno::Badf;
      if (rev & (POLLHUP | POLLRDHUP)) ev.flags |= abi::kEventRwHangup;
      if (ev.type == abi::kEventFdRead) {
        int avail = 0;
        if (::ioctl(pollfds[i].fd, FIONREAD, &avail) == 0 && avail > 0) ev.nbytes = uint64_t(avail);
      }
      events.push_back(ev);
    }
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    for (const ClockWait& w : clocks)
      if (w.deadline <= now) events.push_back({w.userdata, Errno::Success, abi::kEventClock});
    if (!events.empty()) break;
  }

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
  c.mem.store<uint32_t>(nevents_ptr, uint32_t(events.size()));
}

constexpr FunctionSpec kFunctions[] = {
    {"poll_oneoff", "iiii", poll_oneoff},
};

}  // namespace

std::span<const FunctionSpec> poll_functions() { return kFunctions; }

}  // namespace mywasm::wasi
