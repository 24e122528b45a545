// Ending a run: power off or reset the machine, or leave QEMU with a status.
#pragma once

// Board: power the machine off / reset it (the Pi 4's PM watchdog; QEMU exits 0 / restarts).
[[noreturn]] void machine_power_off();
[[noreturn]] void machine_reset();

// Ends the kernel with a status: stops the other CPUs, then leaves QEMU with the
// status through semihosting when the boot arguments say semihost_exit=1, and
// powers off otherwise (real hardware traps semihosting's hlt).
[[noreturn]] void kernel_exit(int status);
void kernel_exit_set_semihost(bool on);
// reboot(2)'s ends: the other CPUs stopped, then the machine reset; or halted
// (this CPU waits for nothing, for good; with semihost_exit=1 QEMU exits 0,
// since nothing more will happen in the run).
[[noreturn]] void kernel_restart();
[[noreturn]] void kernel_halt();
// With the boot argument lockstats: count every lock acquisition from then on
// (g_lock_counting) and print every lock class's counters at the end.
void kernel_exit_set_lock_report(bool on);
