#!/usr/bin/env python3
"""Model-checks the kernel's SMP protocols with Spin (proofs/models/).

  python3 tools/models.py [--jobs N] [--only NAME,NAME] [--no-bugs] [--keep]

proofs/models/models.json lists the models: each is one Promela file that
models one protocol of the kernel (its header names the functions), with the
checks to run and the seeded bugs that must be caught. For each model:

  safety   spin -a MODEL; cc -DNOCLAIM pan.c; ./pan -m DEPTH
           assertions, and invalid end states (a thread blocked for good:
           a deadlock or a lost wakeup); the search must be complete (no
           "max search depth too small")
  ltl X    spin -a MODEL; cc pan.c; ./pan -a -f -N X -m DEPTH
           the LTL property X with weak fairness (acceptance cycles)

and, for each seeded bug (a -D define that puts a known bug into the model),
the same checks in that order on the model built with it, until one reports
an error; if none does, the model cannot tell the bug from the code and the
run fails.

Prints one line per model and per seeded bug, then `Models: N / M checked`
(N = models whose checks all passed and whose seeded bugs were all caught).
The exit status is 0 only when N = M. The work is done in build/models/;
a result is cached there under a hash of the model files, the defines and
the options, so an unchanged model is not checked again (--fresh: check
everything).
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = ROOT / "proofs" / "models"
BUILD = ROOT / "build" / "models"

CACHE_VERSION = 2  # bump when the way a check runs changes
STORED = re.compile(r"^\s*(\d+) states, stored", re.M)
ERRORS = re.compile(r"errors: (\d+)")
DEPTH = re.compile(r"depth reached (\d+)")


def say(msg):
    print(msg, flush=True)


def cache_key(model, check, defines, depth, hashbits, opt, spin_version):
    h = hashlib.sha256()
    for f in sorted(MODELS.glob("*.pml")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    h.update(repr((CACHE_VERSION, model, check, sorted(defines), depth, hashbits, opt,
                   spin_version)).encode())
    return h.hexdigest()[:24]


def run_check(model, check, defines, depth, hashbits, workdir, cc, opt="-O1", cache=None):
    """One spin -a / cc / pan run, or its cached result (the same model
    files, defines and options). Returns a dict: ok (no error found),
    complete (the search was exhaustive), states, depth, seconds, first
    error line, the log path."""
    if cache is not None:
        key = cache_key(model, check, defines, depth, hashbits, opt, cache["version"])
        hit = cache["dir"] / f"{key}.json"
        if hit.exists():
            res = json.loads(hit.read_text())
            res["log"] = pathlib.Path(res["log"]) if res["log"] else None
            res["cached"] = True
            return res
    res = run_uncached(model, check, defines, depth, hashbits, workdir, cc, opt)
    # Cache a finished search only (exhaustive, or one that found an error),
    # not a run that failed for another reason.
    finished = res["complete"] or (not res["ok"] and res["error"] and not res["error"].startswith(
        ("pan printed no result", "spin -a failed", "pan.c does not compile")))
    if cache is not None and res.get("log") is not None and finished:
        cache["dir"].mkdir(parents=True, exist_ok=True)
        hit.write_text(json.dumps(dict(res, log=str(res["log"]))))
    return res


def run_uncached(model, check, defines, depth, hashbits, workdir, cc, opt):
    workdir.mkdir(parents=True, exist_ok=True)
    for f in MODELS.glob("*.pml"):
        shutil.copy(f, workdir / f.name)
    start = time.monotonic()
    spin = subprocess.run(["spin", *[f"-D{d}" for d in defines], "-a", model],
                          cwd=workdir, capture_output=True, text=True)
    log = spin.stdout + spin.stderr
    res = {"ok": False, "complete": False, "states": 0, "depth": 0, "seconds": 0.0,
           "error": "", "log": None}
    if spin.returncode != 0 or not (workdir / "pan.c").exists():
        res["error"] = "spin -a failed: " + (log.strip().splitlines() or ["?"])[-1]
        return res
    flags = [opt, "-w"]
    if check == "safety":
        flags.append("-DNOCLAIM")
    else:
        flags.append("-DNFAIR=3")  # weak fairness for up to 9 processes
    comp = subprocess.run([cc, *flags, "-o", "pan", "pan.c"], cwd=workdir,
                          capture_output=True, text=True)
    if comp.returncode != 0:
        res["error"] = "pan.c does not compile: " + comp.stderr.strip()[:300]
        return res
    args = ["./pan", f"-m{depth}", f"-w{hashbits}"]
    if check != "safety":
        args += ["-a", "-f", "-N", check]
    pan = subprocess.run(args, cwd=workdir, capture_output=True, text=True)
    out = pan.stdout + pan.stderr
    res["seconds"] = time.monotonic() - start
    logf = workdir / f"pan-{check}.log"
    logf.write_text(" ".join(args) + "\n" + out)
    res["log"] = logf
    m = STORED.search(out)
    res["states"] = int(m.group(1)) if m else 0
    m = DEPTH.search(out)
    res["depth"] = int(m.group(1)) if m else 0
    m = ERRORS.search(out)
    errors = int(m.group(1)) if m else -1
    first = next((line.strip() for line in out.splitlines()
                  if line.startswith("pan:") and "error" not in line.lower()[:4]
                  and ("violated" in line or "invalid end" in line or "cycle" in line
                       or "never claim" in line)), "")
    res["error"] = first if len(first) < 160 else first[:150] + " ..."
    res["ok"] = errors == 0
    res["complete"] = (errors == 0 and "max search depth too small" not in out
                       and "out of memory" not in out.lower())
    if errors < 0:
        res["error"] = "pan printed no result: " + out.strip()[-300:]
    return res


def check_model(entry, with_bugs, cc, cache):
    """All checks of one model, then its seeded bugs. Returns (passed, lines)."""
    name = entry["name"]
    model = entry["file"]
    depth = entry.get("depth", 10000)
    hashbits = entry.get("hash", 22)
    opt = entry.get("opt", "-O0")  # -O1 compiles slower, searches faster
    checks = ["safety"] + entry.get("ltl", [])
    lines, passed = [], True
    parts = []
    states = 0
    seconds = 0.0
    cached = True
    for check in checks:
        r = run_check(model, check, entry.get("defines", []), depth, hashbits,
                      BUILD / name / check, cc, opt=opt, cache=cache)
        states += r["states"]
        seconds += r["seconds"]
        cached = cached and r.get("cached", False)
        if not r["ok"] or not r["complete"]:
            passed = False
            why = r["error"] or ("search incomplete (raise depth)" if r["ok"] else "error")
            parts.append(f"{check} FAILED: {why} (log {r['log'] and r['log'].relative_to(ROOT)})")
        else:
            parts.append(f"{check} ok ({r['states']:,} states, depth {r['depth']})")
    lines.append(f"{name:14} {'passed' if passed else 'FAILED'}  " + "; ".join(parts) +
                 f"; {seconds:.1f} s" + (" (cached)" if cached else ""))
    if with_bugs:
        for bug in entry.get("bugs", []):
            found = []
            for check in checks:
                r = run_check(model, check, entry.get("defines", []) + [bug["define"]], depth,
                              hashbits, BUILD / name / f"{bug['define']}-{check}", cc,
                              opt="-O0", cache=cache)
                if not r["ok"]:
                    found.append(f"{check}: {r['error'] or 'error'}")
                    break  # caught: the other checks need not run
            if found:
                lines.append(f"  seeded bug {bug['define']} caught ({'; '.join(found)})")
            else:
                passed = False
                lines.append(f"  seeded bug {bug['define']} NOT CAUGHT: the model cannot fail "
                             f"({bug.get('what', '')})")
    return passed, lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)),
                    help="models checked at once (default 2)")
    ap.add_argument("--only", help="check only these models (comma-separated names)")
    ap.add_argument("--no-bugs", action="store_true", help="skip the seeded bugs")
    ap.add_argument("--fresh", action="store_true",
                    help="ignore the results cached in build/models/cache")
    args = ap.parse_args()

    manifest = json.loads((MODELS / "models.json").read_text())["models"]
    if args.only:
        wanted = set(args.only.split(","))
        manifest = [m for m in manifest if m["name"] in wanted]
    cc = shutil.which("cc") or shutil.which("gcc")
    if shutil.which("spin") is None or cc is None:
        say("models: spin or a C compiler is missing (tools/setup.sh installs spin)")
        say(f"Models: 0 / {len(manifest)} checked")
        return 2
    ver = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
    say(f"models: {ver}; {len(manifest)} models in proofs/models, {args.jobs} at once")
    BUILD.mkdir(parents=True, exist_ok=True)
    cache = {"dir": BUILD / "cache", "version": ver}
    if args.fresh and cache["dir"].exists():
        shutil.rmtree(cache["dir"])
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(check_model, m, not args.no_bugs, cc, cache) for m in manifest]
        results = [f.result() for f in futures]
    ok = 0
    for passed, lines in results:
        ok += passed
        for line in lines:
            say(line)
    say(f"wall time {time.monotonic() - start:.0f} s; logs in build/models/")
    say(f"Models: {ok} / {len(manifest)} checked")
    return 0 if ok == len(manifest) else 1


if __name__ == "__main__":
    sys.exit(main())
