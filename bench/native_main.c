// Native driver for a kernel: runs it once and prints its checksum, as
// `mywasm run --invoke run kernel.wasm` and node_runner.mjs do.
#include <stdio.h>

long long run(void);

int main(void) {
  printf("%lld\n", run());
  return 0;
}
