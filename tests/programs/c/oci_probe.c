// What a container's guest sees: prints its args and environment (sorted),
// and carries out the file commands among its args, in order:
//   write:PATH:TEXT   creates PATH holding TEXT
//   read:PATH         prints PATH's content
// Exits with $PROBE_EXIT (default 0).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void write_file(const char* spec) {
  char path[256];
  const char* colon = strchr(spec, ':');
  if (!colon || (size_t)(colon - spec) >= sizeof path) return;
  memcpy(path, spec, (size_t)(colon - spec));
  path[colon - spec] = 0;
  FILE* f = fopen(path, "w");
  if (!f || fputs(colon + 1, f) < 0 || fclose(f) != 0) {
    printf("cannot write %s: %s\n", path, strerror(errno));
    return;
  }
  printf("wrote %s\n", path);
}

static void read_file(const char* path) {
  char buf[256] = {0};
  FILE* f = fopen(path, "r");
  if (!f) {
    printf("cannot read %s: %s\n", path, strerror(errno));
    return;
  }
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  printf("%s: %s\n", path, buf);
}

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) printf("arg %d: %s\n", i, argv[i]);
  int n = 0;
  while (environ[n]) ++n;
  qsort(environ, (size_t)n, sizeof *environ, cmp);
  for (int i = 0; i < n; ++i) printf("env %s\n", environ[i]);
  for (int i = 1; i < argc; ++i) {
    if (strncmp(argv[i], "write:", 6) == 0) write_file(argv[i] + 6);
    if (strncmp(argv[i], "read:", 5) == 0) read_file(argv[i] + 5);
  }
  const char* code = getenv("PROBE_EXIT");
  return code ? atoi(code) : 0;
}
