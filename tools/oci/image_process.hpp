// What an unpacked image runs, as `mywasm-image unpack` reports it (JSON on
// its stdout) and `mywasm run IMAGE` reads it. Kept apart from the image
// reader, so the mywasm binary needs neither libarchive nor libcrypto (the
// libraries those pull in would cost every start of mywasm).
#pragma once
#include <string>
#include <vector>

#include "guest.hpp"

namespace mywasm::oci {

struct ImageProcess {
  std::string rootfs;       // compat: the unpacked filesystem
  std::string module_path;  // artifact: the module blob (no rootfs)
  std::string module_name;  // artifact: its title, the guest's argv[0]
  std::vector<std::string> entrypoint, cmd, env;
  std::string working_dir;

  bool is_artifact() const { return rootfs.empty(); }
  std::string to_json() const;
  static ImageProcess from_json(const std::string& text);  // throws Failure
};

// The guest as `docker run IMAGE [ARGS]` starts it: Entrypoint, then `args`
// or else Cmd; the image's Env, then `env` overriding it; the rootfs as
// "/"; WorkingDir as PWD. The module is opened inside the rootfs and stays
// open in this process. Throws Failure.
GuestSpec guest_of(const ImageProcess& image, const std::vector<std::string>& args,
                   const std::vector<std::string>& env);

}  // namespace mywasm::oci
