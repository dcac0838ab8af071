#!/usr/bin/env python3
"""Whole programs from Debian's source packages, natively and in mywasm's
tiers and node, as ratios to native time measured in one run.

    bench/programs/setup.sh            # once: fetch and build (network, root)
    bench/run_programs.py [--programs build/bench-programs] [--runs 3]

Each program is built natively and for wasm32-wasi from the same source
with the same clang flags, bulk memory and non-trapping conversions added
for wasm (bench/programs/setup.sh). For each, the best of
N wall-clock runs of the whole process: native, `mywasm run --tier T`
(T: interp, jit, tiered; the default compiler, both: lean code first, the
full compiler's for hot functions), `--tier jit --jit-compiler lean`
(jit-lean) and `full` (jit-full)
and node's WASI; every run's output must match the
native one (speedtest1's own timings excepted). Prints each ratio and the
geometric means.
"""
import argparse
import re
import shutil
import sys
from pathlib import Path

from kernel_timing import ROOT, best_time, geomean

HERE = Path(__file__).resolve().parent
PROGRAMS = [
    ("sqlite3 speedtest1", "speedtest1", ["--memdb", "--size", "30"]),
    ("zlib", "zlib", []),
    ("bzip2", "bzip2", []),
    ("lua5.4", "lua", []),
]


def normalized(out):
    # speedtest1 prints its own timings (fixed clock in the wasm build).
    return "\n".join(re.sub(r"\s+[0-9.]+s$", "", line) for line in out.splitlines())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--programs", default=str(ROOT / "build/bench-programs"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    d = Path(args.programs)
    node = shutil.which("node")
    runners = [(t, lambda w, a, t=t: [args.mywasm, "run", "--tier", t, str(w), *a]) for t in ("interp", "jit", "tiered")]
    # The lean compiler (straight from the wasm body), every function compiled first.
    runners.append(("jit-lean", lambda w, a: [args.mywasm, "run", "--tier", "jit", "--jit-compiler", "lean", str(w), *a]))
    # The full compiler alone (`jit` is the default, both: lean code first,
    # hot functions recompiled by the full compiler).
    runners.append(("jit-full", lambda w, a: [args.mywasm, "run", "--tier", "jit", "--jit-compiler", "full", str(w), *a]))
    if node:
        runners.append(("node", lambda w, a: [node, str(HERE / "node_wasi_runner.mjs"), str(w), *a]))
    print(f"{'program':<20}{'native s':>9}" + "".join(f"{r:>10}" for r, _ in runners))
    ratios = {r: [] for r, _ in runners}
    for label, name, prog_args in PROGRAMS:
        native, wasm = d / f"{name}.native", d / f"{name}.wasm"
        if not native.exists() or not wasm.exists():
            sys.exit(f"{native} or {wasm} missing: run bench/programs/setup.sh")
        native_t, expected = best_time([str(native), *prog_args], args.runs)
        row = f"{label:<20}{native_t:>9.3f}"
        for runner, make in runners:
            t, out = best_time(make(wasm, prog_args), args.runs)
            if normalized(out) != normalized(expected):
                sys.exit(f"{label}: {runner} printed\n{out}\nnative printed\n{expected}")
            ratios[runner].append(t / native_t)
            row += f"{t / native_t:>9.2f}x"
        print(row, flush=True)
    print(f"{'geomean':<29}" + "".join(f"{geomean(ratios[r]):>9.2f}x" for r, _ in runners))
    print(f"{'worst':<29}" + "".join(f"{max(ratios[r]):>9.2f}x" for r, _ in runners))


if __name__ == "__main__":
    main()
