// Pointer chasing through a linked list laid out in shuffled order:
// dependent loads, cache misses.
#include <stdint.h>

#include "kernel.h"

#define N (1 << 20)
static uint32_t next_index[N];
static uint32_t order[N];

KERNEL_EXPORT long long run(void) {
  uint32_t s = 42;
  for (uint32_t i = 0; i < N; i++) order[i] = i;
  for (uint32_t i = N - 1; i > 0; i--) {  // Fisher-Yates
    s = s * 1664525u + 1013904223u;
    uint32_t j = s % (i + 1), t = order[i];
    order[i] = order[j], order[j] = t;
  }
  for (uint32_t i = 0; i < N; i++) next_index[order[i]] = order[(i + 1) % N];
  uint32_t p = order[0];
  long long sum = 0;
  for (int step = 0; step < 20 * N; step++) {
    p = next_index[p];
    sum += p & 0xff;
  }
  return sum;
}
