// The baseline compiler and tiering, through the public API: code really
// runs compiled, traps and backtraces match the interpreter's, calls cross
// tiers and reach host functions, limits hold in compiled code.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#include "compiler_common.hpp"
#include "instance_harness.hpp"
#include "jit.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/exec_context.hpp"
#include "runtime/store.hpp"
#include "wasm_builder.hpp"
#if defined(__x86_64__)
#include "x64_compiler.hpp"
#endif

namespace mywasm {
namespace {

// (Tier-up where a function gets hot, not in the background: these tests
// look at what is compiled right after a call.)
Config with_tier(Config::Tier tier, uint32_t threshold = 1000) {
  Config c;
  c.tier = tier;
  c.tier_up_threshold = threshold;
  c.background_compile = false;
  return c;
}

// The same with the full compiler alone (what a test of its code's own
// properties wants: late-call cells, register saves, the interpreter's
// frame layout).
Config full_compiler(Config c) {
  c.jit_compiler = Config::JitCompiler::Full;
  return c;
}

// Calls check(config) for each configuration that runs compiled code: the
// JIT, and tiered moving up at the first call, each with guard pages and
// with explicit bounds checks, each made by the full compiler, the lean
// one, and both (lean code that moves on to the full compiler's at its
// second call or loop iteration).
template <class Check>
void for_each_compiled_config(Check&& check) {
  for (Config::JitCompiler compiler :
       {Config::JitCompiler::Full, Config::JitCompiler::Lean, Config::JitCompiler::Both}) {
    for (BoundsChecks checks : {BoundsChecks::GuardPages, BoundsChecks::Explicit}) {
      for (Config::Tier tier : {Config::Tier::Jit, Config::Tier::Tiered}) {
        SCOPED_TRACE(testing::Message() << "tier " << int(tier) << ", bounds checks " << int(checks) << ", compiler "
                                        << Config::kJitCompilerNames[size_t(compiler)]);
        Config c = with_tier(tier, 1);
        c.bounds_checks = checks;
        c.jit_compiler = compiler;
        check(c);
      }
    }
  }
}

// run(config) gives the same result in every compiled configuration as
// in the interpreter.
template <class Run>
void expect_compiled_configs_match_interpreter(Run&& run) {
  const auto expected = run(with_tier(Config::Tier::Interpreter));
  for_each_compiled_config([&](const Config& c) {
    EXPECT_EQ(run(c), expected);
  });
}

bool is_compiled(test::InstanceHarness& h, std::string_view name) {
  return h.func_instance(name).native_entry != nullptr;
}

// x86-64 and AArch64 have a backend; other hosts run the interpreter only.
TEST(Jit, AvailableOnThisHost) {
#if defined(__x86_64__) || defined(__aarch64__)
  EXPECT_TRUE(jit::available());
#else
  EXPECT_FALSE(jit::available());
#endif
}

const char* kCalls = R"((module
  (memory 1)
  (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $mid (param i32) (result i32) (i32.add (call $leaf (local.get 0)) (i32.const 1)))
  (func (export "top") (param i32) (result i32) (call $mid (local.get 0)))
  (func $c (unreachable))
  (func $b (call $c))
  (func (export "a") (call $b))
  (func $rec (export "rec") (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
  (func (export "grow_then_store") (param i32) (result i32)
    (drop (call $grow (local.get 0)))
    (i32.store (i32.mul (i32.const 65536) (local.get 0)) (i32.const 7))
    (i32.load (i32.mul (i32.const 65536) (local.get 0))))
  (func $grow (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))";

// Tier::Jit compiles a module whole when it is instantiated: functions
// never called and the start function (which runs compiled) included.
TEST(Jit, TierJitCompilesEveryFunctionAtInstantiation) {
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
  size_t defined = 0, compiled = 0;
  for (auto& f : h.store.impl().funcs) {
    if (f->is_host()) continue;
    ++defined;
    compiled += f->native_entry != nullptr;
  }
  EXPECT_EQ(defined, 10u);
  // (Without a compiler for this host, every function runs interpreted.)
  EXPECT_EQ(compiled, jit::available() ? defined : 0);
  EXPECT_EQ(h.call1("top", {Value::i32(5)}).i32(), 16);

  // The start function's frame is compiled code's: it stores what it ran as.
  test::InstanceHarness s(with_tier(Config::Tier::Jit));
  ASSERT_NO_FATAL_FAILURE(s.instantiate_wat(R"((module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func $later (export "later") (result i32) (i32.const 7))
    (func $start (global.set $g (i32.add (call $later) (i32.const 1))))
    (start $start)))"));
  EXPECT_EQ(is_compiled(s, "later"), jit::available());
  auto g = s.instance.global(s.store, "g");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->get(s.store).i32(), 8);
}

// Tier::Tiered compiles nothing before a function is hot.
TEST(Jit, TieredCompilesNothingAtInstantiation) {
  test::InstanceHarness h(with_tier(Config::Tier::Tiered));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
  for (auto& f : h.store.impl().funcs) EXPECT_EQ(f->native_entry, nullptr);
}

// A tiered run that never gets hot never sets the compiler up (CPU
// detection, the code mapping's probe): that is start-up time. Checked in a
// fresh process (this one has compiled already): the test binary started
// again with MYWASM_TEST_TIERED_CHILD set runs TieredChildRun below, which
// exits with 1 if the compiler was set up, 0 if not. In a cross build the
// binary is started through the emulator CTest runs it with
// (MYWASM_TEST_EMULATOR, tests/CMakeLists.txt): qemu-user does not follow
// an exec of a foreign binary by itself.
constexpr const char* kTieredChildEnv = "MYWASM_TEST_TIERED_CHILD";

int run_tiered_child(const char* threshold) {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);  // (qemu-user: the guest binary)
  if (n <= 0) return -1;
  self[n] = '\0';
  const char* emulator = std::getenv("MYWASM_TEST_EMULATOR");
  const pid_t pid = fork();
  if (pid == 0) {
    setenv(kTieredChildEnv, threshold, 1);
    // (Some test must pass the filter, or gtest sets no environment up.)
    const char* filter = "--gtest_filter=Jit.TieredCompilesNothingAtInstantiation";
    if (emulator && *emulator) execlp(emulator, emulator, self, filter, static_cast<char*>(nullptr));
    else execl(self, self, filter, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Jit, TieredSetsTheCompilerUpOnlyAtTheFirstCompile) {
  EXPECT_EQ(run_tiered_child("1000"), 0) << "cold: the compiler was set up (or the child failed)";
  EXPECT_EQ(run_tiered_child("1"), jit::available() ? 1 : 0) << "hot: no compile was tried (or the child failed)";
}

// The child's side: a gtest environment, so that it runs before any test
// and in no test's name; without the variable it does nothing.
class TieredChildRun : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* threshold = std::getenv(kTieredChildEnv);
    if (!threshold) return;
    int code = 2;
    {
      test::InstanceHarness h(with_tier(Config::Tier::Tiered, uint32_t(std::atoi(threshold))));
      h.instantiate_wat(kCalls);  // (a memory, guarded where compiled code may use it)
      bool ok = !::testing::Test::HasFailure();
      for (int i = 0; ok && i < 5; ++i) ok = h.call1("top", {Value::i32(5)}).i32() == 16;
      ok = ok && h.call1("grow_then_store", {Value::i32(1)}).i32() == 7;
      if (ok) code = jit::probed() ? 1 : 0;
    }
    std::fflush(stdout);
    _exit(code);
  }
};
[[maybe_unused]] ::testing::Environment* const kTieredChildRun =
    ::testing::AddGlobalTestEnvironment(new TieredChildRun);

// compile_all on two threads: every function gets native code, and what
// runs is right (calls between functions compiled on different threads,
// traps with their backtrace).
TEST(Jit, CompileAllOnSeveralThreadsCompilesEveryFunction) {
  test::InstanceHarness h(with_tier(Config::Tier::Tiered));  // (nothing compiled yet)
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
  std::vector<FuncInstance*> funcs;
  for (auto& f : h.store.impl().funcs)
    if (!f->is_host()) funcs.push_back(f.get());
  ASSERT_EQ(funcs.size(), 10u);
  // (Without a compiler for this host, none is compiled and all run interpreted.)
  const size_t expected = jit::available() ? funcs.size() : 0;
  EXPECT_EQ(jit::compile_all(h.store.impl(), funcs, 2), expected);
  for (FuncInstance* f : funcs) EXPECT_EQ(f->native_entry != nullptr, jit::available());
  EXPECT_EQ(h.call1("top", {Value::i32(5)}).i32(), 16);
  auto r = h.call("a", {});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap);
  EXPECT_EQ(r.error().trap->backtrace.size(), 3u);
  EXPECT_EQ(jit::compile_all(h.store.impl(), funcs, 2), expected);  // (already compiled: kept)
}

#if defined(__x86_64__)
// compile_all writes its code in batches, after compiling: where a write
// fails (host memory short), everything it made is taken back and the
// functions run in the interpreter as before; a later compile_all makes
// it all.
TEST(Jit, CompileAllTakesBackCodeItCouldNotWrite) {
  ASSERT_TRUE(jit::available());
  test::InstanceHarness h(with_tier(Config::Tier::Tiered));  // (nothing compiled yet)
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
  std::vector<FuncInstance*> funcs;
  for (auto& f : h.store.impl().funcs)
    if (!f->is_host()) funcs.push_back(f.get());
  jit::fail_code_writes_for_tests(true);
  EXPECT_EQ(jit::compile_all(h.store.impl(), funcs, 2), 0u);
  jit::fail_code_writes_for_tests(false);
  for (FuncInstance* f : funcs) {
    EXPECT_EQ(f->native_entry, nullptr);
    EXPECT_EQ(f->native, nullptr);
    EXPECT_EQ(f->indirect_call_key, 0u);
  }
  EXPECT_EQ(h.call1("top", {Value::i32(5)}).i32(), 16);  // (interpreted)
  EXPECT_EQ(jit::compile_all(h.store.impl(), funcs, 2), funcs.size());
  for (FuncInstance* f : funcs) EXPECT_NE(f->native_entry, nullptr);
  EXPECT_EQ(h.call1("top", {Value::i32(5)}).i32(), 16);
  auto r = h.call("a", {});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap);
  EXPECT_EQ(r.error().trap->backtrace.size(), 3u);
}

// A store's destruction releases all its compiled code, checking the code
// memory once, not once per function (fstat and getpid each time).
TEST(Jit, DestroyingAStoreReleasesItsCodeWithOneCheck) {
  ASSERT_TRUE(jit::available());
  {  // (the process's entry routine made first: it stays)
    test::InstanceHarness warm(with_tier(Config::Tier::Jit));
    ASSERT_NO_FATAL_FAILURE(warm.instantiate_wat(kCalls));
  }
  const size_t live_before = jit::live_code_for_tests();
  size_t checks_before = 0;
  {
    test::InstanceHarness h(with_tier(Config::Tier::Jit));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
    EXPECT_EQ(h.call1("top", {Value::i32(5)}).i32(), 16);
    EXPECT_GE(jit::live_code_for_tests(), live_before + 10);  // (its ten functions, each its own)
    checks_before = jit::code_memory_checks_for_tests();
  }
  EXPECT_EQ(jit::live_code_for_tests(), live_before);
  EXPECT_LE(jit::code_memory_checks_for_tests(), checks_before + 1);
}
#endif

// More functions than the fault handler's registry holds (65,536 code
// ranges): those compiled once it is full are compiled again with explicit
// checks, and that attempt keeps nothing of the first. Each function calls
// the next one (compiled later, so mostly through a late-call cell bound
// after compile_all, on x86-64): a cell the first attempt had placed was
// once bound at its old offset, past the second attempt's shorter code,
// in another function's.
TEST(Jit, FunctionsPastTheFaultRegistryKeepOnlyTheirOwnLateCalls) {
  constexpr uint32_t kFuncs = 66'000, kChain = 100;
  test::WasmBuilder b;
  const uint32_t type = b.type({ValType::I32}, {ValType::I32});
  for (uint32_t i = 0; i < kFuncs; ++i) {
    // f(i) = f(i + 1) + 1 within each run of kChain functions; the run's
    // last returns x + 1.
    const bool last = (i + 1) % kChain == 0 || i + 1 == kFuncs;
    const test::Bytes x = last ? test::op::local_get(0) : test::code(test::op::local_get(0), test::op::call(i + 1));
    b.func(type, test::code(x, test::op::i32_const(1), test::op::i32_add));
  }
  b.export_("first", ExternKind::Func, 0);
  b.export_("late", ExternKind::Func, kFuncs - 2 * kChain);
  test::InstanceHarness h(full_compiler(with_tier(Config::Tier::Jit)));
  ASSERT_NO_FATAL_FAILURE(h.instantiate(b.build()));
  size_t late_calls = 0;
  for (const auto& f : h.store.impl().funcs) {
    ASSERT_EQ(f->native != nullptr, jit::available());
    if (!f->native) continue;
    for (const jit::NativeCode::LateCall& call : f->native->late_calls) {
      EXPECT_LE(call.cell + sizeof(uint64_t), f->native->size);
      ++late_calls;
    }
  }
#if defined(__x86_64__)
  EXPECT_GT(late_calls, size_t(kFuncs / 2));
#endif
  EXPECT_EQ(h.call1("first", {Value::i32(3)}).i32(), 3 + int32_t(kChain));
  EXPECT_EQ(h.call1("late", {Value::i32(3)}).i32(), 3 + int32_t(kChain));  // (compiled past the registry)
}

TEST(Jit, TrapsInCompiledCodeCarryTheInterpretersBacktrace) {
  auto backtrace_of = [](Config::Tier tier) {
    test::InstanceHarness h(with_tier(tier));
    h.instantiate_wat(kCalls);
    auto r = h.call("a", {});
    std::vector<uint32_t> funcs;
    if (!r.ok() && r.error().trap) {
      EXPECT_EQ(r.error().trap->message, "unreachable");
      for (const Frame& f : r.error().trap->backtrace) funcs.push_back(f.func_index);
    }
    return funcs;
  };
  const std::vector<uint32_t> expected{3, 4, 5};  // $c, $b, the export
  EXPECT_EQ(backtrace_of(Config::Tier::Interpreter), expected);
  EXPECT_EQ(backtrace_of(Config::Tier::Jit), expected);
}

#if defined(__x86_64__)
// A stand-in native entry that calls mywasm_test_guarded_entry with
// sentinels in every callee-saved register, and ORs into
// mywasm_test_guard_mismatches the bits of those it finds changed after.
extern "C" {
uint32_t mywasm_test_entry_guard(uint64_t* fp, ExecRegs* ctx);
NativeEntry mywasm_test_guarded_entry = nullptr;
uint64_t mywasm_test_guard_mismatches = 0;
}
asm(R"(
  .text
  .intel_syntax noprefix
  .globl mywasm_test_entry_guard
  .type mywasm_test_entry_guard, @function
mywasm_test_entry_guard:
  push rbx
  push rbp
  push r12
  push r13
  push r14
  push r15
  sub rsp, 8
  movabs rbx, 0x1111111111111111
  movabs rbp, 0x2222222222222222
  movabs r12, 0x3333333333333333
  movabs r13, 0x4444444444444444
  movabs r14, 0x5555555555555555
  movabs r15, 0x6666666666666666
  call qword ptr [rip + mywasm_test_guarded_entry]
  movabs rcx, 0x1111111111111111
  xor rcx, rbx
  movabs rdx, 0x2222222222222222
  xor rdx, rbp
  or rcx, rdx
  movabs rdx, 0x3333333333333333
  xor rdx, r12
  or rcx, rdx
  movabs rdx, 0x4444444444444444
  xor rdx, r13
  or rcx, rdx
  movabs rdx, 0x5555555555555555
  xor rdx, r14
  or rcx, rdx
  movabs rdx, 0x6666666666666666
  xor rdx, r15
  or rcx, rdx
  or qword ptr [rip + mywasm_test_guard_mismatches], rcx
  add rsp, 8
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbp
  pop rbx
  ret
  .size mywasm_test_entry_guard, .-mywasm_test_entry_guard
  .att_syntax prefix
)");

// $mid's loop calls and uses its locals often enough to pin them in
// callee-saved registers, so its frame saves them; $leaf traps (by mode:
// 1 unreachable, 2 out of bounds, 3 division by zero) at n = 1, deep in a
// run of compiled frames.
const char* kSegmentTraps = R"((module
  (memory 1)
  (func $leaf (param $n i32) (param $mode i32) (result i32)
    (if (i32.eq (local.get $n) (i32.const 1))
      (then
        (if (i32.eq (local.get $mode) (i32.const 1)) (then unreachable))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (drop (i32.load (i32.sub (i32.const 0) (local.get $mode))))))
        (if (i32.eq (local.get $mode) (i32.const 3))
          (then (drop (i32.div_u (local.get $n) (i32.sub (local.get $mode) (i32.const 3))))))))
    (i32.mul (local.get $n) (i32.const 3)))
  (func $mid (export "mid") (param $n i32) (param $mode i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (call $leaf (local.get $n) (local.get $mode))))
      (local.set $b (i32.add (local.get $b) (i32.mul (local.get $a) (local.get $a))))
      (local.set $c (i32.xor (local.get $c) (i32.add (local.get $b) (local.get $a))))
      (local.set $a (i32.add (local.get $a) (i32.add (local.get $b) (local.get $c))))
      (local.set $b (i32.sub (local.get $b) (i32.add (local.get $c) (local.get $a))))
      (local.set $c (i32.add (local.get $c) (i32.add (local.get $a) (local.get $b))))
      (local.set $a (i32.xor (local.get $a) (i32.add (local.get $b) (local.get $c))))
      (local.set $b (i32.add (local.get $b) (i32.xor (local.get $c) (local.get $a))))
      (local.set $c (i32.sub (local.get $c) (i32.xor (local.get $a) (local.get $b))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $a) (i32.add (local.get $b) (local.get $c))))
  (func (export "f") (param i32) (param i32) (result i32)
    (i32.add (call $mid (local.get 0) (local.get 1)) (i32.const 1)))))";

// A trap deep in compiled code leaves the whole run of compiled frames at
// once (the native entry's unwind): the native entry's caller gets back
// every callee-saved register as it had it, on a return and on each kind
// of trap, with guard pages (the out-of-bounds trap through the fault
// handler) and with explicit checks.
TEST(Jit, ATrapGivesTheNativeEntrysCallerItsRegistersBack) {
  for (BoundsChecks checks : {BoundsChecks::GuardPages, BoundsChecks::Explicit}) {
    SCOPED_TRACE(testing::Message() << "bounds checks " << int(checks));
    Config config = full_compiler(with_tier(Config::Tier::Jit));
    config.bounds_checks = checks;
    test::InstanceHarness h(config);
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kSegmentTraps));
    test::InstanceHarness reference(with_tier(Config::Tier::Interpreter));
    ASSERT_NO_FATAL_FAILURE(reference.instantiate_wat(kSegmentTraps));
    FuncInstance& mid = h.func_instance("mid");
    ASSERT_TRUE(mid.native && mid.native->frame_saves);  // (else the case is not the one meant)
    FuncInstance& f = h.func_instance("f");
    ASSERT_TRUE(f.native_entry);
    mywasm_test_guarded_entry = f.native_entry;
    f.native_entry = &mywasm_test_entry_guard;
    for (int32_t mode : {0, 1, 2, 3, 0}) {
      SCOPED_TRACE(testing::Message() << "mode " << mode);
      mywasm_test_guard_mismatches = 0;
      if (mode == 0) {
        EXPECT_EQ(h.call1("f", {Value::i32(40), Value::i32(mode)}).i32(),
                  reference.call1("f", {Value::i32(40), Value::i32(mode)}).i32());
      } else {
        EXPECT_EQ(h.trap_of("f", {Value::i32(40), Value::i32(mode)}),
                  reference.trap_of("f", {Value::i32(40), Value::i32(mode)}));
      }
      EXPECT_EQ(mywasm_test_guard_mismatches, 0u);
    }
    f.native_entry = mywasm_test_guarded_entry;
  }
}
#endif

// A function with loops saves the callee-saved registers it uses in its
// save slots (CompiledFunc::save_base), above its locals and above its
// results: $multi returns more values (8) than it has params and locals
// (6), and its call-free loop pins five locals, so it saves rbp and r15;
// $outer's loop, which calls it, pins its own locals in those registers.
// A save slot that a result overwrote, or a callee's frame, would hand
// $outer back a wrong register.
const char* kSaveSlots = R"((module
  (func $multi (param $n i32) (result i64 i64 i64 i64 i64 i64 i64 i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local.set $e (i64.const 1))
    (loop $l
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $n))))
      (local.set $b (i64.xor (local.get $b) (local.get $a)))
      (local.set $c (i64.add (local.get $c) (local.get $b)))
      (local.set $d (i64.sub (local.get $d) (local.get $c)))
      (local.set $e (i64.add (i64.mul (local.get $e) (i64.const 3)) (local.get $d)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e)
    (i64.add (local.get $a) (local.get $b)) (i64.add (local.get $c) (local.get $d))
    (i64.add (local.get $e) (i64.const 1)))
  (func $sum8 (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (i64.add (i64.add (local.get 0) (local.get 1)) (i64.add (local.get 2) (local.get 3)))
             (i64.add (i64.add (local.get 4) (local.get 5)) (i64.add (local.get 6) (local.get 7)))))
  (func (export "outer") (param $n i32) (result i64) (local $x i64) (local $y i64)
    (loop $l
      (local.set $x (i64.add (local.get $x) (call $sum8 (call $multi (local.get $n)))))
      (local.set $y (i64.add (local.get $y) (i64.mul (local.get $x) (local.get $x))))
      (local.set $x (i64.xor (local.get $x) (i64.add (local.get $y) (local.get $x))))
      (local.set $y (i64.sub (local.get $y) (i64.add (local.get $x) (local.get $y))))
      (local.set $x (i64.add (local.get $x) (i64.xor (local.get $y) (local.get $x))))
      (local.set $y (i64.add (local.get $y) (i64.xor (local.get $x) (local.get $y))))
      (local.set $x (i64.sub (local.get $x) (i64.xor (local.get $y) (local.get $x))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $x) (local.get $y)))))";

TEST(Jit, SaveSlotsLieAboveTheResults) {
  expect_compiled_configs_match_interpreter([](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(kSaveSlots);
    std::vector<int64_t> out;
    for (int32_t n : {1, 7, 40}) out.push_back(h.call1("outer", {Value::i32(n)}).i64());
    for (const auto& f : h.store.impl().funcs) {
      if (f->is_host() || f->func_index != 0 || c.tier == Config::Tier::Interpreter) continue;
      // ($multi: the case meant, compiled, saving registers above its
      // results: the x86-64 backend's saves; AArch64 runs the same code.)
      EXPECT_TRUE(f->native);
      // (The lean compiler's code uses no callee-saved register: no saves,
      // no save slots.)
      if (f->native && f->native->lean) {
        EXPECT_FALSE(f->native->frame_saves);
        EXPECT_EQ(f->native->source->save_base, f->native->source->const_base);
        continue;
      }
#if defined(__x86_64__)
      EXPECT_TRUE(f->native && f->native->frame_saves);
#endif
      // (The frame layout of the code: its source's.)
      if (f->native && f->native->source) {
        EXPECT_GE(f->native->source->save_base, f->native->source->num_results);
      }
    }
    return out;
  });
}

