// WAST scripts (the spec test format) and WAT modules as parsed by the
// hand-written text front end. Text modules are encoded to the binary
// format, so everything downstream sees bytes only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mywasm/mywasm.hpp"

namespace mywasm::text {

struct TextError {
  std::string message;  // e.g. "unexpected token", "unknown operator", "alignment must be a power of two"
  uint32_t line = 0, column = 0;
  std::string to_string() const;
};

template <class T>
using TextResult = std::variant<T, TextError>;

struct WatOptions {
  // Emit a "name" section with the $identifiers of the module and its
  // functions (for backtraces). Off for spec scripts, which compare bytes.
  bool debug_names = false;
};

// Parses one WAT module (with or without the surrounding "(module ...)")
// and encodes it to the binary format.
TextResult<std::vector<uint8_t>> wat_to_binary(std::string_view text, const WatOptions& options = {});

// A module as written in a script.
struct ScriptModule {
  enum class Form : uint8_t { Text, Binary, Quote };
  Form form = Form::Text;
  std::optional<std::string> id;  // $name
  uint32_t line = 0;              // where "(module" starts in the script
  // Text: already encoded; Binary: the concatenated string bytes.
  std::vector<uint8_t> binary;
  // Quote: the concatenated source text, parsed only when the command runs
  // (so a parse error is what assert_malformed expects).
  std::string quote;
  // Text-form encoding failed: the error, reported when the command runs
  // (assert_malformed / assert_invalid over text modules such as
  // "alignment must not be larger than natural" land here).
  std::optional<TextError> text_error;
};

// An expected result of assert_return.
struct Expected {
  enum class Kind : uint8_t {
    Exact,          // value must match bit-for-bit
    CanonicalNan,   // nan:canonical (f32/f64, or per lane for v128)
    ArithmeticNan,  // nan:arithmetic
    AnyRefNull,     // ref.null of the given type
    AnyFuncRef,     // (ref.func) without index: any non-null funcref
    AnyExternRef,   // (ref.extern) without payload: any non-null externref
  };
  Kind kind = Kind::Exact;
  Value value;  // Exact; the type for the other kinds
  // v128 with per-lane NaN patterns: lane shape ("f32x4"/"f64x2") and lane kinds.
  std::vector<Kind> lane_kinds;
  uint8_t lane_bits = 0;  // 32 or 64 when lane_kinds is used
};

struct Action {
  enum class Kind : uint8_t { Invoke, Get } kind = Kind::Invoke;
  std::optional<std::string> module;  // $name, or the latest module
  std::string field;
  std::vector<Value> args;
};

struct Command {
  enum class Kind : uint8_t {
    Module,                // define (and instantiate) a module
    Register,              // (register "name" $mod?)
    Action,                // a bare invoke/get
    AssertReturn,
    AssertTrap,            // action or module
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertUnlinkable,
    AssertUninstantiable,
  };
  Kind kind = Kind::Module;
  uint32_t line = 0;
  std::optional<ScriptModule> module;      // Module, Assert{Invalid,Malformed,Unlinkable,Uninstantiable}, AssertTrap on module
  std::optional<mywasm::text::Action> action;
  std::vector<Expected> expected;          // AssertReturn
  std::string message;                     // expected failure text
  std::string register_name;               // Register
  std::optional<std::string> register_module;  // Register: $mod
  bool module_definition = false;          // (module definition ...) is not instantiated
};

struct Script {
  std::vector<Command> commands;
};

// Parses a whole .wast script. A syntax error in the script structure
// itself (not inside a module under assert_malformed) is a TextError.
TextResult<Script> parse_wast(std::string_view text);

}  // namespace mywasm::text
