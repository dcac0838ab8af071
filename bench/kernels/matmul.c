// Dense double matrix multiply (i-k-j order): loads, stores, multiply-add.
#include "kernel.h"

#define N 256
static double a[N][N], b[N][N], c[N][N];

KERNEL_EXPORT long long run(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) a[i][j] = (i * 7 + j * 3) % 17 * 0.25, b[i][j] = (i * 5 + j * 11) % 13 * 0.5, c[i][j] = 0;
  for (int rep = 0; rep < 16; rep++)
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        double aik = a[i][k];
        for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
      }
  double sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) sum += c[i][j] * ((i ^ j) & 3);
  return (long long)sum;
}
