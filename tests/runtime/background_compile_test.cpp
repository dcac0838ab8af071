// Config::background_compile: a hot function is compiled on the process's
// helper thread while the interpreter goes on; its next call, or its loop's
// next iteration, enters the compiled code (jit/src/background_compiler.hpp).
// Each test waits for the helper (drain_background_compiles) where it
// checks what ran compiled, so none depends on timing.
#include <gtest/gtest.h>

#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "background_compiler.hpp"
#include "instance_harness.hpp"
#include "jit.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

namespace mywasm {
namespace {

// (The full compiler alone: one compile per hot function, counted below.
// Lean code's own move on to the full compiler's, also made on the helper,
// is lean_compiler_test's.)
Config background(uint32_t threshold) {
  Config c;
  c.tier = Config::Tier::Tiered;
  c.tier_up_threshold = threshold;
  c.background_compile = true;
  c.jit_compiler = Config::JitCompiler::Full;
  return c;
}


void drain(StoreImpl& s) { jit::drain_background_compiles(s); }

// A loop in a function called once: at its 50th iteration (the tier-up was
// asked for at the 10th) the host waits for the helper; the iteration after
// enters the compiled code there (on-stack replacement) and finishes the
// loop in it.
TEST(BackgroundCompile, AHotLoopEntersCompiledCodeOnceItIsReady) {
  test::InstanceHarness h(background(10));
  StoreImpl& s = h.store.impl();
  h.linker.define_func(h.store, "env", "tick", FuncType{{ValType::I32}, {}},
                       [&s](Caller&, std::span<const Value> args, std::span<Value>) -> std::optional<Trap> {
                         if (args[0].i32() == 50) drain(s);
                         return std::nullopt;
                       });
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (import "env" "tick" (func $tick (param i32)))
    (func (export "count") (param $n i32) (result i32) (local $i i32) (local $s i32)
      (loop $l
        (call $tick (local.get $i))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $s))))"));
  EXPECT_EQ(h.call1("count", {Value::i32(200)}).i32(), 19900);
  const bool compiles = jit::available();
  EXPECT_EQ(s.osr_entries, compiles ? 1u : 0u);
  EXPECT_EQ(jit::entry_of(h.func_instance("count")) != nullptr, compiles);
  EXPECT_EQ(jit::background_compiles_done(s), compiles ? 1u : 0u);
}

// Calls: the call that makes a function hot still runs it in the
// interpreter (its compile is queued, nothing waits for it); once the
// helper is done, the next call runs the compiled code.
TEST(BackgroundCompile, AHotFunctionsNextCallAfterItsCompileRunsCompiledCode) {
  test::InstanceHarness h(background(5));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))))"));
  FuncInstance& sq = h.func_instance("sq");
  for (int32_t i = 0; i < 5; ++i) EXPECT_EQ(h.call1("sq", {Value::i32(i)}).i32(), i * i);
  EXPECT_FALSE(h.store.impl().background_used);  // (not hot yet)
  EXPECT_EQ(h.call1("sq", {Value::i32(7)}).i32(), 49);  // the sixth call asks for the compile
  drain(h.store.impl());
  const bool compiles = jit::available();
  EXPECT_EQ(jit::entry_of(sq) != nullptr, compiles);
  for (int32_t i = -3; i < 3; ++i) EXPECT_EQ(h.call1("sq", {Value::i32(i)}).i32(), i * i);
}

// Many modules instantiated into one store while the helper compiles the
// earlier ones' functions (it reads the store's vectors, which each
// instantiation appends to: StoreImpl::structure_mutex), and a store
// destroyed with compiles still queued (its helper finishes the one in
// progress first). Results stay right throughout; under the sanitizers this
// is where a race or a use after free would show.
TEST(BackgroundCompile, InstantiationsWhileCompilingAndAStoreDestroyedWithCompilesQueued) {
  std::string wat = "(module (memory 1) (global $g (mut i32) (i32.const 0))\n";
  for (int k = 0; k < 40; ++k)
    wat += "(func (export \"f" + std::to_string(k) + "\") (param i32) (result i32)\n"
           "  (global.set $g (i32.add (global.get $g) (i32.const 1)))\n"
           "  (i32.store (i32.const 16) (local.get 0))\n"
           "  (i32.add (i32.load (i32.const 16)) (i32.const " + std::to_string(k) + ")))\n";
  wat += ")";
  for (int round = 0; round < 3; ++round) {
    test::InstanceHarness h(background(2));
    for (int instance = 0; instance < 10; ++instance) {
      ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
      for (int k = 0; k < 40; ++k)
        for (int32_t i = 0; i < 4; ++i)
          ASSERT_EQ(h.call1("f" + std::to_string(k), {Value::i32(i)}).i32(), i + k);
    }
    if (round == 0) drain(h.store.impl());  // (the others end with compiles queued)
  }
}

