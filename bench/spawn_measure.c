// Runs a command N times and prints its best wall time and best peak RSS:
//   spawn_measure N cmd [args...]   ->   "<best wall us> <best maxrss KiB> <exit status>"
// The child's stdout goes to /dev/null. Used by startup.py instead of
// forking from Python: a forked child's ru_maxrss includes the pages of the
// process it was forked from (the kernel carries the old address space's
// high-water mark across exec), which for a Python parent adds ~10 MB to
// every figure. Forked from this small static program, the floor is tiny.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spawn_measure N cmd [args...]\n");
    return 2;
  }
  int runs = atoi(argv[1]);
  double best_wall = 1e30;
  long best_rss = -1;
  int status_out = 0;
  for (int i = 0; i < runs; ++i) {
    double start = now_us();
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0), dup2(null, 1), dup2(null, 2);
      execv(argv[2], argv + 2);
      _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return 1;
    double wall = now_us() - start;
    status_out = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (wall < best_wall) best_wall = wall;
    if (best_rss < 0 || ru.ru_maxrss < best_rss) best_rss = ru.ru_maxrss;
  }
  printf("%.0f %ld %d\n", best_wall, best_rss, status_out);
  return 0;
}
