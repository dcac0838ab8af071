// Clocks, sleeping and stdin through wasi-libc.
#include <stdio.h>
#include <string.h>
#include <time.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec real, mono1, mono2, res;
  clock_gettime(CLOCK_REALTIME, &real);
  printf("realtime after 2020: %d\n", real.tv_sec > 1577836800);
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("monotonic resolution positive: %d\n", ns(res) > 0);
  clock_gettime(CLOCK_MONOTONIC, &mono1);
  struct timespec nap = {0, 20 * 1000 * 1000};
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &mono2);
  printf("slept at least 20ms: %d\n", ns(mono2) - ns(mono1) >= 20 * 1000 * 1000);

  char line[256];
  int lines = 0;
  size_t bytes = 0;
  while (fgets(line, sizeof line, stdin)) {
    lines++;
    bytes += strlen(line);
  }
  printf("stdin: %d lines, %zu bytes\n", lines, bytes);
  return 3;  // exit code passes through
}
