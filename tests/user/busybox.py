#!/usr/bin/env python3
"""Busybox ash scripts on tine against the same scripts under Linux.

Each tests/user/busybox/NAME.sh runs under Debian's static busybox
(busybox-static:arm64, which ./tine setup fetches) in a scratch directory of
its own, with stdout and stderr together. On tine they run in one boot of the
busybox initramfs (tools/busybox_initramfs.py, plus the scripts and a
runner), /bin/sh as init; under Linux the same busybox binary runs them
under qemu-aarch64 on the host, in a user and mount namespace of its own
where binfmt_misc runs arm64 programs with qemu-aarch64 (Linux 6.7 and later
give each user namespace its own binfmt_misc: the host's is left alone) and
busybox is /bin/sh, so that busybox's exec of itself, `#!/bin/sh` and
system() work as on tine. Where no such namespace can be made, the applets
are wrappers on PATH that start qemu-aarch64, and #! scripts run the host's
/bin/sh. Each script's output and exit status on tine must equal Linux's, or
NAME.expected where qemu-user cannot give Linux's answer (ps sees the host's
processes, named qemu-aarch64). One UTEST line per script.

  busybox.py [--no-linux] [--timeout S] [NAME...]
"""
import difflib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

from _linuxlib import qemu_user, suite_args
from _userlib import ROOT, USER_BIN, boot, init_status

sys.path.insert(0, str(ROOT / "tools"))
import busybox_initramfs  # noqa: E402

SCRIPTS = pathlib.Path(__file__).resolve().parent / "busybox"
BUSYBOX = busybox_initramfs.BUSYBOX

# Runs DIR/NAME.sh for each NAME (every script of DIR without names), each in
# a directory of its own under $TMPDIR (or /tmp), between marker lines.
RUNNER = b"""\
dir=$1; shift
export PATH=${TEST_PATH:-/bin:/sbin:/usr/bin:/usr/sbin}
[ $# -gt 0 ] || set -- $(cd "$dir" && ls *.sh | sed 's/\\.sh$//')
for name; do
  work=$(mktemp -d)
  echo "BBTEST-BEGIN $name"
  # Output to a file, as on the host's side (a pipe): never the terminal,
  # where ls, for one, would print columns.
  (cd "$work" && exec sh "$dir/$name.sh") </dev/null >"$work.out" 2>&1
  st=$?
  cat "$work.out"
  echo "BBTEST-END $name status=$st"
  rm -rf "$work" "$work.out"
done
echo BBTEST-DONE
"""

WRAPPER = """\
#!/bin/sh
exec {qemu} {busybox} "${{0##*/}}" "$@"
"""

# Run by the host's sh as root of a new user and mount namespace: arm64 ELF
# files to qemu-aarch64 (P: argv[0] kept, F: the interpreter opened now),
# busybox over /bin/sh, then the runner under it.
NAMESPACE = r"""
set -e
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
printf ':tine-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:%s:PF' "$QEMU" \
  > /proc/sys/fs/binfmt_misc/register
mount --bind "$BUSYBOX" "$(readlink -f /bin/sh)"
exec /bin/sh "$@"
"""


def results(lines):
    """{name: [lines..., "status=N"]} from the marker lines."""
    out = {}
    cur = None
    for line in lines:
        m = re.match(r"BBTEST-BEGIN (\S+)$", line)
        if m:
            cur = out.setdefault(m.group(1), [])
            continue
        m = re.match(r"BBTEST-END (\S+) (status=\d+)$", line)
        if m and cur is not None:
            cur.append(m.group(2))
            cur = None
            continue
        if cur is not None:
            cur.append(line)
    return out


