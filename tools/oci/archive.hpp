// Tar archives through libarchive: image layers and oci-archive files are
// read (plain or compressed) into directories, and written deterministically
// (mtime 0, owner root) so the same input gives the same digests.
#pragma once
#include <string>
#include <vector>

namespace mywasm::oci {

struct TarMember {
  std::string path;  // relative, "/"-separated
  std::string data;
  bool directory = false;
  int mode = 0644;
};

std::string tar_bytes(const std::vector<TarMember>& members);

// Unpacks the tar at `tar_path` under `dest`. Entries that would land
// outside `dest` ("..", through symlinks) make it fail; device nodes are
// skipped. With `layer`, OCI whiteouts (.wh.NAME, .wh..wh..opq) delete what
// earlier layers put there. Throws Failure.
void extract_tar(const std::string& tar_path, const std::string& dest, bool layer);

}  // namespace mywasm::oci
