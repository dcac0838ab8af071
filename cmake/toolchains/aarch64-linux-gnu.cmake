# Cross build for arm64 Linux with Debian's g++-aarch64-linux-gnu and the
# arm64 builds of the dependencies from Debian's multiarch packages
# (dpkg --add-architecture arm64; libfmt-dev:arm64, libasmjit-dev:arm64,
# ...). Tests run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR), which
# finds the arm64 loader and libraries at their multiarch paths.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
# scripts/test-arm64.sh does all of it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: arm64 libraries and CMake package files live under
# /usr/lib/aarch64-linux-gnu, headers are shared in /usr/include.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
# Host tools (clang-19 for the wasm test programs, rustc, python) are found
# on the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config (FindOpenSSL, FindLibArchive use it) reads the arm64 .pc files,
# not the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
