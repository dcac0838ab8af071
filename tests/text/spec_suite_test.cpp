// The front end over every script of the official spec test suite: each
// script parses, every text module that should encode does, and every
// quoted module under assert_malformed is rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "text/wast.hpp"

namespace mywasm::text {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> spec_scripts() {
  std::vector<fs::path> out;
  fs::path dir = fs::path(MYWASM_SPEC_DIR) / "wasm-2.0";
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    // SIMD instructions are not in the opcode table yet.
    if (e.path().extension() == ".wast" && !name.starts_with("simd_")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SpecSuite, EveryScriptParsesAndEncodes) {
  auto scripts = spec_scripts();
  ASSERT_GE(scripts.size(), 80u) << "spec suite not found under " << MYWASM_SPEC_DIR;
  size_t text_modules = 0, malformed_rejected = 0;
  for (const auto& path : scripts) {
    SCOPED_TRACE(path.filename().string());
    auto parsed = parse_wast(read_file(path));
    if (auto* e = std::get_if<TextError>(&parsed)) {
      ADD_FAILURE() << e->to_string();
      continue;
    }
    for (const Command& c : std::get<Script>(parsed).commands) {
      if (!c.module) continue;
      const ScriptModule& m = *c.module;
      bool expect_malformed = c.kind == Command::Kind::AssertMalformed;
      if (m.form == ScriptModule::Form::Text) {
        // Text modules under assert_invalid etc. must encode: rejecting them is the validator's job.
        EXPECT_FALSE(m.text_error.has_value())
            << "line " << c.line << ": " << (m.text_error ? m.text_error->to_string() : "");
        ++text_modules;
      } else if (m.form == ScriptModule::Form::Quote) {
        auto r = wat_to_binary(m.quote);
        bool rejected = std::holds_alternative<TextError>(r);
        EXPECT_EQ(rejected, expect_malformed)
            << "line " << c.line << ": " << (rejected ? std::get<TextError>(r).to_string() : "accepted");
        if (rejected && expect_malformed) ++malformed_rejected;
      }
    }
  }
  EXPECT_GE(text_modules, 2500u);
  EXPECT_GE(malformed_rejected, 500u);
}

}  // namespace
}  // namespace mywasm::text
