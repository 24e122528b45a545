#!/usr/bin/env python3
"""The lint gate: clang-format over every C and C++ file, clang-tidy over the changed ones.

  python3 tools/lint.py [--base REV] [--all] [--no-tidy] [--jobs N]

Format: `clang-format --dry-run -Werror` over the tracked C and C++ files of
arch/, board/, kernel/, spec/, tests/ and user/ (.clang-format; spec/ opts out).
Tidy: clang-tidy (.clang-tidy) over the changed .c and .cpp files, with the
compile commands of the kernel build (kernel, arch, board, user programs) or,
for the host tests, of the host build. A changed header is checked through
the changed sources that include it.

"Changed" is what differs from --base (default: the merge-base with
origin/main when there is one and HEAD is not on it, else HEAD~1, the last
commit), plus what is not committed yet; --all tidies every source.
Prints `LINT format: ...` and `LINT tidy: ...` lines; exit status 0 only when
both are clean.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIRS = ["arch", "board", "kernel", "spec", "tests", "user"]
EXTS = (".c", ".cpp", ".h", ".hpp")
SOURCES = (".c", ".cpp")
# GCC flags clang does not know; dropped from the commands clang-tidy reads.
GCC_ONLY = {"-fno-tree-loop-distribute-patterns"}
DB = ROOT / "build" / "lint"


def git(*args, check=True):
    r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"lint: git {' '.join(args)}: {r.stderr.strip()}")
    return r


def tracked():
    out = git("ls-files", "-co", "--exclude-standard", "--", *DIRS).stdout.split("\n")
    return sorted(f for f in out if f.endswith(EXTS) and (ROOT / f).is_file())


def default_base():
    if git("rev-parse", "--verify", "-q", "origin/main", check=False).returncode == 0:
        mb = git("merge-base", "HEAD", "origin/main", check=False).stdout.strip()
        head = git("rev-parse", "HEAD").stdout.strip()
        if mb and mb != head:
            return mb
    if git("rev-parse", "--verify", "-q", "HEAD~1", check=False).returncode == 0:
        return "HEAD~1"
    return None


def changed(base):
    files = set()
    if base:
        files |= set(git("diff", "--name-only", "--diff-filter=d", base, "--").stdout.split())
    else:  # a repository of one commit: all of it
        files |= set(git("ls-files").stdout.split())
    files |= set(git("diff", "--name-only", "--diff-filter=d", "HEAD", "--").stdout.split())
    files |= set(git("ls-files", "-o", "--exclude-standard").stdout.split())
    return {f for f in files if f.endswith(EXTS) and f.split("/")[0] in DIRS}


def check_format(files, clang_format):
    bad = {}
    for i in range(0, len(files), 64):
        r = subprocess.run([clang_format, "--dry-run", "-Werror", *files[i:i + 64]], cwd=ROOT,
                           capture_output=True, text=True)
        for line in r.stderr.splitlines():
            if "-Wclang-format-violations" in line:
                path = line.split(":", 1)[0]
                bad.setdefault(path, line)
        if r.returncode != 0 and not bad:
            print(r.stderr, end="")
            bad["(clang-format)"] = "failed"
    return bad


def configure(preset, build):
    if not (ROOT / build / "compile_commands.json").exists():
        subprocess.run(["cmake", "--preset", preset], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return json.loads((ROOT / build / "compile_commands.json").read_text())


def compile_db():
    """One compile command per source: the kernel build's, else the host build's."""
    entries = {}
    for preset, build in (("host", "build/host"), ("kernel", "build/kernel")):
        for e in configure(preset, build):
            args = e.get("arguments") or shlex.split(e["command"])
            e = {"directory": e["directory"], "file": e["file"],
                 "arguments": [a for a in args if a not in GCC_ONLY]}
            entries[os.path.realpath(e["file"])] = e  # the kernel's replace the host's
    DB.mkdir(parents=True, exist_ok=True)
    (DB / "compile_commands.json").write_text(json.dumps(list(entries.values()), indent=1))
    return {os.path.relpath(p, ROOT) for p in entries}


def includers(headers, sources):
    """The sources that name one of these headers in an #include."""
    names = {h: (h, h.split("/include/", 1)[-1]) for h in headers}
    out = set()
    for s in sources:
        text = (ROOT / s).read_text(errors="replace")
        if any(f'"{a}"' in text or f"<{b}>" in text or f'"{pathlib.Path(h).name}"' in text
               for h, (a, b) in names.items()):
            out.add(s)
    return out


def tidy_one(clang_tidy, f):
    r = subprocess.run([clang_tidy, "-p", str(DB), "--quiet", f], cwd=ROOT,
                       capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines()
             if ": error:" in l or ": warning:" in l]
    return f, r.returncode, lines, r.stdout + r.stderr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", help="tidy the files that differ from this revision")
    p.add_argument("--all", action="store_true", help="tidy every source")
    p.add_argument("--no-tidy", action="store_true", help="only the format check")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = p.parse_args()
    clang_format = shutil.which("clang-format")
    clang_tidy = shutil.which("clang-tidy")
    if not clang_format or (not clang_tidy and not args.no_tidy):
        sys.exit("lint: clang-format and clang-tidy are needed (./tine setup installs them)")

    files = tracked()
    bad = check_format(files, clang_format)
    for path, line in sorted(bad.items()):
        print(line)
    print(f"LINT format: {len(files) - len(bad)} / {len(files)} files clean"
          + ("" if not bad else f" (clang-format -i {' '.join(sorted(bad))})"), flush=True)
    ok = not bad

    if not args.no_tidy:
        known = compile_db()
        if args.all:
            want, what = {f for f in files if f.endswith(SOURCES)}, "every source"
        else:
            base = args.base or default_base()
            ch = changed(base)
            want = {f for f in ch if f.endswith(SOURCES)}
            want |= includers({f for f in ch if not f.endswith(SOURCES)},
                              sorted(f for f in files if f.endswith(SOURCES) and f in known))
            what = f"changed since {base[:12] if base else 'the start'}"
        todo = sorted(f for f in want if f in known)
        skipped = sorted(want - known)
        failed = []
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
            for f, rc, lines, out in ex.map(lambda f: tidy_one(clang_tidy, f), todo):
                if rc != 0:
                    failed.append(f)
                    print("\n".join(lines) if lines else out, flush=True)
        if skipped:
            print(f"lint: not in a build, not tidied: {' '.join(skipped)}")
        print(f"LINT tidy: {len(todo) - len(failed)} / {len(todo)} files clean ({what})")
        ok = ok and not failed
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
