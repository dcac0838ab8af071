#include "digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "failure.hpp"

namespace mywasm::oci {

namespace {

std::string digest_name(const unsigned char* md, unsigned len) {
  std::string name = "sha256:";
  for (unsigned i = 0; i < len; ++i) name += fmt::format("{:02x}", md[i]);
  return name;
}

}  // namespace

std::string sha256_digest(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr)) fail("sha256 failed");
  return digest_name(md, len);
}

std::string sha256_file_digest(const std::string& path, uint64_t* size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot read '{}': {}", path, std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  *size = 0;
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n < 0) continue;
    EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(n));
    *size += static_cast<uint64_t>(n);
  }
  const int saved = errno;
  ::close(fd);
  if (n < 0) fail("cannot read '{}': {}", path, std::strerror(saved));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return digest_name(md, len);
}

}  // namespace mywasm::oci
