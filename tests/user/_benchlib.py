"""The fork and copy-on-write benchmark (user/bench/forkbench.c) under QEMU's
-icount shift=0,sleep=off, where a nanosecond is one guest instruction: runs it
as init, reads its KBENCH lines and sets them beside Linux's figures from
design.md (Debian's arm64 6.1 kernel, a raw program; fork = clone(SIGCHLD))."""
import re

from _userlib import KERNEL, boot

# name -> (what, Linux raw figure or None)
ROWS = [
    ("user_getpid", "getpid round trip", 9769),
    ("user_fork_exit_wait_0MiB_share_tables", "fork + exit + wait4, 0 MiB touched", 119957),
    ("user_fork_exit_wait_16MiB_share_tables", "  same, 16 MiB touched", 341039),
    ("user_fork_exit_wait_64MiB_share_tables", "  same, 64 MiB touched", 391134),
    ("user_fork_cow_16MiB_share_tables", "fork, child writes 16 MiB (4,096 COW faults), exit, wait",
     23704432),
    ("user_cow_fault_per_page_share_tables", "  the same per page (Linux: ~5,700)", 23704432 // 4096),
    ("user_cow_fault_in_child_share_tables", "one COW fault, timed in the child", None),
    ("user_fork_exit_wait_0MiB_copy_ptes", "fork + exit + wait4, 0 MiB, per-PTE copy", None),
    ("user_fork_exit_wait_16MiB_copy_ptes", "  same, 16 MiB, per-PTE copy", None),
    ("user_fork_exit_wait_64MiB_copy_ptes", "  same, 64 MiB, per-PTE copy", None),
    ("user_fork_cow_16MiB_copy_ptes", "fork, child writes 16 MiB, exit, wait, per-PTE copy", None),
    ("user_cow_fault_per_page_copy_ptes", "  the same per page, per-PTE copy", None),
    ("user_cow_fault_in_child_copy_ptes", "one COW fault in the child, per-PTE copy", None),
]


def run_bench_program(program, quick=False, timeout=600, **boot_args):
    """Boots program as init under -icount ("quick": fewer rounds); returns
    QEMU's status, {name: instructions} from its KBENCH lines, and the lines."""
    status, lines = boot(program, ["quick"] if quick else [], timeout=timeout, icount=True,
                         **boot_args)
    results = {}
    for line in lines:
        m = re.match(r"KBENCH (\S+) (\d+) ns", line)
        if m:
            results[m.group(1)] = int(m.group(2))
    return status, results, lines


def run_forkbench(kernel=KERNEL, quick=False):
    """{name: instructions} from one run, and the output lines."""
    return run_bench_program("forkbench", quick, kernel=kernel)


def table(results):
    """The results beside Linux's, one line each."""
    out = [f"{'round trip (guest instructions, -icount)':58} {'tine':>12} {'Linux raw':>12}"]
    for name, what, linux in ROWS:
        if name not in results:
            continue
        lx = f"{linux:,}" if linux else "-"
        out.append(f"{what:58} {results[name]:>12,} {lx:>12}")
    return out


def targets(results):
    """The issue's targets: (description, ok)."""
    checks = []
    cow = results.get("user_cow_fault_per_page_share_tables")
    cow_direct = results.get("user_cow_fault_in_child_share_tables")
    zero = results.get("user_fork_exit_wait_0MiB_share_tables")
    big = results.get("user_fork_exit_wait_64MiB_share_tables")
    checks.append((f"COW fault per page {cow} < 1500 (round trip / 4096)",
                   cow is not None and cow < 1500))
    checks.append((f"COW fault in the child {cow_direct} < 1500",
                   cow_direct is not None and cow_direct < 1500))
    ratio = big / zero if zero and big else None
    checks.append((f"fork+exit+wait 64 MiB / 0 MiB = {ratio:.2f} <= 1.5" if ratio else
                   "fork+exit+wait ratio missing", ratio is not None and ratio <= 1.5))
    return checks
