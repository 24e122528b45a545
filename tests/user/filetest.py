#!/usr/bin/env python3
"""The file suite (user/tests/filetest.c): every file system call with its
errors, descriptor tables across rfork, fork and exec, pipes, poll, /dev and
/proc, permissions as another user, the RAM file system's and the open-file
bounds, and races between LWPs on one table. Same checks and exit rules as
utest.py."""
import sys

import utest

if __name__ == "__main__":
    sys.argv[1:1] = ["--program", "filetest"]
    utest.main()
