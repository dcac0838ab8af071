// libFuzzer target: executes generated (or, for inputs starting with
// "\0asm", mutated) modules on the fused interpreter translation and on the
// plain one (Config::interp_fusions off), with a step limit so every call
// ends, and aborts on the first difference in results, traps, memory or
// globals (fuzz/differential.hpp).
#include <cstdio>
#include <cstdlib>

#include "differential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mywasm::fuzz;
  static const mywasm::Config fused = fused_config(), plain = plain_config();
  DiffOutcome r = run_differential(data, size, plain, fused);
  if (r.mismatch) {
    std::fprintf(stderr, "fused and plain translations differ\n%s", r.mismatch->c_str());
    std::abort();
  }
  return 0;
}
