#!/usr/bin/env bash
# One command from a fresh Debian machine: install what is missing, build,
# and run an example program that ships as source.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo "--- mywasm run examples/fib.wat --invoke fib 25"
build/tools/mywasm run --invoke fib examples/fib.wat 25