const char* kFrames = R"((module
  (memory 1)
  (func $load (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func $div (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.add (i32.const 1) (call $load (local.get 0))))
  (func (export "div") (param i32) (result i32) (nop) (call $div (local.get 0)))))";

// A trap's frames name their instance and where they are, in every tier:
// the trapping instruction, and each caller's call.
TEST(Jit, TrapFramesCarryTheInstanceAndOffsets) {
  auto binary = wat_to_wasm(kFrames);
  ASSERT_TRUE(binary.ok());
  struct Case {
    Config::Tier tier;
    bool fusion;
  };
  for (Case c : {Case{Config::Tier::Interpreter, true}, Case{Config::Tier::Interpreter, false},
                 Case{Config::Tier::Tiered, true}, Case{Config::Tier::Jit, true}}) {
    SCOPED_TRACE(testing::Message() << "tier " << int(c.tier) << " fusion " << c.fusion);
    Config config = with_tier(c.tier);
    config.interp_fusions = c.fusion;
    test::InstanceHarness h(config);
    ASSERT_NO_FATAL_FAILURE(h.instantiate(*binary));
    for (auto [name, opcode] : {std::pair{"load", 0x28}, std::pair{"div", 0x6d}}) {
      auto r = h.call(name, {Value::i32(name == std::string_view("load") ? 65534 : 0)});
      ASSERT_TRUE(!r.ok() && r.error().trap);
      const auto& frames = r.error().trap->backtrace;
      ASSERT_EQ(frames.size(), 2u);
      for (size_t i = 0; i < 2; ++i) {
        const Frame& f = frames[i];
        EXPECT_EQ(f.func_index, uint32_t(i == 0 ? 0 : 2) + (name == std::string_view("div")));
        ASSERT_TRUE(f.instance());
        EXPECT_EQ(f.instance()->addr(), h.instance.addr());
        EXPECT_TRUE(f.instance()->belongs_to(h.store));
        ASSERT_LT(f.module_offset, binary->size());
        const uint64_t begin = f.module_offset - f.func_offset;
        EXPECT_EQ((*binary)[begin], 0) << "a body starts with its locals (none here)";
        EXPECT_EQ((*binary)[f.module_offset], i == 0 ? opcode : 0x10) << name << " frame " << i;
        EXPECT_GT(f.func_offset, 0u);
      }
    }
  }
}

// One function per way to trap, each called by an export of the same name
// ("rec" recurses until the stack is exhausted; "host" calls a host
// function that fails; "indirect_div" calls $div through the table).
const char* kTrapKinds = R"((module
  (import "env" "fail" (func $fail (param i32) (result i32)))
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (memory 1)
  (table 3 funcref)
  (elem (i32.const 0) $id)
  (elem (i32.const 2) $div)
  (func $id (param i32) (result i32) (local.get 0))
  (func $unreachable (param i32) (result i32) (nop) (unreachable))
  (func $div (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func $overflow (param i32) (result i32) (i32.div_s (i32.const 0x80000000) (local.get 0)))
  (func $trunc (param i32) (result i32)
    (i32.trunc_f64_s (f64.div (f64.const 0) (f64.convert_i32_s (local.get 0)))))
  (func $load (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func $store (param i32) (result i32) (i32.store (local.get 0) (i32.const 1)) (i32.const 0))
  (func $fill (param i32) (result i32) (memory.fill (local.get 0) (i32.const 0) (i32.const 8)) (i32.const 0))
  (func $copy_from (param i32) (result i32) (memory.copy (i32.const 0) (local.get 0) (i32.const 8)) (i32.const 0))
  (func $copy_to (param i32) (result i32) (memory.copy (local.get 0) (i32.const 0) (i32.const 8)) (i32.const 0))
  (func $indirect (param i32) (result i32) (call_indirect (type $ii) (i32.const 5) (local.get 0)))
  (func $mismatch (param i32) (result i32) (call_indirect (type $v) (local.get 0)) (i32.const 0))
  (func $indirect_div (param i32) (result i32) (call_indirect (type $ii) (local.get 0) (i32.const 2)))
  (func $host (param i32) (result i32) (i32.add (call $fail (local.get 0)) (i32.const 1)))
  (func $rec (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
  (func (export "unreachable") (param i32) (result i32) (call $unreachable (local.get 0)))
  (func (export "div") (param i32) (result i32) (call $div (local.get 0)))
  (func (export "overflow") (param i32) (result i32) (call $overflow (local.get 0)))
  (func (export "trunc") (param i32) (result i32) (call $trunc (local.get 0)))
  (func (export "load") (param i32) (result i32) (call $load (local.get 0)))
  (func (export "store") (param i32) (result i32) (call $store (local.get 0)))
  (func (export "fill") (param i32) (result i32) (call $fill (local.get 0)))
  (func (export "copy_from") (param i32) (result i32) (call $copy_from (local.get 0)))
  (func (export "copy_to") (param i32) (result i32) (call $copy_to (local.get 0)))
  (func (export "indirect") (param i32) (result i32) (call $indirect (local.get 0)))
  (func (export "mismatch") (param i32) (result i32) (call $mismatch (local.get 0)))
  (func (export "indirect_div") (param i32) (result i32) (call $indirect_div (local.get 0)))
  (func (export "host") (param i32) (result i32) (call $host (local.get 0)))
  (func (export "rec") (param i32) (result i32) (call $rec (local.get 0)))))";

struct TrapKind {
  const char* name;
  int32_t arg;
  const char* message;
  uint8_t opcode;  // the trapping frame's instruction (0x10: a call, whose callee has no frame)
  uint8_t via = 0x10;  // its caller's (then the export's call)
};
const TrapKind kTrapKindCases[] = {
    {"unreachable", 0, "unreachable", 0x00},
    {"div", 0, "integer divide by zero", 0x6d},
    {"overflow", -1, "integer overflow", 0x6d},
    {"trunc", 0, "invalid conversion to integer", 0xaa},
    {"load", 65534, "out of bounds memory access", 0x28},
    {"store", 65533, "out of bounds memory access", 0x36},
    {"fill", 65530, "out of bounds memory access", 0xfc},
    {"copy_from", 65529, "out of bounds memory access", 0xfc},
    {"copy_to", -8, "out of bounds memory access", 0xfc},
    {"indirect", 1, "uninitialized element 1", 0x11},
    {"indirect", 3, "undefined element", 0x11},
    {"mismatch", 0, "indirect call type mismatch", 0x11},
    {"indirect_div", 0, "integer divide by zero", 0x6d, 0x11},
    {"host", 0, "host says no", 0x10},
    {"rec", 0, "call stack exhausted", 0x10},
};

struct FrameAt {
  uint32_t func_index;
  uint64_t module_offset;
  uint32_t func_offset;
  bool operator==(const FrameAt&) const = default;
  friend void PrintTo(const FrameAt& f, std::ostream* os) {
    *os << "func " << f.func_index << " at " << f.module_offset << " (+" << f.func_offset << ")";
  }
};

// The frames of each case's trap, checked against the binary: the trapping
// frame at the case's opcode, every caller at its call.
std::vector<std::vector<FrameAt>> trap_frames(const Config& config, const std::vector<uint8_t>& binary) {
  test::InstanceHarness h(config);
  h.linker.define("env", "fail",
                  Func::host(h.store, FuncType{{ValType::I32}, {ValType::I32}},
                             [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                               return Trap{Trap::Kind::Host, "host says no", 0, {}};
                             }));
  h.instantiate(binary);
  // The frames of one call of case c.
  auto frames_of = [&](const TrapKind& c) {
    std::vector<FrameAt> frames;
    // (No record left by an earlier call can pass for one of this call's.)
    for (CallRecord& r : exec_context().calls) r = CallRecord{};
    auto r = h.call(c.name, {Value::i32(c.arg)});
    if (r.ok() || !r.error().trap) {
      ADD_FAILURE() << "no trap";
      return frames;
    }
    EXPECT_EQ(r.error().trap->message, c.message);
    for (const Frame& f : r.error().trap->backtrace) {
      EXPECT_LT(f.module_offset, binary.size());
      if (f.module_offset >= binary.size()) break;
      const uint8_t opcode = frames.empty() ? c.opcode : frames.size() == 1 ? c.via : 0x10;
      EXPECT_EQ(binary[f.module_offset], opcode) << "frame " << frames.size();
      frames.push_back({f.func_index, f.module_offset, f.func_offset});
    }
    EXPECT_EQ(frames.size(), c.name == std::string_view("rec") ? 128u : c.via == 0x11 ? 3u : 2u);
    return frames;
  };
  std::vector<std::vector<FrameAt>> all;
  for (const TrapKind& c : kTrapKindCases) {
    SCOPED_TRACE(testing::Message() << c.name << "(" << c.arg << ")");
    all.push_back(frames_of(c));
    // Again: compiled code now calls the callee (compiled on its first
    // call) directly.
    EXPECT_EQ(frames_of(c), all.back()) << "second call";
  }
  if (config.tier == Config::Tier::Jit) {  // every function that ran did so compiled
    for (const auto& f : h.store.impl().funcs) {
      if (!f->is_host() && f->compiled) {
        EXPECT_EQ(f->native_entry != nullptr, jit::available()) << f->func_index;
      }
    }
  }
  if (config.bounds_checks != BoundsChecks::Auto) {  // (the case meant: guard pages or explicit checks)
    EXPECT_EQ(h.store.impl().memories[0]->guarded(), config.bounds_checks == BoundsChecks::GuardPages);
  }
  return all;
}

// Every way to trap, in compiled code and in the interpreter: the same
// frames, exact (the trapping instruction, each caller's call). Compiled
// code traps through its own checks (explicit bounds checks among them),
// guard-page faults, memory.fill's and memory.copy's range checks (the
// source's and the destination's), call_indirect's checks, a host function's
// trap and the stack's exhaustion.
TEST(Jit, EveryTrapKindReportsItsInstructionAndTheCallersCalls) {
  auto binary = wat_to_wasm(kTrapKinds);
  ASSERT_TRUE(binary.ok()) << binary.error().to_string();
  const auto interpreted = trap_frames(with_tier(Config::Tier::Interpreter), *binary);
  for (BoundsChecks checks : {BoundsChecks::GuardPages, BoundsChecks::Explicit}) {
    SCOPED_TRACE(testing::Message() << "jit, bounds checks " << int(checks));
    Config c = with_tier(Config::Tier::Jit);
    c.bounds_checks = checks;
    EXPECT_EQ(trap_frames(c, *binary), interpreted);
  }
  // "rec" with a depth limit beyond the stack: the entry of a compiled
  // callee finds no native stack (a large value stack), or no value stack
  // (a small one), instead of the caller's depth check failing.
  for (uint64_t value_stack : {uint64_t(1) << 32, uint64_t(ExecContext::kMinValueStackBytes)}) {
    SCOPED_TRACE(testing::Message() << "jit, value stack " << value_stack);
    Config c = with_tier(Config::Tier::Jit);
    c.max_call_depth = 2'000'000;
    c.max_value_stack_bytes = value_stack;
    EXPECT_EQ(trap_frames(c, *binary), interpreted);
  }
  Config no_fusion = with_tier(Config::Tier::Interpreter);
  no_fusion.interp_fusions = false;
  EXPECT_EQ(trap_frames(no_fusion, *binary), interpreted);
}

// A compiled caller of an interpreted callee, and the other way round
// (tiered): each frame exact in its own tier.
TEST(Jit, FramesAreExactAcrossTiers) {
  auto binary = wat_to_wasm(R"((module
    (func $div (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0)))
    (func $div2 (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0)))
    (func (export "maybe_div") (param i32 i32) (result i32)
      (if (result i32) (local.get 0) (then (call $div (local.get 1))) (else (i32.const 0))))
    (func (export "warm_div2") (param i32) (result i32) (call $div2 (local.get 0)))
    (func (export "div2") (param i32) (result i32) (nop) (call $div2 (local.get 0)))))");
  ASSERT_TRUE(binary.ok());
  test::InstanceHarness h(with_tier(Config::Tier::Tiered, 10));
  ASSERT_NO_FATAL_FAILURE(h.instantiate(*binary));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(h.call1("maybe_div", {Value::i32(0), Value::i32(0)}).i32(), 0);
    EXPECT_EQ(h.call1("warm_div2", {Value::i32(1)}).i32(), 7);
  }
  const StoreImpl& store = h.store.impl();
  const InstanceImpl& instance = *store.instances[h.instance.addr()];
  auto compiled = [&](const Frame& f) { return store.funcs[instance.funcs[f.func_index]]->native_entry != nullptr; };
  auto check = [&](const char* name, std::initializer_list<Value> args, bool caller_compiled) {
    SCOPED_TRACE(name);
    auto r = h.call(name, args);
    ASSERT_TRUE(!r.ok() && r.error().trap);
    const auto& frames = r.error().trap->backtrace;
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ((*binary)[frames[0].module_offset], 0x6e);  // i32.div_u
    EXPECT_EQ((*binary)[frames[1].module_offset], 0x10);  // call
    EXPECT_GT(frames[1].func_offset, 0u);
    // The callee ran in the other tier than the caller.
    EXPECT_EQ(compiled(frames[1]), caller_compiled && jit::available());
    EXPECT_EQ(compiled(frames[0]), !caller_compiled && jit::available());
  };
  check("maybe_div", {Value::i32(1), Value::i32(0)}, true);  // $div: first call, interpreted
  check("div2", {Value::i32(0)}, false);                      // the export: first call, interpreted
}

TEST(Jit, RecursionInCompiledCodeEndsInCallStackExhausted) {
  // A depth limit far beyond what the native stack holds: the native stack
  // check at function entry must trap first, never the host crash.
  for (uint32_t depth : {1000u, 2'000'000u}) {
    Config c = with_tier(Config::Tier::Jit);
    c.max_call_depth = depth;
    c.max_value_stack_bytes = uint64_t(1) << 32;
    test::InstanceHarness h(c);
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
    EXPECT_EQ(h.trap_of("rec", {Value::i32(0)}), "call stack exhausted") << depth;
    EXPECT_EQ(h.call1("top", {Value::i32(1)}).i32(), 4);  // the store still works
  }
}

// down(n) makes n nested calls of itself, through both call forms.
const char* kDown = R"((module
  (type $t (func (param i32) (result i32)))
  (table funcref (elem $down))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (if (result i32) (i32.and (local.get 0) (i32.const 1))
          (then (call $down (i32.sub (local.get 0) (i32.const 1))))
          (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))))))";

TEST(Jit, CallDepthLimitIsTheInterpretersInEveryTier) {
  // The deepest recursion that returns and the first that traps, around
  // Config::max_call_depth: compiled calls count records as the
  // interpreter does.
  auto outcomes = [](Config c) {
    c.max_call_depth = 100;
    test::InstanceHarness h(c);
    h.instantiate_wat(kDown);
    std::vector<std::string> seen;
    for (int32_t n = 90; n < 110; ++n) {
      auto r = h.call("down", {Value::i32(n)});
      seen.push_back(r.ok() ? std::to_string((*r)[0].i32()) : r.error().trap ? r.error().trap->message : "?");
    }
    return seen;
  };
  const std::vector<std::string> interpreted = outcomes(with_tier(Config::Tier::Interpreter));
  EXPECT_EQ(interpreted.front(), "90");
  EXPECT_EQ(interpreted.back(), "call stack exhausted");
  for_each_compiled_config([&](const Config& c) { EXPECT_EQ(outcomes(c), interpreted); });
}

// A frame that does not fit on the value stack: compiled code reads the
// last byte of a frame no larger than the guard after the stack
// (ExecContext::kValueStackGuardBytes), whose fault the handler turns into
// the entry's trap, and compares a larger frame with the stack's end. Both
// end the recursion at the depth the plain interpreter (the compiler's
// frame layout) ends it, with nothing of the trapping call run ($small has
// no local to zero at its entry: the first write to its frame is the
// argument of its call, after the global's).
TEST(Jit, ValueStackExhaustionEndsAtTheInterpretersDepth) {
  std::string many_locals;
  for (size_t k = 0; k < ExecContext::kValueStackGuardBytes / 8 + 100; ++k) many_locals += " i64";
  const std::string wat = R"((module
    (global $depth (export "depth") (mut i32) (i32.const 0))
    (func $small (export "small") (param i32) (result i32)
      (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
      (i32.add (call $small (local.get 0)) (i32.const 1)))
    (func $big (export "big") (param i32) (result i32) (local)" + many_locals + R"()
      (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
      (i32.add (call $big (local.get 0)) (i32.const 1)))
    (func (export "depth_now") (result i32) (global.get $depth)))
  )";
  auto outcomes = [&](Config c) {
    c.max_call_depth = 1'000'000;  // (the value stack runs out first)
    c.max_value_stack_bytes = ExecContext::kMinValueStackBytes;
    std::vector<std::string> seen;
    for (const char* name : {"small", "big", "small"}) {
      test::InstanceHarness h(c);
      h.instantiate_wat(wat);
      const std::string trap = h.trap_of(name, {Value::i32(0)});
      seen.push_back(name + std::string(": ") + trap + " after " + std::to_string(h.call1("depth_now", {}).i32()));
    }
    return seen;
  };
  Config plain = with_tier(Config::Tier::Interpreter);
  plain.interp_fusions = false;
  const std::vector<std::string> interpreted = outcomes(plain);
  EXPECT_EQ(interpreted[0].substr(0, 27), "small: call stack exhausted");
  EXPECT_EQ(interpreted[1].substr(0, 25), "big: call stack exhausted");
  for (BoundsChecks checks : {BoundsChecks::GuardPages, BoundsChecks::Explicit}) {
    Config c = full_compiler(with_tier(Config::Tier::Jit));
    c.bounds_checks = checks;
    EXPECT_EQ(outcomes(c), interpreted);
    // The lean compiler's frames hold no constants, so more of them fit;
    // its code (and code moving from it to the full compiler's mid-way)
    // ends in the same trap.
    for (Config::JitCompiler compiler : {Config::JitCompiler::Lean, Config::JitCompiler::Both}) {
      c.jit_compiler = compiler;
      const std::vector<std::string> seen = outcomes(c);
      ASSERT_EQ(seen.size(), interpreted.size());
      for (size_t k = 0; k < seen.size(); ++k)
        EXPECT_EQ(seen[k].substr(0, seen[k].find(" after ")),
                  interpreted[k].substr(0, interpreted[k].find(" after ")));
    }
  }
}

// Compiled frames between interpreted ones (tiered, some functions
// compiled, others not): x86-64 code pushes no records for the calls
// within each run of compiled frames (a segment) and writes them as a trap
// leaves it, so the backtraces through several segments, a host trap
// among them, and the depth at which recursion across the tiers ends are
// the interpreter's.
TEST(Jit, SegmentsOfCompiledFramesGiveTheInterpretersBacktracesAndDepth) {
  const char* wat = R"((module
    (import "env" "fail" (func $fail (param i32) (result i32)))
    (func $a (export "a") (param i32) (result i32) (call $b (local.get 0)))
    (func $b (param i32) (result i32) (call $c (local.get 0)))
    (func $c (param i32) (result i32) (local $a i32) (local $b i32) (local $e i32) (local $f i32) (local $g i32)
      (loop $l  ;; (five locals to pin: on x86-64 its frame also saves rbp and r15)
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (local.get $a)))
        (local.set $e (i32.add (local.get $e) (local.get $b)))
        (local.set $f (i32.add (local.get $f) (local.get $e)))
        (local.set $g (i32.add (local.get $g) (local.get $f)))
        (br_if $l (i32.lt_u (local.get $a) (i32.const 3))))
      (i32.add (call $d (local.get 0)) (i32.sub (local.get $g) (i32.const 20))))
    (func $d (param i32) (result i32)
      (if (i32.eq (local.get 0) (i32.const 1)) (then (unreachable)))
      (if (i32.eq (local.get 0) (i32.const 2)) (then (return (call $fail (local.get 0)))))
      (if (i32.ge_u (local.get 0) (i32.const 10)) (then (return (call $a (i32.sub (local.get 0) (i32.const 1))))))
      (i32.const 7)))
  )";
  // Which of a, b, c, d run compiled (bit k: function k + 1; 0: all
  // interpreted).
  auto outcomes = [&](unsigned compiled_mask) {
    Config c = with_tier(compiled_mask ? Config::Tier::Tiered : Config::Tier::Interpreter, 1'000'000'000);
    c.max_call_depth = 100;
    test::InstanceHarness h(c);
    h.linker.define("env", "fail",
                    Func::host(h.store, FuncType{{ValType::I32}, {ValType::I32}},
                               [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                                 return Trap{Trap::Kind::Host, "host says no", 0, {}};
                               }));
    h.instantiate_wat(wat);
    StoreImpl& store = h.store.impl();
    const InstanceImpl& instance = *store.instances[h.instance.addr()];
    for (unsigned k = 0; k < 4; ++k) {
      if (compiled_mask & (1u << k) && jit::available()) {
        EXPECT_TRUE(jit::compile(store, *store.funcs[instance.funcs[k + 1]])) << k;
      }
    }
    std::vector<std::string> seen;
    for (int32_t n : {1, 2, 3, 11, 12, 31, 32, 33, 34, 12, 1}) {
      // (No record left by an earlier call can pass for one of this call's.)
      for (CallRecord& r : exec_context().calls) r = CallRecord{};
      auto r = h.call("a", {Value::i32(n)});
      std::string line = std::to_string(n) + ":";
      if (r.ok()) line += std::to_string((*r)[0].i32());
      else if (r.error().trap) {
        // (The message, the number of frames and the innermost six.)
        const auto& frames = r.error().trap->backtrace;
        line += r.error().trap->message + " " + std::to_string(frames.size()) + ":";
        for (size_t k = 0; k < std::min<size_t>(frames.size(), 6); ++k)
          line += " " + frames[k].func_name + "@" + std::to_string(frames[k].module_offset);
      }
      seen.push_back(line);
    }
    return seen;
  };
  const std::vector<std::string> interpreted = outcomes(0);
  EXPECT_EQ(interpreted[0].substr(0, 13), "1:unreachable");
  EXPECT_EQ(interpreted[1].substr(0, 14), "2:host says no");
  EXPECT_EQ(interpreted[6], "32:31");  // the deepest call that returns, then the first that traps
  EXPECT_EQ(interpreted[7].substr(0, 23), "33:call stack exhausted");
  for (unsigned mask : {0b1111u, 0b1101u, 0b1011u, 0b0110u, 0b1001u}) {
    SCOPED_TRACE(testing::Message() << "compiled " << mask);
    EXPECT_EQ(outcomes(mask), interpreted);
  }
}

