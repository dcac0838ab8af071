// Lexer, S-expression reader and literal parsing for the text format.
#include "text/sexpr.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace mywasm::text {

std::string TextError::to_string() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

void fail_at(std::string message, uint32_t line, uint32_t column) {
  throw TextFailure{TextError{std::move(message), line, column}};
}

namespace {

// Characters that may appear in keywords, ids, numbers and reserved tokens.
bool is_idchar(char c) {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  return std::strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != nullptr && c != '\0';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Reader {
 public:
  explicit Reader(std::string_view src) : src_(src) {}

  std::vector<SExpr> read_all(bool* stray_close = nullptr) {
    std::vector<SExpr> out;
    for (;;) {
      skip_space();
      if (pos_ >= src_.size()) return out;
      if (src_[pos_] == ')') {
        if (!stray_close) error("unexpected token \")\"");
        *stray_close = true;
        return out;
      }
      if (auto e = read_one()) out.push_back(std::move(*e));
    }
  }

 private:
  [[noreturn]] void error(std::string msg) { fail_at(std::move(msg), line_, col_); }

  char peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  void advance() {
    if (src_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  void skip_space() {
    for (;;) {
      if (pos_ >= src_.size()) return;
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == ';' && peek(1) == ';') {
        // A line comment ends at a newline: LF, CR or CR LF (Wasm 3.0's
        // text format; 2.0 named only LF).
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') advance();
      } else if (c == '(' && peek(1) == ';') {
        skip_block_comment();
      } else {
        return;
      }
    }
  }

  void skip_block_comment() {
    uint32_t depth = 0;
    do {
      if (pos_ >= src_.size()) error("unclosed comment");
      if (peek() == '(' && peek(1) == ';') {
        advance(), advance();
        ++depth;
      } else if (peek() == ';' && peek(1) == ')') {
        advance(), advance();
        --depth;
      } else {
        advance();
      }
    } while (depth > 0);
  }

  // Reads one S-expression; nullopt for a skipped annotation.
  std::optional<SExpr> read_one() {
    SExpr e;
    e.line = line_;
    e.column = col_;
    e.begin = pos_;
    char c = src_[pos_];
    if (c == '(') {
      advance();
      if (peek() == '@') {  // annotation: skip to the matching paren
        skip_annotation_body();
        return std::nullopt;
      }
      e.kind = SExpr::Kind::List;
      // Bounded so that hostile input cannot exhaust the native stack.
      if (++depth_ > kMaxDepth) error("nesting too deep");
      for (;;) {
        skip_space();
        if (pos_ >= src_.size()) fail_at("unclosed parenthesis", e.line, e.column);
        if (src_[pos_] == ')') {
          advance();
          --depth_;
          break;
        }
        if (auto item = read_one()) e.items.push_back(std::move(*item));
      }
    } else if (c == '"') {
      e.kind = SExpr::Kind::String;
      e.text = read_string();
      // Tokens must be separated: "a""b" and "a"x are malformed.
      if (pos_ < src_.size() && (src_[pos_] == '"' || is_idchar(src_[pos_]))) error("unknown operator");
    } else if (is_idchar(c)) {
      size_t start = pos_;
      while (pos_ < src_.size() && is_idchar(src_[pos_])) advance();
      e.text = std::string(src_.substr(start, pos_ - start));
      e.kind = e.text[0] == '$' ? SExpr::Kind::Id : SExpr::Kind::Atom;
      if (e.kind == SExpr::Kind::Id && e.text.size() == 1) error("empty identifier");
      // A token must be followed by a delimiter ("0x1"x is not two tokens).
      if (pos_ < src_.size() && src_[pos_] == '"') error("unknown operator");
    } else {
      error("unexpected character");
    }
    e.end = pos_;
    return e;
  }

  void skip_annotation_body() {
    uint32_t depth = 1;
    while (depth > 0) {
      if (pos_ >= src_.size()) error("unclosed annotation");
      char c = src_[pos_];
      if (c == '"') {
        read_string();
      } else if (c == ';' && peek(1) == ';') {
        skip_space();
      } else if (c == '(' && peek(1) == ';') {
        skip_block_comment();
      } else {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        advance();
      }
    }
  }

  std::string read_string() {
    std::string out;
    advance();  // opening quote
    for (;;) {
      if (pos_ >= src_.size()) error("unclosed string");
      unsigned char c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        advance();
        return out;
      }
      if (c == '\n' || c < 0x20 || c == 0x7F) error("illegal character in string");
      if (c != '\\') {
        out += static_cast<char>(c);
        advance();
        continue;
      }
      advance();
      char e = peek();
      switch (e) {
        case 'n': out += '\n'; advance(); break;
        case 't': out += '\t'; advance(); break;
        case 'r': out += '\r'; advance(); break;
        case '"': out += '"'; advance(); break;
        case '\'': out += '\''; advance(); break;
        case '\\': out += '\\'; advance(); break;
        case 'u': {
          advance();
          if (peek() != '{') error("illegal escape");
          advance();
          uint32_t cp = 0;
          int digits = 0;
          while (hex_value(peek()) >= 0 || (peek() == '_' && digits > 0)) {
            if (peek() != '_') {
              cp = cp * 16 + static_cast<uint32_t>(hex_value(peek()));
              if (cp > 0x10FFFF) error("illegal escape");
              ++digits;
            }
            advance();
          }
          if (digits == 0 || peek() != '}') error("illegal escape");
          advance();
          if (cp >= 0xD800 && cp < 0xE000) error("illegal escape");
          append_utf8(out, cp);
          break;
        }
        default: {
          int hi = hex_value(e), lo = hex_value(peek(1));
          if (hi < 0 || lo < 0) error("illegal escape");
          out += static_cast<char>(hi * 16 + lo);
          advance(), advance();
        }
      }
    }
  }

  // Deep enough for any real module; shallow enough that the recursive
  // reader and the tree's destructor fit the native stack even in
  // sanitizer builds, whose frames are several times larger.
  static constexpr uint32_t kMaxDepth = 1000;
  std::string_view src_;
  size_t pos_ = 0;
  uint32_t depth_ = 0;
  uint32_t line_ = 1, col_ = 1;
};

// Checks digit groups: digits separated by single underscores, none leading
// or trailing. Returns the digits without underscores, or false.
bool strip_digits(std::string_view s, bool hex, std::string& out) {
  if (s.empty()) return false;
  bool prev_digit = false;
  for (char c : s) {
    if (c == '_') {
      if (!prev_digit) return false;
      prev_digit = false;
      continue;
    }
    bool ok = hex ? hex_value(c) >= 0 : (c >= '0' && c <= '9');
    if (!ok) return false;
    out += c;
    prev_digit = true;
  }
  return prev_digit;
}

// Parses an unsigned magnitude (decimal or 0x hex); sets `overflow` past 2^64-1.
bool parse_magnitude(std::string_view s, uint64_t& value, bool& overflow) {
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  std::string digits;
  if (!strip_digits(hex ? s.substr(2) : s, hex, digits)) return false;
  value = 0;
  overflow = false;
  uint64_t base = hex ? 16 : 10;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(hex_value(c));
    if (value > (UINT64_MAX - d) / base) overflow = true;
    value = value * base + d;
  }
  return true;
}

}  // namespace

