#!/usr/bin/env python3
"""The fork path for minutes: proctest's stress alone for 120 s (secs=120) on
4 CPUs without icount. Four workers fork, clone, vfork (some exec), rfork
with random RFPROC flag mixes (RFFDG/RFCFDG, RFMEM, RFSIGSHARE, RFTHREAD,
RFNOWAIT, RFLINUXTHPN), make LWPs (some fork), kill children and wait in
every way, in rounds of 10 s; after each round the runtime invariant checker
must pass and every resource counter must be back at its baseline. Prints
the UTEST lines and the figures (UTEST-INFO); same exit rules as utest.py.

  fork_stress.py [--secs N] [--seed N] [--timeout S]
"""
import argparse
import sys

import utest

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--secs", type=int, default=120)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--timeout", type=float, default=None)
    a = p.parse_args()
    # The stress, up to 30 s for a round's stragglers, the checks, the boot.
    timeout = a.timeout if a.timeout is not None else a.secs + 60
    args = ["--program", "proctest", "--timeout", str(timeout), "stress", f"secs={a.secs}"]
    if a.seed is not None:
        args.append(f"seed={a.seed}")
    sys.argv[1:] = args
    utest.main()
