// Quicksort of pseudo-random integers: compares, swaps, recursion.
#include <stdint.h>

#include "kernel.h"

#define N (1 << 20)
static int32_t data[N];

static void sort(int32_t* v, int lo, int hi) {
  while (lo < hi) {
    int32_t pivot = v[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        int32_t t = v[i];
        v[i++] = v[j], v[j--] = t;
      }
    }
    if (j - lo < hi - i) sort(v, lo, j), lo = i;
    else sort(v, i, hi), hi = j;
  }
}

KERNEL_EXPORT long long run(void) {
  uint32_t s = 12345;
  long long check = 0;
  for (int rep = 0; rep < 3; rep++) {
    for (int i = 0; i < N; i++) s = s * 1103515245u + 12345u, data[i] = (int32_t)(s >> 1);
    sort(data, 0, N - 1);
    for (int i = 0; i < N; i += 4096) check += data[i] >> 8;
  }
  return check;
}
