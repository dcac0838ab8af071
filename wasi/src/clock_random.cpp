// clock_res_get, clock_time_get, random_get.
#include <sys/random.h>
#include <time.h>

#include <cerrno>

#include "host_call.hpp"

namespace mywasm::wasi {
namespace {

clockid_t host_clock(uint32_t id) {
  switch (id) {
    case abi::kClockRealtime: return CLOCK_REALTIME;
    case abi::kClockMonotonic: return CLOCK_MONOTONIC;
    case abi::kClockProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case abi::kClockThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
    default: fail(Errno::Inval);
  }
}

uint64_t to_ns(const timespec& ts) { return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec); }

void clock_res_get(HostCall& c) {
  timespec ts{};
  if (::clock_getres(host_clock(c.u32(0)), &ts) != 0) fail_host_errno();
  c.mem.store<uint64_t>(c.u32(1), to_ns(ts));
}

void clock_time_get(HostCall& c) {
  timespec ts{};
  if (::clock_gettime(host_clock(c.u32(0)), &ts) != 0) fail_host_errno();
  c.mem.store<uint64_t>(c.u32(2), to_ns(ts));  // arg 1 (precision) is a hint
}

void random_get(HostCall& c) {
  auto buf = c.mem.bytes(c.u32(0), c.u32(1));
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::getrandom(buf.data() + done, buf.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_host_errno();
    }
    done += size_t(n);
  }
}

constexpr FunctionSpec kFunctions[] = {
    {"clock_res_get", "ii", clock_res_get},
    {"clock_time_get", "iIi", clock_time_get},
    {"random_get", "ii", random_get},
};

}  // namespace

std::span<const FunctionSpec> clock_random_functions() { return kFunctions; }

}  // namespace mywasm::wasi
