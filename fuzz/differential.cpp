#include <cmath>
#include "differential.hpp"

#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <span>
#include <variant>
#include <vector>

#include "stub_imports.hpp"
#include "wasm_gen.hpp"

namespace mywasm::fuzz {
namespace {

constexpr uint64_t kStepLimit = 20000;
constexpr uint32_t kCallDepth = 200;
constexpr uint64_t kFuel = 1'000'000;  // per call, with Config::consume_fuel

// One engine's run: compiles, instantiates and calls, writing each event
// to the transcript.
class Run {
 public:
  explicit Run(const Config& config) : engine_(config), store_(engine_), linker_(engine_) {}

  bool instantiate(std::span<const uint8_t> bytes, bool stub_imports) {
    auto module = Module::compile(engine_, bytes);
    if (!module.ok()) return log("compile: " + module.error().to_string()), false;
    if (stub_imports) define_stub_imports(store_, linker_, *module);
    auto inst = linker_.instantiate(store_, *module);
    if (!inst.ok()) return log("instantiate: " + inst.error().to_string()), false;
    instance_ = *inst;
    return true;
  }

  void call(const std::string& name, const std::vector<Value>& args) {
    auto f = instance_.func(store_, name);
    if (!f) return log(name + ": no such export");
    (void)store_.set_fuel(kFuel);  // without Config::consume_fuel: no fuel, nothing logged
    auto r = f->call(store_, std::span<const Value>(args));
    std::string line = name + ": ";
    if (r.ok()) {
      for (const Value& v : *r) line += comparable(v) + " ";
    } else {
      line += "error " + r.error().to_string();
    }
    if (auto fuel = store_.fuel()) line += fmt::format("fuel left {} ", *fuel);
    log(line + "| " + state());
  }

  const std::string& transcript() const { return transcript_; }
  std::vector<std::pair<std::string, Extern>> exports() { return instance_.exports(store_); }
  Store& store() { return store_; }

 private:
  // A value as compared: a NaN float is just "nan". When an arithmetic
  // operand is a NaN, Wasm leaves the sign and payload of the NaN result
  // open, and they differ between equally correct executions (which NaN
  // operand x86 propagates depends on operand order, which the C++
  // compiler picks for the interpreter's commutative ops).
  static std::string comparable(const Value& v) {
    if (v.type() == ValType::F32 && std::isnan(v.f32())) return "f32:nan";
    if (v.type() == ValType::F64 && std::isnan(v.f64())) return "f64:nan";
    return v.to_string();
  }

