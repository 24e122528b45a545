// Signal numbers of the user ABI (Linux arm64, asm-generic/signal.h): the
// kernel's vocabulary for them, from the trap path to the process layer
// (kernel/proc/proc.h's psig names those job control and kill act on). Not
// signal.h, for the reason error_numbers.h gives.
#pragma once

inline constexpr int kSigIll = 4;
inline constexpr int kSigTrap = 5;
inline constexpr int kSigBus = 7;
inline constexpr int kSigKill = 9;
inline constexpr int kSigSegv = 11;
inline constexpr int kSigPipe = 13;
inline constexpr int kSigAlrm = 14;
inline constexpr int kSigChld = 17;
inline constexpr int kSigXcpu = 24;
inline constexpr int kSigXfsz = 25;
inline constexpr int kSigVtalrm = 26;
inline constexpr int kSigProf = 27;

// "SIGSEGV" and the like, for the console (kernel/syscall/sys_proc.cpp).
const char* signal_name(int sig);
