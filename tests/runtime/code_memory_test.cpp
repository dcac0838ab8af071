// jit::CodeMemory: executable memory that is never writable, written with
// pwrite (code_memory.hpp).
#include <gtest/gtest.h>

#include <span>
#include <sys/uio.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "code_memory.hpp"

namespace mywasm::jit {
namespace {

// The permissions ("r-xs", ...) of the mapping holding `p`, from
// /proc/self/maps; empty when no mapping holds it.
std::string permissions_of(const void* p) {
  std::ifstream maps("/proc/self/maps");
  const auto at = reinterpret_cast<uintptr_t>(p);
  for (std::string line; std::getline(maps, line);) {
    unsigned long begin = 0, end = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &begin, &end, perms) == 3 && at >= begin && at < end) return perms;
  }
  return "";
}

// Whether any mapping of the process is writable and executable at once.
bool any_writable_and_executable() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    unsigned long begin = 0, end = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &begin, &end, perms) == 3 && perms[1] == 'w' && perms[2] == 'x')
      return true;
  }
  return false;
}

TEST(CodeMemory, WrittenCodeIsReadableAtItsExecutableAddressWhichIsNeverWritable) {
  CodeMemory mem;
  void* rx = mem.alloc(100);
  ASSERT_NE(rx, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(rx) % CodeMemory::kGranule, 0u);
  std::vector<unsigned char> bytes(100);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 7 + 1);
  ASSERT_TRUE(mem.write(rx, bytes.data(), bytes.size()));
  EXPECT_EQ(std::memcmp(rx, bytes.data(), bytes.size()), 0);
  EXPECT_EQ(permissions_of(rx), "r-xs");  // (shared: the memfd)
  EXPECT_FALSE(any_writable_and_executable());
  mem.release(rx);
}

#if defined(__x86_64__)
TEST(CodeMemory, WrittenCodeRuns) {
  CodeMemory mem;
  void* rx = mem.alloc(16);
  ASSERT_NE(rx, nullptr);
  const unsigned char code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};  // mov eax, 42; ret
  ASSERT_TRUE(mem.write(rx, code, sizeof code));
  EXPECT_EQ(reinterpret_cast<int (*)()>(rx)(), 42);
  mem.release(rx);
}
#endif

// A batch gathers the writes of adjacent allocations (the padding between
// them zeros) and makes them in one system call, at its end: until then
// nothing is in memory.
TEST(CodeMemory, ABatchWritesAdjacentCodeInOneCallAtItsEnd) {
  CodeMemory mem;
  std::vector<std::pair<char*, std::vector<char>>> blocks;
  const size_t calls_before = mem.write_calls();
  {
    CodeMemory::WriteBatch batch(mem);
    for (size_t size : {100u, 30u, 64u, 1000u}) {
      auto* rx = static_cast<char*>(mem.alloc(size));
      ASSERT_NE(rx, nullptr);
      std::vector<char> bytes(size);
      for (size_t i = 0; i < size; ++i) bytes[i] = char(size + i * 3);
      ASSERT_TRUE(mem.write(rx, bytes.data(), bytes.size()));
      EXPECT_NE(std::memcmp(rx, bytes.data(), size), 0);  // (not yet)
      if (!blocks.empty()) {  // (adjacent: right after the previous one's granules)
        EXPECT_LT(size_t(rx - blocks.back().first), blocks.back().second.size() + 64);
      }
      blocks.emplace_back(rx, std::move(bytes));
    }
    EXPECT_EQ(mem.write_calls(), calls_before);
  }
  EXPECT_EQ(mem.write_calls(), calls_before + 1);
  for (const auto& [rx, bytes] : blocks) EXPECT_EQ(std::memcmp(rx, bytes.data(), bytes.size()), 0);
  for (const auto& [rx, bytes] : blocks) mem.release(rx);
}

