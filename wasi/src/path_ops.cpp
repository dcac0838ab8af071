// path_* functions: operations on a path beneath a directory descriptor.
// Every path goes through resolve_path(), so nothing here can reach outside
// the directory; host calls then act on (parent dir, final name) without
// following symlinks (resolve_path already expanded them where asked to).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string_view>

#include "fs_util.hpp"
#include "path_resolver.hpp"

namespace mywasm::wasi {
namespace {

namespace r = abi::right;

bool follow(uint32_t lookupflags) { return lookupflags & abi::lookupflag::kSymlinkFollow; }

void path_create_directory(HostCall& c) {
  FdEntry& dir = directory_fd(c, c.u32(0), r::kPathCreateDirectory);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(1), false);
  if (::mkdirat(p.dir.get(), p.name.c_str(), 0777) != 0) fail_host_errno();
}

void path_filestat_get(HostCall& c) {
  FdEntry& dir = directory_fd(c, c.u32(0), r::kPathFilestatGet);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(2), follow(c.u32(1)));
  struct stat st {};
  if (::fstatat(p.dir.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_host_errno();
  store_filestat(c.mem, c.u32(4), st);
}

void path_filestat_set_times(HostCall& c) {
  FdEntry& dir = directory_fd(c, c.u32(0), r::kPathFilestatSetTimes);
  struct timespec times[2];
  to_host_times(c.u64(4), c.u64(5), uint16_t(c.u32(6)), times);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(2), follow(c.u32(1)));
  if (::utimensat(p.dir.get(), p.name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) fail_host_errno();
}

void path_link(HostCall& c) {
  FdEntry& old_dir = directory_fd(c, c.u32(0), r::kPathLinkSource);
  FdEntry& new_dir = directory_fd(c, c.u32(4), r::kPathLinkTarget);
  ResolvedPath from = resolve_path(old_dir.host_fd, c.path_arg(2), follow(c.u32(1)));
  ResolvedPath to = resolve_path(new_dir.host_fd, c.path_arg(5), false);
  if (::linkat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str(), 0) != 0) fail_host_errno();
}

// Host open(2) flags for a WASI open request.
int host_open_flags(uint16_t oflags, abi::Rights base, uint16_t fdflags) {
  namespace o = abi::oflag;
  namespace ff = abi::fdflag;
  int flags = O_CLOEXEC | O_NOFOLLOW;
  if (oflags & o::kCreat) flags |= O_CREAT;
  if (oflags & o::kExcl) flags |= O_EXCL;
  if (oflags & o::kTrunc) flags |= O_TRUNC;
  if (oflags & o::kDirectory) flags |= O_DIRECTORY;
  bool write = base & (r::kFdWrite | r::kFdAllocate | r::kFdFilestatSetSize);
  bool read = base & (r::kFdRead | r::kFdReaddir);
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (fdflags & ff::kAppend) flags |= O_APPEND;
  if (fdflags & ff::kNonblock) flags |= O_NONBLOCK;
  if (fdflags & ff::kDsync) flags |= O_DSYNC;
  if (fdflags & ff::kSync) flags |= O_SYNC;
  if (fdflags & ff::kRsync) flags |= O_RSYNC;
  return flags;
}

void path_open(HostCall& c) {
  uint16_t oflags = uint16_t(c.u32(4));
  abi::Rights base = c.u64(5), inheriting = c.u64(6);
  uint16_t fdflags = uint16_t(c.u32(7));
  abi::Rights needed = r::kPathOpen;
  if (oflags & abi::oflag::kCreat) needed |= r::kPathCreateFile;
  if (oflags & abi::oflag::kTrunc) needed |= r::kPathFilestatSetSize;
  FdEntry& dir = directory_fd(c, c.u32(0), needed);
  // A new descriptor gets at most what its directory passes down. Other
  // missing rights are just masked off, but asking to write where writing is
  // not passed down (a read-only preopen) is refused outright.
  if ((base & r::kFdWrite) && !(dir.rights_inheriting & r::kFdWrite)) fail(Errno::NotCapable);
  base &= dir.rights_inheriting;
  inheriting &= dir.rights_inheriting;
  if (oflags & ~(abi::oflag::kCreat | abi::oflag::kDirectory | abi::oflag::kExcl | abi::oflag::kTrunc))
    fail(Errno::Inval);

  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(2), follow(c.u32(1)));
  c.mem.store<uint32_t>(c.u32(8), 0);  // check the result pointer before opening anything
  int host = ::openat(p.dir.get(), p.name.c_str(), host_open_flags(oflags, base, fdflags), 0666);
  if (host < 0) fail_host_errno();
  std::unique_ptr<FdEntry> entry = describe_host_fd(host, /*owns=*/true);
  entry->rights_base &= base;
  entry->rights_inheriting = entry->kind == FdKind::Directory ? inheriting : 0;
  entry->fdflags = fdflags;
  entry->sandbox_root = dir.sandbox_root;
  c.mem.store<uint32_t>(c.u32(8), c.ctx.fds().insert(std::move(entry)));
}

