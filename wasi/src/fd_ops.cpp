// fd_* functions: operations on an open descriptor.
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "fs_util.hpp"

namespace mywasm::wasi {
namespace {

namespace r = abi::right;

// Plain file operations are refused on directories up front, so the errno
// does not depend on what the host kernel happens to allow.
FdEntry& file_fd(HostCall& c, abi::Fd fd, abi::Rights required) {
  FdEntry& e = c.ctx.fds().get(fd);
  if (e.kind == FdKind::Directory) fail(Errno::IsDir);
  if (!e.has_rights(required)) fail(Errno::NotCapable);
  return e;
}

void fd_advise(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdAdvise);
  uint32_t advice = c.u32(3);
  if (advice > abi::kAdviceMax) fail(Errno::Inval);
  static constexpr int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                        POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (int err = ::posix_fadvise(e.host_fd, off_t(c.u64(1)), off_t(c.u64(2)), kHostAdvice[advice]))
    fail(from_host_errno(err));
}

void fd_allocate(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdAllocate);
  if (c.u64(2) == 0) fail(Errno::Inval);
  if (int err = ::posix_fallocate(e.host_fd, off_t(c.u64(1)), off_t(c.u64(2)))) fail(from_host_errno(err));
}

void fd_close(HostCall& c) { c.ctx.fds().close(c.u32(0)); }

void fd_datasync(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0), r::kFdDatasync);
  if (::fdatasync(e.host_fd) != 0) fail_host_errno();
}

void fd_sync(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0), r::kFdSync);
  if (::fsync(e.host_fd) != 0) fail_host_errno();
}

void fd_fdstat_get(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0));
  uint32_t p = c.u32(1);
  namespace f = abi::fdstat;
  auto out = c.mem.bytes(p, f::kSize);
  std::memset(out.data(), 0, out.size());
  c.mem.store<uint8_t>(p + f::kFiletype, e.filetype);
  c.mem.store<uint16_t>(p + f::kFlags, e.fdflags);
  c.mem.store<uint64_t>(p + f::kRightsBase, e.rights_base);
  c.mem.store<uint64_t>(p + f::kRightsInheriting, e.rights_inheriting);
}

void fd_fdstat_set_flags(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0), r::kFdFdstatSetFlags);
  uint16_t flags = uint16_t(c.u32(1));
  namespace ff = abi::fdflag;
  if (flags & ~(ff::kAppend | ff::kDsync | ff::kNonblock | ff::kRsync | ff::kSync)) fail(Errno::Inval);
  // Linux cannot change the sync modes of an open file.
  if ((flags ^ e.fdflags) & (ff::kDsync | ff::kRsync | ff::kSync)) fail(Errno::NotSup);
  int host = ::fcntl(e.host_fd, F_GETFL);
  if (host < 0) fail_host_errno();
  host &= ~(O_APPEND | O_NONBLOCK);
  if (flags & ff::kAppend) host |= O_APPEND;
  if (flags & ff::kNonblock) host |= O_NONBLOCK;
  if (::fcntl(e.host_fd, F_SETFL, host) != 0) fail_host_errno();
  e.fdflags = flags;
}

void fd_fdstat_set_rights(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0));
  abi::Rights base = c.u64(1), inheriting = c.u64(2);
  // Rights can only be dropped, never gained.
  if ((base & ~e.rights_base) || (inheriting & ~e.rights_inheriting)) fail(Errno::NotCapable);
  e.rights_base = base;
  e.rights_inheriting = inheriting;
}

void fd_filestat_get(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0), r::kFdFilestatGet);
  struct stat st {};
  if (::fstat(e.host_fd, &st) != 0) fail_host_errno();
  store_filestat(c.mem, c.u32(1), st);
}

void fd_filestat_set_size(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdFilestatSetSize);
  if (c.u64(1) > uint64_t(INT64_MAX)) fail(Errno::Inval);
  if (::ftruncate(e.host_fd, off_t(c.u64(1))) != 0) fail_host_errno();
}