  // Exported memories (size and a hash of the contents) and globals.
  std::string state() {
    std::string s;
    for (const auto& [name, ext] : instance_.exports(store_)) {
      if (auto m = instance_.memory(store_, name)) {
        const uint8_t* p = m->data(store_);
        uint64_t h = 1469598103934665603ull, n = m->size_bytes(store_);
        for (uint64_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
        s += fmt::format("{}={}:{:x} ", name, n, h);
      } else if (auto g = instance_.global(store_, name)) {
        s += name + "=" + comparable(g->get(store_)) + " ";
      }
    }
    return s;
  }
  void log(const std::string& line) { transcript_ += line + "\n"; }

  Engine engine_;
  Store store_;
  Linker linker_;
  Instance instance_;
  std::string transcript_;
};

// Arguments of the given types from `in`: small values mostly.
std::vector<Value> args_for(ByteSource& in, const std::vector<ValType>& types) {
  std::vector<Value> args;
  for (ValType t : types) {
    const bool small = in.chance(70);
    switch (t) {
      case ValType::I32: args.push_back(Value::i32(small ? int32_t(in.below(64)) : int32_t(in.u32()))); break;
      case ValType::I64: args.push_back(Value::i64(small ? int64_t(in.below(64)) : int64_t(in.u64()))); break;
      case ValType::F32: args.push_back(small ? Value::f32(float(in.below(64)) / 4) : Value::f32_bits(in.u32())); break;
      case ValType::F64: args.push_back(small ? Value::f64(double(in.below(64)) / 4) : Value::f64_bits(in.u64())); break;
      case ValType::V128: {
        V128 v{};
        for (auto& b : v.bytes) b = in.byte();
        args.push_back(Value::v128(v));
        break;
      }
      default: args.push_back(Value::zero(t)); break;
    }
  }
  return args;
}

}  // namespace

Config fused_config() {
  Config c;
  c.tier = Config::Tier::Interpreter;
  c.step_limit = kStepLimit;
  c.max_call_depth = kCallDepth;
  return c;
}

Config plain_config() {
  Config c = fused_config();
  c.interp_fusions = false;
  return c;
}

Config jit_config() {
  Config c = plain_config();
  c.tier = Config::Tier::Jit;
  c.jit_compiler = Config::JitCompiler::Full;
  return c;
}

Config with_fuel(Config c) {
  c.consume_fuel = true;
  return c;
}

const std::vector<Pairing>& pairings() {
  static const std::vector<Pairing> all = [] {
    Config tiered = with_fuel(fused_config());  // fused code, then compiled mid-run
    tiered.tier = Config::Tier::Tiered;
    tiered.tier_up_threshold = 1;
    tiered.background_compile = false;  // (reproducible: compiled at the first call)
    // Compiled on the helper thread whenever it is ready: which code runs a
    // call depends on timing, what it computes must not.
    Config background = fused_config();
    background.tier = Config::Tier::Tiered;
    background.tier_up_threshold = 1;
    background.background_compile = true;
    // The lean compiler's code (falling back to the full one per function),
    // on guarded memory and with its accesses checked.
    Config lean = jit_config();
    lean.jit_compiler = Config::JitCompiler::Lean;
    Config lean_checked = lean;
    lean_checked.bounds_checks = BoundsChecks::Explicit;
    // Lean code first, each function moving on to the full compiler's
    // code at its second call or loop iteration (mid-loop: from lean code
    // to full code on the same frame).
    Config both = jit_config();
    both.jit_compiler = Config::JitCompiler::Both;
    both.tier_up_threshold = 1;
    both.background_compile = false;
    return std::vector<Pairing>{
        {"fused interpreter", plain_config(), fused_config()},
        {"compiled code", plain_config(), jit_config()},
        {"lean compiled code", plain_config(), lean},
        {"lean compiled code with explicit bounds checks", plain_config(), lean_checked},
        {"fused interpreter counting fuel", with_fuel(plain_config()), with_fuel(fused_config())},
        {"tiered code counting fuel", with_fuel(plain_config()), tiered},
        {"tiered code compiled in the background", plain_config(), background},
        {"lean code moving to full code", plain_config(), both},
    };
  }();
  return all;
}

DiffOutcome run_differential(const uint8_t* data, size_t size, const Config& reference, const Config& candidate) {
  DiffOutcome out;
  const bool raw = size >= 4 && std::memcmp(data, "\0asm", 4) == 0;
  std::vector<uint8_t> bytes;
  ByteSource in(data, size);
  if (raw) bytes.assign(data, data + size);
  else bytes = generate_module(in).bytes;
  // The calls' arguments come from the input's tail (the generator's
  // leftover bytes), the same for both runs.
  ByteSource arg_bytes = in;

  Run ref(reference), cand(candidate);
  const bool ref_ok = ref.instantiate(bytes, raw), cand_ok = cand.instantiate(bytes, raw);
  out.ran = ref_ok;
  if (ref_ok && cand_ok) {
    // Every exported function, twice (the second call sees the state the
    // first left, and runs translated code).
    std::vector<std::pair<std::string, std::vector<ValType>>> calls;
    for (const auto& [name, ext] : ref.exports())
      if (const Func* f = std::get_if<Func>(&ext)) calls.push_back({name, f->type(ref.store()).params});
    for (int round = 0; round < 2; ++round) {
      for (const auto& [name, params] : calls) {
        const std::vector<Value> args = args_for(arg_bytes, params);
        ref.call(name, args);
        cand.call(name, args);
      }
    }
  }
  out.transcript = ref.transcript();
  if (ref.transcript() != cand.transcript())
    out.mismatch = "reference:\n" + ref.transcript() + "candidate:\n" + cand.transcript();
  return out;
}

}  // namespace mywasm::fuzz
