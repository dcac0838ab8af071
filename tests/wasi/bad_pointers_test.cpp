// Every guest pointer a WASI function takes, made bad: past the end of
// linear memory, straddling its end, and wrapping the 32-bit address space.
// Each call must fail EFAULT (never trap, never touch host memory: a write
// past the end would land in the memory's guard region and crash the test).
// Each case first runs once with good pointers and must succeed, so the
// EFAULT is known to come from the pointer, not from some earlier check.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

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
constexpr uint32_t kEnd = 65536;  // the module has one page

// The WASI functions with pointer arguments, re-exported by the module.
const WasiImport kImports[] = {
    {"args_get", "i32 i32"},
    {"args_sizes_get", "i32 i32"},
    {"environ_get", "i32 i32"},
    {"environ_sizes_get", "i32 i32"},
    {"clock_res_get", "i32 i32"},
    {"clock_time_get", "i32 i64 i32"},
    {"random_get", "i32 i32"},
    {"fd_fdstat_get", "i32 i32"},
    {"fd_filestat_get", "i32 i32"},
    {"fd_prestat_get", "i32 i32"},
    {"fd_prestat_dir_name", "i32 i32 i32"},
    {"fd_read", "i32 i32 i32 i32"},
    {"fd_pread", "i32 i32 i32 i64 i32"},
    {"fd_write", "i32 i32 i32 i32"},
    {"fd_pwrite", "i32 i32 i32 i64 i32"},
    {"fd_readdir", "i32 i32 i32 i64 i32"},
    {"fd_seek", "i32 i64 i32 i32"},
    {"fd_tell", "i32 i32"},
    {"fd_close", "i32"},
    {"path_create_directory", "i32 i32 i32"},
    {"path_filestat_get", "i32 i32 i32 i32 i32"},
    {"path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"},
    {"path_link", "i32 i32 i32 i32 i32 i32 i32"},
    {"path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"},
    {"path_readlink", "i32 i32 i32 i32 i32 i32"},
    {"path_remove_directory", "i32 i32 i32"},
    {"path_rename", "i32 i32 i32 i32 i32 i32"},
    {"path_symlink", "i32 i32 i32 i32 i32"},
    {"path_unlink_file", "i32 i32 i32"},
    {"poll_oneoff", "i32 i32 i32 i32"},
    {"sock_send", "i32 i32 i32 i32 i32"},
    {"sock_recv", "i32 i32 i32 i32 i32 i32"},
};

// Guest memory layout used by the cases.
constexpr uint32_t kOut = 100, kOut2 = 108;          // scalar results
constexpr uint32_t kIovs = 2000;                     // two iovecs: 3000/16 and 3100/16
constexpr uint32_t kBuf = 3000, kStat = 4000;        // buffers, a filestat
constexpr uint32_t kSubs = 5000, kEvents = 6000;     // poll_oneoff
constexpr uint32_t kPtrs = 8000, kStrings = 9000;    // args_get/environ_get
constexpr uint32_t kPath = 10000, kPath2 = 10100;    // path strings

// Bad values for a pointer whose pointee is `len` (>= 1) bytes.
std::vector<uint32_t> bad_pointers(uint32_t len) {
  const uint32_t straddle = len > 1 ? kEnd - len + 1 : kEnd + 1;  // the last byte one past the end
  const uint32_t wrap = len > 1 ? uint32_t(0x100000000ull - (len - 1)) : 0xFFFFFFF0u;  // ptr+len wraps to 1
  return {kEnd, straddle, 0xFFFFFFFFu, wrap};
}

struct Case {
  const char* func;
  std::vector<Value> args;
  struct Ptr {
    size_t arg;
    uint32_t pointee_size;
  };
  std::vector<Ptr> ptrs;
  std::function<void()> before_each = nullptr;  // e.g. refill a socket
};

