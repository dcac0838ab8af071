// load_module: bodies are decoded only in the validator's walk, yet the
// errors are the ones decoding and then validating report. The cases here
// are the ones where the order matters (every other core test's load()
// also compares the two, see module_bytes.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "module_bytes.hpp"

namespace mywasm {
namespace {

using test::Bytes;
using test::cat;
using test::header;
using test::load;
using test::section;

// A module of functions `[] -> []` with the given bodies (locals and
// instructions, without the size), `before_code` sections before the code
// section and `after_code` after it.
Bytes module_with_bodies(const std::vector<Bytes>& bodies, const Bytes& before_code = {},
                         const Bytes& after_code = {}) {
  Bytes funcs{static_cast<uint8_t>(bodies.size())};
  Bytes code{static_cast<uint8_t>(bodies.size())};
  for (const Bytes& body : bodies) {
    funcs.push_back(0x00);
    code = cat({code, {static_cast<uint8_t>(body.size())}, body});
  }
  return cat({header(), section(1, {0x01, 0x60, 0x00, 0x00}), section(3, funcs), before_code, section(10, code),
              after_code});
}

const Bytes kValid{0x00, 0x0B};
const Bytes kInvalid{0x00, 0x6A, 0x0B};    // i32.add on an empty stack
const Bytes kMalformed{0x00, 0xFF, 0x0B};  // an illegal opcode

// The first error, checked to be the same through load_module and of the
// stage `malformed` names.
std::string first_error(const Bytes& bytes, bool malformed) {
  test::LoadResult r = load(bytes);
  EXPECT_EQ(r.decode_error.has_value(), malformed) << r.message();
  return r.message();
}

TEST(Loader, AMalformedBodyWinsOverAnInvalidOneBeforeIt) {
  EXPECT_EQ(first_error(module_with_bodies({kValid, kInvalid, kMalformed}), true), "illegal opcode ff");
  EXPECT_EQ(first_error(module_with_bodies({kValid, kInvalid, kValid}), false), "type mismatch");
}

TEST(Loader, AMalformedBodyWinsOverAnInvalidGlobal) {
  Bytes global = section(6, {0x01, 0x7F, 0x00, 0x42, 0x00, 0x0B});  // (global i32 (i64.const 0))
  EXPECT_EQ(first_error(module_with_bodies({kMalformed}, global), true), "illegal opcode ff");
  EXPECT_EQ(first_error(module_with_bodies({kValid}, global), false), "type mismatch");
}

TEST(Loader, AMalformedBodyWinsOverAMalformedDataSection) {
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes bad_data = section(11, {0x01, 0x03});  // segment kind 3
  EXPECT_EQ(first_error(module_with_bodies({kValid, kMalformed}, memory, bad_data), true), "illegal opcode ff");
  EXPECT_EQ(first_error(module_with_bodies({kValid, kValid}, memory, bad_data), true), "malformed data segment kind");
}

TEST(Loader, BodyEncodingErrorsTheValidatorWouldNameOtherwise) {
  // Code after the final `end` but inside the declared size.
  EXPECT_EQ(first_error(module_with_bodies({{0x00, 0x0B, 0x01}}), true), "section size mismatch");
  // `else` in a block: the format's error, not the validator's "else without if".
  EXPECT_EQ(first_error(module_with_bodies({{0x00, 0x02, 0x40, 0x05, 0x0B, 0x0B}}), true), "END opcode expected");
  // No final `end` within the declared size: read on into the next body.
  EXPECT_EQ(first_error(module_with_bodies({{0x00, 0x01}, kValid}), true), "unexpected end of section or function");
}

TEST(Loader, DataCountSectionRequiredEvenAfterAnInvalidBody) {
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes data = section(11, {0x01, 0x01, 0x00});
  Bytes data_drop{0x00, 0xFC, 0x09, 0x00, 0x0B};
  EXPECT_EQ(first_error(module_with_bodies({kInvalid, data_drop}, memory, data), true), "data count section required");
  EXPECT_EQ(first_error(module_with_bodies({data_drop}, memory, data), true), "data count section required");
}

TEST(Loader, RecordsTheDeepestNesting) {
  // block (loop (if (block end) else end) end) end, then block end
  Bytes body{0x00, 0x02, 0x40, 0x03, 0x40, 0x41, 0x00, 0x04, 0x40, 0x02, 0x40, 0x0B, 0x05, 0x0B,
             0x0B, 0x0B, 0x02, 0x40, 0x0B, 0x0B};
  Module m;
  ASSERT_FALSE(load_module(module_with_bodies({kValid, body}), m));
  EXPECT_EQ(m.bodies[0].max_depth, 0u);
  EXPECT_EQ(m.bodies[1].max_depth, 4u);
}

}  // namespace
}  // namespace mywasm
