#!/usr/bin/env python3
"""The shell (init=shell) driven over the serial line, as a person would type:
`ps` lists init, `run hello` forks and execs a built-in program and reports its
exit status, `forkbench` and `stress` run, an unknown command is refused, and
`exit` ends init so the kernel powers off with status 0."""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from _serial import Serial, drive  # noqa: E402


def script(s, steps):
    steps.append(("prompt", s.wait_for("tsh> ", 30)))
    s.send("ps\r", slow=True)  # one byte at a time, as typed
    steps.append(("ps", s.wait_for("SACTIVE    1", 10) and " shell" in s.buf[0]))
    mark = len(s.buf[0])
    s.send("run hello one two\r")
    ok = s.wait_for("[hello: pid ", 15)
    ok = ok and s.wait_for("exited, status", 5)
    steps.append(("run hello", ok and "hello from pid" in s.buf[0][mark:]))
    steps.append(("run missing program", s.type_and_wait("run nosuch\r", "status 127]", 15)))
    steps.append(("forkbench", s.type_and_wait("forkbench 50\r", "forks/s", 30)))
    steps.append(("stress", s.type_and_wait("stress 2 10\r", "0 failed; invariants hold", 60)))
    steps.append(("unknown", s.type_and_wait("frobnicate\r", "unknown command: frobnicate", 10)))
    steps.append(("exit", s.type_and_wait("exit\r", "init exited: status=0", 15)))
    steps.append(("poweroff", s.wait(20) == 0))


if __name__ == "__main__":
    drive("shell", Serial("init=shell semihost_exit=1"), script, 9)
