// kprintf and console input. Output is assembled per CPU (IRQs masked while a
// CPU touches its own buffer) and handed to the UART a whole line at a time
// under the console lock, so lines from different CPUs never mix.
#include "kernel/console/console.h"

#include <arch/cpu.h>

#include "kernel/console/console_hw.h"
#include "kernel/console/klog.h"
#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/lib/format.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/clock.h"

namespace {

constexpr size_t kLineMax = 240;
struct LineBuf {
  char text[kLineMax];
  size_t len;
};
LineBuf g_lines[arch::kMaxCpus];

LockClass g_console_class("console", 0);
SpinLock g_console_lock(g_console_class);
bool g_panicking;  // the console lock may be held by a stopped CPU: write without it
bool g_ready;

// Receive ring: written by the UART interrupt, read by console_getc.
constexpr size_t kRxSize = 256;
char g_rx[kRxSize];
unsigned g_rx_head, g_rx_tail;  // head written by the IRQ, tail by readers
LockClass g_rx_class("console.rx", 0);
SpinLock g_rx_lock(g_rx_class);
void (*g_rx_notify)();  // set once at boot

// Lines printed before the UART is up (the device tree is read first, to find
// it) wait here; console_init writes them out.
constexpr size_t kEarlyMax = 4096;
char g_early[kEarlyMax];
size_t g_early_len;
bool g_early_lost;

void emit(const char* s, size_t n) {
  if (!g_ready) {  // boot CPU alone, IRQs masked: no lock needed
    for (size_t i = 0; i < n; ++i) {
      if (g_early_len == kEarlyMax) {
        g_early_lost = true;
        break;
      }
      g_early[g_early_len++] = s[i];
    }
    return;
  }
  if (g_panicking) {
    console_hw_write(s, n);
    return;
  }
  SpinGuard g(g_console_lock);
  console_hw_write(s, n);
}

void flush(LineBuf& b) {
  if (b.len) {
    // The log keeps the line too, but not while panicking (a stopped CPU
    // may hold its lock), and with no time before the clock is up.
    if (!g_panicking) klog_append(b.text, b.len, g_ready ? clock_ns() : 0, !g_ready);
    emit(b.text, b.len);
  }
  b.len = 0;
}

void sink(void* ctx, const char* s, size_t n) {
  LineBuf& b = *static_cast<LineBuf*>(ctx);
  for (size_t i = 0; i < n; ++i) {
    b.text[b.len++] = s[i];
    if (s[i] == '\n' || b.len == kLineMax) flush(b);
  }
}

void on_rx(char c) {
  {
    SpinGuard g(g_rx_lock);
    unsigned next = (g_rx_head + 1) % kRxSize;
    if (next == g_rx_tail) return;  // full: drop
    g_rx[g_rx_head] = c;
    g_rx_head = next;
  }
  wakeup(&g_rx_head);  // readers in console_getc_wait
  if (auto fn = __atomic_load_n(&g_rx_notify, __ATOMIC_ACQUIRE)) fn();
}

}  // namespace

void console_init() {
  console_hw_init();
  g_ready = true;
  console_hw_write(g_early, g_early_len);
  if (g_early_lost) {
    static const char kLost[] = "console: early messages beyond the first 4 KiB were lost\n";
    console_hw_write(kLost, sizeof kLost - 1);
  }
}

void console_start_input() { console_hw_enable_rx(on_rx); }

void console_panic_mode() { g_panicking = true; }

int vkprintf(const char* fmt, va_list ap) {
  uint64_t irq = arch::irq_save();
  LineBuf& b = g_lines[arch::cpu_local() ? this_cpu().id : 0];
  size_t n = vformat(sink, &b, fmt, ap);
  arch::irq_restore(irq);
  return static_cast<int>(n);
}

void console_flush() {
  uint64_t irq = arch::irq_save();
  flush(g_lines[this_cpu().id]);
  arch::irq_restore(irq);
}

void console_write_raw(const char* s, size_t n) {
  uint64_t irq = arch::irq_save();
  flush(g_lines[this_cpu().id]);
  if (!g_ready) {
    emit(s, n);
  } else if (g_panicking) {
    console_hw_write_raw(s, n);
  } else {
    SpinGuard g(g_console_lock);
    console_hw_write_raw(s, n);
  }
  arch::irq_restore(irq);
}

int console_trygetc() {
  SpinGuard g(g_rx_lock);
  if (g_rx_tail == g_rx_head) return -1;
  char c = g_rx[g_rx_tail];
  g_rx_tail = (g_rx_tail + 1) % kRxSize;
  return static_cast<unsigned char>(c);
}

int console_rx_count() {
  SpinGuard g(g_rx_lock);
  return static_cast<int>((g_rx_head + kRxSize - g_rx_tail) % kRxSize);
}

void console_set_rx_notify(void (*fn)()) { __atomic_store_n(&g_rx_notify, fn, __ATOMIC_RELEASE); }

int console_getc_wait() {
  for (;;) {
    tsleep_interlock(&g_rx_head, PCATCH);
    int c = console_trygetc();
    if (c >= 0) {
      tsleep_abort();
      return c;
    }
    if (tsleep(&g_rx_head, PCATCH | PINTERLOCKED, "conin", 0) == EINTR) return -EINTR;
  }
}

int console_getc() {
  for (;;) {
    int c = console_trygetc();
    if (c >= 0) return c;
    arch::wait_for_interrupt();
  }
}
