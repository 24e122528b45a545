#!/usr/bin/env python3
"""The non-interactive `./tine run`: boots into the process-tree demo
(init=demo) with no terminal on stdin and checks the tree it shows (a fork
child with a grandchild, a vfork child that exec'ed, an rfork child with three
LWPs, demo with two, under init), the fork statistics (forks by kind with their pages,
and the parent charged for each child reaped), that every child was reaped
with status 0, that the invariants held, and that init's exit (after demo's)
powered the machine off with status 0."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    r = subprocess.run([str(ROOT / "tine"), "run"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=300)
    out = r.stdout
    lines = out.splitlines()
    # ps rows: PID PPID PGID SID UID STAT NLWP CPU TIDS COMM
    rows = {}
    seen_header = 0
    for line in lines:
        if line.strip().startswith("PID  PPID"):
            seen_header += 1
            continue
        m = re.match(r"\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(-?\d+)\s+(\S+)\s+(\S+)$",
                     line)
        if m and seen_header == 1:
            rows[int(m.group(1))] = (int(m.group(2)), m.group(6), int(m.group(7)), m.group(9))
    checks = []
    # init (pid 1) runs demo as pid 2.
    checks.append(("demo ran as pid 2", "demo: pid 2 builds a process tree" in out))
    worker = re.search(r"fork -> worker pid (\d+)", out)
    vfk = re.search(r"vfork -> pid (\d+)", out)
    rfk = re.search(r"rfork\(RFPROC\|RFFDG\) -> pid (\d+)", out)
    checks.append(("fork, vfork, rfork, lwp_create reported",
                   bool(worker and vfk and rfk) and "lwp_create -> tid 1 in pid 2" in out))
    if worker and vfk and rfk:
        w, v, f = int(worker.group(1)), int(vfk.group(1)), int(rfk.group(1))
        grand = [pid for pid, row in rows.items() if row[0] == w]
        checks.append(("ps: init (pid 1, parent 0) and demo (pid 2) with 2 LWPs",
                       rows.get(1, (None,))[0] == 0 and rows.get(2, (None,))[0] == 1
                       and rows[2][2] == 2))
        checks.append(("ps: fork child of demo, with a grandchild",
                       rows.get(w, (None,))[0] == 2 and len(grand) == 1))
        checks.append(("ps: vfork child of demo", rows.get(v, (None,))[0] == 2))
        checks.append(("ps: rfork child with 3 LWPs (TIDs 0,1,2)",
                       rows.get(f, (None,))[0] == 2 and rows[f][2] == 3 and rows[f][3] == "0,1,2"))
        checks.append(("ps: all active", all(row[1] == "SACTIVE" for row in rows.values())))
    # The fork statistics under the second ps (after every child was reaped):
    # rfork(RFPROC|RFFDG) is fork's flags, so it counts as a fork, as in the
    # seed; each address space has at least its 2,048-page stack; every wait4
    # that reaped a child charged the parent (3 by demo, 1 by the worker).
    stats = re.findall(r"forks (\d+) \((\d+) pages\), vforks (\d+) \((\d+) pages\), "
                       r"rforks (\d+) \((\d+) pages\), exit heuristics (\d+)", out)
    if len(stats) == 2:
        f, fp, v, vp, rf, rp, eh = map(int, stats[1])
        # init's fork of demo, then demo's worker, rfork child and the worker's child.
        checks.append(("fork statistics: 4 forks, 1 vfork, pages counted",
                       f == 4 and v == 1 and rf == 0 and fp >= 4 * 2048 and vp >= 2048))
        checks.append(("exit heuristics: 4 children reaped by wait4", eh == 4))
    else:
        checks.append(("fork statistics printed by ps", False))
    checks.append(("three children reaped with status 0",
                   len(re.findall(r"demo: reaped .* exit 0", out)) == 3))
    checks.append(("invariants hold", "demo: process-layer invariants: hold" in out))
    checks.append(("init exited: status=0", "init exited: status=0" in out and "demo: done" in out))
    checks.append(("exit status 0", r.returncode == 0))
    ok = all(good for _, good in checks)
    if not ok:
        print(out[-3000:])
        for what, good in checks:
            print(f"  {what}: {'ok' if good else 'FAILED'}")
    print(f"BOOT demo {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
