"""Talking to the kernel over QEMU's serial line (stdio), for the interactive tests."""
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_for(proc, buf, text, timeout):
    """Reads proc's output into buf[0] until `text` shows up; False on timeout or EOF."""
    end = time.monotonic() + timeout
    while text not in buf[0]:
        left = end - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([proc.stdout], [], [], left)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return text in buf[0]
            buf[0] += chunk.decode("utf-8", "replace")
    return True


class Serial:
    """The built kernel on QEMU's raspi4b with its serial line on our pipes:
    send() types, wait_for() reads what it prints into .buf[0]."""

    def __init__(self, append, initrd=None, semihosting=True):
        cmd = ["qemu-system-aarch64", "-M", "raspi4b", "-kernel",
               str(ROOT / "build/kernel/kernel8.img"), "-dtb",
               str(ROOT / ".cache/debs/board/bcm2711-rpi-4-b.dtb"), "-display", "none",
               "-monitor", "none", "-serial", "stdio"]
        if initrd:
            cmd += ["-initrd", str(initrd)]
        if semihosting:  # semihost_exit=1 ends QEMU with init's status
            cmd += ["-semihosting-config", "enable=on,target=native"]
        cmd += ["-append", append]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.buf = [""]

    def send(self, text, slow=False):
        """Types text: at once, or one byte every 20 ms as a person would."""
        for chunk in (text if slow else [text]):
            self.proc.stdin.write(chunk.encode())
            self.proc.stdin.flush()
            if slow:
                time.sleep(0.02)

    def wait_for(self, text, timeout):
        return wait_for(self.proc, self.buf, text, timeout)

    def type_and_wait(self, text, expect, timeout, slow=False):
        """Types text (send), then waits for `expect` (wait_for)."""
        self.send(text, slow)
        return self.wait_for(expect, timeout)

    def wait(self, timeout):
        """QEMU's exit status (subprocess.TimeoutExpired if it runs on)."""
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def drive(name, serial, script, nsteps):
    """Runs script(serial, steps), which appends a (what, ok) pair per step,
    then stops QEMU and prints "BOOT <name> PASS" when there are nsteps steps
    and all are ok, else the output's tail, the steps and FAIL; exits 0 or 1."""
    steps = []
    try:
        script(serial, steps)
    except subprocess.TimeoutExpired:
        steps.append(("timeout", False))
    finally:
        serial.stop()
    ok = all(good for _, good in steps) and len(steps) == nsteps
    if not ok:
        print(serial.buf[0][-3000:])
        print("steps: " + ", ".join(f"{w}={'ok' if g else 'FAILED'}" for w, g in steps))
    print(f"BOOT {name} {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)
