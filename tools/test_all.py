#!/usr/bin/env python3
"""Runs every test tier and prints one summary line, `N passed, M failed`.

Tiers: host (GoogleTest under ASan/UBSan, through ctest), ktest (in-kernel tests
on QEMU raspi4b with 4 CPUs, no icount), user (EL0 programs as init: the utest
suite, the initramfs, init's exit status; tests/user/), boot (boot paths:
-kernel, U-Boot from an SD image, image header), proof (Frama-C WP over the
verified core), lint (clang-format over every C and C++ file, clang-tidy over
the changed ones: tools/lint.py).
  test_all.py [--only host,ktest,user,boot,proof,lint]
"""
import argparse
import pathlib
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIERS = ["host", "ktest", "user", "boot", "proof", "lint"]


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def add(self, name, ok, why=""):
        """why: what the failure printed, repeated in the summary (a CI log is
        often read from its end)."""
        if ok:
            self.passed += 1
        else:
            self.failed.append(f"{name}: {why[:400]}" if why else name)


def last_lines(text, n=5):
    return " | ".join(line.strip() for line in text.strip().splitlines()[-n:])


def banner(text):
    print(f"\n==== {text} ====", flush=True)


def run_host(t):
    # ctest runs whatever binaries build/host holds: build them first, so that
    # this script alone never passes a stale test (./tine test has built them).
    if subprocess.run(["cmake", "--build", str(ROOT / "build/host"), "-j2"]).returncode != 0:
        t.add("host.build", False)
        return
    junit = ROOT / "build/host/junit.xml"
    r = subprocess.run(["ctest", "--test-dir", str(ROOT / "build/host"), "-L", "host", "-j2",
                        "--output-on-failure", "--output-junit", str(junit)])
    if not junit.exists():
        t.add("host.ctest", False)
        return
    cases = ET.parse(junit).getroot().iter("testcase")
    n = 0
    for c in cases:
        n += 1
        t.add("host." + c.get("name"), c.get("status") != "fail" and c.find("failure") is None)
    if n == 0 or (r.returncode != 0 and not t.failed):
        t.add("host.ctest", False)


def run_ktest(t):
    r = subprocess.run([sys.executable, str(ROOT / "tools/qemu_run.py"), "--ktest", "all",
                        "--timeout", "900"], capture_output=True, text=True)
    # The console test's own output is checked by tests/boot/console_lines.py; skip it here.
    print("".join(l for l in r.stdout.splitlines(True) if not l.startswith("LINE-")), end="",
          flush=True)
    fails = 0
    for m in re.finditer(r"^KTEST (\S+) (PASS|FAIL)", r.stdout, re.M):
        t.add("ktest." + m.group(1), m.group(2) == "PASS")
        fails += m.group(2) == "FAIL"
    summary = re.search(r"^KTEST-SUMMARY passed=(\d+) failed=(\d+)", r.stdout, re.M)
    # A panic, a hang or a lost line shows as a status that disagrees with the lines.
    if not summary or r.returncode != fails:
        t.add(f"ktest.run(status {r.returncode})", False)


def run_scripts(folder):
    """Runs each script of folder but its _libraries, printing what it printed
    (and its stderr when it failed); yields (script, its CompletedProcess)."""
    for script in sorted((ROOT / folder).glob("*.py")):
        if script.name.startswith("_"):
            continue
        r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        print(r.stdout, end="", flush=True)
        if r.returncode != 0:
            print(r.stderr, end="")
        yield script, r


def run_user(t):
    # Suites print one UTEST line per check: each counts; a suite that fails
    # without a failing line (a crash, a hang, a leak) counts as one failure.
    for script, r in run_scripts("tests/user"):
        checks = re.findall(r"^UTEST (\S+) (PASS|FAIL) ?(.*)$", r.stdout, re.M)
        for name, verdict, why in checks:
            t.add(f"user.{script.stem}.{name}", verdict == "PASS", why)
        if not checks or (r.returncode != 0 and all(v == "PASS" for _, v, _ in checks)):
            t.add("user." + script.stem, r.returncode == 0, last_lines(r.stdout + r.stderr))


def run_boot(t):
    for script, r in run_scripts("tests/boot"):
        t.add("boot." + script.stem, r.returncode == 0, last_lines(r.stdout + r.stderr))


def run_proof(t):
    prove = ROOT / "tools/prove.py"
    if not prove.exists():
        return
    r = subprocess.run([sys.executable, str(prove)])
    t.add("proof.wp", r.returncode == 0)


def run_lint(t):
    r = subprocess.run([sys.executable, str(ROOT / "tools/lint.py")], capture_output=True,
                       text=True)
    print(r.stdout, end="", flush=True)
    if r.returncode != 0:
        print(r.stderr, end="")
    lines = dict(re.findall(r"^LINT (format|tidy): (\d+ / \d+)", r.stdout, re.M))
    for part in ("format", "tidy"):
        clean, total = (lines.get(part) or "0 / -1").split(" / ")
        t.add("lint." + part, clean == total)
    if r.returncode != 0 and not t.failed:
        t.add("lint", False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--only", default=",".join(TIERS))
    args = p.parse_args()
    tiers = [x for x in args.only.split(",") if x]
    t = Tally()
    runners = {"host": run_host, "ktest": run_ktest, "user": run_user, "boot": run_boot,
               "proof": run_proof, "lint": run_lint}
    times = {}
    for tier in tiers:
        banner(tier)
        start = time.monotonic()
        runners[tier](t)
        times[tier] = time.monotonic() - start
    banner("summary")
    for tier in tiers:
        print(f"{tier:6} {times[tier]:7.1f} s")
    for name in t.failed:
        print(f"FAILED: {name}")
    print(f"{t.passed} passed, {len(t.failed)} failed")
    sys.exit(1 if t.failed else 0)


if __name__ == "__main__":
    main()
