// The printf engine. Output goes to the sink in pieces (literal runs, padding,
// digits), so nothing here needs a buffer larger than one number's digits.
// All va_arg calls live in vformat itself: on AArch64 va_list is a struct, and
// handing it to helpers by value would lose their progress through it.
#include "kernel/lib/format.h"

#include <stdint.h>

namespace {

// Parsed "%[flags][width][.precision][length]conv" directive.
struct Spec {
  bool left = false;   // '-': pad on the right
  bool zero = false;   // '0': pad numbers with zeros
  bool plus = false;   // '+': always print a sign for signed conversions
  bool space = false;  // ' ': a space where a '+' would go
  bool alt = false;    // '#': 0x/0X for hex, a leading 0 for octal
  int width = 0;
  int precision = -1;  // -1: none given
};

enum class Length { kInt, kChar, kShort, kLong, kLongLong, kSize, kPtrdiff, kIntmax };

// Widths and precisions beyond this are clamped; nothing sane asks for more.
constexpr int kMaxField = 1 << 20;

// Counts what it forwards, so vformat can return the total length.
struct Out {
  FormatSink sink;
  void* ctx;
  size_t count;

  void put(const char* s, size_t n) {
    if (n == 0) return;
    sink(ctx, s, n);
    count += n;
  }

