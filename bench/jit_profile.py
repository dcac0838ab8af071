#!/usr/bin/env python3
"""Where compiled code spends its time on one program, per wasm function.

Samples `mywasm run --tier jit PROGRAM ARGS...` with perf (cpu-clock, a
software event) while MYWASM_PERF_MAP=1 has the JIT append each compiled
function's code range to /tmp/perf-PID.map, then attributes each sample's
address to the function whose range holds it. (perf report does not do it
itself: compiled code lives in a memfd mapping, which perf takes for a
file, not for the anonymous memory its perf-PID.map lookup covers.)
Samples outside compiled code (the runtime, WASI, the kernel) are counted
together.

  bench/jit_profile.py [--mywasm build/tools/mywasm] [--top 30] [--tier jit] -- PROGRAM.wasm ARGS...
"""
import argparse
import bisect
import collections
import subprocess
import sys
import tempfile
from pathlib import Path


def read_map(path):
    ranges = []
    for line in Path(path).read_text().splitlines():
        start, size, name = line.split(" ", 2)
        ranges.append((int(start, 16), int(size, 16), name))
    ranges.sort()
    return ranges


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(Path(__file__).resolve().parent.parent / "build/tools/mywasm"))
    ap.add_argument("--tier", default="jit")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--freq", type=int, default=2000, help="samples per second")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    program = [a for a in args.program if a != "--"] if args.program[:1] == ["--"] else args.program
    if not program:
        ap.error("no program given")

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "perf.data"
        # perf's own pid is the child's parent; the map is named by mywasm's pid.
        cmd = ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(args.freq), "-o", str(data), "--",
               args.mywasm, "run", "--tier", args.tier, *program]
        env = {"MYWASM_PERF_MAP": "1", "PATH": "/usr/bin:/bin"}
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)
        script = subprocess.run(["perf", "script", "-i", str(data), "-F", "pid,ip"], capture_output=True,
                                text=True, check=True).stdout
    samples = [line.split() for line in script.splitlines() if line.strip()]
    if not samples:
        sys.exit("no samples")
    pid = samples[0][0]
    map_path = Path(f"/tmp/perf-{pid}.map")
    if not map_path.exists():
        sys.exit(f"{map_path}: missing (nothing compiled?)")
    ranges = read_map(map_path)
    map_path.unlink()
    starts = [r[0] for r in ranges]
    counts = collections.Counter()
    outside = 0
    for _, ip in samples:
        at = int(ip, 16)
        i = bisect.bisect_right(starts, at) - 1
        if i >= 0 and at < ranges[i][0] + ranges[i][1]:
            counts[ranges[i][2]] += 1
        else:
            outside += 1
    total = len(samples)
    print(f"{total} samples, {total - outside} in compiled code ({100 * (total - outside) / total:.1f}%)")
    for name, n in counts.most_common(args.top):
        print(f"{100 * n / total:6.2f}%  {name}")


if __name__ == "__main__":
    main()
