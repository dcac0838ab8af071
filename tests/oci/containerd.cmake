# End to end through a real containerd (Debian's containerd and runc): the
# test starts its own containerd on a private socket and root, imports the
# images it builds with mywasm-image, and runs them with
# `ctr run --runc-binary mywasm`. The native image's program is a static
# hello built here.
set(MYWASM_NATIVE_HELLO ${CMAKE_BINARY_DIR}/programs/native_hello)
add_custom_command(OUTPUT ${MYWASM_NATIVE_HELLO}
  COMMAND ${CMAKE_C_COMPILER} -static -O2 ${CMAKE_CURRENT_LIST_DIR}/native_hello.c -o ${MYWASM_NATIVE_HELLO}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/native_hello.c COMMENT "static native hello" VERBATIM)
add_custom_target(native_hello ALL DEPENDS ${MYWASM_NATIVE_HELLO})

add_test(NAME oci_containerd
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/containerd_e2e.py
          --mywasm $<TARGET_FILE:mywasm> --image-tool $<TARGET_FILE:mywasm-image>
          --programs ${MYWASM_PROGRAMS_DIR} --native-hello ${MYWASM_NATIVE_HELLO}
          --readme ${CMAKE_SOURCE_DIR}/README.md)
set_tests_properties(oci_containerd PROPERTIES TIMEOUT 300)

# The README's podman command, on storage private to the test.
add_test(NAME oci_podman
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/podman_e2e.py
          --mywasm $<TARGET_FILE:mywasm> --image-tool $<TARGET_FILE:mywasm-image> --programs ${MYWASM_PROGRAMS_DIR})
set_tests_properties(oci_podman PROPERTIES TIMEOUT 300)
