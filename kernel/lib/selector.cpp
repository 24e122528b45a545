#include "kernel/lib/selector.h"

#include <stddef.h>

namespace {

bool starts_with(const char* name, const char* prefix) {
  size_t i = 0;
  while (prefix[i] && name[i] == prefix[i]) ++i;
  return prefix[i] == 0;
}

}  // namespace

bool selector_picks(const char* selector, const char* name, const char* all_skips) {
  const char* s = selector;
  for (;;) {
    const char* e = s;
    while (*e && *e != ',') ++e;
    size_t len = static_cast<size_t>(e - s);
    if (len == 3 && s[0] == 'a' && s[1] == 'l' && s[2] == 'l') {
      if (!all_skips || !starts_with(name, all_skips)) return true;
    }
    if (len > 0 && s[len - 1] == '*') {
      size_t i = 0;
      while (i + 1 < len && name[i] == s[i]) ++i;
      if (i + 1 == len) return true;
    } else {
      size_t i = 0;
      while (i < len && name[i] == s[i]) ++i;
      if (i == len && name[i] == 0) return true;
    }
    if (!*e) return false;
    s = e + 1;
  }
}
