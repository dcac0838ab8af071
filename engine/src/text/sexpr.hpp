// The lexical layer of the text front end: tokens grouped into
// S-expressions, plus the spec's literal syntax (integers, floats, names).
// Both the WAT module encoder and the WAST script parser work on the
// S-expression tree, which makes forward references (names defined later
// in a module) a matter of walking the tree twice.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/wast.hpp"

namespace mywasm::text {

// Internal failure, thrown inside the front end and turned into a
// TextError at the public entry points.
struct TextFailure {
  TextError error;
};
[[noreturn]] void fail_at(std::string message, uint32_t line, uint32_t column);

struct SExpr {
  enum class Kind : uint8_t { List, Atom, Id, String };
  Kind kind = Kind::List;
  // Atom/Id: the source text (an Id keeps its '$'); String: the decoded bytes.
  std::string text;
  std::vector<SExpr> items;  // List
  uint32_t line = 0, column = 0;
  // Byte range in the source (used to slice out text modules verbatim).
  size_t begin = 0, end = 0;

  bool is_list() const { return kind == Kind::List; }
  bool is_atom() const { return kind == Kind::Atom; }
  bool is_id() const { return kind == Kind::Id; }
  bool is_string() const { return kind == Kind::String; }
  bool is_atom(std::string_view keyword) const { return kind == Kind::Atom && text == keyword; }
  // A list whose first element is the given keyword: (head ...).
  bool is_list(std::string_view head) const {
    return kind == Kind::List && !items.empty() && items[0].is_atom(head);
  }
  std::string_view head() const {
    return is_list() && !items.empty() && items[0].is_atom() ? std::string_view(items[0].text)
                                                            : std::string_view();
  }
  [[noreturn]] void fail(std::string message) const { fail_at(std::move(message), line, column); }
};

// Reads every top-level S-expression of a source text. Comments and
// annotations "(@...)" are dropped.
std::vector<SExpr> read_sexprs(std::string_view source);
// The same, but a ")" with no "(" to close stops the reading instead of
// failing: *stray_close becomes true and the expressions before it are
// returned. A streaming parser (the spec's reference interpreter) reports
// any error in those expressions before it reaches the stray ")".
std::vector<SExpr> read_sexprs_before_stray_close(std::string_view source, bool* stray_close);

bool is_valid_utf8(std::string_view bytes);

// ---- literals -------------------------------------------------------------
// Each returns nullptr on success, else the error message: "unknown operator"
// for bad syntax (the token is not a number, so the reference interpreter
// reads it as an unknown keyword) or "constant out of range".

// A u32/u64 written without sign (indices, limits, alignments).
const char* parse_nat(std::string_view text, unsigned bits, uint64_t& out);
// An iN literal: signed or unsigned form; the result is the two's-complement bit pattern.
const char* parse_int(std::string_view text, unsigned bits, uint64_t& out);
// An fN literal (decimal, hex, inf, nan, nan:0x...), as IEEE bits.
const char* parse_float(std::string_view text, unsigned bits, uint64_t& out);

// A v128 literal "shape lane*" (as after v128.const) read from
// parent.items[i..], advancing i. Lane values take the iN/fN literal syntax.
// With `lane_kinds`, lanes may also be nan:canonical / nan:arithmetic (in
// expected results): then lane_kinds/lane_bits describe every lane and
// pattern lanes are left zero.
V128 parse_v128(const SExpr& parent, size_t& i, std::vector<Expected::Kind>* lane_kinds = nullptr,
                uint8_t* lane_bits = nullptr);

}  // namespace mywasm::text
