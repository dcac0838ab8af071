#!/usr/bin/env bash
# Fetches the public programs of the whole-workload benchmark from Debian's
# source packages (bookworm, the main suite) and builds each natively and
# for wasm32-wasi with the same clang and flags (the wasm build enabling two
# Wasm 2.0 features, below), into build/bench-programs/ (or $1). Needs
# network access and root (or sudo) for apt; never run in CI.
#
#   sqlite3  test/speedtest1.c on the amalgamation, in-memory databases
#   zlib     compress + uncompress of a generated buffer (zlib_bench.c)
#   bzip2    the same with libbz2 (bzip2_bench.c)
#   lua5.4   the interpreter library running a CPU-bound script (lua_bench.c)
#
# Then: bench/run_programs.py
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mkdir -p "${1:-$HERE/../../build/bench-programs}" && cd "${1:-$HERE/../../build/bench-programs}" && pwd)"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# deb-src entries mirroring the configured deb ones.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
    $SUDO tee /etc/apt/sources.list.d/mywasm-deb-src.sources >/dev/null
  $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq dpkg-dev tcl clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 >/dev/null

mkdir -p "$OUT/src"
cd "$OUT/src"
for pkg in sqlite3 zlib lua5.4 bzip2; do
  ls -d "$pkg"-*/ >/dev/null 2>&1 || apt-get source -qq "$pkg/bookworm" >/dev/null
done
SQLITE=$(ls -d "$OUT"/src/sqlite3-*/ | head -1)
ZLIB=$(ls -d "$OUT"/src/zlib-*/ | head -1)
LUA=$(ls -d "$OUT"/src/lua5.4-*/ | head -1)src
BZIP2=$(ls -d "$OUT"/src/bzip2-*/ | head -1)

cd "$OUT"
# The wasm build enables bulk memory and non-trapping float-to-int
# conversions, both Wasm 2.0 and both on by default from clang 20 (clang 19
# still leaves them off): memcpy, memmove and memset calls become
# memory.copy and memory.fill instead of calls to wasi-libc's word and byte
# loops, as native code calls glibc's vectorised ones.
WASM=(clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -mbulk-memory -mnontrapping-fptoint)
NATIVE=(clang-19 -O2)

# Each program: name, then its sources and flags (both builds), then the
# wasm-only extra arguments after "--".
build() {
  local name=$1; shift
  local common=() extra=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do common+=("$1"); shift; done
  [ $# -gt 0 ] && shift && extra=("$@")
  echo "building $name"
  "${NATIVE[@]}" "${common[@]}" -o "$name.native" -lm
  "${WASM[@]}" "${common[@]}" "${extra[@]}" -o "$name.wasm"
}

# SQLite: the amalgamation made by its own build (needs tclsh).
if [ ! -f sqlite-build/sqlite3.c ]; then
  mkdir -p sqlite-build
  (cd sqlite-build && "$SQLITE/configure" --disable-tcl >/dev/null && make sqlite3.c >/dev/null)
fi
SQLDEFS=(-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_TEMP_STORE=3 -DSQLITE_OMIT_WAL)
build speedtest1 "${SQLDEFS[@]}" -Isqlite-build "$SQLITE/test/speedtest1.c" sqlite-build/sqlite3.c \
  -- -DSQLITE_OS_OTHER=1 "$HERE/sqlite_memvfs.c"

build zlib -I"$ZLIB" "$ZLIB"/{adler32,compress,crc32,deflate,inflate,inftrees,inffast,trees,zutil,uncompr}.c \
  "$HERE/zlib_bench.c"

build bzip2 -I"$BZIP2" "$BZIP2"/{blocksort,huffman,crctable,randtable,compress,decompress,bzlib}.c "$HERE/bzip2_bench.c"

# Lua: the library without the io, os and package libraries and the
# standalone programs; its error unwinding is setjmp/longjmp, which
# wasm32-wasi lacks, so on wasm an error aborts (the script raises none).
# Its string hash seed is fixed (it mixes in the time): every run of the
# wasm build then executes the same instructions, which callgrind counts.
mkdir -p lua-include/wasm
echo '#define DEB_HOST_MULTIARCH "bench"' > lua-include/lua5.4-deb-multiarch.h  # (Debian's luaconf.h includes it)
echo '/* LUAI_THROW/LUAI_TRY are overridden: no setjmp */' > lua-include/wasm/setjmp.h
LUA_SRCS=$(ls "$LUA"/*.c | grep -v -E '/(lua|luac|linit|liolib|loslib|loadlib)\.c$')
# shellcheck disable=SC2086
build lua -Ilua-include -I"$LUA" '-Dluai_makeseed(L)=0x2f0ab3c5u' $LUA_SRCS "$HERE/lua_bench.c" \
  -- -Ilua-include/wasm -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS '-DLUAI_THROW(L,c)=abort()' \
  '-DLUAI_TRY(L,c,a)={ a }' -Dluai_jmpbuf=int -lwasi-emulated-signal -lwasi-emulated-process-clocks

echo "programs in $OUT"
