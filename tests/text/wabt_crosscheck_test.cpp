// Cross-check against wabt: every text module of the spec suite must be
// encoded byte-for-byte as wast2json encodes it. wabt is a reference tool
// here only; the test fails (does not skip) when wast2json is missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "text/wast.hpp"

namespace mywasm::text {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Deliberate differences from wat2wasm, by file and module line.
bool known_difference(const std::string& file, uint32_t line) {
  // (select (result)) : wat2wasm writes a plain `select`; we keep the
  // typed form with an empty type vector, which the validator rejects
  // with the expected "invalid result arity".
  return file == "select.wast" && line == 324;
}

TEST(WabtCrossCheck, TextModulesAreByteIdentical) {
  ASSERT_EQ(std::system("wast2json --version > /dev/null 2>&1"), 0)
      << "wast2json (wabt) is required for this cross-check";
  fs::path dir = fs::path(MYWASM_SPEC_DIR) / "wasm-2.0";
  fs::path tmp = fs::temp_directory_path() / ("mywasm_wabt_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::vector<fs::path> scripts;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".wast" && !e.path().filename().string().starts_with("simd_"))
      scripts.push_back(e.path());
  std::sort(scripts.begin(), scripts.end());
  ASSERT_GE(scripts.size(), 80u);

  const std::regex entry(R"re("line": (\d+),(?: "name": "[^"]*",)? "filename": "([^"]+\.wasm)")re");
  size_t compared = 0, identical = 0;
  for (const auto& path : scripts) {
    std::string file = path.filename().string();
    SCOPED_TRACE(file);
    fs::path json = tmp / "out.json";
    std::string cmd = "wast2json '" + path.string() + "' -o '" + json.string() + "' > /dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) continue;  // wabt rejects some scripts; nothing to compare
    auto parsed = parse_wast(slurp(path));
    ASSERT_TRUE(std::holds_alternative<Script>(parsed));
    std::map<uint32_t, const ScriptModule*> ours;
    for (const Command& c : std::get<Script>(parsed).commands)
      if (c.module && c.module->form == ScriptModule::Form::Text && !c.module->text_error)
        ours[c.module->line] = &*c.module;
    std::string text = slurp(json);
    for (std::sregex_iterator it(text.begin(), text.end(), entry), end; it != end; ++it) {
      uint32_t line = static_cast<uint32_t>(std::stoul((*it)[1]));
      auto found = ours.find(line);
      if (found == ours.end()) continue;  // a binary or quoted module
      std::string wabt = slurp(tmp / (*it)[2].str());
      const auto& bytes = found->second->binary;
      ++compared;
      if (std::string(bytes.begin(), bytes.end()) == wabt) ++identical;
      else if (!known_difference(file, line)) ADD_FAILURE() << "module at line " << line << " differs from wabt";
    }
    for (const auto& e : fs::directory_iterator(tmp)) fs::remove(e.path());
  }
  fs::remove_all(tmp);
  std::cout << "[ wabt     ] " << identical << "/" << compared << " text modules byte-identical\n";
  EXPECT_GE(compared, 2500u);
}

}  // namespace
}  // namespace mywasm::text
