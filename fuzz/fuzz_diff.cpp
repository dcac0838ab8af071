// libFuzzer target: executes generated (or, for inputs starting with
// "\0asm", mutated) modules on the plain interpreter translation
// (Config::interp_fusions off) and on each candidate (the fused
// translation, compiled code), with a step limit so every call ends, and
// aborts on the first difference in results, traps, memory or globals
// (fuzz/differential.hpp).
#include <cstdio>
#include <cstdlib>

#include "differential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mywasm::fuzz;
  for (const Pairing& p : pairings()) {
    DiffOutcome r = run_differential(data, size, p.reference, p.candidate);
    if (r.mismatch) {
      std::fprintf(stderr, "the plain interpreter and the %s differ\n%s", p.name.c_str(), r.mismatch->c_str());
      std::abort();
    }
  }
  return 0;
}
