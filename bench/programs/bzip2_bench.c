/* bzip2 (Debian's source package) compressing and decompressing a generated
 * 4 MiB buffer with 900k blocks; prints sizes and a checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzlib.h"

static void fill(char* p, unsigned n) {
  unsigned x = 777;
  for (unsigned i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    /* skewed symbols with runs, so the sort and the Huffman coder both work */
    p[i] = (char)("aaaabbbccdefghij  \nwasm"[(x >> 24) % 23]);
  }
}

int main(void) {
  const unsigned n = 4u << 20;
  char* in = malloc(n);
  unsigned cap = n + n / 100 + 600;
  char* z = malloc(cap);
  char* out = malloc(n);
  fill(in, n);
  for (int round = 0; round < 1; ++round) {
    unsigned zn = cap, on = n;
    if (BZ2_bzBuffToBuffCompress(z, &zn, in, n, 9, 0, 0) != BZ_OK) return 1;
    if (BZ2_bzBuffToBuffDecompress(out, &on, z, zn, 0, 0) != BZ_OK || on != n || memcmp(in, out, n) != 0) return 2;
    unsigned sum = 0;
    for (unsigned i = 0; i < zn; ++i) sum = sum * 31u + (unsigned char)z[i];
    printf("round %d: %u -> %u bytes, checksum %08x\n", round, n, zn, sum);
  }
  return 0;
}
