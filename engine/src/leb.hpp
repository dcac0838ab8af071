// LEB128 for the WebAssembly binary format, both ways: a bounds-checked
// byte reader whose decoding follows the spec's exact rules, and the
// encoders everything that writes modules uses (the text front end, the
// tests' module builders, the fuzzers' generator). The reader's rules:
//   - an N-bit integer takes at most ceil(N/7) bytes; over-long encodings
//     within that limit (e.g. `80 80 80 80 00` for u32 0) are valid;
//   - a continuation bit on the last allowed byte is
//     "integer representation too long";
//   - unused bits of the last byte must be zero (unsigned) or a sign
//     extension (signed), else "integer too large".
// Errors are thrown as LoadError (the decoder and validator catch them at
// their entry points); code that reads already-validated bodies never sees
// one. The reader tracks positions as offsets into the whole module so that
// every error carries its module offset.
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "load_error.hpp"

namespace mywasm {

class Reader {
 public:
  // Reads bytes[begin, end). Offsets are indices into `bytes`.
  explicit Reader(std::span<const uint8_t> bytes) : Reader(bytes, 0, bytes.size()) {}
  Reader(std::span<const uint8_t> bytes, size_t begin, size_t end)
      : data_(bytes.data()), pos_(begin), end_(end),
        eof_message_(end < bytes.size() ? kEndOfSection : kEndOfModule) {}

  // The spec's two wordings for running out of bytes.
  static constexpr const char* kEndOfModule = "unexpected end";
  static constexpr const char* kEndOfSection = "unexpected end of section or function";
  void set_eof_message(const char* message) { eof_message_ = message; }

  size_t pos() const { return pos_; }
  uint32_t offset() const { return static_cast<uint32_t>(pos_); }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool eof() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }

  // Narrows the readable range (a section or function body); returns the
  // previous end so the caller can restore it with set_end.
  size_t set_end(size_t new_end) {
    size_t old = end_;
    end_ = new_end;
    return old;
  }
  void seek(size_t pos) { pos_ = pos; }
  void skip(size_t n) {
    need(n);
    pos_ += n;
  }

  [[noreturn]] static void fail(std::string message, size_t offset) {
    throw LoadError{std::move(message), static_cast<uint32_t>(offset)};
  }

