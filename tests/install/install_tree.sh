#!/usr/bin/env bash
# Installs the build tree into a fresh prefix (the fixture of the install,
# consumer and C API example tests).
# usage: install_tree.sh BUILD_DIR PREFIX
set -euo pipefail
build=$1 prefix=$2
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/mywasm bin/mywasm-image lib/libmywasm.a lib/pkgconfig/mywasm.pc lib/cmake/mywasm/mywasmConfig.cmake \
         include/wasm.h include/wasm.hh include/mywasm/mywasm.hpp include/mywasm/wasi.hpp; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
# The shared library: a versioned file, its soname link and the dev link.
soname=$(objdump -p "$prefix/lib/libmywasm.so" | awk '/SONAME/ {print $2}')
[ -n "$soname" ] && [ -e "$prefix/lib/$soname" ] || { echo "no soname link: '$soname'"; exit 1; }
echo "installed into $prefix (soname $soname)"
