// Google Benchmark micro-benchmarks for the engine's pieces: decode,
// validate, translate (interpreter tier 0) and dispatch (a tight loop run
// by the interpreter). Modules: one generated here from WAT (always
// available) and the C kernels' wasm files when they have been built
// (MYWASM_KERNEL_DIR, target bench_kernels).
//
//   build/bench/engine_bench [--benchmark_filter=Translate]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

// decoder.hpp/validator.hpp first (they name the IR's Module unqualified).
#include "decoder.hpp"
#include "validator.hpp"

#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

// An instance of `bytes` (which must have no imports) in a store of its
// own; on failure `instance` stays empty and `state` carries the error.
struct BenchInstance {
  mywasm::Engine engine;
  mywasm::Store store{engine};
  mywasm::Linker linker{engine};
  std::optional<mywasm::Module> module;
  std::optional<mywasm::Instance> instance;

  BenchInstance(benchmark::State& state, const Bytes& bytes) {
    auto compiled = mywasm::Module::compile(engine, bytes);
    if (!compiled) {
      state.SkipWithError("compile failed");
      return;
    }
    module = *compiled;
    auto instantiated = linker.instantiate(store, *module);
    if (!instantiated) {
      state.SkipWithError("instantiate failed (imports?)");
      return;
    }
    instance = *instantiated;
  }
};

// A module with a few typical function shapes: counted loops over locals,
// memory loads and stores, calls.
constexpr const char* kGeneratedWat = R"(
(module
  (memory 1)
  ;; sum of i for i in [0, n): the dispatch benchmark's loop (7 wasm
  ;; instructions per iteration: 2 local.get, add, const, add, tee, lt_u + br_if)
  (func $loop (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  ;; byte-wise checksum of memory [0, n)
  (func $checksum (export "checksum") (param $n i32) (result i32)
    (local $i i32) (local $h i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i32.xor (i32.mul (local.get $h) (i32.const 16777619))
                               (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $h))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
)";

const Bytes& generated_module() {
  static const Bytes bytes = [] {
    auto r = mywasm::wat_to_wasm(kGeneratedWat);
    return r ? r.value() : Bytes{};
  }();
  return bytes;
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void BM_Decode(benchmark::State& state, Bytes bytes) {
  for (auto _ : state) {
    mywasm::ir::Module m;
    auto err = mywasm::decode_module(bytes, m);
    benchmark::DoNotOptimize(err);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
}

void BM_Validate(benchmark::State& state, Bytes bytes) {
  mywasm::ir::Module m;
  if (mywasm::decode_module(bytes, m)) {
    state.SkipWithError("decode failed");
    return;
  }
  for (auto _ : state) {
    auto err = mywasm::validate_module(m);
    benchmark::DoNotOptimize(err);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
}

// Translates every function the module defines (what the interpreter does
// lazily on each function's first call). Needs an instance: the translated
// code points at runtime objects. Modules with imports are skipped.
void BM_Translate(benchmark::State& state, Bytes bytes) {
  BenchInstance b(state, bytes);
  if (!b.instance) return;
  mywasm::Store& store = b.store;
  std::vector<const mywasm::FuncInstance*> funcs;
  for (const auto& f : store.impl().funcs)
    if (!f->is_host()) funcs.push_back(f.get());
  size_t words = 0;
  for (auto _ : state) {
    for (const mywasm::FuncInstance* f : funcs) {
      auto code = mywasm::interp::translate(store.impl(), *f, true);
      words += code->code.size();
      benchmark::DoNotOptimize(code);
    }
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
  state.counters["code_words"] = benchmark::Counter(double(words) / double(state.iterations()));
}

// One call of an export with one i32 argument, run by the interpreter.
// `ops_per_arg`: wasm instructions executed per unit of the argument, so
// the items/s counter reads as wasm instructions per second.
void BM_Run(benchmark::State& state, const char* export_name, int32_t arg, double ops_per_arg) {
  BenchInstance b(state, generated_module());
  if (!b.instance) return;
  mywasm::Store& store = b.store;
  auto func = b.instance->func(store, export_name);
  if (!func) {
    state.SkipWithError("no such export");
    return;
  }
  const mywasm::Value args[] = {mywasm::Value::i32(arg)};
  for (auto _ : state) {
    auto r = func->call(store, args);
    if (!r) {
      state.SkipWithError("call trapped");
      return;
    }
    benchmark::DoNotOptimize(r.value()[0].i32());
  }
  state.SetItemsProcessed(int64_t(double(state.iterations()) * ops_per_arg * arg));
}

void register_all() {
  std::vector<std::pair<std::string, Bytes>> modules{{"generated", generated_module()}};
#ifdef MYWASM_KERNEL_DIR
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(MYWASM_KERNEL_DIR, ec))
    if (e.path().extension() == ".wasm") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) modules.emplace_back(p.stem().string(), read_file(p));
#endif
  for (const auto& [name, bytes] : modules) {
    benchmark::RegisterBenchmark(("Decode/" + name).c_str(), BM_Decode, bytes);
    benchmark::RegisterBenchmark(("Validate/" + name).c_str(), BM_Validate, bytes);
    benchmark::RegisterBenchmark(("Translate/" + name).c_str(), BM_Translate, bytes);
  }
  // Dispatch: 7 wasm instructions per iteration of $loop.
  benchmark::RegisterBenchmark("Dispatch/loop", BM_Run, "loop", 1000000, 7.0);
  // Memory loads in a loop: 13 wasm instructions per byte.
  benchmark::RegisterBenchmark("Dispatch/checksum", BM_Run, "checksum", 65536, 13.0);
  // Calls: fib(20) makes 21891 calls.
  benchmark::RegisterBenchmark("Dispatch/fib20_calls", BM_Run, "fib", 20, 21891.0 / 20);
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
