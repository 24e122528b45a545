// The system's name as programs see it, in uname(2) and /proc/version: tine
// answers as the Linux whose system calls it has (kernel/syscall/sys_info.cpp
// says why).
#pragma once

inline constexpr char kUtsSysname[] = "Linux";
inline constexpr char kUtsRelease[] = "6.1.0-tine";
inline constexpr char kUtsVersion[] = "#1 SMP tine";
inline constexpr char kUtsMachine[] = "aarch64";

// The names root sets (sethostname, setdomainname, /proc/sys/kernel/):
// up to 64 bytes, NUL-padded in uname's 65-byte field.
#include <stddef.h>
enum class UtsName { kHost, kDomain };
void uts_name_get(UtsName which, char out[65]);
void uts_name_set(UtsName which, const char* name, size_t len);  // len <= 64
