// The guest's file descriptor table: stdio, preopened directories, opened
// files and directories, and sockets, each with its WASI rights and flags.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abi.hpp"
#include "errno.hpp"
#include "poll_set.hpp"
#include "unique_fd.hpp"

namespace mywasm::wasi {

enum class FdKind : uint8_t { Stdio, File, Directory, Socket };

// One fd_readdir entry, as captured when a listing starts (cookie 0).
struct DirListingEntry {
  std::string name;
  uint64_t ino = 0;
  abi::Filetype type = abi::kFiletypeUnknown;
};

struct FdEntry {
  FdKind kind = FdKind::File;
  int host_fd = -1;
  bool owns_host_fd = true;  // false for the host's stdio, which we never close
  abi::Filetype filetype = abi::kFiletypeUnknown;
  uint16_t fdflags = 0;
  abi::Rights rights_base = 0;
  abi::Rights rights_inheriting = 0;
  std::optional<std::string> preopen_path;  // guest name of a preopened directory
  // fd_readdir: the listing taken at cookie 0; later cookies index into it,
  // so entries keep stable cookies while the guest pages through them.
  std::vector<DirListingEntry> listing;
  PollState poll;  // its registration in the fd table's PollSet
  // Directories: the preopened directory this one lies beneath (device and
  // inode), so that a symlink made in it can be checked against that root.
  struct {
    uint64_t dev = 0, ino = 0;
  } sandbox_root;

  FdEntry() = default;
  FdEntry(const FdEntry&) = delete;
  FdEntry& operator=(const FdEntry&) = delete;
  ~FdEntry();

  bool has_rights(abi::Rights r) const { return (rights_base & r) == r; }
};

class FdTable {
 public:
  // Inserts at the lowest free descriptor number.
  abi::Fd insert(std::unique_ptr<FdEntry> entry);
  void insert_at(abi::Fd fd, std::unique_ptr<FdEntry> entry);

  // EBADF if `fd` is not open; ENOTCAPABLE if it lacks `required` rights.
  FdEntry& get(abi::Fd fd, abi::Rights required = 0);
  FdEntry* find(abi::Fd fd);

  void close(abi::Fd fd);                // EBADF if not open
  void renumber(abi::Fd from, abi::Fd to);  // both must be open; `to` is closed first
  std::vector<abi::Fd> open_fds() const;

  PollSet& poll_set() { return poll_set_; }

 private:
  PollSet poll_set_;  // declared first: entries leave it as they are destroyed
  std::map<abi::Fd, std::unique_ptr<FdEntry>> entries_;
  // Every number below it is in use, so insert() finds the lowest free
  // number without walking the whole table (a server with thousands of
  // connections inserts on every accept).
  abi::Fd lowest_free_hint_ = 0;
};

// Describes a host descriptor (filetype and the rights its kind allows).
std::unique_ptr<FdEntry> describe_host_fd(int host_fd, bool owns);

}  // namespace mywasm::wasi
