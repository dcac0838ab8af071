// WasmEdge's socket extension beside preview1's socket functions: a module
// may import sock_accept / sock_getlocaladdr in either signature and gets
// the matching one; addresses, errors and non-blocking behaviour at the ABI.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "errno.hpp"
#include "mywasm/mywasm.hpp"
#include "mywasm/wasi.hpp"
#include "wasi_fixture.hpp"

namespace mywasm::wasi {
namespace {

using testing::WasiFixture;

// Both sock_accept forms imported under one name (Wasm allows duplicate
// import names), plus the WasmEdge calls used to set up a listener.
constexpr const char* kWat = R"((module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept2 (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept3 (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_open" (func $open (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_bind" (func $bind (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_listen" (func $listen (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getlocaladdr" (func $local3 (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getlocaladdr" (func $local4 (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $setfl (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "accept2") (param i32 i32) (result i32) (call $accept2 (local.get 0) (local.get 1)))
  (func (export "accept3") (param i32 i32 i32) (result i32) (call $accept3 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "open") (param i32 i32 i32) (result i32) (call $open (local.get 0) (local.get 1) (local.get 2)))
  (func (export "bind") (param i32 i32 i32) (result i32) (call $bind (local.get 0) (local.get 1) (local.get 2)))
  (func (export "listen") (param i32 i32) (result i32) (call $listen (local.get 0) (local.get 1)))
  (func (export "local3") (param i32 i32 i32) (result i32) (call $local3 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "local4") (param i32 i32 i32 i32) (result i32)
    (call $local4 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "setfl") (param i32 i32) (result i32) (call $setfl (local.get 0) (local.get 1)))
  (func (export "poll") (param i32 i32 i32 i32) (result i32)
    (call $poll (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
)";

class SockAbiTest : public WasiFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(instantiate(Config{}, kWat)); }

  Errno call(const char* name, std::initializer_list<int32_t> args) {
    std::vector<Value> values;
    for (int32_t a : args) values.push_back(Value::i32(a));
    return WasiFixture::call(name, values);
  }

  // A listening IPv4 socket on 127.0.0.1:<ephemeral>; returns its fd.
  uint32_t listener() {
    EXPECT_EQ(call("open", {1, 2, 0}), Errno::Success);
    uint32_t fd = load<uint32_t>(0);
    const uint8_t ip[4] = {127, 0, 0, 1};
    std::memcpy(mem() + 100, ip, 4);
    store<uint32_t>(8, 100), store<uint32_t>(12, 4);  // address {buf, len}
    EXPECT_EQ(call("bind", {int32_t(fd), 8, 0}), Errno::Success);
    EXPECT_EQ(call("listen", {int32_t(fd), 8}), Errno::Success);
    return fd;
  }
};

int connect_host(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

TEST_F(SockAbiTest, LocalAddressInBothForms) {
  uint32_t fd = listener();
  // 3-argument form: 128-byte buffer, u16 family (1 = IPv4), then the bytes.
  store<uint32_t>(16, 200), store<uint32_t>(20, 128);
  ASSERT_EQ(call("local3", {int32_t(fd), 16, 24}), Errno::Success);
  EXPECT_EQ(load<uint16_t>(200), 1);
  EXPECT_EQ(mem()[202], 127);
  EXPECT_EQ(mem()[205], 1);
  uint32_t port = load<uint32_t>(24);
  EXPECT_GT(port, 0u);
  // 4-argument form (wasmedge_wasi_socket 0.5): raw bytes, addr_type 4.
  store<uint32_t>(16, 400), store<uint32_t>(20, 16);
  ASSERT_EQ(call("local4", {int32_t(fd), 16, 28, 32}), Errno::Success);
  EXPECT_EQ(mem()[400], 127);
  EXPECT_EQ(load<uint32_t>(28), 4u);
  EXPECT_EQ(load<uint32_t>(32), port);
  // The 3-argument form insists on the 128-byte buffer, as WasmEdge does.
  store<uint32_t>(16, 200), store<uint32_t>(20, 7);
  EXPECT_EQ(call("local3", {int32_t(fd), 16, 24}), Errno::Inval);
}

TEST_F(SockAbiTest, BothAcceptSignaturesLinkAndWork) {
  uint32_t fd = listener();
  store<uint32_t>(16, 200), store<uint32_t>(20, 128);
  ASSERT_EQ(call("local3", {int32_t(fd), 16, 24}), Errno::Success);
  uint16_t port = uint16_t(load<uint32_t>(24));

  // Non-blocking listener with nothing pending: EAGAIN from both forms.
  ASSERT_EQ(call("setfl", {int32_t(fd), 4}), Errno::Success);
  EXPECT_EQ(call("accept2", {int32_t(fd), 40}), Errno::Again);
  EXPECT_EQ(call("accept3", {int32_t(fd), 0, 40}), Errno::Again);

  int a = connect_host(port), b = connect_host(port);
  // Poll: the listener is readable; its write subscription never fires or errs.
  for (int i = 0; i < 2; ++i) {
    uint32_t sub = 1000 + 48 * uint32_t(i);
    std::memset(mem() + sub, 0, 48);
    store<uint64_t>(sub, uint64_t(i + 1));
    mem()[sub + 8] = uint8_t(i + 1);  // fd_read, fd_write
    store<uint32_t>(sub + 16, fd);
  }
  ASSERT_EQ(call("poll", {1000, 2000, 2, 60}), Errno::Success);
  ASSERT_EQ(load<uint32_t>(60), 1u);
  EXPECT_EQ(load<uint64_t>(2000), 1u);
  EXPECT_EQ(load<uint16_t>(2008), 0);

  ASSERT_EQ(call("accept2", {int32_t(fd), 40}), Errno::Success);
  ASSERT_EQ(call("accept3", {int32_t(fd), 0, 44}), Errno::Success);
  EXPECT_NE(load<uint32_t>(40), load<uint32_t>(44));
  EXPECT_EQ(call("poll", {1000, 2000, 0, 60}), Errno::Inval);  // zero subscriptions
  ::close(a);
  ::close(b);
}

TEST_F(SockAbiTest, BadArguments) {
  EXPECT_EQ(call("open", {9, 2, 0}), Errno::Inval);
  EXPECT_EQ(call("open", {1, 9, 0}), Errno::Inval);
  uint32_t fd = listener();
  store<uint32_t>(8, 100), store<uint32_t>(12, 5);  // neither 4, 16 nor 128 bytes
  EXPECT_EQ(call("bind", {int32_t(fd), 8, 0}), Errno::Inval);
  EXPECT_EQ(call("accept2", {0, 40}), Errno::NotSock);  // stdin is not a socket
  EXPECT_EQ(call("accept2", {77, 40}), Errno::Badf);
}

TEST(SockAbiPolicy, DenyNetRefusesBindWithEacces) {
  Config config;
  config.net_deny = {"127.0.0.1"};
  auto ctx = Context::create(config);
  ASSERT_TRUE(ctx.ok());
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  (*ctx)->add_to_linker(store, linker);
  auto bytes = wat_to_wasm(kWat);
  ASSERT_TRUE(bytes.ok());
  auto module = Module::compile(engine, *bytes);
  ASSERT_TRUE(module.ok());
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok());
  Memory memory = *instance->memory(store, "memory");
  auto call = [&](const char* name, std::vector<Value> args) {
    auto r = instance->func(store, name)->call(store, args);
    return static_cast<Errno>(r.value()[0].i32());
  };
  ASSERT_EQ(call("open", {Value::i32(1), Value::i32(2), Value::i32(0)}), Errno::Success);
  uint32_t fd;
  std::memcpy(&fd, memory.data(store), 4);
  const uint8_t addr[16] = {8, 0, 0, 0, 4, 0, 0, 0, 127, 0, 0, 1};  // {buf=8, len=4}, then 127.0.0.1
  std::memcpy(memory.data(store) + 100, addr, 8);
  std::memcpy(memory.data(store) + 8, addr + 8, 4);
  EXPECT_EQ(call("bind", {Value::i32(int32_t(fd)), Value::i32(100), Value::i32(0)}), Errno::Acces);
}

}  // namespace
}  // namespace mywasm::wasi
