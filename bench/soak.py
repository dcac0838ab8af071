#!/usr/bin/env python3
"""Soak: the HTTP server program under mywasm for a long, bounded loopback
load, with its requests, errors, open descriptors and memory recorded over
time.

    bench/soak.py [--minutes 60] [--mywasm build/tools/mywasm] [--wasm build/programs/sock_http_server.wasm]

Each cycle runs build/bench/http_load for one second (20 keep-alive
connections, each reconnecting after 50 requests, so connections churn
too), then idles for one second; traffic goes to 127.0.0.1 only and the
script stops by itself. Every minute it prints one row: requests and errors
in that minute, the server's open descriptors (idle, between bursts) and
VmRSS. At the end it checks that there were no errors and that descriptors
and VmRSS stayed flat (last minute against the first), and exits 1 if not.
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

from proc_stats import open_fds, rss_kib

ROOT = Path(__file__).resolve().parent.parent


def burst(client, port):
    r = subprocess.run([client, str(port), "--connections", "20", "--seconds", "1", "--per-connection", "50"],
                       capture_output=True, text=True)
    fields = r.stdout.split()
    stats = {fields[i]: float(fields[i + 1]) for i in range(0, len(fields) - 1, 2)}
    return int(stats.get("requests", 0)), int(stats.get("errors", 0)) + (1 if r.returncode else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--wasm", default=str(ROOT / "build/programs/sock_http_server.wasm"))
    ap.add_argument("--client", default=str(ROOT / "build/bench/http_load"))
    args = ap.parse_args()
    server = subprocess.Popen([args.mywasm, "run", args.wasm, "0"], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().split()
    if len(line) != 2 or line[0] != "port":
        sys.exit(f"server did not start: {line}")
    port = int(line[1])
    pid = server.pid
    rows = []
    print(f"{'minute':>6} {'requests':>10} {'errors':>7} {'fds':>5} {'VmRSS KiB':>10}", flush=True)
    try:
        end = time.time() + args.minutes * 60
        minute = 0
        while time.time() < end:
            minute += 1
            requests = errors = 0
            minute_end = min(end, time.time() + 60)
            while time.time() < minute_end:
                n, e = burst(args.client, port)
                requests += n
                errors += e
                time.sleep(1)
            if server.poll() is not None:
                sys.exit(f"the server exited with status {server.returncode}")
            time.sleep(0.2)  # closed connections noticed on the server's next poll
            rows.append((minute, requests, errors, open_fds(pid), rss_kib(pid)))
            print(f"{minute:>6} {requests:>10} {errors:>7} {rows[-1][3]:>5} {rows[-1][4]:>10}", flush=True)
    finally:
        server.kill()
        server.wait()
    total = sum(r[1] for r in rows)
    errors = sum(r[2] for r in rows)
    first, last = rows[0], rows[-1]
    print(f"total: {total} requests, {errors} errors; fds {first[3]} -> {last[3]}; VmRSS {first[4]} -> {last[4]} KiB")
    flat = last[3] == first[3] and last[4] - first[4] <= 1024
    if errors or not flat:
        print("FAILED: errors, or descriptors/memory grew")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