std::vector<SExpr> read_sexprs(std::string_view source) { return Reader(source).read_all(); }
std::vector<SExpr> read_sexprs_before_stray_close(std::string_view source, bool* stray_close) {
  *stray_close = false;
  return Reader(source).read_all(stray_close);
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return false;
    i += n + 1;
  }
  return true;
}

const char* parse_nat(std::string_view text, unsigned bits, uint64_t& out) {
  if (text.empty() || text[0] == '+' || text[0] == '-') return "unknown operator";
  bool overflow;
  if (!parse_magnitude(text, out, overflow)) return "unknown operator";
  if (overflow || (bits < 64 && out >> bits)) return "constant out of range";
  return nullptr;
}

const char* parse_int(std::string_view text, unsigned bits, uint64_t& out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "nan:canonical" || text == "nan:arithmetic") return "unexpected token";
  uint64_t magnitude;
  bool overflow;
  if (!parse_magnitude(text, magnitude, overflow)) return "unknown operator";
  if (overflow) return "constant out of range";
  uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  if (negative) {
    uint64_t limit = uint64_t{1} << (bits - 1);  // |INT_MIN|
    if (magnitude > limit) return "constant out of range";
    out = (0 - magnitude) & mask;
  } else {
    if (magnitude > mask) return "constant out of range";
    out = magnitude;
  }
  return nullptr;
}

