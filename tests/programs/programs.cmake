# Builds the test programs from source into ${MYWASM_PROGRAMS_DIR}:
# C with clang-19 + wasi-libc, Rust with Debian's rustc + its wasm32-wasi std.
# Both toolchains are required when tests are built (scripts/install-deps.sh
# installs them): a missing one is a configure error, never a skipped test.
set(MYWASM_PROGRAMS_DIR ${CMAKE_BINARY_DIR}/programs)
file(MAKE_DIRECTORY ${MYWASM_PROGRAMS_DIR})

find_program(MYWASM_CLANG_WASI clang-19 REQUIRED)
find_program(MYWASM_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)

set(_programs)
file(GLOB _c_programs CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/c/*.c)
file(GLOB _c_headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/c/*.h)
foreach(src ${_c_programs})
  get_filename_component(name ${src} NAME_WE)
  set(out ${MYWASM_PROGRAMS_DIR}/${name}.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${MYWASM_CLANG_WASI} --target=wasm32-wasi --sysroot=/usr -O2 ${src} -o ${out}
    DEPENDS ${src} ${_c_headers} COMMENT "clang-19 wasm32-wasi ${name}.c" VERBATIM)
  list(APPEND _programs ${out})
endforeach()

file(GLOB _rust_programs CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/rust/*.rs)
# Modules the programs include with #[path = "shared/..."] (not programs).
file(GLOB _rust_shared CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/rust/shared/*.rs)
foreach(src ${_rust_programs})
  get_filename_component(name ${src} NAME_WE)
  set(out ${MYWASM_PROGRAMS_DIR}/${name}.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${MYWASM_RUSTC} --target wasm32-wasi -O --edition 2021 ${src} -o ${out}
    DEPENDS ${src} ${_rust_shared} COMMENT "rustc wasm32-wasi ${name}.rs" VERBATIM)
  list(APPEND _programs ${out})
endforeach()

add_custom_target(test_programs ALL DEPENDS ${_programs})

# big.wasm: a generated program of tens of megabytes (1500 functions of
# ~7.5 KB code each at -O0, a 16 MB data table, a 50-deep call chain), for
# start-up and backtrace tests on big modules. Generated at build time by
# big/gen_big.py, never committed; -O0 keeps the compile to a few seconds.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(_big_src ${CMAKE_BINARY_DIR}/programs/big-src)
add_custom_command(OUTPUT ${MYWASM_PROGRAMS_DIR}/big.wasm
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/big/gen_big.py ${_big_src}
  COMMAND ${MYWASM_CLANG_WASI} --target=wasm32-wasi --sysroot=/usr -O0 -Wno-c23-extensions
          ${_big_src}/big.c -o ${MYWASM_PROGRAMS_DIR}/big.wasm
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/big/gen_big.py
  COMMENT "generated big.wasm (tens of MB)" VERBATIM)
add_custom_target(big_program ALL DEPENDS ${MYWASM_PROGRAMS_DIR}/big.wasm)
