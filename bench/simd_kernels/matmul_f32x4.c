// Dense float matrix multiply (i-k-j order) written with 4-lane vectors
// (clang vector extensions): with -msimd128 every step is one v128
// instruction (f32x4.splat, v128.load, f32x4.mul, f32x4.add, v128.store);
// without it clang lowers the same source to scalar f32 code, and natively
// to SSE. The lane order of every addition is the same in all three
// builds (and -ffp-contract=off forbids fused multiply-adds), so they
// print the same checksum.
#include "../kernels/kernel.h"

typedef float f32x4 __attribute__((vector_size(16)));

#define N 256
static float a[N][N] __attribute__((aligned(16)));
static float b[N][N] __attribute__((aligned(16)));
static float c[N][N] __attribute__((aligned(16)));

KERNEL_EXPORT long long run(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (float)((i * 7 + j * 3) % 17) * 0.25f;
      b[i][j] = (float)((i * 5 + j * 11) % 13) * 0.5f;
      c[i][j] = 0;
    }
  for (int rep = 0; rep < 16; rep++)
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        float x = a[i][k];
        f32x4 aik = {x, x, x, x};
        for (int j = 0; j < N; j += 4) {
          f32x4* cp = (f32x4*)&c[i][j];
          *cp += aik * *(const f32x4*)&b[k][j];
        }
      }
  double sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) sum += (double)c[i][j] * ((i ^ j) & 3);
  return (long long)sum;
}
