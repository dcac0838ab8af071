// A 4-lane multiplicative hash over a 64 KiB buffer, plus a byte-wise
// running maximum, written with clang vector extensions: with -msimd128
// the loop is v128.load, v128.xor, i32x4.mul, i32x4.shr_u/shl, i32x4.add,
// i8x16.shuffle (lane rotation) and i8x16.max_u; without it clang lowers
// the same source to scalar i32 code, and natively to SSE. Integer-only,
// so all builds print the same checksum.
#include "../kernels/kernel.h"

typedef unsigned u32x4 __attribute__((vector_size(16)));
typedef unsigned char u8x16 __attribute__((vector_size(16)));

#define SIZE (1 << 16)
static unsigned char buf[SIZE] __attribute__((aligned(16)));

KERNEL_EXPORT long long run(void) {
  unsigned seed = 12345;
  for (int i = 0; i < SIZE; i++) {
    seed = seed * 1103515245u + 12345u;
    buf[i] = (unsigned char)(seed >> 16);
  }
  unsigned long long total = 0;
  for (int rep = 0; rep < 1280; rep++) {
    u32x4 h = {0x243F6A88u ^ rep, 0x85A308D3u, 0x13198A2Eu, 0x03707344u};
    u8x16 m = {0};
    for (int i = 0; i < SIZE; i += 16) {
      u32x4 x = *(const u32x4*)(buf + i);
      h ^= x;
      h *= 0x9E3779B1u;
      h ^= h >> 15;
      h += h << 7;
      h = __builtin_shufflevector(h, h, 1, 2, 3, 0);
      m = __builtin_elementwise_max(m, *(const u8x16*)(buf + i));
    }
    unsigned mx = 0;
    for (int k = 0; k < 16; k++) mx += m[k];
    total = total * 31 + (h[0] ^ h[1] ^ h[2] ^ h[3]) + mx;
  }
  return (long long)(total & 0x7fffffffffffffffull);
}