void path_readlink(HostCall& c) {
  FdEntry& dir = directory_fd(c, c.u32(0), r::kPathReadlink);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(1), false);
  auto out = c.mem.bytes(c.u32(3), c.u32(4));
  c.mem.store<uint32_t>(c.u32(5), 0);
  std::string target(4096, '\0');
  ssize_t n = ::readlinkat(p.dir.get(), p.name.c_str(), target.data(), target.size());
  if (n < 0) fail_host_errno();
  uint32_t copied = std::min<uint32_t>(uint32_t(n), uint32_t(out.size()));
  std::memcpy(out.data(), target.data(), copied);
  c.mem.store<uint32_t>(c.u32(5), copied);
}

void path_remove_directory(HostCall& c) {
  FdEntry& dir = directory_fd(c, c.u32(0), r::kPathRemoveDirectory);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(1), false);
  if (::unlinkat(p.dir.get(), p.name.c_str(), AT_REMOVEDIR) != 0) fail_host_errno();
}

void path_rename(HostCall& c) {
  FdEntry& old_dir = directory_fd(c, c.u32(0), r::kPathRenameSource);
  FdEntry& new_dir = directory_fd(c, c.u32(3), r::kPathRenameTarget);
  ResolvedPath from = resolve_path(old_dir.host_fd, c.path_arg(1), false);
  ResolvedPath to = resolve_path(new_dir.host_fd, c.path_arg(4), false);
  if (::renameat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str()) != 0) fail_host_errno();
}

// How many directories `dir` lies below the sandbox root, found by walking
// up through ".." (each step opened O_PATH, never following a link);
// nullopt if the walk reaches the filesystem's root without meeting it.
std::optional<long> depth_below_root(int dir, const FdEntry& root_holder) {
  const auto& root = root_holder.sandbox_root;
  UniqueFd cur(::openat(dir, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  struct stat st {};
  for (long depth = 0; cur.valid() && ::fstat(cur.get(), &st) == 0 && depth < 4096; ++depth) {
    if (uint64_t(st.st_dev) == root.dev && uint64_t(st.st_ino) == root.ino) return depth;
    UniqueFd up(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    struct stat up_st {};
    if (!up.valid() || ::fstat(up.get(), &up_st) != 0) return std::nullopt;
    if (up_st.st_dev == st.st_dev && up_st.st_ino == st.st_ino) return std::nullopt;  // "/"
    cur = std::move(up);
  }
  return std::nullopt;
}

// Whether a relative symlink target, read from a directory `depth` levels
// below the sandbox root, stays beneath it at every step.
bool stays_inside(std::string_view target, long depth) {
  size_t start = 0;
  while (start <= target.size()) {
    size_t end = target.find('/', start);
    if (end == std::string_view::npos) end = target.size();
    std::string_view part = target.substr(start, end - start);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return true;
}

void path_symlink(HostCall& c) {
  std::string target(c.path_arg(0));
  FdEntry& dir = directory_fd(c, c.u32(2), r::kPathSymlink);
  if (target.find('\0') != std::string::npos) fail(Errno::Inval);
  // An absolute target could never be followed inside the sandbox.
  if (!target.empty() && target.front() == '/') fail(Errno::Perm);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(3), false);
  // Nor one that climbs out: our resolver would refuse to follow it, but
  // programs on the host follow links without it.
  auto depth = depth_below_root(p.dir.get(), dir);
  if (!stays_inside(target, depth.value_or(0))) fail(Errno::Perm);
  if (::symlinkat(target.c_str(), p.dir.get(), p.name.c_str()) != 0) fail_host_errno();
}

void path_unlink_file(HostCall& c) {
  FdEntry& dir = directory_fd(c, c.u32(0), r::kPathUnlinkFile);
  ResolvedPath p = resolve_path(dir.host_fd, c.path_arg(1), false);
  if (::unlinkat(p.dir.get(), p.name.c_str(), 0) != 0) fail_host_errno();
}

constexpr FunctionSpec kFunctions[] = {
    {"path_create_directory", "iii", path_create_directory},
    {"path_filestat_get", "iiiii", path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", path_filestat_set_times},
    {"path_link", "iiiiiii", path_link},
    {"path_open", "iiiiiIIii", path_open},
    {"path_readlink", "iiiiii", path_readlink},
    {"path_remove_directory", "iii", path_remove_directory},
    {"path_rename", "iiiiii", path_rename},
    {"path_symlink", "iiiii", path_symlink},
    {"path_unlink_file", "iii", path_unlink_file},
};

}  // namespace

std::span<const FunctionSpec> path_functions() { return kFunctions; }

}  // namespace mywasm::wasi
