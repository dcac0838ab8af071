#!/usr/bin/env python3
"""The README's podman command: `podman run --runtime mywasm --network host
oci-archive:IMAGE.tar`, with podman's storage, run and temporary
directories private to this test (vfs driver, cgroupfs, events to a file:
nothing of the machine's podman setup is used or changed).
  hello   exact output, exit status 0
  probe   args after the image replace Cmd, -e reaches the guest, its exit
          status comes back
Prints one line per case and "N passed, N failed"; exits 1 if any failed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mywasm", required=True)
    p.add_argument("--image-tool", required=True)
    p.add_argument("--programs", required=True)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="mywasm-podman-")
    passed = failed = 0

    def check(name, ok, detail):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(("ok   %s" if ok else "FAIL %s: %s") % ((name,) if ok else (name, detail)))

    def image(name, *tool_args):
        archive = os.path.join(tmp, name + ".tar")
        subprocess.run([args.image_tool, "build", "--layout", os.path.join(tmp, name), "--archive", archive,
                        "--ref", "localhost/%s:latest" % name, *tool_args], check=True)
        return "oci-archive:" + archive

    def podman_run(*run_args):
        private = ["--root", tmp + "/storage", "--runroot", tmp + "/run", "--tmpdir", tmp + "/libpod",
                   "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
        return subprocess.run(["podman", *private, "run", "--rm", "--runtime", os.path.abspath(args.mywasm),
                               "--network", "host", *run_args], capture_output=True, timeout=120)

    try:
        r = podman_run(image("hello", "--kind", "compat", "--add", os.path.join(args.programs, "hello.wasm")))
        check("podman runs the hello image", r.stdout.decode() == "你好,Docker+Wasm!\n" and r.returncode == 0,
              "%d %r %r" % (r.returncode, r.stdout, r.stderr[-2000:]))
        probe = image("probe", "--kind", "compat", "--add", os.path.join(args.programs, "oci_probe.wasm") +
                      ":/probe.wasm", "--cmd", "from-cmd")
        r = podman_run("-e", "PROBE_EXIT=4", probe, "from-podman")
        out = r.stdout.decode()
        check("podman: args and env reach the guest",
              "arg 0: /probe.wasm\narg 1: from-podman\n" in out and "env PROBE_EXIT=4\n" in out, out)
        check("podman: the exit status comes back", r.returncode == 4, "%d %r" % (r.returncode, r.stderr[-2000:]))
    finally:
        with open("/proc/mounts") as f:  # podman's shm mounts under its run directory
            points = [line.split()[1] for line in f if line.split()[1].startswith(tmp)]
        for point in sorted(points, key=len, reverse=True):
            subprocess.run(["umount", "-l", point], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
