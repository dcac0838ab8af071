// The WASI sandbox holds against a real guest: tests/programs/c/sandbox_escape.c
// tries every escape we know of from a preopen, next to a real outside file,
// and prints the errno of each attempt. Every line of its output is checked,
// and afterwards the outside world must be exactly as it was.
#include <set>

#include "cli_fixture.hpp"

namespace {

using namespace mywasm_test;

constexpr const char* kExpected =
    // Opening: `..`, absolute paths, symlinks out (absolute, relative,
    // chained, dangling, through a directory link), loops, and links that
    // stay inside (allowed).
    "open_dotdot: PERM\n"
    "open_sub_dotdot: PERM\n"
    "open_out_and_back_in: PERM\n"
    "open_dotdot_dir: PERM\n"
    "open_absolute_root: PERM\n"
    "open_absolute_outside: PERM\n"
    "open_symlink_absolute: PERM\n"
    "open_symlink_up: PERM\n"
    "open_symlink_chain: PERM\n"
    "open_symlink_dangling_out: PERM\n"
    "open_symlink_dangling_in: NOENT\n"
    "open_symlink_loop: LOOP\n"
    "open_symlink_dir_up: PERM\n"
    "open_symlink_nofollow: LOOP\n"
    "open_symlink_inside: SUCCESS inside\n"
    "open_symlink_inside_sub: SUCCESS inside\n"
    "open_dotdot_inside: SUCCESS inside\n"
    "create_outside: PERM\n"
    "create_through_dangling: PERM\n"
    "open_subdir: SUCCESS\n"
    "open_above_subdir_fd: PERM\n"
    "open_through_file_fd: NOTDIR\n"
    "open_through_stdout: NOTDIR\n"
    "open_through_closed_fd: BADF\n"
    "open_through_unknown_fd: BADF\n"
    // Changing things: link, rename, symlink, unlink, rmdir, mkdir, stat, times, readlink.
    "link_source_outside: PERM\n"
    "link_target_outside: PERM\n"
    "link_source_symlink_followed: PERM\n"
    "link_target_through_dir_symlink: PERM\n"
    "rename_source_outside: PERM\n"
    "rename_target_outside: PERM\n"
    "rename_through_dir_symlink: PERM\n"
    "symlink_absolute_target: PERM\n"
    "symlink_placed_outside: PERM\n"
    "symlink_relative_out: PERM\n"
    "symlink_relative_out_from_sub: PERM\n"
    "symlink_relative_out_twisty: PERM\n"
    "symlink_relative_in_from_sub: SUCCESS\n"
    "open_created_symlink: SUCCESS inside\n"
    "unlink_outside: PERM\n"
    "unlink_through_dir_symlink: PERM\n"
    "unlink_symlink_itself: SUCCESS\n"
    "rmdir_outside: PERM\n"
    "rmdir_dotdot: PERM\n"
    "rmdir_dir_symlink: NOTDIR\n"
    "mkdir_outside: PERM\n"
    "mkdir_through_dir_symlink: PERM\n"
    "filestat_outside: PERM\n"
    "filestat_follow_out: PERM\n"
    "filestat_symlink_itself: SUCCESS filetype 7\n"
    "set_times_outside: PERM\n"
    "set_times_follow_out: PERM\n"
    "readlink_outside: PERM\n"
    // Guest pointers past the end of memory or wrapping 32 bits.
    "fd_write_iovec_array_past_end: FAULT\n"
    "fd_write_buffer_past_end: FAULT\n"
    "fd_write_buffer_wraps_u32: FAULT\n"
    "fd_write_count_wraps_u32: FAULT\n"
    "fd_read_buffer_past_end: FAULT\n"
    "fd_read_result_past_end: FAULT\n"
    "path_open_path_past_end: FAULT\n"
    "path_open_path_wraps_u32: FAULT\n"
    "path_open_result_past_end: FAULT\n"
    "fd_prestat_dir_name_past_end: FAULT\n"
    "args_sizes_get_result_past_end: FAULT\n"
    "random_get_past_end: FAULT\n"
    "clock_time_get_result_wraps: FAULT\n"
    "symlink_target_past_end: FAULT\n"
    // fd_renumber moves a preopen (still confined) or replaces it (gone).
    "renumber_preopen_onto_file: SUCCESS\n"
    "moved_preopen_dotdot: PERM\n"
    "moved_preopen_inside: SUCCESS inside\n"
    "moved_preopen_prestat: SUCCESS\n"
    "old_preopen_number: BADF\n"
    "reopened_at: 3\n"
    "renumber_file_over_preopen: SUCCESS\n"
    "open_through_replaced_preopen: NOTDIR\n"
    "replaced_preopen_prestat: BADF\n"
    "cases: 75\n";

TEST_F(CliTest, SandboxEscapesAreDenied) {
  // <dir>/outside.txt and <dir>/outdir/ sit next to the preopen <dir>/box/.
  const fs::path box = dir_ / "box";
  fs::create_directories(box / "sub");
  fs::create_directories(dir_ / "outdir");
  write("outside.txt", "secret");
  write("box/inside.txt", "inside");
  const fs::path outside = dir_ / "outside.txt";
  fs::create_symlink(outside, box / "abs_link");
  fs::create_symlink("../outside.txt", box / "up_link");
  fs::create_symlink("../chain2", box / "sub/chain1");
  fs::create_symlink("sub/chain3", box / "chain2");
  fs::create_symlink("../../outside.txt", box / "sub/chain3");
  fs::create_symlink("../missing.txt", box / "dangling");
  fs::create_symlink("missing.txt", box / "dangling_in");
  fs::create_symlink("loop_b", box / "loop_a");
  fs::create_symlink("loop_a", box / "loop_b");
  fs::create_symlink("sub/../inside.txt", box / "ok_link");
  fs::create_symlink("..", box / "dir_up");
  fs::create_symlink("../inside.txt", box / "sub/back_in");
  const auto outside_mtime = fs::last_write_time(outside);

  auto r = run("run --dir .:" + box.string() + " " + MYWASM_PROGRAMS_DIR + "/sandbox_escape.wasm " + outside.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, kExpected);

  // Nothing outside the box changed.
  EXPECT_EQ(slurp(outside), "secret");
  EXPECT_EQ(fs::last_write_time(outside), outside_mtime);
  EXPECT_TRUE(fs::is_directory(dir_ / "outdir"));
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"box", "outdir", "outside.txt", "stdin", "stdout", "stderr"}));
  EXPECT_TRUE(fs::is_empty(dir_ / "outdir"));
}

}  // namespace
