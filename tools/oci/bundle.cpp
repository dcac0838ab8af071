#include "bundle.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "failure.hpp"
#include "files.hpp"

namespace mywasm::oci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool has_option(const json& mount, const char* option) {
  const json options = mount.value("options", json::array());
  return std::find(options.begin(), options.end(), option) != options.end();
}

// Bind mounts of host directories become preopens; other mounts (proc,
// sysfs, tmpfs, ...) and binds of single files have no WASI counterpart.
void read_mounts(const json& config, Bundle& b) {
  for (const json& m : config.value("mounts", json::array())) {
    const bool bind = m.value("type", "") == "bind" || has_option(m, "bind") || has_option(m, "rbind");
    if (!bind) continue;
    BindMount mount{m.at("destination").get<std::string>(), m.at("source").get<std::string>(), has_option(m, "ro")};
    std::error_code ec;
    if (fs::is_directory(mount.source, ec)) b.binds.push_back(std::move(mount));
  }
}

void read_namespaces(const json& config, Bundle& b) {
  if (!config.contains("linux")) return;
  for (const json& ns : config["linux"].value("namespaces", json::array())) {
    if (ns.value("type", "") != "network") continue;
    if (ns.contains("path") && !ns["path"].get<std::string>().empty())
      b.netns_path = ns["path"].get<std::string>();
    else
      b.new_netns = true;
  }
}

Bundle parse_config(const std::string& dir, const json& config) {
  Bundle b;
  b.dir = dir;
  const json& root = config.at("root");
  const fs::path root_path = root.at("path").get<std::string>();
  b.rootfs = (root_path.is_absolute() ? root_path : fs::path(dir) / root_path).lexically_normal().string();
  b.rootfs_readonly = root.value("readonly", false);
  const json& process = config.at("process");
  b.args = process.at("args").get<std::vector<std::string>>();
  if (b.args.empty()) throw Failure("process.args is empty");
  b.env = process.value("env", std::vector<std::string>{});
  b.cwd = process.value("cwd", std::string("/"));
  b.terminal = process.value("terminal", false);
  b.annotations = config.value("annotations", std::map<std::string, std::string>{});
  read_mounts(config, b);
  read_namespaces(config, b);
  return b;
}

}  // namespace

Bundle load_bundle(const std::string& bundle_dir) {
  std::error_code ec;
  fs::path dir = fs::absolute(bundle_dir, ec).lexically_normal();
  if (dir.has_parent_path() && !dir.has_filename()) dir = dir.parent_path();  // "/b/" -> "/b"
  if (ec || !fs::is_directory(dir, ec)) fail("bundle '{}' is not a directory", bundle_dir);
  const std::string config_path = (dir / "config.json").string();
  const std::string text = read_text(config_path);
  try {
    return parse_config(dir.string(), json::parse(text));
  } catch (const json::exception& e) {
    fail("{}: malformed OCI config: {}", config_path, e.what());
  } catch (const Failure& e) {
    fail("{}: {}", config_path, e.what());
  }
}

namespace {

std::string entry_path(const Bundle& b) {
  const std::string& program = b.args[0];
  return program[0] == '/' ? program : (fs::path(b.cwd) / program).string();
}

}  // namespace

bool is_wasm(const Bundle& b) {
  auto annotation = [&](const char* key) {
    auto it = b.annotations.find(key);
    return it == b.annotations.end() ? std::string() : it->second;
  };
  const std::string variant = annotation("module.wasm.image/variant");
  if (variant == "compat" || variant == "compat-smart" || annotation("run.oci.handler") == "wasm") return true;
  const int fd = open_in_root(b.rootfs, entry_path(b));
  if (fd < 0) return false;
  const bool wasm = has_wasm_magic(fd);
  ::close(fd);
  return wasm;
}

int open_entry_module(const Bundle& b) { return open_module_in_root(b.rootfs, entry_path(b)); }

GuestSpec guest_of(const Bundle& b, int module_fd) {
  GuestSpec guest;
  guest.module_path = "/proc/self/fd/" + std::to_string(module_fd);
  guest.argv = b.args;
  guest.env = b.env;
  guest.preopens.push_back({"/", b.rootfs, b.rootfs_readonly});
  for (const BindMount& m : b.binds) guest.preopens.push_back({m.destination, m.source, m.readonly});
  add_working_dir(guest, b.cwd);
  return guest;
}

}  // namespace mywasm::oci
