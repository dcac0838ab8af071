// Linear memory: address space reserved once, pages made accessible as the
// memory grows, so the base pointer never moves.
#include <algorithm>
#include <sys/mman.h>

#include "runtime/store.hpp"

namespace mywasm {

namespace {
constexpr uint64_t kReservation = MemoryInstance::kGuardedReservation;

uint64_t max_pages_of(const MemoryType& t) {
  return t.limits.max ? std::min<uint64_t>(*t.limits.max, kMaxPages32) : kMaxPages32;
}
}  // namespace

bool MemoryInstance::init(MemoryType t) {
  type = t;
  void* p = mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    // Address space exhausted (many memories, or a ulimit): fall back to
    // reserving just what this memory can ever use.
    uint64_t need = max_pages_of(t) * kPageSize;
    if (need == 0) need = kPageSize;
    p = mmap(nullptr, need, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return false;
    reserved = need;
  } else {
    reserved = kReservation;
  }
  data = static_cast<uint8_t*>(p);
  size = 0;
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
