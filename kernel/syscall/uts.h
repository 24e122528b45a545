// The system's name as programs see it, in uname(2) and /proc/version: tine
// answers as the Linux whose system calls it has (kernel/syscall/sys_info.cpp
// says why).
#pragma once

inline constexpr char kUtsSysname[] = "Linux";
inline constexpr char kUtsRelease[] = "6.1.0-tine";
inline constexpr char kUtsVersion[] = "#1 SMP tine";
inline constexpr char kUtsMachine[] = "aarch64";
