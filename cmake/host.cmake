# Host build: GoogleTest suites over the portable kernel code, with ASan and UBSan.
enable_testing()
find_package(GTest REQUIRED)

set(TINE_HOST_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
  -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter -g)
add_library(tine_host_flags INTERFACE)
target_compile_options(tine_host_flags INTERFACE ${TINE_HOST_FLAGS})
target_link_options(tine_host_flags INTERFACE -fsanitize=address,undefined)
target_compile_definitions(tine_host_flags INTERFACE TINE_HOST=1 TINE_DEBUG=1)
# Portable code includes <arch/...>; on the host a shim answers with std::atomic and threads.
target_include_directories(tine_host_flags INTERFACE
  ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/tests/host/shim/include)
target_link_libraries(tine_host_flags INTERFACE GTest::gtest GTest::gtest_main pthread)

# tine_host_test(NAME SOURCES...): one GoogleTest binary, its cases registered with ctest.
include(GoogleTest)
function(tine_host_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE tine_host_flags)
  gtest_discover_tests(${name} PROPERTIES LABELS host DISCOVERY_TIMEOUT 60)
endfunction()

add_subdirectory(tests/host)

# Which cross toolchain cmake/aarch64-tine.cmake picks (configures only).
add_test(NAME toolchain_select COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/host/toolchain_select.py)
set_tests_properties(toolchain_select PROPERTIES LABELS host TIMEOUT 120)

# How the proof gate reads Frama-C's output and the mutation gate the proof gate's.
add_test(NAME gate_verdicts COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/host/tools/gate_verdicts_test.py)
set_tests_properties(gate_verdicts PROPERTIES LABELS host TIMEOUT 60)
