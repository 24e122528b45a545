// Error numbers the scheduler and sleep primitives return (positive, Linux's
// values as in the user ABI; the same macros may be defined elsewhere alike).
#pragma once

#ifndef EINTR
#define EINTR 4
#endif
#ifndef EAGAIN
#define EAGAIN 11
#endif
#ifndef EWOULDBLOCK
#define EWOULDBLOCK EAGAIN
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EBUSY
#define EBUSY 16
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef EDEADLK
#define EDEADLK 35
#endif
