#!/usr/bin/env python3
"""Compares mywasm with native code and with node (V8) on the C kernels.

    bench/run_kernels.py [--mywasm build/tools/mywasm] [--kernels build/bench/kernels] [--runs 3]

Each kernel is one C source built three ways: natively (clang -O2, which
auto-vectorises with the host's SSE2), to wasm (K.wasm: clang -O2 for
wasm32, scalar code only) and to wasm with -msimd128 (K.simd128.wasm: the
same auto-vectoriser, for wasm's 128-bit SIMD). For each kernel it times,
best of N wall-clock runs of the whole process, the native build and
`mywasm run --tier T --invoke run` (T: interp, jit, tiered), the same with
`--tier jit --jit-compiler lean` (jit-lean), `full` (jit-full) and
`node node_runner.mjs` on both wasm builds;
checks that all print the same checksum; and prints the ratios to native
with their geometric means. Process start-up is included in every figure
(a few ms, small against the 0.04-1 s kernels).
"""
import shutil
import sys
from pathlib import Path

from kernel_timing import best_time, geomean, parse_args

HERE = Path(__file__).resolve().parent
BUILDS = [("scalar", ".wasm"), ("simd128", ".simd128.wasm")]


def main():
    args = parse_args(__doc__, "build/bench/kernels")

    node = shutil.which("node")
    kernels = sorted(Path(args.kernels).glob("*.native"))
    if args.only:
        kernels = [k for k in kernels if args.only in k.stem]
    if not kernels:
        sys.exit(f"no kernels in {args.kernels} (build the bench_kernels target)")

    # Each tier of mywasm (tiered: the default, functions compiled once hot).
    runners = [(tier, lambda w, tier=tier: [args.mywasm, "run", "--tier", tier, "--invoke", "run", str(w)])
               for tier in ("interp", "jit", "tiered")]
    # The lean compiler, every function compiled first.
    runners.append(("jit-lean", lambda w: [args.mywasm, "run", "--tier", "jit", "--jit-compiler", "lean", "--invoke", "run",
                                           str(w)]))
    # The full compiler alone (`jit` is the default, both: lean code first,
    # hot functions recompiled by the full compiler).
    runners.append(("jit-full", lambda w: [args.mywasm, "run", "--tier", "jit", "--jit-compiler", "full", "--invoke", "run",
                                           str(w)]))
    if node:
        runners.append(("node", lambda w: [node, str(HERE / "node_runner.mjs"), str(w)]))
    columns = [(r, b) for r, _ in runners for b, _ in BUILDS]
    header = "".join(f"{r + ' ' + b:>16}" for r, b in columns)
    print(f"{'kernel':<15}{'native s':>9}{header}")
    print(f"{'':<24}" + "".join(f"{'/native':>16}" for _ in columns))
    ratios = {c: [] for c in columns}
    for native in kernels:
        native_t, expected = best_time([str(native)], args.runs)
        row = f"{native.stem:<15}{native_t:>9.3f}"
        for runner, make_cmd in runners:
            for build, suffix in BUILDS:
                wasm = native.with_name(native.stem + suffix)
                t, got = best_time(make_cmd(wasm), args.runs)
                if got != expected:
                    sys.exit(f"{wasm.name}: {runner} printed {got}, native {expected}")
                ratios[(runner, build)].append(t / native_t)
                row += f"{t / native_t:>15.2f}x"
        print(row)
    print(f"{'geomean':<24}" + "".join(f"{geomean(ratios[c]):>15.2f}x" for c in columns))
    print(f"{'worst':<24}" + "".join(f"{max(ratios[c]):>15.2f}x" for c in columns))


if __name__ == "__main__":
    main()
