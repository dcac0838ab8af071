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

// Every u32 at every length it fits in (linkers pad relocated indices to
// five bytes), with bytes after it and at the very end of the input: the
// value, and the position just past it.
TEST(Leb, U32AtEveryLengthWithAndWithoutBytesAfter) {
  const uint32_t values[] = {0, 1, 127, 128, 16383, 16384, 624485, 0x0FFFFFFF, 0x10000000, 0xFFFFFFFF};
  for (uint32_t value : values) {
    for (unsigned len = 1; len <= 5; ++len) {
      Bytes encoded;
      uint64_t rest = value;
      for (unsigned i = 0; i < len; ++i, rest >>= 7)
        encoded.push_back(static_cast<uint8_t>((rest & 0x7F) | (i + 1 < len ? 0x80 : 0)));
      if (rest != 0) continue;  // needs more than len bytes
      for (size_t after : {0u, 6u}) {
        Bytes b(encoded.size() + after, 0x55);
        std::copy(encoded.begin(), encoded.end(), b.begin());
        Reader r(b);
        EXPECT_EQ(r.u32(), value) << value << " in " << len << " bytes, " << after << " after";
        EXPECT_EQ(r.pos(), len) << value << " in " << len << " bytes, " << after << " after";
      }
    }
  }
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

// Every one- and two-byte encoding (which the reader decodes inline)
// against the LEB128 definition: 7 payload bits a byte, low first; a signed
// value's sign is bit 6 of its last byte.
TEST(Leb, ShortEncodingsMatchTheDefinition) {
  for (unsigned b0 = 0; b0 < 256; ++b0) {
    for (unsigned b1 = 0; b1 < (b0 < 0x80 ? 1u : 128u); ++b1) {
      const Bytes bytes = b0 < 0x80 ? Bytes{uint8_t(b0)} : Bytes{uint8_t(b0), uint8_t(b1)};
      const unsigned bits = 7 * unsigned(bytes.size());
      const uint64_t payload = (b0 & 0x7F) | (b0 < 0x80 ? 0 : uint64_t{b1} << 7);
      const int64_t value = (payload >> (bits - 1)) & 1 ? int64_t(payload) - (int64_t{1} << bits) : int64_t(payload);
      Reader u(bytes), s(bytes), l(bytes);
      EXPECT_EQ(u.u32(), payload) << b0 << " " << b1;
      EXPECT_EQ(s.s32(), value) << b0 << " " << b1;
      EXPECT_EQ(l.s64(), value) << b0 << " " << b1;
      EXPECT_TRUE(u.eof() && s.eof() && l.eof());
    }
  }
  // A continuation byte at the end is still the end of the input.
  EXPECT_EQ(leb_error(Bytes{0x80}, [](Reader& r) { r.s32(); }), "unexpected end");
  EXPECT_EQ(leb_error(Bytes{0xC0}, [](Reader& r) { r.u32(); }), "unexpected end");
}

}  // namespace
}  // namespace mywasm
