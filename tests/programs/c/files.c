// Files and directories through wasi-libc: create, write, read back, list,
// rename, stat, remove. Prints a transcript the test compares exactly.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check(int ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s (errno %d: %s)\n", what, errno, strerror(errno));
    exit(1);
  }
  return ok;
}

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(void) {
  check(mkdir("work", 0755) == 0, "mkdir work");
  FILE* f = fopen("work/a.txt", "w");
  check(f != NULL, "fopen a.txt");
  fprintf(f, "line one\nline two\n");
  fclose(f);

  char buf[64] = {0};
  int fd = open("work/a.txt", O_RDONLY);
  check(fd >= 0, "open a.txt");
  ssize_t n = read(fd, buf, sizeof buf - 1);
  check(n == 18, "read 18 bytes");
  check(lseek(fd, 5, SEEK_SET) == 5, "lseek");
  char word[4] = {0};
  check(read(fd, word, 3) == 3, "read after seek");
  close(fd);
  printf("read: %s", buf);
  printf("after seek: %s\n", word);

  struct stat st;
  check(stat("work/a.txt", &st) == 0, "stat");
  printf("size: %lld, regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));

  check(rename("work/a.txt", "work/b.txt") == 0, "rename");
  f = fopen("work/c.txt", "w");
  check(f != NULL, "fopen c.txt");
  fclose(f);

  DIR* d = opendir("work");
  check(d != NULL, "opendir");
  char* names[8];
  int count = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && count < 8)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[count++] = strdup(e->d_name);
  closedir(d);
  qsort(names, count, sizeof names[0], cmp);
  for (int i = 0; i < count; i++) printf("entry: %s\n", names[i]);

  check(open("work/missing.txt", O_RDONLY) < 0 && errno == ENOENT, "missing file is ENOENT");
  printf("missing: ENOENT\n");
  check(rmdir("work") != 0 && errno == ENOTEMPTY, "rmdir non-empty is ENOTEMPTY");
  check(unlink("work/b.txt") == 0 && unlink("work/c.txt") == 0, "unlink");
  check(rmdir("work") == 0, "rmdir");
  printf("cleaned up: %d\n", access("work", F_OK) != 0);
  return 0;
}
