// Kernel console output. Each call's text is assembled per CPU and written a
// whole line at a time under the console lock, so lines from different CPUs
// never interleave mid-line.
#pragma once
#include <stdarg.h>

int kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char* fmt, va_list ap);
