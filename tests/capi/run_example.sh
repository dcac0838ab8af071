#!/usr/bin/env bash
# Builds one C API example against the installed mywasm through pkg-config
# (as an embedder would) and runs it beside its module.
# usage: run_example.sh PREFIX SOURCE WASM_DIR WORK_DIR
set -euo pipefail
prefix=$1 src=$2 wasm_dir=$3 work=$4
name=$(basename "$src" .c)
mkdir -p "$work"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter -o "$work/$name" "$src" \
   $(pkg-config --cflags --libs mywasm) -Wl,-rpath,"$prefix/lib" -lpthread
cd "$wasm_dir"
exec "$work/$name"