class BadPointersTest : public WasiFixture {
 protected:
  void SetUp() override {
    sandbox_.mkdir("sub");
    sandbox_.write("hello.txt", "hello, sandbox");
    sandbox_.symlink("hello.txt", "link");
    ASSERT_EQ(::pipe(pipe_), 0);
    Config config;
    config.args = {"prog", "one"};
    config.env = {"A=1"};
    config.stdout_fd = pipe_[1];
    config.preopens.push_back({"/", sandbox_.path().string(), false});
    ASSERT_NO_FATAL_FAILURE(instantiate(config, wasi_wrapper_module(kImports)));
    // fd 4: hello.txt, read/write/seek.
    put_string(kPath, "hello.txt");
    ASSERT_EQ(call("path_open", {i32(3), i32(0), i32(kPath), i32(9), i32(0),
                                 Value::i64(int64_t(abi::right::kFdRead | abi::right::kFdWrite | abi::right::kFdSeek |
                                                    abi::right::kFdTell | abi::right::kFdFilestatGet)),
                                 Value::i64(0), i32(0), i32(kOut)}),
              Errno::Success);
    file_ = load<uint32_t>(kOut);
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    sock_ = ctx_->impl().fds().insert(describe_host_fd(sv[0], /*owns=*/true));
    peer_ = UniqueFd(sv[1]);
    reset_iovecs();
  }
  void TearDown() override {
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }

  static Value i32(uint32_t v) { return Value::i32(int32_t(v)); }
  void reset_iovecs() {
    store<uint32_t>(kIovs, kBuf), store<uint32_t>(kIovs + 4, 16);
    store<uint32_t>(kIovs + 8, kBuf + 100), store<uint32_t>(kIovs + 12, 16);
  }

  // The case succeeds with good pointers, then fails EFAULT with each bad one.
  void check(const Case& c) {
    if (c.before_each) c.before_each();
    ASSERT_EQ(call(c.func, c.args), Errno::Success) << c.func << " with good pointers";
    for (const Case::Ptr& p : c.ptrs) {
      for (uint32_t bad : bad_pointers(p.pointee_size)) {
        if (c.before_each) c.before_each();
        std::vector<Value> args = c.args;
        args[p.arg] = i32(bad);
        EXPECT_EQ(call(c.func, args), Errno::Fault) << c.func << " argument " << p.arg << " = 0x" << std::hex << bad;
        ++checked_;
      }
    }
  }
  // The iovec functions: the array, then each buffer it names.
  void check_iovecs(const Case& c, size_t iovs_arg, size_t count_arg) {
    check(c);
    // A count whose byte size wraps 32 bits, and one past the end.
    for (uint32_t count : {0x20000001u, kEnd / 8}) {
      std::vector<Value> args = c.args;
      args[count_arg] = i32(count);
      if (c.before_each) c.before_each();
      EXPECT_EQ(call(c.func, args), Errno::Fault) << c.func << " iovec count " << count;
      ++checked_;
    }
    (void)iovs_arg;
    // Second iovec's buffer: past the end, straddling it, wrapping 32 bits.
    const std::pair<uint32_t, uint32_t> bufs[] = {{kEnd, 1}, {kEnd - 8, 16}, {0xFFFFFFF0u, 0x20}, {16, 0xFFFFFFFFu}};
    for (auto [buf, len] : bufs) {
      reset_iovecs();
      store<uint32_t>(kIovs + 8, buf), store<uint32_t>(kIovs + 12, len);
      if (c.before_each) c.before_each();
      EXPECT_EQ(call(c.func, c.args), Errno::Fault) << c.func << " iovec buffer 0x" << std::hex << buf << "+" << len;
      ++checked_;
    }
    reset_iovecs();
  }

  int pipe_[2] = {-1, -1};
  TempDir sandbox_;
  uint32_t file_ = 0, sock_ = 0;
  UniqueFd peer_;
  int checked_ = 0;
};

TEST_F(BadPointersTest, ArgsEnvClocksRandom) {
  check({"args_sizes_get", {i32(kOut), i32(kOut2)}, {{0, 4}, {1, 4}}});
  check({"args_get", {i32(kPtrs), i32(kStrings)}, {{0, 8}, {1, 9}}});
  check({"environ_sizes_get", {i32(kOut), i32(kOut2)}, {{0, 4}, {1, 4}}});
  check({"environ_get", {i32(kPtrs), i32(kStrings)}, {{0, 4}, {1, 4}}});
  check({"clock_res_get", {i32(0), i32(kOut)}, {{1, 8}}});
  check({"clock_time_get", {i32(1), Value::i64(0), i32(kOut)}, {{2, 8}}});
  check({"random_get", {i32(kBuf), i32(32)}, {{0, 32}}});
  EXPECT_EQ(checked_, 4 * 11);
}

