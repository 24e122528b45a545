#!/usr/bin/env python3
"""Console output from all four CPUs at once (ktest console_lines_all_cpus):
every line arrives whole, none is mixed with another CPU's, none is lost."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    r = subprocess.run([sys.executable, str(ROOT / "tools/qemu_run.py"), "--ktest",
                        "console_lines_all_cpus", "--timeout", "120"],
                       capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if "LINE-" in l]
    pat = re.compile(r"^LINE-cpu(\d) seq=(\d+) (\w+)$")
    seen = set()
    bad = []
    for l in lines:
        m = pat.match(l)
        if not m or m.group(3) != "abcdefghijklmnopqrstuvwxyz0123456789" * 1:
            bad.append(l)
            continue
        seen.add((int(m.group(1)), int(m.group(2))))
    expected = {(c, s) for c in range(4) for s in range(50)}
    ok = r.returncode == 0 and not bad and seen == expected
    if not ok:
        print(f"status {r.returncode}; {len(bad)} broken lines, e.g. {bad[:3]}; "
              f"missing {len(expected - seen)}")
    print(f"BOOT console_lines {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
