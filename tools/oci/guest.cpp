#include "guest.hpp"

#include <algorithm>

namespace mywasm::oci {

namespace {

std::string_view env_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::vector<std::string> merge_env(std::vector<std::string> base, const std::vector<std::string>& overrides) {
  for (const std::string& entry : overrides) {
    auto same = std::find_if(base.begin(), base.end(),
                             [&](const std::string& e) { return env_name(e) == env_name(entry); });
    if (same != base.end())
      *same = entry;
    else
      base.push_back(entry);
  }
  return base;
}

void add_working_dir(GuestSpec& guest, const std::string& cwd) {
  const bool has_pwd = std::any_of(guest.env.begin(), guest.env.end(),
                                   [](const std::string& e) { return env_name(e) == "PWD"; });
  if (!cwd.empty() && !has_pwd) guest.env.push_back("PWD=" + cwd);
}

}  // namespace mywasm::oci
