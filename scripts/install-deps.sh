#!/usr/bin/env bash
# Installs the Debian packages mywasm needs to build and test, if missing;
# or, given package names (scripts/test-arm64.sh's), those.
set -euo pipefail

packages=("$@")
((${#packages[@]})) || packages=(
  build-essential cmake ninja-build ccache pkg-config
  libfmt-dev libasmjit-dev libcli11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  wabt python3
  clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
  lld  # ld.lld, which links the mywasm binary (tools/CMakeLists.txt, start-up layout)
  rustc libstd-rust-dev-wasm32
  # The OCI runtime and images (tools/oci), and its end-to-end test
  nlohmann-json3-dev libarchive-dev libssl-dev
  containerd runc podman iproute2 util-linux curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
