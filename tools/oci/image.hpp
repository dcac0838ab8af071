// Reading OCI images to run them without a container runtime: an image
// layout directory or an oci-archive tar, of either kind of Wasm image:
//   compat    an ordinary image config with filesystem layers that hold the
//             .wasm, Entrypoint/Cmd naming it (Docker+Wasm, buildah flow)
//   artifact  wasm-to-oci: config application/vnd.wasm.config.v1+json and
//             one application/vnd.wasm.content.layer.v1+wasm layer
// Every blob is checked against its descriptor's size and sha256 digest.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "guest.hpp"

namespace mywasm::oci {

// Whether `path` looks like an image rather than a module: a directory with
// an oci-layout or index.json file, or a tar archive.
bool looks_like_image(const std::string& path);

// An image unpacked into a private temporary directory, removed with it.
class UnpackedImage {
 public:
  // Throws Failure for anything malformed, missing or not Wasm.
  explicit UnpackedImage(const std::string& path);
  ~UnpackedImage();
  UnpackedImage(const UnpackedImage&) = delete;
  UnpackedImage& operator=(const UnpackedImage&) = delete;

  bool is_artifact() const { return rootfs_.empty(); }
  const std::string& rootfs() const { return rootfs_; }  // empty for an artifact
  const std::vector<std::string>& entrypoint() const { return entrypoint_; }
  const std::vector<std::string>& cmd() const { return cmd_; }
  const std::vector<std::string>& env() const { return env_; }
  const std::string& working_dir() const { return working_dir_; }

  // The guest as `docker run IMAGE [ARGS]` would start it: Entrypoint, then
  // `args` or else Cmd; the image's Env, then `env` overriding it; the
  // rootfs as "/"; WorkingDir as PWD. The module stays open in this process.
  GuestSpec guest(const std::vector<std::string>& args, const std::vector<std::string>& env) const;

 private:
  void read_layout(const std::string& layout);
  void read_artifact(const std::string& layout, const std::string& manifest_text);
  void read_compat(const std::string& layout, const std::string& manifest_text);

  std::string temp_dir_, rootfs_;
  std::string module_path_, module_name_;  // artifact: the layer blob and its title
  std::vector<std::string> entrypoint_, cmd_, env_;
  std::string working_dir_;
};

}  // namespace mywasm::oci
