/* What the sources shared with the static glibc programs (user/glibc) need
 * of a C library (printf, snprintf, vsnprintf, strcmp): glibc's headers in
 * a hosted program, the tiny library's (tine.h) in a freestanding one. */
#ifndef TINE_USER_LIBC_SUBSET_H
#define TINE_USER_LIBC_SUBSET_H

#if __STDC_HOSTED__
#include <stdio.h>
#include <string.h>
#else
#include "tine.h"
#endif

#endif
