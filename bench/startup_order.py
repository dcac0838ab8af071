#!/usr/bin/env python3
"""Regenerates tools/startup-order.txt: the functions `mywasm` runs while it
starts up, which the linker lays out together (tools/CMakeLists.txt).

    bench/startup_order.py [--build build] [--out tools/startup-order.txt]

Runs the built `mywasm` under callgrind (valgrind) on the start-up paths
users hit first: `--version`, the Rust hello world of bench/startup.py, and
a C program (wasi-libc's start-up calls other host functions), and writes
the mangled names of the functions they executed that the binary defines,
in the order callgrind first met them, one per line (lld's
--symbol-ordering-file).

Why: on the build VM a page fault costs 10-25 us, and the binary's code is
mapped in 64 KiB at a time; laid out as the compiler emitted them, the
functions a hello world runs were spread over some 2 MB of the binary's
3 MB of code. A stale list is harmless: a name the binary no longer
defines is skipped, and a function missing from it is laid out as before
(after the listed ones). Rerun after start-up code changes much; the
change shows in bench/startup.py's peak RSS.
"""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def defined_functions(binary):
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    return {p[2] for p in (line.split() for line in out.splitlines()) if len(p) == 3 and p[1] in "tTwWiu"}


def executed_functions(binary, args, stdin_text=""):
    """Mangled names of the functions callgrind saw run, first met first."""
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "cg.out"
        run = subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                              binary, *args], input=stdin_text, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{binary} {' '.join(args)} failed under callgrind ({run.returncode}):\n{run.stderr}")
        names = []
        # callgrind names a function once, as "fn=(id) name" or "cfn=(id) name",
        # and by its id alone after that.
        for line in out.read_text(errors="replace").splitlines():
            m = re.match(r"c?fn=\(\d+\) (.+)$", line)
            if m:
                names.append(m.group(1))
        return names


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "tools/startup-order.txt"))
    args = ap.parse_args()
    build = Path(args.build)
    binary = str(build / "tools/mywasm")
    programs = build / "programs"
    runs = [
        (["--version"], ""),
        (["run", str(programs / "hello.wasm")], ""),
        (["run", str(programs / "stdio_lines.wasm"), "lines", "3"], ""),
    ]
    defined = defined_functions(binary)
    order, seen = [], set()
    for run_args, stdin_text in runs:
        for name in executed_functions(binary, run_args, stdin_text):
            if name in defined and name not in seen:
                seen.add(name)
                order.append(name)
    Path(args.out).write_text("".join(n + "\n" for n in order))
    print(f"{args.out}: {len(order)} functions")


if __name__ == "__main__":
    main()
