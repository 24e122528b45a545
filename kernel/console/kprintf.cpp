// kprintf on top of vkprintf, which the kernel's console (or a host test's
// runtime) provides.
#include "kernel/console/kprintf.h"

int kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vkprintf(fmt, ap);
  va_end(ap);
  return n;
}
