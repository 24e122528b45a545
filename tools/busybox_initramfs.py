#!/usr/bin/env python3
"""Packs Debian's static busybox (busybox-static:arm64, which tools/setup.sh
unpacks into .cache/busybox) with its applet links into a newc initramfs.

  busybox_initramfs.py OUT [--busybox FILE] [--builtin DIR] [NAME=FILE]...

/bin/busybox is the binary; every applet is a symbolic link to it where
busybox's own install would put it (/bin, /sbin, /usr/bin, /usr/sbin: /bin/sh
among them), except names that tine's built-in programs (the files of
--builtin, default build/kernel/user/bin) already have in /bin: those stay
tine's. /etc gets a profile (the applet directories on PATH, a prompt),
passwd and group with root, and /root a home. Each NAME=FILE adds FILE's bytes
as NAME (mode 0755). The applet list comes from `busybox --list-full` under
qemu-aarch64 when the host has it, else from the binary's own tables.
The same inputs give the same bytes.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUSYBOX = ROOT / ".cache/busybox/bin/busybox"
BUILTIN = ROOT / "build/kernel/user/bin"
DIRS = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "root"]
# busybox's applet_install_loc values (include/applets.h: BB_DIR_*).
LOCATIONS = {0: "", 1: "bin/", 2: "sbin/", 3: "usr/bin/", 4: "usr/sbin/"}

PROFILE = b"""\
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
export PS1='tine:\\w\\$ '
cd
"""
PASSWD = b"root:x:0:0:root:/root:/bin/sh\n"
GROUP = b"root:x:0:\n"


def _header(ino, mode, size, name, nlink=1):
    namesize = len(name) + 1
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, namesize, 0]
    data = b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
    return data + b"\0" * (-len(data) % 4)


def _entry(ino, mode, name, content=b""):
    return _header(ino, mode, len(content), name) + content + b"\0" * (-len(content) % 4)


def applets_from_qemu(busybox):
    """busybox --list-full run under qemu-aarch64: ["bin/sh", "usr/bin/awk", ...]."""
    qemu = shutil.which("qemu-aarch64")
    if not qemu:
        return None
    r = subprocess.run([qemu, str(busybox), "--list-full"], capture_output=True, text=True,
                       timeout=60)
    names = r.stdout.split()
    return names if r.returncode == 0 and names else None


def applets_from_binary(blob):
    """The applet names (applet_names: sorted, NUL-separated, starting "[" and "[[")
    and where each goes (applet_install_loc: a nibble per applet, 0-4), found by
    their shape in the binary."""
    start = blob.find(b"\0[\0[[\0") + 1
    if start <= 0:
        raise SystemExit("busybox_initramfs: no applet name table in the binary")
    names = []
    at = start
    while True:
        end = blob.index(b"\0", at)
        word = blob[at:end]
        if not word or not all(33 <= c < 127 for c in word):
            break
        names.append(word.decode())
        at = end + 1
    n = len(names)
    size = (n + 1) // 2
    known = {"sh": 1, "[": 3, "linuxrc": 0, "init": 2}
    known = {names.index(k): v for k, v in known.items() if k in names}

    def loc(table, i):
        return (table[i // 2] >> (4 * (i % 2))) & 0xF

    for pos in range(0, len(blob) - size):
        table = blob[pos:pos + size]
        if all(loc(table, i) == v for i, v in known.items()) and \
                all(loc(table, i) <= 4 for i in range(n)):
            return [LOCATIONS[loc(table, i)] + name for i, name in enumerate(names)]
    raise SystemExit("busybox_initramfs: no applet location table in the binary")


def applets(busybox):
    return applets_from_qemu(busybox) or applets_from_binary(busybox.read_bytes())


def build(out, busybox=BUSYBOX, builtin=BUILTIN, extra=()):
    """Writes the archive to out; extra: (name, bytes) pairs added as files.
    Returns the applet paths linked."""
    busybox = pathlib.Path(busybox)
    if not busybox.exists():
        raise SystemExit(f"busybox_initramfs: {busybox} is missing (./tine setup fetches it)")
    taken = {p.name for p in pathlib.Path(builtin).iterdir()} if pathlib.Path(builtin).is_dir() \
        else set()
    blob = bytearray()
    ino = 1
    dirs = list(DIRS)
    for name, _ in extra:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.append(d)
    for d in dirs:
        blob += _entry(ino, 0o040755 if d != "root" else 0o040700, d)
        ino += 1
    blob += _entry(ino, 0o100755, "bin/busybox", busybox.read_bytes())
    ino += 1
    linked = []
    for path in applets(busybox):
        name = path.rsplit("/", 1)[-1]
        if path == "bin/busybox" or (path.startswith("bin/") and name in taken):
            continue
        blob += _entry(ino, 0o120777, path, b"/bin/busybox")
        ino += 1
        linked.append(path)
    files = [("etc/profile", PROFILE, 0o100644), ("etc/passwd", PASSWD, 0o100644),
             ("etc/group", GROUP, 0o100644)]
    files += [(name, data, 0o100755) for name, data in extra]
    for name, data, mode in files:
        blob += _entry(ino, mode, name, data)
        ino += 1
    blob += _entry(ino, 0, "TRAILER!!!")
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, out)
    return linked


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--busybox", default=BUSYBOX)
    p.add_argument("--builtin", default=BUILTIN, help="tine's built-in programs (/bin)")
    p.add_argument("files", nargs="*", metavar="NAME=FILE")
    a = p.parse_args()
    extra = []
    for f in a.files:
        name, path = f.split("=", 1)
        extra.append((name.lstrip("/"), pathlib.Path(path).read_bytes()))
    linked = build(a.out, a.busybox, a.builtin, extra)
    print(f"busybox_initramfs: {a.out}: busybox and {len(linked)} applet links", file=sys.stderr)


if __name__ == "__main__":
    main()
