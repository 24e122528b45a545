#!/usr/bin/env python3
"""Writes the kernel's system call numbers (kernel/syscall/syscall.h's
SyscallNr) as a C array, so the fuzzer knows which numbers must give -ENOSYS
without a list of its own that falls behind the kernel.

  known_syscalls.py SYSCALL_H OUT_H"""
import re
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    text = open(src).read()
    body = re.search(r"enum SyscallNr[^{]*\{(.*?)\};", text, re.S)
    if not body:
        sys.exit(f"{src}: no enum SyscallNr")
    nrs = sorted({int(n, 0) for n in re.findall(r"kSys\w+\s*=\s*(\w+)", body.group(1))})
    if not nrs:
        sys.exit(f"{src}: SyscallNr has no numbers")
    lines = ["// Generated from kernel/syscall/syscall.h by user/tools/known_syscalls.py.",
             "static const long kKnownSyscalls[] = {"]
    for i in range(0, len(nrs), 12):
        lines.append("    " + ", ".join(str(n) for n in nrs[i:i + 12]) + ",")
    lines.append("};")
    new = "\n".join(lines) + "\n"
    try:
        if open(out).read() == new:
            return
    except FileNotFoundError:
        pass
    with open(out, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
