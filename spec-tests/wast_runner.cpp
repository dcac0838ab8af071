#include "wast_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "mywasm/mywasm.hpp"
#include "mywasm/watchdog.hpp"
#include "text/wast.hpp"

namespace mywasm::spectest {
namespace {

namespace fs = std::filesystem;
using text::Command;
using text::Expected;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_canonical_nan(uint64_t bits, unsigned width) {
  if (width == 32) return (bits & 0x7fffffffu) == 0x7fc00000u;
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}

bool is_arithmetic_nan(uint64_t bits, unsigned width) {
  if (width == 32) return (bits & 0x7fc00000u) == 0x7fc00000u;
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

bool nan_matches(Expected::Kind kind, uint64_t bits, unsigned width) {
  return kind == Expected::Kind::CanonicalNan ? is_canonical_nan(bits, width) : is_arithmetic_nan(bits, width);
}

bool matches(const Expected& e, const Value& actual) {
  if (actual.type() != e.value.type()) return false;
  switch (e.kind) {
    case Expected::Kind::Exact:
      if (!e.lane_kinds.empty()) {
        // v128 with per-lane patterns: NaN lanes match by class, others exactly.
        const unsigned lane_bytes = e.lane_bits / 8;
        for (size_t lane = 0; lane < e.lane_kinds.size(); ++lane) {
          uint64_t a = 0, x = 0;
          std::memcpy(&a, actual.v128().bytes + lane * lane_bytes, lane_bytes);
          std::memcpy(&x, e.value.v128().bytes + lane * lane_bytes, lane_bytes);
          if (e.lane_kinds[lane] == Expected::Kind::Exact ? a != x : !nan_matches(e.lane_kinds[lane], a, e.lane_bits))
            return false;
        }
        return true;
      }
      return actual == e.value;
    case Expected::Kind::CanonicalNan:
    case Expected::Kind::ArithmeticNan:
      return actual.type() == ValType::F32 ? nan_matches(e.kind, actual.f32_bits(), 32)
                                           : nan_matches(e.kind, actual.f64_bits(), 64);
    case Expected::Kind::AnyRefNull:
      return actual.ref().is_null();
    case Expected::Kind::AnyFuncRef:
      return actual.ref().kind == Ref::Kind::Func;
    case Expected::Kind::AnyExternRef:
      return actual.ref().kind == Ref::Kind::Extern;
  }
  return false;
}

std::string describe(const Expected& e) {
  switch (e.kind) {
    case Expected::Kind::Exact: return e.value.to_string();
    case Expected::Kind::CanonicalNan: return fmt::format("{}:nan:canonical", to_string(e.value.type()));
    case Expected::Kind::ArithmeticNan: return fmt::format("{}:nan:arithmetic", to_string(e.value.type()));
    case Expected::Kind::AnyRefNull: return "ref.null";
    case Expected::Kind::AnyFuncRef: return "ref.func";
    case Expected::Kind::AnyExternRef: return "ref.extern";
  }
  return "?";
}

std::string describe(const std::vector<Value>& values) {
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? " " : "") + values[i].to_string();
  return s + ")";
}

// The "spectest" host module every spec script may import from.
void define_spectest(Store& store, Linker& linker) {
  auto print = [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> { return std::nullopt; };
  const ValType i32 = ValType::I32, i64 = ValType::I64, f32 = ValType::F32, f64 = ValType::F64;
  const std::pair<const char*, std::vector<ValType>> printers[] = {
      {"print", {}},          {"print_i32", {i32}},          {"print_i64", {i64}},         {"print_f32", {f32}},
      {"print_f64", {f64}},   {"print_i32_f32", {i32, f32}}, {"print_f64_f64", {f64, f64}},
  };
  for (const auto& [name, params] : printers) linker.define_func(store, "spectest", name, FuncType{params, {}}, print);
  linker.define("spectest", "global_i32", Global::create(store, {i32, false}, Value::i32(666)));
  linker.define("spectest", "global_i64", Global::create(store, {i64, false}, Value::i64(666)));
  linker.define("spectest", "global_f32", Global::create(store, {f32, false}, Value::f32(666.6f)));
  linker.define("spectest", "global_f64", Global::create(store, {f64, false}, Value::f64(666.6)));
  linker.define("spectest", "table", Table::create(store, TableType{ValType::FuncRef, Limits{10, 20}}));
  linker.define("spectest", "memory", Memory::create(store, MemoryType{Limits{1, 2}}));
}

// Interprets one script against one store.
class ScriptRunner {
 public:
  explicit ScriptRunner(FileResult& result, const Options& options)
      : result_(result),
        options_(options),
        engine_(with_interrupts(options)),
        store_(engine_),
        linker_(engine_),
        watchdog_(store_) {
    if (options.fuel) (void)store_.set_fuel(*options.fuel);
    define_spectest(store_, linker_);
  }

  void run(const Command& c) {
    current_line_ = c.line;
    switch (c.kind) {
      case Command::Kind::Module: return run_module(c);
      case Command::Kind::Register: return run_register(c);
      case Command::Kind::Action: {
        auto r = perform(*c.action);
        if (!r.ok()) return fail(fmt::format("action failed: {}", r.error().to_string()));
        return pass();
      }
      case Command::Kind::AssertReturn: return run_assert_return(c);
      case Command::Kind::AssertTrap:
      case Command::Kind::AssertExhaustion: return run_assert_trap(c);
      case Command::Kind::AssertInvalid:
      case Command::Kind::AssertMalformed: return run_assert_rejected(c);
      case Command::Kind::AssertUnlinkable:
      case Command::Kind::AssertUninstantiable: return run_assert_not_instantiated(c);
    }
  }

 private:
  void pass() { ++result_.passed; }
  void fail(std::string why) {
    ++result_.failed;
    if (why.find("unsupported") != std::string::npos) ++result_.unsupported;
    result_.failures.push_back(fmt::format("line {}: {}", current_line_, why));
  }
  // As the reference interpreter's runner: the failure must be the one the
  // script names, its message beginning with the expected text.
  void expect_message(const std::string& expected, const std::string& actual) {
    if (actual.compare(0, expected.size(), expected) == 0) return pass();
    fail(fmt::format("failed with \"{}\", expected \"{}\"", actual, expected));
  }
  void expect_error(Error::Kind kind, const Error& e, const std::string& expected) {
    if (e.kind != kind) return fail(fmt::format("{} error \"{}\", expected {} \"{}\"", kind_name(e.kind), e.message,
                                                kind_name(kind), expected));
    expect_message(expected, e.message);
  }
  static const char* kind_name(Error::Kind k) {
    switch (k) {
      case Error::Kind::Malformed: return "malformed";
      case Error::Kind::Invalid: return "invalid";
      case Error::Kind::Unlinkable: return "unlinkable";
      case Error::Kind::Uninstantiable: return "uninstantiable";
      case Error::Kind::Trap: return "trap";
      case Error::Kind::Other: return "other";
    }
    return "?";
  }

  static Config with_interrupts(const Options& o) {
    Config c = o.engine;
    c.consume_fuel = c.consume_fuel || o.fuel.has_value();
    c.interruptible = c.interruptible || o.command_time_limit_ms > 0;
    return c;
  }
  // Runs one command's wasm under the per-command time limit.
  template <class F>
  auto limited(F&& run) {
    if (options_.command_time_limit_ms) watchdog_.arm(std::chrono::milliseconds(options_.command_time_limit_ms));
    auto r = run();
    watchdog_.disarm();
    return r;
  }

  // Bytes of a script module: text is already encoded; quote is parsed now.
  Result<std::vector<uint8_t>> module_bytes(const text::ScriptModule& m) {
    if (m.text_error) return Error{Error::Kind::Malformed, m.text_error->message, std::nullopt, std::nullopt};
    if (m.form != text::ScriptModule::Form::Quote) return m.binary;
    auto encoded = text::wat_to_binary(m.quote);
    if (auto* err = std::get_if<text::TextError>(&encoded))
      return Error{Error::Kind::Malformed, err->message, std::nullopt, std::nullopt};
    return std::get<std::vector<uint8_t>>(std::move(encoded));
  }

  Result<Instance> instantiate(const text::ScriptModule& m) {
    auto bytes = module_bytes(m);
    if (!bytes.ok()) return bytes.error();
    auto module = Module::compile(engine_, *bytes);
    if (!module.ok()) return module.error();
    return limited([&] { return linker_.instantiate(store_, *module); });
  }

  void run_module(const Command& c) {
    if (c.module_definition) {  // (module definition ...): compiled, not instantiated
      auto bytes = module_bytes(*c.module);
      if (!bytes.ok()) return fail("module definition: " + bytes.error().to_string());
      auto module = Module::compile(engine_, *bytes);
      if (!module.ok()) return fail("module definition: " + module.error().to_string());
      return pass();
    }
    auto inst = instantiate(*c.module);
    if (!inst.ok()) {
      current_.reset();  // later actions on "the current module" must not hit a stale one
      return fail("module failed: " + inst.error().to_string());
    }
    current_ = *inst;
    if (c.module->id) named_[*c.module->id] = *inst;
    pass();
  }

  void run_register(const Command& c) {
    auto inst = find_instance(c.register_module);
    if (!inst) return fail("register: unknown module");
    linker_.define_instance(store_, c.register_name, *inst);
    pass();
  }

  std::optional<Instance> find_instance(const std::optional<std::string>& name) {
    if (!name) return current_;
    auto it = named_.find(*name);
    if (it == named_.end()) return std::nullopt;
    return it->second;
  }

  Result<std::vector<Value>> perform(const text::Action& a) {
    auto inst = find_instance(a.module);
    if (!inst) return Error{Error::Kind::Other, "no module instance for action", std::nullopt, std::nullopt};
    if (a.kind == text::Action::Kind::Get) {
      auto g = inst->global(store_, a.field);
      if (!g) return Error{Error::Kind::Other, "unknown global export \"" + a.field + "\"", std::nullopt, std::nullopt};
      return std::vector<Value>{g->get(store_)};
    }
    auto f = inst->func(store_, a.field);
    if (!f) return Error{Error::Kind::Other, "unknown function export \"" + a.field + "\"", std::nullopt, std::nullopt};
    return limited([&] { return f->call(store_, std::span<const Value>(a.args)); });
  }

  void run_assert_return(const Command& c) {
    auto r = perform(*c.action);
    if (!r.ok()) return fail(fmt::format("{}: {}", c.action->field, r.error().to_string()));
    const auto& got = *r;
    bool ok = got.size() == c.expected.size();
    for (size_t i = 0; ok && i < got.size(); ++i) ok = matches(c.expected[i], got[i]);
    if (ok) return pass();
    std::string want = "(";
    for (size_t i = 0; i < c.expected.size(); ++i) want += (i ? " " : "") + describe(c.expected[i]);
    fail(fmt::format("{}: got {}, expected {})", c.action->field, describe(got), want));
  }

  void run_assert_trap(const Command& c) {
    if (c.module) {  // assert_trap on a module: instantiation must trap
      auto inst = instantiate(*c.module);
      if (inst.ok()) return fail("module instantiated, expected trap: " + c.message);
      return expect_error(Error::Kind::Uninstantiable, inst.error(), c.message);
    }
    auto r = perform(*c.action);
    if (r.ok()) return fail(fmt::format("{}: returned {}, expected trap \"{}\"", c.action->field, describe(*r), c.message));
    // assert_exhaustion expects "call stack exhausted": the same check.
    expect_error(Error::Kind::Trap, r.error(), c.message);
  }

  // assert_invalid / assert_malformed: the module must be rejected, by the
  // validator or by the decoder (or text parser) respectively.
  void run_assert_rejected(const Command& c) {
    const auto want = c.kind == Command::Kind::AssertInvalid ? Error::Kind::Invalid : Error::Kind::Malformed;
    auto bytes = module_bytes(*c.module);
    if (!bytes.ok()) return expect_error(want, bytes.error(), c.message);
    auto module = Module::compile(engine_, *bytes);
    if (module.ok()) return fail("module accepted, expected rejection: " + c.message);
    expect_error(want, module.error(), c.message);
  }

  // assert_unlinkable / assert_uninstantiable: compiles, then fails to instantiate.
  void run_assert_not_instantiated(const Command& c) {
    auto bytes = module_bytes(*c.module);
    if (!bytes.ok()) return fail("module did not parse: " + bytes.error().to_string());
    auto module = Module::compile(engine_, *bytes);
    if (!module.ok()) return fail("module did not compile: " + module.error().to_string());
    auto inst = linker_.instantiate(store_, *module);
    if (inst.ok()) return fail("module instantiated, expected failure: " + c.message);
    const auto want = c.kind == Command::Kind::AssertUnlinkable ? Error::Kind::Unlinkable : Error::Kind::Uninstantiable;
    expect_error(want, inst.error(), c.message);
  }

  FileResult& result_;
  const Options& options_;
  Engine engine_;
  Store store_;
  Linker linker_;
  std::optional<Instance> current_;
  std::map<std::string, Instance> named_;
  Watchdog watchdog_;
  uint32_t current_line_ = 0;
};

}  // namespace

FileResult run_wast_file(const std::string& path, const Options& options) {
  FileResult result;
  result.path = path;
  auto source = read_file(path);
  if (!source) {
    result.fatal = "cannot read file";
    return result;
  }
  auto parsed = text::parse_wast(*source);
  if (auto* err = std::get_if<text::TextError>(&parsed)) {
    result.fatal = "parse error: " + err->to_string();
    return result;
  }
  ScriptRunner runner(result, options);
  for (const Command& c : std::get<text::Script>(parsed).commands) runner.run(c);
  return result;
}

std::vector<std::string> collect_wast_files(const std::vector<std::string>& paths, std::string* error) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(p, ec))
        if (entry.path().extension() == ".wast") found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      if (error) *error = fmt::format("no such file or directory: {}", p);
      return {};
    }
  }
  return files;
}

}  // namespace mywasm::spectest
