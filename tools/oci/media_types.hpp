// OCI media types and annotations that images are read and written with.
#pragma once

namespace mywasm::oci::media {

inline constexpr const char* kIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kImageConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
// wasm-to-oci artifacts: the module itself is the one layer.
inline constexpr const char* kWasmConfig = "application/vnd.wasm.config.v1+json";
inline constexpr const char* kWasmLayer = "application/vnd.wasm.content.layer.v1+wasm";

inline constexpr const char* kRefName = "org.opencontainers.image.ref.name";
inline constexpr const char* kTitle = "org.opencontainers.image.title";
inline constexpr const char* kWasmVariant = "module.wasm.image/variant";

}  // namespace mywasm::oci::media
