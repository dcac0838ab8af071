#!/usr/bin/env bash
# Builds the consumer project against an installed mywasm (PREFIX), out of
# tree, through CMake (shared and static library) and through pkg-config,
# and runs each build.
# usage: consumer_test.sh PREFIX SOURCE_DIR WORK_DIR
set -euo pipefail
prefix=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"

check_run() {  # the program's own output names both APIs
  out=$("$@")
  echo "$out"
  grep -q "C++ API: fib(20) = 6765" <<<"$out"
  grep -q "C API: fib(20) = 6765" <<<"$out"
}

for kind in shared static; do
  cmake -S "$src" -B "$work/cmake-$kind" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DMYWASM_CONSUMER_STATIC=$([ $kind = static ] && echo ON || echo OFF) >/dev/null
  cmake --build "$work/cmake-$kind" >/dev/null
  check_run "$work/cmake-$kind/consumer" "$src/fib.wat"
done
# The static build carries the engine itself. (ldd's output is captured
# first: grep -q ends early, and under pipefail ldd's SIGPIPE would fail.)
static_libs=$(ldd "$work/cmake-static/consumer")
shared_libs=$(ldd "$work/cmake-shared/consumer")
! grep -q libmywasm <<<"$static_libs"
grep -q "$prefix/lib/libmywasm.so" <<<"$shared_libs"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
c++ -std=c++20 -o "$work/pc-consumer" "$src/consumer.cpp" $(pkg-config --cflags --libs mywasm) \
    -Wl,-rpath,"$(pkg-config --variable=libdir mywasm)"
check_run "$work/pc-consumer" "$src/fib.wat"
c++ -std=c++20 -o "$work/pc-consumer-static" "$src/consumer.cpp" \
    $(pkg-config --cflags mywasm) "$(pkg-config --variable=libdir mywasm)/libmywasm.a" \
    $(pkg-config --libs-only-l --static mywasm | sed 's/-lmywasm//')
check_run "$work/pc-consumer-static" "$src/fib.wat"
echo "consumer builds: ok"
