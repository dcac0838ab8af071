// The mywasm command-line program.
//
//   mywasm run [options] app.wasm [guest args...]   run a module (WASI command or --invoke)
//   mywasm [options] app.wasm [guest args...]       the same, WasmEdge's spelling
//   mywasm run [options] IMAGE [args...]            run an OCI image (layout dir or oci-archive tar)
//   mywasm wast FILE|DIR...                         run spec test scripts
//   mywasm [--root DIR ...] create|start|state|kill|delete|ps|features ...
//                                                   the OCI runtime (runc's interface, tools/oci/runtime.hpp)
//
// Exit status: the guest's own exit code for WASI programs; 1 when the
// module cannot be loaded, validated or linked; 2 for wrong use of the
// command; 74 when --invoke results cannot be written; 124 when
// --time-limit ran out; 125 when --gas-limit ran out; 134 when the guest
// traps.
#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "mywasm/mywasm.hpp"
#include "mywasm/watchdog.hpp"
#include "text/wast.hpp"
#include "wast_runner.hpp"
#ifdef MYWASM_HAVE_WASI
#include "mywasm/wasi.hpp"
#include "oci/failure.hpp"
#include "oci/image_run.hpp"
#include "oci/runtime.hpp"
#include "runtime/populate.hpp"
#endif