// A host function that calls into a store with a larger depth limit: that
// invocation grows (moves) the thread's call records while the outer
// compiled calls are active; the outer calls go on pushing records in the
// new array, and a trap after it has the whole backtrace, with names.
TEST(Jit, CallRecordsMovedByANestedInvocationKeepTheOuterCallsWorking) {
  Config inner_config = with_tier(Config::Tier::Jit);
  // (Larger than any limit this thread's records were sized for so far,
  // and than the outer store's.)
  inner_config.max_call_depth =
      uint32_t(std::max<size_t>(exec_context().calls.size(), Config{}.max_call_depth + 2) + 4096);
  test::InstanceHarness inner(inner_config);
  ASSERT_NO_FATAL_FAILURE(inner.instantiate_wat(kCalls));
  test::InstanceHarness outer(with_tier(Config::Tier::Jit));
  const CallRecord* records_before = nullptr;
  const CallRecord* records_after = nullptr;
  outer.linker.define("env", "reenter",
                      Func::host(outer.store, FuncType{{}, {}},
                                 [&](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                                   records_before = exec_context().calls.data();
                                   EXPECT_EQ(inner.call1("top", {Value::i32(2)}).i32(), 7);
                                   records_after = exec_context().calls.data();
                                   return std::nullopt;
                                 }));
  ASSERT_NO_FATAL_FAILURE(outer.instantiate_wat(R"((module
    (import "env" "reenter" (func $reenter))
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $fails (unreachable))
    (func $after_reentry (param i32) (result i32)
      (call $reenter)
      (drop (call $leaf (local.get 0)))
      (if (local.get 0) (then (call $fails)))
      (call $leaf (local.get 0)))
    (func (export "entry") (param i32) (result i32) (call $after_reentry (local.get 0)))))"));
  EXPECT_EQ(outer.call1("entry", {Value::i32(0)}).i32(), 1);
  EXPECT_NE(records_before, records_after);  // (the records did move)
  auto r = outer.call("entry", {Value::i32(1)});
  ASSERT_TRUE(!r.ok() && r.error().trap);
  EXPECT_EQ(r.error().trap->message, "unreachable");
  std::vector<std::string> names;
  for (const Frame& f : r.error().trap->backtrace) names.push_back(f.func_name);
  EXPECT_EQ(names, (std::vector<std::string>{"fails", "after_reentry", "entry"}));
  EXPECT_EQ(outer.call1("entry", {Value::i32(0)}).i32(), 1);
}

// A trap at the bottom of a recursion: compiled code calls itself at its
// own internal entry, and each of those calls is a frame of the backtrace,
// at its call instruction, as in the interpreter.
TEST(Jit, BacktracesThroughRecursiveCallsMatchTheInterpreter) {
  expect_compiled_configs_match_interpreter([](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(R"((module
      (func $count (export "count") (param i32) (result i32)
        (if (i32.eqz (local.get 0)) (then (unreachable)))
        (i32.add (i32.const 1) (call $count (i32.sub (local.get 0) (i32.const 1)))))
      (func (export "outer") (param i32) (result i32) (call $count (local.get 0)))))");
    std::vector<std::pair<std::string, uint64_t>> frames;
    for (int round = 0; round < 2; ++round) {  // (the second after tiering up)
      auto r = h.call("outer", {Value::i32(3)});
      if (r.ok() || !r.error().trap) return frames;
      for (const Frame& f : r.error().trap->backtrace) frames.push_back({f.func_name, f.module_offset});
    }
    return frames;
  });
}

// Calls to functions compiled after their caller (a later index under
// Tier::Jit, a callee not hot yet when tiered): results and backtraces are
// the interpreter's, and once compile_all has compiled the whole module
// the caller's call cell points at the callee's internal entry.
const char* kForwardCalls = R"((module
  (func $first (export "first") (param i32) (result i32) (i32.add (call $later (local.get 0)) (i32.const 1)))
  (func $later (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (unreachable)))
    (i32.mul (local.get 0) (i32.const 3)))))";

TEST(Jit, CallsToFunctionsCompiledLaterMatchTheInterpreter) {
  expect_compiled_configs_match_interpreter([](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(kForwardCalls);
    std::vector<std::string> seen;
    for (int32_t n : {4, 0, 5}) {
      auto r = h.call("first", {Value::i32(n)});
      if (r.ok()) seen.push_back(std::to_string((*r)[0].i32()));
      else if (r.error().trap)
        for (const Frame& f : r.error().trap->backtrace) seen.push_back(f.func_name + "@" + std::to_string(f.module_offset));
    }
    return seen;
  });
}

TEST(Jit, CompileAllPointsCallsAtCalleesCompiledAfterTheirCaller) {
  if (!jit::available()) GTEST_SKIP() << "no compiler for this host";
  test::InstanceHarness h(full_compiler(with_tier(Config::Tier::Jit)));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kForwardCalls));
  const StoreImpl& store = h.store.impl();
  const InstanceImpl& instance = *store.instances[h.instance.addr()];
  const FuncInstance& first = *store.funcs[instance.funcs[0]];
  const FuncInstance& later = *store.funcs[instance.funcs[1]];
  ASSERT_TRUE(first.native && later.native_entry);
  // (Before that, a cell holds the address of a stub in its caller's code.)
  auto in_code_of = [](const FuncInstance& f, uint64_t address) {
    const uint64_t begin = reinterpret_cast<uint64_t>(f.native->code);
    return address > begin && address < begin + f.native->size;
  };
#if defined(__x86_64__)
  ASSERT_EQ(first.native->late_calls.size(), 1u);
#endif
  for (const jit::NativeCode::LateCall& call : first.native->late_calls) {
    EXPECT_EQ(call.callee, &later);
    uint64_t cell;
    std::memcpy(&cell, static_cast<const char*>(first.native->code) + call.cell, sizeof cell);
    EXPECT_TRUE(in_code_of(later, cell)) << "the cell still points at its stub";
  }
  EXPECT_EQ(h.call1("first", {Value::i32(2)}).i32(), 7);
}

// Several calls to later functions: their cells lie back to back and are
// written together, each pointing at its own callee.
TEST(Jit, CompileAllPointsEachOfSeveralCellsAtItsOwnCallee) {
  if (!jit::available()) GTEST_SKIP() << "no compiler for this host";
  test::InstanceHarness h(full_compiler(with_tier(Config::Tier::Jit)));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "first") (param i32) (result i32)
      (i32.add (call $b (local.get 0)) (i32.add (call $c (local.get 0)) (call $d (local.get 0)))))
    (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 100)))
    (func $c (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10)))
    (func $d (param i32) (result i32) (local.get 0))))"));
  const StoreImpl& store = h.store.impl();
  const InstanceImpl& instance = *store.instances[h.instance.addr()];
  const FuncInstance& first = *store.funcs[instance.funcs[0]];
  ASSERT_TRUE(first.native);
#if defined(__x86_64__)
  ASSERT_EQ(first.native->late_calls.size(), 3u);
#endif
  for (const jit::NativeCode::LateCall& call : first.native->late_calls) {
    ASSERT_TRUE(call.callee->native);
    const uint64_t begin = reinterpret_cast<uint64_t>(call.callee->native->code);
    uint64_t cell;
    std::memcpy(&cell, static_cast<const char*>(first.native->code) + call.cell, sizeof cell);
    EXPECT_TRUE(cell > begin && cell < begin + call.callee->native->size) << "a cell points elsewhere";
  }
  EXPECT_EQ(h.call1("first", {Value::i32(3)}).i32(), 333);
}

// Two br_tables of one function whose depth 1 names the function first
// (a stub that returns) and a block later: the second table branches to
// its own label, on every tier (the translator's per-table record of the
// labels given a stub is emptied after each table).
TEST(Jit, BrTablesOfOneFunctionEachBranchToTheirOwnLabels) {
  for (Config::Tier tier : {Config::Tier::Interpreter, Config::Tier::Jit, Config::Tier::Tiered}) {
    test::InstanceHarness h(with_tier(tier, 1));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
      (func (export "two_tables") (param $i i32) (param $j i32) (result i32)
        (block $x (result i32)
          (br_table $x 1 (i32.const 10) (local.get $i)))
        (drop)
        (block $y (result i32)
          (block $z (result i32)
            (br_table $z $y (i32.const 20) (local.get $j)))
          (i32.const 1)
          (i32.add))
        (i32.const 100)
        (i32.add))))"));
    for (int round = 0; round < 3; ++round) {  // (tiered: compiled after the first call)
      EXPECT_EQ(h.call1("two_tables", {Value::i32(0), Value::i32(1)}).i32(), 120) << int(tier);
      EXPECT_EQ(h.call1("two_tables", {Value::i32(0), Value::i32(0)}).i32(), 121) << int(tier);
      EXPECT_EQ(h.call1("two_tables", {Value::i32(1), Value::i32(0)}).i32(), 10) << int(tier);
    }
  }
}

// call_indirect's inline checks, at each edge: the last element and the
// first past the table, a huge index, a null element, a type mismatch.
TEST(Jit, CallIndirectChecksMatchTheInterpreter) {
  expect_compiled_configs_match_interpreter([](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(R"((module
      (type $i2i (func (param i32) (result i32)))
      (table 4 funcref)
      (elem (i32.const 0) $double $triple $other)
      (func $double (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
      (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
      (func $other (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
      (func (export "dispatch") (param i32 i32) (result i32)
        (call_indirect (type $i2i) (local.get 1) (local.get 0)))))");
    std::vector<std::string> seen;
    for (uint32_t index : {0u, 1u, 2u, 3u, 4u, 5u, 0x7fffffffu, 0xffffffffu}) {
      auto r = h.call("dispatch", {Value::i32(int32_t(index)), Value::i32(7)});
      seen.push_back(r.ok() ? std::to_string((*r)[0].i32()) : r.error().trap ? r.error().trap->message : "?");
    }
    return seen;
  });
}

// Arguments and results on every call path (results of each kind first,
// the one a compiled callee also returns in a register), with many
// arguments of each kind (and a v128) and several results: direct
// calls (a callee compiled, compiled later, or not yet, tiered), a call
// passing its own arguments in another order, recursion
// rotating its arguments, call_indirect to this instance, another
// instance and a host function, a type mismatch, and C++ calling in with
// many arguments (the native entry). $mix weighs each argument
// differently, so a lost or swapped argument changes its results.
// $mix's type and body, in both modules below.
const std::string kMixType =
    "(type $mix_t (func (param i32 i64 f32 f64 i32 i64 f32 f64 v128 i32 f64 i64 f32 i32) (result i64 f64 i32)))";
const std::string kMixBody = R"(
    (i64.add
      (i64.add (i64.add (i64.extend_i32_s (local.get 0)) (i64.mul (local.get 1) (i64.const 3)))
               (i64.add (i64.mul (i64.extend_i32_s (local.get 4)) (i64.const 5)) (i64.mul (local.get 5) (i64.const 7))))
      (i64.add (i64.add (i64.mul (i64.extend_i32_s (local.get 9)) (i64.const 11)) (i64.mul (local.get 11) (i64.const 13)))
               (i64.mul (i64.extend_i32_s (local.get 13)) (i64.const 17))))
    (f64.add
      (f64.add (f64.add (f64.promote_f32 (local.get 2)) (f64.mul (local.get 3) (f64.const 2)))
               (f64.add (f64.mul (f64.promote_f32 (local.get 6)) (f64.const 4)) (f64.mul (local.get 7) (f64.const 8))))
      (f64.add (f64.mul (local.get 10) (f64.const 16)) (f64.mul (f64.promote_f32 (local.get 12)) (f64.const 32))))
    (i32.add (i32x4.extract_lane 0 (local.get 8)) (i32.mul (i32x4.extract_lane 3 (local.get 8)) (i32.const 19))))";
const std::string kMixCallee = "(module " + kMixType + " (func (export \"mix\") (type $mix_t) " + kMixBody + "))";

const std::string kMixCallers = "(module " + kMixType + R"(
  (import "other" "mix" (func $other_mix (type $mix_t)))
  (import "env" "host_mix" (func $host_mix (type $mix_t)))
  (table funcref (elem $mix $other_mix $host_mix $wrong)))"
  + "(func $mix (type $mix_t) " + kMixBody + ")" + R"(
  (func $wrong (param i32) (result i32) (local.get 0))
  ;; Its arguments to $mix in another order.
  (func $swap (type $mix_t)
    (call $mix (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 0) (local.get 1) (local.get 2)
               (local.get 3) (local.get 8) (local.get 13) (local.get 10) (local.get 11) (local.get 12) (local.get 9)))
  ;; Calls `target` (0: $mix, 1: $swap, 2: call_indirect of table[index],
  ;; 3: $other_mix, 4: $host_mix) with arguments made from x.
  (func (export "call") (param $target i32) (param $index i32) (param $x i32) (result i64 f64 i32)
    (local $y i64) (local $f f32) (local $d f64)
    (local.set $y (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 1000003)))
    (local.set $f (f32.div (f32.convert_i32_s (local.get $x)) (f32.const 8)))
    (local.set $d (f64.div (f64.convert_i32_s (local.get $x)) (f64.const 1024)))
    (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 $b3 $b4 (local.get $target)))
      (return (call $mix (local.get $x) (local.get $y) (local.get $f) (local.get $d)
        (i32.add (local.get $x) (i32.const 1)) (i64.const -5) (f32.const 1.5) (f64.const -2.25)
        (v128.const i32x4 3 -4 5 6) (i32.const 9) (f64.add (local.get $d) (f64.const 1)) (i64.sub (local.get $y) (i64.const 1))
        (f32.neg (local.get $f)) (local.get $x))))
      (return (call $swap (local.get $x) (local.get $y) (local.get $f) (local.get $d)
        (i32.const -7) (i64.const 70) (f32.const 0.25) (f64.const 3.5)
        (v128.const i32x4 1 2 3 4) (i32.const 12) (local.get $d) (local.get $y) (local.get $f) (i32.const 13))))
    (return (call_indirect (type $mix_t) (local.get $x) (local.get $y) (local.get $f) (local.get $d)
        (local.get $x) (local.get $y) (local.get $f) (local.get $d)
        (v128.const i32x4 7 8 9 10) (local.get $x) (local.get $d) (local.get $y) (local.get $f) (local.get $x)
        (local.get $index))))
    (return (call $other_mix (local.get $x) (local.get $y) (local.get $f) (local.get $d)
        (i32.const 2) (i64.const 3) (f32.const 4) (f64.const 5)
        (v128.const i32x4 6 7 8 9) (i32.const 10) (f64.const 11) (i64.const 12) (f32.const 13) (local.get $x))))
    (call $host_mix (local.get $x) (local.get $y) (local.get $f) (local.get $d)
        (i32.const 2) (i64.const 3) (f32.const 4) (f64.const 5)
        (v128.const i32x4 6 7 8 9) (i32.const 10) (f64.const 11) (i64.const 12) (f32.const 13) (local.get $x)))
  ;; Mutual recursion returning an f64 and an f32 ($odd: compiled after
  ;; $even, a late call under Tier::Jit).
  (func $even (export "even") (param $n i32) (result f64)
    (if (result f64) (i32.eqz (local.get $n))
      (then (f64.const 1.5))
      (else (f64.add (f64.promote_f32 (call $odd (i32.sub (local.get $n) (i32.const 1)))) (f64.const 0.25)))))
  (func $odd (param $n i32) (result f32)
    (if (result f32) (i32.eqz (local.get $n))
      (then (f32.const -2))
      (else (f32.mul (f32.demote_f64 (call $even (i32.sub (local.get $n) (i32.const 1)))) (f32.const 1.5)))))
  ;; n calls deep, rotating its integer and float arguments at each.
  (func $rot (export "rot") (param $n i32) (param $a i64) (param $b i64) (param $c f64) (param $d f64) (param $e f32)
    (result i64 f64)
    (if (result i64 f64) (i32.eqz (local.get $n))
      (then (i64.sub (local.get $a) (i64.mul (local.get $b) (i64.const 2)))
            (f64.sub (local.get $c) (f64.mul (local.get $d) (f64.promote_f32 (local.get $e)))))
      (else (call $rot (i32.sub (local.get $n) (i32.const 1)) (local.get $b) (i64.add (local.get $a) (i64.const 1))
                       (local.get $d) (f64.promote_f32 (local.get $e)) (f32.demote_f64 (local.get $c))))))))";

std::vector<std::string> mix_call_results(const Config& c) {
  test::InstanceHarness h(c);
  h.instantiate_wat(kMixCallee);
  h.linker.define_instance(h.store, "other", h.instance);
  FuncType mix_type{{ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::I32, ValType::I64,
                     ValType::F32, ValType::F64, ValType::V128, ValType::I32, ValType::F64, ValType::I64,
                     ValType::F32, ValType::I32},
                    {ValType::I64, ValType::F64, ValType::I32}};
  h.linker.define_func(h.store, "env", "host_mix", mix_type,
                       [](Caller&, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
                         results[0] = Value::i64(args[1].i64() * 3 + args[11].i64() + args[13].i32());
                         results[1] = Value::f64(args[3].f64() * 2 + args[10].f64() + args[12].f32());
                         results[2] = Value::i32(args[0].i32() - args[9].i32());
                         return std::nullopt;
                       });
  h.instantiate_wat(kMixCallers);
  std::vector<std::string> seen;
  auto note = [&](Result<std::vector<Value>> r) {
    if (!r.ok()) return seen.push_back(r.error().trap ? r.error().trap->message : "?");
    std::string line;
    for (const Value& v : *r) line += std::to_string(v.i64()) + " ";  // (a float's bits)
    seen.push_back(line);
  };
  for (int round = 0; round < 3; ++round)  // (tiered: before and after its callees are compiled)
    for (int32_t target = 0; target <= 4; ++target)
      for (int32_t index : target == 2 ? std::vector<int32_t>{0, 1, 2, 3, 4} : std::vector<int32_t>{0})
        note(h.call("call", {Value::i32(target), Value::i32(index), Value::i32(37 + round)}));
  for (int32_t n : {0, 1, 4, 7}) note(h.call("even", {Value::i32(n)}));
  for (int32_t n : {0, 1, 2, 5})
    note(h.call("rot", {Value::i32(n), Value::i64(100), Value::i64(-30), Value::f64(0.5), Value::f64(8), Value::f32(0.75f)}));
  return seen;
}

TEST(Jit, ArgumentsAndResultsOnEveryCallPathMatchTheInterpreter) {
  expect_compiled_configs_match_interpreter(mix_call_results);
}

// A result copied into slot 0 through a register of the other class (a
// float local copied as raw bits, a reinterpreted integer) reaches the
// result register (xmm1 or r8) by a move across classes; a compiled caller
// reads it there, C++ reads the slot.
TEST(Jit, ResultsCopiedThroughTheOtherRegisterClassMatchTheInterpreter) {
  const char* wat = R"((module
    (func $noop)
    (func $f64_local (param $x f64) (result f64) (local $y f64)
      (local.set $y (f64.add (local.get $x) (f64.const 1.5)))
      (call $noop)
      (local.get $y))
    (func $f32_local (param $x f32) (result f32) (local $y f32)
      (local.set $y (f32.mul (local.get $x) (f32.const -3)))
      (call $noop)
      (local.get $y))
    (func $i64_bits (param $x f64) (result i64)
      (i64.reinterpret_f64 (f64.add (local.get $x) (f64.const 0.25))))
    (func $i32_bits (param $x f32) (result i32)
      (i32.reinterpret_f32 (f32.add (local.get $x) (f32.const 0.5))))
    (func $f64_bits (param $x i64) (result f64)
      (f64.reinterpret_i64 (i64.add (local.get $x) (i64.const 1))))
    (func (export "f64_local") (param f64) (result f64) (f64.mul (call $f64_local (local.get 0)) (f64.const 2)))
    (func (export "f32_local") (param f32) (result f32) (f32.add (call $f32_local (local.get 0)) (f32.const 1)))
    (func (export "i64_bits") (param f64) (result i64) (i64.xor (call $i64_bits (local.get 0)) (i64.const 5)))
    (func (export "i32_bits") (param f32) (result i32) (i32.add (call $i32_bits (local.get 0)) (i32.const 7)))
    (func (export "f64_bits") (param i64) (result f64) (f64.sub (call $f64_bits (local.get 0)) (f64.const 1)))
    (func (export "f64_direct") (param f64) (result f64) (call $f64_local (local.get 0)))))";
  expect_compiled_configs_match_interpreter([&](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(wat);
    std::vector<uint64_t> bits;
    for (int round = 0; round < 3; ++round) {  // (tiered: before and after tier-up)
      bits.push_back(h.call1("f64_local", {Value::f64(2.25 + round)}).i64());
      bits.push_back(uint32_t(h.call1("f32_local", {Value::f32(1.5f + float(round))}).i32()));
      bits.push_back(h.call1("i64_bits", {Value::f64(-7.5 * round)}).i64());
      bits.push_back(uint32_t(h.call1("i32_bits", {Value::f32(3.0f * float(round))}).i32()));
      bits.push_back(h.call1("f64_bits", {Value::i64(0x4010000000000000 + round)}).i64());
      bits.push_back(h.call1("f64_direct", {Value::f64(-0.5 * round)}).i64());
    }
    return bits;
  });
}

// Translating a function leaves the store's tables as instantiation made
// them, call_indirect's types included (a type no function has): the
// threads of compile_all translate at once, and a type interned then would
// be a write to the store under the others' reads.
TEST(Jit, TranslatingACallIndirectLeavesTheStoresTypesAsInstantiated) {
  for (auto tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(with_tier(tier));
    const size_t before_instance = h.store.impl().type_ids.size();
    h.instantiate_wat(R"((module
      (type $only_called (func (param i64 f32) (result f64)))
      (table 1 funcref)
      (func (export "call") (param i32) (result f64)
        (call_indirect (type $only_called) (i64.const 1) (f32.const 2) (local.get 0)))))");
    const size_t after_instance = h.store.impl().type_ids.size();
    EXPECT_EQ(after_instance, before_instance + 2);  // (the function's type too)
    EXPECT_EQ(h.trap_of("call", {Value::i32(0)}), "uninitialized element 0");
    EXPECT_EQ(h.store.impl().type_ids.size(), after_instance);
  }
}

TEST(Jit, MemoryGrownByACalleeIsUsableByTheCaller) {
  for (auto tier : {Config::Tier::Interpreter, Config::Tier::Jit}) {
    test::InstanceHarness h(with_tier(tier));
    ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kCalls));
    EXPECT_EQ(h.trap_of("load", {Value::i32(65533)}), "out of bounds memory access");
    EXPECT_EQ(h.call1("load", {Value::i32(65532)}).i32(), 0);
    EXPECT_EQ(h.call1("grow_then_store", {Value::i32(2)}).i32(), 7);
    EXPECT_EQ(h.call1("load", {Value::i32(3 * 65536 - 4)}).i32(), 0);
    EXPECT_EQ(h.trap_of("load", {Value::i32(3 * 65536 - 3)}), "out of bounds memory access");
  }
}

// A constant address (clang's `i32.const 0` under a global's offset) is
// folded into the access's displacement: the last bytes of the memory load
// and store; one byte further traps, from the constant or from the offset,
// with guard pages and with explicit checks; a constant whose sum with the
// offset does not fit a displacement goes the usual way; after
// memory.grow the same access succeeds.
TEST(Jit, ConstantAddressesMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1 2)
    (func (export "last_word") (result i64)
      (i32.store offset=65528 (i32.const 4) (i32.const 0x01020304))
      (i64.load offset=65528 (i32.const 0)))
    (func (export "last_byte") (result i32)
      (i32.store8 (i32.const 65535) (i32.const 0xab))
      (i32.load8_u offset=65000 (i32.const 535)))
    (func (export "word_past_end") (result i32) (i32.load offset=65533 (i32.const 0)))
    (func (export "store_past_end") (i32.store16 (i32.const 65535) (i32.const 1)))
    (func (export "offset_past_end") (result i32) (i32.load8_u offset=65536 (i32.const 0)))
    (func (export "huge") (result i32) (i32.load offset=0x7fffffff (i32.const 0x7fffffff)))
    (func (export "grow_then_load") (result i32)
      (drop (memory.grow (i32.const 1)))
      (i32.store offset=65536 (i32.const 4) (i32.const 77))
      (i32.load offset=4 (i32.const 65536)))))";
  expect_compiled_configs_match_interpreter([&](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(wat);
    std::vector<std::string> out;
    out.push_back(std::to_string(h.call1("last_word", {}).i64()));
    out.push_back(std::to_string(h.call1("last_byte", {}).i32()));
    for (const char* f : {"word_past_end", "store_past_end", "offset_past_end", "huge"}) out.push_back(h.trap_of(f, {}));
    out.push_back(std::to_string(h.call1("grow_then_load", {}).i32()));
    out.push_back(h.trap_of("huge", {}));
    return out;
  });
}

