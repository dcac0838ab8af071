// Tables: growable vectors of references.
#include <new>

#include "runtime/store.hpp"

namespace mywasm {

int64_t TableInstance::grow(uint64_t delta, RefBits init) {
  uint64_t old_size = elems.size();
  uint64_t max = type.limits.max ? *type.limits.max : 0xFFFFFFFFull;
  if (delta > max - std::min(max, old_size) || old_size + delta > max) return -1;
  // The spec allows 2^32-1 elements, but refusing a huge allocation is a
  // legal outcome of table.grow and beats exhausting host memory.
  if (budget && !budget->take(old_size, delta)) return -1;
  try {
    elems.resize(old_size + delta, init);
  } catch (const std::bad_alloc&) {  // host memory short: growing fails, as it may
    if (budget) budget->used -= delta;
    return -1;
  }
  return static_cast<int64_t>(old_size);
}

}  // namespace mywasm
