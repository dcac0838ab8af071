#!/usr/bin/env bash
# One command: install what is missing, build, and run every test
# (unit tests, the official spec suite, ...) through CTest; then the same
# for arm64, cross-built and run under qemu-user (scripts/test-arm64.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"
cd ..
scripts/test-arm64.sh
