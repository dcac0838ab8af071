/* zlib (Debian's source package) compressing and decompressing a generated
 * 16 MiB buffer of word-like text at level 6; prints the sizes
 * and checksums, the same for every build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zlib.h"

static void fill(unsigned char* p, size_t n) {
  static const char* const words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
                                      "wasm ", "runtime ", "compiles ", "code ", "\n", "1234 ", "zlib ", "data "};
  unsigned x = 12345;
  size_t i = 0;
  while (i < n) {
    x = x * 1103515245u + 12345u;
    const char* w = words[(x >> 16) & 15];
    for (size_t k = 0; w[k] && i < n; ++k) p[i++] = (unsigned char)w[k];
  }
}

int main(void) {
  const size_t n = 16u << 20;
  unsigned char* in = malloc(n);
  uLongf cap = compressBound(n);
  unsigned char* z = malloc(cap);
  unsigned char* out = malloc(n);
  fill(in, n);
  for (int round = 0; round < 1; ++round) {
    uLongf zn = cap, on = n;
    if (compress2(z, &zn, in, n, 6) != Z_OK) return 1;
    if (uncompress(out, &on, z, zn) != Z_OK || on != n || memcmp(in, out, n) != 0) return 2;
    printf("round %d: %lu -> %lu bytes, adler32 %08lx, crc32 %08lx\n", round, (unsigned long)n, (unsigned long)zn,
           adler32(1, z, zn), crc32(0, out, on));
  }
  return 0;
}
