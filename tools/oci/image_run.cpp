#include "image_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "failure.hpp"
#include "files.hpp"

extern char** environ;

namespace mywasm::oci {

namespace fs = std::filesystem;

namespace {

// mywasm-image installed beside this program, else the one on PATH.
std::string image_tool() {
  std::error_code ec;
  const fs::path beside = fs::read_symlink("/proc/self/exe", ec).parent_path() / "mywasm-image";
  return !ec && ::access(beside.c_str(), X_OK) == 0 ? beside.string() : "mywasm-image";
}

// Runs `mywasm-image unpack IMAGE DIR`; returns its stdout. Its error line
// becomes this Failure's message.
std::string run_unpack(const std::string& image, const std::string& dir) {
  const std::string tool = image_tool(), out = dir + "/unpack.out", err = dir + "/unpack.err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> words = {tool, "unpack", image, dir};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) fail("cannot run {} to unpack the image: {}", tool, std::strerror(spawned));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return read_text(out);
  std::string why = read_text(err);
  if (why.rfind("mywasm-image: ", 0) == 0) why.erase(0, std::strlen("mywasm-image: "));
  while (!why.empty() && why.back() == '\n') why.pop_back();
  fail("{}", why.empty() ? "cannot unpack the image" : why);
}

}  // namespace

bool looks_like_image(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return fs::exists(fs::path(path) / "oci-layout", ec) || fs::exists(fs::path(path) / "index.json", ec);
  // A tar header's magic, read without an ifstream: every `mywasm run`
  // asks, and a stream's buffer and locale set-up were a dozen page faults.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char header[512] = {};
  size_t got = 0;
  for (ssize_t n; got < sizeof header; got += size_t(n)) {
    n = ::pread(fd, header + got, sizeof header - got, off_t(got));
    if (n < 0 && errno == EINTR) n = 0;
    else if (n <= 0) break;
  }
  ::close(fd);
  return got == sizeof header && std::string_view(header + 257, 5) == "ustar";
}

ImageRun::ImageRun(const std::string& image_path) : temp_dir_(make_temp_dir("mywasm-image")) {
  try {
    process_ = ImageProcess::from_json(run_unpack(image_path, temp_dir_));
  } catch (const Failure&) {
    fs::remove_all(temp_dir_);
    throw;
  }
}

ImageRun::~ImageRun() {
  std::error_code ec;
  fs::remove_all(temp_dir_, ec);
}

}  // namespace mywasm::oci
