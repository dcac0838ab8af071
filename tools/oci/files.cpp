#include "files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "failure.hpp"

namespace mywasm::oci {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read '{}': {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
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

std::string sha256_digest(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr)) fail("sha256 failed");
  std::string hex = "sha256:";
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

}  // namespace mywasm::oci
