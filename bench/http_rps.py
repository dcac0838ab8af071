#!/usr/bin/env python3
"""Requests per second of the keep-alive HTTP server under mywasm and native.

    bench/http_rps.py [--mywasm build/tools/mywasm] [--connections 50] [--seconds 5] [--pipeline 1] [--runs 3]

The server is tests/programs/c/sock_http_server.c, built once to wasm32-wasi
(build/programs/sock_http_server.wasm, run with `mywasm run`) and once
natively against POSIX sockets through wasmedge_sock_posix.h
(build/bench/http_server_native). Both are loaded by the same client,
build/bench/http_load (tests/support/http_load.hpp): N concurrent keep-alive
connections on loopback, every response checked byte for byte. Prints the
best of R runs for each (the two servers' runs alternate), and the ratio
mywasm/native (of throughput, so
below 1 means slower than native). Needs the targets mywasm, test_programs
and bench_http. Client and server share the machine's cores, so figures
depend on the machine; the ratio is the number to compare.
"""
import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_server(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("port "):
        proc.kill()
        sys.exit(f"server did not start: {' '.join(map(str, cmd))} printed {line!r}")
    return proc, int(line.split()[1])


def load(client, port, args):
    cmd = [client, str(port), "--connections", str(args.connections), "--seconds", str(args.seconds),
           "--pipeline", str(args.pipeline)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"load client failed: {result.stdout}{result.stderr}")
    fields = result.stdout.split()
    return float(fields[fields.index("rps") + 1])


def best_rps(server_cmds, args):
    """Best of args.runs loads on each server; the servers run side by side
    and their runs alternate, so a busy moment on the machine hits both."""
    servers = [start_server(cmd) for cmd in server_cmds]
    try:
        warm = argparse.Namespace(connections=args.connections, seconds=0.5, pipeline=args.pipeline)
        for _, port in servers:
            load(args.client, port, warm)
        best = [0.0] * len(servers)
        for _ in range(args.runs):
            for i, (_, port) in enumerate(servers):
                best[i] = max(best[i], load(args.client, port, args))
        return best
    finally:
        for proc, _ in servers:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--wasm", default=str(ROOT / "build/programs/sock_http_server.wasm"))
    ap.add_argument("--native", default=str(ROOT / "build/bench/http_server_native"))
    ap.add_argument("--client", default=str(ROOT / "build/bench/http_load"))
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--pipeline", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for f in (args.mywasm, args.wasm, args.native, args.client):
        if not Path(f).exists():
            sys.exit(f"missing {f} (build the targets mywasm, test_programs and bench_http)")

    native, ours = best_rps([[args.native, "0"], [args.mywasm, "run", args.wasm, "0"]], args)
    print(f"{args.connections} keep-alive connections, pipeline {args.pipeline}, best of {args.runs} x {args.seconds:g} s")
    print(f"{'server':<10}{'requests/s':>12}")
    print(f"{'native':<10}{native:>12.0f}")
    print(f"{'mywasm':<10}{ours:>12.0f}")
    print(f"mywasm/native: {ours / native:.2f}")


if __name__ == "__main__":
    main()
