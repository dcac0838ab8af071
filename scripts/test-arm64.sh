#!/usr/bin/env bash
# arm64: installs what is missing (the cross compiler, the arm64 builds of
# the dependencies from Debian's multiarch packages, qemu-user), builds
# build-arm64/ with cmake/toolchains/aarch64-linux-gnu.cmake and runs the
# unit tests, the wasm-2.0 spec suite and the WASI test suite under
# qemu-user, printing the spec runner's summary line. scripts/test.sh (the
# README's test command, so CI) runs it after the native tests.
#
# The spec suite runs for the interpreter (with the portable v128 code,
# auto-vectorised to NEON), the JIT's AArch64 backend and tiered; the WASI
# suite for the interpreter and the JIT (spec-tests/ and tests/
# CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
packages=(
  g++-aarch64-linux-gnu qemu-user libc6-dev:arm64
  libfmt-dev:arm64 libasmjit-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
  libarchive-dev:arm64 libssl-dev:arm64 nlohmann-json3-dev
)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
fi
scripts/install-deps.sh "${packages[@]}"

jobs=$(nproc 2>/dev/null || echo 2)
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"  # as scripts/build.sh: clones share the cache
cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake -DMYWASM_BUILD_BENCH=OFF >/dev/null
cmake --build build-arm64 -j"$jobs"

cd build-arm64
file tools/mywasm | grep -q "ARM aarch64" || { echo "build-arm64/tools/mywasm is not an arm64 binary"; exit 1; }
# CTest prefixes each test executable with qemu-aarch64 (the toolchain's
# CMAKE_CROSSCOMPILING_EMULATOR); the WASI suite's runner is given it too.
ctest --output-on-failure -j"$jobs"
echo "arm64 under qemu-user:"
grep -hE "^[0-9]+ passed, [0-9]+ failed" Testing/Temporary/LastTest.log | sed 's/^/  /'
