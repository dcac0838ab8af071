#!/usr/bin/env python3
"""Runs the official WASI testsuite (WebAssembly/wasi-testsuite) against mywasm.

    run.py MYWASM_BINARY [SUITE_DIR] [-k SUBSTRING] [-v]

SUITE_DIR defaults to ../shared/wasi-testsuite/tests beside the checkout.
Every X.wasm under it is a test; X.json, if present, gives its arguments,
environment, preopened root directory and the expected exit code / output
(doc/specification.md of the testsuite). Each test runs on a fresh copy of
its root directory, with *.cleanup leftovers removed, as

    mywasm run --dir /:<copy> --env K=V X.wasm ARGS...

One line per test, then "N passed, N failed"; exits non-zero on a failure.
"""
import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_SPEC = {"args": [], "env": {}, "root": None, "exit_code": 0}
TIMEOUT_SECONDS = 120


def load_spec(wasm: Path) -> dict:
    spec = dict(DEFAULT_SPEC)
    json_path = wasm.with_suffix(".json")
    if json_path.exists():
        spec.update(json.loads(json_path.read_text()))
    return spec


def make_writable(tree: Path) -> None:
    """The fixtures are read-only; the guest must be able to change its copy."""
    for dirpath, dirnames, filenames in os.walk(tree):
        os.chmod(dirpath, os.stat(dirpath).st_mode | stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR | stat.S_IRUSR)


def remove_cleanup_files(tree: Path) -> None:
    for leftover in sorted(tree.rglob("*.cleanup"), reverse=True):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def run_test(mywasm: list[str], wasm: Path, verbose: bool) -> tuple[bool, str]:
    spec = load_spec(wasm)
    with tempfile.TemporaryDirectory(prefix="mywasm-wasi-") as tmp:
        workdir = Path(tmp)
        cmd = mywasm + ["run"]
        if spec.get("root"):
            root_copy = workdir / "root"
            shutil.copytree(wasm.parent / spec["root"], root_copy, symlinks=True)
            make_writable(root_copy)
            remove_cleanup_files(root_copy)
            cmd += ["--dir", f"/:{root_copy}"]
        for key, value in spec.get("env", {}).items():
            cmd += ["--env", f"{key}={value}"]
        cmd.append(str(wasm))
        cmd += spec.get("args", [])
        if verbose:
            print("  $", " ".join(cmd))
        try:
            proc = subprocess.run(cmd, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return False, f"timed out after {TIMEOUT_SECONDS}s"

    problems = []
    if proc.returncode != spec["exit_code"]:
        problems.append(f"exit code {proc.returncode}, expected {spec['exit_code']}")
    for stream in ("stdout", "stderr"):
        if stream in spec:
            got = getattr(proc, stream).decode(errors="replace")
            if got != spec[stream]:
                problems.append(f"{stream} {got!r}, expected {spec[stream]!r}")
    if problems and proc.stderr:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        problems.append("stderr: " + " | ".join(tail))
    return not problems, "; ".join(problems)


def main() -> int:
    default_suite = Path(__file__).resolve().parents[3] / "shared" / "wasi-testsuite" / "tests"
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mywasm", help="path to the mywasm binary")
    parser.add_argument("suite", nargs="?", default=str(default_suite), help="testsuite tests/ directory")
    parser.add_argument("-k", dest="filter", default="", help="only tests whose path contains this")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--emulator", default="", help="run mywasm through this (qemu-aarch64 for an arm64 build)")
    args = parser.parse_args()

    mywasm = os.path.abspath(args.mywasm)
    if not os.access(mywasm, os.X_OK):
        print(f"not an executable: {mywasm}", file=sys.stderr)
        return 2
    suite = Path(args.suite)
    tests = sorted(p for p in suite.rglob("*.wasm") if args.filter in str(p.relative_to(suite)))
    if not tests:
        print(f"no tests found under {suite}", file=sys.stderr)
        return 2

    passed = failed = 0
    for wasm in tests:
        name = str(wasm.relative_to(suite).with_suffix(""))
        ok, why = run_test(([args.emulator] if args.emulator else []) + [mywasm], wasm, args.verbose)
        if ok:
            passed += 1
            print(f"PASS {name}")
        else:
            failed += 1
            print(f"FAIL {name}: {why}")
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
