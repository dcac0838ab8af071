// Tries to get out of the WASI sandbox every way we know of and prints one
// line per attempt: "<case>: <WASI errno name>". Run by tests/cli with a
// fixture laid out as
//   <tmp>/outside.txt, <tmp>/outdir/           (outside the preopen)
//   <tmp>/box/ = preopen "." (fd 3) holding inside.txt, sub/ and symlinks:
//     abs_link -> <tmp>/outside.txt   up_link -> ../outside.txt
//     sub/chain1 -> ../chain2 -> sub/chain3 -> ../../outside.txt
//     dangling -> ../missing.txt      dangling_in -> missing.txt
//     loop_a -> loop_b -> loop_a      ok_link -> sub/../inside.txt
//     dir_up -> ..                    sub/back_in -> ../inside.txt
// argv[1] is the absolute host path of outside.txt.
//
// Calls go straight to the wasi_snapshot_preview1 imports (not through
// wasi-libc, which would refuse some of them itself), so that every errno
// printed is the runtime's answer, and so that raw bad pointers can be passed.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

IMPORT(path_open) int32_t w_path_open(int32_t fd, int32_t lookup, int32_t path, int32_t len, int32_t oflags,
                                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t fd_out);
IMPORT(path_link) int32_t w_path_link(int32_t old_fd, int32_t lookup, int32_t old_path, int32_t old_len,
                                      int32_t new_fd, int32_t new_path, int32_t new_len);
IMPORT(path_rename) int32_t w_path_rename(int32_t fd, int32_t old_path, int32_t old_len, int32_t new_fd,
                                          int32_t new_path, int32_t new_len);
IMPORT(path_symlink) int32_t w_path_symlink(int32_t old_path, int32_t old_len, int32_t fd, int32_t new_path,
                                            int32_t new_len);
IMPORT(path_unlink_file) int32_t w_path_unlink_file(int32_t fd, int32_t path, int32_t len);
IMPORT(path_remove_directory) int32_t w_path_remove_directory(int32_t fd, int32_t path, int32_t len);
IMPORT(path_create_directory) int32_t w_path_create_directory(int32_t fd, int32_t path, int32_t len);
IMPORT(path_filestat_get) int32_t w_path_filestat_get(int32_t fd, int32_t lookup, int32_t path, int32_t len,
                                                      int32_t out);
IMPORT(path_filestat_set_times) int32_t w_path_filestat_set_times(int32_t fd, int32_t lookup, int32_t path,
                                                                  int32_t len, int64_t atim, int64_t mtim,
                                                                  int32_t flags);
IMPORT(path_readlink) int32_t w_path_readlink(int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t buf_len,
                                              int32_t out);
IMPORT(fd_renumber) int32_t w_fd_renumber(int32_t from, int32_t to);
IMPORT(fd_close) int32_t w_fd_close(int32_t fd);
IMPORT(fd_read) int32_t w_fd_read(int32_t fd, int32_t iovs, int32_t count, int32_t nread);
IMPORT(fd_write) int32_t w_fd_write(int32_t fd, int32_t iovs, int32_t count, int32_t nwritten);
IMPORT(fd_prestat_get) int32_t w_fd_prestat_get(int32_t fd, int32_t out);
IMPORT(fd_prestat_dir_name) int32_t w_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
IMPORT(args_sizes_get) int32_t w_args_sizes_get(int32_t argc, int32_t size);
IMPORT(random_get) int32_t w_random_get(int32_t buf, int32_t len);
IMPORT(clock_time_get) int32_t w_clock_time_get(int32_t id, int64_t precision, int32_t out);

enum { kRead = 1 << 1, kWrite = 1 << 6, kFollow = 1, kCreat = 1, kDirectory = 2 };
enum { kPreopen = 3 };
// Everything but the rights that would open a directory for writing.
static const int64_t kAllRights = 0x1FFFFFFF & ~((1 << 6) | (1 << 8) | (1 << 22));

static const char* errno_name(int32_t e) {
  switch (e) {
    case 0: return "SUCCESS";
    case 2: return "ACCES";
    case 8: return "BADF";
    case 20: return "EXIST";
    case 21: return "FAULT";
    case 28: return "INVAL";
    case 31: return "ISDIR";
    case 32: return "LOOP";
    case 44: return "NOENT";
    case 54: return "NOTDIR";
    case 55: return "NOTEMPTY";
    case 58: return "NOTSUP";
    case 63: return "PERM";
    case 76: return "NOTCAPABLE";
    default: {
      static char buf[16];
      snprintf(buf, sizeof buf, "errno %d", (int)e);
      return buf;
    }
  }
}

