#include "image_process.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "failure.hpp"
#include "files.hpp"

namespace mywasm::oci {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ImageProcess::to_json() const {
  return json{{"rootfs", rootfs},   {"module_path", module_path}, {"module_name", module_name},
              {"entrypoint", entrypoint}, {"cmd", cmd},           {"env", env},
              {"working_dir", working_dir}}
      .dump();
}

ImageProcess ImageProcess::from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    ImageProcess p;
    p.rootfs = j.at("rootfs").get<std::string>();
    p.module_path = j.at("module_path").get<std::string>();
    p.module_name = j.at("module_name").get<std::string>();
    p.entrypoint = j.at("entrypoint").get<std::vector<std::string>>();
    p.cmd = j.at("cmd").get<std::vector<std::string>>();
    p.env = j.at("env").get<std::vector<std::string>>();
    p.working_dir = j.at("working_dir").get<std::string>();
    return p;
  } catch (const json::exception& e) {
    fail("malformed image description: {}", e.what());
  }
}

GuestSpec guest_of(const ImageProcess& image, const std::vector<std::string>& args,
                   const std::vector<std::string>& env) {
  GuestSpec g;
  g.env = merge_env(image.env, env);
  if (image.is_artifact()) {
    g.module_path = image.module_path;
    g.argv = {image.module_name};
    g.argv.insert(g.argv.end(), args.begin(), args.end());
    return g;
  }
  g.argv = image.entrypoint;
  const auto& tail = args.empty() ? image.cmd : args;
  g.argv.insert(g.argv.end(), tail.begin(), tail.end());
  if (g.argv.empty()) fail("the image has neither Entrypoint nor Cmd");
  const std::string cwd = image.working_dir.empty() ? "/" : image.working_dir;
  const std::string entry = g.argv[0][0] == '/' ? g.argv[0] : (fs::path(cwd) / g.argv[0]).string();
  // Left open for the life of this process, which runs just this guest.
  g.module_path = "/proc/self/fd/" + std::to_string(open_module_in_root(image.rootfs, entry));
  g.preopens.push_back({"/", image.rootfs, false});
  add_working_dir(g, cwd);
  return g;
}

}  // namespace mywasm::oci
