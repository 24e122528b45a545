#!/usr/bin/env python3
"""Console input: with no 'poweroff' argument the kernel waits at its monitor
prompt; bytes typed on the serial line arrive through the PL011 receive
interrupt, commands run, 'reset' restarts the machine through the PM watchdog
(the banner comes again), and 'poweroff' ends QEMU with status 0."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from _serial import wait_for  # noqa: E402




def main():
    cmd = ["qemu-system-aarch64", "-M", "raspi4b", "-kernel",
           str(ROOT / "build/kernel/kernel8.img"), "-dtb",
           str(ROOT / ".cache/debs/board/bcm2711-rpi-4-b.dtb"), "-display", "none",
           "-monitor", "none", "-serial", "stdio", "-append", "console_test"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    buf = [""]
    steps = []
    try:
        steps.append(wait_for(proc, buf, "tine> ", 30))
        # Type slowly, as a person would: one byte at a time.
        for ch in "cpus\r":
            proc.stdin.write(ch.encode())
            proc.stdin.flush()
            time.sleep(0.02)
        steps.append(wait_for(proc, buf, "cpu3 mpidr=0x80000003", 10))
        proc.stdin.write(b"bogus\r")
        proc.stdin.flush()
        steps.append(wait_for(proc, buf, "unknown command: bogus", 10))
        proc.stdin.write(b"reset\r")
        proc.stdin.flush()
        before = buf[0].count("tine monitor")
        end = time.monotonic() + 30
        while buf[0].count("tine> ") < 4 and time.monotonic() < end:
            wait_for(proc, buf, "\x00never", 0.5)
        steps.append(buf[0].count("tine monitor") == before + 1)
        proc.stdin.write(b"poweroff\r")
        proc.stdin.flush()
        status = proc.wait(timeout=20)
        steps.append(status == 0)
    except subprocess.TimeoutExpired:
        steps.append(False)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    ok = all(steps) and len(steps) == 5
    if not ok:
        print(buf[0][-3000:])
        print(f"steps: {steps}")
    print(f"BOOT console_input {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
