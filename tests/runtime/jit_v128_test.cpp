// v128 in compiled code. The AArch64 backend's coverage (checked on any
// host: its code generator runs everywhere, its code only on arm64): a
// module with a function per v128 instruction, each compiled with no
// instruction left to the interpreter's code. Then every v128 instruction
// run compiled (this host's backend: NEON under qemu in the arm64 build)
// against the interpreter on inputs chosen for the tricky cases: NaN and
// -0 in min/max/pmin/pmax, saturating conversions at and beyond the
// bounds, shift counts at and beyond the lane width, out-of-range swizzle
// indices, narrowing, lanes, loads and stores at the end of memory.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "a64_compiler.hpp"
#include "instance_harness.hpp"
#include "interp/code.hpp"
#include "jit.hpp"
#include "mywasm/mywasm.hpp"
#include "opcode.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

constexpr uint32_t kPageBytes = 65536;

bool is_v128_op(Opcode op) { return info(op).prefix == 0xFD; }

// The operands of a function per v128 instruction: its params are i32,
// i64, f32, f64, v128, v128 (locals 0-5), read in the order of the
// instruction's params.
std::string operands(std::string_view params) {
  std::string s;
  bool second_v = false;
  for (char c : params) {
    switch (c) {
      case 'i': s += " (local.get 0)"; break;
      case 'I': s += " (local.get 1)"; break;
      case 'f': s += " (local.get 2)"; break;
      case 'F': s += " (local.get 3)"; break;
      default: s += second_v ? " (local.get 5)" : " (local.get 4)"; second_v = true; break;
    }
  }
  return s;
}

// The instruction's immediates in the text format.
std::string immediates(const OpcodeInfo& oi) {
  switch (oi.imm) {
    case ImmKind::MemArg: return " offset=3";
    case ImmKind::MemArgLane: return " offset=3 1";
    case ImmKind::Lane: return " 1";
    case ImmKind::Shuffle: return " 0 17 2 19 31 30 5 5 16 0 15 14 13 28 8 9";
    case ImmKind::V128: return " i32x4 1 2 3 4";
    default: return "";
  }
}

// A function per v128 instruction (named as the instruction), in one module.
std::string every_v128_instruction_module() {
  std::string wat = "(module (memory 1)\n";
  for (unsigned k = 0; k < kOpcodeCount; ++k) {
    const Opcode op = Opcode(k);
    if (!is_v128_op(op)) continue;
    const OpcodeInfo& oi = info(op);
    std::string body = "(" + std::string(oi.name) + immediates(oi) + operands(oi.params) + ")";
    if (!oi.results.empty()) body = "(drop " + body + ")";
    wat += "  (func (export \"" + std::string(oi.name) + "\") (param i32 i64 f32 f64 v128 v128) " + body + ")\n";
  }
  return wat + ")";
}

std::string describe(const interp::HandlerInfo* h) {
  if (h->form == interp::HandlerInfo::InternalForm) return "internal form " + std::to_string(int(h->internal));
  return std::string(info(h->op).name);
}

// Every v128 instruction compiles inline on AArch64: nothing of these
// functions runs through the interpreter's code.
TEST(JitV128, AArch64BackendCompilesEveryV128InstructionInline) {
  test::InstanceHarness h;
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(every_v128_instruction_module()));
  size_t functions = 0;
  for (unsigned k = 0; k < kOpcodeCount; ++k) {
    const Opcode op = Opcode(k);
    if (!is_v128_op(op)) continue;
    const std::string name(info(op).name);
    FuncInstance& func = h.func_instance(name);
    auto plain = interp::translate(h.store.impl(), func, /*fuse=*/false);
    ASSERT_TRUE(plain) << name;
    jit::NativeCode code;
    std::vector<const interp::HandlerInfo*> interpreted;
    EXPECT_TRUE(jit::compile_a64(h.store.impl(), func, *plain, code, &interpreted)) << name;
    std::string left;
    for (const interp::HandlerInfo* i : interpreted) left += " " + describe(i);
    EXPECT_TRUE(interpreted.empty()) << name << " leaves to the interpreter's code:" << left;
    ++functions;
  }
  EXPECT_EQ(functions, 236u);  // the Wasm 2.0 v128 instructions
}

