// Drives the mywasm binary as a user does and checks output and exit status.
#include <chrono>
#include <regex>

#include "cli_fixture.hpp"
#include "mywasm/mywasm.hpp"

namespace {

using namespace mywasm_test;

// The byte at `offset` in the binary of the text module `wat` (0 past its end).
uint8_t byte_at(const std::string& wat, size_t offset) {
  auto binary = mywasm::wat_to_wasm(wat);
  EXPECT_TRUE(binary.ok());
  return binary.ok() && offset < binary->size() ? (*binary)[offset] : 0;
}

constexpr const char* kArith = R"((module
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $inner (call $div (i32.const 1) (i32.const 0)) drop)
  (func (export "outer") (call $inner))
  (func $forever (export "forever") (call $forever))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "halve") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))))";

TEST_F(CliTest, VersionAndHelp) {
  auto v = run("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out.rfind("mywasm ", 0), 0u);
  auto h = run("run --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("--dir"), std::string::npos);
}

TEST_F(CliTest, InvokePrintsResults) {
  auto m = write("m.wat", kArith);
  auto r = run("run --invoke div " + m.string() + " 7 2");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\n");
  r = run("run --invoke add64 " + m.string() + " 9007199254740993 -1");
  EXPECT_EQ(r.out, "9007199254740992\n");
  r = run("--invoke halve " + m.string() + " 3");  // without "run", WasmEdge style
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1.5\n");
}

TEST_F(CliTest, TrapPrintsMessageAndBacktrace) {
  auto m = write("m.wat", kArith);
  auto r = run("run --invoke outer " + m.string());
  EXPECT_EQ(r.status, 134);
  EXPECT_EQ(r.err.rfind("mywasm: trap: integer divide by zero\n", 0), 0u) << r.err;
  // Innermost first: div, then the unnamed function's name-section name,
  // then outer's export name; each line with the module offset of the
  // trapping instruction (i32.div_s) or of the call, and the offset in the
  // function, in every tier.
  std::regex frame("  ([0-9]): ([a-z]+) @ 0x([0-9a-f]+) \\(\\+0x([0-9a-f]+)\\)\n");
  std::vector<std::pair<std::string, uint8_t>> seen;
  for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), frame); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(std::stoul((*it)[1]), seen.size());
    EXPECT_GT(std::stoul((*it)[4], nullptr, 16), 0u);
    seen.push_back({(*it)[2], byte_at(kArith, std::stoul((*it)[3], nullptr, 16))});
  }
  const std::vector<std::pair<std::string, uint8_t>> expected{{"div", 0x6d}, {"inner", 0x10}, {"outer", 0x10}};
  EXPECT_EQ(seen, expected) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 4) << r.err;  // the error line and three frames
}

TEST_F(CliTest, StackExhaustionIsATrap) {
  auto m = write("m.wat", kArith);
  auto r = run("run --invoke forever " + m.string());
  EXPECT_EQ(r.status, 134);
  EXPECT_EQ(r.err.rfind("mywasm: trap: call stack exhausted\n", 0), 0u) << r.err.substr(0, 200);
}