TEST_F(BadPointersTest, DescriptorCalls) {
  check({"fd_fdstat_get", {i32(file_), i32(kOut)}, {{1, abi::fdstat::kSize}}});
  check({"fd_filestat_get", {i32(file_), i32(kStat)}, {{1, abi::filestat::kSize}}});
  check({"fd_prestat_get", {i32(3), i32(kOut)}, {{1, abi::prestat::kSize}}});
  check({"fd_prestat_dir_name", {i32(3), i32(kBuf), i32(1)}, {{1, 1}}});
  check({"fd_readdir", {i32(3), i32(kBuf), i32(256), Value::i64(0), i32(kOut)}, {{1, 256}, {4, 4}}});
  check({"fd_seek", {i32(file_), Value::i64(0), i32(0), i32(kOut)}, {{3, 8}}});
  check({"fd_tell", {i32(file_), i32(kOut)}, {{1, 8}}});
  EXPECT_EQ(checked_, 4 * 8);
}

TEST_F(BadPointersTest, ReadWriteIovecs) {
  check_iovecs({"fd_read", {i32(file_), i32(kIovs), i32(2), i32(kOut)}, {{1, 16}, {3, 4}}}, 1, 2);
  check_iovecs({"fd_pread", {i32(file_), i32(kIovs), i32(2), Value::i64(0), i32(kOut)}, {{1, 16}, {4, 4}}}, 1, 2);
  check_iovecs({"fd_write", {i32(1), i32(kIovs), i32(2), i32(kOut)}, {{1, 16}, {3, 4}}}, 1, 2);
  check_iovecs({"fd_pwrite", {i32(file_), i32(kIovs), i32(2), Value::i64(0), i32(kOut)}, {{1, 16}, {4, 4}}}, 1, 2);
  EXPECT_EQ(checked_, 4 * (8 + 6));
  // Only the good fd_write reached the pipe (32 bytes): bad result pointers
  // are caught before any I/O.
  char buf[64];
  ::fcntl(pipe_[0], F_SETFL, O_NONBLOCK);
  EXPECT_EQ(::read(pipe_[0], buf, sizeof buf), 32);
}

TEST_F(BadPointersTest, SocketIovecs) {
  auto refill = [this] {
    char data[64] = {};
    ASSERT_EQ(::write(peer_.get(), data, sizeof data), ssize_t(sizeof data));
  };
  check_iovecs({"sock_send", {i32(sock_), i32(kIovs), i32(2), i32(0), i32(kOut)}, {{1, 16}, {4, 4}}}, 1, 2);
  check_iovecs({"sock_recv", {i32(sock_), i32(kIovs), i32(2), i32(0), i32(kOut), i32(kOut2)}, {{1, 16}, {4, 4}, {5, 2}},
                refill},
               1, 2);
  EXPECT_EQ(checked_, 8 + 6 + 12 + 6);
}