// A constant as the first operand of an operation, or as select's first
// value, is moved into the result's register as an immediate: i32 ones
// above 2^31 (zero-extended), i64 ones that fit a sign-extended immediate
// and one that does not.
TEST(Jit, ConstantFirstOperandsMatchTheInterpreter) {
  const char* wat = R"((module
    (func (export "i32") (param i32) (result i32)
      (i32.xor (i32.xor (i32.sub (i32.const 0x80000005) (local.get 0))
                        (i32.shl (i32.const 0xc0000001) (local.get 0)))
               (i32.xor (i32.rotl (i32.const 0x12345678) (local.get 0))
                        (select (i32.const 0xfffffff0) (local.get 0) (i32.and (local.get 0) (i32.const 1))))))
    (func (export "i64") (param i64) (result i64)
      (i64.xor (i64.xor (i64.sub (i64.const -7) (local.get 0))
                        (i64.shr_s (i64.const 0x8000000000000001) (local.get 0)))
               (i64.xor (i64.mul (i64.const 0x7fffffff) (local.get 0))
                        (select (i64.const -2) (local.get 0) (i32.wrap_i64 (i64.and (local.get 0) (i64.const 1)))))))))";
  expect_compiled_configs_match_interpreter([&](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(wat);
    std::vector<uint64_t> out;
    for (int64_t x : {0, 1, 5, 31, 33, -1}) {
      out.push_back(uint32_t(h.call1("i32", {Value::i32(int32_t(x))}).i32()));
      out.push_back(uint64_t(h.call1("i64", {Value::i64(x)}).i64()));
    }
    return out;
  });
}

// An i32 division or remainder by a constant is a multiplication in
// compiled code (no div, no checks): every op by divisors small and large,
// powers of two, INT32_MIN, negative ones, 1, and the ones that keep the
// checks (0 traps; -1 signed: overflow for INT32_MIN), on dividends at
// the edges and around each divisor's multiples.
TEST(Jit, DivisionsByConstantsMatchTheInterpreter) {
  const int64_t divisors[] = {1, 2, 3, 5, 7, 10, 16, 100, 641, 65521, 0x7fffffff, 0x80000000, 0xfffffffe,
                              0xffffffff, -2, -7, -10, 6700417, 0};
  const char* ops[] = {"div_u", "rem_u", "div_s", "rem_s"};
  std::string wat = "(module";
  for (int64_t d : divisors)
    for (const char* op : ops)
      wat += std::string("(func (export \"") + op + "_" + std::to_string(d) + "\") (param i32) (result i32) (i32." + op +
             " (local.get 0) (i32.const " + std::to_string(d) + ")))";
  wat += ")";
  std::vector<uint32_t> dividends = {0, 1, 2, 3, 9, 10, 11, 99, 100, 101, 65520, 65521, 65522, 0x7ffffffe, 0x7fffffff,
                                     0x80000000, 0x80000001, 0xfffffff6, 0xfffffffe, 0xffffffff, 123456789, 4000000000u};
  for (uint32_t x = 1; x < 40; ++x) dividends.push_back(x * 2654435761u);
  expect_compiled_configs_match_interpreter([&](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(wat);
    std::vector<std::string> out;
    for (int64_t d : divisors)
      for (const char* op : ops)
        for (uint32_t x : dividends) {
          const std::string name = std::string(op) + "_" + std::to_string(d);
          auto r = h.call(name, {Value::i32(int32_t(x))});
          out.push_back(r.ok() ? std::to_string(uint32_t((*r)[0].i32()))
                               : (r.error().trap ? r.error().trap->message : r.error().message));
        }
    return out;
  });
}

// memory.copy and memory.fill in compiled code (bounds checked inline, then
// memmove/memset): overlapping ranges both ways, a fill value's low byte,
// zero lengths at the end of memory, copies inside a loop whose locals and
// temporaries are in registers around them, and after memory.grow (in the
// same function) up to the new end exactly. Each tier must give the
// interpreter's memory, byte for byte.
TEST(Jit, MemoryCopyAndFillMatchTheInterpreter) {
  const char* wat = R"((module
    (memory (export "m") 1)
    (func $sum (param $from i32) (param $to i32) (result i32) (local $h i32)
      (loop $l
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load8_u (local.get $from))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $from) (local.get $to))))
      (local.get $h))
    (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
      (loop $l
        (i32.store8 (local.get $i) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 256))))
      (memory.copy (i32.const 10) (i32.const 0) (i32.const 100))
      (memory.copy (i32.const 40) (i32.const 50) (i32.const 100))
      (memory.fill (i32.const 200) (i32.const 0x1a5) (i32.const 20))
      (memory.copy (i32.const 65536) (i32.const 65536) (i32.const 0))
      (memory.copy (i32.const 65536) (i32.const 0) (i32.const 0))
      (memory.fill (i32.const 65536) (i32.const 1) (i32.const 0))
      (local.set $i (i32.const 0))
      (loop $m
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 33)) (i32.load8_u (local.get $i))))
        (memory.copy (i32.add (local.get $i) (i32.const 1000)) (local.get $i) (i32.and (local.get $i) (i32.const 7)))
        (memory.fill (i32.add (local.get $i) (i32.const 3000)) (local.get $acc) (i32.and (local.get $i) (i32.const 3)))
        (local.set $acc (i32.xor (local.get $acc) (i32.load (i32.add (local.get $i) (i32.const 1000)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $m (i32.lt_u (local.get $i) (local.get $n))))
      ;; a temporary live across a copy
      (local.set $acc (i32.add (local.get $acc)
        (i32.add (i32.load (i32.const 12))
                 (block (result i32) (memory.copy (i32.const 0) (i32.const 4) (i32.const 8)) (i32.load (i32.const 0))))))
      (drop (memory.grow (i32.const 1)))
      (memory.copy (i32.const 131000) (i32.const 0) (i32.const 72))
      (memory.fill (i32.const 131070) (i32.const 0x77) (i32.const 2))
      (memory.copy (i32.const 131072) (i32.const 131072) (i32.const 0))
      (i32.add (local.get $acc)
        (i32.add (call $sum (i32.const 0) (i32.const 4000)) (call $sum (i32.const 130900) (i32.const 131072)))))
    (func (export "size") (result i32) (memory.size))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))))";
  auto run = [&](Config config, std::vector<uint8_t>& memory) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    const int32_t r = h.call1("run", {Value::i32(1500)}).i32();
    EXPECT_EQ(h.call1("size", {}).i32(), 2);
    // Out of range by one byte (nothing copied), and n = 0 past the end.
    EXPECT_EQ(h.trap_of("copy", {Value::i32(131072 - 7), Value::i32(0), Value::i32(8)}), "out of bounds memory access");
    EXPECT_EQ(h.trap_of("copy", {Value::i32(0), Value::i32(131072 - 7), Value::i32(8)}), "out of bounds memory access");
    EXPECT_EQ(h.trap_of("copy", {Value::i32(131073), Value::i32(0), Value::i32(0)}), "out of bounds memory access");
    EXPECT_EQ(h.trap_of("copy", {Value::i32(-1), Value::i32(-1), Value::i32(-1)}), "out of bounds memory access");
    EXPECT_EQ(h.trap_of("fill", {Value::i32(131072 - 7), Value::i32(9), Value::i32(8)}), "out of bounds memory access");
    EXPECT_EQ(h.trap_of("fill", {Value::i32(1), Value::i32(9), Value::i32(-1)}), "out of bounds memory access");
    EXPECT_TRUE(h.call("copy", {Value::i32(131072), Value::i32(131072), Value::i32(0)}).ok());
    EXPECT_TRUE(h.call("fill", {Value::i32(131072), Value::i32(9), Value::i32(0)}).ok());
    auto mem = h.instance.memory(h.store, "m");
    if (!mem) return ADD_FAILURE() << "no memory", 0;
    memory.assign(mem->data(h.store), mem->data(h.store) + mem->size_bytes(h.store));
    if (config.tier == Config::Tier::Jit) {
      EXPECT_EQ(is_compiled(h, "run"), jit::available());
    }
    return r;
  };
  std::vector<uint8_t> expected, got;
  const int32_t want = run(with_tier(Config::Tier::Interpreter), expected);
  ASSERT_EQ(expected.size(), 131072u);
  EXPECT_EQ(expected[131071], 0x77);
  EXPECT_EQ(expected[205], 0xa5);
  EXPECT_EQ(expected[10], 0);  // [0,100) went to [10,110) first
  EXPECT_EQ(expected[40], 50 - 10);  // then [50,150) to [40,140), after it
  for_each_compiled_config([&](const Config& c) {
    EXPECT_EQ(run(c, got), want);
    EXPECT_TRUE(got == expected);
  });
}

// A memory address is an i32: compiled code indexes memory with the
// register holding it only when its upper half is known to be zero, and
// zero-extends it otherwise. Addresses here come from 64-bit values
// wrapped, 32-bit sums that wrap around, reinterpreted floats, globals,
// selects, calls' results and loop locals, each next to 64-bit values in
// the same registers; every tier must read the interpreter's bytes (a high
// half used as part of an address would read elsewhere or trap).
// A loop pins the param in slot 0, which a return also writes: where the
// result there is an i32 the pin is an i32 one (kept zero-extended, used
// as an address as it is); where it is an i64, the 64 bits a return in
// the loop writes there must reach the caller whole.
TEST(Jit, LocalsPinnedInResultSlotsMatchTheInterpreter) {
  expect_compiled_configs_match_interpreter([](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(R"((module (memory 1) (data (i32.const 16) "abcde")
      (func (export "len") (param i32) (result i32)
        (block (loop
          (br_if 1 (i32.eqz (i32.load8_u (local.get 0))))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br 0)))
        (i32.sub (local.get 0) (i32.const 16)))
      (func (export "wide") (param i32) (result i64) (local i64)
        (loop
          (if (i32.eqz (i32.load8_u (local.get 0)))
            (then (return (i64.or (local.get 1) (i64.extend_i32_u (local.get 0))))))
          (local.set 1 (i64.add (local.get 1) (i64.const 0x100000000)))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br 0))
        (i64.const -1))))");
    std::vector<int64_t> seen;
    for (int32_t at : {16, 18, 21}) {
      seen.push_back(h.call1("len", {Value::i32(at)}).i32());
      seen.push_back(h.call1("wide", {Value::i32(at)}).i64());
    }
    return seen;
  });
}

TEST(Jit, AddressesAreTheLow32BitsOfTheirRegisters) {
  const char* wat = R"((module
    (memory 1)
    (data (i32.const 16) "\01\02\03\04\05\06\07\08\09\0a\0b\0c")
    (global $g (mut i32) (i32.const 20))
    (func $id (param i32) (result i32) (local.get 0))
    (func (export "wrap") (param i64) (result i32)
      (i32.add (i32.load (i32.wrap_i64 (local.get 0)))
               (i32.load8_u (i32.wrap_i64 (i64.add (local.get 0) (i64.const 0x100000001))))))
    (func (export "addwrap") (param i32 i32) (result i32)
      (i32.load (i32.add (local.get 0) (local.get 1))))
    (func (export "mixed") (param i64 i32) (result i32) (local $a i32) (local $w i64) (local $s i32) (local $k i32)
      (local.set $w (i64.mul (local.get 0) (i64.const 0x100000001)))
      (local.set $a (i32.wrap_i64 (local.get $w)))
      (loop $l
        (local.set $w (i64.add (local.get $w) (i64.const 0x100000000)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u offset=1 (local.get $a))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.wrap_i64 (local.get $w)))))
        (local.set $s (i32.add (local.get $s)
          (i32.load8_u (i32.reinterpret_f32 (f32.reinterpret_i32 (i32.add (local.get $a) (i32.const 2)))))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (global.get $g))))
        (local.set $s (i32.add (local.get $s)
          (i32.load8_u (select (local.get $a) (i32.const 17) (local.get $k)))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (call $id (i32.sub (local.get $a) (i32.const 0))))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $a) (i32.const 0xffffffff)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $k) (local.get 1))))
      (local.get $s))))";
  std::vector<std::pair<const char*, std::vector<Value>>> calls = {
      {"wrap", {Value::i64(0x100000010)}},
      {"wrap", {Value::i64(int64_t(0xffffffff00000014))}},
      {"addwrap", {Value::i32(int32_t(0xfffffff0)), Value::i32(0x20)}},
      {"addwrap", {Value::i32(0x10), Value::i32(0)}},
      {"mixed", {Value::i64(0x12), Value::i32(5)}},
      {"mixed", {Value::i64(int64_t(0xabcdef0000000011)), Value::i32(3)}},
  };
  auto run_all = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<std::string> out;
    for (auto& [name, args] : calls) {
      auto f = h.instance.func(h.store, name);
      if (!f) return ADD_FAILURE() << name, out;
      auto r = f->call(h.store, args);
      out.push_back(r.ok() ? std::to_string((*r)[0].i32()) : r.error().to_string());
    }
    return out;
  };
  const auto expected = run_all(with_tier(Config::Tier::Interpreter));
  EXPECT_EQ(expected[0], std::to_string(0x04030201 + 0x02));
  EXPECT_EQ(expected[2], std::to_string(0x04030201));
  for_each_compiled_config([&](const Config& c) {
    EXPECT_EQ(run_all(c), expected);
  });
}

// Results the next instruction only copies to a local are computed
// straight into the local's register (often pinned in a loop): each with
// the local also among its operands (first, second, an address, a shift
// count), into i32, i64 and f64 locals, compares into a local then branched
// on, divisions; every tier as the interpreter.
TEST(Jit, ResultsComputedStraightIntoLocalsMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (func (export "f") (param $n i32) (result i64)
      (local $a i32) (local $b i32) (local $p i32) (local $c i32) (local $x i64) (local $f f64) (local $i i32)
      (loop $l
        (i32.store (local.get $i) (i32.and (i32.add (local.get $i) (i32.const 12)) (i32.const 0xfff)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 4096))))
      (local.set $a (i32.const 7))
      (local.set $b (i32.const 0x7ffffff0))
      (loop $m
        (local.set $a (i32.sub (local.get $b) (local.get $a)))
        (local.set $b (i32.add (local.get $b) (i32.const 3)))
        (local.set $p (i32.load (local.get $p)))
        (local.set $c (i32.lt_u (local.get $a) (local.get $b)))
        (if (local.get $c) (then (local.set $x (i64.xor (local.get $x) (i64.const 0x5555)))))
        (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $a))))
        (local.set $x (i64.rotl (local.get $x) (i64.extend_i32_u (local.get $c))))
        (local.set $f (f64.sub (f64.convert_i32_u (local.get $b)) (local.get $f)))
        (local.set $a (i32.shl (local.get $a) (local.get $a)))
        (local.set $a (i32.div_u (local.get $b) (i32.or (local.get $a) (i32.const 1))))
        (local.set $c (i32.rem_s (local.get $c) (i32.or (local.get $p) (i32.const 1))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $m (local.get $n)))
      (i64.add (i64.add (local.get $x) (i64.trunc_f64_s (local.get $f)))
               (i64.extend_i32_u (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $p) (local.get $c))))))
    ;; a return inside the loop moves its f64 result to slot 0, the pinned i32's
    (func (export "g") (param $i i32) (result f64)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.gt_u (local.get $i) (i32.const 10)) (then (return (f64.const -10.5))))
        (br $l))
      (f64.const 0))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    EXPECT_EQ(h.call1("g", {Value::i32(0)}).f64(), -10.5);
    return h.call1("f", {Value::i32(1000)}).i64();
  };
  expect_compiled_configs_match_interpreter(run);
}

// A br_table indexes its jump table straight from the index's cache
// register where that is known zero-extended (a 32-bit result such as
// i32.wrap_i64's, a pinned i32 local), else from a zero-extended copy in
// eax (an index in its slot, or in a register restored at a label).
TEST(Jit, BrTableIndexesFromTheIndexRegisterOnlyWhenZeroExtended) {
  const char* wat = R"((module
    (func $case (param $k i32) (result i32)
      (block $t3 (block $t2 (block $t1 (block $t0
        (br_table $t0 $t1 $t2 $t3 (local.get $k)))
        (return (i32.const 10)))
        (return (i32.const 11)))
        (return (i32.const 12)))
      (i32.const 13))
    (func (export "wrapped") (param $x i64) (result i32)
      (block $t3 (block $t2 (block $t1 (block $t0
        (br_table $t0 $t1 $t2 $t3 (i32.wrap_i64 (i64.add (local.get $x) (i64.const 0)))))
        (return (i32.const 20)))
        (return (i32.const 21)))
        (return (i32.const 22)))
      (i32.const 23))
    (func (export "computed") (param $k i32) (result i32)
      (i32.add (call $case (i32.and (local.get $k) (i32.const 7)))
               (call $case (local.get $k))))
    ;; a dispatch loop: its index a pinned i32 local, its cases writing it
    (func (export "dispatch") (param $n i32) (result i32) (local $op i32) (local $acc i32)
      (loop $l
        (block $d (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $d (local.get $op)))
          (local.set $acc (i32.add (local.get $acc) (i32.const 3)))
          (local.set $op (i32.const 2))
          (br $l))
          (local.set $acc (i32.mul (local.get $acc) (i32.const 5)))
          (local.set $op (i32.const 0))
          (br $l))
          (local.set $acc (i32.xor (local.get $acc) (local.get $n)))
          (local.set $op (select (i32.const 1) (i32.const 3) (i32.lt_u (local.get $acc) (i32.const 100000))))
          (br $l)))
      (local.get $acc))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int32_t> out;
    for (int64_t x : {int64_t(0x100000002), int64_t(0x7fffffff00000001), int64_t(-4), int64_t(3), int64_t(0x500000000)})
      out.push_back(h.call1("wrapped", {Value::i64(x)}).i32());
    for (int32_t k : {0, 1, 2, 3, 9, -1}) out.push_back(h.call1("computed", {Value::i32(k)}).i32());
    for (int32_t n : {1, 77}) out.push_back(h.call1("dispatch", {Value::i32(n)}).i32());
    return out;
  };
  EXPECT_EQ(run(with_tier(Config::Tier::Interpreter)),
            (std::vector<int32_t>{22, 21, 23, 23, 20, 20, 22, 24, 26, 24, 26, 195312, 276620}));
  expect_compiled_configs_match_interpreter(run);
}

// Where paths join (block ends, br_if, br_table and if/else targets, the
// way out of a loop), values every path brings in the same register stay
// there: paths that rewrite a local, or call, between the branch and the
// label, branches from unreachable code, block results, loops left through
// a br_if and a br, a loop header (entered by branches back too), a br back
// carrying a loop parameter (the temporaries above those dropped); every
// tier as the interpreter.
TEST(Jit, ValuesKeptInRegistersWherePathsJoinMatchTheInterpreter) {
  const char* wat = R"((module
    (func $id (param i32) (result i32) (local.get 0))
    (func (export "joins") (param $n i32) (param $k i32) (result i64)
      (local $a i32) (local $b i32) (local $x i64) (local $f f64)
      (local.set $a (i32.mul (local.get $n) (i32.const 3)))
      (local.set $b (i32.add (local.get $n) (i32.const 5)))
      (local.set $x (i64.extend_i32_u (local.get $n)))
      (local.set $f (f64.convert_i32_s (local.get $n)))
      ;; the path falling through to the label rewrites $a and $f
      (block $b1
        (br_if $b1 (i32.and (local.get $k) (i32.const 1)))
        (local.set $a (i32.add (local.get $a) (i32.const 100)))
        (local.set $f (f64.mul (local.get $f) (f64.const 1.5))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $a))))
      ;; a br_table whose targets see different writes (one a call's)
      (block $t3 (block $t2 (block $t1 (block $t0
        (br_table $t0 $t1 $t2 $t3 (i32.and (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 3))))
        (local.set $b (i32.xor (local.get $b) (local.get $a)))
        (br $t3))
        (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $b))))
        (br $t3))
        (local.set $a (call $id (i32.sub (local.get $a) (local.get $b)))))
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 31)) (i64.extend_i32_u (i32.xor (local.get $a) (local.get $b)))))
      (if (i32.and (local.get $k) (i32.const 8))
        (then (local.set $a (i32.rotl (local.get $a) (i32.const 3))))
        (else (local.set $b (i32.mul (local.get $b) (i32.const 7)))
              (local.set $f (f64.add (local.get $f) (f64.const 0.25)))))
      ;; a loop left by a br_if and by a br (its pins stored on the way out)
      (block $out
        (loop $l
          (local.set $a (i32.add (local.get $a) (local.get $b)))
          (br_if $out (i32.gt_u (local.get $a) (i32.const 5000)))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (if (i32.eq (i32.and (local.get $b) (i32.const 63)) (i32.const 17)) (then (br $out)))
          (br_if $l (i32.lt_u (local.get $b) (i32.const 300)))))
      ;; unreachable code branching to the label after a br
      (block $u
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $u)
        (local.set $a (i32.const 0))
        (br_if $u (local.get $a)))
      ;; a loop that calls (no pins): its header is entered from below too
      (local.set $a (i32.and (local.get $a) (i32.const 0xff)))
      (loop $c
        (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (call $id (local.get $a)))))
        (local.set $b (i32.add (i32.mul (local.get $b) (i32.const 5)) (i32.const 1)))
        (local.set $f (f64.add (local.get $f) (f64.convert_i32_u (i32.and (local.get $b) (i32.const 0xff)))))
        (local.set $a (i32.add (local.get $a) (i32.add (i32.and (local.get $b) (i32.const 15)) (i32.const 70))))
        (br_if $c (i32.lt_u (local.get $a) (i32.const 1000))))
      ;; block results carried by a br_if and by the path falling through
      (local.set $b (i32.add (local.get $b)
        (block $r (result i32)
          (drop (br_if $r (local.get $a) (i32.and (local.get $k) (i32.const 4))))
          (local.set $a (i32.sub (local.get $a) (i32.const 9)))
          (local.get $b))))
      (i64.add (i64.add (local.get $x) (i64.trunc_f64_s (local.get $f)))
               (i64.shl (i64.extend_i32_u (local.get $a)) (i64.extend_i32_u (i32.and (local.get $b) (i32.const 31))))))
    ;; a br back carries the loop's parameter (live there, a temporary
    ;; computed just before); the temporary below the loop stays live too
    (func (export "carried") (param $n i32) (result i32) (local $i i32)
      local.get $n
      i32.const 7
      i32.mul
      i32.const 1
      block $done (param i32) (result i32)
        loop $l (param i32) (result i32)
          local.get $i
          i32.const 1
          i32.add
          local.tee $i
          local.get $n
          i32.ge_u
          br_if $done
          i32.const 3
          i32.mul
          local.get $i
          i32.add
          i32.const 0xffff
          i32.and
          br $l
        end
      end
      i32.add)))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t n = 0; n < 40; n += 3)
      for (int32_t k = 0; k < 16; ++k) out.push_back(h.call1("joins", {Value::i32(n), Value::i32(k)}).i64());
    for (int32_t n = 0; n < 40; n += 7) out.push_back(h.call1("carried", {Value::i32(n)}).i32());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// Where paths bring a value to a label in different registers, a later br