// The report is real: an instruction without an inline form is listed
// (memory.grow, an internal form of the translation, runs the
// interpreter's code in both backends), and only that one.
TEST(JitV128, AArch64BackendReportsWhatItLeavesToTheInterpreter) {
  test::InstanceHarness h;
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(
      R"((module (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 1)))))"));
  FuncInstance& func = h.func_instance("g");
  auto plain = interp::translate(h.store.impl(), func, /*fuse=*/false);
  jit::NativeCode code;
  std::vector<const interp::HandlerInfo*> interpreted;
  ASSERT_TRUE(jit::compile_a64(h.store.impl(), func, *plain, code, &interpreted));
  ASSERT_EQ(interpreted.size(), 1u);
  EXPECT_EQ(interpreted[0]->form, interp::HandlerInfo::InternalForm);
  EXPECT_EQ(interpreted[0]->internal, interp::Internal::MemoryGrow);
}

// ------------------------------------------------------------ differential
V128 bytes_of(const void* p) {
  V128 v;
  std::memcpy(v.bytes, p, 16);
  return v;
}
template <class T, size_t N>
V128 lanes(const T (&l)[N]) {
  static_assert(sizeof(T) * N == 16);
  return bytes_of(l);
}

std::vector<V128> v128_inputs() {
  const float fnan = std::numeric_limits<float>::quiet_NaN(), finf = std::numeric_limits<float>::infinity();
  const double dnan = std::numeric_limits<double>::quiet_NaN(), dinf = std::numeric_limits<double>::infinity();
  const float nan_payload = std::bit_cast<float>(0x7fa00001u);  // signalling, with a payload
  const float f1[] = {fnan, -0.0f, 0.0f, 1.5f};
  const float f2[] = {-0.0f, 0.0f, -fnan, -finf};
  const float f3[] = {2147483648.0f, -2147483904.0f, 4294967296.0f, -1.5f};
  const float f4[] = {finf, 0.49999997f, 2.5f, nan_payload};
  const float f5[] = {-3.5f, 4294967040.0f, -0.5f, 2147483520.0f};
  const double d1[] = {dnan, -0.0};
  const double d2[] = {0.0, -0.0};
  const double d3[] = {2147483648.0, -2147483649.0};
  const double d4[] = {4294967296.0, -0.75};
  const double d5[] = {dinf, 2.5};
  const double d6[] = {4294967295.5, -dinf};
  const uint8_t b1[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  const uint8_t b2[] = {0x80, 0xff, 0x7f, 0, 0x10, 0x1f, 31, 16, 15, 0x81, 0xfe, 1, 0x40, 0xc0, 0x7e, 0x20};
  const uint16_t h1[] = {0x8000, 0x7fff, 0xffff, 0, 0x4000, 0xc000, 0x00ff, 0xff00};
  const uint32_t w1[] = {0x80000000u, 0x7fffffffu, 0xffffffffu, 0};
  const uint64_t q1[] = {0x8000000000000000ull, 0x123456789abcdef1ull};
  const uint64_t q2[] = {0xffffffffffffffffull, 0x00000001ffffffffull};
  std::vector<V128> v = {lanes(f1), lanes(f2), lanes(f3), lanes(f4), lanes(f5), lanes(d1), lanes(d2), lanes(d3),
                         lanes(d4), lanes(d5), lanes(d6), lanes(b1), lanes(b2), lanes(h1), lanes(w1), lanes(q1),
                         lanes(q2)};
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  for (int k = 0; k < 3; ++k) {
    uint64_t r[2];
    for (uint64_t& x : r) x = seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    v.push_back(bytes_of(r));
  }
  return v;
}
// Shift counts and lane values.
const std::vector<int32_t> kI32s = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, 0x7f, 0x1234};
const std::vector<int64_t> kI64s = {0, -1, 0x123456789abcdefll, std::numeric_limits<int64_t>::min()};
const std::vector<float> kF32s = {std::numeric_limits<float>::quiet_NaN(), -0.0f, 1.5f};
const std::vector<double> kF64s = {std::numeric_limits<double>::quiet_NaN(), -0.0, 1.5};

