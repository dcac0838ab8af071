// WAST script parser: commands, actions, expected results, and the three
// module forms (text, binary, quote).
#include "text/wast.hpp"

#include <cstring>

#include "text/sexpr.hpp"
#include "text/wat.hpp"

namespace mywasm::text {
namespace {

uint64_t expect_int(const SExpr& e, unsigned bits) {
  if (!e.is_atom()) e.fail("unexpected token");
  uint64_t v;
  if (const char* err = parse_int(e.text, bits, v)) e.fail(err);
  return v;
}

uint64_t expect_float(const SExpr& e, unsigned bits) {
  if (!e.is_atom()) e.fail("unexpected token");
  uint64_t v;
  if (const char* err = parse_float(e.text, bits, v)) e.fail(err);
  return v;
}

std::optional<Expected::Kind> nan_pattern(const SExpr& e) {
  if (e.is_atom("nan:canonical")) return Expected::Kind::CanonicalNan;
  if (e.is_atom("nan:arithmetic")) return Expected::Kind::ArithmeticNan;
  return std::nullopt;
}

ValType expect_heap_type(const SExpr& e) {
  if (e.is_atom("func")) return ValType::FuncRef;
  if (e.is_atom("extern")) return ValType::ExternRef;
  e.fail("unexpected token");
}

// A constant argument (for actions) or, with `expected`, a result pattern.
Value parse_const(const SExpr& e, Expected* expected) {
  std::string_view head = e.head();
  if (head.empty()) e.fail("unexpected token");
  auto arg = [&](size_t k) -> const SExpr& {
    if (k >= e.items.size()) e.fail("unexpected token");
    return e.items[k];
  };
  if (head == "i32.const") return Value::i32(static_cast<int32_t>(expect_int(arg(1), 32)));
  if (head == "i64.const") return Value::i64(static_cast<int64_t>(expect_int(arg(1), 64)));
  if (head == "f32.const" || head == "f64.const") {
    bool f32 = head == "f32.const";
    if (expected)
      if (auto pattern = nan_pattern(arg(1))) {
        expected->kind = *pattern;
        return f32 ? Value::f32_bits(0) : Value::f64_bits(0);
      }
    uint64_t bits = expect_float(arg(1), f32 ? 32 : 64);
    return f32 ? Value::f32_bits(static_cast<uint32_t>(bits)) : Value::f64_bits(bits);
  }
  if (head == "v128.const") {
    size_t i = 1;
    V128 v = parse_v128(e, i, expected ? &expected->lane_kinds : nullptr,
                        expected ? &expected->lane_bits : nullptr);
    if (i != e.items.size()) e.items[i].fail("unexpected token");
    return Value::v128(v);
  }
  if (head == "ref.null") {
    ValType t = expect_heap_type(arg(1));
    if (expected) expected->kind = Expected::Kind::AnyRefNull;
    return Value::null_ref(t);
  }
  if (head == "ref.extern") {
    if (e.items.size() == 1) {
      if (!expected) e.fail("unexpected token");
      expected->kind = Expected::Kind::AnyExternRef;
      return Value::null_ref(ValType::ExternRef);
    }
    return Value::extern_ref(static_cast<uintptr_t>(expect_int(arg(1), 64)));
  }
  if (head == "ref.func") {
    if (e.items.size() == 1 || expected) {
      if (!expected) e.fail("unexpected token");
      expected->kind = Expected::Kind::AnyFuncRef;
      return Value::null_ref(ValType::FuncRef);
    }
    return Value::ref(ValType::FuncRef, Ref{Ref::Kind::Func, static_cast<uintptr_t>(expect_int(arg(1), 64))});
  }
  e.fail("unexpected token");
}

std::string concat_strings(const SExpr& list, size_t from) {
  std::string out;
  for (size_t k = from; k < list.items.size(); ++k) {
    if (!list.items[k].is_string()) list.items[k].fail("unexpected token");
    out += list.items[k].text;
  }
  return out;
}

ScriptModule parse_module(const SExpr& m, bool* is_definition = nullptr, bool debug_names = false) {
  if (!m.is_list("module")) m.fail("unexpected token");
  ScriptModule out;
  out.line = m.items[0].line;  // the "module" keyword
  size_t i = 1;
  if (i < m.items.size() && m.items[i].is_atom("definition")) {
    if (is_definition) *is_definition = true;
    ++i;
  }
  if (i < m.items.size() && m.items[i].is_id()) out.id = m.items[i++].text;
  if (i < m.items.size() && m.items[i].is_atom("instance")) {
    // (module instance $i $def) of newer suites: not part of Wasm 2.0 scripts.
    out.text_error = TextError{"module instance is not supported", m.line, m.column};
    return out;
  }
  if (i < m.items.size() && m.items[i].is_atom("binary")) {
    out.form = ScriptModule::Form::Binary;
    std::string bytes = concat_strings(m, i + 1);
    out.binary.assign(bytes.begin(), bytes.end());
  } else if (i < m.items.size() && m.items[i].is_atom("quote")) {
    out.form = ScriptModule::Form::Quote;
    out.quote = concat_strings(m, i + 1);
  } else {
    try {
      out.binary = encode_module(m.items, i, debug_names);
    } catch (const TextFailure& f) {
      out.text_error = f.error;
    }
  }
  return out;
}

Action parse_action(const SExpr& a) {
  Action out;
  if (a.is_list("invoke")) out.kind = Action::Kind::Invoke;
  else if (a.is_list("get")) out.kind = Action::Kind::Get;
  else a.fail("unexpected token");
  size_t i = 1;
  if (i < a.items.size() && a.items[i].is_id()) out.module = a.items[i++].text;
  if (i >= a.items.size() || !a.items[i].is_string()) a.fail("unexpected token");
  out.field = a.items[i++].text;
  for (; i < a.items.size(); ++i) {
    if (out.kind == Action::Kind::Get) a.items[i].fail("unexpected token");
    out.args.push_back(parse_const(a.items[i], nullptr));
  }
  return out;
}

std::string expect_message(const SExpr& cmd, size_t k) {
  if (k >= cmd.items.size() || !cmd.items[k].is_string()) cmd.fail("unexpected token");
  if (k + 1 != cmd.items.size()) cmd.items[k + 1].fail("unexpected token");
  return cmd.items[k].text;
}

Command parse_command(const SExpr& c) {
  Command cmd;
  cmd.line = c.line;
  std::string_view head = c.head();
  auto arg = [&](size_t k) -> const SExpr& {
    if (k >= c.items.size()) c.fail("unexpected token");
    return c.items[k];
  };
  if (head == "module") {
    cmd.kind = Command::Kind::Module;
    cmd.module = parse_module(c, &cmd.module_definition);
  } else if (head == "register") {
    cmd.kind = Command::Kind::Register;
    if (!arg(1).is_string()) c.fail("unexpected token");
    cmd.register_name = arg(1).text;
    if (c.items.size() > 2) {
      if (!c.items[2].is_id() || c.items.size() > 3) c.fail("unexpected token");
      cmd.register_module = c.items[2].text;
    }
  } else if (head == "invoke" || head == "get") {
    cmd.kind = Command::Kind::Action;
    cmd.action = parse_action(c);
  } else if (head == "assert_return") {
    cmd.kind = Command::Kind::AssertReturn;
    cmd.action = parse_action(arg(1));
    for (size_t k = 2; k < c.items.size(); ++k) {
      Expected e;
      e.value = parse_const(c.items[k], &e);
      cmd.expected.push_back(std::move(e));
    }
  } else if (head == "assert_trap") {
    cmd.kind = Command::Kind::AssertTrap;
    if (arg(1).is_list("module")) cmd.module = parse_module(arg(1));
    else cmd.action = parse_action(arg(1));
    cmd.message = expect_message(c, 2);
  } else if (head == "assert_exhaustion") {
    cmd.kind = Command::Kind::AssertExhaustion;
    cmd.action = parse_action(arg(1));
    cmd.message = expect_message(c, 2);
  } else if (head == "assert_invalid" || head == "assert_malformed" || head == "assert_unlinkable" ||
             head == "assert_uninstantiable") {
    cmd.kind = head == "assert_invalid"     ? Command::Kind::AssertInvalid
               : head == "assert_malformed" ? Command::Kind::AssertMalformed
               : head == "assert_unlinkable" ? Command::Kind::AssertUnlinkable
                                             : Command::Kind::AssertUninstantiable;
    cmd.module = parse_module(arg(1));
    cmd.message = expect_message(c, 2);
  } else {
    c.fail("unexpected token");
  }
  return cmd;
}

bool is_module_field(const SExpr& e) {
  static constexpr std::string_view kFields[] = {"type",  "import", "func", "table", "memory",
                                                 "global", "export", "start", "elem", "data"};
  for (auto f : kFields)
    if (e.head() == f) return true;
  return false;
}

TextResult<std::vector<uint8_t>> encode_text_module(const std::vector<SExpr>& top, const WatOptions& options) {
  try {
    if (top.size() == 1 && top[0].is_list("module")) {
      ScriptModule m = parse_module(top[0], nullptr, options.debug_names);
      if (m.text_error) return *m.text_error;
      if (m.form == ScriptModule::Form::Quote) return wat_to_binary(m.quote, options);
      return std::move(m.binary);
    }
    return encode_module(top, 0, options.debug_names);
  } catch (const TextFailure& f) {
    return f.error;
  }
}

}  // namespace

TextResult<std::vector<uint8_t>> wat_to_binary(std::string_view text, const WatOptions& options) {
  try {
    bool stray_close = false;
    std::vector<SExpr> top = read_sexprs_before_stray_close(text, &stray_close);
    if (stray_close) {
      // Report an error before the stray ")" first, as a streaming parser
      // would; otherwise the ")" itself.
      auto before = encode_text_module(top, options);
      if (std::holds_alternative<TextError>(before)) return before;
      read_sexprs(text);  // throws at the stray ")"
    }
    return encode_text_module(top, options);
  } catch (const TextFailure& f) {
    return f.error;
  }
}

TextResult<Script> parse_wast(std::string_view text) {
  try {
    Script script;
    std::vector<SExpr> top = read_sexprs(text);
    if (!top.empty() && is_module_field(top[0])) {
      // A script may consist of one module's fields without "(module ...)".
      Command cmd;
      cmd.line = top[0].line;
      cmd.module.emplace();
      cmd.module->line = top[0].line;
      try {
        cmd.module->binary = encode_module(top, 0);
      } catch (const TextFailure& f) {
        cmd.module->text_error = f.error;
      }
      script.commands.push_back(std::move(cmd));
      return script;
    }
    for (const SExpr& c : top) script.commands.push_back(parse_command(c));
    return script;
  } catch (const TextFailure& f) {
    return f.error;
  }
}

}  // namespace mywasm::text