// or the path falling in moves it to the register the first path brought
// it in (the moves ordered so that none overwrites a value another still
// reads; a br_if or br_table keeps only what it brings in the same
// register): if/else arms writing locals in a different order (i32, i64,
// f32, f64, v128), two values swapping registers, br_if and br_table
// paths, nested blocks, a label only branches reach, a local copied then
// overwritten after the label, and more values than registers; every tier
// as the interpreter.
TEST(Jit, ValuesMovedToTheirRegistersWherePathsJoinMatchTheInterpreter) {
  const char* wat = R"((module
    (func (export "arms") (param $n i32) (param $k i32) (result i64)
      (local $a i64) (local $b i64) (local $f f64) (local $g f32) (local $i i32) (local $v v128)
      (if (i32.and (local.get $k) (i32.const 1))
        (then
          (local.set $a (i64.extend_i32_s (i32.mul (local.get $n) (i32.const 3))))
          (local.set $f (f64.convert_i32_s (local.get $n)))
          (local.set $v (i32x4.splat (local.get $k)))
          (local.set $b (i64.add (local.get $a) (i64.const 7)))
          (local.set $i (i32.add (local.get $n) (i32.const 9)))
          (local.set $g (f32.convert_i32_s (i32.add (local.get $n) (i32.const 2)))))
        (else
          (local.set $g (f32.const 1.5))
          (local.set $i (i32.sub (local.get $k) (local.get $n)))
          (local.set $b (i64.extend_i32_u (local.get $n)))
          (local.set $v (i32x4.splat (i32.mul (local.get $n) (i32.const 5))))
          (local.set $f (f64.mul (f64.convert_i32_u (local.get $k)) (f64.const 0.5)))
          (local.set $a (i64.sub (local.get $b) (i64.const 11)))))
      (i64.add (i64.add (i64.add (local.get $a) (local.get $b)) (i64.extend_i32_s (local.get $i)))
        (i64.add (i64.add (i64.trunc_f64_s (local.get $f)) (i64.trunc_f32_s (local.get $g)))
                 (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $v))))))
    ;; the else arm, after the then arm's six values, takes its
    ;; registers in the same order: $a and $b swap them (a cycle of moves)
    (func (export "swap") (param $n i32) (param $k i32) (result i32)
      (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
      (if (local.get $k)
        (then (local.set $a (i32.add (local.get $n) (i32.const 1)))
              (local.set $b (i32.add (local.get $n) (i32.const 20)))
              (local.set $c (i32.mul (local.get $n) (i32.const 3)))
              (local.set $d (i32.mul (local.get $n) (i32.const 5)))
              (local.set $e (i32.mul (local.get $n) (i32.const 7)))
              (local.set $f (i32.mul (local.get $n) (i32.const 9))))
        (else (local.set $b (i32.add (local.get $n) (i32.const 300)))
              (local.set $a (i32.add (local.get $n) (i32.const 4000)))))
      (i32.add (i32.sub (i32.mul (local.get $a) (i32.const 3)) (local.get $b))
               (i32.add (i32.add (local.get $c) (local.get $d)) (i32.add (local.get $e) (local.get $f)))))
    ;; br_if and br_table paths into labels, in nested blocks; the last
    ;; label only branches reach
    (func (export "branches") (param $n i32) (param $k i32) (result i64)
      (local $a i64) (local $b i64) (local $f f64) (local $c i64)
      (local.set $a (i64.extend_i32_u (local.get $n)))
      (block $end
        (block $t2 (block $t1 (block $t0
          (local.set $b (i64.mul (local.get $a) (i64.const 3)))
          (local.set $f (f64.convert_i64_s (local.get $b)))
          (br_if $t1 (i32.eq (local.get $k) (i32.const 5)))
          (local.set $f (f64.add (local.get $f) (f64.const 0.5)))
          (local.set $b (i64.add (local.get $a) (i64.const 100)))
          (local.set $a (i64.mul (local.get $b) (i64.const 7)))
          (br_table $t0 $t1 $t2 $end (i32.and (local.get $k) (i32.const 3))))
          (local.set $f (f64.sub (local.get $f) (f64.const 2)))
          (local.set $a (i64.add (local.get $a) (i64.const 1)))
          (br $t2))
          (local.set $b (i64.sub (local.get $b) (local.get $a)))
          (local.set $f (f64.mul (local.get $f) (f64.const 3)))
          (br $end))
        (local.set $a (i64.xor (local.get $a) (local.get $b)))
        (local.set $b (i64.add (local.get $b) (i64.const 5)))
        (br $end))
      ;; a copy of $a, then $a overwritten: the copy keeps the old value
      (local.set $c (local.get $a))
      (local.set $a (i64.const 9))
      (i64.add (i64.add (i64.mul (local.get $c) (i64.const 31)) (local.get $a))
               (i64.add (local.get $b) (i64.trunc_f64_s (local.get $f)))))
    ;; 12 i64 and 16 f64 locals live across an if/else whose arms write
    ;; them in opposite orders
    (func (export "many") (param $n i32) (param $k i32) (result i64)
      (local $x0 i64) (local $x1 i64) (local $x2 i64) (local $x3 i64) (local $x4 i64) (local $x5 i64)
      (local $x6 i64) (local $x7 i64) (local $x8 i64) (local $x9 i64) (local $x10 i64) (local $x11 i64)
      (local $y0 f64) (local $y1 f64) (local $y2 f64) (local $y3 f64) (local $y4 f64) (local $y5 f64)
      (local $y6 f64) (local $y7 f64) (local $y8 f64) (local $y9 f64) (local $y10 f64) (local $y11 f64)
      (local $y12 f64) (local $y13 f64) (local $y14 f64) (local $y15 f64)
      (local $m i64) (local $d f64)
      (local.set $m (i64.extend_i32_u (local.get $n)))
      (local.set $d (f64.convert_i32_s (local.get $n)))
      (if (local.get $k)
        (then
          (local.set $x0 (i64.add (local.get $m) (i64.const 1))) (local.set $x1 (i64.add (local.get $m) (i64.const 2)))
          (local.set $x2 (i64.add (local.get $m) (i64.const 3))) (local.set $x3 (i64.add (local.get $m) (i64.const 4)))
          (local.set $x4 (i64.add (local.get $m) (i64.const 5))) (local.set $x5 (i64.add (local.get $m) (i64.const 6)))
          (local.set $x6 (i64.add (local.get $m) (i64.const 7))) (local.set $x7 (i64.add (local.get $m) (i64.const 8)))
          (local.set $x8 (i64.add (local.get $m) (i64.const 9))) (local.set $x9 (i64.add (local.get $m) (i64.const 10)))
          (local.set $x10 (i64.add (local.get $m) (i64.const 11))) (local.set $x11 (i64.add (local.get $m) (i64.const 12)))
          (local.set $y0 (f64.add (local.get $d) (f64.const 1))) (local.set $y1 (f64.add (local.get $d) (f64.const 2)))
          (local.set $y2 (f64.add (local.get $d) (f64.const 3))) (local.set $y3 (f64.add (local.get $d) (f64.const 4)))
          (local.set $y4 (f64.add (local.get $d) (f64.const 5))) (local.set $y5 (f64.add (local.get $d) (f64.const 6)))
          (local.set $y6 (f64.add (local.get $d) (f64.const 7))) (local.set $y7 (f64.add (local.get $d) (f64.const 8)))
          (local.set $y8 (f64.add (local.get $d) (f64.const 9))) (local.set $y9 (f64.add (local.get $d) (f64.const 10)))
          (local.set $y10 (f64.add (local.get $d) (f64.const 11))) (local.set $y11 (f64.add (local.get $d) (f64.const 12)))
          (local.set $y12 (f64.add (local.get $d) (f64.const 13))) (local.set $y13 (f64.add (local.get $d) (f64.const 14)))
          (local.set $y14 (f64.add (local.get $d) (f64.const 15))) (local.set $y15 (f64.add (local.get $d) (f64.const 16))))
        (else
          (local.set $y15 (f64.sub (local.get $d) (f64.const 16))) (local.set $y14 (f64.sub (local.get $d) (f64.const 15)))
          (local.set $y13 (f64.sub (local.get $d) (f64.const 14))) (local.set $y12 (f64.sub (local.get $d) (f64.const 13)))
          (local.set $y11 (f64.sub (local.get $d) (f64.const 12))) (local.set $y10 (f64.sub (local.get $d) (f64.const 11)))
          (local.set $y9 (f64.sub (local.get $d) (f64.const 10))) (local.set $y8 (f64.sub (local.get $d) (f64.const 9)))
          (local.set $y7 (f64.sub (local.get $d) (f64.const 8))) (local.set $y6 (f64.sub (local.get $d) (f64.const 7)))
          (local.set $y5 (f64.sub (local.get $d) (f64.const 6))) (local.set $y4 (f64.sub (local.get $d) (f64.const 5)))
          (local.set $y3 (f64.sub (local.get $d) (f64.const 4))) (local.set $y2 (f64.sub (local.get $d) (f64.const 3)))
          (local.set $y1 (f64.sub (local.get $d) (f64.const 2))) (local.set $y0 (f64.sub (local.get $d) (f64.const 1)))
          (local.set $x11 (i64.sub (local.get $m) (i64.const 12))) (local.set $x10 (i64.sub (local.get $m) (i64.const 11)))
          (local.set $x9 (i64.sub (local.get $m) (i64.const 10))) (local.set $x8 (i64.sub (local.get $m) (i64.const 9)))
          (local.set $x7 (i64.sub (local.get $m) (i64.const 8))) (local.set $x6 (i64.sub (local.get $m) (i64.const 7)))
          (local.set $x5 (i64.sub (local.get $m) (i64.const 6))) (local.set $x4 (i64.sub (local.get $m) (i64.const 5)))
          (local.set $x3 (i64.sub (local.get $m) (i64.const 4))) (local.set $x2 (i64.sub (local.get $m) (i64.const 3)))
          (local.set $x1 (i64.sub (local.get $m) (i64.const 2))) (local.set $x0 (i64.sub (local.get $m) (i64.const 1)))))
      (i64.add
        (i64.add (i64.add (i64.add (i64.mul (local.get $x0) (i64.const 3)) (i64.mul (local.get $x1) (i64.const 5)))
                          (i64.add (i64.mul (local.get $x2) (i64.const 7)) (i64.mul (local.get $x3) (i64.const 11))))
                 (i64.add (i64.add (i64.mul (local.get $x4) (i64.const 13)) (i64.mul (local.get $x5) (i64.const 17)))
                          (i64.add (i64.mul (local.get $x6) (i64.const 19)) (i64.mul (local.get $x7) (i64.const 23)))))
        (i64.add
          (i64.add (i64.add (i64.mul (local.get $x8) (i64.const 29)) (i64.mul (local.get $x9) (i64.const 31)))
                   (i64.add (i64.mul (local.get $x10) (i64.const 37)) (i64.mul (local.get $x11) (i64.const 41))))
          (i64.trunc_f64_s
            (f64.add
              (f64.add (f64.add (f64.add (f64.mul (local.get $y0) (f64.const 2)) (f64.mul (local.get $y1) (f64.const 3)))
                                (f64.add (f64.mul (local.get $y2) (f64.const 5)) (f64.mul (local.get $y3) (f64.const 7))))
                       (f64.add (f64.add (f64.mul (local.get $y4) (f64.const 11)) (f64.mul (local.get $y5) (f64.const 13)))
                                (f64.add (f64.mul (local.get $y6) (f64.const 17)) (f64.mul (local.get $y7) (f64.const 19)))))
              (f64.add (f64.add (f64.add (f64.mul (local.get $y8) (f64.const 23)) (f64.mul (local.get $y9) (f64.const 29)))
                                (f64.add (f64.mul (local.get $y10) (f64.const 31)) (f64.mul (local.get $y11) (f64.const 37))))
                       (f64.add (f64.add (f64.mul (local.get $y12) (f64.const 41)) (f64.mul (local.get $y13) (f64.const 43)))
                                (f64.add (f64.mul (local.get $y14) (f64.const 47)) (f64.mul (local.get $y15) (f64.const 53))))))))))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t n : {0, 3, 1000})
      for (int32_t k = 0; k < 8; ++k)
        for (const char* f : {"arms", "branches", "many"}) out.push_back(h.call1(f, {Value::i32(n), Value::i32(k)}).i64());
    for (int32_t k : {0, 1}) out.push_back(h.call1("swap", {Value::i32(7), Value::i32(k)}).i32());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// A loop's pins take the values the paths into the loop bring in