// Results equal, where a NaN equals any NaN (wasm lets an operation give
// any NaN where a NaN is due): lanes compared by the result's shape.
bool same_result(std::string_view name, const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValType::F32: return std::isnan(a.f32()) ? std::isnan(b.f32()) : a.i32() == b.i32();
    case ValType::F64: return std::isnan(a.f64()) ? std::isnan(b.f64()) : a.i64() == b.i64();
    case ValType::V128: {
      const bool f32 = name.starts_with("f32x4."), f64 = name.starts_with("f64x2.");
      const size_t width = f64 ? 8 : 4;
      for (size_t at = 0; at < 16; at += width) {
        const uint8_t* x = a.v128().bytes + at;
        const uint8_t* y = b.v128().bytes + at;
        if (f32 || f64) {
          float fx, fy;
          double dx, dy;
          std::memcpy(&fx, x, 4), std::memcpy(&fy, y, 4), std::memcpy(&dx, x, 8), std::memcpy(&dy, y, 8);
          if (f32 ? std::isnan(fx) && std::isnan(fy) : std::isnan(dx) && std::isnan(dy)) continue;
        }
        if (std::memcmp(x, y, width) != 0) return false;
      }
      return true;
    }
    case ValType::I32: return a.i32() == b.i32();
    default: return a.i64() == b.i64();
  }
}

std::string show(const std::vector<Value>& values) {
  std::string s;
  for (const Value& v : values) {
    if (v.type() == ValType::V128) {
      s += "v128:";
      char buf[4];
      for (uint8_t b : v.v128().bytes) std::snprintf(buf, sizeof buf, "%02x", b), s += buf;
    } else {
      s += v.to_string();
    }
    s += " ";
  }
  return s;
}
std::string show(Result<std::vector<Value>>& r) {
  if (!r.ok()) return "trap: " + (r.error().trap ? r.error().trap->message : r.error().message);
  return show(*r);
}

// A module of every v128 instruction with operands (each op's operands as
// the function's params, its lane or memory immediates fixed), and the
// arguments to try for each.
struct Case {
  std::string name;
  std::vector<std::vector<Value>> args;
};

std::string param_types(std::string_view params) {
  std::string s;
  for (char c : params) {
    switch (c) {
      case 'i': s += " i32"; break;
      case 'I': s += " i64"; break;
      case 'f': s += " f32"; break;
      case 'F': s += " f64"; break;
      default: s += " v128"; break;
    }
  }
  return s;
}
std::string result_type(std::string_view results) { return results.empty() ? "" : param_types(results); }

std::vector<std::vector<Value>> arguments(std::string_view params, const std::vector<V128>& vs) {
  std::vector<std::vector<Value>> all = {{}};
  for (size_t i = 0; i < params.size(); ++i) {
    const char c = params[i];
    std::vector<Value> choices;
    switch (c) {
      case 'i': for (int32_t x : kI32s) choices.push_back(Value::i32(x)); break;
      case 'I': for (int64_t x : kI64s) choices.push_back(Value::i64(x)); break;
      case 'f': for (float x : kF32s) choices.push_back(Value::f32(x)); break;
      case 'F': for (double x : kF64s) choices.push_back(Value::f64(x)); break;
      default: for (const V128& x : vs) choices.push_back(Value::v128(x)); break;
    }
    // (a third v128 operand, bitselect's mask, takes fewer values)
    if (i == 2 && c == 'v') choices.resize(4);
    std::vector<std::vector<Value>> next;
    for (const auto& prefix : all)
      for (const Value& x : choices) {
        next.push_back(prefix);
        next.back().push_back(x);
      }
    all = std::move(next);
  }
  return all;
}

