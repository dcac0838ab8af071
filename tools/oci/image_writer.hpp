// Writing OCI images: an image layout directory and, optionally, the same
// as an oci-archive tar. Three kinds:
//   compat    one layer holding the files, Entrypoint the .wasm, the
//             annotation module.wasm.image/variant=compat on the manifest
//             (as `buildah build --annotation ...` and Docker+Wasm make them)
//   artifact  wasm-to-oci: the module is the one layer
//             (application/vnd.wasm.content.layer.v1+wasm), config
//             application/vnd.wasm.config.v1+json
//   plain     an ordinary Linux image (native programs), no annotation
#pragma once
#include <map>
#include <string>
#include <vector>

namespace mywasm::oci {

struct ImageFile {
  std::string host_path;
  std::string image_path;  // absolute, in the image's filesystem
};

struct ImageRecipe {
  enum class Kind { Compat, Artifact, Plain } kind = Kind::Compat;
  std::string ref;  // org.opencontainers.image.ref.name, e.g. docker.io/library/hello:latest
  std::vector<ImageFile> files;  // an artifact has exactly one: the module
  std::vector<std::string> entrypoint, cmd, env;
  std::string working_dir;
  std::map<std::string, std::string> annotations;
  std::string os = "linux", architecture = "amd64";
};

// Writes the image layout into `layout_dir` (created) and, when
// `archive_path` is not empty, the oci-archive tar of it. Throws Failure.
void write_image(const ImageRecipe& recipe, const std::string& layout_dir, const std::string& archive_path);

}  // namespace mywasm::oci