TEST_F(CliTest, MalformedModuleIsOneLineWithOffset) {
  auto m = write("bad.wasm", std::string("\0asm\x02\0\0\0", 8));
  auto r = run("run --invoke f " + m.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("unknown binary version"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
}

TEST_F(CliTest, InvalidModuleIsOneLine) {
  auto m = write("bad.wat", "(module (func (result i32) (i64.const 1)))");
  auto r = run("run --invoke f " + m.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("type mismatch"), std::string::npos) << r.err;
}

TEST_F(CliTest, WrongUseExitsWithTwo) {
  auto missing = run("run --invoke f " + (dir_ / "nope.wasm").string());
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(count_lines(missing.err), 1) << missing.err;
  auto flag = run("run --no-such-flag x.wasm");
  EXPECT_EQ(flag.status, 2);
  auto m = write("m.wat", kArith);
  auto arity = run("run --invoke div " + m.string() + " 1");
  EXPECT_EQ(arity.status, 2);
  auto notnum = run("run --invoke div " + m.string() + " 1 x");
  EXPECT_EQ(notnum.status, 2);
  auto noexport = run("run --invoke nothere " + m.string());
  EXPECT_EQ(noexport.status, 2);
  auto compile_mode = run("run --tier-up-compile later --invoke div " + m.string() + " 6 3");
  EXPECT_EQ(compile_mode.status, 2);
  EXPECT_EQ(count_lines(compile_mode.err), 1) << compile_mode.err;
  // --env without a name, or without '=' (echoed in part, however long).
  for (const std::string& env : {std::string("=x"), std::string("NOVALUE"), std::string(5000, 'A')}) {
    auto r = run("run --env " + env + " --invoke div " + m.string() + " 6 3");
    EXPECT_EQ(r.status, 2) << env;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("expected NAME=VALUE"), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 200u) << r.err;
  }
  EXPECT_EQ(run("run --env A= --invoke div " + m.string() + " 6 3").status, 0);  // (an empty value is one)
  // A WASI program's --dir whose host directory does not exist, named by
  // 5,000 bytes: one short line too.
  auto dir = run("run --dir /g:/" + std::string(5000, 'd') + " " + MYWASM_PROGRAMS_DIR + "/hello.wasm");
  EXPECT_EQ(dir.status, 2);
  EXPECT_EQ(count_lines(dir.err), 1) << dir.err;
  EXPECT_NE(dir.err.find("does not exist"), std::string::npos) << dir.err;
  EXPECT_LT(dir.err.size(), 250u) << dir.err;
}

TEST_F(CliTest, WastReportsPerFileAndTotals) {
  auto good = write("good.wast", R"WAST((module (func (export "f") (result i32) (i32.const 7)))
(assert_return (invoke "f") (i32.const 7))
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
)WAST");
  auto r = run("wast " + good.string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("5 passed, 0 failed"), std::string::npos) << r.out;

  auto bad = write("bad.wast", R"((module (func (export "f") (result i32) (i32.const 7)))
(assert_return (invoke "f") (i32.const 8))
)");
  r = run("wast " + bad.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos) << r.out;
}

// A known-failures list: a listed file must fail, with exactly the listed
// number of passing commands when the list gives one; anything else (the
// file passing, a different count, a malformed count) fails the run.
TEST_F(CliTest, WastKnownFailuresMustFailAsListed) {
  auto script = write("partly.wast", R"((module (func (export "f") (result i32) (i32.const 7)))
(assert_return (invoke "f") (i32.const 7))
(assert_return (invoke "f") (i32.const 8))
)");
  auto run_with_list = [&](const std::string& list) {
    return run("wast --known-failures " + write("known.txt", list).string() + " " + script.string());
  };
  auto r = run_with_list("partly.wast passes=2 one command expects the wrong value\n");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("known-fail partly.wast: 2 passed, 1 failed — one command expects the wrong value"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(run_with_list("partly.wast no count given\n").status, 0);

  r = run_with_list("partly.wast passes=3 a regression: one passed more before\n");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("CHANGED partly.wast: 2 passed, the known-failures list says passes=3"), std::string::npos)
      << r.out;

  r = run_with_list("partly.wast passes=x reason\n");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.err.find("bad count 'passes=x' for partly.wast"), std::string::npos) << r.err;

  script = write("partly.wast", R"((module (func (export "f") (result i32) (i32.const 7)))
(assert_return (invoke "f") (i32.const 7))
)");
  r = run_with_list("partly.wast passes=2 fixed since\n");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("FIXED partly.wast: all 2 passed"), std::string::npos) << r.out;
}

