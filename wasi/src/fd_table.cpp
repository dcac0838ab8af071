#include "fd_table.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace mywasm::wasi {

FdEntry::~FdEntry() {
  PollSet::forget(*this);  // also for host fds we do not close (stdio)
  if (owns_host_fd && host_fd >= 0) ::close(host_fd);
}

abi::Fd FdTable::insert(std::unique_ptr<FdEntry> entry) {
  abi::Fd fd = lowest_free_hint_;
  for (auto it = entries_.lower_bound(fd); it != entries_.end() && it->first == fd; ++it) {
    if (fd == UINT32_MAX) fail(Errno::Mfile);
    ++fd;
  }
  entries_[fd] = std::move(entry);
  lowest_free_hint_ = fd + 1;
  return fd;
}

void FdTable::insert_at(abi::Fd fd, std::unique_ptr<FdEntry> entry) { entries_[fd] = std::move(entry); }

FdEntry* FdTable::find(abi::Fd fd) {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : it->second.get();
}

FdEntry& FdTable::get(abi::Fd fd, abi::Rights required) {
  FdEntry* e = find(fd);
  if (!e) fail(Errno::Badf);
  if (!e->has_rights(required)) fail(Errno::NotCapable);
  return *e;
}

void FdTable::close(abi::Fd fd) {
  if (entries_.erase(fd) == 0) fail(Errno::Badf);
  lowest_free_hint_ = std::min(lowest_free_hint_, fd);
}

void FdTable::renumber(abi::Fd from, abi::Fd to) {
  auto src = entries_.find(from);
  if (src == entries_.end() || !entries_.count(to)) fail(Errno::Badf);
  if (from == to) return;
  auto moved = std::move(src->second);
  entries_.erase(src);
  entries_[to] = std::move(moved);
  lowest_free_hint_ = std::min(lowest_free_hint_, from);
}

std::vector<abi::Fd> FdTable::open_fds() const {
  std::vector<abi::Fd> fds;
  for (const auto& [number, _] : entries_) fds.push_back(number);
  return fds;
}

std::unique_ptr<FdEntry> describe_host_fd(int host_fd, bool owns) {
  auto e = std::make_unique<FdEntry>();
  e->host_fd = host_fd;
  e->owns_host_fd = owns;
  struct stat st {};
  if (::fstat(host_fd, &st) != 0) {
    e->owns_host_fd = false;  // not ours to close if it is not even open
    fail_host_errno();
  }
  switch (st.st_mode & S_IFMT) {
    case S_IFDIR:
      e->kind = FdKind::Directory;
      e->filetype = abi::kFiletypeDirectory;
      e->rights_base = abi::right::kDirectory;
      e->rights_inheriting = abi::right::kDirectoryInheriting;
      break;
    case S_IFREG:
      e->kind = FdKind::File;
      e->filetype = abi::kFiletypeRegularFile;
      e->rights_base = abi::right::kRegularFile;
      break;
    case S_IFSOCK: {
      e->kind = FdKind::Socket;
      int type = 0;
      socklen_t len = sizeof type;
      getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len);
      e->filetype = type == SOCK_DGRAM ? abi::kFiletypeSocketDgram : abi::kFiletypeSocketStream;
      e->rights_base = abi::right::kSocket;
      break;
    }
    case S_IFCHR:
      e->kind = FdKind::File;
      e->filetype = abi::kFiletypeCharacterDevice;
      e->rights_base = abi::right::kCharacterDevice;
      break;
    case S_IFBLK:
      e->kind = FdKind::File;
      e->filetype = abi::kFiletypeBlockDevice;
      e->rights_base = abi::right::kRegularFile;
      break;
    default:  // pipes and FIFOs: a stream without seeking
      e->kind = FdKind::File;
      e->filetype = abi::kFiletypeUnknown;
      e->rights_base = abi::right::kCharacterDevice;
      break;
  }
  int flags = ::fcntl(host_fd, F_GETFL);
  if (flags >= 0) {
    if (flags & O_APPEND) e->fdflags |= abi::fdflag::kAppend;
    if (flags & O_NONBLOCK) e->fdflags |= abi::fdflag::kNonblock;
  }
  return e;
}

}  // namespace mywasm::wasi
