#include "path_resolver.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <optional>
#include <vector>

#include "errno.hpp"

namespace mywasm::wasi {
namespace {

struct SplitPath {
  std::deque<std::string> components;
  bool trailing_slash = false;
};

SplitPath split(std::string_view path) {
  SplitPath out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.components.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  out.trailing_slash = !path.empty() && path.back() == '/';
  return out;
}

// The target of the symlink `name` in `dir`, or nullopt if it is not a symlink.
std::optional<std::string> read_symlink(int dir, const std::string& name) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
    if (n < 0) return std::nullopt;  // EINVAL (not a link), ENOENT, ...
    if (size_t(n) < buf.size()) {
      buf.resize(n);
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

std::atomic<bool> g_openat2_missing{false};

// Fast path for the common case: the directory part of the path opened in one
// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) call, which the kernel
// guarantees stays beneath `base_dir`. Returns nullopt whenever the careful
// walk must decide instead: no openat2, `..`, a symlink anywhere, or any
// error (the walk then reports the exact WASI errno).
std::optional<ResolvedPath> resolve_fast(int base_dir, const SplitPath& path, bool follow_final) {
  const auto& comps = path.components;
  if (comps.size() < 2 || g_openat2_missing.load(std::memory_order_relaxed)) return std::nullopt;
  std::string dir_part;
  for (size_t i = 0; i + 1 < comps.size(); ++i) {
    if (comps[i] == "..") return std::nullopt;
    if (i) dir_part += '/';
    dir_part += comps[i];
  }
  const std::string& last = comps.back();
  if (last == "..") return std::nullopt;

  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int fd = int(::syscall(SYS_openat2, base_dir, dir_part.c_str(), &how, sizeof how));
  if (fd < 0) {
    if (errno == ENOSYS) g_openat2_missing.store(true, std::memory_order_relaxed);
    return std::nullopt;
  }
  ResolvedPath out{UniqueFd(fd), last};
  if (last != "." && (follow_final || path.trailing_slash) && read_symlink(fd, last)) return std::nullopt;
  if (path.trailing_slash) out.name += '/';
  return out;
}

}  // namespace

ResolvedPath resolve_path(int base_dir, std::string_view path, bool follow_final) {
  if (path.find('\0') != std::string_view::npos) fail(Errno::Inval);
  if (path.empty()) fail(Errno::NoEnt);
  if (path.front() == '/') fail(Errno::Perm);

  SplitPath work = split(path);
  if (auto fast = resolve_fast(base_dir, work, follow_final)) return std::move(*fast);

  // The careful walk, one component at a time.
  // Open directories from the base down to the current one; `..` pops.
  std::vector<UniqueFd> stack;
  stack.emplace_back(::openat(base_dir, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!stack.back().valid()) fail_host_errno();

  int expansions = 0;
  auto expand = [&](const std::string& target, bool was_last) {
    if (++expansions > kMaxSymlinkExpansions) fail(Errno::Loop);
    if (target.empty()) fail(Errno::NoEnt);
    if (target.front() == '/') fail(Errno::Perm);  // absolute targets leave the sandbox
    SplitPath inner = split(target);
    if (was_last) work.trailing_slash = work.trailing_slash || inner.trailing_slash;
    work.components.insert(work.components.begin(), inner.components.begin(), inner.components.end());
  };

  std::string final_name = ".";
  while (!work.components.empty()) {
    std::string comp = std::move(work.components.front());
    work.components.pop_front();
    bool last = work.components.empty();

    if (comp == ".") {
      if (last) final_name = ".";
      continue;
    }
    if (comp == "..") {
      if (stack.size() == 1) fail(Errno::Perm);
      stack.pop_back();
      if (last) final_name = ".";
      continue;
    }
    int cur = stack.back().get();
    if (!last) {
      int fd = ::openat(cur, comp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        stack.emplace_back(fd);
        continue;
      }
      int open_errno = errno;
      if (auto target = read_symlink(cur, comp)) {
        expand(*target, false);
        continue;
      }
      fail(from_host_errno(open_errno));
    }
    // The last component.
    if (auto target = read_symlink(cur, comp)) {
      if (follow_final) {
        expand(*target, true);
        continue;
      }
      if (work.trailing_slash) fail(Errno::NotDir);
    }
    final_name = comp;
  }

  if (work.trailing_slash) final_name += '/';
  return ResolvedPath{std::move(stack.back()), std::move(final_name)};
}

}  // namespace mywasm::wasi