// The runner is as strict as the reference interpreter's: a command that
// fails for another reason than the script names is a failure.
TEST_F(CliTest, WastFailsCommandsThatFailForAnotherReason) {
  const std::string cases[] = {
      // a trap with another message
      R"W((module (func (export "f") unreachable)) (assert_trap (invoke "f") "integer divide by zero"))W",
      // malformed text where the script expects a validation error
      R"W((assert_invalid (module quote "(func (i32.const))") "type mismatch"))W",
      // a validation error where the script expects a malformed module
      R"W((assert_malformed (module (func (result i32) (i64.const 0))) "type mismatch"))W",
      // a validation error with another message
      R"W((assert_invalid (module (func (result i32) (i64.const 0))) "unknown local"))W",
      // exhaustion expected, a trap of another kind happens
      R"W((module (func (export "f") unreachable)) (assert_exhaustion (invoke "f") "call stack exhausted"))W",
      // unlinkable expected, the start function traps instead
      R"W((assert_unlinkable (module (func unreachable) (start 0)) "unknown import"))W",
  };
  int i = 0;
  for (const std::string& script : cases) {
    auto path = write("case" + std::to_string(i++) + ".wast", script);
    auto r = run("wast " + path.string());
    EXPECT_EQ(r.status, 1) << script << "\n" << r.out;
    EXPECT_NE(r.out.find(" 1 failed"), std::string::npos) << script << "\n" << r.out;
  }
  // and the same commands pass when the script names the real reason
  auto good = write("good.wast", R"W((module (func (export "f") unreachable) (func (export "r") (call 1)))
(assert_trap (invoke "f") "unreachable")
(assert_exhaustion (invoke "r") "call stack exhausted")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_uninstantiable (module (func unreachable) (start 0)) "unreachable")
)W");
  auto r = run("wast " + good.string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("6 passed, 0 failed"), std::string::npos) << r.out;
}

// Issue 13, item 8: an unlinkable module names the import and both types;
// validation errors outside the code section carry their real offset.
TEST_F(CliTest, UnlinkableImportIsNamedWithItsTypes) {
  auto unknown = write("u.wat", R"((module (import "env" "f" (func (param i32)))))");
  auto r = run("run --invoke x " + unknown.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("unknown import: \"env\".\"f\": func [i32] -> [] at offset 0x"), std::string::npos) << r.err;
  auto wrong = write("w.wat", R"((module (import "wasi_snapshot_preview1" "fd_write" (func (param i32)))))");
  r = run("run --invoke x " + wrong.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("incompatible import type: \"wasi_snapshot_preview1\".\"fd_write\": expected func [i32] -> [], "
                       "got func [i32 i32 i32 i32] -> [i32]"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, ValidationErrorsOutsideCodeCarryTheirOffset) {
  // (module (memory 1) (memory 70000)): the second memory's entry is at 0x0d.
  const std::pair<const char*, const char*> cases[] = {
      {"(module (memory 70000))", "memory size must be at most 65536 pages (4GiB) at offset 0xb"},
      {"(module (memory 1) (memory 1))", "multiple memories at offset 0xd"},
      {"(module (table 2 1 funcref))", "size minimum must not be greater than maximum at offset 0xb"},
  };
  for (const auto& [wat, message] : cases) {
    auto m = write("v.wat", wat);
    auto r = run("run --invoke x " + m.string());
    EXPECT_EQ(r.status, 1) << wat;
    EXPECT_NE(r.err.find(message), std::string::npos) << wat << ": " << r.err;
  }
}

// Issue 13, item 2 (in part): --time-limit ends a guest that loops in wasm
// (at its next function entry or loop iteration) or that is blocked in a
// host call (after a grace second), exit status 124, with one line naming
// the limit; mywasm wast interrupts a command that runs too long.
TEST_F(CliTest, TimeLimitEndsLoopsAndBlockedHostCalls) {
  const std::string spin_wat = R"((module (func $spin (export "spin") (loop (br 0)))))";
  auto spin = write("spin.wat", spin_wat);
  auto start = std::chrono::steady_clock::now();
  auto r = run("run --time-limit 200 --invoke spin " + spin.string());
  EXPECT_EQ(r.status, 124) << r.err;
  // Interrupted at the loop's header (the body starts at 0x20 with its locals).
  EXPECT_EQ(r.err, "mywasm: time limit of 200 ms exceeded (--time-limit)\n  0: spin @ 0x21 (+0x1)\n");
  EXPECT_EQ(byte_at(spin_wat, 0x21), 0x03);  // loop
  // poll_oneoff on a 30 s clock: stuck in the host, ended after the grace second.
  auto sleeper = write("sleep.wat", R"((module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "\01\00\00\00\00\00\00\00\00\5e\d0\b2\06\00\00\00")  ;; monotonic, 30 s
    (func (export "_start") (drop (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))))");
  r = run("run --timeout 200 " + sleeper.string());
  EXPECT_EQ(r.status, 124) << r.err;
  EXPECT_NE(r.err.find("time limit of 200 ms exceeded (--time-limit), in a host call"), std::string::npos) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  auto script = write("spin.wast", R"((module (func (export "spin") (loop (br 0))))
(assert_return (invoke "spin"))
)");
  r = run("wast --time-limit 200 " + script.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("spin: interrupted"), std::string::npos) << r.out;
}

}  // namespace

namespace mywasm_test {
namespace {

const char* kBounds = R"((module
  (memory 1 2)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "sum") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.load8_u (local.get 0))))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))))";

