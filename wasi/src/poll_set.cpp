#include "poll_set.hpp"

#include <cerrno>

#include "errno.hpp"
#include "fd_table.hpp"

namespace mywasm::wasi {

PollSet::PollSet() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {}

bool PollSet::watch(FdEntry& e, uint32_t events) {
  PollState& p = e.poll;
  if (p.registered == events && p.set_fd == epoll_.get()) return true;
  if (!epoll_.valid()) fail_host_errno();
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &e;
  int op = p.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (::epoll_ctl(epoll_.get(), op, e.host_fd, &ev) != 0) {
    if (errno == ENOMEM || errno == ENOSPC) fail_host_errno();
    return false;  // EPERM: a file or device epoll does not watch
  }
  p.registered = events;
  p.set_fd = epoll_.get();
  return true;
}

void PollSet::forget(FdEntry& e) {
  if (!e.poll.registered) return;
  ::epoll_ctl(e.poll.set_fd, EPOLL_CTL_DEL, e.host_fd, nullptr);
  e.poll.registered = 0;
  e.poll.set_fd = -1;
}

std::span<epoll_event> PollSet::wait(size_t max_events, const timespec* timeout) {
  ready_.resize(std::max<size_t>(max_events, 1));
  int n = ::epoll_pwait2(epoll_.get(), ready_.data(), int(ready_.size()), timeout, nullptr);
  if (n < 0 && errno == ENOSYS) {  // kernels before 5.11: millisecond timeouts, rounded up
    int ms = timeout ? int(std::min<int64_t>(INT32_MAX, timeout->tv_sec * 1000 + (timeout->tv_nsec + 999999) / 1000000))
                     : -1;
    n = ::epoll_wait(epoll_.get(), ready_.data(), int(ready_.size()), ms);
  }
  if (n < 0) {
    if (errno == EINTR) return {};
    fail_host_errno();
  }
  return {ready_.data(), size_t(n)};
}

}  // namespace mywasm::wasi
