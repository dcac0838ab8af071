#!/usr/bin/env bash
# Builds one example of the C API (NAME.c, wasm.h) or of the C++ API
# (NAME.cc, wasm.hh, built as C++11, the oldest the API allows) against the
# installed mywasm through pkg-config (as an embedder would) and runs it
# beside its module.
# usage: run_example.sh PREFIX SOURCE WASM_DIR WORK_DIR
set -euo pipefail
prefix=$1 src=$2 wasm_dir=$3 work=$4
mkdir -p "$work"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
warnings=(-Wall -Wextra -Werror -Wno-unused-parameter)
case $src in
  *.c) exe=$work/$(basename "$src" .c)
       cc -std=c11 "${warnings[@]}" -o "$exe" "$src" $(pkg-config --cflags --libs mywasm) -Wl,-rpath,"$prefix/lib" -lpthread ;;
  *.cc) exe=$work/cpp_$(basename "$src" .cc)
        c++ -std=c++11 "${warnings[@]}" -o "$exe" "$src" $(pkg-config --cflags --libs mywasm) -Wl,-rpath,"$prefix/lib" -pthread ;;
  *) echo "run_example.sh: not a .c or .cc source: $src" >&2; exit 2 ;;
esac
cd "$wasm_dir"
exec "$exe"
