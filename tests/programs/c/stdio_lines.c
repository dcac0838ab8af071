/* Writes to stdio and to files, for the stdio robustness tests:
     stdio_lines lines N      prints N numbered lines; when a write fails,
                              says why on stderr and exits 3
     stdio_lines files DIR    opens DIR/a.txt and DIR/b.txt, prints a line
                              to stdout and stderr, writes "file" to both
                              files: with stdio closed, nothing meant for
                              stdio may land in a file */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  if (strcmp(argv[1], "lines") == 0) {
    int n = atoi(argv[2]);
    for (int i = 0; i < n; ++i) {
      if (printf("line %d\n", i) < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "write failed at line %d: %s\n", i, strerror(errno));
        return 3;
      }
    }
    return 0;
  }
  char a[256], b[256];
  snprintf(a, sizeof a, "%s/a.txt", argv[2]);
  snprintf(b, sizeof b, "%s/b.txt", argv[2]);
  FILE* fa = fopen(a, "w");
  FILE* fb = fopen(b, "w");
  if (!fa || !fb) return 4;
  printf("meant for stdout\n");
  fflush(stdout);
  fprintf(stderr, "meant for stderr\n");
  fputs("file", fa);
  fputs("file", fb);
  fclose(fa);
  fclose(fb);
  return 0;
}
