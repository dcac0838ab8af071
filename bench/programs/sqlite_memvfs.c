/* The operating-system layer SQLite needs on wasm32-wasi, where its unix
 * layer does not build (no fcntl locks, fchmod, ...): the benchmark only
 * uses in-memory databases (speedtest1 --memdb, SQLITE_TEMP_STORE=3), so
 * this VFS opens no files. Built with -DSQLITE_OS_OTHER=1; SQLite calls
 * sqlite3_os_init() to register it. Randomness and time are fixed, so every
 * run does the same work. */
#include <string.h>

#include "sqlite3.h"

static int mem_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  (void)vfs; (void)name; (void)flags; (void)out_flags;
  file->pMethods = 0;
  return SQLITE_CANTOPEN;
}
static int mem_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  (void)vfs; (void)name; (void)sync_dir;
  return SQLITE_IOERR_DELETE;
}
static int mem_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  (void)vfs; (void)name; (void)flags;
  *result = 0;
  return SQLITE_OK;
}
static int mem_full_pathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  (void)vfs;
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}
static int mem_randomness(sqlite3_vfs* vfs, int n, char* out) {
  (void)vfs;
  for (int i = 0; i < n; ++i) out[i] = (char)(i * 131 + 7);
  return n;
}
static int mem_sleep(sqlite3_vfs* vfs, int us) {
  (void)vfs;
  return us;
}
static int mem_current_time(sqlite3_vfs* vfs, double* now) {
  (void)vfs;
  *now = 2460000.5;
  return SQLITE_OK;
}
static int mem_current_time64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  (void)vfs;
  *now = (sqlite3_int64)2460000 * 86400000 + 43200000;
  return SQLITE_OK;
}
static int mem_last_error(sqlite3_vfs* vfs, int n, char* out) {
  (void)vfs; (void)n; (void)out;
  return 0;
}

static sqlite3_vfs mem_vfs = {
    2, (int)sizeof(sqlite3_file), 512, 0, "mem", 0, mem_open, mem_delete, mem_access, mem_full_pathname, 0, 0, 0, 0,
    mem_randomness, mem_sleep, mem_current_time, mem_last_error, mem_current_time64, 0, 0, 0};

int sqlite3_os_init(void) { return sqlite3_vfs_register(&mem_vfs, 1); }
int sqlite3_os_end(void) { return SQLITE_OK; }
