// The sandbox: guest paths resolve beneath their directory, never outside.
#include "path_resolver.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "errno.hpp"
#include "temp_dir.hpp"

namespace mywasm::wasi {
namespace {

using testing::TempDir;

// Resolves and returns the errno (Success when it resolves).
Errno resolve_errno(int base, std::string_view path, bool follow) {
  try {
    resolve_path(base, path, follow);
    return Errno::Success;
  } catch (const WasiError& e) {
    return e.code;
  }
}

// The inode the resolved path names, for comparing with the host's view.
ino_t resolved_inode(int base, std::string_view path, bool follow) {
  ResolvedPath p = resolve_path(base, path, follow);
  std::string name = p.name;
  if (!name.empty() && name.back() == '/') name.pop_back();
  struct stat st {};
  EXPECT_EQ(::fstatat(p.dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW), 0) << path;
  return st.st_ino;
}

ino_t host_inode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

class PathResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    outer_.mkdir("sandbox/dir/nested");
    outer_.write("sandbox/dir/nested/file", "data");
    outer_.write("secret", "outside");
    base_ = UniqueFd(outer_.open_dir("sandbox"));
    ASSERT_TRUE(base_.valid());
  }
  std::filesystem::path in(const std::string& rel) { return outer_.path() / "sandbox" / rel; }

  TempDir outer_;  // holds "sandbox" (the preopen) and "secret" (outside it)
  UniqueFd base_;
};

TEST_F(PathResolverTest, SplitsIntoParentAndFinalName) {
  ResolvedPath p = resolve_path(base_.get(), "dir/nested/file", false);
  EXPECT_EQ(p.name, "file");
  EXPECT_EQ(resolved_inode(base_.get(), "dir/nested/file", false), host_inode(in("dir/nested/file")));
}

TEST_F(PathResolverTest, DotAndDotDotStayInside) {
  EXPECT_EQ(resolved_inode(base_.get(), "dir/.//nested/../../dir/nested/../nested///./file", false),
            host_inode(in("dir/nested/file")));
  EXPECT_EQ(resolved_inode(base_.get(), "dir/..", false), host_inode(in("")));
  EXPECT_EQ(resolve_path(base_.get(), ".", false).name, ".");
}

TEST_F(PathResolverTest, RejectsEscapes) {
  EXPECT_EQ(resolve_errno(base_.get(), "..", false), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "../secret", false), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "dir/nested/../../../sandbox/dir", false), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "/dir/nested/file", false), Errno::Perm);
}

TEST_F(PathResolverTest, RejectsMalformedPaths) {
  EXPECT_EQ(resolve_errno(base_.get(), "", false), Errno::NoEnt);
  EXPECT_EQ(resolve_errno(base_.get(), std::string_view("dir\0x", 5), false), Errno::Inval);
  EXPECT_EQ(resolve_errno(base_.get(), "dir/nested/file/x", false), Errno::NotDir);
  EXPECT_EQ(resolve_errno(base_.get(), "missing/x", false), Errno::NoEnt);
}

TEST_F(PathResolverTest, KeepsTrailingSlash) {
  EXPECT_EQ(resolve_path(base_.get(), "dir/nested///", false).name, "nested/");
}

TEST_F(PathResolverTest, FollowsSymlinksInsideTheSandbox) {
  outer_.symlink("dir/nested", "sandbox/link");
  outer_.symlink("link/file", "sandbox/filelink");
  // Intermediate symlinks are always followed; a final one only on request.
  EXPECT_EQ(resolved_inode(base_.get(), "link/file", false), host_inode(in("dir/nested/file")));
  EXPECT_EQ(resolved_inode(base_.get(), "filelink", true), host_inode(in("dir/nested/file")));
  EXPECT_EQ(resolved_inode(base_.get(), "filelink", false), host_inode(in("filelink")));
}

TEST_F(PathResolverTest, RejectsSymlinksLeavingTheSandbox) {
  outer_.symlink("../secret", "sandbox/up");
  outer_.symlink((outer_.path() / "secret").string(), "sandbox/abs");
  outer_.symlink("dir/../../secret", "sandbox/sneaky");
  outer_.symlink("up", "sandbox/chained");
  EXPECT_EQ(resolve_errno(base_.get(), "up", true), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "abs", true), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "sneaky", true), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "chained", true), Errno::Perm);
  EXPECT_EQ(resolve_errno(base_.get(), "up/x", false), Errno::Perm);
  // Not following, the link itself is named; nothing outside is touched.
  EXPECT_EQ(resolve_errno(base_.get(), "up", false), Errno::Success);
}

TEST_F(PathResolverTest, DanglingSymlinkResolvesToItsMissingTarget) {
  outer_.symlink("dir/missing", "sandbox/dangling");
  ResolvedPath p = resolve_path(base_.get(), "dangling", true);
  EXPECT_EQ(p.name, "missing");
  EXPECT_EQ(resolve_errno(base_.get(), "dangling/x", false), Errno::NoEnt);
}

TEST_F(PathResolverTest, SymlinkLoopsFailWithEloop) {
  outer_.symlink("loop", "sandbox/loop");
  outer_.symlink("pong", "sandbox/ping");
  outer_.symlink("ping", "sandbox/pong");
  EXPECT_EQ(resolve_errno(base_.get(), "loop", true), Errno::Loop);
  EXPECT_EQ(resolve_errno(base_.get(), "ping/x", false), Errno::Loop);
}

TEST_F(PathResolverTest, SymlinkWithTrailingSlashNotFollowedIsNotADirectory) {
  outer_.symlink("dir", "sandbox/dirlink");
  EXPECT_EQ(resolve_errno(base_.get(), "dirlink/", false), Errno::NotDir);
  EXPECT_EQ(resolve_path(base_.get(), "dirlink/", true).name, "dir/");
}

}  // namespace
}  // namespace mywasm::wasi
