// Decode and validation cost of a module file, per MB of code:
//   compile_module FILE.wasm [runs]
//   compile_module FILE.wasm --jit-only [FUNCTION_INDEX | --by-function]
//   compile_module FILE.wasm --loop N
//   compile_module FILE.wasm --dump-code OUT
//   compile_module FILE.wasm --floor [runs]
// Prints the file size, the code section size, the best of N times for
// reading the file (Module::compile_file's loader, custom sections skipped),
// decoding and validating, and the validation rate in MB of code per second.
// Then the baseline compiler's rate: the module instantiated (imports
// satisfied by stubs) and every function compiled to native code (its plain
// translation included), one thread, in MB of code per second; of that, the
// plain translations alone; the whole pipeline from bytes in memory
// (decode + validate + translate + code generation) as one rate; and what
// the compiled code keeps to map its traps back to wasm offsets (the
// origin tables), per byte of wasm code; the same compilation through
// jit::compile_all on one thread and spread over every hardware thread,
// in wall time. Then each
// backend on its own (the x86-64 one on an x86-64 host; the AArch64 one on
// any host, as it only generates code: on x86-64 its code is made and
// never run): its rate over the plain translations made beforehand, and
// the bytes of machine code it made per byte of wasm code.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <sys/resource.h>
#include <time.h>

#include "decoder.hpp"
#include "validator.hpp"

#include "a64_compiler.hpp"
#include "interp/code.hpp"
#include "jit.hpp"
#include "x64_compiler.hpp"
#if defined(__x86_64__)
#include "x64_fast_assembler.hpp"
#endif
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"
#include "runtime/module_impl.hpp"