static int cases = 0;
static void report(const char* name, int32_t e) {
  printf("%s: %s\n", name, errno_name(e));
  ++cases;
}

static int32_t P(const char* s) { return (int32_t)(uintptr_t)s; }
static int32_t L(const char* s) { return (int32_t)strlen(s); }

static int32_t open_at(int32_t dir, const char* path, int32_t lookup, int32_t oflags, int64_t rights, int32_t* fd) {
  return w_path_open(dir, lookup, P(path), L(path), oflags, rights, rights, 0, (int32_t)(uintptr_t)fd);
}
static void try_open(const char* name, int32_t dir, const char* path, int32_t lookup, int32_t oflags) {
  int32_t fd = -1;
  int32_t e = open_at(dir, path, lookup, oflags, kRead, &fd);
  report(name, e);
  if (e == 0) w_fd_close(fd);
}
// Opens, reads and prints what it read (for the cases that must succeed).
static void try_read(const char* name, int32_t dir, const char* path, int32_t lookup) {
  int32_t fd = -1;
  int32_t e = open_at(dir, path, lookup, 0, kRead, &fd);
  char buf[64] = {0};
  uint32_t iov[2] = {(uint32_t)(uintptr_t)buf, sizeof buf - 1}, n = 0;
  if (e == 0) e = w_fd_read(fd, P((const char*)iov), 1, P((const char*)&n));
  printf("%s: %s%s%.*s\n", name, errno_name(e), e == 0 ? " " : "", e == 0 ? (int)n : 0, buf);
  ++cases;
  if (fd >= 0) w_fd_close(fd);
}

static void opening(const char* outside_abs) {
  try_open("open_dotdot", kPreopen, "../outside.txt", 0, 0);
  try_open("open_sub_dotdot", kPreopen, "sub/../../outside.txt", 0, 0);
  try_open("open_out_and_back_in", kPreopen, "../box/inside.txt", 0, 0);
  try_open("open_dotdot_dir", kPreopen, "..", 0, kDirectory);
  try_open("open_absolute_root", kPreopen, "/etc/passwd", 0, 0);
  try_open("open_absolute_outside", kPreopen, outside_abs, kFollow, 0);
  try_open("open_symlink_absolute", kPreopen, "abs_link", kFollow, 0);
  try_open("open_symlink_up", kPreopen, "up_link", kFollow, 0);
  try_open("open_symlink_chain", kPreopen, "sub/chain1", kFollow, 0);
  try_open("open_symlink_dangling_out", kPreopen, "dangling", kFollow, 0);
  try_open("open_symlink_dangling_in", kPreopen, "dangling_in", kFollow, 0);
  try_open("open_symlink_loop", kPreopen, "loop_a", kFollow, 0);
  try_open("open_symlink_dir_up", kPreopen, "dir_up/outside.txt", 0, 0);
  try_open("open_symlink_nofollow", kPreopen, "up_link", 0, 0);
  try_read("open_symlink_inside", kPreopen, "ok_link", kFollow);
  try_read("open_symlink_inside_sub", kPreopen, "sub/back_in", kFollow);
  try_read("open_dotdot_inside", kPreopen, "sub/../inside.txt", 0);

  int32_t fd = -1;
  report("create_outside", open_at(kPreopen, "../created.txt", 0, kCreat, kRead | kWrite, &fd));
  report("create_through_dangling", open_at(kPreopen, "dangling", kFollow, kCreat, kRead | kWrite, &fd));

  // A directory opened below the preopen is a sandbox of its own.
  int32_t sub = -1;
  report("open_subdir", open_at(kPreopen, "sub", 0, kDirectory, kAllRights, &sub));
  try_open("open_above_subdir_fd", sub, "../inside.txt", 0, 0);
  w_fd_close(sub);

  // Descriptors that are not open directories.
  int32_t file = -1;
  open_at(kPreopen, "inside.txt", 0, 0, kRead, &file);
  try_open("open_through_file_fd", file, "x", 0, 0);
  try_open("open_through_stdout", 1, "inside.txt", 0, 0);
  w_fd_close(file);
  try_open("open_through_closed_fd", file, "inside.txt", 0, 0);
  try_open("open_through_unknown_fd", 1000, "inside.txt", 0, 0);
}

