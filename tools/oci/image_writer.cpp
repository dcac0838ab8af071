#include "image_writer.hpp"

#include <sys/stat.h>

#include <algorithm>
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

// Stores `bytes` as a blob; returns its descriptor.
json write_blob(const std::string& layout, const std::string& bytes, const std::string& media_type) {
  const std::string digest = sha256_digest(bytes);
  const fs::path dir = fs::path(layout) / "blobs" / "sha256";
  fs::create_directories(dir);
  write_text_atomic((dir / digest.substr(7)).string(), bytes);
  return {{"mediaType", media_type}, {"digest", digest}, {"size", bytes.size()}};
}

// One layer with the files and the directories above them.
std::string layer_tar(const std::vector<ImageFile>& files) {
  std::vector<TarMember> members;
  for (const ImageFile& f : files) {
    const fs::path rel = fs::path(f.image_path).relative_path();
    fs::path dir;
    for (auto part = rel.begin(); std::next(part) != rel.end(); ++part) {
      dir /= *part;
      const bool listed = std::any_of(members.begin(), members.end(),
                                      [&](const TarMember& m) { return m.path == dir.string(); });
      if (!listed) members.push_back({dir.string(), "", true});
    }
    struct stat st {};
    const int mode = ::stat(f.host_path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR) ? 0755 : 0644;
    members.push_back({rel.string(), read_text(f.host_path), false, mode});
  }
  return tar_bytes(members);
}

json image_config(const ImageRecipe& r, const std::string& diff_id) {
  json process = json::object();
  if (!r.entrypoint.empty()) process["Entrypoint"] = r.entrypoint;
  if (!r.cmd.empty()) process["Cmd"] = r.cmd;
  if (!r.env.empty()) process["Env"] = r.env;
  if (!r.working_dir.empty()) process["WorkingDir"] = r.working_dir;
  return {{"created", "1970-01-01T00:00:00Z"},
          {"architecture", r.architecture},
          {"os", r.os},
          {"config", process},
          {"rootfs", {{"type", "layers"}, {"diff_ids", json::array({diff_id})}}}};
}

// The manifest's config and layers for each kind.
json manifest_of(const ImageRecipe& r, const std::string& layout) {
  json manifest = {{"schemaVersion", 2}, {"mediaType", media::kManifest}};
  if (r.kind == ImageRecipe::Kind::Artifact) {
    if (r.files.size() != 1) fail("a Wasm artifact holds exactly one module");
    json layer = write_blob(layout, read_text(r.files[0].host_path), media::kWasmLayer);
    layer["annotations"] = {{media::kTitle, fs::path(r.files[0].image_path).filename().string()}};
    manifest["config"] = write_blob(layout, "{}", media::kWasmConfig);
    manifest["layers"] = json::array({layer});
  } else {
    const json layer = write_blob(layout, layer_tar(r.files), media::kLayerTar);
    manifest["config"] = write_blob(layout, image_config(r, layer["digest"]).dump(), media::kImageConfig);
    manifest["layers"] = json::array({layer});
  }
  json annotations = r.annotations;
  if (r.kind == ImageRecipe::Kind::Compat) annotations[media::kWasmVariant] = "compat";
  if (!annotations.empty()) manifest["annotations"] = annotations;
  return manifest;
}

void write_archive(const std::string& layout, const std::string& archive_path) {
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(layout))
    paths.push_back(fs::relative(e.path(), layout).string());
  std::sort(paths.begin(), paths.end());
  std::vector<TarMember> members;
  for (const std::string& p : paths) {
    const bool dir = fs::is_directory(fs::path(layout) / p);
    members.push_back({p, dir ? "" : read_text((fs::path(layout) / p).string()), dir});
  }
  write_text_atomic(archive_path, tar_bytes(members));
}

}  // namespace

void write_image(const ImageRecipe& recipe, const std::string& layout_dir, const std::string& archive_path) {
  if (recipe.files.empty()) fail("an image needs at least one file");
  std::error_code ec;
  fs::remove_all(layout_dir, ec);
  fs::create_directories(layout_dir);
  const json manifest = manifest_of(recipe, layout_dir);
  json descriptor = write_blob(layout_dir, manifest.dump(), media::kManifest);
  if (!recipe.ref.empty()) descriptor["annotations"] = {{media::kRefName, recipe.ref}};
  const json index = {{"schemaVersion", 2}, {"mediaType", media::kIndex}, {"manifests", json::array({descriptor})}};
  write_text_atomic(layout_dir + "/index.json", index.dump());
  write_text_atomic(layout_dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  if (!archive_path.empty()) write_archive(layout_dir, archive_path);
}

}  // namespace mywasm::oci
