#!/usr/bin/env python3
"""mywasm as containerd's runtime, end to end.

Starts a private containerd (own socket, root and state under a temporary
directory, the native snapshotter, a config written here; never the
system's), builds the test images with mywasm-image, imports them, and runs
them with `ctr run --runc-binary mywasm`:
  hello   a compat image: its exact output, its exit status
  probe   sees its env and args, writes a file into its rootfs
  server  HTTP with --net-host answers on loopback, stops on `ctr task kill`
  native  an ordinary Linux image, run by runc through mywasm's delegation
  tty     `ctr run -t` (under script(1), for a terminal of its own): the
          guest writes to the pseudo-terminal sent through the console socket
  cri     the README's containerd configuration (runtime handler mywasm)
          loads: containerd comes up with its CRI plugin "ok"
Prints one line per case and "N passed, N failed"; exits 1 if any failed.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

# A private containerd's places: top-level keys, then tables (TOML wants that order).
TOP = """version = 2
root = "{tmp}/root"
state = "{tmp}/state"
"""
# The test's containerd: no CRI, only the native snapshotter's neighbours it needs.
DISABLED = """disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.overlayfs"]
"""
TABLES = """[grpc]
  address = "{tmp}/containerd.sock"
[ttrpc]
  address = "{tmp}/containerd.sock.ttrpc"
[debug]
  address = "{tmp}/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "{tmp}/opt"
