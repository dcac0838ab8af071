#!/usr/bin/env python3
"""Compares mywasm with native code and with node (V8) on the C kernels.

    bench/run_kernels.py [--mywasm build/tools/mywasm] [--kernels build/bench/kernels] [--runs 3]

For each kernel it times, best of N wall-clock runs of the whole process:
the native build, `mywasm run --invoke run K.wasm`, and `node node_runner.mjs
K.wasm`; checks the three print the same checksum; and prints the ratios
mywasm/native and node/native with their geometric means. Process start-up
is included in every figure (a few ms, small against the 0.05-1 s kernels).
"""
import shutil
import sys
from pathlib import Path

from kernel_timing import best_time, geomean, parse_args

HERE = Path(__file__).resolve().parent


def main():
    args = parse_args(__doc__, "build/bench/kernels")

    node = shutil.which("node")
    kernels = sorted(Path(args.kernels).glob("*.wasm"))
    if args.only:
        kernels = [k for k in kernels if args.only in k.stem]
    if not kernels:
        sys.exit(f"no kernels in {args.kernels} (build the bench_kernels target)")

    print(f"{'kernel':<15}{'native s':>10}{'mywasm/native':>15}{'node/native':>13}")
    ours, v8 = [], []
    for wasm in kernels:
        native_t, expected = best_time([str(wasm.with_suffix(".native"))], args.runs)
        mywasm_t, got = best_time([args.mywasm, "run", "--invoke", "run", str(wasm)], args.runs)
        if got != expected:
            sys.exit(f"{wasm.stem}: mywasm printed {got}, native {expected}")
        ours.append(mywasm_t / native_t)
        node_col = "-"
        if node:
            node_t, got = best_time([node, str(HERE / "node_runner.mjs"), str(wasm)], args.runs)
            if got != expected:
                sys.exit(f"{wasm.stem}: node printed {got}, native {expected}")
            v8.append(node_t / native_t)
            node_col = f"{v8[-1]:.2f}x"
        print(f"{wasm.stem:<15}{native_t:>10.3f}{ours[-1]:>14.2f}x{node_col:>13}")
    print(f"{'geomean':<15}{'':>10}{geomean(ours):>14.2f}x{(f'{geomean(v8):.2f}x' if v8 else '-'):>13}")


if __name__ == "__main__":
    main()
