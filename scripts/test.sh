#!/usr/bin/env bash
# One command: install what is missing, build, and run every test
# (unit tests, the official spec suite, ...) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"
