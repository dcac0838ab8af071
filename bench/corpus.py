#!/usr/bin/env python3
"""The interpreter's benchmark corpus (issue 11): which handler kinds the
translator emits over it, and how fast the interpreter runs it.

    bench/corpus.py census           # handler kinds emitted, per kind and per family
    bench/corpus.py time             # per program: interpreter / native
    bench/corpus.py compare A=PATH B=PATH[@fam,fam] ...   # interleaved A/B timing

Static corpus (census): the Debian programs (bench/programs/setup.sh), the
kernels (scalar and simd128 builds), the WASI test suite's .wasm programs
(../shared/wasi-testsuite) and our test programs (build/programs, but not
the synthetic big.wasm). Every wasm-defined function is translated with
the fused forms (interp_census; --plain: without) and each instruction
counted by its handler kind.

Timed corpus (time, compare): the four Debian programs and the seven
scalar kernels under `mywasm run --tier interp`. Each figure is the best
of N runs' user CPU time of the whole process (less disturbed by other
load than wall-clock time on a shared machine); every run's output must
match the native one.

compare runs the variants interleaved (round by round, program by
program) and prints each variant's per-program time relative to the first
variant and the geometric mean of those ratios. `@fam,...` sets
MYWASM_INTERP_OFF for that variant (families of fused forms the translator
then leaves out; see translate.cpp). Give the first variant twice (A=...
A2=...) to see the noise of an A/A comparison.
"""
import argparse
import math
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from kernel_timing import ROOT, geomean
from run_programs import PROGRAMS, normalized


def user_time_of(cmd, env=None):
    """User CPU seconds of one run of cmd (the whole process), and its stdout."""
    pid = os.fork()
    if pid == 0:  # child: stdout to a pipe file, exec
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            os.dup2(_out_fd, 1)
            os.execve(cmd[0], cmd, env if env is not None else os.environ)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    os.lseek(_out_fd, 0, os.SEEK_SET)
    out = os.read(_out_fd, 1 << 24).decode(errors="replace")
    os.ftruncate(_out_fd, 0)
    os.lseek(_out_fd, 0, os.SEEK_SET)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(map(str, cmd))}")
    return usage.ru_utime, out


_out_fd = os.open("/tmp", os.O_TMPFILE | os.O_RDWR)  # the child's stdout


def timed_corpus(args):
    """(name, native command, wasm args builder) for every timed program."""
    items = []
    d = Path(args.programs)
    for label, name, prog_args in PROGRAMS:
        label = label.split()[0]  # (the package: "sqlite3", not "sqlite3 speedtest1")
        native, wasm = d / f"{name}.native", d / f"{name}.wasm"
        if not native.exists() or not wasm.exists():
            sys.exit(f"{native} or {wasm} missing: run bench/programs/setup.sh")
        items.append((label, [str(native), *prog_args], lambda my, w=wasm, a=prog_args: [my, "run", "--tier", "interp", str(w), *a]))
    kernels = sorted(Path(args.kernels).glob("*.native"))
    if not kernels:
        sys.exit(f"no kernels in {args.kernels} (build the bench_kernels target)")
    for k in kernels:
        w = k.with_name(k.stem + ".wasm")
        items.append((k.stem, [str(k)], lambda my, w=w: [my, "run", "--tier", "interp", "--invoke", "run", str(w)]))
    return items


def cmd_time(args):
    items = timed_corpus(args)
    print(f"{'program':<15}{'native s':>9}{'interp s':>9}{'/native':>9}")
    ratios = []
    for label, native_cmd, make in items:
        nt, expected = min(user_time_of(native_cmd) for _ in range(args.runs))
        best, out = math.inf, None
        for _ in range(args.runs):
            t, out = user_time_of(make(args.mywasm))
            if normalized(out.strip()) != normalized(expected.strip()):
                sys.exit(f"{label}: mywasm printed\n{out}\nnative printed\n{expected}")
            best = min(best, t)
        ratios.append(best / nt)
        print(f"{label:<15}{nt:>9.3f}{best:>9.3f}{best / nt:>8.2f}x", flush=True)
    print(f"{'geomean':<33}{geomean(ratios):>8.2f}x")
    print(f"{'worst':<33}{max(ratios):>8.2f}x")


def cmd_compare(args):
    variants = []
    for spec in args.variants:
        label, _, rest = spec.partition("=")
        path, _, off = rest.partition("@")
        env = dict(os.environ)
        env.pop("MYWASM_INTERP_OFF", None)
        if off:
            env["MYWASM_INTERP_OFF"] = off
        variants.append((label, path, env))
    items = timed_corpus(args)
    expected = {}
    for label, native_cmd, _ in items:
        expected[label] = normalized(user_time_of(native_cmd)[1].strip())
    times = defaultdict(list)  # (variant, program) -> times
    for r in range(args.runs):
        for label, native_cmd, make in items:
            times[("native", label)].append(user_time_of(native_cmd)[0])
            for vlabel, path, env in variants:
                t, out = user_time_of(make(path), env)
                if normalized(out.strip()) != expected[label]:
                    sys.exit(f"{label}: {vlabel} printed\n{out}\nnative printed\n{expected[label]}")
                times[(vlabel, label)].append(t)
        print(f"round {r + 1} of {args.runs} done", file=sys.stderr, flush=True)
    base = variants[0][0]
    print(f"{'program':<15}{base + ' s':>10}" + "".join(f"{v:>14}" for v, _, _ in variants[1:]))
    geo = defaultdict(list)
    for label, _, _ in items:
        b = min(times[(base, label)])
        row = f"{label:<15}{b:>10.3f}"
        for v, _, _ in variants[1:]:
            ratio = min(times[(v, label)]) / b
            geo[v].append(ratio)
            row += f"{ratio:>13.3f}x"
        print(row)
    print(f"{'geomean':<25}" + "".join(f"{geomean(geo[v]):>13.3f}x" for v, _, _ in variants[1:]))
    # Each variant against native (best user time of each).
    print(f"\n{'program':<15}{'native s':>10}" + "".join(f"{v + '/nat':>14}" for v, _, _ in variants))
    nat = defaultdict(list)
    for label, _, _ in items:
        n = min(times[("native", label)])
        row = f"{label:<15}{n:>10.3f}"
        for v, _, _ in variants:
            ratio = min(times[(v, label)]) / n
            nat[v].append(ratio)
            row += f"{ratio:>13.2f}x"
        print(row)
    print(f"{'geomean':<25}" + "".join(f"{geomean(nat[v]):>13.2f}x" for v, _, _ in variants))
    print(f"{'worst':<25}" + "".join(f"{max(nat[v]):>13.2f}x" for v, _, _ in variants))
    # Noise: per variant and program, the spread of its runs (max/min - 1).
    spread = [max(ts) / min(ts) - 1 for key, ts in times.items() if key[0] != "native"]
    print(f"run-to-run spread (max/min - 1) over all variants and programs: median {sorted(spread)[len(spread) // 2] * 100:.1f}%, "
          f"max {max(spread) * 100:.1f}%")