namespace {

// Tiered: instantiation compiles nothing (Tier::Jit would compile the whole
// module there), so what is timed below is all the compiling there is.
// $MYWASM_JIT_COMPILER (a name `mywasm --jit-compiler` takes) picks the
// compiler, else the default's: both, whose first code is the lean
// compiler's.
mywasm::Config jit_config() {
  mywasm::Config c;
  c.tier = mywasm::Config::Tier::Tiered;
  if (const char* compiler = std::getenv("MYWASM_JIT_COMPILER"))
    c.jit_compiler = mywasm::Config::jit_compiler_named(compiler).value_or(c.jit_compiler);
  return c;
}

// Every import defined by something of its type: functions that return
// zeros, fresh memories, tables and globals.
void define_stub_imports(mywasm::Store& store, mywasm::Linker& linker, const mywasm::Module& m) {
  using namespace mywasm;
  for (const ImportDesc& imp : m.imports()) {
    switch (imp.kind) {
      case ExternKind::Func:
        linker.define(imp.module, imp.name,
                      Func::host(store, imp.func, [](Caller&, std::span<const Value>, std::span<Value> results)
                                                      -> std::optional<Trap> {
                        (void)results;
                        return std::nullopt;
                      }));
        break;
      case ExternKind::Memory: linker.define(imp.module, imp.name, Memory::create(store, imp.memory)); break;
      case ExternKind::Table: linker.define(imp.module, imp.name, Table::create(store, imp.table)); break;
      case ExternKind::Global:
        linker.define(imp.module, imp.name, mywasm::Global::create(store, imp.global, Value::zero(imp.global.type)));
        break;
    }
  }
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// This thread's CPU time: steadier than wall time on a machine shared with
// other work (the thread's waits for a core are not in it).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// This thread's page faults so far (minor ones: fresh memory touched).
long thread_page_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

// A backend; where it reports them (the AArch64 one), the instructions its
// code runs through the interpreter's code are appended to the vector.
using Interpreted = std::vector<const mywasm::interp::HandlerInfo*>;
using Backend = mywasm::NativeEntry (*)(mywasm::StoreImpl&, mywasm::FuncInstance&, const mywasm::CompiledFunc&,
                                        mywasm::jit::NativeCode&, Interpreted*);

// One backend over every wasm function of an instance: seconds (translations
// made beforehand, not counted) and bytes of code made; functions it did
// not compile are counted in `failed`; instructions left to the
// interpreter's code (of them v128 ones) in `interpreted`.
struct BackendRun {
  double seconds = 0;
  size_t code_bytes = 0, failed = 0, interpreted = 0, interpreted_v128 = 0;
};
BackendRun run_backend(mywasm::Store& store, Backend backend) {
  using namespace mywasm;
  std::vector<std::pair<FuncInstance*, std::unique_ptr<CompiledFunc>>> plain;
  for (auto& f : store.impl().funcs)
    if (!f->is_host()) plain.emplace_back(f.get(), interp::translate(store.impl(), *f, /*fuse=*/false));
  std::vector<std::unique_ptr<jit::NativeCode>> made;
  BackendRun run;
  auto t = std::chrono::steady_clock::now();
  Interpreted interpreted;
  for (auto& [f, source] : plain) {
    made.push_back(std::make_unique<jit::NativeCode>());
    if (!backend(store.impl(), *f, *source, *made.back(), &interpreted)) ++run.failed;
    for (const interp::HandlerInfo* h : interpreted) {
      ++run.interpreted;
      if (h->form != interp::HandlerInfo::InternalForm && info(h->op).prefix == 0xFD) ++run.interpreted_v128;
    }
  }
  run.seconds = seconds_since(t);
  for (const auto& code : made) run.code_bytes += code->size;
  return run;
}

// A module's code in bytes, as every rate here counts it: each body from
// its size field to its final `end`.
size_t code_bytes_of(const mywasm::ir::Module& m) {
  size_t n = 0;
  for (const auto& b : m.bodies) n += b.code_end - b.body_offset;
  return n;
}

// Runs use(store) on a fresh instance of the module at `path` (imports
// satisfied by stubs); false when it does not instantiate.
template <class F>
bool with_instance(const std::string& path, F&& use) {
  mywasm::Engine engine(jit_config());
  auto compiled = mywasm::Module::compile_file(engine, path);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n", compiled.error().to_string().c_str());
    return false;
  }
  mywasm::Store store(engine);
  mywasm::Linker linker(engine);
  define_stub_imports(store, linker, *compiled);
  auto inst = linker.instantiate(store, *compiled);
  if (!inst.ok()) {
    std::fprintf(stderr, "instantiate: %s\n", inst.error().to_string().c_str());
    return false;
  }
  use(store);
  return true;
}

#if defined(__x86_64__)
// --floor: how fast a single-pass compiler built on this decoder and
// FastAssembler could be at best, doing nothing else: every body's
// instructions decoded as every stage reads them (read_instr_or_throw),
// and two plain frame moves encoded per instruction (a load and a store,
// about what real code averages: speedtest1's 2.95 MB of x86-64 code for
// 430,761 wasm instructions is some 1.7 machine instructions each), into
// one reused buffer. No validation, operand stack, register choice or
// branch: what is measured is the floor under all of those. Best of
// `runs`, thread CPU time.
double floor_seconds(const mywasm::ir::Module& m, int runs, size_t& instrs, size_t& machine_bytes) {
  using namespace asmjit;
  std::vector<uint8_t> buffer(size_t(16) << 20);
  double best = 1e30;
  const std::span<const uint8_t> bytes(m.bytes.data(), m.bytes.size());
  for (int run = 0; run < runs; ++run) {
    instrs = machine_bytes = 0;
    const double cpu0 = thread_cpu_seconds();
    CodeHolder code;
    for (const auto& body : m.bodies) {
      code.reset(ResetPolicy::kSoft);
      code.init(Environment::host());
      mywasm::jit::use_fixed_buffer(code, buffer.data(), buffer.size());
      mywasm::jit::FastAssembler a(&code);
      mywasm::Reader r(bytes, body.code_begin, body.code_end);
      mywasm::Instr in;
      while (!r.eof()) {
        mywasm::read_instr_or_throw(r, in);
        const int32_t slot = int32_t(in.a & 0xFF) * 8;
        a.mov(x86::rax, x86::qword_ptr(x86::rbx, slot));
        a.mov(x86::qword_ptr(x86::rbx, slot + 8), x86::rax);
        ++instrs;
      }
      machine_bytes += code.textSection()->bufferSize();
    }
    best = std::min(best, thread_cpu_seconds() - cpu0);
  }
  return best;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: compile_module FILE.wasm [runs]\n"
                 "       compile_module FILE.wasm --jit-only [FUNCTION_INDEX | --by-function]\n"
                 "       compile_module FILE.wasm --dump-code OUT\n"
                 "       compile_module FILE.wasm --floor [runs]\n"
                 "       compile_module FILE.wasm --loop N\n");
    return 2;
  }
  if (argc > 2 && std::string(argv[2]) == "--floor") {
#if defined(__x86_64__)
    mywasm::Engine engine;
    auto compiled = mywasm::Module::compile_file(engine, argv[1]);
    if (!compiled.ok()) {
      std::fprintf(stderr, "%s\n", compiled.error().to_string().c_str());
      return 1;
    }
    const mywasm::ir::Module& m = compiled->impl()->module;
    const size_t code_bytes = code_bytes_of(m);
    size_t instrs = 0, machine_bytes = 0;
    const double s = floor_seconds(m, argc > 3 ? std::atoi(argv[3]) : 5, instrs, machine_bytes);
    std::printf("decode and encode only (two movs per instruction): %.2f ms for %zu instructions (%.2f MB of "
                "machine code), %.1f MB/s, %.1f ns per instruction\n",
                s * 1e3, instrs, machine_bytes / 1e6, code_bytes / 1e6 / s, s * 1e9 / double(instrs));
    return 0;
#else
    std::fprintf(stderr, "--floor measures the x86-64 encoder: x86-64 hosts only\n");
    return 1;
#endif
  }
  // --jit-only: one instance, every function compiled once on this thread
  // (jit::compile), nothing else: for profilers (callgrind
  // --toggle-collect=mywasm::jit::compile*) and first-compile timings,
  // with the thread's page faults. With FUNCTION_INDEX, that one function
  // alone; with --by-function, the largest functions' own times and page
  // faults are listed (measured at a few system calls per function).
  if (argc > 2 && std::string(argv[2]) == "--jit-only") {
    if (!mywasm::jit::available()) return 1;
    const bool by_function = argc > 3 && std::string(argv[3]) == "--by-function";
    std::optional<uint32_t> only;  // (a function index: that function alone)
    if (argc > 3 && !by_function) only = uint32_t(std::strtoul(argv[3], nullptr, 10));
    const bool ran = with_instance(argv[1], [&](mywasm::Store& store) {
      const double cpu0 = thread_cpu_seconds();
      const long faults0 = thread_page_faults();
      size_t failed = 0, wasm_bytes = 0;
      struct Timed {
        double seconds;
        size_t bytes;
        uint32_t index;
        long page_faults;
      };
      std::vector<Timed> timed;
      const mywasm::ir::Module* named = nullptr;  // (for the functions' names)
      for (auto& f : store.impl().funcs) {
        if (f->is_host() || (only && f->func_index != *only)) continue;
        const auto& m = f->instance->module->module;
        named = &m;
        const auto& body = m.bodies[f->func_index - m.num_imported_funcs];
        const size_t bytes = body.code_end - body.body_offset;  // (as code_bytes_of counts it)
        wasm_bytes += bytes;
        if (!by_function) {
          if (!mywasm::jit::compile(store.impl(), *f)) ++failed;
          continue;
        }
        const double f0 = thread_cpu_seconds();
        const long f_faults0 = thread_page_faults();
        if (!mywasm::jit::compile(store.impl(), *f)) ++failed;
        timed.push_back({thread_cpu_seconds() - f0, bytes, f->func_index, thread_page_faults() - f_faults0});
      }
      const double cpu = thread_cpu_seconds() - cpu0;
      const long faults = thread_page_faults() - faults0;
      std::printf("jit::compile of every function, one thread: %.2f ms thread CPU (%.1f MB/s), %ld page faults%s\n",
                  cpu * 1e3, wasm_bytes / 1e6 / cpu, faults, failed ? " (some not compiled)" : "");
      // The largest functions' own rates: a rate far below the module's
      // points at a cost that grows faster than the code.
      std::sort(timed.begin(), timed.end(), [](const Timed& a, const Timed& b) { return a.bytes > b.bytes; });
      for (size_t i = 0; i < std::min<size_t>(timed.size(), 8); ++i)
        std::printf("  function %u %s: %zu bytes, %.3f ms (%.1f MB/s), %ld page faults\n", timed[i].index,
                    std::string(named->func_name(timed[i].index).value_or("")).c_str(), timed[i].bytes,
                    timed[i].seconds * 1e3, timed[i].bytes / 1e6 / timed[i].seconds, timed[i].page_faults);
    });
    return ran ? 0 : 1;
  }
  // --dump-code OUT: every function compiled once (jit::compile), its
  // machine code and code origins written to OUT (per function: u32 code
  // size, the code, u32 origin count, the origins), for checking that a
  // change to the compiler's speed left its output as it was
  // (bench/compare_code_dumps.py: equal but for the absolute addresses the
  // code embeds).
  if (argc > 3 && std::string(argv[2]) == "--dump-code") {
    if (!mywasm::jit::available()) return 1;
    std::FILE* out = std::fopen(argv[3], "wb");
    if (!out) return 1;
    auto put_u32 = [&](size_t v) {
      const uint32_t v32 = uint32_t(v);
      std::fwrite(&v32, 4, 1, out);
    };
    const bool ran = with_instance(argv[1], [&](mywasm::Store& store) {
      for (auto& f : store.impl().funcs) {
        if (f->is_host()) continue;
        const bool compiled = mywasm::jit::compile(store.impl(), *f) && f->native;
        put_u32(compiled ? f->native->size : 0);
        if (!compiled) {
          put_u32(0);
          continue;
        }
        std::fwrite(f->native->code, 1, f->native->size, out);
        put_u32(f->native->code_origins.size());
        std::fwrite(f->native->code_origins.data(), sizeof(mywasm::CompiledFunc::Origin),
                    f->native->code_origins.size(), out);
      }
    });
    return std::fclose(out) == 0 && ran ? 0 : 1;
  }
  // --loop N: jit::compile_all of the module (one thread) in N fresh
  // instances, nothing else timed: a steady load for perf record.
  if (argc > 3 && std::string(argv[2]) == "--loop") {
    for (int i = 0; i < std::atoi(argv[3]); ++i)
      with_instance(argv[1], [&](mywasm::Store& store) {
        std::vector<mywasm::FuncInstance*> funcs;
        for (auto& f : store.impl().funcs) if (!f->is_host()) funcs.push_back(f.get());
        mywasm::jit::compile_all(store.impl(), funcs, 1);
      });
    return 0;
  }
  const std::string path = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  double best_compile = 1e30, best_decode = 1e30, best_validate = 1e30;
  size_t file_size = 0, code_bytes = 0, funcs = 0;
  for (int i = 0; i < runs; ++i) {
    mywasm::Engine engine;
    auto t0 = std::chrono::steady_clock::now();
    auto compiled = mywasm::Module::compile_file(engine, path);  // read + decode + validate
    best_compile = std::min(best_compile, seconds_since(t0));
    if (!compiled.ok()) {
      std::fprintf(stderr, "%s\n", compiled.error().to_string().c_str());
      return 1;
    }
    // Decode and validate separately, on the same bytes (already in memory).
    const mywasm::ir::Module& loaded = compiled->impl()->module;
    std::span<const uint8_t> bytes(loaded.bytes.data(), loaded.bytes.size());
    mywasm::ir::Module m;
    auto t1 = std::chrono::steady_clock::now();
    mywasm::ir::ModuleBytes again(nullptr, bytes);
    again.skipped = loaded.bytes.skipped;  // (custom sections compile_file left unread)
    if (auto e = mywasm::decode_module(std::move(again), m)) {
      std::fprintf(stderr, "decoding again: %s\n", e->message.c_str());
      return 1;
    }
    best_decode = std::min(best_decode, seconds_since(t1));
    auto t2 = std::chrono::steady_clock::now();
    if (auto e = mywasm::validate_module(m)) return 1;
    best_validate = std::min(best_validate, seconds_since(t2));
    file_size = bytes.size();
    code_bytes = code_bytes_of(m);
    funcs = m.bodies.size();
  }
  const double code_mb = code_bytes / 1e6;
  // Every function through jit::compile_all, wall time (first, while the
  // process's code memory is fresh, as in `mywasm run`: the per-function
  // compiles below leave its arenas fragmented): on one thread (as
  // Tier::Jit compiles a module under 1 MB of code: it checks the code
  // memory once, not per function) and on every hardware thread (what
  // compiling a big module takes).
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  auto time_compile_all = [&](unsigned on_threads) {
    double best = -1;
    for (int i = 0; i < std::min(runs, 3); ++i) {
      if (!with_instance(path, [&](mywasm::Store& store) {
            std::vector<mywasm::FuncInstance*> funcs;
            for (auto& f : store.impl().funcs)
              if (!f->is_host()) funcs.push_back(f.get());
            auto t = std::chrono::steady_clock::now();
            const size_t compiled = mywasm::jit::compile_all(store.impl(), funcs, on_threads);
            const double s = seconds_since(t);
            best = best < 0 ? s : std::min(best, s);
            if (compiled != funcs.size()) std::printf("(%zu functions not compiled)\n", funcs.size() - compiled);
          }))
        break;
    }
    return best;
  };
  const bool can_compile = mywasm::jit::available();
  const double best_compile_all = can_compile ? time_compile_all(1) : -1;
  const double best_parallel = can_compile && threads > 1 ? time_compile_all(threads) : -1;
  double best_jit = -1, best_translate = -1, best_jit_cpu = -1;
  // What the last compilation made: native code, and its origin tables.
  size_t native_bytes = 0, code_origins = 0, stub_origins = 0;
  if (mywasm::jit::available()) {
    for (int i = 0; i < std::min(runs, 3); ++i) {
      const bool ran = with_instance(path, [&](mywasm::Store& store) {
        auto t = std::chrono::steady_clock::now();
        const double cpu0 = thread_cpu_seconds();
        size_t failed = 0;
        for (auto& f : store.impl().funcs)
          if (!f->is_host() && !mywasm::jit::compile(store.impl(), *f)) ++failed;
        const double s = seconds_since(t), cpu = thread_cpu_seconds() - cpu0;
        best_jit = best_jit < 0 ? s : std::min(best_jit, s);
        best_jit_cpu = best_jit_cpu < 0 ? cpu : std::min(best_jit_cpu, cpu);
        if (failed) std::printf("(%zu functions not compiled)\n", failed);
        native_bytes = code_origins = stub_origins = 0;
        for (auto& f : store.impl().funcs) {
          if (!f->native) continue;
          native_bytes += f->native->size;
          code_origins += f->native->code_origins.size();
          stub_origins += f->native->stub_origins.size();
        }
        // The translations alone (into one reused buffer, as the compiler does).
        auto t_tr = std::chrono::steady_clock::now();
        std::unique_ptr<mywasm::CompiledFunc> buffers;
        for (auto& f : store.impl().funcs)
          if (!f->is_host()) buffers = mywasm::interp::translate(store.impl(), *f, false, false, std::move(buffers));
        const double tr = seconds_since(t_tr);
        best_translate = best_translate < 0 ? tr : std::min(best_translate, tr);
      });
      if (!ran) break;
    }
  }
  struct Named {
    const char* name;
    Backend backend;
    bool reports_interpreted;
  };
  std::vector<Named> backends;
