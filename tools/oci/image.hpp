// Reading OCI images to run them without a container runtime: an image
// layout directory or an oci-archive tar, of either kind of Wasm image:
//   compat    an ordinary image config with filesystem layers that hold the
//             .wasm, Entrypoint/Cmd naming it (Docker+Wasm, buildah flow)
//   artifact  wasm-to-oci: config application/vnd.wasm.config.v1+json and
//             one application/vnd.wasm.content.layer.v1+wasm layer
// Every blob is checked against its descriptor's size and sha256 digest.
#pragma once
#include <string>

#include "image_process.hpp"

namespace mywasm::oci {

// Unpacks the image at `path` under the directory `dir` (an archive's
// layout to DIR/layout, a compat image's layers to DIR/rootfs) and returns
// what it runs. Throws Failure for anything malformed or missing.
ImageProcess unpack_image(const std::string& path, const std::string& dir);

}  // namespace mywasm::oci
