// Linear memory: address space reserved once, pages made accessible as the
// memory grows, so the base pointer never moves (compiled code and the
// interpreter keep it in a register across calls).
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "runtime/store.hpp"

namespace mywasm {

namespace {
constexpr uint64_t kGuarded = MemoryInstance::kGuardedReservation;

uint64_t max_pages_of(const MemoryType& t) {
  return t.limits.max ? std::min<uint64_t>(*t.limits.max, kMaxPages32) : kMaxPages32;
}

void* reserve(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

// Address space this process may still map under RLIMIT_AS (ulimit -v),
// or UINT64_MAX without such a limit.
uint64_t address_space_left() {
  rlimit lim{};
  if (getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  uint64_t vm_pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu", &vm_pages) != 1) vm_pages = 0;
    std::fclose(f);
  }
  const uint64_t used = vm_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return lim.rlim_cur > used ? lim.rlim_cur - used : 0;
}
}  // namespace

// Bounded reservation: what the memory may ever grow to (its maximum, the
// host's page limit) — but under a ulimit -v at most half of what is left
// (the host needs the rest), and when other memories crowd the address
// space twice its initial size or kCrowdedReservation; then any halving
// that still holds the initial pages. memory.grow beyond the reservation returns -1.
bool MemoryInstance::reserve_bounded(uint64_t min_bytes, bool crowded) {
  const uint64_t floor = std::max<uint64_t>(min_bytes, kPageSize);
  uint64_t want = std::max(std::min(max_pages_of(type), page_limit) * kPageSize, floor);
  const uint64_t left = address_space_left();
  if (left != UINT64_MAX) want = std::min(want, left / 2 / kPageSize * kPageSize);
  else if (crowded) want = std::min(want, std::max(2 * min_bytes, kCrowdedReservation));
  for (uint64_t bytes = std::max(want, floor);; bytes = std::max(bytes / 2 / kPageSize * kPageSize, floor)) {
    if (void* p = reserve(bytes)) {
      data = static_cast<uint8_t*>(p);
      reserved = bytes;
      return true;
    }
    if (bytes == floor) return false;
  }
}

bool MemoryInstance::init(MemoryType t, BoundsChecks checks) {
  type = t;
  size = 0;
  const uint64_t min_bytes = uint64_t(t.limits.min) * kPageSize;
  bool crowded = false;
  if (checks != BoundsChecks::Explicit) {
    if (void* p = reserve(kGuarded)) {
      data = static_cast<uint8_t*>(p);
      reserved = kGuarded;
    } else if (checks == BoundsChecks::GuardPages) {
      return false;
    } else {
      crowded = true;
    }
  }
  if (!data && !reserve_bounded(min_bytes, crowded)) return false;
  return grow(t.limits.min) == 0;
}

MemoryInstance::~MemoryInstance() {
  if (data) munmap(data, reserved);
}

int64_t MemoryInstance::grow(uint64_t delta_pages) {
  uint64_t old_pages = size / kPageSize;
  if (delta_pages > max_pages_of(type) - old_pages) return -1;
  if (delta_pages > page_limit - std::min(page_limit, old_pages)) return -1;
  uint64_t new_size = (old_pages + delta_pages) * kPageSize;
  if (new_size > reserved) return -1;
  if (new_size > size && mprotect(data + size, new_size - size, PROT_READ | PROT_WRITE) != 0) return -1;
  size = new_size;
  return static_cast<int64_t>(old_pages);
}

}  // namespace mywasm
