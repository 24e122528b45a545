// Signal numbers of the user ABI (Linux arm64, asm-generic/signal.h). There is
// no signal delivery yet: a fault the VM cannot satisfy ends the process with
// the matching signal as its termination status.
#pragma once

inline constexpr int kSigIll = 4;
inline constexpr int kSigTrap = 5;
inline constexpr int kSigBus = 7;
inline constexpr int kSigKill = 9;
inline constexpr int kSigSegv = 11;
inline constexpr int kSigChld = 17;

const char* signal_name(int sig);
