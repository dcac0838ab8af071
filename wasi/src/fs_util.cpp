#include "fs_util.hpp"

#include <fcntl.h>

namespace mywasm::wasi {

abi::Filetype filetype_from_mode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return abi::kFiletypeRegularFile;
    case S_IFDIR: return abi::kFiletypeDirectory;
    case S_IFLNK: return abi::kFiletypeSymbolicLink;
    case S_IFCHR: return abi::kFiletypeCharacterDevice;
    case S_IFBLK: return abi::kFiletypeBlockDevice;
    case S_IFSOCK: return abi::kFiletypeSocketStream;
    default: return abi::kFiletypeUnknown;
  }
}

static uint64_t ns(const timespec& ts) { return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec); }

void store_filestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st) {
  namespace f = abi::filestat;
  auto out = mem.bytes(ptr, f::kSize);
  std::memset(out.data(), 0, out.size());
  mem.store<uint64_t>(ptr + f::kDev, st.st_dev);
  mem.store<uint64_t>(ptr + f::kIno, st.st_ino);
  mem.store<uint8_t>(ptr + f::kFiletype, filetype_from_mode(st.st_mode));
  mem.store<uint64_t>(ptr + f::kNlink, st.st_nlink);
  mem.store<uint64_t>(ptr + f::kFileSize, st.st_size);
  mem.store<uint64_t>(ptr + f::kAtim, ns(st.st_atim));
  mem.store<uint64_t>(ptr + f::kMtim, ns(st.st_mtim));
  mem.store<uint64_t>(ptr + f::kCtim, ns(st.st_ctim));
}

void to_host_times(uint64_t atim, uint64_t mtim, uint16_t fst, struct timespec out[2]) {
  namespace t = abi::fstflag;
  if (fst & ~(t::kAtim | t::kAtimNow | t::kMtim | t::kMtimNow)) fail(Errno::Inval);
  if ((fst & t::kAtim) && (fst & t::kAtimNow)) fail(Errno::Inval);
  if ((fst & t::kMtim) && (fst & t::kMtimNow)) fail(Errno::Inval);
  auto one = [](uint64_t time, bool set, bool now) {
    timespec ts{};
    if (now) ts.tv_nsec = UTIME_NOW;
    else if (set) ts = timespec{time_t(time / 1000000000ull), long(time % 1000000000ull)};
    else ts.tv_nsec = UTIME_OMIT;
    return ts;
  };
  out[0] = one(atim, fst & t::kAtim, fst & t::kAtimNow);
  out[1] = one(mtim, fst & t::kMtim, fst & t::kMtimNow);
}

FdEntry& directory_fd(HostCall& c, abi::Fd fd, abi::Rights required) {
  FdEntry& e = c.ctx.fds().get(fd);
  if (e.kind != FdKind::Directory) fail(Errno::NotDir);
  if (!e.has_rights(required)) fail(Errno::NotCapable);
  return e;
}

}  // namespace mywasm::wasi