void fd_filestat_set_times(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0), r::kFdFilestatSetTimes);
  struct timespec times[2];
  to_host_times(c.u64(1), c.u64(2), uint16_t(c.u32(3)), times);
  if (::futimens(e.host_fd, times) != 0) fail_host_errno();
}

void fd_read(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdRead);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  c.mem.store<uint32_t>(c.u32(3), 0);  // a bad result pointer fails before any I/O
  ssize_t n = ::readv(e.host_fd, iov.data(), int(iov.size()));
  if (n < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(3), uint32_t(n));
}

void fd_pread(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdRead | r::kFdSeek);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  if (c.u64(3) > uint64_t(INT64_MAX)) fail(Errno::Inval);
  c.mem.store<uint32_t>(c.u32(4), 0);
  ssize_t n = ::preadv(e.host_fd, iov.data(), int(iov.size()), off_t(c.u64(3)));
  if (n < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
}

void fd_write(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdWrite);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  c.mem.store<uint32_t>(c.u32(3), 0);
  ssize_t n;
  if (e.kind == FdKind::Socket) {
    // Writing to a socket whose peer is gone must be EPIPE for the guest,
    // not SIGPIPE for the whole runtime (Rust std and wasi-libc write to
    // sockets with fd_write). Pipes keep the usual SIGPIPE.
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = iov.size();
    n = ::sendmsg(e.host_fd, &msg, MSG_NOSIGNAL);
  } else {
    n = ::writev(e.host_fd, iov.data(), int(iov.size()));
  }
  if (n < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(3), uint32_t(n));
}

void fd_pwrite(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdWrite | r::kFdSeek);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  if (c.u64(3) > uint64_t(INT64_MAX)) fail(Errno::Inval);
  c.mem.store<uint32_t>(c.u32(4), 0);
  ssize_t n = ::pwritev(e.host_fd, iov.data(), int(iov.size()), off_t(c.u64(3)));
  if (n < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
}

void fd_seek(HostCall& c) {
  int64_t offset = int64_t(c.u64(1));
  uint32_t whence = c.u32(2);
  // A pure "where am I" query needs only the tell right.
  abi::Rights need = (offset == 0 && whence == abi::kWhenceCur) ? r::kFdTell : r::kFdSeek;
  FdEntry& e = file_fd(c, c.u32(0), need);
  static constexpr int kHostWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > abi::kWhenceEnd) fail(Errno::Inval);
  c.mem.store<uint64_t>(c.u32(3), 0);  // a bad result pointer fails before moving
  off_t pos = ::lseek(e.host_fd, off_t(offset), kHostWhence[whence]);
  if (pos < 0) fail_host_errno();
  c.mem.store<uint64_t>(c.u32(3), uint64_t(pos));
}

void fd_tell(HostCall& c) {
  FdEntry& e = file_fd(c, c.u32(0), r::kFdTell);
  off_t pos = ::lseek(e.host_fd, 0, SEEK_CUR);
  if (pos < 0) fail_host_errno();
  c.mem.store<uint64_t>(c.u32(1), uint64_t(pos));
}

void fd_prestat_get(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0));
  if (!e.preopen_path) fail(Errno::Badf);
  uint32_t p = c.u32(1);
  c.mem.bytes(p, abi::prestat::kSize);
  c.mem.store<uint32_t>(p, 0);  // tag + padding
  c.mem.store<uint8_t>(p + abi::prestat::kTag, abi::kPreopenTypeDir);
  c.mem.store<uint32_t>(p + abi::prestat::kNameLen, uint32_t(e.preopen_path->size()));
}

void fd_prestat_dir_name(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0));
  if (!e.preopen_path) fail(Errno::Badf);
  const std::string& name = *e.preopen_path;
  // The whole buffer the guest declared must be its memory, not just the
  // part the name fills.
  auto out = c.mem.bytes(c.u32(1), c.u32(2));
  if (out.size() < name.size()) fail(Errno::NameTooLong);
  std::memcpy(out.data(), name.data(), name.size());
}

// Moves the entry at `from` (with its rights and, for a preopen, its preopen
// name) to `to`, closing what `to` held first; both must be open. As in
// wasmtime and WasmEdge this is allowed for preopens too: moving a preopen
// keeps it confined to the same directory, and renumbering over one closes
// it, so the sandbox can only shrink.
void fd_renumber(HostCall& c) { c.ctx.fds().renumber(c.u32(0), c.u32(1)); }

