// Rust socket programs (tests/programs/rust/rs_*.rs, built with Debian's
// rustc for wasm32-wasi, no crates) under `mywasm run` over loopback:
// WasmEdge's socket imports declared by hand in Rust, and Rust std's
// TcpListener/TcpStream on the socket preopened by --tcplisten.
#include "sock_fixture.hpp"

namespace {

using namespace mywasm_test;

TEST(SockRustTest, RawWasmEdgeImportsEchoServer) {
  Child server({"run", program("rs_wasmedge_sock"), "echo", "2"});
  int port = server.port();
  ASSERT_GT(port, 0);

  int a = connect_to(port);
  ASSERT_GE(a, 0);
  send_all(a, "ping from the host");
  EXPECT_EQ(recv_n(a, 18), "ping from the host");
  ::shutdown(a, SHUT_WR);
  EXPECT_EQ(recv_all(a), "");  // the server closes after our shutdown
  ::close(a);

  int b = connect_to(port);
  ASSERT_GE(b, 0);
  const std::string big = letters(200000, 'A', 23);
  EXPECT_EQ(echo_through(b, big), big);
  ::close(b);
  EXPECT_EQ(server.line(), "done");
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockRustTest, RawWasmEdgeImportsClientTalksToRustServer) {
  Child server({"run", program("rs_wasmedge_sock"), "echo", "1"});
  int port = server.port();
  ASSERT_GT(port, 0);
  Child client({"run", program("rs_wasmedge_sock"), "client", std::to_string(port), "hello, rust"});
  EXPECT_EQ(client.line(), "reply hello, rust");
  EXPECT_EQ(client.wait(), 0);
  EXPECT_EQ(server.line(), "done");
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockRustTest, RawWasmEdgeImportsClientConnectRefused) {
  int port = free_port();  // nobody listens there
  Child client({"run", program("rs_wasmedge_sock"), "client", std::to_string(port), "x"});
  EXPECT_EQ(client.wait(), 11);  // sock_connect failed (ECONNREFUSED)
}

TEST(SockRustTest, StdTcpListenerFromPreopenedFd) {
  int port = free_port();
  Child server({"run", "--tcplisten", "127.0.0.1:" + std::to_string(port), program("rs_std_tcplisten")});
  int fd = connect_when_listening(port);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(server.line(), "accepted");
  // Nothing sent yet: the non-blocking read must report WouldBlock.
  EXPECT_EQ(server.line(), "would block");
  send_all(fd, "mywasm\n");
  EXPECT_EQ(recv_all(fd), "hello from rust std: mywasm");
  ::close(fd);
  EXPECT_EQ(server.line(), "served");
  EXPECT_EQ(server.wait(), 0);
}

TEST(SockRustTest, StdWriteToClosedPeerIsAnErrorNotSigpipe) {
  int port = free_port();
  Child server({"run", "--tcplisten", "127.0.0.1:" + std::to_string(port), program("rs_std_peer_closed")});
  int fd = connect_when_listening(port);
  ASSERT_GE(fd, 0);
  send_all(fd, "abc");
  ::close(fd);
  EXPECT_EQ(server.line(), "eof after 3 bytes");
  auto err = server.line();
  EXPECT_TRUE(err == "write error: BrokenPipe" || err == "write error: ConnectionReset") << err.value_or("(none)");
  EXPECT_EQ(server.wait(), 0);  // not killed by SIGPIPE
}

}  // namespace
