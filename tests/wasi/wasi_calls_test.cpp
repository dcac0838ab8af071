// WASI functions called the way a guest calls them: a module imports them
// from wasi_snapshot_preview1 and re-exports them, and the test drives the
// exports with raw pointers into the module's memory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "abi.hpp"
#include "context_impl.hpp"
#include "errno.hpp"
#include "fd_table.hpp"
#include "mywasm/mywasm.hpp"
#include "mywasm/wasi.hpp"
#include "temp_dir.hpp"
#include "unique_fd.hpp"
#include "wasi_fixture.hpp"

namespace mywasm::wasi {
namespace {

using namespace testing;  // TempDir, WasiFixture, WasiImport, wasi_wrapper_module

// The WASI functions under test, re-exported by the module.
const WasiImport kImports[] = {
    {"args_sizes_get", "i32 i32"},
    {"args_get", "i32 i32"},
    {"fd_write", "i32 i32 i32 i32"},
    {"fd_read", "i32 i32 i32 i32"},
    {"fd_close", "i32"},
    {"fd_prestat_get", "i32 i32"},
    {"fd_readdir", "i32 i32 i32 i64 i32"},
    {"fd_fdstat_get", "i32 i32"},
    {"path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"},
    {"path_filestat_get", "i32 i32 i32 i32 i32"},
    {"poll_oneoff", "i32 i32 i32 i32"},
    {"clock_time_get", "i32 i64 i32"},
    {"path_create_directory", "i32 i32 i32"},
    {"sock_send", "i32 i32 i32 i32 i32"},
    {"sock_recv", "i32 i32 i32 i32 i32 i32"},
    {"sock_shutdown", "i32 i32"},
    {"sock_accept", "i32 i32 i32"},
    {"proc_exit", "i32", false},
};

constexpr uint32_t kPageEnd = 65536;

class WasiCallsTest : public WasiFixture {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(pipe_), 0);
    sandbox_.mkdir("sub");
    sandbox_.write("hello.txt", "hello, sandbox");
    outside_.write("secret", "outside");
    ::symlink((outside_.path() / "secret").c_str(), (sandbox_.path() / "escape").c_str());

    Config config;
    config.args = {"prog", "one", "two"};
    config.stdout_fd = pipe_[1];
    config.preopens.push_back({"/", sandbox_.path().string(), false});
    config.preopens.push_back({"/ro", sandbox_.path().string(), /*readonly=*/true});
    ASSERT_NO_FATAL_FAILURE(instantiate(config, wasi_wrapper_module(kImports)));
  }
  void TearDown() override {
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }

  Errno open_path(const std::string& path, uint32_t oflags, uint64_t rights, uint32_t fd_out,
                  uint32_t lookup = 0, uint32_t dir_fd = 3) {
    put_string(1000, path);
    return call("path_open", {Value::i32(int32_t(dir_fd)), Value::i32(int32_t(lookup)), Value::i32(1000),
                              Value::i32(int32_t(path.size())), Value::i32(int32_t(oflags)),
                              Value::i64(int64_t(rights)), Value::i64(0), Value::i32(0), Value::i32(int32_t(fd_out))});
  }

  int pipe_[2] = {-1, -1};
  TempDir sandbox_, outside_;
};

