// Time values as Linux arm64 programs pass them (struct timespec, struct
// timeval) and their conversions to the kernel's nanoseconds.
#pragma once
#include <stdint.h>

struct UserTimespec {  // struct timespec
  int64_t sec;
  int64_t nsec;
};

struct UserTimeval {  // struct timeval
  int64_t sec;
  int64_t usec;
};

inline constexpr int64_t kNsPerSec = 1000000000;

// Linux's timespec64_valid: a non-negative second count, nanoseconds below one second.
inline bool timespec_valid(const UserTimespec& t) {
  return t.sec >= 0 && t.nsec >= 0 && t.nsec < kNsPerSec;
}

// A valid timespec in nanoseconds; UINT64_MAX when it does not fit.
inline uint64_t timespec_to_ns(const UserTimespec& t) {
  uint64_t sec = static_cast<uint64_t>(t.sec), nsec = static_cast<uint64_t>(t.nsec);
  if (sec > (UINT64_MAX - nsec) / static_cast<uint64_t>(kNsPerSec)) return UINT64_MAX;
  return sec * static_cast<uint64_t>(kNsPerSec) + nsec;
}

inline UserTimespec ns_to_timespec(uint64_t ns) {
  return {static_cast<int64_t>(ns / kNsPerSec), static_cast<int64_t>(ns % kNsPerSec)};
}

inline UserTimeval ns_to_timeval(uint64_t ns) {
  return {static_cast<int64_t>(ns / kNsPerSec), static_cast<int64_t>(ns % kNsPerSec / 1000)};
}
