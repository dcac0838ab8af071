#!/usr/bin/env bash
# Configures and builds mywasm into build/ (incremental; ccache when present).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# Paths relative to the checkout in ccache's hashes: another clone of the
# same sources (CI's) reuses this machine's cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$jobs"
