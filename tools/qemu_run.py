#!/usr/bin/env python3
"""Boots tine on QEMU's raspi4b and reports how the run ended.

  qemu_run.py [--append ARGS] [--ktest SEL] [--icount] [--timeout S] [--log FILE]
              [--interactive] [--gdb] [--initrd FILE] [--kernel IMG] [--dtb DTB]
              [--keys FILE]

The console (PL011) goes to stdout (and to --log). --keys types on the serial
line as a person would: FILE is a JSON list of [PATTERN, TEXT] pairs; once a
line of output matches PATTERN (a regular expression; the first pair not yet
used that matches), TEXT's bytes go to the console one at a time, 20 ms apart. With --ktest the kernel runs
the selected in-kernel tests and QEMU's exit status is the number of failures.
Exit status: QEMU's, or 124 on timeout.
"""
import argparse
import ctypes
import json
import os
import pathlib
import re
import select
import signal
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def qemu_command(args):
    cmd = ["qemu-system-aarch64", "-M", "raspi4b", "-kernel", str(args.kernel),
           "-dtb", str(args.dtb), "-display", "none",
           "-semihosting-config", "enable=on,target=native"]
    append = args.append or ""
    if args.ktest:
        append = f"{append} ktest={args.ktest}".strip()
    if not args.interactive and "semihost_exit" not in append:
        append = f"{append} semihost_exit=1".strip()
    if append:
        cmd += ["-append", append]
    if args.initrd:
        cmd += ["-initrd", str(args.initrd)]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if args.interactive:
        cmd += ["-serial", "mon:stdio", "-monitor", "none"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none"]
    if args.gdb:
        cmd += ["-s", "-S"]
    return cmd


def type_keys(proc, text):
    """Sends text to the serial line a byte at a time, as typed."""
    for b in text.encode("latin-1"):
        try:
            proc.stdin.write(bytes([b]))
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return
        time.sleep(0.02)


def die_with_parent(sig):
    """Asks Linux for sig when this process's parent ends (PR_SET_PDEATHSIG),
    so that a runner killed from outside leaves no QEMU behind."""
    ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)


def run_captured(cmd, timeout, log, keys=None):
    """Runs QEMU with stdout piped through us; returns (status, output). keys:
    [(pattern, text), ...] typed in order as lines match (see --keys)."""
    out = []
    keys = list(keys or [])
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if keys else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True,
                            preexec_fn=lambda: die_with_parent(signal.SIGKILL))
    deadline = time.monotonic() + timeout
    buf = b""
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        r, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace").rstrip("\r")
                if text.startswith("qemu-system-aarch64: warning: bcm2711 dtc"):
                    continue
                out.append(text)
                print(text, flush=True)
                if log:
                    log.write(text + "\n")
                for i, (pattern, keys_text) in enumerate(keys):
                    if re.search(pattern, text):
                        del keys[i]
                        type_keys(proc, keys_text)
                        break
    if timed_out:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        msg = f"qemu_run: timed out after {timeout} s"
        print(msg, flush=True)
        out.append(msg)
        return 124, out
    if buf:
        text = buf.decode("utf-8", "replace").rstrip("\r")
        out.append(text)
        print(text, flush=True)
    return proc.wait(), out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernel", default=ROOT / "build/kernel/kernel8.img")
    p.add_argument("--dtb", default=ROOT / ".cache/debs/board/bcm2711-rpi-4-b.dtb")
    p.add_argument("--append", default="")
    p.add_argument("--ktest")
    p.add_argument("--initrd")
    p.add_argument("--icount", action="store_true", help="-icount shift=0,sleep=off")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--log")
    p.add_argument("--interactive", action="store_true", help="console on this terminal")
    p.add_argument("--gdb", action="store_true", help="halt at start, gdb stub on :1234")
    p.add_argument("--keys", help="JSON list of [PATTERN, TEXT]: TEXT is typed once a line matches")
    args = p.parse_args()
    parent = os.getppid()
    die_with_parent(signal.SIGTERM)  # and QEMU dies with this process
    if os.getppid() != parent:
        sys.exit(1)  # the parent ended before the request
    cmd = qemu_command(args)
    if args.interactive or args.gdb:
        print("qemu_run: " + " ".join(cmd), file=sys.stderr)
        sys.exit(subprocess.call(cmd))
    log = open(args.log, "w") if args.log else None
    keys = None
    if args.keys:
        with open(args.keys) as f:
            keys = [(pat, text) for pat, text in json.load(f)]
    status, _ = run_captured(cmd, args.timeout, log, keys)
    sys.exit(status)


if __name__ == "__main__":
    main()
