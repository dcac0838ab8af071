// WAST scripts: commands, actions and expected results.
#include <gtest/gtest.h>

#include "text/wast.hpp"

namespace mywasm::text {
namespace {

Script parse(std::string_view text) {
  auto r = parse_wast(text);
  if (auto* e = std::get_if<TextError>(&r)) {
    ADD_FAILURE() << e->to_string();
    return {};
  }
  return std::get<Script>(std::move(r));
}

TEST(Wast, CommandsAndModuleForms) {
  Script s = parse(R"wast(
(module $m (func (export "f") (result i32) (i32.const 1)))
(module binary "\00asm" "\01\00\00\00")
(module quote "(func)")
(register "lib" $m)
(invoke $m "f")
(get "g")
(assert_trap (invoke "f") "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unclosed")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module (func $s unreachable) (start $s)) "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
)wast");
  ASSERT_EQ(s.commands.size(), 13u);
  using K = Command::Kind;
  const auto& c = s.commands;
  EXPECT_EQ(c[0].kind, K::Module);
  EXPECT_EQ(c[0].module->id, "$m");
  EXPECT_EQ(c[0].line, 2u);
  EXPECT_FALSE(c[0].module->binary.empty());
  EXPECT_EQ(c[1].module->form, ScriptModule::Form::Binary);
  EXPECT_EQ(c[1].module->binary, (std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(c[2].module->form, ScriptModule::Form::Quote);
  EXPECT_EQ(c[2].module->quote, "(func)");
  EXPECT_EQ(c[3].kind, K::Register);
  EXPECT_EQ(c[3].register_name, "lib");
  EXPECT_EQ(c[3].register_module, "$m");
  EXPECT_EQ(c[4].kind, K::Action);
  EXPECT_EQ(c[4].action->module, "$m");
  EXPECT_EQ(c[5].action->kind, Action::Kind::Get);
  EXPECT_EQ(c[6].kind, K::AssertTrap);
  EXPECT_EQ(c[6].message, "unreachable");
  EXPECT_EQ(c[7].kind, K::AssertExhaustion);
  EXPECT_EQ(c[8].kind, K::AssertInvalid);
  EXPECT_EQ(c[9].kind, K::AssertMalformed);
  EXPECT_EQ(c[10].kind, K::AssertUnlinkable);
  EXPECT_EQ(c[11].kind, K::AssertUninstantiable);
  EXPECT_EQ(c[12].kind, K::AssertTrap);
  EXPECT_TRUE(c[12].module.has_value());
}

TEST(Wast, ArgumentsAndExpectedResults) {
  Script s = parse(R"(
(assert_return (invoke "f" (i32.const -1) (i64.const 0xffffffffffffffff)
                           (f32.const nan:0x200000) (f64.const -0x1p-1074)
                           (ref.null func) (ref.extern 7))
  (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.null extern)
  (ref.extern) (ref.extern 3) (ref.func) (i32.const 0xffffffff))
)");
  ASSERT_EQ(s.commands.size(), 1u);
  const Command& c = s.commands[0];
  ASSERT_EQ(c.action->args.size(), 6u);
  EXPECT_EQ(c.action->field, "f");
  EXPECT_EQ(c.action->args[0].i32(), -1);
  EXPECT_EQ(c.action->args[1].i64(), -1);
  EXPECT_EQ(c.action->args[2].f32_bits(), 0x7FA00000u);
  EXPECT_EQ(c.action->args[3].f64_bits(), 0x8000000000000001u);
  EXPECT_EQ(c.action->args[4].type(), ValType::FuncRef);
  EXPECT_TRUE(c.action->args[4].ref().is_null());
  EXPECT_EQ(c.action->args[5].ref().kind, Ref::Kind::Extern);
  EXPECT_EQ(c.action->args[5].ref().bits, 7u);
  ASSERT_EQ(c.expected.size(), 7u);
  using K = Expected::Kind;
  EXPECT_EQ(c.expected[0].kind, K::CanonicalNan);
  EXPECT_EQ(c.expected[0].value.type(), ValType::F32);
  EXPECT_EQ(c.expected[1].kind, K::ArithmeticNan);
  EXPECT_EQ(c.expected[1].value.type(), ValType::F64);
  EXPECT_EQ(c.expected[2].kind, K::AnyRefNull);
  EXPECT_EQ(c.expected[2].value.type(), ValType::ExternRef);
  EXPECT_EQ(c.expected[3].kind, K::AnyExternRef);
  EXPECT_EQ(c.expected[4].kind, K::Exact);
  EXPECT_EQ(c.expected[4].value.ref().bits, 3u);
  EXPECT_EQ(c.expected[5].kind, K::AnyFuncRef);
  EXPECT_EQ(c.expected[6].value.i32(), -1);
}

TEST(Wast, V128Constants) {
  Script s = parse(R"(
(assert_return (invoke "v" (v128.const i32x4 1 2 3 -1))
  (v128.const f32x4 nan:canonical 1.0 nan:arithmetic -0))
)");
  const Command& c = s.commands.at(0);
  const V128& arg = c.action->args.at(0).v128();
  EXPECT_EQ(arg.bytes[0], 1);
  EXPECT_EQ(arg.bytes[4], 2);
  EXPECT_EQ(arg.bytes[15], 0xFF);
  const Expected& e = c.expected.at(0);
  EXPECT_EQ(e.lane_bits, 32);
  ASSERT_EQ(e.lane_kinds.size(), 4u);
  EXPECT_EQ(e.lane_kinds[0], Expected::Kind::CanonicalNan);
  EXPECT_EQ(e.lane_kinds[1], Expected::Kind::Exact);
  EXPECT_EQ(e.lane_kinds[2], Expected::Kind::ArithmeticNan);
  EXPECT_EQ(e.value.v128().bytes[7], 0x3F);   // 1.0f high byte
  EXPECT_EQ(e.value.v128().bytes[15], 0x80);  // -0.0f sign
}

TEST(Wast, BadTextModuleIsKeptNotFatal) {
  Script s = parse(R"(
(assert_malformed (module (func (i32.const 0x100000000))) "constant out of range")
(module (func (br $missing)))
(assert_return (invoke "f"))
)");
  ASSERT_EQ(s.commands.size(), 3u);
  ASSERT_TRUE(s.commands[0].module->text_error.has_value());
  EXPECT_EQ(s.commands[0].module->text_error->message, "constant out of range");
  ASSERT_TRUE(s.commands[1].module->text_error.has_value());
  EXPECT_EQ(s.commands[1].module->text_error->message, "unknown label");
  EXPECT_EQ(s.commands[1].module->text_error->line, 3u);
}

TEST(Wast, ScriptSyntaxErrors) {
  EXPECT_TRUE(std::holds_alternative<TextError>(parse_wast("(assert_return (invoke \"f\")")));
  EXPECT_TRUE(std::holds_alternative<TextError>(parse_wast("(frobnicate)")));
  EXPECT_TRUE(std::holds_alternative<TextError>(parse_wast("(invoke \"f\" (i32.const x))")));
}

TEST(Wast, ModuleDefinitionAndInstance) {
  Script s = parse("(module definition $d (func))\n(module instance $i $d)");
  ASSERT_EQ(s.commands.size(), 2u);
  EXPECT_TRUE(s.commands[0].module_definition);
  EXPECT_EQ(s.commands[0].module->id, "$d");
  EXPECT_FALSE(s.commands[0].module->text_error.has_value());
  // Not part of Wasm 2.0 scripts: rejected when the command runs.
  EXPECT_TRUE(s.commands[1].module->text_error.has_value());
}

TEST(Wast, BareModuleFieldsFormOneModule) {
  Script s = parse("(func) (memory 0) (func (export \"f\"))");
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_EQ(s.commands[0].kind, Command::Kind::Module);
  EXPECT_FALSE(s.commands[0].module->text_error.has_value());
}

}  // namespace
}  // namespace mywasm::text
