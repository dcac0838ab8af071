#!/usr/bin/env bash
# Builds the Debian package with CPack, unpacks it into a temporary root
# (dpkg -x, no installation) and uses it from there: the CLI, and the
# consumer project built against it.
# usage: deb_test.sh BUILD_DIR VERSION CONSUMER_SOURCE WORK_DIR
set -euo pipefail
build=$1 version=$2 consumer=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null)
deb="$work/pkg/mywasm_${version}_amd64.deb"
[ -f "$deb" ] || { echo "no $deb"; ls "$work/pkg"; exit 1; }
dpkg-deb -f "$deb" Package Version Architecture Depends
dpkg -x "$deb" "$work/root"
root="$work/root/usr"
out=$("$root/bin/mywasm" run --invoke fib "$consumer/fib.wat" 20)
[ "$out" = "6765" ] || { echo "CLI printed: $out"; exit 1; }
"$here/consumer_test.sh" "$root" "$consumer" "$work/consumer"
echo "deb: ok"
