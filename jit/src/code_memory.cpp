#include "code_memory.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <utility>

namespace mywasm::jit {

namespace {
constexpr size_t kPage = 4096;
size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

// Adds [begin, end) to `free` (offset -> bytes), coalesced with the free
// neighbours on either side; the whole free range it is now part of.
std::pair<size_t, size_t> add_free(std::map<size_t, size_t>& free, size_t begin, size_t end) {
  auto next = free.lower_bound(begin);
  if (next != free.end() && next->first == end) {
    end += next->second;
    next = free.erase(next);
  }
  if (next != free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == begin) {
      begin = prev->first;
      free.erase(prev);
    }
  }
  free.emplace(begin, end - begin);
  return {begin, end};
}
}  // namespace

CodeMemory::CodeMemory(size_t arena_bytes) : arena_bytes_(round_up(std::max(arena_bytes, kPage), kPage)) {}

CodeMemory::~CodeMemory() {
  for (auto& [at, a] : arenas_)
    if (!in_range(a.rx)) munmap(a.rx, a.size);
  if (range_) munmap(range_, range_bytes_);
  if (fd_ >= 0) close(fd_);
}

bool CodeMemory::in_range(const char* p) const { return range_ && p >= range_ && p < range_ + range_bytes_; }

char* CodeMemory::range_slot(size_t bytes) {
  if (!range_tried_) {
    range_tried_ = true;
    size_t want = kRangeBytes;
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      want = std::min(want, size_t(limit.rlim_cur) / 16 / arena_bytes_ * arena_bytes_);
    void* r = want >= 4 * arena_bytes_
                  ? mmap(nullptr, want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                  : MAP_FAILED;
    if (r != MAP_FAILED) {
      range_ = static_cast<char*>(r);
      range_bytes_ = want;
      range_free_.emplace(0, want);
    }
  }
  for (auto it = range_free_.begin(); it != range_free_.end(); ++it) {
    if (it->second < bytes) continue;
    const size_t offset = it->first, rest = it->second - bytes;
    range_free_.erase(it);
    if (rest) range_free_.emplace(offset + bytes, rest);
    return range_ + offset;
  }
  return nullptr;
}

bool CodeMemory::open_file() {
  if (fd_ >= 0) return true;
  fd_ = memfd_create("mywasm-code", MFD_CLOEXEC);
  if (fd_ < 0) return false;
  struct stat st {};
  if (fstat(fd_, &st) != 0) {
    close(fd_);
    fd_ = -1;
    return false;
  }
  pid_ = getpid();
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  file_end_ = 0;
  return true;
}

namespace {
// The CodeMemory whose CheckedScope is innermost on this thread.
thread_local const CodeMemory* t_checked = nullptr;
// The innermost WriteBatch on this thread.
thread_local CodeMemory::WriteBatch* t_batch = nullptr;
// The thread's batch buffer, kept between batches: fresh memory costs a
// page fault per page at its first write (several microseconds each on
// the build VM: more than the copy).
thread_local std::vector<char> t_batch_bytes;
}  // namespace

CodeMemory::CheckedScope::CheckedScope(CodeMemory& memory) : outer_(t_checked) {
  {
    const std::lock_guard<std::mutex> lock(memory.mu_);
    memory.check_file_now();
  }
  t_checked = &memory;
}

CodeMemory::CheckedScope::~CheckedScope() { t_checked = outer_; }

CodeMemory::WriteBatch::WriteBatch(CodeMemory& memory) : memory_(memory), outer_(t_batch) {
  bytes_.swap(t_batch_bytes);  // (an inner batch starts with its own)
  t_batch = this;
}

CodeMemory::WriteBatch::~WriteBatch() {
  flush();
  t_batch = outer_;
  if (bytes_.capacity() > t_batch_bytes.capacity()) bytes_.swap(t_batch_bytes);
}

bool CodeMemory::WriteBatch::add(char* rx, std::span<const iovec> pieces, size_t size) {
  // Adjacent: rx is the next allocation after the run's last (alloc rounds
  // each to a granule: what lies between is the last one's padding).
  if (run_) {
    char* end = run_ + bytes_.size();
    const bool adjacent = rx >= end && size_t(rx - end) < kGranule && rx + size <= run_limit_;
    if (!adjacent || bytes_.size() + size > kBatchBytes) flush();
  }
  if (!run_) {
    uint64_t file_offset;
    int fd;
    if (!memory_.locate(rx, size, file_offset, fd, &run_limit_)) return false;
    run_ = rx;
  }
  bytes_.resize(size_t(rx - run_));  // (the padding: zeros)
  for (const iovec& piece : pieces) {
    const auto* data = static_cast<const char*>(piece.iov_base);
    bytes_.insert(bytes_.end(), data, data + piece.iov_len);
  }
  return true;
}

bool CodeMemory::WriteBatch::flush() {
  if (run_) {
    uint64_t file_offset;
    int fd;
    const iovec all{bytes_.data(), bytes_.size()};
    if (!memory_.locate(run_, bytes_.size(), file_offset, fd) ||
        !memory_.write_at(fd, file_offset, std::span<const iovec>(&all, 1)))
      failed_ = true;
    run_ = nullptr;
    bytes_.clear();
  }
  return !failed_;
}

void CodeMemory::check_file() {
  if (t_checked != this) check_file_now();
}

void CodeMemory::check_file_now() {
  if (fd_ < 0) return;
  file_checks_.fetch_add(1, std::memory_order_relaxed);
  struct stat st {};
  const bool same_file = fstat(fd_, &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_;
  if (same_file && getpid() == pid_) return;
  for (auto& [at, a] : arenas_) a.retired = true;
  // (A forked child closes its copy; a number reused for another file is
  // not ours to close.)
  if (same_file) close(fd_);
  fd_ = -1;
}

CodeMemory::Arena* CodeMemory::add_arena(size_t bytes) {
  if (!open_file()) return nullptr;
  const uint64_t offset = file_end_;
  if (ftruncate(fd_, off_t(offset + bytes)) != 0) return nullptr;
  char* slot = range_slot(bytes);
  void* rx = mmap(slot, bytes, PROT_READ | PROT_EXEC, MAP_SHARED | (slot ? MAP_FIXED : 0), fd_, off_t(offset));
  if (rx == MAP_FAILED) {
    if (slot) release_slot(slot, bytes);
    return nullptr;
  }
  file_end_ = offset + bytes;
  Arena& a = arenas_[reinterpret_cast<uintptr_t>(rx)];
  a.rx = static_cast<char*>(rx);
  a.size = bytes;
  a.file_offset = offset;
  a.free.emplace(0, bytes);
  return &a;
}

CodeMemory::Arena* CodeMemory::arena_of(const void* rx) {
  const auto at = reinterpret_cast<uintptr_t>(rx);
  auto after = arenas_.upper_bound(at);
  if (after == arenas_.begin()) return nullptr;
  Arena& a = std::prev(after)->second;
  return at < reinterpret_cast<uintptr_t>(a.rx) + a.size ? &a : nullptr;
}

void CodeMemory::punch(const Arena& a, size_t begin, size_t end) {
  if (a.retired) return;  // (the file is another process's, or not at fd_)
  begin = round_up(begin, kPage);
  end = end / kPage * kPage;
  if (begin >= end) return;
  // (Failure only leaves the memory in use.)
  (void)fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(a.file_offset + begin), off_t(end - begin));
}

void CodeMemory::drop_arena(Arena& a) {
  if (in_range(a.rx)) release_slot(a.rx, a.size);
  else munmap(a.rx, a.size);
  punch(a, 0, a.size);
  arenas_.erase(reinterpret_cast<uintptr_t>(a.rx));
}

void CodeMemory::release_slot(char* slot, size_t bytes) {
  // Reserved again (never unmapped: another mapping could take the hole).
  if (mmap(slot, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
    return;  // (the slot stays out of use)
  const size_t begin = size_t(slot - range_);
  add_free(range_free_, begin, begin + bytes);
}

void* CodeMemory::alloc(size_t size) {
  size = round_up(std::max<size_t>(size, 1), kGranule);
  const std::lock_guard<std::mutex> lock(mu_);
  check_file();
  Arena* found = nullptr;
  std::map<size_t, size_t>::iterator block;
  for (auto& [at, a] : arenas_) {
    if (a.retired) continue;
    for (auto it = a.free.begin(); it != a.free.end(); ++it) {
      if (it->second >= size) {
        found = &a;
        block = it;
        break;
      }
    }
    if (found) break;
  }
  if (!found) {
    found = add_arena(std::max(arena_bytes_, round_up(size, kPage)));
    if (!found) return nullptr;
    block = found->free.begin();
  }
  const size_t offset = block->first, rest = block->second - size;
  // The rest of the block stays free, in the same map node (no allocation).
  auto node = found->free.extract(block);
  if (rest) {
    node.key() = offset + size;
    node.mapped() = rest;
    found->free.insert(std::move(node));
  }
  found->used.emplace(offset, size);
  return found->rx + offset;
}

bool CodeMemory::write(void* rx, const void* data, size_t size) {
  const iovec piece{const_cast<void*>(data), size};
  return write(rx, std::span<const iovec>(&piece, 1));
}

bool CodeMemory::locate(const char* rx, size_t size, uint64_t& file_offset, int& fd, char** arena_end) {
  // (No check_file here: space is written right after alloc, which
  // checked, by the same thread.)
  const std::lock_guard<std::mutex> lock(mu_);
  Arena* a = arena_of(rx);
  if (!a || a->retired || rx + size > a->rx + a->size) return false;
  file_offset = a->file_offset + uint64_t(rx - a->rx);
  fd = fd_;
  if (arena_end) *arena_end = a->rx + a->size;
  return true;
}

bool CodeMemory::write(void* rx, std::span<const iovec> pieces) {
  size_t size = 0;
  for (const iovec& piece : pieces) size += piece.iov_len;
  if (t_batch && &t_batch->memory_ == this) return t_batch->add(static_cast<char*>(rx), pieces, size);
  uint64_t file_offset;
  int fd;
  if (!locate(static_cast<char*>(rx), size, file_offset, fd)) return false;
  return write_at(fd, file_offset, pieces);
}

bool CodeMemory::write_at(int fd, uint64_t file_offset, std::span<const iovec> pieces) {
  if (fail_writes_.load(std::memory_order_relaxed)) return false;
  // (Outside the lock: threads write their own ranges.) A short write
  // goes on from where it stopped, in the piece it stopped in.
  iovec rest[kMaxPieces];
  while (!pieces.empty()) {
    const size_t count = std::min(pieces.size(), kMaxPieces);
    std::copy_n(pieces.begin(), count, rest);
    for (size_t first = 0;;) {
      while (first < count && rest[first].iov_len == 0) ++first;  // (written, or empty)
      if (first == count) break;
      const ssize_t n = pwritev(fd, rest + first, int(count - first), off_t(file_offset));
      write_calls_.fetch_add(1, std::memory_order_relaxed);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      file_offset += uint64_t(n);
      for (size_t left = size_t(n); left > 0;) {
        iovec& piece = rest[first];
        const size_t step = std::min(left, piece.iov_len);
        piece.iov_base = static_cast<char*>(piece.iov_base) + step;
        piece.iov_len -= step;
        left -= step;
        if (piece.iov_len == 0) ++first;
      }
    }
    pieces = pieces.subspan(count);
  }
  return true;
}

void CodeMemory::release(void* rx) {
  if (!rx) return;
  // (What a batch holds may lie in the space: written first, so that it
  // can never land after a later owner's code.)
  if (t_batch && &t_batch->memory_ == this) t_batch->flush();
  const std::lock_guard<std::mutex> lock(mu_);
  check_file();
  Arena* a = arena_of(rx);
  if (!a) return;
  const auto used = a->used.find(size_t(static_cast<char*>(rx) - a->rx));
  if (used == a->used.end()) return;
  const size_t released_begin = used->first, released_end = used->first + used->second;
  a->used.erase(used);
  const auto [begin, end] = add_free(a->free, released_begin, released_end);
  if (a->used.empty() && (arenas_.size() > 1 || a->retired)) {
    drop_arena(*a);
    return;
  }
  // Only the pages this release made whole (those farther out in the free
  // range were punched when they became free: a punch is a system call).
  punch(*a, std::max(begin, released_begin / kPage * kPage), std::min(end, round_up(released_end, kPage)));
}

size_t CodeMemory::arena_count() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return arenas_.size();
}

size_t CodeMemory::live_count() const {
  const std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [at, a] : arenas_) n += a.used.size();
  return n;
}

int CodeMemory::fd_for_tests() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return fd_;
}

size_t CodeMemory::resident_bytes() const {
  const std::lock_guard<std::mutex> lock(mu_);
  struct stat st {};
  if (fd_ < 0 || fstat(fd_, &st) != 0) return 0;
  return size_t(st.st_blocks) * 512;
}

}  // namespace mywasm::jit
