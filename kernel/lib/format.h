// printf-style formatting into a sink: the engine behind kprintf and snprintf.
// Conversions: %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '+', ' ', '#',
// a width and precision (numbers or '*'), and length modifiers hh h l ll z t j.
#pragma once
#include <stdarg.h>
#include <stddef.h>

// Receives formatted output in pieces; ctx is passed through unchanged.
using FormatSink = void (*)(void* ctx, const char* s, size_t n);

// Returns the number of characters produced.
size_t vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap);

// Always NUL-terminates when n > 0; returns the length the full output would have.
int tine_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap);
int tine_snprintf(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