def on_tine(names, timeout):
    extra = [("busybox-tests/run", RUNNER)]
    extra += [(f"busybox-tests/{p.name}", p.read_bytes()) for p in sorted(SCRIPTS.glob("*.sh"))]
    with tempfile.TemporaryDirectory() as d:
        cpio = pathlib.Path(d) / "busybox-tests.cpio"
        busybox_initramfs.build(cpio, BUSYBOX, USER_BIN, extra)
        status, lines = boot("/bin/sh", ["/busybox-tests/run", "/busybox-tests"] + names,
                             initrd=cpio, timeout=timeout)
    ok = "BBTEST-DONE" in lines and init_status(lines) == 0 and status == 0
    if not ok:
        print(f"tine: the run did not finish (init {init_status(lines)}, QEMU {status}):")
        for line in lines[-15:]:
            print("  " + line)
    return results(lines), ok


def on_linux(names, timeout):
    qemu = qemu_user()
    if not qemu:
        return None
    unshare = shutil.which("unshare")
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        tmp = d / "tmp"
        tmp.mkdir()
        (d / "run").write_bytes(RUNNER)
        applets = [path.rsplit("/", 1)[-1] for path in busybox_initramfs.applets(BUSYBOX)]
        args = [str(d / "run"), str(SCRIPTS)] + names
        env = {"TMPDIR": str(tmp), "HOME": str(d), "TERM": "vt100", "LC_ALL": "C",
               "QEMU": qemu, "BUSYBOX": str(BUSYBOX)}
        r = None
        if unshare:
            direct = d / "bin"
            direct.mkdir()
            for name in applets:
                os.symlink(BUSYBOX, direct / name)
            env.update(PATH="/usr/sbin:/usr/bin:/sbin:/bin", TEST_PATH=str(direct))
            r = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "/bin/sh", "-c",
                                NAMESPACE, "sh"] + args, capture_output=True, text=True,
                               timeout=timeout, env=env, cwd=d)
            if "BBTEST-BEGIN" not in r.stdout:
                print(f"linux: no namespace with binfmt_misc ({r.stderr.strip()[-200:]}): "
                      "qemu-aarch64 wrappers instead")
                r = None
        if r is None:
            wrap = d / "wrap"
            wrap.mkdir()
            (wrap / ".busybox").write_text(WRAPPER.format(qemu=qemu, busybox=BUSYBOX))
            (wrap / ".busybox").chmod(0o755)
            for name in applets:
                os.symlink(".busybox", wrap / name)
            env.update(PATH=str(wrap), TEST_PATH=str(wrap))
            r = subprocess.run([qemu, str(BUSYBOX), "sh"] + args, capture_output=True, text=True,
                               timeout=timeout, env=env, cwd=d)
    lines = r.stdout.splitlines()
    if "BBTEST-DONE" not in lines:
        print(f"linux: the run did not finish (status {r.returncode}): {r.stderr[-500:]}")
    return results(lines)


def main():
    a = suite_args("tine only (.expected files)")
    if not BUSYBOX.exists():
        print(f"busybox: {BUSYBOX} is missing (./tine setup fetches it)")
        sys.exit(1)
    names = a.names or sorted(s.stem for s in SCRIPTS.glob("*.sh"))
    tine, ok = on_tine(a.names, a.timeout)
    linux = {} if a.no_linux else on_linux(a.names, a.timeout)
    if linux is None:
        ok, linux = False, {}
    passed = failed = 0
    for name in names:
        exp_file = SCRIPTS / f"{name}.expected"
        if exp_file.exists():
            want, source = exp_file.read_text().splitlines(), "expected"
        elif name in linux:
            want, source = linux[name], "linux"
        else:
            want, source = None, "linux"
        got = tine.get(name)
        good = got is not None and want is not None and got == want
        print(f"UTEST {name} {'PASS' if good else 'FAIL'}")
        if good:
            passed += 1
            continue
        failed += 1
        if got is None or want is None:
            print(f"  {'tine' if got is None else source}: no result")
        else:
            for line in difflib.unified_diff(want, got, source, "tine", lineterm="", n=1):
                print("  " + line)
    # Job control from the terminal (^C, ^Z, kill %N) needs keys typed on the
    # console: tests/boot/busybox_shell.py types them.
    ok = ok and failed == 0
    print(f"busybox: {passed} passed, {failed} failed")
    print("busybox:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
