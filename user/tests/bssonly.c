/* A program whose only data is zero-initialised, linked with GNU ld's default
 * script (not user/lib/user.ld) and without the library: its read/write
 * PT_LOAD then has p_filesz 0 and a p_offset past the end of the file, which
 * Linux loads (user/tools/check_bss_only.py checks the build has that shape).
 * Exits 0 when its bss reads as zero and takes a write. */
static volatile char g_bss[8192];

static int bss_ok(void) {
  for (unsigned i = 0; i < sizeof g_bss; i += 97)
    if (g_bss[i] != 0) return 0;
  g_bss[4321] = 7;
  return g_bss[4321] == 7;
}

void _start(void) {
  register long x0 __asm__("x0") = bss_ok() ? 0 : 1;
  register long x8 __asm__("x8") = 94; /* exit_group */
  __asm__ volatile("svc #0" : : "r"(x0), "r"(x8) : "memory");
  for (;;) {
  }
}
