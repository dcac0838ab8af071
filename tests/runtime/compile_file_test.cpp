// Module::compile_file: a .wasm file read without the custom sections it
// does not need, giving the same module (and the same errors, at the same
// offsets) as Module::compile on the file's bytes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mywasm/mywasm.hpp"
#include "leb.hpp"
#include "runtime/module_impl.hpp"

namespace {

namespace fs = std::filesystem;

// A custom section `name` with `payload_size` bytes of payload after the name.
std::vector<uint8_t> custom_section(const std::string& name, size_t payload_size, uint8_t fill = 0xAB) {
  std::vector<uint8_t> body;
  mywasm::put_uleb(body, uint32_t(name.size()));
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), payload_size, fill);
  std::vector<uint8_t> out{0};
  mywasm::put_uleb(out, uint32_t(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

class CompileFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("mywasm-compile-file-" + std::to_string(::getpid()) + ".wasm");
    auto bytes = mywasm::wat_to_wasm(R"((module $m
      (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))))");
    ASSERT_TRUE(bytes.ok());
    module_ = *bytes;
  }
  void TearDown() override { fs::remove(path_); }
  void write(const std::vector<uint8_t>& bytes) {
    std::ofstream(path_, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  // Writes `bytes` to the file and compiles the module from it.
  mywasm::Result<mywasm::Module> compile_written(const std::vector<uint8_t>& bytes) {
    write(bytes);
    return mywasm::Module::compile_file(engine_, path_.string());
  }
  int32_t call_add(const mywasm::Module& module) {
    mywasm::Store store(engine_);
    mywasm::Linker linker(engine_);
    auto instance = linker.instantiate(store, module);
    EXPECT_TRUE(instance.ok());
    auto r = instance->func(store, "add")->call(store, {mywasm::Value::i32(2), mywasm::Value::i32(3)});
    EXPECT_TRUE(r.ok());
    return r.ok() ? (*r)[0].i32() : -1;
  }

  fs::path path_;
  std::vector<uint8_t> module_;
  mywasm::Engine engine_;
};

TEST_F(CompileFileTest, SkipsDebugSectionsKeepsNames) {
  // Debug sections before and after the code, as toolchains emit them.
  std::vector<uint8_t> bytes = module_;
  auto debug = custom_section(".debug_info", 3 << 20);
  bytes.insert(bytes.end(), debug.begin(), debug.end());
  auto module = compile_written(bytes);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  EXPECT_EQ(call_add(*module), 5);
  const auto& ir = module->impl()->module;
  EXPECT_EQ(ir.bytes.size(), bytes.size());  // file offsets are kept
  EXPECT_EQ(ir.module_name, "m");
  EXPECT_EQ(ir.func_display_name(0), "add");
}

// Debug sections are never loaded, not even their heads: the decoder steps
// over them. Names too long for the reader's look-ahead are loaded and
// checked by the decoder as before.
TEST_F(CompileFileTest, DebugSectionsAreSteppedOver) {
  std::vector<uint8_t> bytes = module_;
  for (const std::string& name : {std::string(".debug_info"), std::string(".debug_str"), std::string(100, 'x')}) {
    auto debug = custom_section(name, 70000);
    bytes.insert(bytes.end(), debug.begin(), debug.end());
  }
  auto module = compile_written(bytes);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  EXPECT_EQ(call_add(*module), 5);
  const auto& ir = module->impl()->module;
  ASSERT_EQ(ir.bytes.skipped.size(), 2u);
  EXPECT_EQ(ir.bytes.skipped[0].first, module_.size());
  EXPECT_EQ(ir.bytes[module_.size() + 1], 0) << "a stepped-over section's head was loaded";
  EXPECT_EQ(ir.func_display_name(0), "add");
}

TEST_F(CompileFileTest, IsAPrivateCopy) {
  auto module = compile_written(module_);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  write(std::vector<uint8_t>(module_.size(), 0));  // the file changes under it
  EXPECT_EQ(call_add(*module), 5);
}

TEST_F(CompileFileTest, ErrorsMatchCompileOnTheSameBytes) {
  std::vector<std::vector<uint8_t>> cases;
  // Cut off in the middle of the code section.
  cases.emplace_back(module_.begin(), module_.end() - 3);
  // A custom section whose name runs past the section.
  auto bad_name = module_;
  for (int b : {0x00, 0x03, 0x10, 0x61, 0x62}) bad_name.push_back(b);
  cases.push_back(bad_name);
  // A custom section longer than the file.
  auto long_custom = module_;
  for (int b : {0x00, 0xFF, 0x01, 0x01, 0x78}) long_custom.push_back(b);
  cases.push_back(long_custom);
  // A custom section name that is not UTF-8.
  auto bad_utf8 = module_;
  for (int b : {0x00, 0x03, 0x02, 0xC0, 0x80}) bad_utf8.push_back(b);
  cases.push_back(bad_utf8);
  // Not a module at all.
  cases.push_back({'h', 'i'});
  // A code section whose size is too small, followed by a debug section:
  // the decoder reads on past the section's end, into bytes a debug
  // section's (never loaded) would be.
  {
    auto code = mywasm::wat_to_wasm("(module (func (result i32) (i32.const 1)))");
    ASSERT_TRUE(code.ok());
    auto bytes = *code;
    // The code section is the last: id 10, size, count 1, body size, body.
    size_t at = bytes.size() - 1;
    while (bytes[at] != 0x0A) --at;  // (the body: 00 41 01 0b, no 0x0A inside)
    bytes[at + 1] -= 2;              // two bytes short
    bytes[at + 3] -= 2;              // and the body too
    auto debug = custom_section(".debug_info", 5000, 0x0B);
    bytes.insert(bytes.end(), debug.begin(), debug.end());
    cases.push_back(bytes);
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    auto from_file = compile_written(cases[i]);
    auto from_bytes = mywasm::Module::compile(engine_, cases[i]);
    ASSERT_FALSE(from_bytes.ok()) << "case " << i;
    ASSERT_FALSE(from_file.ok()) << "case " << i;
    EXPECT_EQ(from_file.error().message, from_bytes.error().message) << "case " << i;
    EXPECT_EQ(from_file.error().offset, from_bytes.error().offset) << "case " << i;
  }
}

TEST_F(CompileFileTest, MissingFile) {
  auto module = mywasm::Module::compile_file(engine_, (path_.string() + ".missing"));
  ASSERT_FALSE(module.ok());
  EXPECT_NE(module.error().message.find("cannot read"), std::string::npos) << module.error().message;
}

}  // namespace
