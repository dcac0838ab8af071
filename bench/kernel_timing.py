"""What run_kernels.py and run_simd_kernels.py share: their command line,
best-of-N timing of a whole process, and the geometric mean of ratios."""
import argparse
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(doc, default_kernels):
    """--mywasm, --kernels (default ROOT/default_kernels), --runs, -k."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--kernels", default=str(ROOT / default_kernels))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-k", dest="only", help="only kernels whose name contains this")
    return ap.parse_args()


def best_time(cmd, runs):
    """Best wall-clock time of `runs` runs of cmd, and its stripped stdout.
    Exits if a run fails."""
    best, out = math.inf, None
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stderr}")
        best, out = min(best, elapsed), result.stdout.strip()
    return best, out


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")
