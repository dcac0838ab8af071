#include "files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "failure.hpp"

namespace mywasm::oci {

std::string read_text(const std::string& path) {
  // Sized reads: blobs are modules of megabytes, and stream copies cost
  // tens of milliseconds on them. The size is a hint only (/proc files say 0).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) fail("cannot read '{}': {}", path, std::strerror(errno));
  std::string bytes(static_cast<size_t>(st.st_size) + 1, '\0');
  size_t got = 0;
  for (;;) {
    if (got == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      if (n < 0) fail("cannot read '{}': {}", path, std::strerror(saved));
      break;
    }
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

void write_text_atomic(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) fail("cannot write '{}': {}", tmp, std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot write '{}': {}", path, std::strerror(errno));
}

int open_in_root(const std::string& root, const std::string& path) {
  const int root_fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return -1;
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const int fd = static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how));
  const int saved = errno;
  ::close(root_fd);
  errno = saved;
  return fd;
}

bool has_wasm_magic(int fd) {
  char magic[4];
  return ::pread(fd, magic, sizeof magic, 0) == 4 && std::memcmp(magic, "\0asm", 4) == 0;
}

int open_module_in_root(const std::string& root, const std::string& path) {
  const int fd = open_in_root(root, path);
  if (fd < 0) fail("entry point '{}' in '{}': {}", path, root, std::strerror(errno));
  if (!has_wasm_magic(fd)) {
    ::close(fd);
    fail("entry point '{}' is not a WebAssembly module", path);
  }
  return fd;
}

std::string make_temp_dir(const std::string& prefix) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(pattern.data())) fail("cannot create a temporary directory: {}", std::strerror(errno));
  // Resolved, so archive extraction (which refuses symlinked paths) works under it.
  return std::filesystem::canonical(pattern).string();
}

}  // namespace mywasm::oci
