// A small HTTP/1.1 keep-alive load client for the "Hello, World!" servers
// (tests/programs/c/sock_http_server.c under mywasm, and natively): one
// thread, epoll, `connections` sockets on loopback, each sending `pipeline`
// requests at a time and checking every response byte for byte against the
// one expected reply, so a short, long, merged or garbled response counts as
// an error. Used by the load test (tests/cli/sock_load_test.cpp) and by
// bench/http_load (bench/http_rps.py), so both measure the same way.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace mywasm_load {

inline const std::string kRequest = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
inline const std::string kResponse =
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";

struct Options {
  int port = 0;
  int connections = 50;
  std::chrono::milliseconds duration{1000};
  int pipeline = 1;               // requests in flight per connection
  int requests_per_connection = 0;  // 0: keep each connection for the whole run; N: close and reconnect after N
  std::chrono::milliseconds stall{5000};  // no response at all for this long is an error
};

struct Result {
  uint64_t requests = 0;  // responses received and verified
  uint64_t errors = 0;
  uint64_t connects = 0;
  double seconds = 0;
  std::string first_error;
  // Per burst (one request when pipeline is 1): send to last response byte.
  std::vector<uint32_t> latency_us;
  double rps() const { return seconds > 0 ? double(requests) / seconds : 0; }
  // The q-quantile (0..1) of latency_us, in microseconds; 0 with no samples.
  uint32_t latency_quantile_us(double q) const {
    if (latency_us.empty()) return 0;
    std::vector<uint32_t> sorted = latency_us;
    size_t i = std::min(sorted.size() - 1, size_t(q * double(sorted.size())));
    std::nth_element(sorted.begin(), sorted.begin() + long(i), sorted.end());
    return sorted[i];
  }
};

namespace detail {

struct Conn {
  int fd = -1;
  int outstanding = 0;
  std::chrono::steady_clock::time_point sent;
  uint64_t done = 0;  // responses on this connection
  std::string in;
};

inline int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace detail

inline Result run(const Options& o) {
  using clock = std::chrono::steady_clock;
  using detail::Conn;
  Result r;
  auto error = [&](const std::string& what) {
    if (r.errors++ == 0) r.first_error = what;
  };
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(size_t(o.connections));
  std::string burst;
  for (int i = 0; i < o.pipeline; ++i) burst += kRequest;

  auto send_burst = [&](Conn& c) {
    size_t off = 0;
    while (off < burst.size()) {  // small enough for the socket buffer; blocking is fine
      ssize_t n = ::send(c.fd, burst.data() + off, burst.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += size_t(n);
    }
    c.outstanding = o.pipeline;
    c.sent = clock::now();
    return true;
  };
  auto open = [&](size_t i) {
    Conn& c = conns[i];
    c = Conn{};
    c.fd = detail::connect_loopback(o.port);
    if (c.fd < 0) return error("connect failed: " + std::string(std::strerror(errno))), false;
    ++r.connects;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    if (!send_burst(c)) return error("send failed"), false;
    return true;
  };
  auto close_conn = [&](Conn& c) {
    if (c.fd >= 0) ::close(c.fd);  // also leaves the epoll set
    c.fd = -1;
  };

  const auto start = clock::now(), end = start + o.duration;
  auto last_progress = start;
  size_t live = 0;
  for (size_t i = 0; i < conns.size(); ++i) live += open(i);

  std::vector<epoll_event> events(conns.size());
  char buf[16384];
  while (live > 0) {
    int n = ::epoll_wait(ep, events.data(), int(events.size()), 100);
    auto now = clock::now();
    if (n <= 0) {
      if (now - last_progress > o.stall) {
        error("no response for " + std::to_string(o.stall.count()) + " ms");
        break;
      }
      continue;
    }
    for (int e = 0; e < n; ++e) {
      size_t i = size_t(events[e].data.u64);
      Conn& c = conns[i];
      if (c.fd < 0) continue;
      ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
      if (got <= 0) {
        error(got == 0 ? "server closed a keep-alive connection" : "recv: " + std::string(std::strerror(errno)));
        close_conn(c);
        --live;
        continue;
      }
      c.in.append(buf, size_t(got));
      bool bad = false;
      while (c.in.size() >= kResponse.size() && c.outstanding > 0) {
        if (c.in.compare(0, kResponse.size(), kResponse) != 0) {
          error("unexpected response bytes: " + c.in.substr(0, 120));
          bad = true;
          break;
        }
        c.in.erase(0, kResponse.size());
        --c.outstanding;
        ++c.done;
        ++r.requests;
        last_progress = now;
      }
      if (!bad && c.outstanding == 0 && !c.in.empty()) {
        error("bytes after the last response: " + c.in.substr(0, 120));
        bad = true;
      }
      if (bad) {
        close_conn(c);
        --live;
        continue;
      }
      if (c.outstanding > 0) continue;
      r.latency_us.push_back(uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(now - c.sent).count()));
      if (now >= end) {
        close_conn(c);
        --live;
      } else if (o.requests_per_connection > 0 && c.done >= uint64_t(o.requests_per_connection)) {
        close_conn(c);
        if (!open(i)) --live;
      } else if (!send_burst(c)) {
        error("send failed");
        close_conn(c);
        --live;
      }
    }
  }
  r.seconds = std::chrono::duration<double>(clock::now() - start).count();
  for (Conn& c : conns) close_conn(c);
  ::close(ep);
  return r;
}

}  // namespace mywasm_load