"""


class Containerd:
    """A private containerd, and ctr pointed at it in a namespace of its own."""

    def __init__(self, tmp, config_text=None):
        """config_text: top-level keys and tables after the private places
        (default: CRI and unused snapshotters disabled)."""
        self.tmp = tmp
        self.address = os.path.join(tmp, "containerd.sock")
        # The shim keeps runc state in /run/containerd/runc/<namespace>: a
        # namespace of our own keeps that apart from any other containerd's.
        self.namespace = "mywasm-e2e-%d" % os.getpid()
        config = os.path.join(tmp, "config.toml")
        with open(config, "w") as f:
            f.write((TOP + (config_text or DISABLED) + TABLES).format(tmp=tmp))
        self.log = open(os.path.join(tmp, "containerd.log"), "w")
        self.proc = subprocess.Popen(["containerd", "--config", config], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while subprocess.run(self.ctr_args("version"), capture_output=True).returncode != 0:
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("containerd did not start; see " + self.log.name)
            time.sleep(0.1)

    def ctr_args(self, *args):
        return ["ctr", "--address", self.address, "--namespace", self.namespace, *args]

    def ctr(self, *args, timeout=60, check=False):
        r = subprocess.run(self.ctr_args(*args), capture_output=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("ctr %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
        return r

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        # Shims and container processes still alive after a failed case:
        # their command lines name this containerd's directory.
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if self.tmp.encode() in f.read() and int(pid) != os.getpid():
                        os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        shutil.rmtree("/run/containerd/runc/" + self.namespace, ignore_errors=True)


def unmount_under(path):
    with open("/proc/mounts") as f:
        points = [line.split()[1] for line in f if line.split()[1].startswith(path)]
    for p in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "-l", p], capture_output=True)


class Suite:
    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   %s" % name)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, detail))
        sys.stdout.flush()

    def image(self, d, name, *tool_args):
        """Builds image NAME (an oci-archive) with mywasm-image and imports it."""
        archive = os.path.join(self.tmp, name + ".tar")
        subprocess.run([self.args.image_tool, "build", "--layout", os.path.join(self.tmp, name), "--archive", archive,
                        "--ref", "docker.io/library/%s:latest" % name, *tool_args], check=True)
        d.ctr("images", "import", "--snapshotter", "native", archive, check=True)
        return "docker.io/library/%s:latest" % name

    def run(self, d, *args, timeout=60):
        return d.ctr("run", "--snapshotter", "native", "--runc-binary", self.args.mywasm, *args, timeout=timeout)


def test_hello(s, d):
    ref = s.image(d, "hello", "--kind", "compat", "--add", os.path.join(s.args.programs, "hello.wasm"))
    r = s.run(d, "--rm", ref, "hello1")
    s.check("hello image prints its output", r.stdout.decode() == "你好,Docker+Wasm!\n",
            "%r %r" % (r.stdout, r.stderr))
    s.check("hello image exits 0", r.returncode == 0, r.returncode)


def test_probe(s, d):
    ref = s.image(d, "probe", "--kind", "compat", "--add", os.path.join(s.args.programs, "oci_probe.wasm") +
                  ":/app/probe.wasm", "--env", "FROM_IMAGE=1", "--workdir", "/app")
    r = s.run(d, "--env", "PROBE_EXIT=5", "--env", "FROM_CTR=2", ref, "probe1",
              "/app/probe.wasm", "write:/written.txt:from the guest", "second")
    out = r.stdout.decode()
    s.check("probe sees its args", "arg 0: /app/probe.wasm\narg 1: write:/written.txt:from the guest\narg 2: second\n"
            in out, out)
    s.check("probe sees its env", all(e in out for e in ("env FROM_CTR=2\n", "env FROM_IMAGE=1\n", "env PWD=/app\n")),
            out)
    s.check("probe's exit status comes back", r.returncode == 5, "%d %r" % (r.returncode, r.stderr))
    mounts = d.ctr("snapshots", "--snapshotter", "native", "mounts", "/mnt", "probe1").stdout.decode()
    source = re.search(r"mount -t bind (\S+) ", mounts)
    written = os.path.join(source.group(1), "written.txt") if source else ""
    content = open(written).read() if written and os.path.exists(written) else None
    s.check("probe wrote a file in its rootfs", content == "from the guest", "%r in %r" % (content, mounts))
    d.ctr("containers", "rm", "probe1")


def test_server(s, d):
    ref = s.image(d, "server", "--kind", "compat", "--add", os.path.join(s.args.programs, "sock_http_server.wasm"),
                  "--cmd", "0")
    proc = subprocess.Popen(d.ctr_args("run", "--snapshotter", "native", "--runc-binary", s.args.mywasm,
                                       "--net-host", ref, "server1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode()
        port = re.match(r"port (\d+)", line)
        body = None
        if port:
            with urllib.request.urlopen("http://127.0.0.1:%s/" % port.group(1), timeout=10) as resp:
                body = resp.read().decode()
        s.check("server answers on loopback", body == "Hello, World!", "%r %r" % (line, body))
        d.ctr("task", "kill", "server1", check=True)
        status = proc.wait(timeout=20)
        s.check("server stops on ctr task kill", status == 128 + signal.SIGTERM, status)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    tasks = d.ctr("task", "ls").stdout.decode()
    s.check("no task left behind", "server1" not in tasks, tasks)
    d.ctr("containers", "rm", "server1")


def test_terminal(s, d):
    ref = "docker.io/library/hello:latest"  # imported by test_hello
    cmd = " ".join(d.ctr_args("run", "-t", "--rm", "--snapshotter", "native", "--runc-binary", s.args.mywasm,
                              ref, "tty1"))
    r = subprocess.run(["script", "--quiet", "--return", "--command", cmd, "/dev/null"], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    # Line endings pass two terminals (the container's, script's): \n becomes \r\r\n.
    s.check("ctr run -t: output through the terminal", "你好,Docker+Wasm!\r\r\n" in r.stdout.decode(errors="replace")
            and r.returncode == 0, "%d %r %r" % (r.returncode, r.stdout, r.stderr))


def test_native(s, d):
    ref = s.image(d, "native", "--kind", "plain", "--add", s.args.native_hello + ":/hello")
    r = s.run(d, "--rm", ref, "native1")
    s.check("native image runs through runc", r.stdout.decode() == "hello from a native container\n" and
            r.returncode == 0, "%d %r %r" % (r.returncode, r.stdout, r.stderr))


def readme_containerd_config(readme):
    """The TOML block that follows the containerd-config marker in README.md."""
    text = open(readme).read()
    block = re.search(r"<!-- containerd-config.*?-->\s*```toml\n(.*?)```", text, re.S)
    if not block:
        raise RuntimeError("README.md has no containerd-config block")
    return block.group(1)


def test_cri_config(s, _):
    tmp = os.path.join(s.tmp, "cri")
    os.makedirs(tmp)
    readme = readme_containerd_config(s.args.readme).replace("/usr/local/bin/mywasm", s.args.mywasm)
    # Braces doubled: the block goes through str.format with the private places.
    d = Containerd(tmp, readme.replace("version = 2\n", "").replace("{", "{{").replace("}", "}}"))
    try:
        plugins = d.ctr("plugins", "ls").stdout.decode()
        cri = re.search(r"io\.containerd\.grpc\.v1\s+cri\s+\S+\s+(\w+)", plugins)
        s.check("README's containerd config: CRI plugin ok", cri is not None and cri.group(1) == "ok", plugins)
        dump = subprocess.run(["containerd", "--config", os.path.join(tmp, "config.toml"), "config", "dump"],
                              capture_output=True).stdout.decode()
        s.check("README's containerd config: handler mywasm with BinaryName",
                re.search(r"runtimes\.mywasm\.options\]\s+BinaryName = \"%s\"" % re.escape(s.args.mywasm), dump)
                is not None, dump[-2000:])
    finally:
        d.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mywasm", required=True)
    p.add_argument("--image-tool", required=True)
    p.add_argument("--programs", required=True)
    p.add_argument("--native-hello", required=True)
    p.add_argument("--readme", required=True)
    args = p.parse_args()
    for name in ("mywasm", "image_tool", "programs", "native_hello", "readme"):  # the shim runs elsewhere
        setattr(args, name, os.path.abspath(getattr(args, name)))
    tmp = tempfile.mkdtemp(prefix="mywasm-containerd-")
    suite = Suite(args, tmp)
    d = Containerd(tmp)
    try:
        for test in (test_hello, test_terminal, test_probe, test_server, test_native, test_cri_config):
            try:
                test(suite, d)
            except Exception as e:  # one broken case must not hide the others
                suite.check(test.__name__, False, repr(e))
    finally:
        d.stop()
        unmount_under(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (suite.passed, suite.failed))
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())
