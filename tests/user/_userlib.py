"""Helpers for the user-mode test scripts: boot tine on QEMU raspi4b with a
program as init (tools/qemu_run.py) and read what it printed."""
import os
import pathlib
import json
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
# The kernel build to test ($TINE_KERNEL_BUILD overrides, e.g. another build tree).
BUILD = pathlib.Path(os.environ.get("TINE_KERNEL_BUILD", ROOT / "build/kernel"))
KERNEL = BUILD / "kernel8.img"
USER_BIN = BUILD / "user/bin"


def boot(init, args=(), kernel=KERNEL, initrd=None, timeout=300, icount=False, keys=None):
    """Runs init (with args after a lone "--") and returns (qemu status, lines).
    keys: [(pattern, text), ...], typed on the console in order, each once a
    line of output matches its pattern (tools/qemu_run.py --keys)."""
    append = f"init={init} semihost_exit=1"
    if args:
        append += " -- " + " ".join(args)
    cmd = [sys.executable, str(ROOT / "tools/qemu_run.py"), "--kernel", str(kernel),
           "--append", append, "--timeout", str(timeout)]
    if initrd:
        cmd += ["--initrd", str(initrd)]
    if icount:
        cmd.append("--icount")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        if keys:
            json.dump([[pat, text] for pat, text in keys], f)
            f.flush()
            cmd += ["--keys", f.name]
        r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout.splitlines()


def init_status(lines):
    """The N of "init exited: status=N", or None."""
    for line in lines:
        m = re.match(r"init exited: status=(\d+)$", line)
        if m:
            return int(m.group(1))
    return None
