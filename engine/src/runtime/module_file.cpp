// Module::compile_file: reads a binary module without the custom sections it
// does not need. Toolchains leave megabytes of DWARF in .wasm files (a Rust
// hello world is 5.8 MB, 62 KB of it code); reading and keeping those bytes
// was most of the start-up time and footprint.
//
// The file's bytes go into an anonymous private mapping of the file's size,
// at their file offsets (so error offsets stay file offsets). Every section
// is read in, except the payload of custom sections other than "name", whose
// pages are never written and so never become resident. The decoder skips
// custom sections by size without looking at their payload. The bytes are
// a private copy: changing the file later cannot change a validated module.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "decoder.hpp"  // first: names the IR's Module unqualified
#include "mywasm/mywasm.hpp"
#include "runtime/populate.hpp"

namespace mywasm {
namespace {

class FileReader {
 public:
  FileReader(int fd, uint8_t* buf, size_t size) : fd_(fd), buf_(buf), size_(size) {}

  // Reads [begin, end) (clamped to the file) into the buffer at the same offsets.
  bool read(size_t begin, size_t end) {
    end = std::min(end, size_);
    if (begin < end) populate_for_write(buf_ + begin, end - begin);  // (a big module's pages at once)
    while (begin < end) {
      ssize_t n = ::pread(fd_, buf_ + begin, end - begin, off_t(begin));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n == 0) errno = EIO;  // the file shrank under us
        return false;
      }
      begin += size_t(n);
    }
    return true;
  }

  // An unsigned LEB128 (at most 5 bytes) at `pos`, already read; nullopt if
  // malformed or cut off (the decoder then reports it from the full bytes).
  std::optional<uint32_t> leb(size_t& pos) const {
    uint64_t value = 0;
    for (int shift = 0; shift < 35 && pos < size_; shift += 7) {
      uint8_t b = buf_[pos++];
      value |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return value <= UINT32_MAX ? std::optional<uint32_t>(uint32_t(value)) : std::nullopt;
    }
    return std::nullopt;
  }

  // Reads the sections, leaving out unneeded custom-section payloads. Any
  // structural surprise reads the rest of the file in whole, so the decoder
  // sees exactly the file and reports the exact error.
  bool read_module() {
    if (!read(0, 8)) return false;
    size_t pos = 8;
    while (pos < size_) {
      if (!read(pos, pos + 6)) return false;  // id and size
      size_t p = pos + 1;
      auto section_size = leb(p);
      if (!section_size || p + *section_size > size_) return read(pos, size_);
      const size_t payload = p, end = p + *section_size;
      if (buf_[pos] != 0) {
        if (!read(payload, end)) return false;
      } else {
        if (!read(payload, std::min(end, payload + 5))) return false;
        size_t q = payload;
        auto name_len = leb(q);
        if (!name_len || q > end || *name_len > end - q) {
          if (!read(payload, end)) return false;
        } else {
          if (!read(q, q + *name_len)) return false;
          std::string_view name(reinterpret_cast<const char*>(buf_ + q), *name_len);
          if (name == "name" && !read(q + *name_len, end)) return false;
        }
      }
      pos = end;
    }
    return true;
  }

 private:
  int fd_;
  uint8_t* buf_;
  size_t size_;
};

Error read_error(const std::string& path) {
  Error err;
  err.kind = Error::Kind::Malformed;
  err.message = "cannot read '" + path + "': " + std::strerror(errno);
  return err;
}

}  // namespace

Result<mywasm::Module> mywasm::Module::compile_file(Engine& engine, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return read_error(path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Error e = read_error(path);
    ::close(fd);
    return e;
  }
  const size_t size = size_t(st.st_size);
  void* base = nullptr;
  if (size) {
    base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
      Error e = read_error(path);
      ::close(fd);
      return e;
    }
  }
  std::shared_ptr<const void> owner(base, [size](const void* p) {
    if (p) ::munmap(const_cast<void*>(p), size);
  });
  auto* bytes = static_cast<uint8_t*>(base);
  const bool ok = FileReader(fd, bytes, size).read_module();
  const int read_errno = errno;
  ::close(fd);
  if (!ok) {
    errno = read_errno;
    return read_error(path);
  }
  if (base) ::mprotect(base, size, PROT_READ);  // immutable from here on
  return compile(engine, std::move(owner), std::span<const uint8_t>(bytes, size));
}

}  // namespace mywasm
