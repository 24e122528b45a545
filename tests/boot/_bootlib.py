"""Shared pieces of the boot-path tests: flags, temp dirs, running QEMU with a
deadline, reading the UART logs, and the one result line each test prints."""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOARD_DIR = ROOT / ".cache" / "debs" / "board"
DTB_NAME = "bcm2711-rpi-4-b.dtb"
UBOOT_NAME = "u-boot-rpi4.bin"
BANNER = re.compile(r"^tine:")


def _terminated(signum, frame):
    # ctest or a user ending the test: unwind, so QEMU is stopped and the
    # temp dir removed on the way out.
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _terminated)


def parser(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--kernel", default=str(ROOT / "build" / "kernel" / "kernel8.img"),
                    help="kernel image (default: build/kernel/kernel8.img)")
    ap.add_argument("--elf", default=str(ROOT / "build" / "kernel" / "kernel.elf"),
                    help="kernel ELF, for symbols (default: build/kernel/kernel.elf)")
    ap.add_argument("--board-dir", default=str(BOARD_DIR),
                    help="DTB, U-Boot and firmware files (default: .cache/debs/board)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds before QEMU is killed (default 60)")
    ap.add_argument("--append", default="poweroff",
                    help="kernel command line (default 'poweroff': banner, then power "
                         "off); e.g. 'ktest=all semihost_exit=1'")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp dir (images, logs) and print its path")
    return ap


def add_qemu_args(ap):
    ap.add_argument("--qemu", default="qemu-system-aarch64", help="QEMU binary")
    ap.add_argument("--initrd", help="initramfs to hand to the kernel")
    ap.add_argument("--expect", action="append", default=[], metavar="REGEX",
                    help="a line on UART0 must also match this (repeatable)")


class Workdir:
    """A temp dir that goes away on exit unless --keep was given."""

    def __init__(self, name, keep):
        self.path = Path(tempfile.mkdtemp(prefix=f"tine-boot-{name}."))
        self.keep = keep

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        if self.keep:
            print(f"kept: {self.path}")
        else:
            shutil.rmtree(self.path, ignore_errors=True)


def read_lines(path):
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    return data.decode("utf-8", "replace").replace("\r", "").split("\n")


def tail(path, n=25):
    lines = read_lines(path)
    while lines and not lines[-1]:
        lines.pop()
    return lines[-n:]


def print_tails(logs, n=25):
    for label, path in logs:
        lines = tail(path, n)
        print(f"--- last {len(lines)} lines of {label} ({path})")
        for line in lines:
            print(f"    {line}")


def find_banner(path):
    for line in read_lines(path):
        if BANNER.match(line):
            return line
    return None


class QemuRun:
    """The outcome of one QEMU run."""

    def __init__(self):
        self.status = None        # exit status, None if it had to be killed
        self.timed_out = False
        self.elapsed = 0.0        # wall seconds from start to exit (or kill)
        self.banner_at = None     # wall seconds until the banner showed on UART0
        self.banner = None


def run_qemu(cmd, uart0, timeout, log):
    """Runs QEMU to its own exit or to the deadline, watching UART0 for the
    banner. QEMU gets its own process group so that a kill takes it all."""
    res = QemuRun()
    t0 = time.monotonic()
    with open(log, "wb") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        except FileNotFoundError:
            raise SystemExit(f"{cmd[0]} not found")
        try:
            while True:
                try:
                    res.status = proc.wait(timeout=0.05)
                    break
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic() - t0
                if res.banner is None:
                    res.banner = find_banner(uart0)
                    if res.banner is not None:
                        res.banner_at = now
                if now > timeout:
                    res.timed_out = True
                    stop(proc)
                    break
        except BaseException:
            stop(proc)
            raise
    res.elapsed = time.monotonic() - t0
    if res.banner is None:
        res.banner = find_banner(uart0)
        if res.banner is not None:
            res.banner_at = res.elapsed
    return res


def stop(proc):
    for sig, grace in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def semihost_exit_wanted(append):
    return any(a == "semihost_exit=1" for a in append.split())


def judge(name, res, uart0, expects, append):
    """Returns (ok, detail) for a boot that must print the banner and end QEMU
    by itself with status 0 (power-off, or semihosting exit with 0 failures)."""
    problems = []
    lines = read_lines(uart0)
    if res.banner is None:
        problems.append("no 'tine:' banner on UART0")
    if res.timed_out:
        problems.append(f"QEMU still running after {res.elapsed:.0f}s, killed")
    elif res.status != 0:
        if semihost_exit_wanted(append) and res.status > 0:
            problems.append(f"exit status {res.status} (failures reported by the kernel)")
        else:
            problems.append(f"exit status {res.status}")
    for rx in expects:
        if not any(re.search(rx, line) for line in lines):
            problems.append(f"no UART0 line matches {rx!r}")
    timing = f"exit={res.status} time={res.elapsed:.1f}s"
    if res.banner_at is not None:
        timing += f" banner@{res.banner_at:.1f}s"
    summary = [l.strip() for l in lines if l.startswith("KTEST-SUMMARY")]
    if summary:
        timing += " " + summary[-1]
    if problems:
        return False, "; ".join(problems) + f" ({timing})"
    return True, f"{timing} banner={res.banner.strip()!r}"


def result(name, ok, detail):
    print(f"BOOT {name} {'PASS' if ok else 'FAIL'} {detail}")
    sys.stdout.flush()
    return 0 if ok else 1


def result_or_tails(name, ok, detail, logs):
    """result(), after the tails of logs [(label, path), ...] when it failed."""
    if not ok:
        print_tails(logs)
    return result(name, ok, detail)
