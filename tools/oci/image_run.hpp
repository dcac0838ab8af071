// `mywasm run IMAGE`: the image is unpacked by the mywasm-image program
// (beside this one, else on PATH; `mywasm-image unpack IMAGE DIR`) into a
// private temporary directory that lives as long as this object.
#pragma once
#include <string>

#include "image_process.hpp"

namespace mywasm::oci {

// Whether `path` looks like an image rather than a module: a directory with
// an oci-layout or index.json file, or a tar archive.
bool looks_like_image(const std::string& path);

class ImageRun {
 public:
  explicit ImageRun(const std::string& image_path);  // throws Failure
  ~ImageRun();
  ImageRun(const ImageRun&) = delete;
  ImageRun& operator=(const ImageRun&) = delete;

  const ImageProcess& process() const { return process_; }

 private:
  std::string temp_dir_;
  ImageProcess process_;
};

}  // namespace mywasm::oci
