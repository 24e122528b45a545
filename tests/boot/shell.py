#!/usr/bin/env python3
"""The shell (init=shell) driven over the serial line, as a person would type:
`ps` lists init, `run hello` forks and execs a built-in program and reports its
exit status, `forkbench` and `stress` run, an unknown command is refused, and
`exit` ends init so the kernel powers off with status 0."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from _serial import wait_for  # noqa: E402




def send(proc, text, slow=False):
    for ch in (text if slow else [text]):
        proc.stdin.write(ch.encode())
        proc.stdin.flush()
        if slow:
            time.sleep(0.02)


def main():
    cmd = ["qemu-system-aarch64", "-M", "raspi4b", "-kernel",
           str(ROOT / "build/kernel/kernel8.img"), "-dtb",
           str(ROOT / ".cache/debs/board/bcm2711-rpi-4-b.dtb"), "-display", "none",
           "-monitor", "none", "-serial", "stdio",
           "-semihosting-config", "enable=on,target=native",
           "-append", "init=shell semihost_exit=1"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    buf = [""]
    steps = []
    try:
        steps.append(("prompt", wait_for(proc, buf, "tsh> ", 30)))
        send(proc, "ps\r", slow=True)  # one byte at a time, as typed
        steps.append(("ps", wait_for(proc, buf, "SACTIVE    1", 10) and " shell" in buf[0]))
        mark = len(buf[0])
        send(proc, "run hello one two\r")
        ok = wait_for(proc, buf, "[hello: pid ", 15)
        ok = ok and wait_for(proc, buf, "exited, status", 5)
        steps.append(("run hello", ok and "hello from pid" in buf[0][mark:]))
        send(proc, "run nosuch\r")
        steps.append(("run missing program", wait_for(proc, buf, "status 127]", 15)))
        send(proc, "forkbench 50\r")
        steps.append(("forkbench", wait_for(proc, buf, "forks/s", 30)))
        send(proc, "stress 2 10\r")
        steps.append(("stress", wait_for(proc, buf, "0 failed; invariants hold", 60)))
        send(proc, "frobnicate\r")
        steps.append(("unknown", wait_for(proc, buf, "unknown command: frobnicate", 10)))
        send(proc, "exit\r")
        steps.append(("exit", wait_for(proc, buf, "init exited: status=0", 15)))
        steps.append(("poweroff", proc.wait(timeout=20) == 0))
    except subprocess.TimeoutExpired:
        steps.append(("timeout", False))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    ok = all(good for _, good in steps) and len(steps) == 9
    if not ok:
        print(buf[0][-3000:])
        print("steps: " + ", ".join(f"{w}={'ok' if g else 'FAILED'}" for w, g in steps))
    print(f"BOOT shell {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
