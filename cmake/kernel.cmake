# The kernel image: every kernel source goes into the object library tine_kobjs
# (each folder's CMakeLists.txt adds its own with target_sources), linked twice:
# once to learn the function addresses, then again with the symbol table that
# panic() uses for backtraces appended after everything else (so no address moves).

message(STATUS "tine: cross toolchain ${TINE_CROSS} (${CMAKE_C_COMPILER}, "
  "${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION})")

set(TINE_KERNEL_FLAGS
  -ffreestanding -fno-builtin -nostdlib -fno-pie -fno-pic
  -mgeneral-regs-only -mno-outline-atomics -mcpu=cortex-a72
  -fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-stack-protector -fno-strict-aliasing
  -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror -Wno-unused-parameter)
set(TINE_KERNEL_CXX_FLAGS -fno-exceptions -fno-rtti -fno-threadsafe-statics
  -fno-use-cxa-atexit -Wno-missing-field-initializers)

add_library(tine_kobjs OBJECT)
target_include_directories(tine_kobjs PUBLIC
  ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/arch/aarch64/include)
target_compile_options(tine_kobjs PUBLIC ${TINE_KERNEL_FLAGS}
  $<$<COMPILE_LANGUAGE:CXX>:${TINE_KERNEL_CXX_FLAGS}>)
target_compile_definitions(tine_kobjs PUBLIC TINE_KERNEL=1
  $<$<CONFIG:Debug,RelWithDebInfo>:TINE_DEBUG=1>)

# The user programs first: the kernel image embeds them (kernel/exec).
add_subdirectory(user)
add_subdirectory(arch/aarch64)
add_subdirectory(board/rpi4)
add_subdirectory(kernel)

set(TINE_LDSCRIPT ${CMAKE_SOURCE_DIR}/arch/aarch64/kernel.ld)
set(TINE_LINK_FLAGS -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none
  -Wl,-T,${TINE_LDSCRIPT} -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments)

# Pass 1: no symbol table yet.
add_executable(kernel.stage1.elf $<TARGET_OBJECTS:tine_kobjs> arch/aarch64/ksyms_empty.S)
target_link_options(kernel.stage1.elf PRIVATE ${TINE_LINK_FLAGS})
target_link_libraries(kernel.stage1.elf PRIVATE gcc)
set_target_properties(kernel.stage1.elf PROPERTIES LINK_DEPENDS ${TINE_LDSCRIPT})

add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/ksyms.bin
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tools/gen_ksyms.py ${CMAKE_NM}
          $<TARGET_FILE:kernel.stage1.elf> ${CMAKE_BINARY_DIR}/ksyms.bin
  DEPENDS kernel.stage1.elf ${CMAKE_SOURCE_DIR}/tools/gen_ksyms.py)

# Pass 2: the same objects plus the symbol table.
add_executable(kernel.elf $<TARGET_OBJECTS:tine_kobjs> arch/aarch64/ksyms.S)
target_link_options(kernel.elf PRIVATE ${TINE_LINK_FLAGS})
target_link_libraries(kernel.elf PRIVATE gcc)
set_source_files_properties(arch/aarch64/ksyms.S PROPERTIES
  OBJECT_DEPENDS ${CMAKE_BINARY_DIR}/ksyms.bin
  COMPILE_OPTIONS "-DKSYMS_BIN=\"${CMAKE_BINARY_DIR}/ksyms.bin\"")
set_target_properties(kernel.elf PROPERTIES LINK_DEPENDS ${TINE_LDSCRIPT})

add_custom_command(TARGET kernel.elf POST_BUILD
  COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:kernel.elf> ${CMAKE_BINARY_DIR}/kernel8.img
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tools/check_image.py ${CMAKE_BINARY_DIR}/kernel8.img
          ${CMAKE_NM} $<TARGET_FILE:kernel.stage1.elf> $<TARGET_FILE:kernel.elf>
  BYPRODUCTS ${CMAKE_BINARY_DIR}/kernel8.img
  COMMENT "kernel8.img")

# The QEMU tiers, for ctest in build/kernel (./tine test runs the same through
# tools/test_all.py, which also counts the individual ktest cases).
enable_testing()
add_test(NAME ktest.all COMMAND python3 ${CMAKE_SOURCE_DIR}/tools/qemu_run.py
         --kernel ${CMAKE_BINARY_DIR}/kernel8.img --ktest all --timeout 900)
set_tests_properties(ktest.all PROPERTIES LABELS ktest TIMEOUT 960)
file(GLOB TINE_BOOT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/boot/[a-z]*.py)
foreach(script ${TINE_BOOT_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME boot.${name} COMMAND python3 ${script})
  set_tests_properties(boot.${name} PROPERTIES LABELS boot TIMEOUT 300 RUN_SERIAL TRUE)
endforeach()
