// Helpers for the socket tests: a `mywasm run` child process with its
// stdout on a pipe, and blocking loopback client sockets with timeouts.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "cli_fixture.hpp"

namespace mywasm_test {

inline std::string program(const std::string& name) { return std::string(MYWASM_PROGRAMS_DIR) + "/" + name + ".wasm"; }

// A `mywasm run ...` child with its stdout on a pipe.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      std::string bin = MYWASM_BIN;
      argv.push_back(bin.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }

  // The next line of stdout, waiting at most `timeout`.
  std::optional<std::string> line(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buffered_.find('\n'); nl != std::string::npos) {
        std::string l = buffered_.substr(0, nl);
        buffered_.erase(0, nl + 1);
        return l;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, int(left.count())) <= 0) return std::nullopt;
      char buf[512];
      ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffered_.append(buf, size_t(n));
    }
  }

  // The exit status, waiting at most `timeout`; nullopt if still running.
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  pid_t pid() const { return pid_; }

  // Reads the "port N" line a server prints once it listens.
  int port() {
    auto l = line();
    if (!l || l->rfind("port ", 0) != 0) return -1;
    return std::stoi(l->substr(5));
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffered_;
};

// A connected, blocking host socket with 10 s send/receive timeouts.
inline int connect_to(int port, bool v6 = false) {
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(uint16_t(port));
    a.sin6_addr = in6addr_loopback;
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline void send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    off += size_t(n);
  }
}

// Reads exactly `n` bytes (or less if the peer closes or times out).
inline std::string recv_n(int fd, size_t n) {
  std::string out;
  char buf[4096];
  while (out.size() < n) {
    ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got <= 0) break;
    out.append(buf, size_t(got));
  }
  return out;
}

inline std::string recv_all(int fd) { return recv_n(fd, size_t(1) << 20); }

// `n` bytes of letters cycling through `period` of them from `first`: data
// whose misplaced or lost chunks show in a comparison.
inline std::string letters(size_t n, char first, size_t period) {
  std::string s(n, 0);
  for (size_t i = 0; i < n; ++i) s[i] = char(first + i % period);
  return s;
}

// Sends `data` and shuts down writing from another thread while reading
// until the peer closes, so an echo bigger than the socket buffers cannot
// deadlock; returns what came back.
inline std::string echo_through(int fd, const std::string& data) {
  std::thread writer([&] {
    send_all(fd, data);
    ::shutdown(fd, SHUT_WR);
  });
  std::string back = recv_all(fd);
  writer.join();
  return back;
}

// A TCP socket listening on an ephemeral IPv4 loopback port (*port).
inline int listen_loopback(int backlog, int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(fd, backlog);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// A loopback port that was free a moment ago (bound to port 0, then released),
// for `mywasm run --tcplisten`, which needs the port up front.
inline int free_port() {
  int port = 0;
  ::close(listen_loopback(1, &port));
  return port;
}

// Connects to a port a child is about to listen on, retrying for up to 5 s.
inline int connect_when_listening(int port) {
  int fd = -1;
  for (int i = 0; i < 200 && fd < 0; ++i) {
    fd = connect_to(port);
    if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return fd;
}

// Runs `mywasm <args>` through the shell with stderr merged into stdout
// (Outcome::out); status -1 unless it exited normally.
inline Outcome run_merged(const std::string& args) {
  const std::string cmd = std::string(MYWASM_BIN) + " " + args + " 2>&1";
  Outcome outcome;
  FILE* p = ::popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr) << cmd;
  if (!p) return outcome;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) outcome.out.append(buf, n);
  const int raw = ::pclose(p);
  outcome.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return outcome;
}

}  // namespace mywasm_test
