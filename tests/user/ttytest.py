#!/usr/bin/env python3
"""The terminal suite (user/tests/ttytest.c): the console as a tty, with its
ioctls and their errors, canonical editing, raw mode, signal keys, the
controlling terminal and job control. Keys are typed on the serial line as a
person would, each step's once the suite prints "UTEST-KEYS <step>". Same
checks and exit rules as utest.py."""
import sys

import utest

# The keys of each step, in the order the suite asks for them.
KEYS = [
    ("line", "hello\r"),
    ("erase", "abx\x7fc\r"),
    ("kill", "junk\x15ok\r"),
    ("werase", "one two\x17three\r"),
    ("lnext", "a\x16\x03b\r"),
    ("eof_line", "abc\x04"),
    ("eof", "\x04"),
    ("pieces", "abcdef\r"),
    ("two_lines", "l1\rl2\r"),
    ("flushed", "gone\r"),
    ("raw1", "x"),
    ("raw3", "123"),
    ("raw_cr", "\r"),
    ("raw_cr2", "\r"),
    ("raw_special", "\x7f\x04"),
    ("raw_inter", "ab"),
    ("raw_tocanon", "zz"),
    ("intr", "\x03"),
    ("quit", "\x1c"),
    ("intr_caught", "\x03"),
    ("intr_flush", "junk\x03ok\r"),
    ("susp", "\x1a"),
    ("after", "after\r"),
    ("fg", "fg\r"),
]

if __name__ == "__main__":
    sys.argv[1:1] = ["--program", "ttytest"]
    utest.main(keys=[(rf"^UTEST-KEYS {step}$", text) for step, text in KEYS])
