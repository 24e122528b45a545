// Command line scanning. Quotes only group: `a="x y"` and `"a=x y"` both give
// a the value `x y`, matching how Linux splits its command line.
#include "kernel/dt/bootargs.h"

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// If the argument [begin, end) is `key` or `key=...` (ignoring quotes), sets
// *value to just after the '=' (or to end for a bare key) and returns true.
bool match_key(const char* begin, const char* end, const char* key, const char** value) {
  const char* p = begin;
  const char* k = key;
  while (*k != '\0') {
    while (p < end && *p == '"') ++p;
    if (p == end || *p != *k) return false;
    ++p;
    ++k;
  }
  while (p < end && *p == '"') ++p;
  if (p == end) {
    *value = end;
    return true;
  }
  if (*p != '=') return false;  // a longer key that merely starts with this one
  *value = p + 1;
  return true;
}

// Copies [begin, end) without quote characters, truncating to fit n bytes.
void copy_value(const char* begin, const char* end, char* out, size_t n) {
  size_t used = 0;
  for (const char* p = begin; p < end; ++p) {
    if (*p == '"') continue;
    if (used + 1 < n) out[used++] = *p;
  }
  out[used] = '\0';
}

}  // namespace

bool bootarg(const char* args, const char* key, char* out, size_t n) {
  if (args == nullptr || key == nullptr || key[0] == '\0') return false;
  // Such a key could only ever match part of an argument.
  for (const char* k = key; *k != '\0'; ++k) {
    if (*k == '=' || *k == '"' || is_space(*k)) return false;
  }
  bool found = false;
  const char* p = args;
  for (;;) {
    while (is_space(*p)) ++p;
    if (*p == '\0') break;
    const char* begin = p;
    bool quoted = false;
    while (*p != '\0' && (quoted || !is_space(*p))) {
      if (*p == '"') quoted = !quoted;
      ++p;
    }
    const char* end = p;
    if (end - begin == 2 && begin[0] == '-' && begin[1] == '-') break;

    const char* value;
    if (match_key(begin, end, key, &value)) {
      found = true;
      if (out != nullptr && n > 0) copy_value(value, end, out, n);
    }
  }
  return found;
}
