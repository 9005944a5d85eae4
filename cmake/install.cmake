# Installation: the command, libwikipack.a and libwikipack.so (the same
# objects, format/ included, so users link only -lwikipack), the header,
# wikipack.pc, the CMake package (wikipack::wikipack, the shared library, and
# wikipack::wikipack_static) and the man pages. Both the .pc file and the
# CMake package locate the prefix from where they are installed, so
# `cmake --install BUILD --prefix DIR` works for any DIR.
# A fuzzing build skips checksums (tests/fuzz/CMakeLists.txt): it must
# never be installed.
if(WIKIPACK_FUZZ)
  install(CODE "message(FATAL_ERROR \"a WIKIPACK_FUZZ build skips checksums and is not for installing\")")
  return()
endif()
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The library version is the project's, read from wikipack.h by the
# top-level CMakeLists.txt; the soname changes only with the major version.
set(WIKIPACK_LIB_VERSION ${PROJECT_VERSION})
set(WIKIPACK_VERSION_MAJOR ${PROJECT_VERSION_MAJOR})

# The static library's objects are position-independent so that the shared
# one is linked from them rather than compiled again.
set_target_properties(wikipack PROPERTIES POSITION_INDEPENDENT_CODE ON EXPORT_NAME wikipack_static)
add_library(wikipack_shared SHARED $<TARGET_OBJECTS:wikipack> $<TARGET_OBJECTS:wikipack_format2>)
target_include_directories(wikipack_shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(wikipack_shared PRIVATE PkgConfig::ZSTD PkgConfig::XXHASH PkgConfig::UTF8PROC PkgConfig::SODIUM
  stemmer m Threads::Threads ${CMAKE_DL_LIBS})
set_target_properties(wikipack_shared PROPERTIES OUTPUT_NAME wikipack EXPORT_NAME wikipack
  VERSION ${WIKIPACK_LIB_VERSION} SOVERSION ${WIKIPACK_VERSION_MAJOR})

if(TARGET wikipack_cli)
  install(TARGETS wikipack_cli wikipack_serve RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  if(TARGET wikipack_mount)
    install(TARGETS wikipack_mount RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()
install(TARGETS wikipack wikipack_shared EXPORT wikipack-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/wikipack.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES man/wikipack.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES man/wikipack.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES spec/FORMAT.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# pkg-config: prefix relative to the .pc file's own directory.
set(_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(WIKIPACK_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(WIKIPACK_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _up /${_pc_dir} /)
  string(REGEX REPLACE "/$" "" _up "${_up}")
  set(WIKIPACK_PC_PREFIX "\${pcfiledir}/${_up}")
  set(WIKIPACK_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(WIKIPACK_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(WIKIPACK_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(cmake/wikipack.pc.in wikipack.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wikipack.pc DESTINATION ${_pc_dir})

# CMake package: find_package(wikipack) in lib/cmake/wikipack/.
set(_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wikipack)
install(EXPORT wikipack-targets NAMESPACE wikipack:: DESTINATION ${_cmake_dir})
configure_package_config_file(cmake/wikipack-config.cmake.in wikipack-config.cmake INSTALL_DESTINATION ${_cmake_dir})
write_basic_package_version_file(wikipack-config-version.cmake VERSION ${WIKIPACK_LIB_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wikipack-config.cmake ${CMAKE_CURRENT_BINARY_DIR}/wikipack-config-version.cmake
  DESTINATION ${_cmake_dir})