namespace {

// Validates the syntax of a decimal or hex float (without sign) and returns
// it with underscores removed, ready for strtod.
bool normalize_float(std::string_view s, std::string& out) {
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  if (hex) {
    out = "0x";
    s.remove_prefix(2);
  }
  char exp_char = hex ? 'p' : 'e';
  size_t exp_pos = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == exp_char || s[i] == exp_char - 32) {
      exp_pos = i;
      break;
    }
  std::string_view mantissa = s.substr(0, exp_pos);
  size_t dot = mantissa.find('.');
  std::string_view int_part = mantissa.substr(0, dot);
  if (!strip_digits(int_part, hex, out)) return false;
  if (dot != std::string_view::npos) {
    out += '.';
    std::string_view frac = mantissa.substr(dot + 1);
    if (!frac.empty() && !strip_digits(frac, hex, out)) return false;
  }
  if (exp_pos != std::string_view::npos) {
    out += exp_char;
    std::string_view exp = s.substr(exp_pos + 1);
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) {
      out += exp[0];
      exp.remove_prefix(1);
    }
    if (!strip_digits(exp, false, out)) return false;
  }
  return true;
}

}  // namespace

const char* parse_float(std::string_view text, unsigned bits, uint64_t& out) {
  const unsigned mant_bits = bits == 32 ? 23 : 52;
  const uint64_t sign_bit = uint64_t{1} << (bits - 1);
  const uint64_t exp_mask = (bits == 32 ? uint64_t{0xFF} : uint64_t{0x7FF}) << mant_bits;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  uint64_t sign = negative ? sign_bit : 0;
  if (text == "inf") {
    out = sign | exp_mask;
    return nullptr;
  }
  if (text == "nan") {
    out = sign | exp_mask | (uint64_t{1} << (mant_bits - 1));
    return nullptr;
  }
  if (text.starts_with("nan:0x")) {
    uint64_t payload;
    bool overflow;
    if (!parse_magnitude(text.substr(4), payload, overflow)) return "unknown operator";
    if (overflow || payload == 0 || payload >> mant_bits) return "constant out of range";
    out = sign | exp_mask | payload;
    return nullptr;
  }
  // nan:canonical / nan:arithmetic are script-only patterns, not literals.
  if (text == "nan:canonical" || text == "nan:arithmetic") return "unexpected token";
  std::string normalized;
  if (text.empty() || !normalize_float(text, normalized)) return "unknown operator";
  errno = 0;
  if (bits == 32) {
    float f = std::strtof(normalized.c_str(), nullptr);
    if (std::isinf(f)) return "constant out of range";
    uint32_t b;
    std::memcpy(&b, &f, 4);
    out = sign | b;
  } else {
    double d = std::strtod(normalized.c_str(), nullptr);
    if (std::isinf(d)) return "constant out of range";
    uint64_t b;
    std::memcpy(&b, &d, 8);
    out = sign | b;
  }
  return nullptr;
}

V128 parse_v128(const SExpr& parent, size_t& i, std::vector<Expected::Kind>* lane_kinds,
                uint8_t* lane_bits) {
  const auto& items = parent.items;
  if (i >= items.size() || !items[i].is_atom()) parent.fail("unexpected token");
  const SExpr& shape_tok = items[i++];
  const std::string& shape = shape_tok.text;
  unsigned bits, lanes;
  if (shape == "i8x16") bits = 8, lanes = 16;
  else if (shape == "i16x8") bits = 16, lanes = 8;
  else if (shape == "i32x4" || shape == "f32x4") bits = 32, lanes = 4;
  else if (shape == "i64x2" || shape == "f64x2") bits = 64, lanes = 2;
  else shape_tok.fail("unexpected token");
  bool is_float = shape[0] == 'f';
  V128 v;
  bool any_pattern = false;
  std::vector<Expected::Kind> kinds;
  for (unsigned k = 0; k < lanes; ++k) {
    if (i >= items.size() || !items[i].is_atom()) parent.fail("wrong number of lane literals");
    const SExpr& lane = items[i++];
    uint64_t value = 0;
    if (lane_kinds && is_float && (lane.text == "nan:canonical" || lane.text == "nan:arithmetic")) {
      kinds.push_back(lane.text == "nan:canonical" ? Expected::Kind::CanonicalNan
                                                   : Expected::Kind::ArithmeticNan);
      any_pattern = true;
    } else {
      const char* err = is_float ? parse_float(lane.text, bits, value) : parse_int(lane.text, bits, value);
      if (err) lane.fail(err);
      kinds.push_back(Expected::Kind::Exact);
    }
    for (unsigned b = 0; b < bits / 8; ++b) v.bytes[k * bits / 8 + b] = static_cast<uint8_t>(value >> (8 * b));
  }
  if (any_pattern) {
    *lane_kinds = std::move(kinds);
    *lane_bits = static_cast<uint8_t>(bits);
  }
  return v;
}

}  // namespace mywasm::text
