#!/usr/bin/env python3
"""Where the interpreter spends its time on one program, per handler kind.

Samples `mywasm run --tier interp PROGRAM ARGS...` with perf (cpu-clock, a
software event: no hardware counters needed) and attributes each sample in
the interpreter loop to the handler whose code it falls in: the handler
with the greatest start address at or below the sample. Handler addresses
come from `interp_census --handler-addresses` (the loop is the same code in
every binary of one build; its start comes from `nm`). Code a handler jumps
to that lies elsewhere (shared call and trap paths) counts for the handler
laid out before it, so read the top of the list, not its exact shares.

  bench/interp_profile.py [--build build] [--top 40] -- PROGRAM.wasm ARGS...
"""
import argparse
import bisect
import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LOOP_SYMBOL = re.compile(r"interp::\(anonymous namespace\)::run<0>")


def loop_start(binary):
    out = subprocess.run(["nm", "-C", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tT" and LOOP_SYMBOL.search(parts[2]) and "[clone" not in parts[2]:
            return int(parts[0], 16)
    sys.exit(f"{binary}: no interpreter loop symbol (built without symbols?)")


def handler_offsets(census):
    """Sorted (offset in the loop, handler name) pairs."""
    start = loop_start(census)
    out = subprocess.run([census, "--handler-addresses"], capture_output=True, text=True, check=True).stdout
    pairs = []
    for line in out.splitlines():
        _, address, name = line.split("\t", 2)
        pairs.append((int(address, 16) - start, name))
    return sorted(pairs)


def sample_offsets(mywasm, program_args):
    """Offsets into the loop of each perf sample, and the total sample count."""
    with tempfile.TemporaryDirectory() as tmp:
        data = str(Path(tmp) / "perf.data")
        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-o", data, mywasm, "run", "--tier", "interp",
                        *program_args], stdout=subprocess.DEVNULL, check=True)
        script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym,symoff"], capture_output=True, text=True,
                                check=True).stdout
    offsets, total = [], 0
    for line in script.splitlines():
        total += 1
        if LOOP_SYMBOL.search(line):
            m = re.search(r"\+0x([0-9a-f]+)", line)
            if m:
                offsets.append(int(m.group(1), 16))
    return offsets, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    program = [a for a in args.program if a != "--"]
    if not program:
        ap.error("give the program and its arguments after --")
    build = Path(args.build)
    handlers = handler_offsets(str(build / "bench" / "interp_census"))
    starts = [o for o, _ in handlers]
    offsets, total = sample_offsets(str(build / "tools" / "mywasm"), program)
    per_handler = collections.Counter()
    for off in offsets:
        i = bisect.bisect_right(starts, off) - 1
        per_handler[handlers[i][1] if i >= 0 else "(loop entry)"] += 1
    print(f"{total} samples, {len(offsets)} in the interpreter loop ({100 * len(offsets) / max(total, 1):.1f}%)")
    for name, n in per_handler.most_common(args.top):
        print(f"{100 * n / max(total, 1):6.2f}%  {name}")


if __name__ == "__main__":
    main()
