#!/usr/bin/env python3
"""What running Wasm as containers costs: wall time, best and median of N.

    bench/oci_startup.py [--build build] [--runs 10]

  - `ctr run --rm` of the hello image (Rust hello, compat image) with
    `--runc-binary mywasm`, against the same flow for a static native hello
    image with runc, and that native image through mywasm's delegation to
    runc; on a private containerd (started and stopped here, as the
    oci_containerd test does, native snapshotter)
  - `mywasm run IMAGE` (oci-archive tar, layout directory, wasm-to-oci
    artifact) against `mywasm run hello.wasm`
Each run's output is checked. Needs root (containerd), and the build's
mywasm, mywasm-image, programs/hello.wasm and programs/native_hello.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "oci"))
from containerd_e2e import Containerd, unmount_under  # noqa: E402  (one private-containerd helper)

HELLO = "你好,Docker+Wasm!\n"
NATIVE = "hello from a native container\n"


def timed(cmd, expect, runs):
    """Best and median wall seconds of `runs` runs of `cmd`; each must print `expect`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        r = subprocess.run(cmd(), capture_output=True)
        times.append(time.perf_counter() - start)
        if r.returncode != 0 or r.stdout.decode() != expect:
            sys.exit("unexpected (%d) %r %r from %s" % (r.returncode, r.stdout, r.stderr, " ".join(cmd())))
    return min(times), statistics.median(times)


def make_image(tool, tmp, name, *args):
    archive = os.path.join(tmp, name + ".tar")
    subprocess.run([tool, "build", "--layout", os.path.join(tmp, name), "--archive", archive,
                    "--ref", "docker.io/library/%s:latest" % name, *args], check=True)
    return archive


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    build = Path(args.build).resolve()
    mywasm, tool = str(build / "tools/mywasm"), str(build / "tools/mywasm-image")
    hello_wasm, native = str(build / "programs/hello.wasm"), str(build / "programs/native_hello")

    tmp = tempfile.mkdtemp(prefix="mywasm-oci-bench-")
    rows = []
    d = Containerd(tmp)
    try:
        images = {
            "hello": make_image(tool, tmp, "hello", "--kind", "compat", "--add", hello_wasm),
            "native": make_image(tool, tmp, "native", "--kind", "plain", "--add", native + ":/hello"),
            "artifact": make_image(tool, tmp, "artifact", "--kind", "artifact", "--add", hello_wasm),
        }
        for name in ("hello", "native"):
            d.ctr("images", "import", "--snapshotter", "native", images[name], check=True)
        counter = iter(range(1 << 30))

        def ctr_run(image, *runtime):
            return lambda: d.ctr_args("run", "--rm", "--snapshotter", "native", *runtime,
                                      "docker.io/library/%s:latest" % image, "bench%d" % next(counter))

        rows.append(("ctr run hello image, mywasm", timed(ctr_run("hello", "--runc-binary", mywasm), HELLO, args.runs)))
        rows.append(("ctr run native image, runc", timed(ctr_run("native"), NATIVE, args.runs)))
        rows.append(("ctr run native image, mywasm -> runc",
                     timed(ctr_run("native", "--runc-binary", mywasm), NATIVE, args.runs)))
        for label, target in (("mywasm run hello.wasm", hello_wasm),
                              ("mywasm run IMAGE (oci-archive tar)", images["hello"]),
                              ("mywasm run IMAGE (layout directory)", os.path.join(tmp, "hello")),
                              ("mywasm run IMAGE (wasm-to-oci artifact)", images["artifact"])):
            rows.append((label, timed(lambda t=target: [mywasm, "run", t], HELLO, args.runs)))
    finally:
        d.stop()
        unmount_under(tmp)
        subprocess.run(["rm", "-rf", tmp])

    print("%-42s %10s %10s" % ("", "best ms", "median ms"))
    for label, (best, median) in rows:
        print("%-42s %10.1f %10.1f" % (label, best * 1e3, median * 1e3))


if __name__ == "__main__":
    main()