namespace {

namespace fs = std::filesystem;
using namespace mywasm;

constexpr int kExitLoadError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitTrap = 134;

constexpr int kExitOutputError = 74;  // our own output (--invoke results) could not be written
constexpr int kExitTimeLimit = 124;   // --time-limit ran out (as timeout(1))
constexpr int kExitGasLimit = 125;    // --gas-limit ran out

// --time-limit of this run, in ms (0: none), and --gas-limit, for the
// messages that name them.
uint64_t g_time_limit_ms = 0;
uint64_t g_gas_limit = 0;

// One line on stderr. Never throws, whatever stderr is (closed, full).
void stderr_line(const std::string& line) {
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

template <class... Args>
void error_line(fmt::format_string<Args...> f, Args&&... args) {
  std::fflush(stdout);  // keep what the guest already wrote ahead of the error
  stderr_line("mywasm: " + printable(fmt::format(f, std::forward<Args>(args)...)));
}

// ------------------------------------------------------------------ run

// Engine options shared by run and wast: the tier, how memory accesses are
// bounds-checked, and the memory page limit.
struct EngineOptions {
  // The default: $MYWASM_TIER when set (how the test suite runs every CLI
  // test under each tier), else tiered.
  std::string tier = std::getenv("MYWASM_TIER") ? std::getenv("MYWASM_TIER") : "tiered";
  uint32_t tier_up_threshold = Config{}.tier_up_threshold;
  // `run` compiles hot functions in the background; `wast` where they get
  // hot (a conformance run that tiers up at the same point each time).
  std::string tier_up_compile = "background";
  std::string bounds_checks = "auto";
  std::string jit_compiler = std::getenv("MYWASM_JIT_COMPILER")
                                 ? std::getenv("MYWASM_JIT_COMPILER")
                                 : std::string(Config::kJitCompilerNames[size_t(Config{}.jit_compiler)]);
  uint64_t memory_page_limit = 0, max_memory_bytes = 0;

  void add_to(CLI::App& app) {
    app.add_option("--tier", tier,
                   "Execution tier: interp (interpreter only), jit (compile the whole module before it runs), "
                   "tiered (interpreter first, compiled once hot); default $MYWASM_TIER if set")
        ->check(CLI::IsMember(std::vector<std::string>(Config::kTierNames.begin(), Config::kTierNames.end())))
        ->capture_default_str();
    app.add_option("--tier-up-threshold", tier_up_threshold,
                   "With --tier tiered: interpreter calls plus loop iterations of a function before it is compiled; with "
                   "--jit-compiler both: the same in lean code before the full compiler recompiles it")
        ->capture_default_str();
    app.add_option("--tier-up-compile", tier_up_compile,
                   "With --tier tiered (or --jit-compiler both): compile a hot function on a background thread while "
                   "the code it has goes on (background), or on the running thread at the point it gets hot (sync)")
        ->check(CLI::IsMember({"background", "sync"}))
        ->capture_default_str();
    app.add_option("--bounds-checks", bounds_checks,
                   "Memory bounds in compiled code: guard-pages (reserve 8 GiB of address space per memory, no "
                   "checks), explicit (reserve the memory's maximum, check every access), auto (guard pages where "
                   "compiled code can run and the address space allows, else explicit, per memory)")
        ->check(CLI::IsMember({"auto", "guard-pages", "explicit"}))
        ->capture_default_str();
    app.add_option("--jit-compiler", jit_compiler,
                   "What compiles: full (from the interpreter's translation, the fastest code), lean (straight "
                   "from the wasm body in one pass, the fastest compile; x86-64, functions it does not take yet "
                   "go to the full one), both (lean first, full once a function's lean code is hot: "
                   "--tier-up-threshold calls plus loop iterations); default $MYWASM_JIT_COMPILER if set")
        ->check(CLI::IsMember(std::vector<std::string>(Config::kJitCompilerNames.begin(), Config::kJitCompilerNames.end())))
        ->capture_default_str();
    app.add_option("--memory-page-limit", memory_page_limit,
                   "At most N 64 KiB pages per memory: memory.grow past it returns -1");
    app.add_option("--max-memory", max_memory_bytes, "The same in bytes (rounded down to pages)");
  }
  void apply(Config& config) const {
    config.tier = Config::tier_named(tier).value_or(Config::Tier::Tiered);
    config.tier_up_threshold = tier_up_threshold;
    config.background_compile = tier_up_compile == "background";
    // (Both names checked by their options.)
    config.jit_compiler = Config::jit_compiler_named(jit_compiler).value_or(config.jit_compiler);
    config.bounds_checks = bounds_checks == "guard-pages" ? BoundsChecks::GuardPages
                           : bounds_checks == "explicit"  ? BoundsChecks::Explicit
                                                          : BoundsChecks::Auto;
    uint64_t pages = memory_page_limit;
    if (max_memory_bytes) {
      const uint64_t byte_pages = std::max<uint64_t>(max_memory_bytes / kPageSize, 1);
      pages = pages ? std::min(pages, byte_pages) : byte_pages;
    }
    config.store_limits.max_memory_pages = pages;
  }
};

struct RunOptions {
  EngineOptions engine;
  std::string module_path;
  std::vector<std::string> guest_args;
  std::vector<std::string> dirs;
  std::vector<std::string> envs;
  std::optional<std::string> invoke;
  std::vector<std::string> tcplisten, allow_net, deny_net;  // WASI sockets
  bool no_tcp_nodelay = false;
  bool allow_dns = false;
  bool no_fusion = false;
  uint64_t time_limit_ms = 0;
  std::optional<uint64_t> gas_limit;  // executed instructions
  // End the process as soon as the guest has ended (see end_run): set by
  // `mywasm run MODULE`, where nothing but memory is left to clean up; not
  // for images (their unpacked files go away in ImageRun's destructor) or
  // containers (the runtime reports the exit afterwards).
  bool exit_when_done = false;
#ifdef MYWASM_HAVE_WASI
  // Set when the guest comes from an image or a container: its argv[0]
  // (else the module path) and its preopens ahead of --dir.
  std::string argv0;
  std::vector<wasi::Preopen> preopens;
#endif
};

std::optional<std::vector<uint8_t>> read_bytes(const std::string& path) {
  // One sized read: modules carry megabytes of debug sections, and a
  // streambuf iterator costs milliseconds on them.
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::vector<uint8_t> bytes;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec) bytes.resize(size);
  const size_t got = bytes.empty() ? 0 : std::fread(bytes.data(), 1, bytes.size(), f);
  const bool ok = !ec && got == bytes.size() && !std::ferror(f);
  std::fclose(f);
  if (!ok) {
    if (!errno) errno = EIO;
    return std::nullopt;
  }
  return bytes;
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Text from outside (a command-line argument, a name from the module)
// quoted in an error line: at most `at_most` bytes and, when cut, its size
// (it may be any length; the line stays one readable line).
std::string shown(std::string_view text, size_t at_most = 64) {
  if (text.size() <= at_most) return std::string(text);
  return fmt::format("{}...({} bytes)", text.substr(0, at_most), text.size());
}

// Parses a command-line argument as a value of type `t`.
std::optional<Value> parse_arg(const std::string& s, ValType t) {
  errno = 0;
  char* end = nullptr;
  switch (t) {
    case ValType::I32:
    case ValType::I64: {
      const bool negative = !s.empty() && s[0] == '-';
      const uint64_t bits = negative ? static_cast<uint64_t>(std::strtoll(s.c_str(), &end, 0))
                                     : std::strtoull(s.c_str(), &end, 0);
      if (s.empty() || *end != '\0' || errno == ERANGE) return std::nullopt;
      if (t == ValType::I32) {
        const int64_t v = static_cast<int64_t>(bits);
        if (negative ? v < INT32_MIN : bits > UINT32_MAX) return std::nullopt;
        return Value::i32(static_cast<int32_t>(bits));
      }
      return Value::i64(static_cast<int64_t>(bits));
    }
    case ValType::F32: {
      const float f = std::strtof(s.c_str(), &end);
      if (s.empty() || *end != '\0') return std::nullopt;
      return Value::f32(f);
    }
    case ValType::F64: {
      const double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') return std::nullopt;
      return Value::f64(d);
    }
    default:
      return std::nullopt;
  }
}

std::string format_result(const Value& v) {
  switch (v.type()) {
    case ValType::I32: return fmt::format("{}", v.i32());
    case ValType::I64: return fmt::format("{}", v.i64());
    case ValType::F32: return std::isnan(v.f32()) ? v.to_string() : fmt::format("{}", v.f32());
    case ValType::F64: return std::isnan(v.f64()) ? v.to_string() : fmt::format("{}", v.f64());
    default: return v.to_string();
  }
}

// A backtrace frame: "module!function @ 0xMODULE_OFFSET (+0xFUNCTION_OFFSET)",
// the offsets those of the trapping instruction or the caller's call (a
// host function's frame has none).
std::string frame_line(const Frame& f) {
  auto name = [](std::string_view n) { return printable(shown(n, 512)); };
  std::string line = (f.module_name.empty() ? "" : name(f.module_name) + "!") + name(f.func_name);
  if (f.instance_addr) line += fmt::format(" @ {:#x} (+{:#x})", f.module_offset, f.func_offset);
  return line;
}

// Prints a trap (or the time limit that interrupted the guest) with its
// wasm backtrace; returns the exit status it ends the run with.
int report_trap(const Error& e) {
  const Trap::Kind kind = e.trap ? e.trap->kind : Trap::Kind::Unreachable;
  int status = kExitTrap;
  if (kind == Trap::Kind::Interrupted) {
    error_line("time limit of {} ms exceeded (--time-limit)", g_time_limit_ms);
    status = kExitTimeLimit;
  } else if (kind == Trap::Kind::OutOfFuel) {
    error_line("gas limit of {} instructions exhausted (--gas-limit)", g_gas_limit);
    status = kExitGasLimit;
  } else if (kind == Trap::Kind::OutOfHostMemory) {
    error_line("out of host memory");  // not the guest's fault: not a trap's status
    status = kExitLoadError;
  } else {
    error_line("trap: {}", e.message);
  }
  if (e.trap) {
    size_t i = 0;
    for (const Frame& f : e.trap->backtrace) stderr_line(fmt::format("  {}: {}", i++, frame_line(f)));
  }
  return status;
}

// Calls `func`, printing results or the trap. Returns the exit status.
int call_and_report(Store& store, const Func& func, const std::vector<Value>& args, bool print_results) {
  auto r = func.call(store, std::span<const Value>(args));
  if (r.ok()) {
    if (!print_results) return 0;
    for (const Value& v : *r) std::fprintf(stdout, "%s\n", format_result(v).c_str());
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      error_line("cannot write the results to stdout: {}", std::strerror(errno));
      return kExitOutputError;
    }
    return 0;
  }
  const Error& e = r.error();
  if (e.trap && e.trap->kind == Trap::Kind::Exit) return e.trap->exit_code;
  if (e.kind == Error::Kind::Trap) return report_trap(e);
  error_line("{}", e.to_string());
  return kExitLoadError;
}

#ifdef MYWASM_HAVE_WASI
// --dir forms: GUEST:HOST[:readonly] (WasmEdge), HOST::GUEST (Wasmtime), PATH.
std::optional<wasi::Preopen> parse_dir(const std::string& spec, std::string* why) {
  wasi::Preopen p;
  if (auto pos = spec.find("::"); pos != std::string::npos) {
    p.host_path = spec.substr(0, pos);
    p.guest_path = spec.substr(pos + 2);
  } else if (auto colon = spec.find(':'); colon != std::string::npos) {
    p.guest_path = spec.substr(0, colon);
    std::string rest = spec.substr(colon + 1);
    if (has_suffix(rest, ":readonly")) {
      p.readonly = true;
      rest.resize(rest.size() - std::string_view(":readonly").size());
    }
    p.host_path = rest;
  } else {
    p.guest_path = p.host_path = spec;
  }
  if (p.guest_path.empty() || p.host_path.empty()) {
    *why = fmt::format("--dir {}: expected GUEST:HOST[:readonly]", shown(spec));
    return std::nullopt;
  }
  std::error_code ec;
  if (!fs::is_directory(p.host_path, ec)) {
    *why = fmt::format("--dir {}: host directory '{}' does not exist", shown(spec), shown(p.host_path));
    return std::nullopt;
  }
  return p;
}
#endif

bool imports_wasi(const Module& m) {
  for (const auto& imp : m.imports())
    if (imp.module.rfind("wasi_", 0) == 0) return true;
  return false;
}

// A server guest holds a descriptor per connection: allow as many as the
// hard limit permits (as Go's runtime does), not the usual soft 1024.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The run's exit status, or, with opt.exit_when_done, the end of the
// process with it: freeing the store one function, instance and memory at a
// time is work the kernel does at exit anyway (3% of a hello run). Output
// is flushed first, so nothing written is lost.
int end_run(const RunOptions& opt, int status) {
  if (!opt.exit_when_done) return status;
  std::fflush(nullptr);
  std::_Exit(status);
}

int run_module(const RunOptions& opt) {
  Config config;
  config.interp_fusions = !opt.no_fusion;
  opt.engine.apply(config);
  config.interruptible = opt.time_limit_ms > 0;
  g_time_limit_ms = opt.time_limit_ms;
  config.consume_fuel = opt.gas_limit.has_value();
  g_gas_limit = opt.gas_limit.value_or(0);
  Engine engine(config);
  std::optional<Result<Module>> compiled;
  if (has_suffix(opt.module_path, ".wat") || has_suffix(opt.module_path, ".wast")) {
    auto bytes = read_bytes(opt.module_path);
    if (!bytes) {
      error_line("cannot read '{}': {}", opt.module_path, std::strerror(errno));
      return kExitUsage;
    }
    auto encoded = text::wat_to_binary(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                       text::WatOptions{.debug_names = true});
    if (auto* err = std::get_if<text::TextError>(&encoded)) {
      error_line("{}:{}:{}: {}", opt.module_path, err->line, err->column, err->message);
      return kExitLoadError;
    }
    compiled = Module::compile(engine, std::get<std::vector<uint8_t>>(encoded));
  } else {
    // Binary modules are read by the engine, without their debug sections.
    if (::access(opt.module_path.c_str(), R_OK) != 0) {
      error_line("cannot read '{}': {}", opt.module_path, std::strerror(errno));
      return kExitUsage;
    }
    compiled = Module::compile_file(engine, opt.module_path);
  }
  auto& module = *compiled;
  if (!module.ok()) {
    error_line("{}: {}", opt.module_path, module.error().to_string());
    return kExitLoadError;
  }
  Store store(engine);
  if (opt.gas_limit) (void)store.set_fuel(*opt.gas_limit);  // consume_fuel is on
  Linker linker(engine);
  // The time limit covers instantiation (start functions) and the call.
  std::optional<Watchdog> watchdog;
  if (opt.time_limit_ms) {
    watchdog.emplace(store, [] {  // stuck in a host call: end the process, output flushed
      error_line("time limit of {} ms exceeded (--time-limit), in a host call", g_time_limit_ms);
      std::fflush(stdout);
      std::_Exit(kExitTimeLimit);
    });
    watchdog->arm(std::chrono::milliseconds(opt.time_limit_ms));
  }

#ifdef MYWASM_HAVE_WASI
  std::unique_ptr<wasi::Context> wasi_ctx;
  if (imports_wasi(*module)) {
    raise_fd_limit();
    wasi::Config cfg;
    cfg.args.push_back(opt.argv0.empty() ? opt.module_path : opt.argv0);
    cfg.args.insert(cfg.args.end(), opt.guest_args.begin(), opt.guest_args.end());
    cfg.env = opt.envs;
    cfg.tcplisten = opt.tcplisten;
    cfg.net_allow = opt.allow_net;
    cfg.net_deny = opt.deny_net;
    cfg.allow_dns = opt.allow_dns;
    cfg.tcp_nodelay = !opt.no_tcp_nodelay;
    cfg.preopens = opt.preopens;
    for (const auto& d : opt.dirs) {
      std::string why;
      auto p = parse_dir(d, &why);
      if (!p) {
        error_line("{}", why);
        return kExitUsage;
      }
      cfg.preopens.push_back(*p);
    }
    auto ctx = wasi::Context::create(std::move(cfg));
    if (!ctx.ok()) {
      error_line("{}", ctx.error().to_string());
      return kExitUsage;
    }
    wasi_ctx = std::move(ctx.value());
    wasi_ctx->add_imports_to_linker(store, linker, *module);
  }
#else
  if (imports_wasi(*module)) {
    error_line("{}: this build has no WASI support", opt.module_path);
    return kExitLoadError;
  }
#endif

  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    const Error& e = instance.error();
    if (e.trap && e.trap->kind == Trap::Kind::Exit) return e.trap->exit_code;
    if (e.trap) return report_trap(e);
    error_line("{}: {}", opt.module_path, e.to_string());
    return kExitLoadError;
  }

