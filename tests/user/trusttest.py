#!/usr/bin/env python3
"""The trust suite (user/tests/trusttest.c): what an unprivileged or hostile
program must not be able to do to the process layer (credential and limit
races, exec with other LWPs, exhaustion by one user, sleeps SIGKILL must end,
the debugging calls). Same checks and exit rules as utest.py."""
import sys

import utest

if __name__ == "__main__":
    sys.argv[1:1] = ["--program", "trusttest"]
    utest.main()
