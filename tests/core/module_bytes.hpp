// Helpers for writing test modules as byte arrays by hand.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "decoder.hpp"
#include "leb.hpp"
#include "loader.hpp"
#include "validator.hpp"

namespace mywasm::test {

using Bytes = std::vector<uint8_t>;

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// An unsigned LEB128.
inline Bytes leb(uint64_t v) {
  Bytes out;
  put_uleb(out, v);
  return out;
}

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

// A section with a one-byte size (enough for hand-written tests).
inline Bytes section(uint8_t id, const Bytes& payload) {
  Bytes out(payload.size() + 2);
  out[0] = id;
  out[1] = static_cast<uint8_t>(payload.size());
  std::copy(payload.begin(), payload.end(), out.begin() + 2);
  return out;
}

// A module with one type `[] -> results`, one function of that type, the
// given extra sections before the code section, and the body `code`
// (instructions including the final end, no locals).
inline Bytes single_func_module(const Bytes& results, const Bytes& code, const Bytes& before_code = {},
                                const Bytes& locals = {0x00}) {
  Bytes type{0x01, 0x60, 0x00, static_cast<uint8_t>(results.size())};
  type.insert(type.end(), results.begin(), results.end());
  Bytes body = cat({locals, code});
  Bytes body_with_size = cat({{static_cast<uint8_t>(body.size())}, body});
  return cat({header(), section(1, type), section(3, {0x01, 0x00}), before_code,
              section(10, cat({{0x01}, body_with_size}))});
}

struct LoadResult {
  std::optional<LoadError> decode_error;
  std::optional<LoadError> validate_error;
  Module module;
  // The first error of either stage.
  const std::optional<LoadError>& error() const { return decode_error ? decode_error : validate_error; }
  std::string message() const { return error() ? error()->message : "ok"; }
};

// load_module decodes bodies in the validator's walk only; it must report
// exactly what decoding and then validating do (the error, its offset and
// which stage's it is) and produce the same bodies.
inline void expect_loader_agrees(std::span<const uint8_t> bytes, const LoadResult& staged) {
  Module m;
  const std::optional<LoadFailure> failure = load_module(bytes, m);
  const std::optional<LoadError>& expected = staged.error();
  ASSERT_EQ(failure.has_value(), expected.has_value())
      << "load_module: " << (failure ? failure->error.message : "ok") << ", staged: " << staged.message();
  if (failure) {
    EXPECT_EQ(failure->error.message, expected->message);
    EXPECT_EQ(failure->error.offset, expected->offset) << expected->message;
    EXPECT_EQ(failure->malformed, staged.decode_error.has_value()) << expected->message;
    return;
  }
  ASSERT_EQ(m.bodies.size(), staged.module.bodies.size());
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    EXPECT_EQ(m.bodies[i].code_end, staged.module.bodies[i].code_end) << "body " << i;
    EXPECT_EQ(m.bodies[i].max_depth, staged.module.bodies[i].max_depth) << "body " << i;
  }
}

inline LoadResult load(const Bytes& bytes) {
  LoadResult r;
  r.decode_error = decode_module(bytes, r.module);
  if (!r.decode_error) r.validate_error = validate_module(r.module);
  expect_loader_agrees(bytes, r);
  return r;
}

}  // namespace mywasm::test
