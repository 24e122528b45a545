#!/usr/bin/env python3
"""./tine gdb's path: QEMU halted with its gdb stub, gdb-multiarch attached with
tools/gdbinit and kernel.elf's symbols, a hardware breakpoint at kmain hit with
the device tree address in x0, and a source-level backtrace."""
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    qemu = subprocess.Popen([sys.executable, str(ROOT / "tools/qemu_run.py"), "--gdb"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        r = subprocess.run(["gdb-multiarch", "-q", "-batch", "-nx",
                            str(ROOT / "build/kernel/kernel.elf"), "-x",
                            str(ROOT / "tools/gdbinit"), "-ex", "hbreak kmain", "-ex",
                            "continue", "-ex", "bt", "-ex", "info registers x0", "-ex", "kill"],
                           capture_output=True, text=True, timeout=60)
        out = r.stdout + r.stderr
    except subprocess.TimeoutExpired:
        out = "gdb timed out"
    finally:
        qemu.kill()
        qemu.wait()
    ok = bool(re.search(r"hit Breakpoint 1, kmain \(dtb=", out)) and \
        bool(re.search(r"in primary_high \(\) at \S*start\.S", out)) and \
        bool(re.search(r"x0\s+0x8000000", out))
    if not ok:
        print(out[-2000:])
    print(f"BOOT gdb_attach {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
