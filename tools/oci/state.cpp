#include "state.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "failure.hpp"
#include "files.hpp"

namespace mywasm::oci {

namespace fs = std::filesystem;
using nlohmann::json;

const char* status_name(Status s) {
  switch (s) {
    case Status::Created: return "created";
    case Status::Running: return "running";
    case Status::Stopped: return "stopped";
  }
  return "unknown";
}

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:09d}Z", buf, ns % 1000000000);
}

uint64_t process_start_time(int pid) {
  if (pid <= 0) return 0;
  std::string stat;
  try {
    stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  } catch (const Failure&) {
    return 0;
  }
  // "PID (COMM) STATE ..." where COMM may hold spaces and parens.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string state, field;
  fields >> state;
  if (state == "Z" || state == "X") return 0;
  for (int i = 4; i < 22 && fields >> field; ++i) {
  }
  uint64_t start = 0;
  fields >> start;
  return start;
}

void StateStore::check_id(const std::string& id) {
  const bool valid = !id.empty() && id != "." && id != ".." &&
                     id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.") ==
                         std::string::npos;
  if (!valid) fail("invalid container id '{}'", id);
}

bool StateStore::is_wasm_container(const std::string& id) const {
  std::error_code ec;
  return fs::exists(state_file(id), ec);
}

bool StateStore::exists(const std::string& id) const {
  std::error_code ec;
  return fs::exists(dir_of(id), ec);
}

void StateStore::create_dir(const std::string& id) const {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) fail("cannot create root directory '{}': {}", root_, ec.message());
  if (::mkdir(dir_of(id).c_str(), 0711) != 0) {
    if (errno == EEXIST) fail("container '{}' already exists", id);
    fail("cannot create '{}': {}", dir_of(id), std::strerror(errno));
  }
  if (::mkfifo(exec_fifo_of(id).c_str(), 0600) != 0) fail("cannot create the exec fifo: {}", std::strerror(errno));
}

void StateStore::save(const ContainerState& s) const {
  const json j = {{"id", s.id},         {"pid", s.pid},       {"pid_start_time", s.pid_start_time},
                  {"bundle", s.bundle}, {"rootfs", s.rootfs}, {"created", s.created},
                  {"annotations", s.annotations}};
  write_text_atomic(state_file(s.id), j.dump(2));
}

ContainerState StateStore::load(const std::string& id) const {
  check_id(id);
  if (!is_wasm_container(id)) fail("container '{}' does not exist", id);
  try {
    const json j = json::parse(read_text(state_file(id)));
    ContainerState s;
    s.id = j.at("id").get<std::string>();
    s.pid = j.at("pid").get<int>();
    s.pid_start_time = j.at("pid_start_time").get<uint64_t>();
    s.bundle = j.at("bundle").get<std::string>();
    s.rootfs = j.at("rootfs").get<std::string>();
    s.created = j.at("created").get<std::string>();
    s.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
    return s;
  } catch (const json::exception& e) {
    fail("state of container '{}' is damaged: {}", id, e.what());
  }
}

void StateStore::remove(const std::string& id) const {
  std::error_code ec;
  fs::remove_all(dir_of(id), ec);
  if (ec) fail("cannot remove '{}': {}", dir_of(id), ec.message());
}

Status StateStore::status(const ContainerState& s) const {
  if (s.pid_start_time == 0 || process_start_time(s.pid) != s.pid_start_time) return Status::Stopped;
  std::error_code ec;
  return fs::exists(exec_fifo_of(s.id), ec) ? Status::Created : Status::Running;
}

std::string oci_state_json(const ContainerState& s, Status status) {
  const json j = {{"ociVersion", "1.0.2"},
                  {"id", s.id},
                  {"pid", status == Status::Stopped ? 0 : s.pid},
                  {"status", status_name(status)},
                  {"bundle", s.bundle},
                  {"rootfs", s.rootfs},
                  {"created", s.created},
                  {"annotations", s.annotations},
                  {"owner", ""}};
  return j.dump(2);
}

}  // namespace mywasm::oci
