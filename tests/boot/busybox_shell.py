#!/usr/bin/env python3
"""`./tine run`'s busybox shell driven over the serial line, as a person would
type: the busybox initramfs with init=/bin/sh -- -l -i (init gives it a
session with the console as its controlling terminal), ash's prompt from
/etc/profile, a pipeline, tine's own program beside busybox's applets, ^C
ending a foreground command (status 130), ^Z stopping one (job control: ash
reports it stopped, `kill -9 %1` ends it), and `exit 3` ending init so that the
kernel ends with status 3."""
import time
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "tools"))
from _serial import wait_for  # noqa: E402
import busybox_initramfs  # noqa: E402


def main():
    if not busybox_initramfs.BUSYBOX.exists():
        print("busybox: .cache/busybox is missing (./tine setup fetches it)")
        print("BOOT busybox_shell FAIL")
        sys.exit(1)
    with tempfile.TemporaryDirectory() as d:
        cpio = Path(d) / "busybox.cpio"
        busybox_initramfs.build(cpio)
        cmd = ["qemu-system-aarch64", "-M", "raspi4b", "-kernel",
               str(ROOT / "build/kernel/kernel8.img"), "-dtb",
               str(ROOT / ".cache/debs/board/bcm2711-rpi-4-b.dtb"), "-display", "none",
               "-monitor", "none", "-serial", "stdio", "-initrd", str(cpio),
               "-semihosting-config", "enable=on,target=native",
               "-append", "init=/bin/sh semihost_exit=1 -- -l -i"]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        buf = [""]
        steps = []

        def send(text):
            proc.stdin.write(text.encode())
            proc.stdin.flush()

        try:
            steps.append(("prompt", wait_for(proc, buf, "tine:~# ", 60)))
            send("echo one two | tr a-z A-Z\r")
            steps.append(("pipeline", wait_for(proc, buf, "ONE TWO", 20)))
            send("hello a b\r")
            steps.append(("tine program", wait_for(proc, buf, ": hello a b", 20)))
            send("sleep 100\r")
            wait_for(proc, buf, "sleep 100\r\n", 10)
            time.sleep(2)  # a person presses ^C once the command runs
            send("\x03")
            send("echo status=$?\r")
            steps.append(("interrupt", wait_for(proc, buf, "status=130", 20)))
            send("sleep 200\r")
            wait_for(proc, buf, "sleep 200\r\n", 10)
            time.sleep(2)
            send("\x1a")
            steps.append(("stopped", wait_for(proc, buf, "Stopped", 20)))
            send("kill -9 %1\r")
            time.sleep(1)
            send("\r")  # ash reports a job's end before its next prompt
            steps.append(("killed", wait_for(proc, buf, "Killed", 20)))
            send("exit 3\r")
            steps.append(("exit", wait_for(proc, buf, "init exited: status=3", 20)))
            steps.append(("poweroff", proc.wait(timeout=20) == 3))
        except subprocess.TimeoutExpired:
            steps.append(("timeout", False))
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    ok = all(good for _, good in steps) and len(steps) == 8
    if not ok:
        print(buf[0][-3000:])
        print("steps: " + ", ".join(f"{w}={'ok' if g else 'FAILED'}" for w, g in steps))
    print(f"BOOT busybox_shell {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
