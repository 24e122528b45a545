#!/usr/bin/env python3
"""Console input: with no 'poweroff' argument the kernel waits at its monitor
prompt; bytes typed on the serial line arrive through the PL011 receive
interrupt, commands run, lines typed in bursts longer than the receive FIFO
all arrive (the receive interrupt is never lost between the last read and its
clearing), 'reset' restarts the machine through the PM watchdog
(the banner comes again), and 'poweroff' ends QEMU with status 0."""
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from _serial import Serial, drive  # noqa: E402


kBursts = 150


def script(s, steps):
    steps.append(("prompt", s.wait_for("tine> ", 30)))
    # One byte at a time, as a person would type.
    steps.append(("cpus", s.type_and_wait("cpus\r", "cpu3 mpidr=0x80000003", 10, slow=True)))
    steps.append(("unknown", s.type_and_wait("bogus\r", "unknown command: bogus", 10)))
    # Each line at once: 40 bytes, more than the 16-byte FIFO holds, so the
    # FIFO empties and refills while the interrupt handler drains it.
    bursts = 0
    for i in range(kBursts):
        line = f"burst{i:03d}-" + "x" * 31
        if not s.type_and_wait(line + "\r", f"unknown command: {line}", 10):
            break
        bursts += 1
    steps.append(("bursts", bursts == kBursts))
    before = s.buf[0].count("tine monitor")
    prompts = s.buf[0].count("tine> ")
    s.send("reset\r")
    end = time.monotonic() + 30
    while s.buf[0].count("tine> ") < prompts + 1 and time.monotonic() < end:
        s.wait_for("\x00never", 0.5)
    steps.append(("reset", s.buf[0].count("tine monitor") == before + 1))
    s.send("poweroff\r")
    steps.append(("poweroff", s.wait(20) == 0))


if __name__ == "__main__":
    drive("console_input", Serial("console_test", semihosting=False), script, 6)