  uint8_t peek() {
    need(1);
    return data_[pos_];
  }
  [[gnu::always_inline]] uint8_t u8() {
    need(1);
    return data_[pos_++];
  }
  uint32_t fixed_u32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, data_ + pos_, 4);
    pos_ += 4;
    return v;
  }
  uint32_t f32_bits() { return fixed_u32(); }
  uint64_t f64_bits() {
    need(8);
    uint64_t v;
    std::memcpy(&v, data_ + pos_, 8);
    pos_ += 8;
    return v;
  }

  [[gnu::always_inline]] uint32_t u32() {
    uint64_t v;
    if (short_leb(v)) return static_cast<uint32_t>(v);
    return long_u32();
  }
  uint64_t u64() { return unsigned_leb(64); }
  [[gnu::always_inline]] int32_t s32() {
    uint64_t v;
    if (unsigned n = short_leb(v)) return static_cast<int32_t>(sign_extend(v, 7 * n));
    return static_cast<int32_t>(signed_leb(32));
  }
  int64_t s33() { return signed_leb(33); }
  [[gnu::always_inline]] int64_t s64() {
    uint64_t v;
    if (unsigned n = short_leb(v)) return sign_extend(v, 7 * n);
    return signed_leb(64);
  }

  // A vector length. Every element takes at least one byte, so callers
  // reserve at most reservable(n) to keep bogus counts from allocating.
  uint32_t count() { return u32(); }
  size_t reservable(uint32_t n) const { return n < remaining() ? n : remaining(); }

  // A byte length that must fit in the remaining input
  // ("length out of bounds" otherwise).
  uint32_t byte_length() {
    size_t at = pos_;
    uint32_t n = u32();
    if (n > remaining()) fail("length out of bounds", at);
    return n;
  }

  // Throws the end-of-data error appropriate to the current range. Inline
  // with the throw out of line: every byte of every body goes through here
  // (the decoder's scan, the validator, the translator).
  [[gnu::always_inline]] void need(size_t n) {
    if (__builtin_expect(end_ - pos_ < n, 0)) fail_at_end();
  }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] void fail_at_end() const { fail(eof_message_, end_); }

  // Inline readers of the one- and two-byte LEBs most immediates are: at
  // those lengths no rule of a 32-bit or wider integer can be broken. The
  // 7 or 14 payload bits go to `v` (the caller sign-extends signed ones);
  // short_leb returns the length read, 0 (reading nothing) for anything
  // longer or at the end.
  [[gnu::always_inline]] unsigned short_leb(uint64_t& v) {
    if (__builtin_expect(pos_ < end_ && data_[pos_] < 0x80, 1)) {
      v = data_[pos_++];
      return 1;
    }
    return two_byte_leb(v) ? 2 : 0;
  }
  [[gnu::always_inline]] bool two_byte_leb(uint64_t& v) {
    if (end_ - pos_ < 2 || data_[pos_ + 1] >= 0x80) return false;
    v = (data_[pos_] & 0x7Fu) | uint64_t{data_[pos_ + 1]} << 7;
    pos_ += 2;
    return true;
  }
  // A u32 of three to five bytes, unrolled. Linkers leave relocated
  // indices (calls, globals, type indices) padded to five bytes, and those
  // took the byte loop about 100 instructions each. Near the end of the
  // input, or for a malformed one, the checked loop decides (and reports).
  [[gnu::noinline]] uint32_t long_u32() {
    if (end_ - pos_ >= 5) {
      const uint8_t* p = data_ + pos_;
      uint32_t v = (p[0] & 0x7Fu) | (p[1] & 0x7Fu) << 7;
      for (unsigned i = 2; i < 4; ++i) {
        v |= (p[i] & 0x7Fu) << (7 * i);
        if (p[i] < 0x80) {
          pos_ += i + 1;
          return v;
        }
      }
      if (p[4] < 0x10) {  // the last 4 bits, no continuation
        pos_ += 5;
        return v | uint32_t{p[4]} << 28;
      }
    }
    return static_cast<uint32_t>(unsigned_leb(32));
  }
  // A signed LEB's `bits` payload bits (7 per byte read) as an integer.
  static int64_t sign_extend(uint64_t v, int bits) {
    return static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
  }

  uint64_t unsigned_leb(int bits) {
    uint64_t result = 0;
    int shift = 0;
    for (int left = bits;; left -= 7) {
      if (left <= 0) fail("integer representation too long", pos_);
      uint8_t b = u8();
      if (left < 7 && (b & 0x7F) >= (1u << left)) fail("integer too large", pos_ - 1);
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  }

  int64_t signed_leb(int bits) {
    uint64_t result = 0;
    int shift = 0;
    for (int left = bits;; left -= 7) {
      if (left <= 0) fail("integer representation too long", pos_);
      uint8_t b = u8();
      if (left < 7) {
        uint8_t mask = static_cast<uint8_t>((0xFFu << (left - 1)) & 0x7F);
        if ((b & mask) != 0 && (b & mask) != mask) fail("integer too large", pos_ - 1);
      }
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return static_cast<int64_t>(result);
      }
    }
  }

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
  const char* eof_message_;
};

// The shortest unsigned LEB128 of `v`.
inline void put_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    const uint8_t low = v & 0x7F;
    v >>= 7;
    out.push_back(v ? low | 0x80 : low);
  } while (v);
}

// The shortest signed LEB128 of `v`: it ends where the rest is the sign
// extension of the last byte's bit 6.
inline void put_sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    const uint8_t low = v & 0x7F;
    v >>= 7;  // arithmetic
    const bool last = (v == 0 && !(low & 0x40)) || (v == -1 && (low & 0x40));
    out.push_back(last ? low : low | 0x80);
    if (last) return;
  }
}

}  // namespace mywasm
