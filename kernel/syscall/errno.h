// Error numbers of the user ABI: Linux's (asm-generic/errno-base.h, errno.h).
// System calls return them negated.
#pragma once

#ifndef TINE_KERNEL
#include <errno.h>  // host tests: the host is Linux, same numbers, and its macros win
#else

inline constexpr int EPERM = 1;
inline constexpr int ENOENT = 2;
inline constexpr int ESRCH = 3;
inline constexpr int EINTR = 4;
inline constexpr int EIO = 5;
inline constexpr int E2BIG = 7;
inline constexpr int ENOEXEC = 8;
inline constexpr int EBADF = 9;
inline constexpr int ECHILD = 10;
inline constexpr int EAGAIN = 11;
inline constexpr int ENOMEM = 12;
inline constexpr int EACCES = 13;
inline constexpr int EFAULT = 14;
inline constexpr int EBUSY = 16;
inline constexpr int EEXIST = 17;
inline constexpr int ENODEV = 19;
inline constexpr int EINVAL = 22;
inline constexpr int ENAMETOOLONG = 36;
inline constexpr int ENOSYS = 38;
#endif