// registers (its header is a join like a forward target): the path
// falling in and forward branches to a block ending at the loop's start
// bring them in different registers or not at all; i32 pins used as
// addresses, one that comes in from a wrap of a wider value; i64 and f64
// pins; loops nested at one header; a loop that calls (its pins in
// callee-saved registers); tiered code entering the loops mid-run (OSR,
// at the loops' bodies). Every tier as the interpreter.
TEST(Jit, LoopPinsTakenFromThePathsIntoTheLoopMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (func $id (param i64) (result i64) (local.get 0))
    (func (export "walk") (param $n i32) (param $k i32) (result i64)
      (local $p i32) (local $end i32) (local $sum i64) (local $f f64) (local $w i64)
      (local.set $p (i32.mul (i32.and (local.get $k) (i32.const 7)) (i32.const 8)))
      (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $f (f64.convert_i32_u (local.get $k)))
      (local.set $sum (i64.extend_i32_u (local.get $n)))
      ;; a branch to the loop's header from before it, the path falling in
      ;; having rewritten $p (an i32 from a wrap) and $f
      (block $in
        (br_if $in (i32.and (local.get $k) (i32.const 1)))
        (local.set $w (i64.or (i64.const 0x7fffffff00000000) (i64.extend_i32_u (local.get $p))))
        (local.set $p (i32.wrap_i64 (i64.add (local.get $w) (i64.const 4))))
        (local.set $f (f64.mul (local.get $f) (f64.const 1.5))))
      (loop $l
        (local.set $sum (i64.add (local.get $sum) (i64.load32_u (local.get $p))))
        (local.set $f (f64.add (local.get $f) (f64.convert_i32_u (i32.load8_u (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $p) (local.get $end))))
      ;; two loops at one header, entered with $p computed just before
      (local.set $p (i32.add (i32.and (local.get $k) (i32.const 3)) (i32.const 64)))
      (loop $outer
        (loop $inner
          (local.set $sum (i64.xor (i64.rotl (local.get $sum) (i64.const 5)) (i64.load16_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))
          (br_if $inner (i32.and (local.get $p) (i32.const 14))))
        (br_if $outer (i32.lt_u (local.get $p) (i32.const 160))))
      ;; a loop that calls, its most used locals set just before it
      (local.set $w (i64.mul (local.get $sum) (i64.const 3)))
      (local.set $end (i32.add (local.get $n) (i32.const 20)))
      (loop $c
        (local.set $w (call $id (i64.add (local.get $w) (i64.extend_i32_u (local.get $end)))))
        (local.set $w (i64.add (local.get $w) (i64.shr_u (local.get $w) (i64.const 7))))
        (local.set $w (i64.xor (local.get $w) (i64.extend_i32_u (local.get $end))))
        (local.set $w (i64.sub (local.get $w) (i64.extend_i32_u (local.get $end))))
        (local.set $end (i32.sub (local.get $end) (i32.const 1)))
        (br_if $c (i32.ne (local.get $end) (local.get $n))))
      (i64.add (i64.add (local.get $sum) (local.get $w)) (i64.trunc_sat_f64_s (local.get $f))))
    (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20")
    (data (i32.const 64) "\f1\e2\d3\c4\b5\a6\97\88\79\6a\5b\4c\3d\2e\1f\00\ff\ee\dd\cc\bb\aa\99\88\77\66\55\44\33\22\11\00"))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t n = 1; n < 12; n += 2)
      for (int32_t k = 0; k < 16; ++k) out.push_back(h.call1("walk", {Value::i32(n), Value::i32(k)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// A function without calls keeps its most used locals in registers for
// its whole body (written there only, stored by no return but as results,
// nor by leaving a loop): parameters read across if/else joins and a
// br_table; a loop using them and pinning more, left by a br_if;
// results written over pinned parameters, two of them (slots 0 and 1)
// and early returns with pinned locals changed; i32, i64, f32 and f64
// locals; a local first written on one path only (zeroed on entry) and
// one written before any read (its slot never read); a pinned local used
// as an address after a join. Every tier as the interpreter.
TEST(Jit, LocalsPinnedForAWholeFunctionMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (data (i32.const 0) "\10\00\00\00\14\00\00\00\03\00\00\00\08\00\00\00\0c\00\00\00\05\04\03\00\01\09\ff\fe\00\fc\fb\fa")
    (func (export "lookup") (param $L i32) (param $idx i32) (result i32) (local $o i32) (local $t i32)
      (if (i32.gt_s (local.get $idx) (i32.const 0))
        (then (local.set $o (i32.add (i32.load (local.get $L)) (i32.and (local.get $idx) (i32.const 7)))))
        (else (local.set $o (i32.load offset=8 (local.get $L)))))
      (if (i32.eqz (i32.load8_u (local.get $o))) (then (return (i32.const -1))))
      (block $c (block $b (block $a
        (br_table $a $b $c (i32.and (local.get $idx) (i32.const 3))))
        (local.set $t (i32.load8_u offset=1 (local.get $o)))
        (local.set $L (i32.add (local.get $L) (local.get $t)))
        (br $c))
        (local.set $idx (i32.sub (local.get $idx) (local.get $o))))
      (block $done
        (loop $walk
          (br_if $done (i32.ge_u (local.get $t) (i32.const 40)))
          (local.set $t (i32.add (local.get $t) (i32.add (i32.load8_u (local.get $o)) (i32.const 1))))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (br_if $walk (i32.lt_u (local.get $o) (i32.const 28)))))
      (i32.add (i32.add (local.get $o) (local.get $idx)) (i32.add (local.get $L) (local.get $t))))
    (func (export "mix") (param $a i64) (param $x f64) (param $k i32) (result i64 f64)
      (local $y f64) (local $g f32) (local $b i64)
      (local.set $g (f32.demote_f64 (local.get $x)))
      (if (i32.and (local.get $k) (i32.const 1))
        (then (local.set $b (i64.mul (local.get $a) (i64.const 3)))
              (local.set $y (f64.add (local.get $x) (f64.const 0.5))))
        (else (local.set $g (f32.mul (local.get $g) (f32.const 2)))))
      (if (i32.and (local.get $k) (i32.const 2))
        (then (return (i64.add (local.get $b) (local.get $a)) (f64.promote_f32 (local.get $g)))))
      (local.set $a (i64.xor (local.get $a) (i64.shl (local.get $b) (i64.const 7))))
      (local.set $x (select (local.get $x) (local.get $y) (i32.and (local.get $k) (i32.const 4))))
      (local.get $b)
      (f64.add (local.get $x) (f64.add (local.get $y) (f64.promote_f32 (local.get $g))))
      (local.set $y)
      (i64.add (local.get $a))
      (local.get $y)))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t L : {0, 4, 8})
      for (int32_t idx = -3; idx < 12; ++idx) out.push_back(h.call1("lookup", {Value::i32(L), Value::i32(idx)}).i32());
    for (int64_t a : {int64_t(-5), int64_t(7), int64_t(1) << 40})
      for (int32_t k = 0; k < 8; ++k) {
        auto r = h.call("mix", {Value::i64(a), Value::f64(double(a) * 0.25), Value::i32(k)});
        EXPECT_TRUE(r.ok());
        if (!r.ok()) continue;
        out.push_back((*r)[0].i64());
        out.push_back(int64_t((*r)[1].f64() * 64));
      }
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// One-instruction forms: x & 0xff and x & 0xffff as a movzx (from a
// register and from a slot, i32 and i64 with bits above the mask set, and
// an and whose flags a br_if tests, which keeps the and), x << 1..3 as a
// lea (wrapping i32s, i64s, a count masked to 1 by wasm's rule), eqz
// tested where its operand is, and compares set straight into their
// register; every tier as the interpreter.
TEST(Jit, MasksShiftsAndTestsMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (func (export "f") (param $a i32) (param $x i64) (result i64)
      (local $m i32) (local $n i64) (local $e i32)
      (i32.store (i32.const 16) (local.get $a))
      (local.set $m (i32.add (i32.and (local.get $a) (i32.const 0xff)) (i32.and (local.get $a) (i32.const 0xffff))))
      (local.set $m (i32.add (local.get $m) (i32.and (i32.load (i32.const 16)) (i32.const 0xff))))
      (local.set $n (i64.add (i64.and (local.get $x) (i64.const 0xffff)) (i64.and (local.get $x) (i64.const 0xff))))
      (local.set $m (i32.add (local.get $m) (i32.shl (local.get $a) (i32.const 1))))
      (local.set $m (i32.xor (local.get $m) (i32.shl (local.get $a) (i32.const 2))))
      (local.set $m (i32.add (local.get $m) (i32.shl (local.get $a) (i32.const 35))))
      (local.set $n (i64.xor (local.get $n) (i64.shl (local.get $x) (i64.const 3))))
      (local.set $e (i32.add (i32.eqz (local.get $a)) (i32.shl (i64.eqz (local.get $x)) (i32.const 1))))
      (local.set $e (i32.add (local.get $e) (i32.shl (i32.lt_s (local.get $a) (i32.const 3)) (i32.const 2))))
      (block $z
        (br_if $z (i32.and (local.get $a) (i32.const 0xff)))
        (local.set $e (i32.add (local.get $e) (i32.const 8))))
      (i64.add (i64.extend_i32_u (i32.add (local.get $m) (local.get $e)))
               (i64.add (local.get $n) (i64.extend_i32_u (i32.eqz (i32.load (i32.const 16))))))))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t a : {0, 1, 2, 3, 0x100, 0x1ff, -1, INT32_MIN, 0x7fffffff, 0x12345678})
      for (int64_t x : {int64_t(0), int64_t(-1), int64_t(0x1234567890abcdef), int64_t(1) << 62})
        out.push_back(h.call1("f", {Value::i32(a), Value::i64(x)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// Shifts by counts in registers and in slots (with BMI2: shlx, shrx,
// sarx; counts at and past the width, masked as wasm masks them) and
// rotates by constants (rorx: rotl as a rotate right, by 0 too), of
// operands in registers and in slots; every tier as the interpreter.
TEST(Jit, ShiftsAndRotatesMatchTheInterpreter) {
  const char* wat = R"((module
    (func (export "f") (param $a i32) (param $n i32) (param $x i64) (param $m i64) (result i64)
      (local $s i32) (local $t i64)
      (local.set $s (i32.shl (local.get $a) (local.get $n)))
      (local.set $s (i32.xor (local.get $s) (i32.shr_u (local.get $a) (local.get $n))))
      (local.set $s (i32.add (local.get $s) (i32.shr_s (local.get $a) (i32.add (local.get $n) (i32.const 1)))))
      (local.set $s (i32.xor (local.get $s) (i32.rotl (local.get $a) (i32.const 7))))
      (local.set $s (i32.add (local.get $s) (i32.rotr (local.get $s) (i32.const 13))))
      (local.set $s (i32.xor (local.get $s) (i32.rotl (local.get $a) (i32.const 0))))
      (local.set $s (i32.xor (local.get $s) (i32.rotl (local.get $a) (local.get $n))))
      (local.set $t (i64.shl (local.get $x) (local.get $m)))
      (local.set $t (i64.xor (local.get $t) (i64.shr_u (local.get $x) (local.get $m))))
      (local.set $t (i64.add (local.get $t) (i64.shr_s (local.get $x) (i64.extend_i32_u (local.get $n)))))
      (local.set $t (i64.xor (local.get $t) (i64.rotl (local.get $x) (i64.const 17))))
      (local.set $t (i64.add (local.get $t) (i64.rotr (local.get $t) (i64.const 64))))
      (local.set $t (i64.xor (local.get $t) (i64.rotr (local.get $x) (local.get $m))))
      (i64.add (i64.extend_i32_u (local.get $s)) (local.get $t))))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t a : {1, -5, INT32_MIN, 0x12345678})
      for (int32_t n : {0, 1, 31, 32, 35, -1})
        for (int64_t x : {int64_t(-7), int64_t(0x1234567890abcdef)})
          for (int64_t m : {int64_t(0), int64_t(63), int64_t(64), int64_t(67)})
            out.push_back(h.call1("f", {Value::i32(a), Value::i32(n), Value::i64(x), Value::i64(m)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

#if defined(__x86_64__)
// x86-64 call_indirect compares one key for type, native code and
// instance: keys differ with either, and a type id past 16 bits (or an
// address past 48) has none, so such calls take the checked slow path.
TEST(Jit, IndirectCallKeysTellTypesAndInstancesApart) {
  const auto* a = reinterpret_cast<const InstanceImpl*>(uintptr_t(0x7f0012345000));
  const auto* b = reinterpret_cast<const InstanceImpl*>(uintptr_t(0x7f0012346000));
  const uint64_t key = jit::indirect_call_key(5, a);
  EXPECT_NE(key, 0u);
  EXPECT_NE(key, jit::indirect_call_key(5, b));
  EXPECT_NE(key, jit::indirect_call_key(6, a));
  EXPECT_NE(jit::indirect_call_key(0xffff, a), 0u);
  EXPECT_NE(jit::indirect_call_key(0xffff, a), jit::indirect_call_key(0x7fff, a));
  EXPECT_EQ(jit::indirect_call_key(0x10000, a), 0u);
  EXPECT_EQ(jit::indirect_call_key(5, nullptr), 0u);
  EXPECT_EQ(jit::indirect_call_key(5, reinterpret_cast<const InstanceImpl*>(uintptr_t(1) << 48)), 0u);
}
#endif

// Constants written to locals as stored immediates (0x7fffffff and
// below; larger i32s, negative i64s and floats through a register), read
// back straight after, after a label and in a loop; every tier as the
// interpreter.
TEST(Jit, ConstantsStoredToLocalsMatchTheInterpreter) {
  const char* wat = R"((module
    (func (export "f") (param $n i32) (result i64)
      (local $a i32) (local $b i32) (local $c i64) (local $d i64) (local $x f64) (local $s i64)
      (local.set $a (i32.const 0x7fffffff))
      (local.set $b (i32.const -1))
      (local.set $c (i64.const 5))
      (local.set $d (i64.const -7))
      (local.set $x (f64.const 2.5))
      (if (i32.and (local.get $n) (i32.const 1))
        (then (local.set $a (i32.const 0x80000000)) (local.set $c (i64.const 0x7fffffff))))
      (block $done
        (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $s (i64.add (local.get $s)
            (i64.add (i64.extend_i32_u (local.get $a)) (i64.extend_i32_u (local.get $b)))))
          (local.set $s (i64.add (local.get $s) (i64.mul (local.get $c) (local.get $d))))
          (local.set $s (i64.add (local.get $s) (i64.trunc_f64_s (local.get $x))))
          (local.set $b (i32.const 3))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
      (local.get $s)))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t n : {0, 1, 2, 5}) out.push_back(h.call1("f", {Value::i32(n)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// i64.extend_i32_u and i32.wrap_i64 of a temporary in place: free when its
// register is known zero-extended (after a movzx, a 32-bit op, a narrow
// load), a move otherwise (an i64 with its upper half set, an i32 from a
// 64-bit register); every tier as the interpreter.
TEST(Jit, ZeroExtensionsInPlaceMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (data (i32.const 8) "\ff\fe\fd\fc\fb\fa\f9\f8")
    (func (export "f") (param $x i32) (param $y i64) (result i64)
      (local $s i64) (local $i i32)
      (loop $l
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.and (local.get $x) (i32.const 0xff)))))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.add (local.get $x) (local.get $i)))))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.load16_u offset=8 (local.get $i)))))
        (local.set $s (i64.add (local.get $s)
          (i64.extend_i32_u (i32.wrap_i64 (i64.add (local.get $y) (i64.extend_i32_s (local.get $i)))))))
        (local.set $s (i64.xor (local.get $s)
          (i64.extend_i32_u (i32.wrap_i64 (i64.load32_u offset=8 (local.get $i))))))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 5))))
      (local.get $s)))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t x : {0, -1, 0x7fffffff, 12345})
      out.push_back(h.call1("f", {Value::i32(x), Value::i64(int64_t(-0x123456789abcdefLL) + x)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// A local updated with a constant while in no register (after a call,
// or a label that keeps it in none) is updated in its slot: i32 adds that
// wrap, subs, ands, ors and xors (the slot's upper half stays zero, as an
// i64.extend_i32_u of it shows), i64 ones with negative constants, and a
// br_if on the result's flags; every tier as the interpreter.
TEST(Jit, LocalsUpdatedInTheirSlotsMatchTheInterpreter) {
  const char* wat = R"((module
    (global $calls (mut i32) (i32.const 0))
    (func $touch (global.set $calls (i32.add (global.get $calls) (i32.const 1))))
    (func (export "f") (param $n i32) (param $x i64) (result i64)
      (local $a i32) (local $b i32) (local $c i32) (local $s i64)
      (local.set $a (i32.const 0x7ffffffe))
      (local.set $b (i32.const 0xf0f0))
      (local.set $c (local.get $n))
      (loop $l
        (call $touch)
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (call $touch)
        (local.set $b (i32.xor (local.get $b) (i32.const -1)))
        (local.set $b (i32.and (local.get $b) (i32.const 0xffff0fff)))
        (call $touch)
        (local.set $b (i32.or (local.get $b) (i32.const 3)))
        (local.set $x (i64.add (local.get $x) (i64.const -5)))
        (call $touch)
        (local.set $x (i64.sub (local.get $x) (i64.const -0x7fffffff)))
        (local.set $s (i64.add (local.get $s)
          (i64.add (i64.extend_i32_u (local.get $a)) (i64.extend_i32_u (local.get $b)))))
        (call $touch)
        (br_if $l (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
      (i64.add (i64.add (local.get $s) (local.get $x))
        (i64.add (i64.extend_i32_u (local.get $c)) (i64.extend_i32_u (global.get $calls))))))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t n : {1, 2, 3, 7})
      out.push_back(h.call1("f", {Value::i32(n), Value::i64(int64_t(n) * -0x123456789)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// Loops whose locals outnumber the registers they may be pinned in, so
// that the order of the estimated frequencies decides which are: a hash
// chain's walk whose common path goes straight to its next turn while a
// rarer one runs an inner loop over other locals, a br_table splitting a
// loop's turns, and loops nested deeper than the estimate multiplies by
// each level's turns; every tier as the interpreter.
TEST(Jit, LoopsPinningByEstimatedFrequencyMatchTheInterpreter) {
  std::string nest = "(local.set $s (i32.add (local.get $s) (local.get $k0)))";
  for (int level = 9; level >= 0; --level) {
    const std::string k = "$k" + std::to_string(level);
    nest = "(local.set " + k + " (i32.const 0)) (loop $n" + std::to_string(level) + " " + nest +
           " (local.set " + k + " (i32.add (local.get " + k + ") (i32.const 1)))" + " (br_if $n" +
           std::to_string(level) + " (i32.lt_u (local.get " + k + ") (i32.const 2))))";
  }
  std::string locals;
  for (int level = 0; level <= 9; ++level) locals += " (local $k" + std::to_string(level) + " i32)";
  const std::string wat = R"((module
    (memory 1)
    (func (export "walk") (param $n i32) (param $seed i32) (result i32)
      (local $cur i32) (local $mask i32) (local $limit i32) (local $best i32) (local $len i32)
      (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $i i32) (local $s i32)
      (local.set $i (i32.const 0))
      (loop $fill
        (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1103515245)) (i32.const 12345)))
        (i32.store16 (i32.shl (local.get $i) (i32.const 1)) (i32.shr_u (local.get $seed) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 4096))))
      (local.set $mask (i32.const 4095))
      (local.set $limit (i32.const 3))
      (local.set $cur (local.get $n))
      (block $done
        (loop $chain
          (local.set $cur (i32.load16_u (i32.shl (i32.and (local.get $cur) (local.get $mask)) (i32.const 1))))
          (br_if $done (i32.le_u (local.get $cur) (local.get $limit)))
          (local.set $len (i32.add (local.get $len) (i32.const 1)))
          (br_if $done (i32.gt_u (local.get $len) (i32.const 5000)))
          (br_if $chain (i32.and (local.get $cur) (i32.const 7)))
          (local.set $a (i32.const 0))
          (loop $scan
            (local.set $b (i32.add (local.get $b) (i32.mul (local.get $a) (local.get $cur))))
            (local.set $c (i32.xor (local.get $c) (i32.add (local.get $b) (local.get $d))))
            (local.set $d (i32.add (local.get $d) (i32.const 3)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br_if $scan (i32.lt_u (local.get $a) (i32.and (local.get $cur) (i32.const 31)))))
          (block $x (block $y (block $z
            (br_table $x $y $z (i32.and (local.get $c) (i32.const 3))))
            (local.set $best (i32.add (local.get $best) (local.get $b))) (br $chain))
            (local.set $best (i32.xor (local.get $best) (local.get $c))) (br $chain))
          (local.set $best (i32.sub (local.get $best) (local.get $d)))
          (br $chain)))
      (i32.add (i32.add (local.get $best) (local.get $len)) (i32.add (local.get $c) (local.get $cur))))
    (func (export "nest") (param $s i32) (result i32))" +
                          locals + " " + nest + R"( (local.get $s)))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int32_t> out;
    for (int32_t n : {0, 1, 77, 4000, 123456}) out.push_back(h.call1("walk", {Value::i32(n), Value::i32(n ^ 99)}).i32());
    out.push_back(h.call1("nest", {Value::i32(5)}).i32());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// Sums into a third register (one lea: i32 ones wrapping, from a wrapped
// i64's register, with negative constants, i64 ones; an add whose flags a
// br_if tests), and globals read straight into their destination's
// register and written from registers and constants (an i64's and an
// f64's whole bits, inside a loop with pinned locals); every tier as the
// interpreter.
TEST(Jit, SumsAndGlobalsMatchTheInterpreter) {
  const char* wat = R"((module
    (global $g (mut i32) (i32.const 5))
    (global $h (mut i64) (i64.const -3))
    (global $f (mut f64) (f64.const 1.5))
    (func (export "f") (param $a i32) (param $b i32) (param $x i64) (result i64)
      (local $s i32) (local $t i64) (local $i i32) (local $u i32)
      (local.set $s (i32.add (local.get $a) (local.get $b)))
      (local.set $u (i32.sub (local.get $s) (i32.const 0x7ffffff0)))
      (block $y  ;; (the sum is $s + 1: 1 when $b is -$a)
        (br_if $y (i32.add (local.get $u) (i32.const 0x7ffffff1)))
        (local.set $s (i32.add (local.get $s) (i32.const 77))))
      (local.set $s (i32.xor (local.get $s) (i32.sub (local.get $u) (i32.const -9))))
      (local.set $s (i32.add (local.get $s) (i32.add (local.get $a) (i32.const -7))))
      (local.set $s (i32.xor (local.get $s) (i32.add (i32.wrap_i64 (local.get $x)) (local.get $b))))
      (local.set $s (i32.xor (local.get $s) (i32.sub (local.get $b) (i32.const 0x7fffffff))))
      (local.set $s (i32.xor (local.get $s) (i32.sub (local.get $b) (i32.const 0x80000000))))
      (local.set $t (i64.add (local.get $x) (i64.extend_i32_s (local.get $a))))
      (local.set $t (i64.xor (local.get $t) (i64.sub (local.get $x) (i64.const 123456))))
      (local.set $t (i64.add (local.get $t) (i64.add (local.get $x) (i64.const -1))))
      (block $z
        (br_if $z (i32.add (local.get $a) (local.get $b)))
        (local.set $s (i32.add (local.get $s) (i32.const 1000))))
      (loop $l
        (global.set $g (i32.add (global.get $g) (local.get $i)))
        (global.set $h (i64.add (global.get $h) (i64.extend_i32_u (global.get $g))))
        (global.set $f (f64.add (global.get $f) (f64.const 0.5)))
        (local.set $s (i32.add (local.get $s) (global.get $g)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
      (local.set $t (i64.add (local.get $t) (i64.add (global.get $h) (i64.extend_i32_u (global.get $g)))))
      (global.set $g (i32.const -1))
      (global.set $h (i64.const 0x123456789))
      (i64.add (i64.add (local.get $t) (i64.extend_i32_u (local.get $s)))
               (i64.add (i64.add (global.get $h) (i64.extend_i32_u (global.get $g)))
                        (i64.trunc_f64_s (global.get $f)))))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t a : {0, 1, -1, 0x7fffffff, int32_t(0x80000000)})
      for (int64_t x : {int64_t(0), int64_t(-5), int64_t(0x1234567890), int64_t(0xffffffff)})
        out.push_back(h.call1("f", {Value::i32(a), Value::i32(-a), Value::i64(x)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// Stores of each width straight from the value's register (values whose
// registers hold more than the stored bytes), and compares of a slot in
// memory with a constant or a register, signed and unsigned; every tier as
// the interpreter.
TEST(Jit, StoresFromRegistersAndComparesInMemoryMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (func (export "f") (param $a i32) (param $x i64) (result i64) (local $v i32) (local $w i64) (local $r i64)
      (i64.store (i32.const 0) (i64.const -1))
      (i64.store (i32.const 8) (i64.const -1))
      (local.set $w (i64.mul (local.get $x) (i64.const 0x10001)))
      (i64.store8 offset=1 (i32.const 0) (local.get $w))
      (i64.store16 offset=3 (i32.const 0) (local.get $w))
      (i64.store32 offset=9 (i32.const 0) (local.get $w))
      (local.set $v (i32.add (local.get $a) (i32.const 0x01020304)))
      (i32.store8 offset=6 (i32.const 0) (local.get $v))
      (i32.store16 offset=13 (i32.const 0) (local.get $v))
      (i32.store offset=16 (i32.const 0) (local.get $v))
      (i64.store offset=20 (i32.const 0) (local.get $w))
      (local.set $r (i64.xor (i64.load (i32.const 0)) (i64.rotl (i64.load (i32.const 8)) (i64.const 17))))
      (local.set $r (i64.xor (local.get $r) (i64.load offset=16 (i32.const 0))))
      (local.set $r (i64.add (local.get $r) (i64.load offset=24 (i32.const 0))))
      ;; compares of params (in memory) with constants and registers
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i32.lt_s (local.get $a) (i32.const 5)))))
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i32.gt_u (local.get $a) (i32.const 5)))))
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i32.lt_s (local.get $a) (local.get $v)))))
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i32.ge_u (local.get $a) (local.get $v)))))
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i64.lt_s (local.get $x) (i64.const -2)))))
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i64.gt_u (local.get $x) (local.get $w)))))
      (local.set $r (i64.add (i64.shl (local.get $r) (i64.const 1)) (i64.extend_i32_u (i64.le_s (local.get $x) (local.get $w)))))
      (local.get $r))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t a : {0, 5, 6, -1, 0x7fffffff, int32_t(0x80000000)})
      for (int64_t x : {int64_t(0), int64_t(-3), int64_t(0x123456789abc), int64_t(0x7fffffffffffffff)})
        out.push_back(h.call1("f", {Value::i32(a), Value::i64(x)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// select computed straight into its destination's register: i32, i64 and
// f64 values, the condition in a register or in memory, the destination
// one of the operands' registers, a pinned i32 local or a pinned f64 local
// in a loop; every tier as the interpreter.
TEST(Jit, SelectMatchesTheInterpreter) {
  const char* wat = R"((module
    (func (export "f") (param $a i32) (param $b i32) (param $x i64) (result i64)
      (local $s i32) (local $t i64) (local $d f64) (local $i i32)
      (local.set $s (select (local.get $a) (local.get $b) (i32.wrap_i64 (local.get $x))))
      (local.set $s (select (local.get $s) (i32.add (local.get $s) (i32.const 3)) (i32.lt_s (local.get $a) (local.get $b))))
      (local.set $t (select (local.get $x) (i64.const -7) (local.get $a)))
      (local.set $t (select (i64.mul (local.get $t) (i64.const 3)) (local.get $t) (i32.wrap_i64 (local.get $t))))
      (local.set $d (f64.convert_i64_s (local.get $x)))
      (loop $l
        (local.set $s (select (i32.sub (local.get $s) (local.get $i)) (local.get $s) (i32.and (local.get $i) (i32.const 1))))
        (local.set $d (select (result f64) (f64.mul (local.get $d) (f64.const 0.5)) (local.get $d) (i32.and (local.get $i) (i32.const 2))))
        (local.set $t (select (local.get $t) (i64.add (local.get $t) (i64.extend_i32_u (local.get $s)))
                              (i32.and (local.get $i) (i32.const 4))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 12))))
      (i64.add (i64.add (local.get $t) (i64.extend_i32_u (local.get $s))) (i64.trunc_sat_f64_s (local.get $d))))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t a : {0, 1, -4, 0x7fffffff})
      for (int32_t b : {0, 9, -1})
        for (int64_t x : {int64_t(0), int64_t(-3), int64_t(0x100000000), int64_t(77)})
          out.push_back(h.call1("f", {Value::i32(a), Value::i32(b), Value::i64(x)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// v128 values in registers (cached as scalars are, v128 locals pinned in
// loops): values living across an if's arms, a br_if out of a block with a
// v128 on the stack, a call, loops with lanes read and replaced, a br_if
// out of a loop with v128 locals pinned, more live values than registers
// (inside a loop, where pins take most of them), a loop that calls, a v128
// written over part of a dead one, and a v128 result written over pinned
// i32 params by a return inside their loop; every tier as the interpreter.
TEST(Jit, V128ValuesInRegistersMatchTheInterpreter) {
  // (16 v128 temporaries live at once: the deepest computed last.)
  std::string sixteen = "(local.get $x)";
  for (int k = 1; k <= 16; ++k)
    sixteen = "(i32x4.add (i32x4.mul (i32x4.splat (i32.add (local.get $i) (i32.const " + std::to_string(k) +
              "))) (local.get $v)) " + sixteen + ")";
  sixteen = "(i32x4.extract_lane 0 " + sixteen + ")";
  const std::string wat = R"((module
    (memory 1)
    (func $mix (param $a v128) (param $k i32) (result v128)
      (i32x4.add (local.get $a) (i32x4.splat (local.get $k))))
    (func (export "flow") (param $x i32) (param $y i64) (result i64)
      (local $v v128) (local $w v128) (local $acc v128) (local $i i32) (local $f f64)
      (local.set $v (i32x4.splat (local.get $x)))
      (local.set $w (i64x2.splat (local.get $y)))
      (local.set $v (if (result v128) (i32.and (local.get $x) (i32.const 1))
        (then (i32x4.mul (local.get $v) (local.get $w)))
        (else (v128.xor (local.get $v) (i8x16.splat (local.get $x))))))
      (local.set $w (block (result v128)
        (i16x8.add (local.get $w) (local.get $v))
        (br_if 0 (i32.gt_s (local.get $x) (i32.const 100)))
        (drop)
        (i64x2.sub (local.get $w) (local.get $v))))
      (local.set $acc (i32x4.add (local.get $v) (call $mix (local.get $w) (local.get $x))))
      (local.set $acc (i8x16.sub (local.get $acc) (v128.and (local.get $w) (local.get $v))))
      (loop $l
        (local.set $acc (i32x4.add (i32x4.shl (local.get $acc) (i32.const 1)) (local.get $v)))
        (local.set $v (v128.or (i32x4.shr_u (local.get $v) (i32.const 3)) (i32x4.shl (local.get $v) (i32.const 29))))
        (local.set $w (i32x4.replace_lane 2 (local.get $w) (i32.add (i32x4.extract_lane 1 (local.get $acc)) (local.get $i))))
        (local.set $f (f64.add (local.get $f) (f64x2.extract_lane 1 (f64x2.convert_low_i32x4_s (local.get $w)))))
        (v128.store offset=16 (i32.shl (local.get $i) (i32.const 4)) (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))
      (i64.add (i64.add (i64x2.extract_lane 0 (local.get $acc))
                        (i64x2.extract_lane 1 (v128.xor (local.get $v) (v128.load offset=200 (i32.const 0)))))
               (i64.add (i64.trunc_sat_f64_s (local.get $f)) (i64x2.extract_lane 1 (local.get $w)))))
    (func (export "pressure") (param $x v128) (param $n i32) (result i32)
      (local $v v128) (local $a v128) (local $b v128) (local $c v128) (local $i i32) (local $s i32)
      (local.set $v (i32x4.splat (local.get $n)))
      (loop $l
        (local.set $a (i32x4.add (local.get $a) (local.get $v)))
        (local.set $b (v128.xor (local.get $b) (local.get $a)))
        (local.set $c (i16x8.sub (local.get $c) (local.get $b)))
        (local.set $s (i32.add (local.get $s) )" + sixteen + R"())
        (local.set $x (i32x4.add (local.get $x) (local.get $c)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i32.add (local.get $s) (i32.add (i32x4.extract_lane 3 (local.get $x)) (i8x16.extract_lane_s 5 (local.get $b)))))
    (func (export "calls") (param $n i32) (result i64) (local $v v128) (local $i i32)
      (loop $l
        (local.set $v (call $mix (f32x4.mul (local.get $v) (local.get $v)) (local.get $i)))
        (local.set $v (i64x2.add (local.get $v) (i64x2.splat (i64.extend_i32_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i64.xor (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v))))
    ;; A v128 temporary written where a dead one's upper half is (the
    ;; store's operands' slots reused), then read from memory by a call.
    (func (export "overlap") (param $p i32) (param $q v128) (result i64)
      (v128.store (i32.add (local.get $p) (i32.const 16)) (i32x4.add (local.get $q) (local.get $q)))
      (i64x2.extract_lane 1 (call $mix (i32x4.mul (local.get $q) (i32x4.splat (local.get $p))) (local.get $p))))
    (func (export "early_exit") (param $n i32) (result i64) (local $v v128) (local $w v128) (local $i i32)
      (local.set $w (i32x4.splat (local.get $n)))
      (block $out
        (loop $l
          (local.set $v (i32x4.add (local.get $v) (local.get $w)))
          (local.set $w (i32x4.mul (local.get $w) (i32x4.splat (i32.const 3))))
          (br_if $out (i32.gt_u (local.get $i) (local.get $n)))  ;; (out of the loop: its pins stored)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (i64.add (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $w))))
    (func (export "over_pins") (param $n i32) (param $m i32) (result v128) (local $i i32)
      (loop $l
        (if (i32.eq (local.get $i) (local.get $n))
          (then (return (i32x4.replace_lane 3 (i32x4.splat (local.get $m)) (local.get $i)))))
        (local.set $m (i32.add (local.get $m) (i32.mul (local.get $i) (local.get $n))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))
      (unreachable))
    ;; The same with a second result, an i32 param copied first (its copy
    ;; sharing the pin's register) and moved to its result slot after the
    ;; v128 is written over the pin's slot.
    (func (export "result_over_pin") (param $x f64) (param $n i32) (result v128 i32) (local $i i32)
      (loop $l
        (if (i32.ge_u (local.get $i) (local.get $n))
          (then (return (f64x2.replace_lane 1 (v128.const i64x2 7 9) (f64.convert_i32_u (local.get $n)))
                        (local.get $n))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))
      (unreachable))))";
  auto lanes = [](const Value& v) {
    int64_t q[2];
    std::memcpy(q, v.v128().bytes, 16);
    return std::vector<int64_t>{q[0], q[1]};
  };
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t x : {0, 1, 7, 101, -3, 0x7fffffff})
      for (int64_t y : {int64_t(0), int64_t(-5), int64_t(0x123456789abcdef)})
        out.push_back(h.call1("flow", {Value::i32(x), Value::i64(y)}).i64());
    V128 x{};
    for (uint8_t k = 0; k < 16; ++k) x.bytes[k] = uint8_t(k * 37 + 1);
    for (int32_t n : {1, 2, 9, 30}) {
      out.push_back(h.call1("pressure", {Value::v128(x), Value::i32(n)}).i32());
      out.push_back(h.call1("calls", {Value::i32(n)}).i64());
      out.push_back(h.call1("early_exit", {Value::i32(n)}).i64());
      out.push_back(h.call1("overlap", {Value::i32(n), Value::v128(x)}).i64());
      for (int64_t q : lanes(h.call1("over_pins", {Value::i32(n), Value::i32(n * 3)}))) out.push_back(q);
      auto both = h.call("result_over_pin", {Value::f64(0.5), Value::i32(n)});
      if (both.ok() && both->size() == 2) {
        for (int64_t q : lanes((*both)[0])) out.push_back(q);
        out.push_back((*both)[1].i32());
      } else {
        ADD_FAILURE() << "result_over_pin";
      }
    }
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// Loops that call keep their most used integer locals in r15 and rbp,
// which every function that uses them saves: $spin (a loop that calls) and
// $busy (a call-free loop whose pins and temporaries take every cache
// register) change them under their callers. Here such loops call wasm
// functions directly and through call_indirect (its index a pinned local,
// read from the slot by the slow path that traps), memory.copy/fill, and
// memory.grow (the interpreter's code, which may write the frame); they
// branch out through a br_table and a br_if, trap out of callees, recurse
// until the call stack is exhausted, and return normally afterwards. (Each
// loop uses two of its locals eight times or more, mixing them: fewer uses
// are not pinned across calls.)
const char* kPinsAcrossCalls = R"((module
  (memory 1)
  (type $t (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $leaf $spin $busy $leaf)
  (func $leaf (type $t) (i32.add (local.get 0) (i32.const 3)))
  (func $busy (type $t) (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local.set $a (local.get 0))
    (loop $l
      (local.set $b (i32.add (local.get $b) (i32.mul (local.get $a) (i32.const 3))))
      (local.set $c (i32.xor (local.get $c) (i32.add (local.get $b) (local.get $a))))
      (local.set $d (i32.add (local.get $d) (i32.rotl (local.get $c) (local.get $b))))
      (local.set $e (i32.sub (local.get $e) (i32.mul (local.get $d) (i32.add (local.get $c) (i32.const 7)))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $a) (i32.add (local.get 0) (i32.const 9)))))
    (i32.xor (i32.xor (local.get $b) (local.get $c)) (i32.xor (local.get $d) (local.get $e))))
  (func $spin (type $t) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (call $leaf (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.and (local.get 0) (i32.const 7)))))
    (i32.xor (local.get $acc) (local.get $i)))
  (func (export "calls") (param $n i32) (result i64) (local $i i32) (local $a i32) (local $b i64)
    (block $done
      (loop $l
        (local.set $a (i32.add (local.get $a) (call $spin (local.get $i))))
        (local.set $a (i32.xor (local.get $a) (call $busy (local.get $a))))
        (local.set $b (i64.add (local.get $b) (i64.extend_i32_u
          (call_indirect (type $t) (local.get $a) (i32.and (local.get $i) (i32.const 3))))))
        (memory.fill (i32.and (local.get $a) (i32.const 1023)) (local.get $i) (i32.const 16))
        (memory.copy (i32.const 2048) (i32.and (local.get $a) (i32.const 1023)) (i32.const 8))
        (local.set $a (i32.xor (local.get $a) (i32.load (i32.const 2048))))
        (local.set $a (i32.add (local.get $a) (memory.grow (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.mul (local.get $i) (i32.rotl (local.get $i) (local.get $a)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.eq (local.get $a) (i32.const 12345)))
        (block $next (block $two (block $one
          (br_table $one $done $two $next  ;; (entry 1 leaves the loop; 4 takes the default)
            (select (i32.const 1) (i32.shl (i32.rem_u (local.get $a) (i32.const 3)) (i32.const 1))
                    (i32.ge_u (local.get $i) (local.get $n)))))
          (local.set $a (i32.add (local.get $a) (i32.const 7))))
          (local.set $b (i64.mul (local.get $b) (i64.const 3))))
        (br $l)))
    (i64.add (i64.extend_i32_u (local.get $a)) (i64.mul (local.get $b) (i64.extend_i32_u (local.get $i)))))
  ;; traps "undefined element" once $i reaches the table's size
  (func (export "indirect") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call_indirect (type $t) (local.get $s) (local.get $i))))
      (local.set $s (i32.xor (i32.rotl (local.get $s) (local.get $i)) (i32.mul (local.get $i) (local.get $s))))
      (local.set $s (i32.add (local.get $s) (i32.shr_u (local.get $s) (i32.and (local.get $i) (local.get $i)))))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  ;; a callee traps out of bounds after $k iterations
  (func $load (type $t) (i32.load (local.get 0)))
  (func (export "trap_in_callee") (param $k i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (call $load (select (i32.const 70000) (local.get $i) (i32.ge_u (local.get $i) (local.get $k))))))
      (local.set $s (i32.add (local.get $s) (call $spin (local.get $s))))
      (local.set $s (i32.xor (i32.rotl (local.get $s) (local.get $i)) (i32.mul (local.get $i) (local.get $s))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))
    (unreachable))
  ;; about 2 ** $n calls, or runaway recursion (a negative $n)
  (func $rec (export "rec") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $rec (i32.sub (local.get $n) (i32.const 1)))))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (i32.and (local.get $s) (local.get $i)))))
      (local.set $s (i32.sub (local.get $s) (i32.mul (local.get $i) (i32.and (local.get $s) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (local.get $s))))";

// What a call returned or how it trapped (message and frames).
std::string outcome(test::InstanceHarness& h, std::string_view name, std::initializer_list<Value> args) {
  auto r = h.call(name, args);
  if (r.ok()) return r->empty() ? "()" : std::to_string((*r)[0].i64());
  if (!r.error().trap) return "error: " + r.error().message;
  std::string s = "trap: " + r.error().trap->message;
  for (const Frame& f : r.error().trap->backtrace) {
    // (appended piece by piece: GCC 12 warns, wrongly, on " " + string)
    s += ' ';
    s += std::to_string(f.func_index);
    s += '@';
    s += std::to_string(f.module_offset);
  }
  return s;
}

TEST(Jit, LocalsPinnedAcrossCallsMatchTheInterpreter) {
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(kPinsAcrossCalls);
    std::vector<std::string> out;
    for (int32_t n : {1, 2, 5, 40}) out.push_back(outcome(h, "calls", {Value::i32(n)}));
    for (int32_t n : {1, 4, 5, 9}) out.push_back(outcome(h, "indirect", {Value::i32(n)}));
    for (int32_t k : {0, 3}) out.push_back(outcome(h, "trap_in_callee", {Value::i32(k)}));
    for (int32_t n : {0, 3, 10}) out.push_back(outcome(h, "rec", {Value::i32(n)}));
    out.push_back(h.trap_of("rec", {Value::i32(-1)}));  // (its frames: as deep as each tier's stack went)
    out.push_back(outcome(h, "calls", {Value::i32(7)}));  // after a trap, as before
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// A loop that calls with three locals used 8+ times: where the memory is
// guarded, r14 (otherwise the address of the memory's size) is free and
// pins the third. Its callees read the memory's size (memory.fill and
// memory.copy check their ranges, a load with explicit checks compares)
// while the caller's r14 holds a pin; each callee that pins r14 itself
// ($three called by $rec3) saves it; a callee's out-of-bounds trap and
// runaway recursion leave through exits that restore it.
const char* kThreePinsAcrossCalls = R"((module
  (memory 1)
  (func $fill (param $at i32) (result i32)
    (memory.fill (local.get $at) (i32.const 7) (i32.const 16))
    (i32.load8_u offset=3 (local.get $at)))
  (func $copy (param $at i32) (result i32)
    (memory.copy (i32.add (local.get $at) (i32.const 100)) (local.get $at) (i32.const 16))
    (i32.load offset=104 (local.get $at)))
  (func $load (param i32) (result i32) (i32.load (local.get 0)))
  (func $three (export "three") (param $n i32) (param $at i32) (result i32) (local $i i32) (local $s i32) (local $u i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $fill (i32.and (i32.add (local.get $at) (local.get $i)) (i32.const 0x7fff)))))
      (local.set $u (i32.xor (local.get $u) (call $copy (i32.and (i32.mul (local.get $i) (i32.const 64)) (i32.const 0x7fff)))))
      (local.set $u (i32.add (local.get $u) (call $load (local.get $at))))
      (local.set $s (i32.xor (i32.rotl (local.get $s) (local.get $i)) (i32.mul (local.get $u) (local.get $s))))
      (local.set $u (i32.add (local.get $u) (i32.shr_u (local.get $s) (i32.and (local.get $i) (i32.const 7)))))
      (local.set $s (i32.sub (local.get $s) (i32.and (local.get $u) (local.get $i))))
      (local.set $u (i32.add (local.get $u) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $s) (local.get $u)))
  ;; $three from a loop with three pins of its own; a negative $d recurses
  ;; until the stack runs out
  (func $rec3 (export "rec3") (param $d i32) (param $at i32) (result i32) (local $i i32) (local $s i32) (local $u i32)
    (if (i32.eqz (local.get $d)) (then (return (call $three (i32.const 3) (local.get $at)))))
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $rec3 (i32.sub (local.get $d) (i32.const 1)) (local.get $at))))
      (local.set $u (i32.xor (local.get $u) (i32.mul (local.get $s) (local.get $i))))
      (local.set $s (i32.add (local.get $s) (i32.rotl (local.get $u) (local.get $i))))
      (local.set $u (i32.sub (local.get $u) (i32.and (local.get $s) (local.get $i))))
      (local.set $s (i32.xor (local.get $s) (local.get $u)))
      (local.set $u (i32.add (local.get $u) (i32.xor (local.get $i) (local.get $d))))
      (local.set $s (i32.sub (local.get $s) (i32.mul (local.get $i) (local.get $u))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
    (i32.add (local.get $s) (local.get $u)))))";

TEST(Jit, ThirdPinAcrossCallsMatchesTheInterpreter) {
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(kThreePinsAcrossCalls);
    std::vector<std::string> out;
    for (int32_t n : {1, 3, 50}) out.push_back(outcome(h, "three", {Value::i32(n), Value::i32(n * 5)}));
    out.push_back(outcome(h, "three", {Value::i32(5), Value::i32(65534)}));  // $load traps out of bounds
    for (int32_t d : {0, 1, 4}) out.push_back(outcome(h, "rec3", {Value::i32(d), Value::i32(d + 9)}));
    out.push_back(outcome(h, "rec3", {Value::i32(2), Value::i32(65533)}));  // a trap three frames deep
    out.push_back(h.trap_of("rec3", {Value::i32(-1), Value::i32(0)}));
    out.push_back(outcome(h, "rec3", {Value::i32(3), Value::i32(40)}));  // after the traps, as before
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
  // On-stack replacement into the loop, its three pins loaded at the entry.
  const auto expected = run(with_tier(Config::Tier::Interpreter));
  EXPECT_EQ(run(with_tier(Config::Tier::Tiered, 20)), expected);
  // Called once, "three" moves up by its loop's count alone.
  auto first_call = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(kThreePinsAcrossCalls);
    std::string out = outcome(h, "three", {Value::i32(50), Value::i32(250)});
    if (config.tier == Config::Tier::Tiered) {
      EXPECT_EQ(is_compiled(h, "three"), jit::available());
    }
    return out;
  };
  EXPECT_EQ(first_call(with_tier(Config::Tier::Tiered, 20)), first_call(with_tier(Config::Tier::Interpreter)));
}

// Runaway recursion through such loops stops at the native stack check at
// function entry, after the callee-saved registers are pushed: the trap's
// exit pops them, and the store works on.
TEST(Jit, RecursionThroughLoopsThatCallEndsInCallStackExhausted) {
  Config c = with_tier(Config::Tier::Jit);
  c.max_call_depth = 2'000'000;
  c.max_value_stack_bytes = uint64_t(1) << 32;
  test::InstanceHarness h(c);
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(kPinsAcrossCalls));
  EXPECT_EQ(h.trap_of("rec", {Value::i32(-1)}), "call stack exhausted");
  EXPECT_EQ(h.call1("rec", {Value::i32(3)}).i32(), 22);
}