  if (!opt.invoke) {
    if (auto start = instance->func(store, "_start")) return end_run(opt, call_and_report(store, *start, {}, false));
    error_line("{}: no _start export; use --invoke NAME to call a function", opt.module_path);
    return kExitUsage;
  }

  // Reactor modules get their _initialize before the invoked export.
  if (auto init = instance->func(store, "_initialize"); init && !instance->func(store, "_start")) {
    if (int status = call_and_report(store, *init, {}, false); status != 0) return status;
  }
  auto func = instance->func(store, *opt.invoke);
  if (!func) {
    error_line("{}: no exported function '{}'", opt.module_path, *opt.invoke);
    return kExitUsage;
  }
  const FuncType type = func->type(store);
  if (opt.guest_args.size() != type.params.size()) {
    error_line("'{}' takes {} argument(s) {}, got {}", *opt.invoke, type.params.size(), to_string(type),
               opt.guest_args.size());
    return kExitUsage;
  }
  std::vector<Value> args;
  for (size_t i = 0; i < type.params.size(); ++i) {
    auto v = parse_arg(opt.guest_args[i], type.params[i]);
    if (!v) {
      error_line("argument {} '{}' is not a valid {}", i + 1, opt.guest_args[i], to_string(type.params[i]));
      return kExitUsage;
    }
    args.push_back(*v);
  }
  return end_run(opt, call_and_report(store, *func, args, true));
}

