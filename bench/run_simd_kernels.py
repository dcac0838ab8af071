#!/usr/bin/env python3
"""Times the SIMD kernels: the -msimd128 wasm build against the scalar wasm
build of the same source under mywasm, and both against native.

    bench/run_simd_kernels.py [--mywasm build/tools/mywasm] [--kernels build/bench/simd_kernels] [--runs 3]

For each kernel (NAME.simd.wasm, NAME.scalar.wasm, NAME.native, built by the
bench_simd_kernels target) it prints the best-of-N wall time of the native
build, of `mywasm run --invoke run` on the scalar and on the SIMD build, the
speed-up scalar/simd, and simd/native. The three must print the same checksum.
"""
import sys
from pathlib import Path

from kernel_timing import best_time, geomean, parse_args


def main():
    args = parse_args(__doc__, "build/bench/simd_kernels")

    kdir = Path(args.kernels)
    names = sorted(p.name[: -len(".simd.wasm")] for p in kdir.glob("*.simd.wasm"))
    if args.only:
        names = [n for n in names if args.only in n]
    if not names:
        sys.exit(f"no SIMD kernels in {kdir} (build the bench_simd_kernels target)")

    print(f"{'kernel':<15}{'native s':>10}{'scalar s':>10}{'simd s':>10}{'scalar/simd':>13}{'simd/native':>13}")
    speedups, ratios = [], []
    for name in names:
        native_t, expected = best_time([str(kdir / f"{name}.native")], args.runs)
        times = {}
        for build in ("scalar", "simd"):
            t, got = best_time([args.mywasm, "run", "--invoke", "run", str(kdir / f"{name}.{build}.wasm")], args.runs)
            if got != expected:
                sys.exit(f"{name}.{build}: mywasm printed {got}, native {expected}")
            times[build] = t
        speedups.append(times["scalar"] / times["simd"])
        ratios.append(times["simd"] / native_t)
        print(f"{name:<15}{native_t:>10.3f}{times['scalar']:>10.3f}{times['simd']:>10.3f}"
              f"{speedups[-1]:>12.2f}x{ratios[-1]:>12.1f}x")
    print(f"{'geomean':<15}{'':>30}{geomean(speedups):>12.2f}x{geomean(ratios):>12.1f}x")


if __name__ == "__main__":
    main()