// Space that does not follow the run (written out of order) starts a new
// run; releasing space writes what was gathered first, so that a later
// owner of the space keeps its own bytes.
TEST(CodeMemory, ABatchBreaksItsRunsWhereSpaceIsNotNextAndWritesBeforeARelease) {
  CodeMemory mem;
  char* a = static_cast<char*>(mem.alloc(64));
  char* b = static_cast<char*>(mem.alloc(64));
  ASSERT_EQ(b, a + 64);
  const size_t calls_before = mem.write_calls();
  const std::vector<char> one(64, 1), two(64, 2), three(64, 3);
  {
    CodeMemory::WriteBatch batch(mem);
    ASSERT_TRUE(mem.write(b, two.data(), 64));
    ASSERT_TRUE(mem.write(a, one.data(), 64));  // (before the run: a run of its own)
    EXPECT_EQ(mem.write_calls(), calls_before + 1);
    mem.release(a);  // (writes `one` first)
    EXPECT_EQ(mem.write_calls(), calls_before + 2);
    char* again = static_cast<char*>(mem.alloc(64));
    ASSERT_EQ(again, a);
    ASSERT_TRUE(mem.write(again, three.data(), 64));
    EXPECT_TRUE(batch.flush());
    EXPECT_EQ(mem.write_calls(), calls_before + 3);
  }
  EXPECT_EQ(std::memcmp(a, three.data(), 64), 0);
  EXPECT_EQ(std::memcmp(b, two.data(), 64), 0);
  mem.release(a);
  mem.release(b);
}

// A write of the batch that fails is reported by flush (and stays
// reported); the writes themselves only gathered.
TEST(CodeMemory, ABatchReportsAFailedWrite) {
  CodeMemory mem;
  void* rx = mem.alloc(64);
  ASSERT_NE(rx, nullptr);
  const std::vector<char> bytes(64, 7);
  CodeMemory::WriteBatch batch(mem);
  mem.fail_writes_for_tests(true);
  EXPECT_TRUE(mem.write(rx, bytes.data(), 64));
  EXPECT_FALSE(batch.flush());
  mem.fail_writes_for_tests(false);
  EXPECT_TRUE(batch.failed());
  EXPECT_FALSE(batch.flush());
  mem.release(rx);
}

