# Cross toolchain for the kernel and its user programs, freestanding (no libc,
# only libgcc). Which one, by its tool prefix (TINE_CROSS):
#   1. TINE_CROSS from the environment or -DTINE_CROSS=...: a prefix such as
#      aarch64-none-elf- (found on PATH) or /opt/arm/bin/aarch64-none-elf-;
#   2. else the one a build folder was first configured with (cached);
#   3. else the Arm GNU Toolchain's aarch64-none-elf- when its gcc is on PATH;
#   4. else Debian's aarch64-linux-gnu- (GCC 12; what ./tine setup installs and CI uses).
# Both build the same kernel: every flag that matters is explicit (cmake/kernel.cmake,
# user/CMakeLists.txt), and -ffreestanding keeps newlib's headers out.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(DEFINED ENV{TINE_CROSS} AND NOT "$ENV{TINE_CROSS}" STREQUAL "")
  set(TINE_CROSS "$ENV{TINE_CROSS}" CACHE STRING "cross tool prefix" FORCE)
elseif(NOT TINE_CROSS)
  find_program(tine_none_elf_gcc aarch64-none-elf-gcc NO_CACHE)
  if(tine_none_elf_gcc)
    set(TINE_CROSS aarch64-none-elf- CACHE STRING "cross tool prefix")
  else()
    set(TINE_CROSS aarch64-linux-gnu- CACHE STRING "cross tool prefix")
  endif()
endif()
# try_compile projects read this file again: hand them the choice.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TINE_CROSS)

set(CMAKE_C_COMPILER ${TINE_CROSS}gcc)
set(CMAKE_CXX_COMPILER ${TINE_CROSS}g++)
set(CMAKE_ASM_COMPILER ${TINE_CROSS}gcc)
set(CMAKE_OBJCOPY ${TINE_CROSS}objcopy CACHE FILEPATH "" FORCE)
set(CMAKE_NM ${TINE_CROSS}nm CACHE FILEPATH "" FORCE)
# No crt0, no libc to link a test program against.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
