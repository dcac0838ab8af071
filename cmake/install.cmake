# Installation: the CLI, libmywasm (shared and static), the public headers,
# a CMake package (find_package(mywasm) -> mywasm::mywasm, or
# mywasm::mywasm_static) and mywasm.pc for pkg-config; and a Debian package
# of all of it (cpack -G DEB).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# mywasm-image beside mywasm: `mywasm run IMAGE` unpacks images through it.
install(TARGETS mywasm mywasm-image RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mywasm_shared mywasm_static EXPORT mywasmTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY engine/include/mywasm wasi/include/mywasm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES capi/include/wasm.h capi/include/wasm.hh DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(MYWASM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mywasm)
install(EXPORT mywasmTargets NAMESPACE mywasm:: DESTINATION ${MYWASM_CMAKE_DIR})
configure_package_config_file(cmake/mywasmConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/mywasmConfig.cmake INSTALL_DESTINATION ${MYWASM_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/mywasmConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mywasmConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/mywasmConfigVersion.cmake
  DESTINATION ${MYWASM_CMAKE_DIR})

configure_file(cmake/mywasm.pc.in ${CMAKE_CURRENT_BINARY_DIR}/mywasm.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mywasm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Debian package: mywasm_<version>_amd64.deb, installing under /usr.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mywasm)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mywasm developers <mywasm@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WebAssembly runtime: mywasm CLI, library, C API (wasm.h) and C++ API")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
# Run-time libraries, and the -dev packages a consumer of the static
# library or the CMake package needs.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libstdc++6, libasmjit-dev, libarchive13, libssl3")
include(CPack)
