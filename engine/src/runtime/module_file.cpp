// Module::compile_file: reads a binary module without the custom sections it
// does not need. Toolchains leave megabytes of DWARF in .wasm files (a Rust
// hello world is 5.8 MB, 62 KB of it code); reading and keeping those bytes
// was most of the start-up time and footprint.
//
// The file's bytes go into an anonymous private mapping of the file's size,
// at their file offsets (so error offsets stay file offsets). Every section
// is read in, except custom sections other than "name": their heads are
// checked here as the decoder would and the decoder steps over them
// (ModuleBytes::skipped), so their pages are never written and never become
// resident, not even the one holding a section's head (on a virtual machine
// a page fault costs some 15-25 us). A malformed module is decoded again
// from all its bytes, for the exact error. The bytes are a private copy:
// changing the file later cannot change a validated module.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "decoder.hpp"  // first: names the IR's Module unqualified
#include "leb.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/module_impl.hpp"
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

  // Reads the sections, leaving out custom sections other than "name":
  // each section's head is read into a small buffer first, and a custom
  // section that passes the decoder's checks (sizes within bounds, a UTF-8
  // name inside the section) is recorded in `skipped` and never loaded, not
  // even its head, whose page would be one more fault. Consecutive loaded
  // sections are read with one call. Any structural surprise reads the
  // rest of the file in whole, so the decoder sees exactly the file and
  // reports the exact error.
  bool read_module(std::vector<std::pair<size_t, size_t>>& skipped) {
    size_t pos = 8, load_from = 0;  // [load_from, pos) is still to be read
    while (pos < size_) {
      uint8_t head[64];
      const size_t got = peek(pos, head, sizeof head);
      if (got == 0) return false;
      size_t p = 1;
      auto section_size = leb(head, got, p);
      if (!section_size || pos + p + *section_size > size_) return read(load_from, size_);
      const size_t end = pos + p + *section_size;
      if (head[0] == 0) {
        size_t q = p;
        auto name_len = leb(head, got, q);
        const bool in_head = name_len && q + *name_len <= got;
        const std::string_view name =
            in_head ? std::string_view(reinterpret_cast<const char*>(head + q), *name_len) : std::string_view();
        if (in_head && pos + q + *name_len <= end && name != "name" &&
            is_valid_utf8(head + q, *name_len)) {
          if (!read(load_from, pos)) return false;
          skipped.emplace_back(pos, end);
          pos = load_from = end;
          continue;
        }
        if (name_len && !in_head && pos + q + *name_len <= end) {  // a long name: the decoder checks it
          if (!read(load_from, pos + q + *name_len)) return false;
          pos = load_from = end;
          continue;
        }
        if (name != "name") return read(load_from, size_);  // malformed: left to the decoder
      }
      pos = end;
    }
    return read(load_from, size_);
  }

 private:
  // Up to `n` bytes at `pos` into `out` (fewer at the end of the file).
  size_t peek(size_t pos, uint8_t* out, size_t n) {
    n = std::min(n, size_ - pos);
    for (size_t got = 0; got < n;) {
      ssize_t r = ::pread(fd_, out + got, n - got, off_t(pos + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        if (r == 0) errno = EIO;
        return 0;
      }
      got += size_t(r);
    }
    return n;
  }

  // A u32 LEB128 at `pos` of `bytes`, advancing `pos`; nullopt if
  // malformed or cut off (the decoder then reports it from the full bytes).
  static std::optional<uint32_t> leb(const uint8_t* bytes, size_t size, size_t& pos) {
    Reader r({bytes, size}, pos, size);
    try {
      const uint32_t value = r.u32();
      pos = r.pos();
      return value;
    } catch (const LoadError&) {
      return std::nullopt;
    }
  }

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
  std::vector<std::pair<size_t, size_t>> skipped;
  const bool ok = FileReader(fd, bytes, size).read_module(skipped);
  const int read_errno = errno;
  ::close(fd);
  if (!ok) {
    errno = read_errno;
    return read_error(path);
  }
  if (base) ::mprotect(base, size, PROT_READ);  // immutable from here on
  ir::ModuleBytes module_bytes(std::move(owner), std::span<const uint8_t>(bytes, size));
  module_bytes.skipped = std::move(skipped);
  auto result = compile_module_bytes(std::move(module_bytes));
  if (result.ok() || result.error().kind != Error::Kind::Malformed) return result;
  // A malformed module may have been read past a section's end into what
  // was left out: the error is the one of the whole file's bytes.
  std::vector<uint8_t> whole(size);
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return result;
  const bool read_all = FileReader(fd, whole.data(), size).read(0, size);
  ::close(fd);
  return read_all ? compile(engine, whole) : result;
}

}  // namespace mywasm
