// Helpers shared by the fd_* and path_* groups.
#pragma once
#include <sys/stat.h>

#include "host_call.hpp"

namespace mywasm::wasi {

abi::Filetype filetype_from_mode(mode_t mode);

// Writes a 64-byte filestat.
void store_filestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st);

// The two timespecs for futimens/utimensat from WASI times and fstflags;
// EINVAL when a time is both given and "now".
void to_host_times(uint64_t atim, uint64_t mtim, uint16_t fstflags, struct timespec out[2]);

// A directory descriptor for path_* calls: EBADF if not open, ENOTDIR if not a
// directory, ENOTCAPABLE if it lacks `required`.
FdEntry& directory_fd(HostCall& c, abi::Fd fd, abi::Rights required);

}  // namespace mywasm::wasi