// mywasm's own options of `app` by name ("--dir", "-h"), each with whether
// it takes a value. Help is left out: after the module path, "--help" is
// the guest's (a tool's own help is what `mywasm run tool.wasm --help` wants).
std::map<std::string, bool> own_options(const CLI::App& app) {
  std::map<std::string, bool> names;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_positional() || o == app.get_help_ptr()) continue;
    const bool takes_value = o->get_expected_min() > 0;
    for (const std::string& n : o->get_lnames()) names["--" + n] = takes_value;
    for (const std::string& n : o->get_snames()) names["-" + n] = takes_value;
  }
  return names;
}

// How many words from args[at] on make one of mywasm's options: the option
// and, when it takes a value and has no "=VALUE", the next word; 0 when
// args[at] is not one of `own`.
size_t own_option_words(const std::vector<std::string>& args, size_t at, const std::map<std::string, bool>& own) {
  const std::string& a = args[at];
  if (a.size() < 2 || a[0] != '-') return 0;
  const size_t eq = a.find('=');
  const auto it = own.find(a.substr(0, eq));
  if (it == own.end()) return 0;
  return it->second && eq == std::string::npos ? 2 : 1;
}

// Where the module path is: the first word that is neither an option nor
// an option's value.
size_t find_module_arg(const std::vector<std::string>& args, const std::map<std::string, bool>& own) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].size() > 1 && args[i][0] == '-') {
      i += std::max<size_t>(own_option_words(args, i, own), 1) - 1;
      continue;
    }
    return i;
  }
  return args.size();
}

