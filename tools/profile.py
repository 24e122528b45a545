#!/usr/bin/env python3
"""Where a user-mode loop's kernel instructions go, function by function.

Boots init=PROGRAM twice under -icount with QEMU's translation-block trace
(-d in_asm,exec,nochain, kernel addresses only), once with ARGS ending in
LOW rounds and once with HIGH rounds, and prints the difference per kernel
function divided by HIGH - LOW: the kernel instructions one round of the
loop costs, without boot and shutdown. Every CPU's instructions count.
  profile.py [--program procbench] [--args forkloop] [--rounds 20,120] [--top 40]
             [--initrd CPIO]
e.g. glibc's fork: --program /bin/glibcbench --args "loop fork"
     --initrd build/kernel-release/user/glibc/glibc.cpio
"""
import argparse
import bisect
import collections
import pathlib
import re
import subprocess
import tempfile

import cross

ROOT = pathlib.Path(__file__).resolve().parent.parent
KERNEL_LO, KERNEL_HI = 0xffff000000000000, 0xffff000001000000


def symbols(elf):
    out = subprocess.run([cross.tool("nm", elf.parent), "-n", "-C", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def trace(build, program, args, log, initrd=None):
    kernel = build / "kernel8.img"
    dtb = ROOT / ".cache/debs/board/bcm2711-rpi-4-b.dtb"
    cmd = ["qemu-system-aarch64", "-M", "raspi4b", "-kernel", str(kernel), "-dtb", str(dtb),
           "-display", "none", "-semihosting-config", "enable=on,target=native",
           "-append", f"init={program} semihost_exit=1 -- {args}",
           "-icount", "shift=0,sleep=off", "-serial", "stdio", "-monitor", "none",
           "-d", "in_asm,exec,nochain", "-dfilter", f"{KERNEL_LO:#x}..{KERNEL_HI:#x}",
           "-D", str(log)]
    if initrd:
        cmd += ["-initrd", str(initrd)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if "init exited: status=0" not in r.stdout:
        raise SystemExit(f"profile: {program} {args} did not exit cleanly:\n{r.stdout[-2000:]}")


def count(log):
    """Executions per translation-block start address, and the sizes seen for
    each block (a block's listing can be cut short when another CPU's trace
    line lands inside it, so every listing of it is kept)."""
    sizes = collections.defaultdict(collections.Counter)
    executed = collections.Counter()
    tb_re = re.compile(r"Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
    pending_pc, pending_n = None, 0
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("0x"):
                if pending_pc is None:
                    pending_pc = int(line.split(":", 1)[0], 16)
                pending_n += 1
                continue
            if pending_pc is not None and not line.startswith("0x"):
                sizes[pending_pc][pending_n] += 1
                pending_pc, pending_n = None, 0
            m = tb_re.match(line)
            if m:
                executed[int(m.group(1), 16)] += 1
    return executed, sizes


def weigh(executed, sizes):
    """Instructions per block start: executions times the size seen most often
    for it in either run (both runs run the same image)."""
    out = {}
    for pc, n in executed.items():
        c = sizes.get(pc)
        size = c.most_common(1)[0][0] if c else 1
        out[pc] = (n * size, n)
    return out


def per_function(counts, addrs, names):
    """{function: instructions}, {function: calls} (blocks that start at its entry)."""
    insns, calls = collections.Counter(), collections.Counter()
    for pc, (n, blocks) in counts.items():
        i = bisect.bisect_right(addrs, pc) - 1
        name = names[i] if i >= 0 else hex(pc)
        insns[name] += n
        if i >= 0 and addrs[i] == pc:
            calls[name] += blocks
    return insns, calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--program", default="procbench")
    ap.add_argument("--args", default="forkloop")
    ap.add_argument("--rounds", default="20,120")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--build", default="build/kernel", help="the kernel build folder")
    ap.add_argument("--initrd", help="a cpio archive to boot with (programs not built in)")
    a = ap.parse_args()
    low, high = (int(x) for x in a.rounds.split(","))
    addrs, names = symbols(ROOT / a.build / "kernel.elf")
    runs = []
    sizes = collections.defaultdict(collections.Counter)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (low, high):
            log = pathlib.Path(tmp) / f"trace-{n}.log"
            trace(ROOT / a.build, a.program, f"{a.args} {n}", log, a.initrd)
            executed, seen = count(log)
            runs.append(executed)
            for pc, c in seen.items():
                sizes[pc].update(c)
            log.unlink()
    funcs = [per_function(weigh(e, sizes), addrs, names) for e in runs]
    rounds = high - low
    (i0, c0), (i1, c1) = funcs
    diff = {k: (i1[k] - i0.get(k, 0)) / rounds for k in i1}
    calls = {k: (c1[k] - c0.get(k, 0)) / rounds for k in c1}
    total = sum(diff.values())
    print(f"kernel instructions per round of '{a.program} {a.args}': {total:,.0f}")
    print(f"{'instr':>10} {'share':>6} {'calls':>7}  function")
    for name, v in sorted(diff.items(), key=lambda kv: -kv[1])[:a.top]:
        if v < 1:
            break
        print(f"{v:10,.0f} {100 * v / total:5.1f}% {calls.get(name, 0):7.1f}  {name}")


if __name__ == "__main__":
    main()