// Memory instructions take an address (and their other operands fixed):
// addresses at the end of memory, where the access just fits or just
// does not, plus offset=3. A store's function reads back what it stored.
std::string memory_function(const OpcodeInfo& oi, std::vector<std::vector<Value>>& args) {
  const std::string name(oi.name);
  const std::string imm = oi.imm == ImmKind::MemArgLane ? " offset=3 1" : " offset=3";
  for (uint32_t back : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 11u, 12u, 16u, 19u, 20u, 64u})
    args.push_back({Value::i32(int32_t(kPageBytes - back))});
  args.push_back({Value::i32(-1)});
  args.push_back({Value::i32(0)});
  const std::string vec = "(v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)";
  const bool store = oi.results.empty();
  if (!store) {
    const std::string extra = oi.imm == ImmKind::MemArgLane ? " " + vec : "";
    return "(func (export \"" + name + "\") (param i32) (result v128) (" + name + imm + " (local.get 0)" + extra + "))";
  }
  // (the read-back: the lane's bytes at the same address)
  const std::string back = name == "v128.store" ? "(v128.load offset=3 (local.get 0))"
                                                : "(v128.load" + name.substr(10, name.find('_') - 10) +
                                                      "_lane offset=3 0 (local.get 0) (v128.const i64x2 0 0))";
  return "(func (export \"" + name + "\") (param i32) (result v128) (" + name + imm + " (local.get 0) " + vec +
         ") " + back + ")";
}

std::string differential_module(std::vector<Case>& cases) {
  const std::vector<V128> vs = v128_inputs();
  std::string wat = "(module (memory 1) (data (i32.const 65500) \"abcdefghijklmnopqrstuvwxyz0123456789\")\n";
  for (unsigned k = 0; k < kOpcodeCount; ++k) {
    const Opcode op = Opcode(k);
    if (!is_v128_op(op) || op == Opcode::V128Const) continue;
    const OpcodeInfo& oi = info(op);
    Case c{std::string(oi.name), {}};
    if (oi.imm == ImmKind::MemArg || oi.imm == ImmKind::MemArgLane) {
      wat += memory_function(oi, c.args) + "\n";
    } else {
      std::string body = "(" + c.name + immediates(oi);
      for (size_t i = 0; i < oi.params.size(); ++i) body += " (local.get " + std::to_string(i) + ")";
      wat += "(func (export \"" + c.name + "\") (param" + param_types(oi.params) + ") (result" +
             result_type(oi.results) + ") " + body + "))\n";
      c.args = arguments(oi.params, vs);
    }
    cases.push_back(std::move(c));
  }
  return wat + ")";
}

Config tier(Config::Tier t) {
  Config c;
  c.tier = t;
  return c;
}

// Each v128 instruction gives in compiled code what it gives in the
// interpreter, on every input (bits equal; a NaN lane any NaN).
TEST(JitV128, EveryInstructionMatchesTheInterpreter) {
  if (!jit::available()) GTEST_SKIP() << "no JIT backend on this host";
  std::vector<Case> cases;
  const std::string wat = differential_module(cases);
  test::InstanceHarness interp(tier(Config::Tier::Interpreter)), jit(tier(Config::Tier::Jit));
  ASSERT_NO_FATAL_FAILURE(interp.instantiate_wat(wat));
  ASSERT_NO_FATAL_FAILURE(jit.instantiate_wat(wat));
  size_t calls = 0;
  for (const Case& c : cases) {
    auto fi = interp.instance.func(interp.store, c.name), fj = jit.instance.func(jit.store, c.name);
    ASSERT_TRUE(fi && fj) << c.name;
    for (const auto& args : c.args) {
      auto ri = fi->call(interp.store, args), rj = fj->call(jit.store, args);
      ++calls;
      bool same = ri.ok() == rj.ok();
      if (same && ri.ok()) {
        same = ri->size() == rj->size();
        for (size_t k = 0; same && k < ri->size(); ++k) same = same_result(c.name, (*ri)[k], (*rj)[k]);
      } else if (same) {
        same = show(ri) == show(rj);
      }
      if (!same) {
        ADD_FAILURE() << c.name << "(" << show(args) << "): interpreter " << show(ri) << ", compiled " << show(rj);
      }
    }
    ASSERT_TRUE(jit.func_instance(c.name).native_entry) << c.name << " not compiled";
  }
  EXPECT_GT(calls, 20000u);
}