// Splits `mywasm run`'s words into mywasm's (the options before the module
// path, the path, and the options right after it, which WasmEdge's
// `run app.wasm --dir .:/` puts there) and the guest's: everything from the
// first word after the path that is not one of mywasm's options, or after
// a "--" that ends them.
void split_run_words(const std::vector<std::string>& args, const std::map<std::string, bool>& own,
                     std::vector<std::string>& mine, std::vector<std::string>& guests) {
  const size_t path = find_module_arg(args, own);
  mine.assign(args.begin(), args.begin() + std::min(path, args.size()));
  std::vector<std::string> after;  // mywasm's options after the path
  bool value_missing = false;      // the last of them lacks its value
  size_t end = std::min(path + 1, args.size());
  while (end < args.size()) {
    if (args[end] == "--") {
      ++end;
      break;
    }
    const size_t words = own_option_words(args, end, own);
    if (!words) break;
    value_missing = end + words > args.size();
    const size_t taken = std::min(words, args.size() - end);
    after.insert(after.end(), args.begin() + end, args.begin() + end + taken);
    end += taken;
  }
  guests.assign(args.begin() + end, args.end());
  // The path last: CLI11 leaves a required positional's word at the end to
  // it, where an option taking several values (--env A=B) would take it;
  // but not after an option missing its value, which would take the path.
  if (path < args.size() && value_missing) mine.push_back(args[path]);
  mine.insert(mine.end(), after.begin(), after.end());
  if (path < args.size() && !value_missing) mine.push_back(args[path]);
}

// Parses `args` (the words after the subcommand) with CLI11. Returns the
// exit status to stop with (help printed, or a usage error), or nullopt to go on.
std::optional<int> parse_command_line(CLI::App& app, const char* command, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 consumes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    error_line("{}: {} (see 'mywasm {} --help')", command, e.what(), command);
    return kExitUsage;
  }
  return std::nullopt;
}

#ifdef MYWASM_HAVE_WASI
void apply_guest(const oci::GuestSpec& guest, RunOptions& opt) {
  opt.module_path = guest.module_path;
  opt.argv0 = guest.argv.empty() ? guest.module_path : guest.argv[0];
  opt.guest_args.assign(guest.argv.begin() + (guest.argv.empty() ? 0 : 1), guest.argv.end());
  opt.envs = guest.env;
  opt.preopens = guest.preopens;
}
#endif