static void changing(void) {
  report("link_source_outside", w_path_link(kPreopen, 0, P("../outside.txt"), L("../outside.txt"), kPreopen,
                                            P("hl"), L("hl")));
  report("link_target_outside", w_path_link(kPreopen, 0, P("inside.txt"), L("inside.txt"), kPreopen,
                                            P("../hl"), L("../hl")));
  report("link_source_symlink_followed", w_path_link(kPreopen, kFollow, P("up_link"), L("up_link"), kPreopen,
                                                     P("hl"), L("hl")));
  report("link_target_through_dir_symlink", w_path_link(kPreopen, 0, P("inside.txt"), L("inside.txt"), kPreopen,
                                                        P("dir_up/hl"), L("dir_up/hl")));

  report("rename_source_outside", w_path_rename(kPreopen, P("../outside.txt"), L("../outside.txt"), kPreopen,
                                                P("stolen"), L("stolen")));
  report("rename_target_outside", w_path_rename(kPreopen, P("inside.txt"), L("inside.txt"), kPreopen,
                                                P("../moved"), L("../moved")));
  report("rename_through_dir_symlink", w_path_rename(kPreopen, P("dir_up/outside.txt"), L("dir_up/outside.txt"),
                                                     kPreopen, P("stolen"), L("stolen")));

  report("symlink_absolute_target", w_path_symlink(P("/etc/passwd"), L("/etc/passwd"), kPreopen, P("newlink"),
                                                   L("newlink")));
  report("symlink_placed_outside", w_path_symlink(P("inside.txt"), L("inside.txt"), kPreopen, P("../newlink"),
                                                  L("../newlink")));
  // A relative target that leads out is refused too: host programs follow
  // links without our resolver. One that stays inside may be made.
  report("symlink_relative_out", w_path_symlink(P("../outside.txt"), L("../outside.txt"), kPreopen,
                                                P("made_link"), L("made_link")));
  report("symlink_relative_out_from_sub", w_path_symlink(P("../../outside.txt"), L("../../outside.txt"), kPreopen,
                                                         P("sub/made_link"), L("sub/made_link")));
  report("symlink_relative_out_twisty", w_path_symlink(P("sub/../../outside.txt"), L("sub/../../outside.txt"),
                                                       kPreopen, P("made_link"), L("made_link")));
  report("symlink_relative_in_from_sub", w_path_symlink(P("../inside.txt"), L("../inside.txt"), kPreopen,
                                                        P("sub/made_in"), L("sub/made_in")));
  try_read("open_created_symlink", kPreopen, "sub/made_in", kFollow);

  report("unlink_outside", w_path_unlink_file(kPreopen, P("../outside.txt"), L("../outside.txt")));
  report("unlink_through_dir_symlink", w_path_unlink_file(kPreopen, P("dir_up/outside.txt"), L("dir_up/outside.txt")));
  report("unlink_symlink_itself", w_path_unlink_file(kPreopen, P("up_link"), L("up_link")));
  report("rmdir_outside", w_path_remove_directory(kPreopen, P("../outdir"), L("../outdir")));
  report("rmdir_dotdot", w_path_remove_directory(kPreopen, P(".."), L("..")));
  report("rmdir_dir_symlink", w_path_remove_directory(kPreopen, P("dir_up"), L("dir_up")));
  report("mkdir_outside", w_path_create_directory(kPreopen, P("../newdir"), L("../newdir")));
  report("mkdir_through_dir_symlink", w_path_create_directory(kPreopen, P("dir_up/newdir"), L("dir_up/newdir")));

  uint8_t stat[64];
  report("filestat_outside", w_path_filestat_get(kPreopen, 0, P("../outside.txt"), L("../outside.txt"),
                                                 P((const char*)stat)));
  report("filestat_follow_out", w_path_filestat_get(kPreopen, kFollow, P("abs_link"), L("abs_link"),
                                                    P((const char*)stat)));
  int32_t e = w_path_filestat_get(kPreopen, 0, P("abs_link"), L("abs_link"), P((const char*)stat));
  printf("filestat_symlink_itself: %s filetype %d\n", errno_name(e), stat[16]);
  ++cases;
  report("set_times_outside", w_path_filestat_set_times(kPreopen, 0, P("../outside.txt"), L("../outside.txt"), 0,
                                                        0, 0));
  report("set_times_follow_out", w_path_filestat_set_times(kPreopen, kFollow, P("abs_link"), L("abs_link"), 0, 0,
                                                           0));
  char buf[64];
  uint32_t n = 0;
  report("readlink_outside", w_path_readlink(kPreopen, P("../dir_up"), L("../dir_up"), P(buf), sizeof buf,
                                             P((const char*)&n)));
}

