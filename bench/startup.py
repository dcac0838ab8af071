#!/usr/bin/env python3
"""Start-up and footprint: wall time and peak RSS of a hello world.

    bench/startup.py [--mywasm build/tools/mywasm] [--runs 20]
                     [--wasm build/programs/hello.wasm] [--native build/bench/hello_native]
                     [--big build/programs/big.wasm]

Times whole processes, best of N (wall clock from fork to wait, peak RSS
from wait4's ru_maxrss, both taken by spawn_measure.c, a small static
program, so that the parent's pages do not count), for:
  - native      a C hello world built natively (bench/hello_native.c)
  - mywasm      `mywasm run hello.wasm` (the Rust hello, ~5.8 MB, mostly
                DWARF custom sections)
  - node        node's built-in WASI running the same module (node_wasi_runner.mjs)
and, when --big names it, `mywasm run big.wasm` on the generated module of
tests/programs/big (tens of MB: 1500 functions it never calls, a 16 MB data
segment). All must print the same output as the first run of each.
Targets (DESIGN.md, issue 3): mywasm hello under 5 ms wall and 8 MB RSS.
Last, how much of the start-up layout list (tools/startup-order.txt) the
binary still defines.
"""
import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from startup_order import defined_functions

HERE = Path(__file__).resolve().parent


def measure(spawn, cmd, runs):
    """Best wall (s) and best peak RSS (KiB) of `runs` runs, and the output
    of one more run (checked against the others' expectations by the caller)."""
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr.decode(errors='replace')}")
    line = subprocess.run([spawn, str(runs), *cmd], capture_output=True, text=True, check=True).stdout.split()
    wall_us, rss_kib, status = int(line[0]), int(line[1]), int(line[2])
    if status != 0:
        sys.exit(f"failed ({status}) under spawn_measure: {' '.join(cmd)}")
    return wall_us / 1e6, rss_kib, out.stdout


def main():
    root = HERE.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(root / "build/tools/mywasm"))
    ap.add_argument("--wasm", default=str(root / "build/programs/hello.wasm"))
    ap.add_argument("--native", default=str(root / "build/bench/hello_native"))
    ap.add_argument("--big", default=str(root / "build/programs/big.wasm"))
    ap.add_argument("--spawn", default=str(root / "build/bench/spawn_measure"))
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    rows = []
    native = measure(args.spawn, [args.native], args.runs)
    rows.append(("native hello", native))
    mine = measure(args.spawn, [args.mywasm, "run", args.wasm], args.runs)
    rows.append(("mywasm run hello.wasm", mine))
    if mine[2] != native[2]:
        sys.exit(f"mywasm printed {mine[2]!r}, native {native[2]!r}")
    node = shutil.which("node")
    if node:
        rows.append(("node (node:wasi) hello.wasm",
                     measure(args.spawn, [node, str(HERE / "node_wasi_runner.mjs"), args.wasm], max(3, args.runs // 4))))
    if args.big and Path(args.big).exists():
        rows.append((f"mywasm run big.wasm ({Path(args.big).stat().st_size / 1e6:.1f} MB)",
                     measure(args.spawn, [args.mywasm, "run", args.big], max(3, args.runs // 4))))

    print(f"{'':34} {'wall ms':>9} {'peak RSS MB':>12}")
    for name, (wall, rss, _) in rows:
        print(f"{name:34} {wall * 1e3:9.2f} {rss / 1024:12.2f}")
    wall, rss, _ = mine
    print(f"\nmywasm hello: {wall * 1e3:.2f} ms (target < 5), {rss / 1024:.2f} MB peak RSS (target < 8); "
          f"native {native[0] * 1e3:.2f} ms / {native[1] / 1024:.2f} MB")
    print(layout_report(args.mywasm))


def layout_report(binary):
    """How much of tools/startup-order.txt (the start-up functions laid out
    together at link time) the binary still defines: a list gone stale lays
    out less well; bench/startup_order.py writes it again."""
    order = HERE.parent / "tools/startup-order.txt"
    if not order.exists():
        return "start-up layout: no tools/startup-order.txt"
    listed = order.read_text().split()
    try:
        defined = defined_functions(binary)
    except subprocess.CalledProcessError:
        return f"start-up layout: nm failed on {binary}"
    found = sum(name in defined for name in listed)
    return (f"start-up layout: {found} of the {len(listed)} functions of tools/startup-order.txt are in the binary"
            + ("" if found >= 0.9 * len(listed) else " (stale: rerun bench/startup_order.py)"))


if __name__ == "__main__":
    main()
