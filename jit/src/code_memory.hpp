// Executable memory for compiled code that is never writable: arenas of
// one memfd, each mapped read+execute only, into which code is written with
// pwrite(2) at the arena's file offset. The kernel copies through its own
// mapping of the page, so no writable user mapping exists at any time (W^X
// without a dual mapping), and no user page-table entry is made for the
// write: on the build VM the first write through a fresh user mapping costs
// several microseconds a page (the hypervisor's), which was most of the
// cost of copying code through asmjit's writable alias.
//
// Space is handed out first-fit in 64-byte granules (entries and loop
// bodies are aligned relative to it) and reused after release; the whole
// pages of a free range are given back to the kernel (a hole punched in the
// memfd), and an arena that empties, unless it is the only one, is
// unmapped (its slot of the range below reserved again). Thread-safe.
//
// Arenas are mapped inside one reserved range of address space (kRangeBytes,
// reserved at the first arena, less under an address-space limit: a
// sixteenth of it; its slots reused as arenas go), so that code
// reaches code with a rel32: calls between functions stay direct however
// far apart the kernel would have put their arenas (a wasm memory's
// reservation alone is 8 GB). Where the range cannot be had, or is full,
// an arena goes anywhere (a compiler then takes far calls).
//
// The memfd is this process's: after a fork (the child shares the file
// with its parent) or once its descriptor was closed behind its back (the
// OCI container process closes every descriptor it does not know; the
// number may then name another file), the arenas made so far are retired
// (never written, allocated from or punched again; still unmapped when
// they empty) and new ones come from a new memfd.
#pragma once
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <sys/uio.h>
#include <sys/types.h>
#include <vector>

namespace mywasm::jit {

class CodeMemory {
 public:
  static constexpr size_t kGranule = 64;
  static constexpr size_t kDefaultArenaBytes = size_t(1) << 20;
  static constexpr size_t kRangeBytes = size_t(1) << 30;

  explicit CodeMemory(size_t arena_bytes = kDefaultArenaBytes);
  ~CodeMemory();
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;

  // Space for `size` bytes (64-byte aligned): its executable address, or
  // null when no memory can be had.
  void* alloc(size_t size);
  // Writes `size` bytes at `rx` (within space from alloc); false when the
  // write failed.
  bool write(void* rx, const void* data, size_t size);
  // Writes the pieces back to back from `rx`, in one system call where
  // they fit one (at most kMaxPieces pieces each time).
  bool write(void* rx, std::span<const iovec> pieces);
  static constexpr size_t kMaxPieces = 64;
  // Gives back the space that alloc returned at `rx` (null: nothing).
  void release(void* rx);

  // While one lives on a thread, alloc and release there skip the check
  // that the memfd is still this process's (above): it made that check
  // once for a batch of work (jit::compile_all's share on the thread), not
  // two system calls per function. As safe as checking in each alloc: a
  // fork's child has only the forking thread, which was not in the batch,
  // and a descriptor closed behind the batch's back while it runs could as
  // well be closed between an alloc and its write.
  class CheckedScope {
   public:
    explicit CheckedScope(CodeMemory& memory);
    ~CheckedScope();
    CheckedScope(const CheckedScope&) = delete;
    CheckedScope& operator=(const CheckedScope&) = delete;

   private:
    const CodeMemory* outer_;
  };

  // While one lives on a thread, the writes made there to this memory are
  // gathered and made together, one system call for each run of adjacent
  // allocations (the padding between them written as zeros), when the run
  // breaks, its bytes reach kBatchBytes, the thread releases space, or at
  // flush() and the batch's end: a pwritev per function cost jit::compile_all
  // a third of its time (3 us each on the build VM). Until then the code is
  // not in memory: nothing may run it. A write that fails is reported by
  // flush() (and failed()), not by write(): the batch's owner must then
  // not run anything written in it.
  class WriteBatch {
   public:
    static constexpr size_t kBatchBytes = size_t(1) << 20;
    explicit WriteBatch(CodeMemory& memory);
    ~WriteBatch();  // (flushes)
    WriteBatch(const WriteBatch&) = delete;
    WriteBatch& operator=(const WriteBatch&) = delete;
    // Writes what is gathered; false when any write of the batch failed.
    bool flush();
    bool failed() const { return failed_; }