// Every arena lies in the one reserved range, however much address space
// other mappings take between them (as a wasm memory's 8 GB reservation
// does), so that code reaches code with a rel32; an arena's slot is
// reused once it goes.
TEST(CodeMemory, ArenasLieInOneRangeWhateverIsMappedBetweenThem) {
  CodeMemory mem(64 * 1024);
  std::vector<void*> blocks, others;
  for (int i = 0; i < 6; ++i) {
    void* other = mmap(nullptr, size_t(8) << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (other != MAP_FAILED) others.push_back(other);
    void* rx = mem.alloc(60 * 1024);  // (an arena each)
    ASSERT_NE(rx, nullptr);
    blocks.push_back(rx);
  }
  const auto* range = static_cast<const char*>(mem.range_for_tests());
  ASSERT_NE(range, nullptr);
  for (void* rx : blocks) {
    EXPECT_GE(static_cast<const char*>(rx), range);
    EXPECT_LT(static_cast<const char*>(rx), range + mem.range_bytes_for_tests());
  }
  EXPECT_EQ(mem.arena_count(), 6u);
  void* last = blocks.back();
  mem.release(last);  // (its arena goes: not the only one)
  EXPECT_EQ(mem.arena_count(), 5u);
  EXPECT_EQ(permissions_of(last), "---p");  // (reserved again, not unmapped)
  void* again = mem.alloc(60 * 1024);
  EXPECT_EQ(again, last);
  const unsigned char code[] = {0xc3};
  EXPECT_TRUE(mem.write(again, code, sizeof code));
  EXPECT_EQ(*static_cast<const unsigned char*>(again), 0xc3);
  blocks.back() = again;
  for (void* rx : blocks) mem.release(rx);
  for (void* other : others) munmap(other, size_t(8) << 30);
}

TEST(CodeMemory, AllocationsDoNotOverlapAndWritesStayInTheirOwn) {
  CodeMemory mem(64 * 1024);
  std::vector<std::pair<char*, size_t>> blocks;
  for (size_t i = 0; i < 200; ++i) {
    const size_t size = 1 + (i * 997) % 5000;
    auto* p = static_cast<char*>(mem.alloc(size));
    ASSERT_NE(p, nullptr);
    std::vector<char> fill(size, char(i));
    ASSERT_TRUE(mem.write(p, fill.data(), size));
    blocks.emplace_back(p, size);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    for (size_t j = i + 1; j < blocks.size(); ++j) {
      const bool apart = blocks[i].first + blocks[i].second <= blocks[j].first ||
                         blocks[j].first + blocks[j].second <= blocks[i].first;
      ASSERT_TRUE(apart) << i << " and " << j << " overlap";
    }
    for (size_t k = 0; k < blocks[i].second; ++k) ASSERT_EQ(blocks[i].first[k], char(i));
  }
  EXPECT_EQ(mem.live_count(), blocks.size());
  EXPECT_GT(mem.arena_count(), 1u);  // 64 KiB arenas: several
  for (auto& [p, size] : blocks) mem.release(p);
  EXPECT_EQ(mem.live_count(), 0u);
  EXPECT_EQ(mem.arena_count(), 1u);  // the emptied ones unmapped, one kept
}

TEST(CodeMemory, ReleasedSpaceIsReusedAndItsPagesGivenBack) {
  CodeMemory mem(1 << 20);
  void* a = mem.alloc(64 * 1024);
  void* b = mem.alloc(64);  // keeps the arena in use
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::vector<char> fill(64 * 1024, 'x');
  ASSERT_TRUE(mem.write(a, fill.data(), fill.size()));
  ASSERT_TRUE(mem.write(b, "y", 1));
  const size_t before = mem.resident_bytes();
  EXPECT_GE(before, fill.size());
  mem.release(a);
  // a's whole pages are no longer backed by memory.
  EXPECT_LE(mem.resident_bytes(), before - 60 * 1024);
  EXPECT_EQ(static_cast<const char*>(b)[0], 'y');
  // The space is handed out again.
  void* c = mem.alloc(32 * 1024);
  EXPECT_EQ(c, a);
  ASSERT_TRUE(mem.write(c, fill.data(), 32 * 1024));
  EXPECT_EQ(static_cast<const char*>(c)[32 * 1024 - 1], 'x');
  mem.release(c);
  mem.release(b);
}

TEST(CodeMemory, PiecesAreWrittenBackToBack) {
  // More pieces than one system call takes, some of them empty.
  CodeMemory mem;
  std::vector<std::vector<char>> data;
  std::vector<iovec> pieces;
  std::string expected;
  for (size_t i = 0; i < 3 * CodeMemory::kMaxPieces + 5; ++i) {
    data.emplace_back(i % 7 == 3 ? 0 : 1 + (i * 31) % 200, char('a' + i % 26));
    pieces.push_back({data.back().data(), data.back().size()});
    expected.append(data.back().begin(), data.back().end());
  }
  auto* rx = static_cast<char*>(mem.alloc(expected.size() + 1));
  ASSERT_NE(rx, nullptr);
  ASSERT_TRUE(mem.write(rx + expected.size(), "!", 1) && mem.write(rx, std::span<const iovec>(pieces)));
  EXPECT_EQ(std::string(rx, expected.size()), expected);
  EXPECT_EQ(rx[expected.size()], '!');  // (ends where the pieces end)
  // Past the arena: refused, as a single write is.
  const iovec too_far{data[0].data(), 8192};
  EXPECT_FALSE(mem.write(rx + CodeMemory::kDefaultArenaBytes - 4096, std::span<const iovec>(&too_far, 1)));
  mem.release(rx);
}

TEST(CodeMemory, APageFreedByTwoReleasesIsGivenBack) {
  // Each release punches only the pages it made whole: the page that `a`
  // and `b` share goes back with b, the second of them released.
  CodeMemory mem(1 << 20);
  void* keep = mem.alloc(4096);  // page 0, keeping the arena mapped
  constexpr size_t kSize = 6000;
  void* a = mem.alloc(kSize);  // pages 1 and 2
  void* b = mem.alloc(kSize);  // pages 2 and 3
  ASSERT_TRUE(a && b && keep);
  ASSERT_EQ(static_cast<char*>(a), static_cast<char*>(keep) + 4096);
  ASSERT_EQ(static_cast<char*>(b), static_cast<char*>(a) + 6016);
  std::vector<char> fill(kSize, 'x');
  ASSERT_TRUE(mem.write(keep, "k", 1) && mem.write(a, fill.data(), kSize) && mem.write(b, fill.data(), kSize));
  ASSERT_EQ(mem.resident_bytes(), 4 * 4096u);
  mem.release(a);
  EXPECT_EQ(mem.resident_bytes(), 3 * 4096u);  // page 1 given back
  mem.release(b);
  EXPECT_EQ(mem.resident_bytes(), 4096u);  // pages 2 and 3 too
  EXPECT_EQ(static_cast<const char*>(keep)[0], 'k');
  mem.release(keep);
}

TEST(CodeMemory, LargeAllocationGetsItsOwnArena) {
  CodeMemory mem(64 * 1024);
  void* big = mem.alloc(300 * 1024);
  ASSERT_NE(big, nullptr);
  std::vector<char> fill(300 * 1024, 'z');
  ASSERT_TRUE(mem.write(big, fill.data(), fill.size()));
  EXPECT_EQ(static_cast<const char*>(big)[300 * 1024 - 1], 'z');
  // A write past the arena's end is refused.
  EXPECT_FALSE(mem.write(static_cast<char*>(big) + 300 * 1024 - 1, fill.data(), 4096 * 2));
  mem.release(big);
}

TEST(CodeMemory, DescriptorClosedAndReusedBehindItsBackIsNeverWritten) {
  // As in the OCI container process, which closes every descriptor it does
  // not know: the memfd's number may then name another file, which must
  // never get code written into it or holes punched in it.
  CodeMemory mem;
  void* first = mem.alloc(64);
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(mem.write(first, "old", 3));
  const int fd = mem.fd_for_tests();
  ASSERT_GE(fd, 0);
  ASSERT_EQ(close(fd), 0);
  char path[] = "/tmp/mywasm-code-memory-XXXXXX";
  const int other = mkstemp(path);
  ASSERT_GE(other, 0);
  unlink(path);
  if (other != fd) {  // (take the number, as the next open would)
    ASSERT_EQ(dup2(other, fd), fd);
    close(other);
  }
  std::vector<char> data(8192, 'u');
  ASSERT_EQ(pwrite(fd, data.data(), data.size(), 0), ssize_t(data.size()));
  void* second = mem.alloc(64);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(mem.write(second, "new", 3));
  EXPECT_EQ(std::memcmp(second, "new", 3), 0);
  EXPECT_EQ(std::memcmp(first, "old", 3), 0);  // (still mapped)
  EXPECT_FALSE(mem.write(first, "xyz", 3));     // (retired: its file is gone from the table)
  mem.release(first);
  mem.release(second);
  // The other file is untouched: no code written, no hole punched.
  std::vector<char> back(data.size());
  ASSERT_EQ(pread(fd, back.data(), back.size(), 0), ssize_t(back.size()));
  EXPECT_EQ(back, data);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(size_t(st.st_size), data.size());
  close(fd);
}

TEST(CodeMemory, ACheckedScopeChecksTheDescriptorWhenItStarts) {
  // jit::compile_all's threads check once, at the start of their share:
  // a descriptor closed and reused before then is never written.
  CodeMemory mem;
  void* first = mem.alloc(64);
  ASSERT_NE(first, nullptr);
  const int fd = mem.fd_for_tests();
  ASSERT_EQ(close(fd), 0);
  char path[] = "/tmp/mywasm-code-memory-XXXXXX";
  const int other = mkstemp(path);
  ASSERT_GE(other, 0);
  unlink(path);
  if (other != fd) {
    ASSERT_EQ(dup2(other, fd), fd);
    close(other);
  }
  {
    const CodeMemory::CheckedScope checked(mem);
    void* second = mem.alloc(64);
    ASSERT_NE(second, nullptr);
    EXPECT_TRUE(mem.write(second, "new", 3));
    EXPECT_EQ(std::memcmp(second, "new", 3), 0);
    EXPECT_FALSE(mem.write(first, "xyz", 3));  // (retired)
    mem.release(second);
  }
  mem.release(first);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 0);  // no code written, no size set
  close(fd);
}

TEST(CodeMemory, AForkedChildNeitherOverwritesNorPunchesItsParentsCode) {
  CodeMemory mem(64 * 1024);
  auto* parent_code = static_cast<char*>(mem.alloc(16 * 1024));
  ASSERT_NE(parent_code, nullptr);
  std::vector<char> fill(16 * 1024, 'p');
  ASSERT_TRUE(mem.write(parent_code, fill.data(), fill.size()));
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child: its copy of the parent's code released (which must not
    // punch the shared file), new code written (not into the shared file).
    mem.release(parent_code);
    bool ok = true;
    for (int i = 0; i < 8 && ok; ++i) {
      auto* p = static_cast<char*>(mem.alloc(16 * 1024));
      std::vector<char> child(16 * 1024, 'c');
      ok = p && mem.write(p, child.data(), child.size()) && p[100] == 'c';
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  for (size_t k = 0; k < fill.size(); k += 512) ASSERT_EQ(parent_code[k], 'p') << k;
  mem.release(parent_code);
}

}  // namespace
}  // namespace mywasm::jit
