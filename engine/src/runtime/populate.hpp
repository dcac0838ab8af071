// Mapping in fresh pages before writing them: one system call instead of a
// page fault per page. A fault costs tens of microseconds on virtual
// machines (on the build VM a quarter of the time of compiling big
// functions, and most of reading a big module file into fresh memory).
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace mywasm {

// Maps in the pages of [p, p + size) for writing. Only for ranges of several
// pages: the call costs about what a fault does, and a small range mostly
// lands on a page already there. Pages already there are left as they are;
// kernels before 5.14 refuse, and then the writes fault them in as before.
inline void populate_for_write(void* p, size_t size) {
#if defined(MADV_POPULATE_WRITE)
  static const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
  if (size < 4 * page) return;
  const uintptr_t begin = uintptr_t(p) & ~(page - 1);
  const uintptr_t end = (uintptr_t(p) + size + page - 1) & ~(page - 1);
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)size;
#endif
}

}  // namespace mywasm