// The heap a run needs to start (the decoded module, the instance, the
// first functions' translations: about 300 KB for a Rust hello world),
// mapped in with one system call. On virtual machines each page fault costs
// some 15-25 us and a populated page about 1.5 us; touched one by one, the
// heap's first pages were a fifth of `mywasm run hello.wasm`. glibc only.
void prefault_heap() {
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 33) && defined(MADV_POPULATE_WRITE)
  constexpr size_t kBytes = 384 << 10;
  // The heap grows by kBytes beyond what is asked, and frees do not give
  // that back at once.
  if (mallopt(M_TOP_PAD, int(kBytes)) != 1 || mallopt(M_TRIM_THRESHOLD, int(2 * kBytes)) != 1) return;
  void* blocks[4] = {};
  for (void*& b : blocks) {  // (each below the mmap threshold, so from the heap)
    if (mallinfo2().keepcost >= kBytes) break;
    b = std::malloc(96 << 10);
  }
  for (void* b : blocks) std::free(b);
  // The free space at the heap's end, handed out from its start.
  const uintptr_t brk_end = uintptr_t(sbrk(0)), top = mallinfo2().keepcost;
  const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (brk_end - top) & ~(page - 1);
  const uintptr_t end = std::min(brk_end, brk_end - top + kBytes) & ~(page - 1);
  if (begin < end) populate_for_write(reinterpret_cast<void*>(begin), end - begin);
#endif
}

// The words of `mywasm run` before the module path, the path and the
// guest's words after it, into `opt`. Returns the exit status to stop with
// (help printed, or a usage error), or nullopt to go on.
std::optional<int> parse_run_args(std::vector<std::string> args, RunOptions& opt) {
  // No options, the common case (`mywasm run app.wasm ...` with no option
  // first or right after the path): the path is the first word and the rest
  // is the guest's, as CLI11 would find. CLI11 is
  // not set up at all then; its option set took 0.2M instructions (3% of a
  // hello run) and a dozen page faults on its code.
  const auto option_like = [&](size_t k) { return k < args.size() && !args[k].empty() && args[k][0] == '-'; };
  if (!args.empty() && !args[0].empty() && !option_like(0) && !option_like(1)) {
    opt.module_path = args[0];
    opt.guest_args.assign(args.begin() + 1, args.end());
    return std::nullopt;
  }
  CLI::App app{"Run a WebAssembly module: a WASI command (its _start), or one export with --invoke.",
               "mywasm run"};
  app.add_option("--dir", opt.dirs,
                 "Preopen a host directory: GUEST:HOST[:readonly] (WasmEdge order), HOST::GUEST, or PATH");
  app.add_option("--env", opt.envs, "Set a guest environment variable NAME=VALUE");
  app.add_option("--tcplisten", opt.tcplisten, "Give the guest a listening TCP socket on IP:PORT (fd 3, 4, ...)");
  app.add_option("--allow-net", opt.allow_net,
                 "Only allow bind/connect/send to these (default: all): *, IP, IP/PREFIX, with :PORT or "
                 ":LOW-HIGH; IPv6 in brackets when a port follows ([::1]:80, [fd00::/8]:1-1024)");
  app.add_option("--deny-net", opt.deny_net, "Refuse bind/connect/send to these (same forms); wins over --allow-net");
  app.add_flag("--allow-dns", opt.allow_dns,
               "Allow name resolution (sock_getaddrinfo) under a restrictive policy (--allow-net, --deny-net *)");
  app.add_flag("--no-tcp-nodelay", opt.no_tcp_nodelay,
               "Keep the kernel's default (Nagle's algorithm on) for guest TCP sockets; by default they get "
               "TCP_NODELAY");
  app.add_flag("--no-fusion", opt.no_fusion,
               "Translate every instruction to its plain interpreter form (no fused or specialised forms)");
  opt.engine.add_to(app);
  app.add_option("--time-limit,--timeout", opt.time_limit_ms,
                 "End the guest after MS milliseconds (exit status 124, with a wasm backtrace)");
  app.add_option("--gas-limit,--fuel", opt.gas_limit,
                 "End the guest after N executed wasm instructions (exit status 125, with a wasm backtrace; "
                 "checked at function entries and loop iterations)");
  app.add_option("--invoke", opt.invoke, "Call this export with the guest args as its parameters, print results");
  app.add_option("module", opt.module_path,
                 "The .wasm (or .wat) file, or an OCI image: layout directory or oci-archive tar")
      ->required();
  app.footer("Options may also follow the module path (run app.wasm --dir .:/ arg): they end at the first other "
             "word, or at a '--', and every word from there is passed to the guest (--help there is the guest's).\n"
             "Exit status: the guest's exit code; 1 load/link error; 2 usage error; 74 results not written; 124 time limit; "
             "125 gas limit; 134 trap.");

  std::vector<std::string> mine;
  split_run_words(args, own_options(app), mine, opt.guest_args);
  return parse_command_line(app, "run", std::move(mine));
}

