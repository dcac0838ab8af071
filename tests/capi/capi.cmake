# The C and C++ API examples: each a C program (NAME.c, wasm.h) or a C++
# one (cpp/NAME.cc, wasm.hh) built against the installed mywasm through
# pkg-config (install_tree's copy) and run beside its module.
find_program(WAT2WASM wat2wasm REQUIRED)
set(_capi_src ${CMAKE_CURRENT_SOURCE_DIR}/capi)
set(_capi_bin ${CMAKE_CURRENT_BINARY_DIR}/capi)
set(_capi_modules hello callback global memory table trap multi reflect finalize hostref serialize start threads)
set(_capi_programs ${_capi_modules} errors)

set(_capi_wasm)
foreach(name ${_capi_modules})
  add_custom_command(OUTPUT ${_capi_bin}/${name}.wasm
    COMMAND ${WAT2WASM} ${_capi_src}/${name}.wat -o ${_capi_bin}/${name}.wasm
    DEPENDS ${_capi_src}/${name}.wat)
  list(APPEND _capi_wasm ${_capi_bin}/${name}.wasm)
endforeach()
add_custom_target(capi_example_modules ALL DEPENDS ${_capi_wasm})

foreach(name ${_capi_programs})
  add_test(NAME capi_${name}
    COMMAND ${_capi_src}/run_example.sh ${MYWASM_TEST_PREFIX} ${_capi_src}/${name}.c ${_capi_bin} ${_capi_bin}/programs)
  set_tests_properties(capi_${name} PROPERTIES FIXTURES_REQUIRED mywasm_installed)
endforeach()

# The C++ examples use the same modules. The trap tests check frames, whose
# offsets depend on the tier: they run under each ($MYWASM_TIER sets the C
# API's default tier).
foreach(name ${_capi_modules})
  add_test(NAME capi_cpp_${name}
    COMMAND ${_capi_src}/run_example.sh ${MYWASM_TEST_PREFIX} ${_capi_src}/cpp/${name}.cc ${_capi_bin} ${_capi_bin}/programs)
  set_tests_properties(capi_cpp_${name} PROPERTIES FIXTURES_REQUIRED mywasm_installed)
endforeach()
foreach(tier interp jit)
  foreach(src trap.c cpp/trap.cc)
    string(REGEX REPLACE "[./]" "_" _name "${src}")
    add_test(NAME capi_${_name}_${tier}
      COMMAND ${_capi_src}/run_example.sh ${MYWASM_TEST_PREFIX} ${_capi_src}/${src} ${_capi_bin} ${_capi_bin}/programs-${tier})
    set_tests_properties(capi_${_name}_${tier} PROPERTIES FIXTURES_REQUIRED mywasm_installed ENVIRONMENT MYWASM_TIER=${tier})
  endforeach()
endforeach()