// On-stack replacement into a loop whose locals are pinned in callee-saved
// registers, and into a call-free loop nested in such a loop (the entry
// loads both loops' pins).
TEST(Jit, HotLoopsThatCallMoveToCompiledCodeWithTheirPins) {
  const char* wat = R"((module
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "outer") (param $n i32) (result i32) (local $i i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 3)) (call $inc (local.get $i))))
        (local.set $s (i32.xor (i32.rotl (local.get $s) (local.get $i)) (i32.mul (local.get $i) (local.get $s))))
        (local.set $s (i32.add (local.get $s) (i32.shr_u (local.get $s) (i32.and (local.get $i) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $s))
    (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $s i32) (local $j i32) (local $t i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $inc (local.get $i))))
        (local.set $s (i32.xor (i32.rotl (local.get $s) (local.get $i)) (i32.mul (local.get $i) (local.get $s))))
        (local.set $s (i32.add (local.get $s) (i32.shr_u (local.get $s) (i32.and (local.get $i) (local.get $i)))))
        (local.set $j (i32.const 0))
        (loop $m
          (local.set $t (i32.add (local.get $t) (i32.xor (local.get $j) (local.get $s))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $m (i32.lt_u (local.get $j) (i32.const 300))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i32.xor (local.get $s) (local.get $t)))))";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int32_t> out{h.call1("outer", {Value::i32(1000)}).i32(), h.call1("nested", {Value::i32(5)}).i32()};
    if (config.tier == Config::Tier::Tiered) {
      EXPECT_EQ(is_compiled(h, "outer"), jit::available());
      EXPECT_EQ(is_compiled(h, "nested"), jit::available());
    }
    return out;
  };
  const auto expected = run(with_tier(Config::Tier::Interpreter));
  EXPECT_EQ(run(with_tier(Config::Tier::Tiered, 50)), expected);
  expect_compiled_configs_match_interpreter(run);
}

TEST(Jit, TieredMovesHotFunctionsAndLoopsUp) {
  test::InstanceHarness h(with_tier(Config::Tier::Tiered, 10));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func $sq (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "sum") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $sq (local.get 0))))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1))))"));
  EXPECT_EQ(h.call1("sum", {Value::i32(100)}).i32(), 338350);
  // sq: called 100 times from the interpreter; sum: called once, its loop
  // ran 100 times (on-stack replacement). Without a compiler both stay.
  EXPECT_EQ(is_compiled(h, "sq"), jit::available());
  EXPECT_EQ(is_compiled(h, "sum"), jit::available());
  EXPECT_EQ(h.call1("sum", {Value::i32(7)}).i32(), 140);  // now compiled calling compiled
}

TEST(Jit, HostFunctionsAreCalledFromCompiledCodeWithTheCallersMemory) {
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  FuncType type{{ValType::I32}, {ValType::I32}};
  uint32_t seen_byte = 0;
  h.linker.define("env", "peek",
                  Func::host(h.store, type, [&](Caller& caller, std::span<const Value> args, std::span<Value> results)
                                                -> std::optional<Trap> {
                    auto mem = caller.memory();
                    if (!mem) return Trap{Trap::Kind::Host, "no memory", 0, {}};
                    seen_byte = mem->data(caller.store())[args[0].i32()];
                    if (seen_byte == 0xEE) return Trap{Trap::Kind::Host, "host says no", 0, {}};
                    results[0] = Value::i32(int32_t(seen_byte) + 1);
                    return std::nullopt;
                  }));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (import "env" "peek" (func $peek (param i32) (result i32)))
    (memory 1)
    (func (export "f") (param i32 i32) (result i32)
      (i32.store8 (local.get 0) (local.get 1))
      (call $peek (local.get 0)))))"));
  EXPECT_EQ(h.call1("f", {Value::i32(100), Value::i32(41)}).i32(), 42);
  EXPECT_EQ(seen_byte, 41u);
  EXPECT_EQ(h.trap_of("f", {Value::i32(100), Value::i32(0xEE)}), "host says no");
}

TEST(Jit, StepLimitAndInterruptHoldInCompiledCode) {
  Config c = with_tier(Config::Tier::Jit);
  c.step_limit = 101;
  test::InstanceHarness h(c);
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func (export "forever") (loop $l (br $l)))))"));
  EXPECT_EQ(h.call1("count", {Value::i32(100)}).i32(), 100);
  EXPECT_EQ(h.trap_of("count", {Value::i32(101)}), "step limit exhausted");
  EXPECT_EQ(h.trap_of("forever", {}), "step limit exhausted");

  Config ci = with_tier(Config::Tier::Jit);
  ci.interruptible = true;
  test::InstanceHarness hi(ci);
  ASSERT_NO_FATAL_FAILURE(hi.instantiate_wat(R"((module (func (export "forever") (loop $l (br $l)))))"));
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    hi.store.interrupt();
  });
  EXPECT_EQ(hi.trap_of("forever", {}), "interrupted");
  stopper.join();
}

}  // namespace
}  // namespace mywasm

namespace mywasm {
namespace {

// A loop in a function called once moves to compiled code mid-run, with
// values on the operand stack at its header (a loop parameter and a value
// below the loop) carried over, and later traps report the compiled frames.
TEST(Jit, HotLoopOfAFunctionCalledOnceMovesToCompiledCode) {
  test::InstanceHarness h(with_tier(Config::Tier::Tiered, 50));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (memory 1)
    (func (export "sum") (param $n i32) (result i64) (local $i i32)
      (i64.const 1000000)          ;; below the loop, on the stack all along
      (i64.const 0)                ;; the loop's parameter: the running sum
      (loop $l (param i64) (result i64)
        (i64.add (i64.extend_i32_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i64.add))
    (func (export "oob_after") (param $n i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (drop (i32.load (i32.const 70000))))))"));
  // 0 + 1 + ... + 9999 = 49995000, plus the value below the loop.
  EXPECT_EQ(h.call1("sum", {Value::i32(10000)}).i64(), 49995000 + 1000000);
  EXPECT_EQ(is_compiled(h, "sum"), jit::available());
  auto r = h.call("oob_after", {Value::i32(1000)});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->message, "out of bounds memory access");
  ASSERT_EQ(r.error().trap->backtrace.size(), 1u);
  EXPECT_EQ(r.error().trap->backtrace[0].func_index, 1u);
  EXPECT_EQ(is_compiled(h, "oob_after"), jit::available());
}

}  // namespace
// A store, a numeric instruction, global.set or select pops its
// temporaries: the compiler drops their deferred stores, and only theirs. The temporary below them
// (the product) stays live across the call and the label after, where it
// must be stored; its slot held 1000 before (a call's result), which a
// wrong drop would read back.
const char* kTempsBelowPoppedOnes = R"((module
  (memory 1)
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "below_store") (param i32 i32) (result i32)
    (drop (call $id (i32.const 1000)))
    (i32.mul (local.get 0) (i32.const 3))
    (i32.store (i32.add (local.get 1) (i32.const 4)) (i32.mul (local.get 0) (local.get 0)))
    (i32.add (call $id (i32.const 1)))
    (i32.add (i32.load (i32.add (local.get 1) (i32.const 4)))))
  (func (export "below_numeric") (param i32 i32) (result i32)
    (drop (call $id (i32.const 1000)))
    (i32.mul (local.get 0) (i32.const 3))
    (i32.sub (i32.mul (local.get 1) (i32.const 5)) (i32.add (local.get 0) (i32.const 2)))
    (i32.add (call $id (i32.const 1)))
    i32.add)
  (global $g (mut i32) (i32.const 0))
  (func (export "below_global_set") (param i32 i32) (result i32)
    (drop (call $id (i32.const 1000)))
    (i32.mul (local.get 0) (i32.const 3))
    (global.set $g (i32.add (local.get 1) (local.get 0)))
    (i32.add (call $id (i32.const 1)))
    (i32.add (global.get $g)))
  (func (export "below_select") (param i32 i32) (result i32)
    (drop (call $id (i32.const 1000)))
    (i32.mul (local.get 0) (i32.const 3))
    (select (i32.add (local.get 1) (i32.const 1)) (i32.sub (local.get 1) (i32.const 1))
            (i32.and (local.get 0) (i32.const 1)))
    (i32.add (call $id (i32.const 1)))
    i32.add)
  (func (export "below_label") (param i32 i32) (result i32)
    (drop (call $id (i32.const 1000)))
    (i32.mul (local.get 0) (i32.const 3))
    (block (result i32)
      (i32.store (i32.add (local.get 1) (i32.const 8)) (i32.add (local.get 0) (i32.const 9)))
      (br_if 0 (i32.const 4) (local.get 0))
      (drop)
      (i32.load (i32.add (local.get 1) (i32.const 8))))
    i32.add)
))";

TEST(Jit, TemporariesBelowPoppedOnesKeepTheirStores) {
  expect_compiled_configs_match_interpreter([](const Config& c) {
    test::InstanceHarness h(c);
    h.instantiate_wat(kTempsBelowPoppedOnes);
    std::vector<std::string> out;
    for (const char* name : {"below_store", "below_numeric", "below_global_set", "below_select", "below_label"})
      for (int32_t x : {0, 7}) out.push_back(outcome(h, name, {Value::i32(x), Value::i32(64)}));
    return out;
  });
}