int run_command(std::vector<std::string> args) {
  prefault_heap();
  RunOptions opt;
  if (auto status = parse_run_args(std::move(args), opt)) return *status;
  for (const auto& e : opt.envs) {
    const size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) {  // (no name: no NAME=VALUE a program can look up)
      error_line("--env {}: expected NAME=VALUE with a name", shown(e));
      return kExitUsage;
    }
  }
#ifdef MYWASM_HAVE_WASI
  // Checked before anything runs, whether or not the module uses sockets.
  if (auto why = wasi::net_policy_error(opt.allow_net, opt.deny_net)) {
    error_line("{}", *why);
    return kExitUsage;
  }
  // An OCI image instead of a module: its guest, with the command line's
  // args replacing Cmd and its --env overriding Env (docker run's rules).
  std::optional<oci::ImageRun> image;
  if (oci::looks_like_image(opt.module_path)) {
    try {
      image.emplace(opt.module_path);
      apply_guest(oci::guest_of(image->process(), opt.guest_args, opt.envs), opt);
    } catch (const oci::Failure& e) {
      error_line("{}", e.what());
      return kExitLoadError;
    }
  }
  opt.exit_when_done = !image;
#else
  opt.exit_when_done = true;
#endif
  return run_module(opt);
}

#ifdef MYWASM_HAVE_WASI
// The container runtime's guests run through the same path as `mywasm run`.
int run_guest(const oci::GuestSpec& guest) {
  RunOptions opt;
  apply_guest(guest, opt);
  return run_module(opt);
}
#endif

// ------------------------------------------------------------------ wast

// A spec file expected to fail: why, and (when the list gives it) exactly how
// many of its commands pass, so a regression inside a partly failing file
// fails the run as well.
struct KnownFailure {
  std::string reason;
  std::optional<uint64_t> passes;
};

// "name.wast [passes=N] reason" lines; '#' starts a comment. On failure,
// `error` says why.
std::optional<std::map<std::string, KnownFailure>> read_known_failures(const std::string& path,
                                                                        std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = fmt::format("cannot read '{}'", path);
    return std::nullopt;
  }
  std::map<std::string, KnownFailure> known;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string name;
    KnownFailure entry;
    ss >> name >> std::ws;
    std::getline(ss, entry.reason);
    static constexpr std::string_view kPasses = "passes=";
    if (entry.reason.starts_with(kPasses)) {
      const size_t count_end = std::min(entry.reason.find_first_of(" \t"), entry.reason.size());
      const char* digits = entry.reason.data() + kPasses.size();
      const char* end = entry.reason.data() + count_end;
      uint64_t count = 0;
      if (digits == end || std::from_chars(digits, end, count).ptr != end) {
        error = fmt::format("{}: bad count '{}' for {} (expected passes=N)", path,
                            entry.reason.substr(0, count_end), name);
        return std::nullopt;
      }
      entry.passes = count;
      const size_t reason_start = entry.reason.find_first_not_of(" \t", count_end);
      entry.reason.erase(0, std::min(reason_start, entry.reason.size()));
    }
    known[name] = std::move(entry);
  }
  return known;
}

