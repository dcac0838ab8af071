#include "archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "failure.hpp"

namespace mywasm::oci {

namespace fs = std::filesystem;

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

la_ssize_t append_to_string(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

// An archive member's path made relative ("./a/b" -> "a/b"); nullopt for
// one that climbs out with "..".
std::optional<std::string> relative_member_path(const char* raw) {
  if (!raw) return std::nullopt;
  const fs::path p = fs::path(raw).lexically_normal().relative_path();
  for (const fs::path& part : p)
    if (part == "..") return std::nullopt;
  std::string s = p.string();
  if (s == ".") s.clear();
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// A whiteout entry: deletes a path of a lower layer (or, opaque, a directory's contents).
bool apply_whiteout(const fs::path& dest, const std::string& rel) {
  const fs::path p = rel;
  const std::string name = p.filename().string();
  if (name.rfind(".wh.", 0) != 0) return false;
  const fs::path dir = dest / p.parent_path();
  std::error_code ec;
  if (name == ".wh..wh..opq") {
    for (const auto& e : fs::directory_iterator(dir, ec)) fs::remove_all(e.path(), ec);
  } else {
    fs::remove_all(dir / name.substr(4), ec);
  }
  return true;
}

void copy_data(archive* in, archive* out, const std::string& name) {
  const void* buf;
  size_t size;
  la_int64_t offset;
  for (int r; (r = archive_read_data_block(in, &buf, &size, &offset)) != ARCHIVE_EOF;) {
    if (r < ARCHIVE_WARN) fail("{}: {}", name, archive_error_string(in));
    if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN)
      fail("{}: {}", name, archive_error_string(out));
  }
}

}  // namespace

std::string tar_bytes(const std::vector<TarMember>& members) {
  std::string out;
  ArchivePtr a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open2(a.get(), &out, nullptr, append_to_string, nullptr, nullptr) != ARCHIVE_OK)
    fail("tar: {}", archive_error_string(a.get()));
  for (const TarMember& m : members) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), m.path.c_str());
    archive_entry_set_filetype(e.get(), m.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e.get(), static_cast<mode_t>(m.directory ? 0755 : m.mode));
    archive_entry_set_size(e.get(), m.directory ? 0 : static_cast<la_int64_t>(m.data.size()));
    archive_entry_set_mtime(e.get(), 0, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        (!m.directory && archive_write_data(a.get(), m.data.data(), m.data.size()) < 0))
      fail("tar {}: {}", m.path, archive_error_string(a.get()));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) fail("tar: {}", archive_error_string(a.get()));
  return out;
}

void extract_tar(const std::string& tar_path, const std::string& dest, bool layer) {
  ArchivePtr in(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(in.get());
  archive_read_support_filter_all(in.get());
  if (archive_read_open_filename(in.get(), tar_path.c_str(), 1 << 16) != ARCHIVE_OK)
    fail("{}: {}", tar_path, archive_error_string(in.get()));
  ArchivePtr out(archive_write_disk_new(), archive_write_free);
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_UNLINK |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  archive_entry* e;
  for (int r; (r = archive_read_next_header(in.get(), &e)) != ARCHIVE_EOF;) {
    if (r < ARCHIVE_WARN) fail("{}: {}", tar_path, archive_error_string(in.get()));
    const auto rel = relative_member_path(archive_entry_pathname(e));
    if (!rel) fail("{}: member '{}' points outside the archive", tar_path, archive_entry_pathname(e));
    const auto type = archive_entry_filetype(e);
    if (rel->empty() || type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) continue;
    if (layer && apply_whiteout(dest, *rel)) continue;
    archive_entry_set_pathname(e, (fs::path(dest) / *rel).c_str());
    if (const char* link = archive_entry_hardlink(e)) {
      const auto link_rel = relative_member_path(link);
      if (!link_rel) fail("{}: hard link '{}' points outside the archive", tar_path, link);
      archive_entry_set_hardlink(e, (fs::path(dest) / *link_rel).c_str());
    }
    if (archive_write_header(out.get(), e) < ARCHIVE_WARN)
      fail("{}: {}: {}", tar_path, *rel, archive_error_string(out.get()));
    if (archive_entry_size(e) > 0) copy_data(in.get(), out.get(), tar_path);
    archive_write_finish_entry(out.get());
  }
}

}  // namespace mywasm::oci
