// Memory and C-string routines. The kernel has no libc, yet GCC emits calls to
// memcpy/memmove/memset/memcmp for struct copies and large initialisers, so
// these must exist under their standard names.
//
// Each is implemented once as tine_<name>. The kernel build (TINE_KERNEL) also
// exports the standard name as an alias; the host build leaves the standard
// names to libc, so host tests can check tine_<name> against it.
#pragma once
#include <stddef.h>

extern "C" {

// Copies n bytes; the ranges must not overlap. Word-at-a-time when src and
// dst share their alignment. Returns dst.
void* tine_memcpy(void* dst, const void* src, size_t n);
// Copies n bytes; the ranges may overlap. Returns dst.
void* tine_memmove(void* dst, const void* src, size_t n);
// Fills n bytes with (unsigned char)c. Returns dst.
void* tine_memset(void* dst, int c, size_t n);
// Compares n bytes as unsigned char: <0, 0 or >0.
int tine_memcmp(const void* a, const void* b, size_t n);
// First byte equal to (unsigned char)c among the first n, or nullptr.
void* tine_memchr(const void* s, int c, size_t n);

size_t tine_strlen(const char* s);
// Like strlen but reads at most max bytes; returns max if no NUL among them.
size_t tine_strnlen(const char* s, size_t max);
int tine_strcmp(const char* a, const char* b);
int tine_strncmp(const char* a, const char* b, size_t n);
// First occurrence of (char)c in s; c == 0 finds the terminator.
char* tine_strchr(const char* s, int c);
// Copies src into dst of size bytes, always NUL-terminating when size > 0.
// Returns strlen(src); a result >= size means the copy was truncated.
size_t tine_strlcpy(char* dst, const char* src, size_t size);

#ifdef TINE_KERNEL
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
void* memchr(const void* s, int c, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
size_t strlcpy(char* dst, const char* src, size_t size);
#endif

}  // extern "C"
