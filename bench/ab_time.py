#!/usr/bin/env python3
"""Interleaved A/B timing of mywasm binaries on one command line.

    bench/ab_time.py [--rounds 30] OLD NEW [MORE...] -- run --tier jit --invoke f m.wat 50000000

Runs the command with each binary in turn, the order rotated and reversed
from round to round so that a slow spell of a loaded machine falls on all
of them alike, and prints each binary's best (and median) user+system CPU
time and its difference from the first binary's. All must print the same.
"""
import argparse
import os
import subprocess
import sys


def cpu_time(cmd):
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execv(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    if not os.WIFEXITED(status):
        sys.exit(f"{cmd}: status {status}")
    return usage.ru_utime + usage.ru_stime


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args(argv[:split])
    command = argv[split + 1:]
    outputs = {subprocess.run([b, *command], capture_output=True).stdout for b in args.binaries}
    if len(outputs) != 1:
        sys.exit("the binaries print different output")
    times = {b: [] for b in args.binaries}
    n = len(args.binaries)
    for r in range(args.rounds):
        order = args.binaries[r % n:] + args.binaries[:r % n]
        for b in order if (r // n) % 2 == 0 else reversed(order):
            times[b].append(cpu_time([b, *command]))
    base = args.binaries[0]
    best0, median0 = min(times[base]), sorted(times[base])[args.rounds // 2]
    for b in args.binaries:
        best, median = min(times[b]), sorted(times[b])[args.rounds // 2]
        print(f"{b}: best {best:.3f} s ({(best / best0 - 1) * 100:+.1f}%), "
              f"median {median:.3f} s ({(median / median0 - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    main()