static void bad_pointers(void) {
  const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  int32_t fd = -1;
  open_at(kPreopen, "inside.txt", 0, 0, kRead, &fd);
  static uint32_t iov[2];
  uint32_t n;
  report("fd_write_iovec_array_past_end", w_fd_write(1, (int32_t)(end - 4), 1, P((const char*)&n)));
  iov[0] = end - 2, iov[1] = 3;
  report("fd_write_buffer_past_end", w_fd_write(1, P((const char*)iov), 1, P((const char*)&n)));
  iov[0] = 0xFFFFFFF0u, iov[1] = 0x20;
  report("fd_write_buffer_wraps_u32", w_fd_write(1, P((const char*)iov), 1, P((const char*)&n)));
  report("fd_write_count_wraps_u32", w_fd_write(1, P((const char*)iov), 0x20000001, P((const char*)&n)));
  iov[0] = end - 2, iov[1] = 16;
  report("fd_read_buffer_past_end", w_fd_read(fd, P((const char*)iov), 1, P((const char*)&n)));
  iov[0] = 1024, iov[1] = 1;
  report("fd_read_result_past_end", w_fd_read(fd, P((const char*)iov), 1, (int32_t)end));
  report("path_open_path_past_end", w_path_open(kPreopen, 0, (int32_t)(end - 3), 10, 0, kRead, 0, 0,
                                                P((const char*)&n)));
  report("path_open_path_wraps_u32", w_path_open(kPreopen, 0, (int32_t)0xFFFFFFFFu, 2, 0, kRead, 0, 0,
                                                 P((const char*)&n)));
  report("path_open_result_past_end", w_path_open(kPreopen, 0, P("inside.txt"), L("inside.txt"), 0, kRead, 0, 0,
                                                  (int32_t)(end - 2)));
  report("fd_prestat_dir_name_past_end", w_fd_prestat_dir_name(kPreopen, (int32_t)(end - 1), 2));
  report("args_sizes_get_result_past_end", w_args_sizes_get((int32_t)end, P((const char*)&n)));
  report("random_get_past_end", w_random_get((int32_t)(end - 8), 9));
  report("clock_time_get_result_wraps", w_clock_time_get(0, 0, -1));
  report("symlink_target_past_end", w_path_symlink((int32_t)(end - 1), 5, kPreopen, P("bad"), L("bad")));
  w_fd_close(fd);
}

// fd_renumber moves an entry, rights and preopen name included; over an open
// descriptor it closes that one first (wasmtime's and WasmEdge's semantics).
// Neither direction can widen the sandbox.
static void renumbering(void) {
  int32_t file = -1, fd = -1;
  open_at(kPreopen, "inside.txt", 0, 0, kRead, &file);
  report("renumber_preopen_onto_file", w_fd_renumber(kPreopen, file));
  try_open("moved_preopen_dotdot", file, "../outside.txt", 0, 0);
  try_read("moved_preopen_inside", file, "inside.txt", 0);
  uint32_t prestat[2];
  report("moved_preopen_prestat", w_fd_prestat_get(file, P((const char*)prestat)));
  try_open("old_preopen_number", kPreopen, "inside.txt", 0, 0);
  open_at(file, "inside.txt", 0, 0, kRead, &fd);  // takes the lowest free number: 3
  printf("reopened_at: %d\n", (int)fd);
  report("renumber_file_over_preopen", w_fd_renumber(fd, file));
  try_open("open_through_replaced_preopen", file, "inside.txt", 0, 0);
  report("replaced_preopen_prestat", w_fd_prestat_get(file, P((const char*)prestat)));
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  opening(argv[1]);
  changing();
  bad_pointers();
  renumbering();
  printf("cases: %d\n", cases);
  return 0;
}
