#!/usr/bin/env python3
"""How much of each program's ratio to native is the libc's, and how much
is the compiled program's own code.

The wasm builds link wasi-libc (musl's C string and math functions,
dlmalloc); the native builds link glibc (vector memcpy/strlen/memcmp, FMA
sin, its malloc). run_programs.py's ratios mix the two gaps. This samples
one native run and one `mywasm run --tier T` run of each program with perf
(cpu-clock at a fixed rate, so samples are CPU time) and sorts every sample
into:

  program   the program's own functions (native: its executable; wasm:
            compiled functions not defined by wasi-libc)
  libc      native: libc.so/libm.so; wasm: compiled functions whose names
            wasi-libc's libc.a defines (llvm-nm), e.g. memcpy, dlmalloc, sin
  other     the kernel, the runtime and WASI (wasm), the dynamic loader

and prints each class's CPU time against native's. A function's samples
land where its code is, so inlining moves them: a libc function the native
compiler inlines (a memcpy of a known size) counts as the program's there.

  bench/libc_share.py [--programs DIR] [--tier jit] [--freq 4000]
"""
import argparse
import bisect
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from kernel_timing import ROOT, geomean
from run_programs import PROGRAMS

CLASSES = ("program", "libc", "other")
WASI_LIBC = Path("/usr/lib/wasm32-wasi")


def libc_names():
    """Every function wasi-libc's archives define, local ones included."""
    names = set()
    for archive in sorted(WASI_LIBC.glob("*.a")):
        out = subprocess.run(["llvm-nm-19", "--defined-only", str(archive)], capture_output=True, text=True,
                             check=True).stdout
        names.update(parts[2] for parts in (line.split() for line in out.splitlines())
                     if len(parts) == 3 and parts[1] in "TtWw")
    return names


def perf_samples(cmd, freq, env=None):
    """(pid, dso, symbol, ip) of each sample of one run of cmd."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "perf.data"
        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(freq), "-o", str(data), "--", *cmd],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out = subprocess.run(["perf", "script", "-i", str(data), "-F", "pid,ip,sym,dso"], capture_output=True,
                             text=True, check=True).stdout
    samples = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            dso = parts[-1].strip("()")
            samples.append((parts[0], dso, " ".join(parts[2:-1]), int(parts[1], 16)))
    return samples


def native_classes(binary, samples):
    counts = collections.Counter()
    for _, dso, _, _ in samples:
        name = Path(dso).name
        if name == binary.name:
            counts["program"] += 1
        elif name.startswith(("libc.so", "libm.so")):
            counts["libc"] += 1
        else:
            counts["other"] += 1
    return counts


def compiled_ranges(pid):
    """Sorted (start, end, function name) from the JIT's perf map."""
    path = Path(f"/tmp/perf-{pid}.map")
    ranges = []
    for line in path.read_text().splitlines():
        start, size, name = line.split(" ", 2)
        ranges.append((int(start, 16), int(start, 16) + int(size, 16), name.split(":", 1)[-1]))
    path.unlink()
    return sorted(ranges)


def wasm_classes(samples, libc):
    ranges = compiled_ranges(samples[0][0])
    starts = [r[0] for r in ranges]
    counts = collections.Counter()
    for _, _, _, ip in samples:
        i = bisect.bisect_right(starts, ip) - 1
        if i >= 0 and ip < ranges[i][1]:
            counts["libc" if ranges[i][2] in libc else "program"] += 1
        else:
            counts["other"] += 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--programs", default=str(ROOT / "build/bench-programs"))
    ap.add_argument("--tier", default="jit")
    ap.add_argument("--freq", type=int, default=4000, help="samples per second")
    args = ap.parse_args()
    d = Path(args.programs)
    libc = libc_names()
    env = dict(os.environ, MYWASM_PERF_MAP="1")
    print(f"CPU time of `--tier {args.tier}` against native's, by where the samples fall")
    print(f"{'program':<20}{'all':>8}" + "".join(f"{c:>10}" for c in CLASSES) +
          "   native's share: program/libc/other")
    overall, by_class = [], {c: [] for c in CLASSES}
    for label, name, prog_args in PROGRAMS:
        native, wasm = d / f"{name}.native", d / f"{name}.wasm"
        if not native.exists() or not wasm.exists():
            sys.exit(f"{native} or {wasm} missing: run bench/programs/setup.sh")
        n = native_classes(native, perf_samples([str(native), *prog_args], args.freq))
        w = wasm_classes(perf_samples([args.mywasm, "run", "--tier", args.tier, str(wasm), *prog_args], args.freq,
                                      env), libc)
        n_total, w_total = sum(n.values()), sum(w.values())
        overall.append(w_total / n_total)
        row = f"{label:<20}{w_total / n_total:>7.2f}x"
        for c in CLASSES:
            ratio = w[c] / n[c] if n[c] else float("nan")
            if n[c]:
                by_class[c].append(ratio)
            row += f"{ratio:>9.2f}x"
        shares = "/".join(f"{100 * n[c] / n_total:.0f}%" for c in CLASSES)
        print(row + f"   {shares}", flush=True)
    print(f"{'geomean':<20}{geomean(overall):>7.2f}x" + "".join(f"{geomean(by_class[c]):>9.2f}x" for c in CLASSES))


if __name__ == "__main__":
    main()