# Families of handler kinds, by name (see disasm.cpp's names).
def family(name):
    if name.startswith("xor_rot"):
        return "xor_rot"
    if name.startswith("f64.mul>f64.mul>"):
        return "mul_chain_rmw"
    if "[rmw" in name and ">" in name:
        return "chain_rmw" if not name.startswith(("i32x4", "f32x4", "f64x2")) else "simd_chain_rmw"
    if name.startswith(("br_if[i32.add imm>", "br_unless[i32.add imm>")):
        return "branch_add"
    if name.startswith(("br_if[", "br_unless[")):
        return "branch_imm" if name.endswith(" imm]") else "branch"
    if ">" in name:
        return "chain"
    simd = name.startswith(("i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "v128"))
    for suffix, fam in (("[load+add]", "load_add_op"), ("[load]", "load_op"), ("[store]", "store_result"),
                        ("[rmw]", "rmw"), ("[imm]", "imm"), ("[add]", "addr_add")):
        if name.endswith(suffix):
            return ("simd_" + fam) if simd and fam != "addr_add" else fam
    if name in ("Copy2", "Copy3", "Copy4"):
        return "copyn"
    return "plain"


def census_files(args):
    files = sorted(Path(args.programs).glob("*.wasm"))
    files += sorted(Path(args.kernels).glob("*.wasm"))
    files += sorted((ROOT.parent / "shared/wasi-testsuite").rglob("*.wasm"))
    files += sorted(p for p in (ROOT / "build/programs").rglob("*.wasm") if p.name != "big.wasm")
    return files


def cmd_census(args):
    files = census_files(args)
    cmd = [args.census] + (["--plain"] if args.plain else []) + [str(f) for f in files]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    kinds, modules, skipped = {}, [], []
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "kind":
            kinds[parts[2]] = int(parts[1])
        elif parts[0] == "module":
            modules.append((parts[1], int(parts[2]), int(parts[3])))
        elif parts[0] == "skip":
            skipped.append(parts[1:])
    total = sum(kinds.values())
    print(f"{len(modules)} modules, {sum(m[1] for m in modules)} functions, {total} instructions "
          f"({len(skipped)} modules skipped)")
    for s in skipped:
        print("  skipped:", *s)
    fam_kinds, fam_count, fam_used = defaultdict(int), defaultdict(int), defaultdict(int)
    for name, n in kinds.items():
        f = family(name)
        fam_kinds[f] += 1
        fam_count[f] += n
        fam_used[f] += n > 0
    print(f"\n{len(kinds)} handler kinds, {sum(n > 0 for n in kinds.values())} emitted at least once\n")
    print(f"{'family':<16}{'kinds':>7}{'emitted':>9}{'instructions':>14}{'share':>8}")
    for f in sorted(fam_kinds, key=lambda f: -fam_count[f]):
        print(f"{f:<16}{fam_kinds[f]:>7}{fam_used[f]:>9}{fam_count[f]:>14}{fam_count[f] / total * 100:>7.2f}%")
    print(f"\n{'count':>10}{'share':>8}  handler kind (family)")
    for name, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        if n == 0 and not args.all:
            continue
        print(f"{n:>10}{n / total * 100:>7.3f}%  {name} ({family(name)})")
    if not args.all:
        print(f"\n(and {sum(n == 0 for n in kinds.values())} kinds never emitted: --all lists them)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--census", default=str(ROOT / "build/bench/interp_census"))
    ap.add_argument("--programs", default="/work/bench-programs" if Path("/work/bench-programs").exists()
                    else str(ROOT / "build/bench-programs"))
    ap.add_argument("--kernels", default=str(ROOT / "build/bench/kernels"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--plain", action="store_true", help="census of the plain translation")
    ap.add_argument("--all", action="store_true", help="census: list kinds never emitted too")
    ap.add_argument("command", choices=["census", "time", "compare"])
    ap.add_argument("variants", nargs="*", help="compare: LABEL=MYWASM[@family,...]")
    args = ap.parse_args()
    if args.command == "census":
        cmd_census(args)
    elif args.command == "time":
        cmd_time(args)
    else:
        if len(args.variants) < 2:
            sys.exit("compare needs at least two variants")
        cmd_compare(args)


if __name__ == "__main__":
    main()
