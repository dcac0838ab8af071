#include <gtest/gtest.h>

#include "leb.hpp"
#include "module_bytes.hpp"

namespace mywasm {
namespace {

using test::Bytes;

// Runs `read` on `bytes` and returns the error message ("" if none).
template <typename F>
std::string leb_error(const Bytes& bytes, F read) {
  Reader r(bytes);
  try {
    read(r);
  } catch (const LoadError& e) {
    return e.message;
  }
  return "";
}

TEST(Leb, U32SingleAndMultiByte) {
  Bytes b{0x05, 0xE5, 0x8E, 0x26, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  Reader r(b);
  EXPECT_EQ(r.u32(), 5u);
  EXPECT_EQ(r.u32(), 624485u);
  EXPECT_EQ(r.u32(), 0xFFFFFFFFu);
  EXPECT_TRUE(r.eof());
}

TEST(Leb, U32OverlongWithinFiveBytesIsAccepted) {
  Bytes b{0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(b);
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_EQ(r.pos(), 5u);
}

TEST(Leb, U32SixBytesIsTooLong) {
  EXPECT_EQ(leb_error(Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, [](Reader& r) { r.u32(); }),
            "integer representation too long");
}

TEST(Leb, U32UnusedBitsMustBeZero) {
  EXPECT_EQ(leb_error(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, [](Reader& r) { r.u32(); }), "integer too large");
  EXPECT_EQ(leb_error(Bytes{0x80, 0x80, 0x80, 0x80, 0x70}, [](Reader& r) { r.u32(); }), "integer too large");
}

TEST(Leb, S32SignExtensionRules) {
  Bytes ok{0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x80, 0x80, 0x80, 0x80, 0x78};
  Reader r(ok);
  EXPECT_EQ(r.s32(), -1);
  EXPECT_EQ(r.s32(), -1);
  EXPECT_EQ(r.s32(), INT32_MIN);
  // Last byte's unused bits must all equal the sign bit.
  EXPECT_EQ(leb_error(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, [](Reader& r) { r.s32(); }), "integer too large");
  EXPECT_EQ(leb_error(Bytes{0x80, 0x80, 0x80, 0x80, 0x08}, [](Reader& r) { r.s32(); }), "integer too large");
  EXPECT_EQ(leb_error(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, [](Reader& r) { r.s32(); }),
            "integer representation too long");
}

TEST(Leb, S33AndS64) {
  Bytes b{0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,                          // s33
          0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};  // s64 min
  Reader r(b);
  EXPECT_EQ(r.s33(), -64);
  EXPECT_EQ(r.s33(), 0xFFFFFFFFll);
  EXPECT_EQ(r.s64(), INT64_MIN);
  EXPECT_EQ(leb_error(Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, [](Reader& r) { r.s64(); }),
            "integer too large");
}

TEST(Leb, U64Limits) {
  Bytes b{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  Reader r(b);
  EXPECT_EQ(r.u64(), UINT64_MAX);
  EXPECT_EQ(leb_error(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, [](Reader& r) { r.u64(); }),
            "integer too large");
}

TEST(Leb, RunningOutOfBytes) {
  EXPECT_EQ(leb_error(Bytes{0x80, 0x80}, [](Reader& r) { r.u32(); }), "unexpected end");
  // A sub-range (a section or function body) has its own wording.
  Bytes b{0x80, 0x80, 0x00};
  Reader sub(b, 0, 2);
  try {
    sub.u32();
    FAIL() << "expected an error";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.message, "unexpected end of section or function");
    EXPECT_EQ(e.offset, 2u);
  }
}

TEST(Leb, ErrorOffsetPointsAtTheBadByte) {
  Bytes b{0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  Reader r(b);
  r.u8();
  try {
    r.u32();
    FAIL() << "expected an error";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.message, "integer too large");
    EXPECT_EQ(e.offset, 5u);
  }
}

TEST(Leb, FloatBitsAreLittleEndian) {
  Bytes b{0x00, 0x00, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F};
  Reader r(b);
  EXPECT_EQ(r.f32_bits(), 0x3F800000u);
  EXPECT_EQ(r.f64_bits(), 0x3FF0000000000000ull);
}

}  // namespace
}  // namespace mywasm