// Takes a fresh snapshot of the directory (including "." and "..").
std::vector<DirListingEntry> list_directory(int dir_fd) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_host_errno();
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    fail_host_errno();
  }
  std::vector<DirListingEntry> out;
  while (struct dirent* d = ::readdir(dir)) {
    DirListingEntry entry{d->d_name, d->d_ino, abi::kFiletypeUnknown};
    switch (d->d_type) {
      case DT_REG: entry.type = abi::kFiletypeRegularFile; break;
      case DT_DIR: entry.type = abi::kFiletypeDirectory; break;
      case DT_LNK: entry.type = abi::kFiletypeSymbolicLink; break;
      case DT_CHR: entry.type = abi::kFiletypeCharacterDevice; break;
      case DT_BLK: entry.type = abi::kFiletypeBlockDevice; break;
      case DT_SOCK: entry.type = abi::kFiletypeSocketStream; break;
      default: {
        struct stat st {};
        if (::fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) entry.type = filetype_from_mode(st.st_mode);
      }
    }
    out.push_back(std::move(entry));
  }
  ::closedir(dir);
  return out;
}

// Fills the buffer with dirents (24-byte header + name) starting at the
// entry `cookie`; each entry's d_next is the cookie of the one after it. The
// last entry is cut off at the end of the buffer: a full buffer tells the
// guest to call again.
void fd_readdir(HostCall& c) {
  FdEntry& e = c.ctx.fds().get(c.u32(0));
  if (e.kind != FdKind::Directory) fail(Errno::NotDir);
  if (!e.has_rights(r::kFdReaddir)) fail(Errno::NotCapable);
  uint32_t buf = c.u32(1), buf_len = c.u32(2);
  uint64_t cookie = c.u64(3);
  auto out = c.mem.bytes(buf, buf_len);
  c.mem.store<uint32_t>(c.u32(4), 0);  // check the result pointer before any work
  if (cookie == 0 || e.listing.empty()) e.listing = list_directory(e.host_fd);

  uint32_t used = 0;
  for (uint64_t i = cookie; i < e.listing.size() && used < buf_len; ++i) {
    const DirListingEntry& entry = e.listing[i];
    uint8_t header[abi::dirent::kSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = uint32_t(entry.name.size());
    std::memcpy(header + abi::dirent::kNext, &next, 8);
    std::memcpy(header + abi::dirent::kIno, &entry.ino, 8);
    std::memcpy(header + abi::dirent::kNamlen, &namlen, 4);
    header[abi::dirent::kType] = entry.type;
    uint32_t n = std::min<uint32_t>(abi::dirent::kSize, buf_len - used);
    std::memcpy(out.data() + used, header, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(out.data() + used, entry.name.data(), n);
    used += n;
  }
  c.mem.store<uint32_t>(c.u32(4), used);
}

constexpr FunctionSpec kFunctions[] = {
    {"fd_advise", "iIIi", fd_advise},
    {"fd_allocate", "iII", fd_allocate},
    {"fd_close", "i", fd_close},
    {"fd_datasync", "i", fd_datasync},
    {"fd_fdstat_get", "ii", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", fd_filestat_get},
    {"fd_filestat_set_size", "iI", fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", fd_filestat_set_times},
    {"fd_pread", "iiiIi", fd_pread},
    {"fd_prestat_get", "ii", fd_prestat_get},
    {"fd_prestat_dir_name", "iii", fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", fd_pwrite},
    {"fd_read", "iiii", fd_read},
    {"fd_readdir", "iiiIi", fd_readdir},
    {"fd_renumber", "ii", fd_renumber},
    {"fd_seek", "iIii", fd_seek},
    {"fd_sync", "i", fd_sync},
    {"fd_tell", "ii", fd_tell},
    {"fd_write", "iiii", fd_write},
};

}  // namespace

std::span<const FunctionSpec> fd_functions() { return kFunctions; }

}  // namespace mywasm::wasi
