#!/usr/bin/env python3
"""`./tine run`'s busybox shell driven over the serial line, as a person would
type: the busybox initramfs with init=/bin/sh -- -l -i (init gives it a
session with the console as its controlling terminal), ash's prompt from
/etc/profile, a pipeline, tine's own program beside busybox's applets, ^C
ending a foreground command (status 130), ^Z stopping one (job control: ash
reports it stopped, `kill -9 %1` ends it), and `exit 3` ending init so that the
kernel ends with status 3."""
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "tools"))
from _serial import Serial, drive  # noqa: E402
import busybox_initramfs  # noqa: E402


def script(s, steps):
    steps.append(("prompt", s.wait_for("tine:~# ", 60)))
    steps.append(("pipeline", s.type_and_wait("echo one two | tr a-z A-Z\r", "ONE TWO", 20)))
    steps.append(("tine program", s.type_and_wait("hello a b\r", ": hello a b", 20)))
    s.send("sleep 100\r")
    s.wait_for("sleep 100\r\n", 10)
    time.sleep(2)  # a person presses ^C once the command runs
    s.send("\x03")
    steps.append(("interrupt", s.type_and_wait("echo status=$?\r", "status=130", 20)))
    s.send("sleep 200\r")
    s.wait_for("sleep 200\r\n", 10)
    time.sleep(2)
    steps.append(("stopped", s.type_and_wait("\x1a", "Stopped", 20)))
    s.send("kill -9 %1\r")
    time.sleep(1)
    # ash reports a job's end before its next prompt.
    steps.append(("killed", s.type_and_wait("\r", "Killed", 20)))
    steps.append(("exit", s.type_and_wait("exit 3\r", "init exited: status=3", 20)))
    steps.append(("poweroff", s.wait(20) == 3))


def main():
    if not busybox_initramfs.BUSYBOX.exists():
        print("busybox: .cache/busybox is missing (./tine setup fetches it)")
        print("BOOT busybox_shell FAIL")
        sys.exit(1)
    with tempfile.TemporaryDirectory() as d:
        cpio = Path(d) / "busybox.cpio"
        busybox_initramfs.build(cpio)
        serial = Serial("init=/bin/sh semihost_exit=1 -- -l -i", initrd=cpio)
        drive("busybox_shell", serial, script, 8)


if __name__ == "__main__":
    main()
