#include "image.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "archive.hpp"
#include "failure.hpp"
#include "digest.hpp"
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

// Checks a blob against its descriptor's size and digest; returns its path.
std::string checked_blob(const std::string& layout, const json& descriptor) {
  const std::string path = blob_path(layout, descriptor);
  const std::string digest = descriptor.at("digest").get<std::string>();
  uint64_t size = 0;
  const std::string actual = sha256_file_digest(path, &size);
  if (size != descriptor.at("size").get<uint64_t>())
    fail("blob {} has {} bytes, its descriptor says {}", digest, size, descriptor.at("size").dump());
  if (digest.rfind("sha256:", 0) == 0 && actual != digest) fail("blob {} does not match its digest", digest);
  return path;
}

// A (small, JSON) blob's bytes, checked.
std::string read_blob(const std::string& layout, const json& descriptor) {
  return read_text(checked_blob(layout, descriptor));
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

void read_artifact(const std::string& layout, const json& manifest, ImageProcess& image) {
  for (const json& layer : manifest.at("layers")) {
    if (layer.value("mediaType", "") != media::kWasmLayer) continue;
    image.module_path = checked_blob(layout, layer);
    image.module_name = layer.value("annotations", json::object()).value(media::kTitle, "module.wasm");
    return;
  }
  fail("the Wasm artifact has no {} layer", media::kWasmLayer);
}

void read_compat(const std::string& layout, const json& manifest, const std::string& rootfs, ImageProcess& image) {
  const json config = json::parse(read_blob(layout, manifest.at("config")));
  const json process = config.value("config", json::object());
  image.entrypoint = strings_at(process, "Entrypoint");
  image.cmd = strings_at(process, "Cmd");
  image.env = strings_at(process, "Env");
  image.working_dir = process.value("WorkingDir", "");
  image.rootfs = rootfs;
  fs::create_directory(rootfs);
  for (const json& layer : manifest.at("layers")) extract_tar(checked_blob(layout, layer), rootfs, true);
}

ImageProcess read_layout(const std::string& layout, const std::string& dir) {
  const json descriptor = pick_manifest(layout, json::parse(read_text(layout + "/index.json")));
  const json manifest = json::parse(read_blob(layout, descriptor));
  ImageProcess image;
  if (manifest.at("config").value("mediaType", "") == media::kWasmConfig)
    read_artifact(layout, manifest, image);
  else
    read_compat(layout, manifest, dir + "/rootfs", image);
  return image;
}

}  // namespace

ImageProcess unpack_image(const std::string& path, const std::string& dir) {
  try {
    std::error_code ec;
    std::string layout = path;
    if (!fs::is_directory(path, ec)) {
      layout = dir + "/layout";
      fs::create_directory(layout);
      extract_tar(path, layout, false);
    }
    return read_layout(layout, dir);
  } catch (const json::exception& e) {
    fail("{}: malformed image: {}", path, e.what());
  } catch (const Failure& e) {
    fail("{}: {}", path, e.what());
  }
}

}  // namespace mywasm::oci