// A few results spelled out, where a backend that agreed with a wrong
// interpreter would still be caught.
TEST(JitV128, TrickyCasesGiveTheSpecsResults) {
  test::InstanceHarness h(tier(Config::Tier::Jit));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "min") (result v128)
      (f32x4.min (v128.const f32x4 -0 0 nan 1) (v128.const f32x4 0 -0 1 nan)))
    (func (export "pmin") (result v128)
      (f32x4.pmin (v128.const f32x4 -0 0 nan 1) (v128.const f32x4 0 -0 1 nan)))
    (func (export "pmax") (result v128)
      (f64x2.pmax (v128.const f64x2 -0 nan) (v128.const f64x2 0 2)))
    (func (export "trunc_sat") (result v128)
      (i32x4.trunc_sat_f32x4_u (v128.const f32x4 nan -1 4294967296 3.9)))
    (func (export "trunc_sat_zero") (result v128)
      (i32x4.trunc_sat_f64x2_s_zero (v128.const f64x2 -3e9 nan)))
    (func (export "shr") (param i32) (result v128)
      (i8x16.shr_s (v128.const i8x16 -128 64 0 0 0 0 0 0 0 0 0 0 0 0 0 0) (local.get 0)))
    (func (export "swizzle") (result v128)
      (i8x16.swizzle (v128.const i8x16 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)
                     (v128.const i8x16 0 15 16 255 128 1 17 31 2 3 4 5 6 7 8 9)))
    (func (export "bitmask") (result i32)
      (i8x16.bitmask (v128.const i8x16 -1 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 -128)))
    (func (export "i64mul") (result v128)
      (i64x2.mul (v128.const i64x2 0x100000001 -1) (v128.const i64x2 0x100000001 3)))))"));
  auto v = [&](std::string_view name, std::initializer_list<Value> args = {}) { return h.call1(name, args).v128(); };
  auto f32s = [](const V128& r) {
    std::vector<float> f(4);
    std::memcpy(f.data(), r.bytes, 16);
    return f;
  };
  const auto mn = f32s(v("min"));
  EXPECT_TRUE(std::signbit(mn[0]) && mn[0] == 0 && std::signbit(mn[1]) && mn[1] == 0);  // -0 < +0
  EXPECT_TRUE(std::isnan(mn[2]) && std::isnan(mn[3]));
  const auto pm = f32s(v("pmin"));  // b < a ? b : a
  EXPECT_TRUE(std::signbit(pm[0]) && !std::signbit(pm[1]) && std::isnan(pm[2]) && pm[3] == 1.0f);
  double pmx[2];
  std::memcpy(pmx, v("pmax").bytes, 16);  // a < b ? b : a
  EXPECT_TRUE(std::signbit(pmx[0]) && std::isnan(pmx[1]));
  const uint32_t ts[] = {0, 0, 0xffffffffu, 3};
  EXPECT_EQ(v("trunc_sat"), lanes(ts));
  const int32_t tz[] = {std::numeric_limits<int32_t>::min(), 0, 0, 0};
  EXPECT_EQ(v("trunc_sat_zero"), lanes(tz));
  const int8_t shr[] = {-128 >> 1, 64 >> 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(v("shr", {Value::i32(9)}), lanes(shr));  // 9 mod 8 = 1
  const int8_t shr0[] = {-128, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(v("shr", {Value::i32(8)}), lanes(shr0));
  const uint8_t sw[] = {10, 25, 0, 0, 0, 11, 0, 0, 12, 13, 14, 15, 16, 17, 18, 19};
  EXPECT_EQ(v("swizzle"), lanes(sw));
  EXPECT_EQ(h.call1("bitmask", {}).i32(), 0x8005);
  const uint64_t mul[] = {0x200000001ull, uint64_t(-3)};
  EXPECT_EQ(v("i64mul"), lanes(mul));
}

}  // namespace
}  // namespace mywasm
