# Installation, CMake package, pkg-config and Debian package, tested on a
# copy installed into the build tree (no root, nothing outside build/).
set(MYWASM_TEST_PREFIX ${CMAKE_BINARY_DIR}/test-install)
set(_install_dir ${CMAKE_CURRENT_SOURCE_DIR}/install)

add_test(NAME install_tree COMMAND ${_install_dir}/install_tree.sh ${CMAKE_BINARY_DIR} ${MYWASM_TEST_PREFIX})
set_tests_properties(install_tree PROPERTIES FIXTURES_SETUP mywasm_installed)

add_test(NAME install_consumer
  COMMAND ${_install_dir}/consumer_test.sh ${MYWASM_TEST_PREFIX} ${_install_dir}/consumer ${CMAKE_BINARY_DIR}/test-consumer)
add_test(NAME install_symbols
  COMMAND ${_install_dir}/symbols_test.sh ${MYWASM_TEST_PREFIX}/lib/libmywasm.so ${MYWASM_TEST_PREFIX}/include/wasm.h)
set_tests_properties(install_consumer install_symbols PROPERTIES FIXTURES_REQUIRED mywasm_installed)

add_test(NAME install_deb
  COMMAND ${_install_dir}/deb_test.sh ${CMAKE_BINARY_DIR} ${PROJECT_VERSION} ${_install_dir}/consumer ${CMAKE_BINARY_DIR}/test-deb)
