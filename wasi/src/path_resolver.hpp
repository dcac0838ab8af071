// Sandboxed path resolution: a guest path, relative to a directory
// descriptor, never names anything outside that directory.
//  - Fast path: the directory part in one openat2(RESOLVE_BENEATH |
//    RESOLVE_NO_SYMLINKS) call, when the kernel has it and the path has no
//    `..` and no symlinks.
//  - Otherwise a walk one component at a time (O_PATH | O_NOFOLLOW), with
//    symlinks expanded here, inside the sandbox, never by the host kernel.
// Both are race-free: every step opens relative to an already-open directory
// without following symlinks, so renaming things mid-walk cannot escape.
#pragma once
#include <string>
#include <string_view>

#include "unique_fd.hpp"

namespace mywasm::wasi {

struct ResolvedPath {
  UniqueFd dir;      // host directory (O_PATH) holding the final component
  std::string name;  // the final component; "." for the directory itself;
                     // ends in '/' when the guest path had a trailing slash
};

// Resolves `path` beneath the host directory `base_dir`. Fails (WasiError):
//   EINVAL  a NUL byte in the path          ENOENT  empty path or missing directory
//   EPERM   absolute path, `..` or a symlink leaving `base_dir`
//   ELOOP   more than 40 symlink expansions  ENOTDIR an intermediate non-directory
// `follow_final` also expands a symlink in the last component. Without it, a
// symlink named with a trailing slash ("link/") fails ENOTDIR rather than
// letting the host follow it.
ResolvedPath resolve_path(int base_dir, std::string_view path, bool follow_final);

constexpr int kMaxSymlinkExpansions = 40;

}  // namespace mywasm::wasi