TEST_F(BadPointersTest, PathCalls) {
  namespace r = abi::right;
  put_string(kPath, "hello.txt");
  put_string(kPath2, "newname");
  const Value hello = i32(kPath), hello_len = i32(9), other = i32(kPath2), other_len = i32(7);
  check({"path_filestat_get", {i32(3), i32(0), hello, hello_len, i32(kStat)}, {{2, 9}, {4, abi::filestat::kSize}}});
  check({"path_filestat_set_times", {i32(3), i32(0), hello, hello_len, Value::i64(0), Value::i64(0), i32(0)}, {{2, 9}}});
  const size_t fds_before = ctx_->impl().fds().open_fds().size();
  check({"path_open", {i32(3), i32(0), hello, hello_len, i32(0), Value::i64(int64_t(r::kFdRead)), Value::i64(0), i32(0),
                       i32(kOut)},
         {{2, 9}, {8, 4}}});
  // Only the good call opened something: a bad result pointer is caught before opening.
  EXPECT_EQ(ctx_->impl().fds().open_fds().size(), fds_before + 1);
  check({"path_link", {i32(3), i32(0), hello, hello_len, i32(3), other, other_len}, {{2, 9}, {5, 7}}});
  put_string(kPath, "newname"), put_string(kPath2, "renamed");
  check({"path_rename", {i32(3), i32(kPath), i32(7), i32(3), i32(kPath2), i32(7)}, {{1, 7}, {4, 7}}});
  check({"path_unlink_file", {i32(3), i32(kPath2), i32(7)}, {{1, 7}}});
  put_string(kPath, "hello.txt"), put_string(kPath2, "link2");
  check({"path_symlink", {i32(kPath), i32(9), i32(3), i32(kPath2), i32(5)}, {{0, 9}, {3, 5}}});
  put_string(kPath2, "link");
  check({"path_readlink", {i32(3), i32(kPath2), i32(4), i32(kBuf), i32(64), i32(kOut)}, {{1, 4}, {3, 64}, {5, 4}}});
  put_string(kPath, "newdir");
  check({"path_create_directory", {i32(3), i32(kPath), i32(6)}, {{1, 6}}});
  check({"path_remove_directory", {i32(3), i32(kPath), i32(6)}, {{1, 6}}});
  EXPECT_EQ(checked_, 4 * 17);
  // Nothing was created or removed by the failing calls.
  EXPECT_TRUE(std::filesystem::exists(sandbox_.path() / "hello.txt"));
  EXPECT_FALSE(std::filesystem::exists(sandbox_.path() / "renamed"));
  EXPECT_FALSE(std::filesystem::exists(sandbox_.path() / "newdir"));
  EXPECT_TRUE(std::filesystem::is_symlink(sandbox_.path() / "link2"));
}

TEST_F(BadPointersTest, PollOneoff) {
  namespace s = abi::subscription;
  std::memset(mem() + kSubs, 0, s::kSize);
  mem()[kSubs + s::kTag] = abi::kEventClock;
  store<uint32_t>(kSubs + s::kClockId, abi::kClockMonotonic);  // timeout 0: fires at once
  check({"poll_oneoff", {i32(kSubs), i32(kEvents), i32(1), i32(kOut)},
         {{0, s::kSize}, {1, abi::event::kSize}, {3, 4}}});
  // A subscription count whose arrays would wrap or run past the end.
  for (uint32_t count : {0x05555556u, kEnd / 48}) {
    EXPECT_EQ(call("poll_oneoff", {i32(kSubs), i32(kEvents), i32(count), i32(kOut)}), Errno::Fault) << count;
  }
}

// A huge iovec count is checked against memory before anything is
// allocated for it (it used to abort the host with std::bad_alloc), and a
// large count that does fit (zero-length entries filling memory) is walked
// without allocating per entry beyond IOV_MAX.
TEST_F(BadPointersTest, HugeIovecCountsFailWithoutAllocating) {
  for (uint32_t count : {0x7fffffffu, 0xffffffffu, 0x10000000u}) {
    EXPECT_EQ(call("fd_write", {i32(file_), i32(kIovs), i32(count), i32(kOut)}), Errno::Fault) << count;
    EXPECT_EQ(call("fd_read", {i32(file_), i32(kIovs), i32(count), i32(kOut)}), Errno::Fault) << count;
    EXPECT_EQ(call("fd_pwrite", {i32(file_), i32(kIovs), i32(count), Value::i64(0), i32(kOut)}), Errno::Fault);
    EXPECT_EQ(call("fd_pread", {i32(file_), i32(kIovs), i32(count), Value::i64(0), i32(kOut)}), Errno::Fault);
    EXPECT_EQ(call("sock_send", {i32(sock_), i32(kIovs), i32(count), i32(0), i32(kOut)}), Errno::Fault) << count;
    EXPECT_EQ(call("sock_recv", {i32(sock_), i32(kIovs), i32(count), i32(0), i32(kOut), i32(kOut2)}), Errno::Fault);
  }
  // 4000 zero-length entries (more than IOV_MAX): accepted, nothing written.
  std::memset(mem() + 20000, 0, 4000 * 8);
  EXPECT_EQ(call("fd_write", {i32(file_), i32(20000), i32(4000), i32(kOut)}), Errno::Success);
  EXPECT_EQ(load<uint32_t>(kOut), 0u);
}

}  // namespace
}  // namespace mywasm::wasi
