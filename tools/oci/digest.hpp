// sha256 digests as OCI descriptors name blobs ("sha256:<hex>"), through
// OpenSSL's libcrypto.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mywasm::oci {

// "sha256:<hex>" of the bytes, as OCI descriptors name blobs.
std::string sha256_digest(std::string_view bytes);

// The same of a file, read in pieces (blobs are modules of megabytes), and
// its size. Throws Failure.
std::string sha256_file_digest(const std::string& path, uint64_t* size);

}  // namespace mywasm::oci
