#!/usr/bin/env python3
"""The fork-path suite (user/tests/proctest.c): every fork/vfork/rfork flag and
error, lwp_create under concurrency, limits, the fork bomb, fault injection over
every allocation of the fork path, a stress with the invariant checker after it.
Same checks and exit rules as utest.py."""
import sys

import utest

if __name__ == "__main__":
    sys.argv[1:1] = ["--program", "proctest"]
    utest.main()