TEST_F(WasiCallsTest, ArgsRoundTrip) {
  EXPECT_EQ(call("args_sizes_get", {Value::i32(0), Value::i32(4)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(0), 3u);
  EXPECT_EQ(load<uint32_t>(4), 13u);  // "prog\0one\0two\0"
  EXPECT_EQ(call("args_get", {Value::i32(100), Value::i32(200)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(104), 205u);
  EXPECT_STREQ(reinterpret_cast<char*>(mem() + 205), "one");
  // The strings would run past the end of memory.
  EXPECT_EQ(call("args_get", {Value::i32(100), Value::i32(kPageEnd - 4)}), Errno::Fault);
  // A pointer array that would wrap around the 32-bit address space.
  EXPECT_EQ(call("args_get", {Value::i32(-4), Value::i32(200)}), Errno::Fault);
}

TEST_F(WasiCallsTest, FdWriteGathersIovecs) {
  put_string(300, "hello ");
  put_string(400, "world");
  store<uint32_t>(16, 300), store<uint32_t>(20, 6), store<uint32_t>(24, 400), store<uint32_t>(28, 5);
  EXPECT_EQ(call("fd_write", {Value::i32(1), Value::i32(16), Value::i32(2), Value::i32(8)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(8), 11u);
  char buf[32] = {};
  EXPECT_EQ(::read(pipe_[0], buf, sizeof buf), 11);
  EXPECT_STREQ(buf, "hello world");
}

TEST_F(WasiCallsTest, EveryGuestPointerIsBoundsChecked) {
  // The iovec array itself out of range.
  EXPECT_EQ(call("fd_write", {Value::i32(1), Value::i32(kPageEnd - 4), Value::i32(1), Value::i32(8)}), Errno::Fault);
  // A buffer named by an iovec out of range.
  store<uint32_t>(16, kPageEnd - 2), store<uint32_t>(20, 3);
  EXPECT_EQ(call("fd_write", {Value::i32(1), Value::i32(16), Value::i32(1), Value::i32(8)}), Errno::Fault);
  // A huge iovec count whose byte size wraps 32 bits.
  EXPECT_EQ(call("fd_write", {Value::i32(1), Value::i32(16), Value::i32(0x20000001), Value::i32(8)}), Errno::Fault);
  // The result pointer.
  EXPECT_EQ(call("clock_time_get", {Value::i32(0), Value::i64(0), Value::i32(kPageEnd - 7)}), Errno::Fault);
  EXPECT_EQ(call("fd_prestat_get", {Value::i32(3), Value::i32(-1)}), Errno::Fault);
  // Nothing was written to the pipe by the failed writes.
  char c;
  ::fcntl(pipe_[0], F_SETFL, O_NONBLOCK);
  EXPECT_EQ(::read(pipe_[0], &c, 1), -1);
}

TEST_F(WasiCallsTest, OpensAndReadsInsideThePreopen) {
  EXPECT_EQ(open_path("sub/../hello.txt", 0, abi::right::kFdRead, 8), Errno::Success);
  uint32_t fd = load<uint32_t>(8);
  EXPECT_EQ(fd, 5u);  // 0-2 stdio, 3 and 4 the preopens
  store<uint32_t>(16, 300), store<uint32_t>(20, 64);
  EXPECT_EQ(call("fd_read", {Value::i32(int32_t(fd)), Value::i32(16), Value::i32(1), Value::i32(24)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(24), 14u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem() + 300), 14), "hello, sandbox");
  EXPECT_EQ(call("fd_close", {Value::i32(int32_t(fd))}), Errno::Success);
  EXPECT_EQ(call("fd_close", {Value::i32(int32_t(fd))}), Errno::Badf);
}

TEST_F(WasiCallsTest, CannotLeaveThePreopen) {
  EXPECT_EQ(open_path("../secret", 0, abi::right::kFdRead, 8), Errno::Perm);
  EXPECT_EQ(open_path("/hello.txt", 0, abi::right::kFdRead, 8), Errno::Perm);
  EXPECT_EQ(open_path("escape", 0, abi::right::kFdRead, 8, abi::lookupflag::kSymlinkFollow), Errno::Perm);
  EXPECT_EQ(open_path("escape", 0, abi::right::kFdRead, 8), Errno::Loop);  // O_NOFOLLOW on a symlink
}

TEST_F(WasiCallsTest, FilestatLayout) {
  put_string(1000, "hello.txt");
  EXPECT_EQ(call("path_filestat_get", {Value::i32(3), Value::i32(0), Value::i32(1000), Value::i32(9), Value::i32(64)}),
            Errno::Success);
  struct stat st {};
  ASSERT_EQ(::stat((sandbox_.path() / "hello.txt").c_str(), &st), 0);
  EXPECT_EQ(load<uint64_t>(64 + abi::filestat::kIno), st.st_ino);
  EXPECT_EQ(load<uint8_t>(64 + abi::filestat::kFiletype), abi::kFiletypeRegularFile);
  EXPECT_EQ(load<uint64_t>(64 + abi::filestat::kFileSize), 14u);
  EXPECT_EQ(load<uint64_t>(64 + abi::filestat::kMtim),
            uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec));
}

TEST_F(WasiCallsTest, ReaddirCookiesResumeWhereTheBufferEnded) {
  // Entries: ".", "..", "hello.txt", "sub", "escape" in some order.
  std::vector<std::string> names;
  uint64_t cookie = 0;
  for (int rounds = 0; rounds < 20; ++rounds) {
    EXPECT_EQ(call("fd_readdir", {Value::i32(3), Value::i32(2000), Value::i32(40), Value::i64(int64_t(cookie)),
                                  Value::i32(8)}),
              Errno::Success);
    uint32_t used = load<uint32_t>(8), pos = 0;
    while (pos + abi::dirent::kSize <= used) {
      uint32_t namlen = load<uint32_t>(2000 + pos + abi::dirent::kNamlen);
      if (pos + abi::dirent::kSize + namlen > used) break;  // cut off: ask again from its cookie
      names.emplace_back(reinterpret_cast<char*>(mem() + 2000 + pos + abi::dirent::kSize), namlen);
      cookie = load<uint64_t>(2000 + pos + abi::dirent::kNext);
      pos += abi::dirent::kSize + namlen;
    }
    if (used < 40) break;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "escape", "hello.txt", "sub"}));
}

TEST_F(WasiCallsTest, PollOneoff) {
  EXPECT_EQ(call("poll_oneoff", {Value::i32(0), Value::i32(512), Value::i32(0), Value::i32(8)}), Errno::Inval);
  // One relative 1 ms monotonic clock subscription.
  std::memset(mem(), 0, abi::subscription::kSize);
  store<uint64_t>(abi::subscription::kUserdata, 42);
  store<uint8_t>(abi::subscription::kTag, abi::kEventClock);
  store<uint32_t>(abi::subscription::kClockId, abi::kClockMonotonic);
  store<uint64_t>(abi::subscription::kClockTimeout, 1000000);
  EXPECT_EQ(call("poll_oneoff", {Value::i32(0), Value::i32(512), Value::i32(1), Value::i32(600)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(600), 1u);
  EXPECT_EQ(load<uint64_t>(512 + abi::event::kUserdata), 42u);
  EXPECT_EQ(load<uint16_t>(512 + abi::event::kError), 0u);
  EXPECT_EQ(load<uint8_t>(512 + abi::event::kType), abi::kEventClock);
}

TEST_F(WasiCallsTest, PollOneoffReportsBadSubscriptionsAsEvents) {
  namespace sub = abi::subscription;
  std::memset(mem(), 0, 3 * sub::kSize);
  // An absolute realtime deadline already in the past: fires at once.
  store<uint64_t>(sub::kUserdata, 1);
  store<uint8_t>(sub::kTag, abi::kEventClock);
  store<uint32_t>(sub::kClockId, abi::kClockRealtime);
  store<uint64_t>(sub::kClockTimeout, 1);
  store<uint16_t>(sub::kClockFlags, abi::kSubclockAbstime);
  // An unknown clock and a closed descriptor: events carrying an error.
  store<uint64_t>(sub::kSize + sub::kUserdata, 2);
  store<uint8_t>(sub::kSize + sub::kTag, abi::kEventClock);
  store<uint32_t>(sub::kSize + sub::kClockId, 99);
  store<uint64_t>(2 * sub::kSize + sub::kUserdata, 3);
  store<uint8_t>(2 * sub::kSize + sub::kTag, abi::kEventFdRead);
  store<uint32_t>(2 * sub::kSize + sub::kFd, 77);
  EXPECT_EQ(call("poll_oneoff", {Value::i32(0), Value::i32(512), Value::i32(3), Value::i32(1000)}), Errno::Success);
  ASSERT_EQ(load<uint32_t>(1000), 3u);
  std::map<uint64_t, uint16_t> errors;
  for (uint32_t i = 0; i < 3; ++i)
    errors[load<uint64_t>(512 + i * abi::event::kSize)] = load<uint16_t>(512 + i * abi::event::kSize + abi::event::kError);
  EXPECT_EQ(errors, (std::map<uint64_t, uint16_t>{{1, 0}, {2, uint16_t(Errno::Inval)}, {3, uint16_t(Errno::Badf)}}));
}

TEST_F(WasiCallsTest, ReadOnlyPreopenRefusesChanges) {
  constexpr uint32_t kReadOnly = 4;
  EXPECT_EQ(open_path("hello.txt", 0, abi::right::kFdRead, 8, 0, kReadOnly), Errno::Success);
  EXPECT_EQ(open_path("hello.txt", 0, abi::right::kFdWrite, 8, 0, kReadOnly), Errno::NotCapable);
  EXPECT_EQ(open_path("new.txt", abi::oflag::kCreat, abi::right::kFdRead, 8, 0, kReadOnly), Errno::NotCapable);
  put_string(1000, "newdir");
  EXPECT_EQ(call("path_create_directory", {Value::i32(kReadOnly), Value::i32(1000), Value::i32(6)}),
            Errno::NotCapable);
  EXPECT_FALSE(std::filesystem::exists(sandbox_.path() / "newdir"));
  EXPECT_FALSE(std::filesystem::exists(sandbox_.path() / "new.txt"));
  // The same directory, writable through the other preopen.
  EXPECT_EQ(call("path_create_directory", {Value::i32(3), Value::i32(1000), Value::i32(6)}), Errno::Success);
  EXPECT_TRUE(std::filesystem::is_directory(sandbox_.path() / "newdir"));
}

TEST_F(WasiCallsTest, PathArgumentsAreBoundsChecked) {
  EXPECT_EQ(call("path_create_directory", {Value::i32(3), Value::i32(kPageEnd - 2), Value::i32(3)}), Errno::Fault);
  EXPECT_EQ(call("path_create_directory", {Value::i32(3), Value::i32(-1), Value::i32(2)}), Errno::Fault);
  // The fd result pointer of path_open is checked before anything is opened.
  EXPECT_EQ(open_path("hello.txt", 0, abi::right::kFdRead, kPageEnd - 2), Errno::Fault);
  EXPECT_EQ(ctx_->impl().fds().open_fds().size(), 5u);
}

TEST_F(WasiCallsTest, SocketSendRecvShutdown) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  uint32_t fd = ctx_->impl().fds().insert(describe_host_fd(sv[0], /*owns=*/true));
  UniqueFd peer(sv[1]);

  put_string(300, "ping");
  store<uint32_t>(16, 300), store<uint32_t>(20, 4);
  EXPECT_EQ(call("sock_send", {Value::i32(int32_t(fd)), Value::i32(16), Value::i32(1), Value::i32(0), Value::i32(8)}),
            Errno::Success);
  EXPECT_EQ(load<uint32_t>(8), 4u);
  char buf[8] = {};
  EXPECT_EQ(::read(peer.get(), buf, sizeof buf), 4);
  EXPECT_STREQ(buf, "ping");

  // poll_oneoff sees the socket become readable.
  ASSERT_EQ(::write(peer.get(), "pong", 4), 4);
  std::memset(mem(), 0, abi::subscription::kSize);
  store<uint64_t>(abi::subscription::kUserdata, 9);
  store<uint8_t>(abi::subscription::kTag, abi::kEventFdRead);
  store<uint32_t>(abi::subscription::kFd, fd);
  EXPECT_EQ(call("poll_oneoff", {Value::i32(0), Value::i32(512), Value::i32(1), Value::i32(600)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(600), 1u);
  EXPECT_EQ(load<uint64_t>(512 + abi::event::kUserdata), 9u);
  EXPECT_EQ(load<uint8_t>(512 + abi::event::kType), abi::kEventFdRead);
  EXPECT_EQ(load<uint64_t>(512 + abi::event::kNbytes), 4u);

  store<uint32_t>(16, 400), store<uint32_t>(20, 16);
  EXPECT_EQ(call("sock_recv", {Value::i32(int32_t(fd)), Value::i32(16), Value::i32(1), Value::i32(0), Value::i32(8),
                               Value::i32(12)}),
            Errno::Success);
  EXPECT_EQ(load<uint32_t>(8), 4u);
  EXPECT_EQ(load<uint16_t>(12), 0u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem() + 400), 4), "pong");

  EXPECT_EQ(call("sock_shutdown", {Value::i32(int32_t(fd)), Value::i32(abi::kSdWr)}), Errno::Success);
  EXPECT_EQ(::read(peer.get(), buf, sizeof buf), 0);  // the peer sees end of stream
  EXPECT_EQ(call("sock_shutdown", {Value::i32(int32_t(fd)), Value::i32(7)}), Errno::Inval);
  // Socket calls on non-sockets and closed descriptors.
  EXPECT_EQ(call("sock_shutdown", {Value::i32(3), Value::i32(abi::kSdWr)}), Errno::NotSock);
  EXPECT_EQ(call("sock_shutdown", {Value::i32(99), Value::i32(abi::kSdWr)}), Errno::Badf);
  EXPECT_EQ(call("sock_accept", {Value::i32(3), Value::i32(0), Value::i32(8)}), Errno::NotSock);
}

TEST_F(WasiCallsTest, ProcExitEndsTheGuestWithItsCode) {
  auto result = instance_.func(store_, "proc_exit")->call(store_, {Value::i32(7)});
  ASSERT_FALSE(result.ok());
  ASSERT_TRUE(result.error().trap.has_value());
  EXPECT_EQ(result.error().trap->kind, Trap::Kind::Exit);
  EXPECT_EQ(result.error().trap->exit_code, 7);
}

}  // namespace
}  // namespace mywasm::wasi
