#include "image.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "archive.hpp"
#include "failure.hpp"
#include "files.hpp"
#include "media_types.hpp"

namespace mywasm::oci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// LAYOUT/blobs/ALG/HEX of a descriptor; refuses digests that are no plain names.
std::string blob_path(const std::string& layout, const json& descriptor) {
  const std::string digest = descriptor.at("digest").get<std::string>();
  const size_t colon = digest.find(':');
  const std::string alg = digest.substr(0, colon), hex = colon == std::string::npos ? "" : digest.substr(colon + 1);
  const bool plain = !alg.empty() && !hex.empty() &&
                     (alg + hex).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos;
  if (!plain) fail("malformed digest '{}'", digest);
  return layout + "/blobs/" + alg + "/" + hex;
}

// A blob's bytes, checked against the descriptor's size and digest.
std::string read_blob(const std::string& layout, const json& descriptor) {
  const std::string path = blob_path(layout, descriptor);
  const std::string bytes = read_text(path);
  const std::string digest = descriptor.at("digest").get<std::string>();
  if (bytes.size() != descriptor.at("size").get<uint64_t>())
    fail("blob {} has {} bytes, its descriptor says {}", digest, bytes.size(), descriptor.at("size").dump());
  if (digest.rfind("sha256:", 0) == 0 && sha256_digest(bytes) != digest) fail("blob {} does not match its digest", digest);
  return bytes;
}

std::vector<std::string> strings_at(const json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null()) return {};
  return object[key].get<std::vector<std::string>>();
}

bool runs_here(const json& descriptor) {
  if (!descriptor.contains("platform")) return true;
  const json& p = descriptor["platform"];
  const std::string os = p.value("os", ""), arch = p.value("architecture", "");
  return (os == "linux" && arch == "amd64") || arch == "wasm";
}

// The image manifest an index names: the first for this platform (or Wasm),
// through nested indexes.
json pick_manifest(const std::string& layout, const json& index) {
  const json manifests = index.value("manifests", json::array());
  if (manifests.empty()) fail("the image index lists no manifest");
  json chosen = manifests[0];
  for (const json& m : manifests)
    if (runs_here(m)) {
      chosen = m;
      break;
    }
  const std::string type = chosen.value("mediaType", media::kManifest);
  if (type == media::kIndex || type == media::kDockerManifestList)
    return pick_manifest(layout, json::parse(read_blob(layout, chosen)));
  return chosen;
}

}  // namespace

bool looks_like_image(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fs::exists(fs::path(path) / "oci-layout", ec) || fs::exists(fs::path(path) / "index.json", ec);
  std::ifstream in(path, std::ios::binary);
  char header[512] = {};
  in.read(header, sizeof header);
  return in.gcount() == sizeof header && std::string_view(header + 257, 5) == "ustar";
}

UnpackedImage::UnpackedImage(const std::string& path) : temp_dir_(make_temp_dir("mywasm-image")) {
  try {
    std::error_code ec;
    std::string layout = path;
    if (!fs::is_directory(path, ec)) {
      layout = temp_dir_ + "/layout";
      fs::create_directory(layout);
      extract_tar(path, layout, false);
    }
    read_layout(layout);
  } catch (const json::exception& e) {
    fs::remove_all(temp_dir_);
    fail("{}: malformed image: {}", path, e.what());
  } catch (const Failure& e) {
    fs::remove_all(temp_dir_);
    fail("{}: {}", path, e.what());
  }
}

UnpackedImage::~UnpackedImage() {
  std::error_code ec;
  fs::remove_all(temp_dir_, ec);
}

void UnpackedImage::read_layout(const std::string& layout) {
  const std::string index_path = layout + "/index.json";
  const json descriptor = pick_manifest(layout, json::parse(read_text(index_path)));
  const std::string manifest_text = read_blob(layout, descriptor);
  const json manifest = json::parse(manifest_text);
  if (manifest.at("config").value("mediaType", "") == media::kWasmConfig)
    read_artifact(layout, manifest_text);
  else
    read_compat(layout, manifest_text);
}

void UnpackedImage::read_artifact(const std::string& layout, const std::string& manifest_text) {
  const json manifest = json::parse(manifest_text);
  for (const json& layer : manifest.at("layers")) {
    if (layer.value("mediaType", "") != media::kWasmLayer) continue;
    read_blob(layout, layer);  // checks it
    module_path_ = blob_path(layout, layer);
    module_name_ = layer.value("annotations", json::object()).value(media::kTitle, "module.wasm");
    return;
  }
  fail("the Wasm artifact has no {} layer", media::kWasmLayer);
}

void UnpackedImage::read_compat(const std::string& layout, const std::string& manifest_text) {
  const json manifest = json::parse(manifest_text);
  const json config = json::parse(read_blob(layout, manifest.at("config")));
  const json process = config.value("config", json::object());
  entrypoint_ = strings_at(process, "Entrypoint");
  cmd_ = strings_at(process, "Cmd");
  env_ = strings_at(process, "Env");
  working_dir_ = process.value("WorkingDir", "");
  rootfs_ = temp_dir_ + "/rootfs";
  fs::create_directory(rootfs_);
  for (const json& layer : manifest.at("layers")) {
    read_blob(layout, layer);  // checks it
    extract_tar(blob_path(layout, layer), rootfs_, true);
  }
}

GuestSpec UnpackedImage::guest(const std::vector<std::string>& args, const std::vector<std::string>& env) const {
  GuestSpec g;
  g.env = merge_env(env_, env);
  if (is_artifact()) {
    g.module_path = module_path_;
    g.argv = {module_name_};
    g.argv.insert(g.argv.end(), args.begin(), args.end());
    return g;
  }
  g.argv = entrypoint_;
  const auto& tail = args.empty() ? cmd_ : args;
  g.argv.insert(g.argv.end(), tail.begin(), tail.end());
  if (g.argv.empty()) fail("the image has neither Entrypoint nor Cmd");
  const std::string cwd = working_dir_.empty() ? "/" : working_dir_;
  const std::string entry = g.argv[0][0] == '/' ? g.argv[0] : (fs::path(cwd) / g.argv[0]).string();
  // Left open for the life of this process, which runs just this guest.
  g.module_path = "/proc/self/fd/" + std::to_string(open_module_in_root(rootfs_, entry));
  g.preopens.push_back({"/", rootfs_, false});
  add_working_dir(g, cwd);
  return g;
}

}  // namespace mywasm::oci