// Each tier, and compiled code both with the guard region (an unchecked
// access faults, the fault becomes the trap) and without it (an address
// space too small for the 8 GiB reservation: explicit checks). Tiered both
// ways: compiled at the first call (sync), and in the background (the first
// call traps in the interpreter, or in compiled code if the helper was quick).
TEST_F(CliTest, OutOfBoundsAccessesTrapInEveryTierWithOrWithoutGuardPages) {
  auto m = write("m.wat", kBounds);
  for (std::string tier : {"interp", "jit", "tiered --tier-up-threshold 1 --tier-up-compile sync",
                           "tiered --tier-up-threshold 1 --tier-up-compile background"}) {
    for (std::string limit : {"", "ulimit -v 3000000; "}) {
      const std::string what = tier + " / " + (limit.empty() ? "guarded" : "explicit checks");
      const std::string sh = "sh -c '" + limit + "exec " + MYWASM_BIN + " run --tier " + tier + " --invoke ";
      Outcome in = run_shell(sh + "load " + m.string() + " 65532'");
      EXPECT_EQ(in.status, 0) << what << ": " << in.err;
      EXPECT_EQ(in.out, "0\n") << what;
      Outcome out = run_shell(sh + "load " + m.string() + " 65533'");
      EXPECT_EQ(out.status, 134) << what;
      EXPECT_EQ(out.err.rfind("mywasm: trap: out of bounds memory access\n", 0), 0u) << what << ": " << out.err;
      EXPECT_NE(out.err.find("load"), std::string::npos) << what << ": " << out.err;
      Outcome loop = run_shell(sh + "sum " + m.string() + " 3000'");
      EXPECT_EQ(loop.status, 0) << what << ": " << loop.err;
      EXPECT_EQ(loop.out, "0\n") << what;
    }
  }
}

// Issue 13, item 1: under a 1 GiB address-space limit (no room for an 8 GiB
// reservation) a WASI program's memory, which has no declared maximum,
// falls back to a bounded reservation; asking for guard pages there is a
// clear load error; --bounds-checks explicit works with any limit.
TEST_F(CliTest, ProgramsRunUnderAOneGibAddressSpaceLimitInEveryTier) {
  const std::string hello = std::string(MYWASM_PROGRAMS_DIR) + "/hello.wasm";
  const Outcome native = run("run --tier interp " + hello);
  ASSERT_EQ(native.status, 0) << native.err;
  for (std::string tier : {"interp", "jit", "tiered --tier-up-threshold 1"}) {
    for (std::string checks : {"auto", "explicit"}) {
      const std::string what = tier + " / " + checks;
      Outcome r = run_shell("sh -c 'ulimit -v 1048576; exec " + std::string(MYWASM_BIN) + " run --tier " + tier +
                            " --bounds-checks " + checks + " " + hello + "'");
      EXPECT_EQ(r.status, 0) << what << ": " << r.err;
      EXPECT_EQ(r.out, native.out) << what;
    }
  }
  Outcome guard = run_shell("sh -c 'ulimit -v 1048576; exec " + std::string(MYWASM_BIN) +
                            " run --bounds-checks guard-pages " + hello + "'");
  EXPECT_EQ(guard.status, 1);
  EXPECT_NE(guard.err.find("cannot reserve 8 GiB of address space for a memory (guard pages were asked for)"),
            std::string::npos)
      << guard.err;
  Outcome bad = run("run --bounds-checks sometimes " + hello);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--bounds-checks"), std::string::npos) << bad.err;
}

