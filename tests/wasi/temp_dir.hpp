// A scratch directory tree for the WASI tests, removed afterwards.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace mywasm::wasi::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mywasm-wasi-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

  void mkdir(const std::string& rel) { std::filesystem::create_directories(path_ / rel); }
  void write(const std::string& rel, const std::string& content) { std::ofstream(path_ / rel) << content; }
  void symlink(const std::string& target, const std::string& rel) {
    std::filesystem::create_symlink(target, path_ / rel);
  }
  int open_dir(const std::string& rel = ".") const {
    return ::open((path_ / rel).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace mywasm::wasi::testing