int wast_command(std::vector<std::string> args) {
  std::vector<std::string> paths;
  bool verbose = false;
  std::string known_failures_path;
  bool no_fusion = false;
  EngineOptions engine_options;
  engine_options.tier_up_compile = "sync";
  uint64_t command_time_limit_ms = 10000;
  CLI::App app{"Run WebAssembly spec test scripts (.wast). Prints one line per file and a total.", "mywasm wast"};
  app.add_option("paths", paths, "Script files or directories of *.wast")->required();
  app.add_flag("-v,--verbose", verbose, "List every failing command");
  app.add_flag("--no-fusion", no_fusion, "Run on the plain interpreter translation (no fused or specialised forms)");
  engine_options.add_to(app);
  app.add_option("--time-limit", command_time_limit_ms,
                 "Interrupt a command (call or instantiation) after MS milliseconds, a failure (0: no limit)")
      ->capture_default_str();
  std::optional<uint64_t> gas_limit;
  app.add_option("--gas-limit,--fuel", gas_limit,
                 "Give each script's store N fuel (executed instructions): checks fuel accounting changes no result");
  app.add_option("--known-failures", known_failures_path,
                 "File of 'name.wast [passes=N] reason' lines: those files are expected to fail (and must), "
                 "with exactly N commands passing where N is given");
  if (auto status = parse_command_line(app, "wast", std::move(args))) return *status;
  std::map<std::string, KnownFailure> known;
  if (!known_failures_path.empty()) {
    std::string error;
    auto k = read_known_failures(known_failures_path, error);
    if (!k) {
      error_line("{}", error);
      return kExitUsage;
    }
    known = std::move(*k);
  }
  std::string err;
  auto files = spectest::collect_wast_files(paths, &err);
  if (!err.empty()) {
    error_line("wast: {}", err);
    return kExitUsage;
  }

  uint64_t passed = 0, failed = 0, known_failed = 0;
  bool unexpected = false;
  spectest::Options options;
  options.verbose = verbose;
  options.engine.interp_fusions = !no_fusion;
  engine_options.apply(options.engine);
  options.command_time_limit_ms = command_time_limit_ms;
  options.fuel = gas_limit;
  for (const auto& file : files) {
    const std::string name = fs::path(file).filename().string();
    auto r = spectest::run_wast_file(file, options);
    const bool file_failed = r.failed > 0 || !r.fatal.empty();
    auto k = known.find(name);
    if (k != known.end()) {
      const KnownFailure& listed = k->second;
      passed += r.passed;
      if (!file_failed) {
        fmt::print("FIXED {}: all {} passed; remove it from the known-failures list\n", name, r.passed);
        unexpected = true;
      } else if (listed.passes && r.passed != *listed.passes) {
        fmt::print("CHANGED {}: {} passed, the known-failures list says passes={}; check why, then update it\n",
                   name, r.passed, *listed.passes);
        unexpected = true;
      } else {
        fmt::print("known-fail {}: {} passed, {} failed{} — {}\n", name, r.passed, r.failed,
                   r.fatal.empty() ? "" : " (" + r.fatal + ")", listed.reason);
      }
      known_failed += r.failed + (r.fatal.empty() ? 0 : 1);
      continue;
    }
    passed += r.passed;
    failed += r.failed;
    if (!r.fatal.empty()) {
      ++failed;
      fmt::print("FAIL {}: {}\n", name, r.fatal);
    } else if (r.failed == 0) {
      fmt::print("ok   {}: {} passed\n", name, r.passed);
    } else {
      fmt::print("FAIL {}: {} passed, {} failed{}\n", name, r.passed, r.failed,
                 r.unsupported ? fmt::format(" ({} unsupported)", r.unsupported) : "");
      const size_t shown = verbose ? r.failures.size() : std::min<size_t>(r.failures.size(), 3);
      for (size_t i = 0; i < shown; ++i) fmt::print("     {}\n", r.failures[i]);
    }
  }
  if (known_failed) fmt::print("({} commands failed in files listed as known failures)\n", known_failed);
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed == 0 && !unexpected ? 0 : 1;
}

int usage() {
  fmt::print(
      "mywasm {} — a WebAssembly runtime\n\n"
      "Usage:\n"
      "  mywasm run [options] app.wasm [args...]   run a WASI program, or --invoke an export\n"
      "  mywasm [options] app.wasm [args...]       same as run (WasmEdge's spelling)\n"
      "  mywasm run [options] IMAGE [args...]      run an OCI image (layout directory or oci-archive tar)\n"
      "  mywasm wast FILE|DIR...                   run WebAssembly spec test scripts\n"
      "  mywasm [--root DIR] create|start|state|kill|delete|ps|features ...\n"
      "                                            the OCI runtime, as runc (see README)\n"
      "  mywasm --version\n\n"
      "Options may also follow the module path (mywasm run app.wasm --dir .:/ arg); from the first\n"
      "other word after it, or after '--', the words are the guest's.\n"
      "'mywasm run --help' and 'mywasm wast --help' list the options.\n",
      MYWASM_VERSION);
  return 0;
}

}  // namespace

// Before anything is opened: a closed fd 0, 1 or 2 becomes /dev/null (as
// Wasmtime does), so no file opened later takes its number and receives
// what was meant for stdio. And a closed pipe is EPIPE from write, for the
// guest to see, not a SIGPIPE that kills the runtime.
void prepare_process() {
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
  ::signal(SIGPIPE, SIG_IGN);
}

int dispatch(std::vector<std::string> args);

int main(int argc, char** argv) {
  prepare_process();
  // Whatever runs out of host memory outside wasm (loading, a host
  // function's own bookkeeping) ends here, as a line and status 1.
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    error_line("out of host memory");
    return kExitLoadError;
  }
}

int dispatch(std::vector<std::string> args) {
  if (args.empty()) {
    usage();
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") return usage();
  if (first == "--version" || first == "-V") {
    fmt::print("mywasm {}\n", MYWASM_VERSION);
    return 0;
  }
  if (first == "wast") return wast_command({args.begin() + 1, args.end()});
#ifdef MYWASM_HAVE_WASI
  if (oci::is_runtime_command(args)) return oci::runtime_main(args, run_guest);
#endif
  if (first == "run") return run_command({args.begin() + 1, args.end()});
  return run_command(args);  // WasmEdge style: options and module without "run"
}
