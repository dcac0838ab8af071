// Socket programs (tests/programs/c/sock_*.c, WasmEdge's socket ABI and
// preview1's) run under `mywasm run` over loopback, driven from the test
// with plain POSIX sockets. Servers pick an ephemeral port and print it;
// every wait is bounded and every server process is killed at the end.
#include <functional>

#include "sock_fixture.hpp"

namespace {

using namespace mywasm_test;

// A host listener on an ephemeral loopback port that accepts one
// connection, reads `expect` bytes (all until EOF by default), answers
// make_reply(what it read) and closes.
class HostReplier {
 public:
  explicit HostReplier(std::function<std::string(const std::string&)> make_reply, size_t expect = kUntilEof) {
    fd_ = listen_loopback(4, &port_);
    thread_ = std::thread([this, expect, make_reply] {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) return;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{10, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      got_ = recv_n(c, expect);
      std::string reply = make_reply(got_);
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~HostReplier() {
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  std::string got() {
    thread_.join();
    thread_ = std::thread([] {});
    return got_;
  }

 private:
  static constexpr size_t kUntilEof = size_t(1) << 20;
  int fd_ = -1, port_ = 0;
  std::string got_;
  std::thread thread_;
};

// Answers "pong:" + everything the guest sent.
HostReplier pong_server() {
  return HostReplier([](const std::string& got) { return "pong:" + got; });
}

const std::string kHttpResponse =
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";
const std::string kHttpRequest = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

TEST(SockTest, BlockingEchoServerIPv4) {
  Child server({"run", program("sock_echo_server")});
  int port = server.port();
  ASSERT_GT(port, 0);
  int fd = connect_to(port);
  ASSERT_GE(fd, 0);
  send_all(fd, "hello, ");
  EXPECT_EQ(recv_n(fd, 7), "hello, ");
  const std::string big = letters(100000, 'a', 26);
  EXPECT_EQ(echo_through(fd, big), big);
  ::close(fd);
  EXPECT_EQ(server.line(), "done");
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockTest, BlockingEchoServerIPv6) {
  Child server({"run", program("sock_echo_server"), "6"});
  int port = server.port();
  ASSERT_GT(port, 0);
  int fd = connect_to(port, /*v6=*/true);
  ASSERT_GE(fd, 0);
  send_all(fd, "over ipv6");
  ::shutdown(fd, SHUT_WR);
  EXPECT_EQ(recv_all(fd), "over ipv6");
  ::close(fd);
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockTest, PollDrivenHttpServerKeepAlive) {
  Child server({"run", program("sock_http_server"), "3"});
  int port = server.port();
  ASSERT_GT(port, 0);

  // Several requests on one connection, one at a time and pipelined.
  int a = connect_to(port);
  ASSERT_GE(a, 0);
  for (int i = 0; i < 3; ++i) {
    send_all(a, kHttpRequest);
    EXPECT_EQ(recv_n(a, kHttpResponse.size()), kHttpResponse) << "request " << i;
  }
  send_all(a, kHttpRequest + kHttpRequest);
  EXPECT_EQ(recv_n(a, 2 * kHttpResponse.size()), kHttpResponse + kHttpResponse);

  // Two more connections open at the same time, served interleaved.
  int b = connect_to(port), c = connect_to(port);
  ASSERT_GE(b, 0);
  ASSERT_GE(c, 0);
  send_all(c, kHttpRequest);
  send_all(b, kHttpRequest);
  EXPECT_EQ(recv_n(b, kHttpResponse.size()), kHttpResponse);
  EXPECT_EQ(recv_n(c, kHttpResponse.size()), kHttpResponse);
  send_all(b, kHttpRequest);
  EXPECT_EQ(recv_n(b, kHttpResponse.size()), kHttpResponse);
  ::close(a);
  ::close(b);
  ::close(c);
  EXPECT_EQ(server.line(), "served 3");
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockTest, ClientResolvesLocalhostAndConnects) {
  HostReplier host = pong_server();
  Child client({"run", program("sock_client"), "localhost", std::to_string(host.port())});
  EXPECT_EQ(client.line(), "resolved localhost to 127.0.0.1 port " + std::to_string(host.port()));
  EXPECT_EQ(client.line(), "reply pong:ping");
  EXPECT_EQ(client.wait(), 0);
}

TEST(SockTest, DenyNetRefusesConnectWithClearError) {
  HostReplier host = pong_server();
  std::string port = std::to_string(host.port());
  Outcome r = run_merged("run --deny-net 127.0.0.1 " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(r.status, 13);
  EXPECT_NE(r.out.find("connecting to 127.0.0.1:" + port + " denied by the network policy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("connect failed: 2"), std::string::npos) << r.out;  // EACCES
  // Unblock the host server's accept so its thread ends promptly.
  int fd = connect_to(host.port());
  if (fd >= 0) ::close(fd);
}

TEST(SockTest, AllowNetPermitsOnlyListedAddresses) {
  HostReplier host = pong_server();
  std::string port = std::to_string(host.port());
  Child client({"run", "--allow-net", "127.0.0.1:" + port, "--allow-dns", program("sock_client"), "localhost", port});
  EXPECT_EQ(client.line(), "resolved localhost to 127.0.0.1 port " + port);
  EXPECT_EQ(client.line(), "reply pong:ping");
  EXPECT_EQ(client.wait(), 0);

  // Binding anywhere else is refused when an allow list is given.
  Child server({"run", "--allow-net", "127.0.0.1:" + port, program("sock_echo_server")});
  EXPECT_EQ(server.wait(), 12);  // sock_bind failed
}

TEST(SockTest, UdpSendToAndRecvFrom) {
  for (std::string family : {"4", "6"}) {
    Child c({"run", program("sock_udp"), family});
    EXPECT_EQ(c.line(), "received 'datagram' from family " + std::string(family == "4" ? "1" : "2"));
    EXPECT_EQ(c.line(), "reply 'ack'");
    EXPECT_EQ(c.wait(), 0);
  }
}

TEST(SockTest, TcpListenHandsThePreopenedSocketToStandardAccept) {
  int port = free_port();
  Child server({"run", "--tcplisten", "127.0.0.1:" + std::to_string(port), program("sock_tcplisten")});
  int fd = connect_when_listening(port);
  ASSERT_GE(fd, 0);
  send_all(fd, "hi");
  EXPECT_EQ(recv_all(fd), "hello from fd 3");
  ::close(fd);
  EXPECT_EQ(server.line(), "served");
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockTest, NonBlockingConnectPollWritableSoErrorAndHangup) {
  HostReplier host([](const std::string&) { return std::string("bye"); }, 2);
  Child c({"run", program("sock_nb_connect"), std::to_string(host.port())});
  EXPECT_EQ(c.line(), "connected");
  EXPECT_EQ(c.line(), "read 3 bytes: bye");
  // The peer closed while our side is still open for writing: Linux
  // reports that as POLLRDHUP, not POLLHUP, and it must still be a hang-up.
  EXPECT_EQ(c.line(), "hangup 1 nbytes 0");
  EXPECT_EQ(c.wait(), 0);
  EXPECT_EQ(host.got(), "hi");
}

TEST(SockTest, NonBlockingConnectRefusedReportsConnRefused) {
  Child c({"run", program("sock_nb_connect"), std::to_string(free_port()), "refused"});
  EXPECT_EQ(c.line(), "refused 14");  // ECONNREFUSED, at once or through SO_ERROR
  EXPECT_EQ(c.wait(), 0);
}

TEST(SockTest, TcpListenRejectsMalformedAddress) {
  Outcome r = run_merged("run --tcplisten nonsense " + program("sock_tcplisten"));
  EXPECT_GT(r.status, 0);  // an error exit, not success and not a crash
  EXPECT_NE(r.out.find("--tcplisten nonsense: expected IP:PORT"), std::string::npos) << r.out;
}

// Guest TCP sockets start with TCP_NODELAY (opened, accepted, connected and
// --tcplisten ones alike); --no-tcp-nodelay keeps the kernel's default; the
// guest reads and changes it through sock_getsockopt/sock_setsockopt.
TEST(SockTest, TcpNoDelayIsTheDefaultAndTheGuestCanChangeIt) {
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  Child on({"run", "--tcplisten", listen, program("sock_nodelay"), "tcplisten"});
  EXPECT_EQ(on.line(), "opened 1 accepted 1 connected 1 tcplisten 1 flipped 0");
  EXPECT_EQ(on.wait(), 0);
  Child off({"run", "--no-tcp-nodelay", "--tcplisten", listen, program("sock_nodelay"), "tcplisten"});
  EXPECT_EQ(off.line(), "opened 0 accepted 0 connected 0 tcplisten 0 flipped 1");
  EXPECT_EQ(off.wait(), 0);
}

// Issue 13, item 5: the network policy, parsed strictly and applied to
// every way out (bind, connect, name resolution), IPv4-mapped IPv6
// addresses included.
TEST(SockTest, MalformedNetPolicyIsRejectedAtStart) {
  for (std::string bad : {"--deny-net garbage", "--deny-net 127.0.0.1/33", "--allow-net 127.0.0.1:70000",
                          "--allow-net 127.0.0.1:9-5", "--deny-net [::1", "--deny-net ::1]:80", "--deny-net 1.2.3",
                          "--allow-net 127.0.0.1:"}) {
    // hello.wasm opens no socket: the check comes before anything runs.
    Outcome r = run_merged("run " + bad + " " + program("hello"));
    EXPECT_EQ(r.status, 2) << bad << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << bad << ": " << r.out;
    EXPECT_NE(r.out.find(bad.substr(bad.find(' ') + 1) + ": expected"), std::string::npos) << r.out;
  }
}

TEST(SockTest, DenyNetCidrRangeRefusesConnect) {
  HostReplier host = pong_server();
  std::string port = std::to_string(host.port());
  Outcome r = run_merged("run --deny-net 127.0.0.0/8 " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(r.status, 13) << r.out;
  EXPECT_NE(r.out.find("connecting to 127.0.0.1:" + port + " denied by the network policy"), std::string::npos) << r.out;
  int fd = connect_to(host.port());  // unblock the host server's accept
  if (fd >= 0) ::close(fd);
}

TEST(SockTest, Ipv4MappedIpv6AddressIsMatchedAsIpv4) {
  HostReplier host = pong_server();
  std::string port = std::to_string(host.port());
  // ::ffff:127.0.0.1 over an IPv6 socket reaches 127.0.0.1: denied as such.
  Outcome denied = run_merged("run --deny-net 127.0.0.1 " + program("sock_connect_mapped") + " " + port);
  EXPECT_EQ(denied.status, 0) << denied.out;
  EXPECT_NE(denied.out.find("connect failed: 2"), std::string::npos) << denied.out;  // EACCES
  EXPECT_NE(denied.out.find("denied by the network policy"), std::string::npos) << denied.out;
  // A rule written in the mapped form denies the IPv4 address too.
  Outcome denied4 = run_merged("run --deny-net ::ffff:127.0.0.1 " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(denied4.status, 13) << denied4.out;
  // And allowed, it connects.
  Outcome allowed = run_merged("run --allow-net 127.0.0.1:" + port + " " + program("sock_connect_mapped") + " " + port);
  EXPECT_NE(allowed.out.find("reply pong:ping"), std::string::npos) << allowed.out;
}

TEST(SockTest, AllowNetPortRangeAndDenyByDefault) {
  HostReplier host = pong_server();
  std::string port = std::to_string(host.port());
  // An allow list is deny-by-default: a port outside its range is refused.
  Outcome r = run_merged("run --allow-net 127.0.0.1:1-1023 --allow-dns " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(r.status, 13) << r.out;
  // Inside the range, allowed.
  Outcome ok = run_merged("run --allow-net 127.0.0.1:1-65535 --allow-dns " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(ok.status, 0) << ok.out;
  // --deny-net * refuses everything, name resolution included.
  Outcome none = run_merged("run --deny-net '*' " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(none.status, 10) << none.out;  // getaddrinfo failed
  EXPECT_NE(none.out.find("resolving 'localhost' denied by the network policy"), std::string::npos) << none.out;
  // An allow list without --allow-dns refuses resolution too.
  Outcome no_dns = run_merged("run --allow-net 127.0.0.1 " + program("sock_client") + " localhost " + port);
  EXPECT_EQ(no_dns.status, 10) << no_dns.out;
  int fd = connect_to(host.port());  // unblock the host server's accept
  if (fd >= 0) ::close(fd);
}

}  // namespace