  // Emits n copies of c in chunks, without a buffer of size n.
  void repeat(char c, size_t n) {
    static constexpr char kSpaces[] = "                                ";
    static constexpr char kZeros[] = "00000000000000000000000000000000";
    const char* chunk = c == '0' ? kZeros : kSpaces;
    constexpr size_t kChunk = sizeof(kSpaces) - 1;
    while (n > 0) {
      size_t step = n < kChunk ? n : kChunk;
      put(chunk, step);
      n -= step;
    }
  }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads a decimal field at *p, advancing past it.
int parse_number(const char*& p) {
  int value = 0;
  while (is_digit(*p)) {
    if (value < kMaxField) value = value * 10 + (*p - '0');
    ++p;
  }
  return value < kMaxField ? value : kMaxField;
}

// Reads a length modifier that may be doubled ('h' or "hh", 'l' or "ll") at
// *p, advancing past it: `once` or `twice`.
Length parse_doubled(const char*& p, Length once, Length twice) {
  char c = *p++;
  if (*p != c) return once;
  ++p;
  return twice;
}

// Writes the digits of value in the given base at the end of buf; returns
// where they start. buf must hold 22 characters (64-bit octal).
char* digits_of(uint64_t value, unsigned base, bool upper, char* end) {
  const char* glyphs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char* p = end;
  do {
    *--p = glyphs[value % base];
    value /= base;
  } while (value != 0);
  return p;
}

// Lays out a number: the prefix (sign or 0x), `zeros` zeros, the digits,
// padded with spaces to the width; '0' pads between the prefix and the
// digits instead, unless '-' or a precision rules it out.
void emit_number(Out& out, const Spec& spec, const char* prefix, size_t nprefix, size_t zeros,
                 const char* digits, size_t ndigits) {
  size_t body = nprefix + zeros + ndigits;
  size_t width = static_cast<size_t>(spec.width);
  size_t pad = width > body ? width - body : 0;
  if (spec.zero && !spec.left && spec.precision < 0) {
    zeros += pad;
    pad = 0;
  }
  if (!spec.left) out.repeat(' ', pad);
  out.put(prefix, nprefix);
  out.repeat('0', zeros);
  out.put(digits, ndigits);
  if (spec.left) out.repeat(' ', pad);
}

// Lays out one integer: [pad][sign/prefix][zeros][digits][pad].
void emit_integer(Out& out, const Spec& spec, uint64_t magnitude, bool negative, bool is_signed,
                  unsigned base, bool upper) {
  char buf[24];
  char* end = buf + sizeof(buf);
  size_t ndigits = 0;
  char* digits = end;
  // An explicit precision of 0 prints nothing for the value 0.
  if (!(magnitude == 0 && spec.precision == 0)) {
    digits = digits_of(magnitude, base, upper, end);
    ndigits = static_cast<size_t>(end - digits);
  }

  char prefix[2];
  size_t nprefix = 0;
  if (is_signed) {
    if (negative)
      prefix[nprefix++] = '-';
    else if (spec.plus)
      prefix[nprefix++] = '+';
    else if (spec.space)
      prefix[nprefix++] = ' ';
  } else if (spec.alt && base == 16 && magnitude != 0) {
    prefix[nprefix++] = '0';
    prefix[nprefix++] = upper ? 'X' : 'x';
  }

  size_t zeros = 0;
  if (spec.precision >= 0 && static_cast<size_t>(spec.precision) > ndigits)
    zeros = static_cast<size_t>(spec.precision) - ndigits;
  // '#' with octal: the first digit printed must be a 0.
  if (spec.alt && base == 8 && zeros == 0 && (ndigits == 0 || digits[0] != '0')) zeros = 1;

  emit_number(out, spec, prefix, nprefix, zeros, digits, ndigits);
}

// Lays out a string of known length with space padding.
void emit_text(Out& out, const Spec& spec, const char* s, size_t len) {
  size_t width = static_cast<size_t>(spec.width);
  size_t pad = width > len ? width - len : 0;
  if (!spec.left) out.repeat(' ', pad);
  out.put(s, len);
  if (spec.left) out.repeat(' ', pad);
}

// Length of s, reading no further than max characters.
size_t bounded_length(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

}  // namespace

size_t vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap) {
  Out out{sink, ctx, 0};
  const char* p = fmt;

  while (*p != '\0') {
    // Literal run up to the next '%'.
    const char* run = p;
    while (*p != '\0' && *p != '%') ++p;
    out.put(run, static_cast<size_t>(p - run));
    if (*p == '\0') break;

    const char* directive = p++;  // kept to echo unknown conversions verbatim
    Spec spec;

    for (;; ++p) {
      if (*p == '-')
        spec.left = true;
      else if (*p == '0')
        spec.zero = true;
      else if (*p == '+')
        spec.plus = true;
      else if (*p == ' ')
        spec.space = true;
      else if (*p == '#')
        spec.alt = true;
      else
        break;
    }

    if (*p == '*') {
      ++p;
      int w = va_arg(ap, int);
      // A negative width from '*' means left-justify.
      if (w < 0) {
        spec.left = true;
        w = w == INT32_MIN ? kMaxField : -w;
      }
      spec.width = w < kMaxField ? w : kMaxField;
    } else {
      spec.width = parse_number(p);
    }

    if (*p == '.') {
      ++p;
      if (*p == '*') {
        ++p;
        int prec = va_arg(ap, int);
        // A negative precision from '*' counts as none given.
        spec.precision = prec < 0 ? -1 : (prec < kMaxField ? prec : kMaxField);
      } else {
        spec.precision = parse_number(p);
      }
    }

    Length length = Length::kInt;
    switch (*p) {
      case 'h': length = parse_doubled(p, Length::kShort, Length::kChar); break;
      case 'l': length = parse_doubled(p, Length::kLong, Length::kLongLong); break;
      case 'z':
        ++p;
        length = Length::kSize;
        break;
      case 't':
        ++p;
        length = Length::kPtrdiff;
        break;
      case 'j':
        ++p;
        length = Length::kIntmax;
        break;
      default: break;
    }

    char conv = *p;
    if (conv == '\0') {
      // The format ended mid-directive: show what was there.
      out.put(directive, static_cast<size_t>(p - directive));
      break;
    }
    ++p;

    switch (conv) {
      case 'd':
      case 'i': {
        int64_t v;
        switch (length) {
          // %hhd: the value is a signed char, sign-extended on purpose.
          // NOLINTNEXTLINE(bugprone-signed-char-misuse)
          case Length::kChar: v = static_cast<signed char>(va_arg(ap, int)); break;
          case Length::kShort: v = static_cast<short>(va_arg(ap, int)); break;
          case Length::kLong: v = va_arg(ap, long); break;
          case Length::kLongLong: v = va_arg(ap, long long); break;
          // The signed type of size_t's width.
          case Length::kSize: v = static_cast<int64_t>(va_arg(ap, size_t)); break;
          case Length::kPtrdiff: v = va_arg(ap, ptrdiff_t); break;
          case Length::kIntmax: v = va_arg(ap, intmax_t); break;
          default: v = va_arg(ap, int); break;
        }
        bool negative = v < 0;
        // Negate in unsigned arithmetic so INT64_MIN is fine.
        uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        emit_integer(out, spec, magnitude, negative, true, 10, false);
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        uint64_t v;
        switch (length) {
          case Length::kChar: v = static_cast<unsigned char>(va_arg(ap, unsigned)); break;
          case Length::kShort: v = static_cast<unsigned short>(va_arg(ap, unsigned)); break;
          case Length::kLong: v = va_arg(ap, unsigned long); break;
          case Length::kLongLong: v = va_arg(ap, unsigned long long); break;
          case Length::kSize: v = va_arg(ap, size_t); break;
          case Length::kPtrdiff: v = static_cast<uint64_t>(va_arg(ap, ptrdiff_t)); break;
          case Length::kIntmax: v = va_arg(ap, uintmax_t); break;
          default: v = va_arg(ap, unsigned); break;
        }
        unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
        emit_integer(out, spec, v, false, false, base, conv == 'X');
        break;
      }
      case 'p': {
        // Always 0x-prefixed hex, including for a null pointer.
        uint64_t v = reinterpret_cast<uintptr_t>(va_arg(ap, void*));
        Spec ptr = spec;
        ptr.plus = ptr.space = false;
        char buf[24];
        char* end = buf + sizeof(buf);
        char* digits = digits_of(v, 16, false, end);
        size_t ndigits = static_cast<size_t>(end - digits);
        size_t zeros = 0;
        if (ptr.precision >= 0 && static_cast<size_t>(ptr.precision) > ndigits)
          zeros = static_cast<size_t>(ptr.precision) - ndigits;
        emit_number(out, ptr, "0x", 2, zeros, digits, ndigits);
        break;
      }
      case 'c': {
        char c = static_cast<char>(va_arg(ap, int));
        emit_text(out, spec, &c, 1);
        break;
      }
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (s == nullptr) s = "(null)";
        // With a precision the string need not be NUL-terminated within it.
        size_t max = spec.precision >= 0 ? static_cast<size_t>(spec.precision) : SIZE_MAX;
        emit_text(out, spec, s, bounded_length(s, max));
        break;
      }
      case '%': out.put("%", 1); break;
      default:
        // Unknown conversion (including %n, deliberately unsupported): echo it.
        out.put(directive, static_cast<size_t>(p - directive));
        break;
    }
  }
  return out.count;
}

namespace {

// Fills a fixed buffer, silently dropping what does not fit (keeping room for NUL).
struct BufferSink {
  char* buf;
  size_t capacity;  // usable characters, excluding the NUL
  size_t used;

  static void write(void* ctx, const char* s, size_t n) {
    auto* self = static_cast<BufferSink*>(ctx);
    size_t room = self->capacity - self->used;
    size_t take = n < room ? n : room;
    for (size_t i = 0; i < take; ++i) self->buf[self->used + i] = s[i];
    self->used += take;
  }
};

}  // namespace

int tine_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap) {
  BufferSink sink{buf, n > 0 ? n - 1 : 0, 0};
  size_t total = vformat(&BufferSink::write, &sink, fmt, ap);
  if (n > 0) buf[sink.used] = '\0';
  return total > INT32_MAX ? INT32_MAX : static_cast<int>(total);
}

int tine_snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = tine_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return len;
}