   private:
    friend class CodeMemory;
    // Gathers `pieces` for rx; false when rx is no space of a live arena.
    bool add(char* rx, std::span<const iovec> pieces, size_t size);
    CodeMemory& memory_;
    WriteBatch* outer_;
    std::vector<char> bytes_;  // from run_ on
    char* run_ = nullptr;      // where the gathered bytes go (null: none)
    char* run_limit_ = nullptr;  // the end of run_'s arena
    bool failed_ = false;
  };
  // For tests: the writes made through the memfd so far (system calls);
  // while `fail` is on, every write fails (as in host memory short).
  size_t write_calls() const { return write_calls_.load(std::memory_order_relaxed); }
  // For tests: the checks of the memfd made so far (fstat and getpid each).
  size_t file_checks() const { return file_checks_.load(std::memory_order_relaxed); }
  void fail_writes_for_tests(bool fail) { fail_writes_.store(fail); }

  // For tests: the reserved range (null: none) and its size.
  const void* range_for_tests() const { return range_; }
  size_t range_bytes_for_tests() const { return range_bytes_; }

  // For tests: mapped arenas, live allocations, bytes of the memfd backed by
  // memory (st_blocks), the memfd's descriptor (-1: none yet).
  size_t arena_count() const;
  size_t live_count() const;
  size_t resident_bytes() const;
  int fd_for_tests() const;

 private:
  struct Arena {
    char* rx = nullptr;
    size_t size = 0;
    uint64_t file_offset = 0;
    std::map<size_t, size_t> free;  // offset in the arena -> bytes (coalesced)
    std::map<size_t, size_t> used;  // offset in the arena -> bytes
    bool retired = false;           // of a memfd no longer this process's (see above)
  };
  bool open_file();
  // Retires the arenas when the memfd is no longer this process's own
  // (unless a CheckedScope of this memory lives on this thread).
  void check_file();
  void check_file_now();
  Arena* add_arena(size_t bytes);
  Arena* arena_of(const void* rx);
  void drop_arena(Arena& a);
  void punch(const Arena& a, size_t begin, size_t end);
  // Where the next arena of `bytes` goes: a free slot of the range, else
  // null (anywhere).
  char* range_slot(size_t bytes);
  void release_slot(char* slot, size_t bytes);
  bool in_range(const char* p) const;
  // The memfd offset of [rx, rx + size) and the descriptor, under mu_;
  // false when that is not space of one live arena.
  bool locate(const char* rx, size_t size, uint64_t& file_offset, int& fd, char** arena_end = nullptr);
  // pwritev of `pieces` at `file_offset`, short writes continued.
  bool write_at(int fd, uint64_t file_offset, std::span<const iovec> pieces);

  const size_t arena_bytes_;
  mutable std::mutex mu_;
  int fd_ = -1;
  pid_t pid_ = 0;       // the process that made fd_
  dev_t dev_ = 0;       // fd_'s file
  ino_t ino_ = 0;
  uint64_t file_end_ = 0;          // where the next arena's window starts in the memfd
  std::map<uintptr_t, Arena> arenas_;  // by executable address
  char* range_ = nullptr;  // range_bytes_ reserved (PROT_NONE where no arena is)
  size_t range_bytes_ = 0;
  bool range_tried_ = false;
  std::map<size_t, size_t> range_free_;  // offset in the range -> bytes (coalesced)
  std::atomic<size_t> write_calls_{0};
  std::atomic<size_t> file_checks_{0};
  std::atomic<bool> fail_writes_{false};
};

}  // namespace mywasm::jit