// A child forked while the parent's helper exists (as the OCI runtime's
// container process is) has no helper thread: its first background
// compile starts one of its own, and its stores do not wait for the
// parent's work.
TEST(BackgroundCompile, AForkedChildStartsItsOwnHelper) {
  constexpr const char* kInc = R"((module
    (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))))";
  test::InstanceHarness parent(background(2));
  ASSERT_NO_FATAL_FAILURE(parent.instantiate_wat(kInc));
  for (int32_t i = 0; i < 3; ++i) EXPECT_EQ(parent.call1("inc", {Value::i32(i)}).i32(), i + 1);
  const pid_t pid = fork();
  if (pid == 0) {  // (no gtest assertions here: the exit status says it)
    int code = 0;
    {
      test::InstanceHarness child(background(2));
      child.instantiate_wat(kInc);
      for (int32_t i = 0; i < 3; ++i)
        if (child.call1("inc", {Value::i32(i)}).i32() != i + 1) code = 2;
      drain(child.store.impl());
      if ((jit::entry_of(child.func_instance("inc")) != nullptr) != jit::available()) code = 3;
      if (child.call1("inc", {Value::i32(41)}).i32() != 42) code = 4;
    }
    _exit(::testing::Test::HasFailure() ? 1 : code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  drain(parent.store.impl());
  EXPECT_EQ(jit::entry_of(parent.func_instance("inc")) != nullptr, jit::available());
}

// A fork while the helper compiles a function of a store waits for that
// compile (it holds the store's structure lock), not for the rest of the
// queue: the child can then instantiate into the same store. 60 functions
// queued, then the fork. (The child starts no thread: this runs under
// qemu-user too.)
TEST(BackgroundCompile, AForkWaitsForTheCompileInProgress) {
  constexpr int kFuncs = 60;
  std::string wat = "(module";
  for (int f = 0; f < kFuncs; ++f) {
    wat += " (func (export \"f" + std::to_string(f) + "\") (param i32) (result i32) (local.get 0)";
    for (int i = 0; i < 2000; ++i) wat += " (i32.add (i32.const " + std::to_string(i) + "))";
    wat += ")";
  }
  wat += ")";
  test::InstanceHarness h(background(1));
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(wat));
  for (int f = 0; f < kFuncs; ++f)
    for (int32_t i = 0; i < 2; ++i) h.call1("f" + std::to_string(f), {Value::i32(i)});  // (the second queues it)
  const pid_t pid = fork();  // (while the helper compiles one of them, most likely)
  if (pid == 0) {
    alarm(30);  // (a child stuck on a lock dies of SIGALRM: the test fails rather than hangs)
    h.instantiate_wat("(module (func (export \"seven\") (result i32) (i32.const 7)))");
    const int code = !::testing::Test::HasFailure() && h.call1("seven", {}).i32() == 7 ? 0 : 1;
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  drain(h.store.impl());
  for (int f = 0; f < kFuncs; ++f)
    EXPECT_EQ(jit::entry_of(h.func_instance("f" + std::to_string(f))) != nullptr, jit::available()) << f;
  EXPECT_EQ(jit::background_compiles_done(h.store.impl()), size_t(kFuncs));
}

// Config::background_compile off: the call that makes a function hot
// compiles it before it runs (what conformance runs and the fuzzer use).
TEST(BackgroundCompile, OffCompilesWhereTheFunctionGetsHot) {
  Config c = background(3);
  c.background_compile = false;
  test::InstanceHarness h(c);
  ASSERT_NO_FATAL_FAILURE(h.instantiate_wat(R"((module
    (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))))"));
  for (int32_t i = 0; i < 4; ++i) EXPECT_EQ(h.call1("inc", {Value::i32(i)}).i32(), i + 1);
  EXPECT_EQ(jit::entry_of(h.func_instance("inc")) != nullptr, jit::available());
  EXPECT_FALSE(h.store.impl().background_used);
}

}  // namespace
}  // namespace mywasm
