// call_loop.wat's "chain" in C, for its native time: N calls of a function
// that loads through its argument, each argument the last call's result.
//   clang-19 -O2 bench/call_loop_native.c -o call_loop_native && ./call_loop_native 200000000
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char memory[65536];

__attribute__((noinline)) static unsigned next(unsigned p, unsigned k) {
  unsigned v;
  memcpy(&v, memory + p + (k & 4), sizeof v);
  return v;
}

int main(int argc, char** argv) {
  unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000000u, p = 64;
  const unsigned links[4] = {128, 128, 64, 64};
  memcpy(memory + 64, links, 8);
  memcpy(memory + 128, links + 2, 8);
  do p = next(p, n); while (--n);
  printf("%u\n", p);
  return 0;
}
