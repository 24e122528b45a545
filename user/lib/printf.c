/* Formatted output. */
#include "tine.h"

struct out {
  char* buf;
  size_t cap;
  size_t len; /* what the full output would need */
};

static void put(struct out* o, char c) {
  if (o->len + 1 < o->cap) o->buf[o->len] = c;
  ++o->len;
}

static void put_num(struct out* o, uint64_t v, unsigned base, int upper, int neg, int width,
                    int zero, int left, const char* prefix) {
  char tmp[24];
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  int plen = (neg ? 1 : 0) + (int)strlen(prefix);
  int pad = width > n + plen ? width - n - plen : 0;
  if (!left && !zero)
    while (pad-- > 0) put(o, ' ');
  if (neg) put(o, '-');
  for (const char* p = prefix; *p; ++p) put(o, *p);
  if (!left && zero)
    while (pad-- > 0) put(o, '0');
  while (n) put(o, tmp[--n]);
  if (left)
    while (pad-- > 0) put(o, ' ');
}

int vsnprintf(char* buf, size_t cap, const char* fmt, va_list ap) {
  struct out o = {buf, cap, 0};
  for (; *fmt; ++fmt) {
    if (*fmt != '%') {
      put(&o, *fmt);
      continue;
    }
    ++fmt;
    int left = 0, zero = 0, alt = 0, width = 0, lng = 0;
    for (;; ++fmt) {
      if (*fmt == '-')
        left = 1;
      else if (*fmt == '#')
        alt = 1; /* 0x before a hexadecimal number other than 0, as in C */
      else if (*fmt == '0')
        zero = 1;
      else
        break;
    }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l' || *fmt == 'z') ++lng, ++fmt;
    switch (*fmt) {
      case 'd':
      case 'i': {
        int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
        put_num(&o, v < 0 ? (uint64_t)-v : (uint64_t)v, 10, 0, v < 0, width, zero, left, "");
        break;
      }
      case 'u': {
        uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        put_num(&o, v, 10, 0, 0, width, zero, left, "");
        break;
      }
      case 'x':
      case 'X': {
        uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        const char* prefix = alt && v ? (*fmt == 'X' ? "0X" : "0x") : "";
        put_num(&o, v, 16, *fmt == 'X', 0, width, zero, left, prefix);
        break;
      }
      case 'p': put_num(&o, (uint64_t)va_arg(ap, void*), 16, 0, 0, width, zero, left, "0x"); break;
      case 'c': put(&o, (char)va_arg(ap, int)); break;
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";
        int n = (int)strlen(s);
        int pad = width > n ? width - n : 0;
        if (!left)
          while (pad-- > 0) put(&o, ' ');
        while (*s) put(&o, *s++);
        if (left)
          while (pad-- > 0) put(&o, ' ');
        break;
      }
      case '%': put(&o, '%'); break;
      case 0: --fmt; break;
      default: put(&o, '%'); put(&o, *fmt);
    }
  }
  if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
  return (int)o.len;
}

int snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

/* stdout: one buffer, written out at each newline, when full, and by exit. */
static char g_out[1024];
static size_t g_out_len;

void flush_stdout(void) {
  size_t off = 0;
  while (off < g_out_len) {
    ssize_t n = write(1, g_out + off, g_out_len - off);
    if (n <= 0) break;
    off += (size_t)n;
  }
  g_out_len = 0;
}

static void out_bytes(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (g_out_len == sizeof g_out) flush_stdout();
    g_out[g_out_len++] = s[i];
    if (s[i] == '\n') flush_stdout();
  }
}

int printf(const char* fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  out_bytes(tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
  return n;
}

int dprintf(int fd, const char* fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (fd == 1) {
    out_bytes(tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
  } else {
    write(fd, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
  }
  return n;
}

int puts(const char* s) {
  out_bytes(s, strlen(s));
  out_bytes("\n", 1);
  return 0;
}