// Issue 13, item 3: whatever runs out of host memory (reading the module,
// reserving a memory, the value stack, translating a function on its first
// call), mywasm ends with one line and status 0 or 1, never by abort (134)
// or a signal. The limits step through the phases of loading a 28 MB module.
TEST_F(CliTest, RunningOutOfHostMemoryIsAnErrorNeverAnAbort) {
  const std::string big = std::string(MYWASM_PROGRAMS_DIR) + "/big.wasm";
  for (std::string tier : {"interp", "jit", "tiered"}) {
    for (int kib : {20000, 36000, 48000, 56000, 72000, 100000}) {
      const std::string what = tier + " at " + std::to_string(kib) + " KiB";
      Outcome r = run_shell("sh -c 'ulimit -v " + std::to_string(kib) + "; exec " + std::string(MYWASM_BIN) +
                            " run --tier " + tier + " " + big + " > /dev/null'");
      EXPECT_TRUE(r.status == 0 || r.status == 1) << what << ": status " << r.status << ": " << r.err;
      if (r.status == 1) {
        EXPECT_EQ(r.err.rfind("mywasm: ", 0), 0u) << what << ": " << r.err;
      }
      EXPECT_EQ(r.err.find("terminate"), std::string::npos) << what << ": " << r.err;
    }
  }
}

// Issue 13, item 2: --gas-limit (or --fuel) counts executed instructions:
// exit status 125 with one line naming the limit and the wasm backtrace,
// the guest's output so far written; enough gas changes nothing.
TEST_F(CliTest, GasLimitEndsTheGuestWithItsOwnStatus) {
  const std::string wat = R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "\20\00\00\00\06\00\00\00")  ;; one iovec: 6 bytes at 32
    (data (i32.const 32) "hello\0a")
    (func $count (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func $spin (loop $l (br $l)))
    (func (export "_start")
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
      (drop (call $count (i32.const 1000)))
      (call $spin))
    (func (export "finite") (result i32) (call $count (i32.const 1000)))))";
  auto m = write("gas.wat", wat);
  // Out of gas in spin's loop, called by _start (the same in every tier).
  EXPECT_EQ(byte_at(wat, 0x8b), 0x03);  // loop
  EXPECT_EQ(byte_at(wat, 0xa4), 0x10);  // call $spin
  for (std::string tier : {"interp", "jit", "tiered --tier-up-threshold 1"}) {
    Outcome r = run("run --tier " + tier + " --gas-limit 100000 " + m.string());
    EXPECT_EQ(r.status, 125) << tier << ": " << r.err;
    EXPECT_EQ(r.out, "hello\n") << tier;
    EXPECT_EQ(r.err,
              "mywasm: gas limit of 100000 instructions exhausted (--gas-limit)\n"
              "  0: spin @ 0x8b (+0x1)\n  1: _start @ 0xa4 (+0x12)\n")
        << tier;
    // count(1000) takes 8 * 1000 + 4 instructions, plus the call: 8,007.
    Outcome enough = run("run --tier " + tier + " --fuel 8007 --invoke finite " + m.string());
    EXPECT_EQ(enough.status, 0) << tier << ": " << enough.err;
    EXPECT_EQ(enough.out, "1000\n") << tier;
    Outcome short_of = run("run --tier " + tier + " --fuel 7000 --invoke finite " + m.string());
    EXPECT_EQ(short_of.status, 125) << tier << ": " << short_of.err;
  }
}