// Every float -> integer truncation, trapping and saturating, and the
// u64 -> float conversions, compiled inline (a fast conversion, an
// out-of-line path for NaNs, bounds and values that truncate to the
// indefinite result): on the edges of each range, inside and out, as the
// interpreter, with the traps' messages.
TEST(Jit, FloatIntegerConversionsMatchTheInterpreter) {
  std::string wat = "(module\n";
  const char* truncs[] = {"i32.trunc", "i64.trunc", "i32.trunc_sat", "i64.trunc_sat"};
  for (const char* t : truncs)
    for (const char* from : {"f32", "f64"})
      for (const char* sign : {"s", "u"}) {
        const std::string op = std::string(t) + "_" + from + "_" + sign;
        std::string arg = "(local.get 0)";
        if (std::string(from) == "f32") arg = "(f32.demote_f64 " + arg + ")";
        std::string body = "(" + op + " " + arg + ")";
        if (t[2] == '2') body = "(i64.extend_i32_u " + body + ")";
        wat += "(func (export \"" + op + "\") (param f64) (result i64) " + body + ")\n";
      }
  for (const char* to : {"f32", "f64"}) {
    std::string body = std::string("(") + to + ".convert_i64_u (local.get 0))";
    body = std::string(to) == "f32" ? "(f64.promote_f32 " + body + ")" : body;
    wat += std::string("(func (export \"") + to + ".convert_i64_u\") (param i64) (result f64) " + body + ")\n";
  }
  wat += ")";
  const double inputs[] = {0.0, -0.0, 0.75, -0.75, -1.0, 1e10, -1e10,
                           2147483647.0, 2147483647.5, 2147483648.0, -2147483648.0, -2147483648.5, -2147483649.0,
                           4294967295.0, 4294967295.5, 4294967296.0,
                           9223372036854775808.0, -9223372036854775808.0, 9223372036854774784.0,
                           18446744073709549568.0, 18446744073709551616.0,
                           std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN()};
  const uint64_t integers[] = {0, 1, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
                               0x8000000000000401ULL, 0x8000000000000400ULL, 0xfffffffffffff800ULL,
                               0xfffffffffffffc00ULL, 0xffffffffffffffffULL, 0x20000020000001ULL,
                               0x9000008000000001ULL};
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<std::string> out;
    for (const char* t : truncs)
      for (const char* from : {"f32", "f64"})
        for (const char* sign : {"s", "u"})
          for (double x : inputs) {
            const std::string op = std::string(t) + "_" + from + "_" + sign;
            auto r = h.call(op, {Value::f64(x)});
            if (r.ok()) out.push_back(op + " " + std::to_string((*r)[0].i64()));
            else out.push_back(op + " " + (r.error().trap ? r.error().trap->message : std::string("?")));
          }
    for (const char* to : {"f32", "f64"})
      for (uint64_t n : integers) {
        double d = h.call1(std::string(to) + ".convert_i64_u", {Value::i64(int64_t(n))}).f64();
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        out.push_back(std::string(to) + " " + std::to_string(bits));
      }
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
  // (And a few values as the spec has them, not only as the interpreter does.)
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  h.instantiate_wat(wat);
  EXPECT_EQ(h.call1("i64.trunc_sat_f64_u", {Value::f64(1e30)}).i64(), -1);
  EXPECT_EQ(h.call1("i64.trunc_f64_u", {Value::f64(9223372036854775808.0)}).i64(), INT64_MIN);
  EXPECT_EQ(h.call1("i32.trunc_sat_f32_s", {Value::f64(-1e10)}).i64(), 0x80000000LL);
  EXPECT_EQ(h.call1("f64.convert_i64_u", {Value::i64(-1)}).f64(), 18446744073709551616.0);
}

// Declared locals read before they are written start at zero however
// many there are: a long run (rep stosq), a short one (16-byte stores and
// an odd slot), after a call that left other values in the same stack
// slots, and through an OSR entry into a loop (tiered, threshold 1).
TEST(Jit, ZeroedLocalsMatchTheInterpreter) {
  auto body = [](int locals) {
    std::string f = "(func $f" + std::to_string(locals) + " (export \"f" + std::to_string(locals) +
                    "\") (param $n i32) (result i64)";
    for (int k = 0; k < locals; ++k) f += " (local $l" + std::to_string(k) + " i64)";
    f += " (local $i i32) (local $s i64)";
    for (int k = 0; k < locals; ++k)  // every local read (it must be 0) then set to n + k
      f += " (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 3)) (local.get $l" + std::to_string(k) +
           "))) (local.set $l" + std::to_string(k) + " (i64.extend_i32_u (i32.add (local.get $n) (i32.const " +
           std::to_string(k + 1) + "))))";
    f += " (if (i32.gt_s (local.get $n) (i32.const 0)) (then (local.set $s (i64.add (local.get $s) (call $f" +
         std::to_string(locals) + " (i32.sub (local.get $n) (i32.const 1)))))))";
    f += " (loop $l (local.set $s (i64.add (local.get $s) (local.get $l0))) (local.set $i (i32.add (local.get $i) "
         "(i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))";
    return f + " (local.get $s))\n";
  };
  const std::string wat = "(module " + body(1) + body(7) + body(8) + body(100) + ")";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (const char* f : {"f1", "f7", "f8", "f100"})
      for (int32_t n : {0, 3, 5}) out.push_back(h.call1(f, {Value::i32(n)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  h.instantiate_wat(wat);
  EXPECT_EQ(h.call1("f100", {Value::i32(0)}).i64(), 3);  // (only the loop's three reads of $l0 = 1)
}

// (x >> k) & m by a rotate where m drops the bits rotated in (BMI2's
// rorx), and by a shift where it would not: i32 and i64, x in a register
// (kept for later) or in its slot, the result to a temporary or straight
// to a local; every tier as the interpreter.
TEST(Jit, ShiftsMaskedAfterwardMatchTheInterpreter) {
  const char* wat = R"((module
    (global $g (mut i64) (i64.const 0))
    (func $touch (global.set $g (i64.add (global.get $g) (i64.const 1))))
    (func (export "f32") (param $x i32) (result i32)
      (local $a i32) (local $s i32)
      (local.set $a (i32.and (i32.shr_u (local.get $x) (i32.const 7)) (i32.const 0xff)))
      (local.set $s (i32.add (local.get $a) (i32.and (i32.shr_u (local.get $x) (i32.const 3)) (i32.const 0x1ffffff0))))
      (local.set $s (i32.xor (local.get $s) (i32.and (i32.shr_u (local.get $x) (i32.const 3)) (i32.const 0x3ffffff0))))
      (local.set $s (i32.add (local.get $s) (i32.and (i32.shr_u (local.get $x) (i32.const 35)) (i32.const 0xf0f))))
      (call $touch)
      (i32.add (local.get $s) (i32.and (i32.shr_u (local.get $x) (i32.const 24)) (i32.const 0xff))))
    (func (export "f64") (param $x i64) (result i64)
      (local $s i64)
      (local.set $s (i64.and (i64.shr_u (local.get $x) (i64.const 40)) (i64.const 0xffffff)))
      (local.set $s (i64.add (local.get $s) (i64.and (i64.shr_u (local.get $x) (i64.const 4)) (i64.const 0x0fffffffffffffff))))
      (i64.xor (local.get $s) (i64.and (i64.shr_u (local.get $x) (i64.const 4)) (i64.const 0x1fffffffffffffff)))))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int64_t> out;
    for (int32_t x : {0, -1, 0x12345678, int32_t(0x87654321), 0x7f})
      out.push_back(h.call1("f32", {Value::i32(x)}).i32());
    for (int64_t x : {int64_t(0), int64_t(-1), int64_t(0x123456789abcdef1LL), int64_t(0x8000000000000007ULL)})
      out.push_back(h.call1("f64", {Value::i64(x)}).i64());
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// table[(x & m) << k + c] loads with the shift and add in the load's
// addressing mode (a dispatch table's lookup): with and without the add,
// an index past the memory's end trapping at the load, and a mask wide
// enough for the 32-bit sum to wrap, which must wrap as wasm does (the
// fold is left out there); every tier as the interpreter.
TEST(Jit, ScaledTableLoadsMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
    (data (i32.const 0x100) "\10\20\30\40\50\60\70\80\90\a0\b0\c0\d0\e0\f0\ff")
    (func (export "table") (param $x i32) (result i32)
      (i32.load offset=4 (i32.add (i32.shl (i32.and (local.get $x) (i32.const 0x3)) (i32.const 2)) (i32.const 0x100))))
    (func (export "bytes") (param $x i32) (result i64)
      (i64.load (i32.shl (i32.and (local.get $x) (i32.const 0xffff)) (i32.const 3))))
    (func (export "wraps") (param $x i32) (result i32)
      (i32.load8_u (i32.add (i32.shl (i32.and (local.get $x) (i32.const 0x3fffffff)) (i32.const 2)) (i32.const 0x10)))))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<std::string> out;
    auto note = [&](const char* f, int32_t x) {
      auto r = h.call(f, {Value::i32(x)});
      if (!r.ok()) out.push_back(r.error().trap ? r.error().trap->message : "?");
      else if ((*r)[0].type() == ValType::I64) out.push_back(std::to_string((*r)[0].i64()));
      else out.push_back(std::to_string((*r)[0].i32()));
    };
    for (int32_t x : {0, 1, 2, 3, 7, -1}) note("table", x);
    for (int32_t x : {0, 1, 8191, 8192, 0xffff, -1}) note("bytes", x);
    for (int32_t x : {0, 1, 0x3ffffffc, 0x3fffffff, -1}) note("wraps", x);
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  h.instantiate_wat(wat);
  EXPECT_EQ(h.call1("wraps", {Value::i32(-1)}).i32(), 0x0d);  // (0xfffffffc + 0x10 wraps to 0xc)
  EXPECT_EQ(h.call1("table", {Value::i32(6)}).i32(), int32_t(0xfff0e0d0));  // (0x100 + 8 + 4)
}

// A load whose result is the second operand of the next arithmetic
// operation, its first a temporary computed in place: the operation
// reads memory itself (`addsd r, [m]`, `sub r, [m]`). Every folded type
// and operation, the non-commutative ones too (x - load, x / load), a
// 32-bit result tested by the br_if after it (its flags), a first operand
// that a local shares (not folded: the local keeps its value), and an
// access past the memory's end, which must trap at the load's offset.
// And commutative operations computed in their second operand's register
// (`mulsd y, x` for x a local). A select on a compare (or on an add's
// flags) just before takes the flags, not a 0/1 tested again. Every tier
// as the interpreter.
TEST(Jit, LoadsFoldedIntoArithmeticAndCompareFlagsMatchTheInterpreter) {
  const char* wat = R"((module
    (memory 1)
    (data (i32.const 0) "\07\00\00\00\fd\ff\ff\ff")
    (data (i32.const 8) "\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\08\c0\00\00\20\40")  ;; 1.0, -3.0, 2.5f
    (func (export "ints") (param $a i32) (param $at i32) (result i64)
      (local $s i64) (local $t i32)
      (local.set $s (i64.extend_i32_u (i32.add (i32.mul (local.get $a) (i32.const 3)) (i32.load (local.get $at)))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
        (i32.sub (i32.add (local.get $a) (i32.const 1)) (i32.load offset=4 (local.get $at))))))
      (local.set $s (i64.xor (local.get $s) (i64.extend_i32_u
        (i32.mul (i32.or (local.get $a) (i32.const 2)) (i32.load (local.get $at))))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
        (i32.and (i32.xor (local.get $a) (i32.const -1)) (i32.load offset=4 (local.get $at))))))
      (local.set $s (i64.add (local.get $s) (i64.sub (i64.mul (local.get $s) (i64.const 5)) (i64.load (local.get $at)))))
      (local.set $s (i64.add (local.get $s) (i64.or (i64.shl (local.get $s) (i64.const 1)) (i64.load offset=4 (local.get $at)))))
      (block $zero
        (br_if $zero (i32.sub (i32.add (local.get $a) (i32.const 7)) (i32.load (local.get $at))))
        (local.set $s (i64.add (local.get $s) (i64.const 1000))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
        (i32.add (local.tee $t (i32.mul (local.get $a) (local.get $a))) (i32.load (local.get $at))))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.sub (local.get $a) (i32.load8_u (local.get $at))))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.and (local.get $a) (i32.load16_u (local.get $at))))))
      (i64.add (local.get $s) (i64.extend_i32_u (local.get $t))))
    (func (export "floats") (param $x f64) (param $at i32) (result f64)
      (local $c f64) (local $f f32)
      (local.set $c (f64.add (f64.mul (local.get $x) (f64.load offset=8 (local.get $at))) (f64.load offset=16 (local.get $at))))
      (local.set $c (f64.add (local.get $c) (f64.sub (f64.mul (local.get $c) (local.get $x)) (f64.load offset=8 (local.get $at)))))
      (local.set $c (f64.add (local.get $c) (f64.div (f64.add (local.get $x) (f64.const 1)) (f64.load offset=16 (local.get $at)))))
      (local.set $f (f32.mul (f32.add (f32.demote_f64 (local.get $x)) (f32.const 0.5)) (f32.load offset=24 (local.get $at))))
      (local.set $f (f32.div (f32.sub (local.get $f) (f32.load offset=24 (local.get $at))) (f32.load offset=24 (local.get $at))))
      (local.set $c (f64.add (local.get $c) (f64.sub (local.get $x) (f64.load offset=16 (local.get $at)))))
      (local.set $c (f64.add (local.get $c) (f64.div (local.get $x) (f64.load offset=16 (local.get $at)))))
      (local.set $f (f32.sub (local.get $f) (f32.load offset=24 (local.get $at))))
      (f64.add (local.get $c) (f64.promote_f32 (local.get $f))))
    (func (export "cmps") (param $a i32) (param $at i32) (result i64)
      (local $r i32)
      (if (i32.eq (i32.load (local.get $at)) (i32.const 7)) (then (local.set $r (i32.or (local.get $r) (i32.const 1)))))
      (if (i32.lt_s (local.get $a) (i32.load offset=4 (local.get $at))) (then (local.set $r (i32.or (local.get $r) (i32.const 2)))))
      (if (i32.ne (i32.load8_u (local.get $at)) (i32.const 7)) (then (local.set $r (i32.or (local.get $r) (i32.const 4)))))
      (if (i32.eqz (i32.load16_u offset=2 (local.get $at))) (then (local.set $r (i32.or (local.get $r) (i32.const 8)))))
      (if (i64.gt_u (i64.load (local.get $at)) (i64.extend_i32_u (local.get $a))) (then (local.set $r (i32.or (local.get $r) (i32.const 16)))))
      (if (i64.eqz (i64.load32_u offset=4 (local.get $at))) (then (local.set $r (i32.or (local.get $r) (i32.const 32)))))
      (if (i32.lt_u (i32.load8_u offset=4 (local.get $at)) (i32.const 200)) (then (local.set $r (i32.or (local.get $r) (i32.const 64)))))
      (local.set $r (i32.add (local.get $r) (i32.shl (i32.eq (i32.load8_u offset=5 (local.get $at)) (i32.const 255)) (i32.const 8))))
      (if (i32.eq (i32.load8_s offset=5 (local.get $at)) (i32.const 255)) (then (local.set $r (i32.or (local.get $r) (i32.const 128)))))
      (block $b (br_if $b (i32.load (local.get $at))) (local.set $r (i32.or (local.get $r) (i32.const 0x10000))))
      (block $b (br_if $b (i32.load8_s offset=6 (local.get $at))) (local.set $r (i32.or (local.get $r) (i32.const 0x20000))))
      (if (i32.load16_u offset=8 (local.get $at)) (then (local.set $r (i32.or (local.get $r) (i32.const 0x40000)))))
      (local.set $r (i32.add (local.get $r) (select (i32.const 1000) (i32.const 2000) (i32.lt_s (local.get $a) (i32.const 5)))))
      (local.set $r (i32.add (local.get $r) (select (i32.const 3000) (local.get $at) (f64.lt (f64.convert_i32_s (local.get $a)) (f64.const 2.5)))))
      (local.set $r (i32.add (local.get $r) (select (local.get $a) (i32.const 70000) (i32.sub (local.get $a) (i32.const 7)))))
      (local.set $r (i32.add (local.get $r) (i32.wrap_i64 (select (i64.const 1) (i64.const 0x100000000)
        (i64.ge_u (i64.extend_i32_s (local.get $a)) (i64.load (local.get $at)))))))
      (local.set $r (i32.add (local.get $r) (i32.shl (i32.ge_u (i32.load (local.get $at)) (local.get $a)) (i32.const 9))))
      (i64.extend_i32_u (i32.add (local.get $r) (i32.shl (i32.gt_s (local.get $a) (i32.load (local.get $at))) (i32.const 10)))))
    (func $touch)
    (func (export "peek") (param $at i32) (result i64) (i64.load (local.get $at)))
    (func (export "rmw") (param $y i32) (param $at i32) (result i64)
      (local $w i64)
      (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
      (i32.store offset=4 (local.get $at) (i32.sub (i32.load offset=4 (local.get $at)) (local.get $y)))
      (i32.store8 offset=8 (local.get $at) (i32.add (i32.load8_u offset=8 (local.get $at)) (i32.const 200)))
      (i32.store8 offset=9 (local.get $at) (i32.xor (i32.load8_s offset=9 (local.get $at)) (local.get $y)))
      (i32.store16 offset=10 (local.get $at) (i32.or (i32.load16_u offset=10 (local.get $at)) (i32.const 0x8421)))
      (i32.store16 offset=12 (local.get $at) (i32.add (i32.load16_s offset=12 (local.get $at)) (local.get $y)))
      (call $touch)  ;; ($y in its slot only after it)
      (i32.store (i32.const 16) (i32.and (i32.load (i32.const 16)) (local.get $y)))
      (local.set $w (i64.extend_i32_s (local.get $y)))
      (i64.store offset=24 (local.get $at) (i64.add (i64.load offset=24 (local.get $at)) (local.get $w)))
      (i64.store offset=32 (local.get $at) (i64.sub (i64.load offset=32 (local.get $at)) (i64.const -5)))
      (i64.store32 offset=40 (local.get $at) (i64.add (i64.load32_u offset=40 (local.get $at)) (i64.const 0x1ffffffff)))
      (i64.store8 offset=44 (local.get $at) (i64.xor (i64.load8_s offset=44 (local.get $at)) (local.get $w)))
      (i32.store offset=48 (i32.add (local.get $at) (i32.const 4)) (i32.add (i32.load offset=48 (local.get $at)) (i32.const 3)))
      (i32.store offset=44 (local.get $at) (i32.add (i32.load offset=40 (local.get $at)) (i32.const 5)))
      (i32.store offset=56 (local.get $at) (i32.add (i32.load8_u offset=56 (local.get $at)) (i32.const 0x101)))
      (i64.add (i64.add (i64.load (local.get $at)) (i64.load offset=8 (local.get $at)))
        (i64.add (i64.add (i64.load (i32.const 16)) (i64.load offset=24 (local.get $at)))
          (i64.add (i64.load offset=32 (local.get $at)) (i64.load offset=40 (local.get $at))))))
    (func (export "sum") (param $n i32) (result f64)
      (local $i i32) (local $a f64)
      (local.set $a (f64.convert_i32_s (local.get $n)))
      (loop $l
        (f64.store offset=64 (local.get $i)
          (f64.add (f64.mul (local.get $a) (f64.load offset=8 (i32.and (local.get $i) (i32.const 8))))
                   (f64.load offset=64 (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.const 256))))
      (f64.add (f64.load offset=64 (i32.const 0)) (f64.load offset=312 (i32.const 0)))))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<std::string> out;
    auto note = [&](const char* f, Value a, int32_t at) {
      auto r = h.call(f, {a, Value::i32(at)});
      if (!r.ok()) {
        out.push_back(r.error().trap ? r.error().trap->message : "?");
        if (r.error().trap && !r.error().trap->backtrace.empty())
          out.push_back(std::to_string(r.error().trap->backtrace[0].module_offset));
      } else if ((*r)[0].type() == ValType::I64) {
        out.push_back(std::to_string((*r)[0].i64()));
      } else {
        out.push_back(std::to_string((*r)[0].f64()));
      }
    };
    for (int32_t a : {0, 5, -7, 0x12345}) note("ints", Value::i32(a), 0);
    note("ints", Value::i32(3), 65534);  // (the first i32.load reads past the end)
    for (int32_t a : {0, 7, -7, 100, -3})
      for (int32_t at : {0, 4, 8, 65532, 65535}) note("cmps", Value::i32(a), at);
    for (int32_t y : {0, 1, -1, 0x12345678, -200})
      for (int32_t at : {64, 1000, 65480, 65500}) note("rmw", Value::i32(y), at);
    for (int32_t at : {16, 64, 1000})
      for (int32_t k = 0; k < 64; k += 8) out.push_back(std::to_string(h.call1("peek", {Value::i32(at + k)}).i64()));
    for (double x : {0.0, 1.5, -3.25}) note("floats", Value::f64(x), 0);
    note("floats", Value::f64(2.0), 65530);
    for (int32_t n : {1, 3}) out.push_back(std::to_string(h.call1("sum", {Value::i32(n)}).f64()));
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
}

// A br_table on x - k (k 1 to 16: an add of -k or a sub of k) indexes a
// table with k default entries in front by x itself: x below k (which
// x - k wraps past the table) and x past the table take the default. x a
// parameter and a temporary; every tier as the interpreter.
TEST(Jit, BiasedBranchTablesMatchTheInterpreter) {
  const char* wat = R"((module
    (func (export "minus2") (param $x i32) (result i32)
      (block $d (block $c (block $b (block $a
        (br_table $a $b $c $d (i32.add (local.get $x) (i32.const -2))))
        (return (i32.const 10)))
        (return (i32.const 11)))
        (return (i32.const 12)))
      (i32.const 99))
    (func (export "minus16") (param $x i32) (result i32)
      (block $d (block $c (block $b (block $a
        (br_table $a $b $c $d (i32.sub (i32.mul (local.get $x) (i32.const 3)) (i32.const 16))))
        (return (i32.const 20)))
        (return (i32.const 21)))
        (return (i32.const 22)))
      (i32.const 98))
    (func (export "minus17") (param $x i32) (result i32)
      (block $b (block $a
        (br_table $a $b (i32.sub (local.get $x) (i32.const 17))))
        (return (i32.const 30)))
      (i32.const 97)))
  )";
  auto run = [&](Config config) {
    test::InstanceHarness h(config);
    h.instantiate_wat(wat);
    std::vector<int32_t> out;
    for (int32_t x : {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, -1, -2, int32_t(0x80000001)}) {
      out.push_back(h.call1("minus2", {Value::i32(x)}).i32());
      out.push_back(h.call1("minus16", {Value::i32(x)}).i32());
      out.push_back(h.call1("minus17", {Value::i32(x)}).i32());
    }
    return out;
  };
  expect_compiled_configs_match_interpreter(run);
  test::InstanceHarness h(with_tier(Config::Tier::Jit));
  h.instantiate_wat(wat);
  EXPECT_EQ(h.call1("minus2", {Value::i32(3)}).i32(), 11);
  EXPECT_EQ(h.call1("minus2", {Value::i32(1)}).i32(), 99);  // (1 - 2 wraps: the default)
}

}  // namespace mywasm
