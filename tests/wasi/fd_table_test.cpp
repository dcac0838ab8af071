// The fd table: numbering, rights, close and renumber.
#include "fd_table.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "temp_dir.hpp"

namespace mywasm::wasi {
namespace {

using testing::TempDir;

std::unique_ptr<FdEntry> file_entry(const TempDir& dir, const std::string& name) {
  int fd = ::open((dir.path() / name).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  return describe_host_fd(fd, true);
}

Errno errno_of(auto&& fn) {
  try {
    fn();
    return Errno::Success;
  } catch (const WasiError& e) {
    return e.code;
  }
}

TEST(FdTableTest, InsertsAtLowestFreeNumber) {
  TempDir dir;
  FdTable table;
  EXPECT_EQ(table.insert(file_entry(dir, "a")), 0u);
  EXPECT_EQ(table.insert(file_entry(dir, "b")), 1u);
  EXPECT_EQ(table.insert(file_entry(dir, "c")), 2u);
  table.close(1);
  EXPECT_EQ(table.insert(file_entry(dir, "d")), 1u);
  EXPECT_EQ(table.insert(file_entry(dir, "e")), 3u);
}

TEST(FdTableTest, DescribesHostDescriptors) {
  TempDir dir;
  auto file = file_entry(dir, "f");
  EXPECT_EQ(file->kind, FdKind::File);
  EXPECT_EQ(file->filetype, abi::kFiletypeRegularFile);
  EXPECT_TRUE(file->has_rights(abi::right::kFdRead | abi::right::kFdSeek));
  EXPECT_FALSE(file->has_rights(abi::right::kPathOpen));

  auto d = describe_host_fd(dir.open_dir(), true);
  EXPECT_EQ(d->kind, FdKind::Directory);
  EXPECT_EQ(d->filetype, abi::kFiletypeDirectory);
  EXPECT_TRUE(d->has_rights(abi::right::kPathOpen | abi::right::kFdReaddir));
  EXPECT_FALSE(d->has_rights(abi::right::kFdSeek));  // directories are not seekable

  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  auto s = describe_host_fd(sv[0], true);
  ::close(sv[1]);
  EXPECT_EQ(s->kind, FdKind::Socket);
  EXPECT_EQ(s->filetype, abi::kFiletypeSocketStream);
  EXPECT_TRUE(s->has_rights(abi::right::kSockShutdown));
}

TEST(FdTableTest, GetChecksOpenAndRights) {
  TempDir dir;
  FdTable table;
  abi::Fd fd = table.insert(file_entry(dir, "f"));
  EXPECT_EQ(errno_of([&] { table.get(fd + 1); }), Errno::Badf);
  EXPECT_EQ(errno_of([&] { table.get(fd, abi::right::kFdRead); }), Errno::Success);
  table.get(fd).rights_base &= ~abi::right::kFdRead;
  EXPECT_EQ(errno_of([&] { table.get(fd, abi::right::kFdRead); }), Errno::NotCapable);
}

TEST(FdTableTest, CloseAndRenumber) {
  TempDir dir;
  FdTable table;
  abi::Fd a = table.insert(file_entry(dir, "a"));
  abi::Fd b = table.insert(file_entry(dir, "b"));
  int host_a = table.get(a).host_fd;
  EXPECT_EQ(errno_of([&] { table.renumber(a, 7); }), Errno::Badf);  // target must be open
  table.renumber(a, b);
  EXPECT_EQ(table.get(b).host_fd, host_a);
  EXPECT_EQ(table.find(a), nullptr);
  EXPECT_EQ(table.open_fds(), std::vector<abi::Fd>{b});
  EXPECT_EQ(errno_of([&] { table.close(a); }), Errno::Badf);
  table.close(b);
  EXPECT_TRUE(table.open_fds().empty());
  EXPECT_EQ(::fcntl(host_a, F_GETFD), -1);  // the host descriptor was closed
}

TEST(FdTableTest, NeverClosesBorrowedHostDescriptors) {
  int fd = ::dup(1);
  {
    FdTable table;
    table.insert(describe_host_fd(fd, /*owns=*/false));
  }
  EXPECT_NE(::fcntl(fd, F_GETFD), -1);
  ::close(fd);
}

}  // namespace
}  // namespace mywasm::wasi
