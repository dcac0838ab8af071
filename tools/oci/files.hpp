// Small file helpers of the OCI layer. Each throws Failure with a message
// that names the file.
#pragma once
#include <string>
#include <string_view>

namespace mywasm::oci {

std::string read_text(const std::string& path);
// Writes through a temporary file and rename, so a reader never sees half.
void write_text_atomic(const std::string& path, std::string_view text);

// Opens `path` (absolute or relative) inside the directory `root` as if
// `root` were "/": "..", absolute symlinks and links pointing out of it stay
// inside (openat2 RESOLVE_IN_ROOT). Returns an O_RDONLY fd, or -1 with errno.
int open_in_root(const std::string& root, const std::string& path);

// open_in_root for the entry point of a container or image: throws Failure
// when it is missing or not a WebAssembly module.
int open_module_in_root(const std::string& root, const std::string& path);

// Whether the file open as `fd` starts with the WebAssembly magic "\0asm".
bool has_wasm_magic(int fd);

// A fresh private directory under $TMPDIR (or /tmp) named PREFIX-XXXXXX.
std::string make_temp_dir(const std::string& prefix);

}  // namespace mywasm::oci
