#!/usr/bin/env python3
"""HTTP server load figures: mywasm against native, in one run.

    bench/http_rps.py [--seconds 3] [--runs 2] [--scenarios 1,20,200,1000,new]
                      [--servers native,c,rust] [--mywasm build/tools/mywasm]

Servers (each prints "port N" and serves until killed):
  native  tests/programs/c/sock_http_server.c built natively against POSIX
          sockets and poll(2) (wasmedge_sock_posix.h): build/bench/http_server_native
  c       the same source built to wasm32-wasi, under `mywasm run`
  rust    tests/programs/rust/rs_mio_http.rs (talks to the host as
          tokio_wasi/mio_wasi do), under `mywasm run`; it has no native build
Scenarios, all loaded by build/bench/http_load (tests/support/http_load.hpp,
every response checked byte for byte):
  N       N keep-alive connections, one request in flight on each
  new     20 connections, each closed and reopened after every request
For each server and scenario: requests per second (best of --runs), p50 and
p99 latency of that run, the server's CPU time per request (its threads'
/proc schedstat), and errors (any error fails the script). The 1000
scenario also records the server's open descriptors and resident memory
before it (after a warm-up) and after it, once every client has closed.
Client and servers share the machine's cores: compare the ratios.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from proc_stats import cpu_ns, open_fds, rss_kib

ROOT = Path(__file__).resolve().parent.parent


def start_server(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("port "):
        proc.kill()
        sys.exit(f"server did not start: {' '.join(map(str, cmd))} printed {line!r}")
    return proc, int(line.split()[1])


def settle_fds(pid, expected, seconds=5):
    """The server notices closed connections on its next poll; wait for it."""
    deadline = time.time() + seconds
    n = open_fds(pid)
    while n != expected and time.time() < deadline:
        time.sleep(0.05)
        n = open_fds(pid)
    return n


def load(client, port, connections, seconds, per_connection=0):
    cmd = [client, str(port), "--connections", str(connections), "--seconds", str(seconds),
           "--per-connection", str(per_connection)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    fields = result.stdout.split()
    if result.returncode != 0 or not fields:
        sys.exit(f"load client failed ({' '.join(cmd)}): {result.stdout}{result.stderr}")
    return {fields[i]: float(fields[i + 1]) for i in range(0, len(fields) - 1, 2)}


def scenario_load(name):
    """(connections, requests per connection) for a scenario name."""
    return (20, 1) if name == "new" else (int(name), 0)


def run_all(servers, args):
    """Every server runs side by side; for each scenario the servers' runs
    alternate, so a busy moment on the machine hits them all. Servers are
    pinned to the last core and the client to the first, so the two never
    compete for one core."""
    procs = {}
    try:
        for label, cmd in servers.items():
            procs[label] = start_server(cmd)
            os.sched_setaffinity(procs[label][0].pid, {args.server_core})
        idle_fds = {label: open_fds(p.pid) for label, (p, _) in procs.items()}  # listener, stdio: no client
        results = {label: {} for label in servers}
        footprints = {}
        for label, (p, port) in procs.items():
            load(args.client, port, 20, 0.5)  # warm-up: code paths and buffers touched once
        for name in args.scenarios:
            connections, per_connection = scenario_load(name)
            if name == "1000":
                for label, (p, port) in procs.items():
                    load(args.client, port, 1000, 0.5)  # warm-up at this size too
                    footprints[label] = [settle_fds(p.pid, idle_fds[label]), rss_kib(p.pid)]
            for _ in range(args.runs):
                for label, (p, port) in procs.items():
                    before = cpu_ns(p.pid)
                    r = load(args.client, port, connections, args.seconds, per_connection)
                    r["cpu_us_per_request"] = (cpu_ns(p.pid) - before) / 1000 / max(r["requests"], 1)
                    best = results[label].get(name)
                    if best is None or r["rps"] > best["rps"]:
                        results[label][name] = r
            if name == "1000":
                for label, (p, port) in procs.items():
                    footprints[label] += [settle_fds(p.pid, footprints[label][0]), rss_kib(p.pid)]
        return results, footprints
    finally:
        for p, _ in procs.values():
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--client", default=str(ROOT / "build/bench/http_load"))
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--scenarios", default="1,20,200,1000,new")
    ap.add_argument("--servers", default="native,c,rust")
    ap.add_argument("--mywasm-args", default="", help="extra options for mywasm run (e.g. a tier)")
    args = ap.parse_args()
    args.scenarios = args.scenarios.split(",")
    programs = ROOT / "build/programs"
    extra = args.mywasm_args.split()
    servers = {
        "native": [str(ROOT / "build/bench/http_server_native"), "0"],
        "c": [args.mywasm, "run", *extra, str(programs / "sock_http_server.wasm"), "0"],
        "rust": [args.mywasm, "run", *extra, str(programs / "rs_mio_http.wasm"), "0"],
    }
    chosen = args.servers.split(",")
    for name in chosen:
        exe = servers[name][0] if name == "native" else servers[name][-2]
        if not Path(exe).exists():
            sys.exit(f"missing {exe} (build the targets mywasm, test_programs and bench_http)")
    if not Path(args.client).exists():
        sys.exit(f"missing {args.client} (build the target bench_http)")

    cores = sorted(os.sched_getaffinity(0))
    args.server_core = cores[-1]
    os.sched_setaffinity(0, {cores[0]})  # the client's core (it inherits it)
    results, footprints = run_all({name: servers[name] for name in chosen}, args)

    print(f"best of {args.runs} x {args.seconds:g} s per cell; keep-alive unless 'new' (20 connections, "
          f"one request each)")
    print(f"{'scenario':<9}{'server':<8}{'req/s':>9}{'p50 us':>9}{'p99 us':>9}{'CPU us/req':>12}{'vs native':>11}")
    for scen in args.scenarios:
        native = results.get("native", {}).get(scen)
        for name in chosen:
            r = results[name][scen]
            ratio = f"{r['rps'] / native['rps']:.2f}" if native and name != "native" else ""
            print(f"{scen:<9}{name:<8}{r['rps']:>9.0f}{r['p50_us']:>9.0f}{r['p99_us']:>9.0f}"
                  f"{r['cpu_us_per_request']:>12.1f}{ratio:>11}")
    for name in chosen:
        if name in footprints:
            fds0, rss0, fds1, rss1 = footprints[name]
            print(f"1000 connections, {name}: open fds {fds0} before -> {fds1} after; "
                  f"VmRSS {rss0} KiB before -> {rss1} KiB after")


if __name__ == "__main__":
    main()