// The words after the module path are the guest's from the first one that
// is not one of mywasm's options (or from after a "--"), whether mywasm's
// options come first (parsed by CLI11) or none do (the path first: no CLI11
// at all), with "run" or without; --help there is the guest's.
TEST_F(CliTest, WordsAfterTheModulePathAreTheGuests) {
  // Writes the guest's argv, each word ending in a NUL, to stdout.
  auto m = write("args.wat", R"((module
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (drop (call $sizes (i32.const 0) (i32.const 4)))
      (drop (call $get (i32.const 1024) (i32.const 4096)))
      (i32.store (i32.const 16) (i32.const 4096))
      (i32.store (i32.const 20) (i32.load (i32.const 4)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))))");
  using namespace std::string_literals;
  const std::string path = m.string() + "\0"s;
  const struct {
    std::string after;  // the words after the module path
    std::string argv;   // the guest's argv after its argv[0]
  } cases[] = {
      {" x --invoke y --help -- 'two words' -v", "x\0--invoke\0y\0--help\0--\0two words\0-v\0"s},
      {" -- --invoke x --env A=B", "--invoke\0x\0--env\0A=B\0"s},
      {" --help x", "--help\0x\0"s},
      {" --unknown --env A=B", "--unknown\0--env\0A=B\0"s},
      {" --env A=B --env=E=F --no-fusion -- --env C=D", "--env\0C=D\0"s},
      {" --env A=B --dir . x --env C=D", "x\0--env\0C=D\0"s},
      {"", ""},
  };
  for (std::string command : {"run ", "", "run --env A=B ", "--tier interp "}) {
    for (const auto& c : cases) {
      Outcome r = run(command + m.string() + c.after);
      EXPECT_EQ(r.status, 0) << command << "..." << c.after << ": " << r.err;
      EXPECT_EQ(r.out, path + c.argv) << command << "..." << c.after;
    }
  }
}

// WasmEdge's order: `mywasm run app.wasm --dir .:/ --env K=V` gives the
// guest the directory and the variable, not those words as arguments.
TEST_F(CliTest, OptionsAfterTheModulePathAreMywasms) {
  auto m = write("cat.wat", R"((module
    (import "wasi_snapshot_preview1" "path_open"
      (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $arg_sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "in.txt")
    ;; Exits 10 + argc when the guest got arguments, 20 without the one
    ;; variable; else copies in.txt (opened in fd 3, the first preopen) to stdout.
    (func (export "_start")
      (drop (call $arg_sizes (i32.const 0) (i32.const 4)))
      (if (i32.ne (i32.load (i32.const 0)) (i32.const 1))
        (then (call $exit (i32.add (i32.const 10) (i32.load (i32.const 0))))))
      (drop (call $env_sizes (i32.const 0) (i32.const 4)))
      (if (i32.ne (i32.load (i32.const 0)) (i32.const 1)) (then (call $exit (i32.const 20))))
      (if (call $open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 6) (i32.const 0)
                      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8))
        (then (call $exit (i32.const 30))))
      (i32.store (i32.const 16) (i32.const 1024))
      (i32.store (i32.const 20) (i32.const 100))
      (drop (call $read (i32.load (i32.const 8)) (i32.const 16) (i32.const 1) (i32.const 24)))
      (i32.store (i32.const 20) (i32.load (i32.const 24)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))))");
  fs::create_directories(dir_ / "data");
  auto dir = write("data/in.txt", "from the preopen\n").parent_path();
  Outcome r = run("run " + m.string() + " --dir .:" + dir.string() + " --env K=V");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "from the preopen\n");
  // The same words after "--" are the guest's: four arguments, no preopen.
  Outcome guests = run("run " + m.string() + " -- --dir .:" + dir.string() + " --env K=V");
  EXPECT_EQ(guests.status, 15) << guests.err;  // 10 + argc (argv[0] and four)
  // An option after the path without its value is a usage error naming it.
  Outcome missing = run("run " + m.string() + " --env K=V --dir");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("--dir"), std::string::npos) << missing.err;
}

TEST_F(CliTest, BadTierIsAUsageError) {
  auto m = write("m.wat", kBounds);
  Outcome r = run("run --tier fast --invoke load " + m.string() + " 0");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--tier"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mywasm_test
