// The few kernel services portable code calls, as the host provides them.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/panic.h"
#include "kernel/sync/crit.h"

void panic(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "panic: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  abort();
}

int vkprintf(const char* fmt, va_list ap) { return vprintf(fmt, ap); }

void crit_exit_slow(Cpu& cpu) { cpu.resched_pending = false; }
