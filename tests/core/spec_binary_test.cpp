// Runs the binary modules of the official spec suite (wasm-2.0, non-SIMD
// files) through the decoder and validator: every module must load, every
// binary assert_malformed must fail to decode, every binary assert_invalid
// must fail validation, each with the spec's message (prefix match, as the
// spec's own runner does). wast2json (wabt) turns the .wast scripts into
// .wasm files plus a JSON command list; without it the tests fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "module_bytes.hpp"

namespace mywasm {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = fs::path(MYWASM_SPEC_DIR) / "wasm-2.0";

// Commands whose binary wast2json encodes differently from the script:
// `(select (result))` becomes a plain `select`, so the spec's
// "invalid result arity" shows up as "type mismatch".
const std::set<std::pair<std::string, int>> kWast2jsonArtifacts = {{"select", 324}};

std::vector<std::string> suite_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kSuiteDir, ec)) {
    std::string stem = entry.path().stem().string();
    // SIMD is not implemented yet (its files are all about 0xFD opcodes).
    if (entry.path().extension() == ".wast" && !stem.starts_with("simd")) names.push_back(stem);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The value of "key": "..." or "key": N in one wast2json command line.
std::string json_field(const std::string& line, const std::string& key) {
  std::string pattern = "\"" + key + "\": ";
  size_t at = line.find(pattern);
  if (at == std::string::npos) return "";
  at += pattern.size();
  std::string value;
  if (line[at] != '"') {
    while (at < line.size() && isdigit(static_cast<unsigned char>(line[at]))) value += line[at++];
    return value;
  }
  for (++at; at < line.size() && line[at] != '"'; ++at) {
    if (line[at] == '\\' && at + 1 < line.size()) ++at;
    value += line[at];
  }
  return value;
}

std::vector<uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class SpecBinary : public testing::TestWithParam<std::string> {};

TEST_P(SpecBinary, DecodeAndValidate) {
  ASSERT_TRUE(fs::is_directory(kSuiteDir)) << "spec suite not found at " << kSuiteDir;
  ASSERT_EQ(std::system("wast2json --version > /dev/null 2>&1"), 0)
      << "wast2json (wabt) is required for the spec binary tests but is not on PATH";

  const std::string name = GetParam();
  fs::path out_dir = fs::temp_directory_path() / ("mywasm_spec_binary_" + std::to_string(getpid()));
  fs::create_directories(out_dir);
  fs::path json = out_dir / (name + ".json");
  std::string command = "wast2json '" + (kSuiteDir / (name + ".wast")).string() + "' -o '" + json.string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  std::ifstream commands(json);
  std::string line;
  int checked = 0;
  while (std::getline(commands, line)) {
    std::string type = json_field(line, "type");
    std::string file = json_field(line, "filename");
    if (file.empty() || !file.ends_with(".wasm")) continue;
    bool must_load = type == "module" || type == "assert_trap" || type == "assert_unlinkable" ||
                     type == "assert_uninstantiable";
    bool malformed = type == "assert_malformed";
    bool invalid = type == "assert_invalid";
    if (!must_load && !((malformed || invalid) && json_field(line, "module_type") == "binary")) continue;

    int source_line = std::stoi(json_field(line, "line"));
    SCOPED_TRACE(name + ".wast:" + std::to_string(source_line) + " (" + type + ")");
    const test::LoadResult loaded = test::load(read_file(out_dir / file));  // (also checks load_module agrees)
    const std::optional<LoadError>& decode_error = loaded.decode_error;
    const std::optional<LoadError>& validate_error = loaded.validate_error;
    ++checked;
    if (must_load) {
      EXPECT_FALSE(decode_error) << "decode: " << decode_error->message << " at " << decode_error->offset;
      EXPECT_FALSE(validate_error) << "validate: " << validate_error->message << " at " << validate_error->offset;
      continue;
    }
    const std::optional<LoadError>& error = malformed ? decode_error : validate_error;
    ASSERT_TRUE(error) << (malformed ? "decoded" : "validated") << " a module the spec rejects";
    std::string expected = json_field(line, "text");
    if (kWast2jsonArtifacts.count({name, source_line})) continue;
    EXPECT_TRUE(error->message.starts_with(expected))
        << "expected \"" << expected << "\", got \"" << error->message << "\" at " << error->offset;
  }
  RecordProperty("binary_modules_checked", checked);  // 0 for text-only scripts
  fs::remove_all(out_dir);
}

INSTANTIATE_TEST_SUITE_P(Wasm20, SpecBinary, testing::ValuesIn(suite_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace mywasm