#if defined(__x86_64__)
  if (mywasm::jit::available()) {
    Backend x64 = [](mywasm::StoreImpl& s, mywasm::FuncInstance& f, const mywasm::CompiledFunc& c,
                     mywasm::jit::NativeCode& out, Interpreted*) { return mywasm::jit::compile_x64(s, f, c, out); };
    backends.push_back({"x86-64", x64, false});
  }
#endif
  backends.push_back({"aarch64", &mywasm::jit::compile_a64, true});
  struct NamedRun {
    const char* name;
    BackendRun run;
    bool reports_interpreted;
  };
  std::vector<NamedRun> backend_runs;
  for (const Named& b : backends) {
    BackendRun best;
    for (int i = 0; i < std::min(runs, 3); ++i) {
      const bool ran = with_instance(path, [&](mywasm::Store& store) {
        const BackendRun r = run_backend(store, b.backend);
        if (i == 0 || r.seconds < best.seconds) best = r;
      });
      if (!ran) break;
    }
    backend_runs.push_back({b.name, best, b.reports_interpreted});
  }
  std::printf("%s: %.1f MB file, %zu functions, %.2f MB code\n", path.c_str(), file_size / 1e6, funcs, code_mb);
  std::printf("compile_file (read+decode+validate): %.2f ms\n", best_compile * 1e3);
  std::printf("decode: %.2f ms (%.2f ms per MB of code)\n", best_decode * 1e3, best_decode * 1e3 / code_mb);
  std::printf("validate: %.2f ms (%.2f ms per MB of code, %.0f MB/s)\n", best_validate * 1e3,
              best_validate * 1e3 / code_mb, code_mb / best_validate);
  if (best_jit >= 0) {
    std::printf("compile to native (plain translation + this host's backend): %.2f ms (%.1f MB/s)\n", best_jit * 1e3,
                code_mb / best_jit);
    std::printf("  thread CPU time: %.2f ms (%.1f MB/s)\n", best_jit_cpu * 1e3, code_mb / best_jit_cpu);
    std::printf("  of which plain translation: %.2f ms\n", best_translate * 1e3);
    const double all = best_decode + best_validate + best_jit;
    std::printf("decode + validate + compile to native: %.2f ms (%.1f MB/s)\n", all * 1e3, code_mb / all);
    if (best_compile_all >= 0)
      std::printf("compile_all on one thread: %.2f ms wall (%.1f MB/s)\n", best_compile_all * 1e3,
                  code_mb / best_compile_all);
    if (best_parallel >= 0) {
      const double all_parallel = best_decode + best_validate + best_parallel;
      std::printf("compile to native on %u threads: %.2f ms wall (%.1f MB/s); decode + validate + that: %.2f ms\n",
                  threads, best_parallel * 1e3, code_mb / best_parallel, all_parallel * 1e3);
    }
    const size_t entry = sizeof(mywasm::CompiledFunc::Origin);
    std::printf("native code: %.2f MB (%.2f bytes per byte of wasm code)\n", native_bytes / 1e6,
                double(native_bytes) / double(code_bytes));
    std::printf("origin tables (native code + stubs): %zu + %zu entries of %zu bytes, %.3f per byte of wasm code\n",
                code_origins, stub_origins, entry, double((code_origins + stub_origins) * entry) / double(code_bytes));
  }
  for (const auto& [name, r, reports] : backend_runs) {
    std::printf("%s backend alone: %.2f ms (%.0f MB/s), %.2f MB machine code, %.2f bytes per wasm code byte",
                name, r.seconds * 1e3, code_mb / r.seconds, r.code_bytes / 1e6, double(r.code_bytes) / code_bytes);
    if (r.failed) std::printf(" (%zu functions not compiled)", r.failed);
    if (reports)
      std::printf(", %zu instructions left to the interpreter's code (%zu v128)", r.interpreted, r.interpreted_v128);
    std::printf("\n");
  }
  return 0;
}
