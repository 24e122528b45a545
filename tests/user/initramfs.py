#!/usr/bin/env python3
"""init from a -initrd cpio newc archive: a program under a path of its own
choosing (not a built-in name), started with arguments; its exit status comes
back as "init exited: status=N" and as QEMU's exit status."""
import pathlib
import sys
import tempfile

from _userlib import ROOT, USER_BIN, boot, init_status

sys.path.insert(0, str(ROOT / "user/tools"))
import mkcpio  # noqa: E402


def main():
    hello = USER_BIN / "hello"
    with tempfile.TemporaryDirectory() as d:
        archive = pathlib.Path(d) / "initrd.cpio"
        sys.argv = ["mkcpio", str(archive), "--dir", "sbin", "--dir", "etc",
                    f"sbin/first={hello}", f"etc/motd={__file__}"]
        mkcpio.main()
        status, lines = boot("/sbin/first", ["one", "two", "three"], initrd=archive, timeout=120)
    want = "hello from pid 2: /sbin/first one two three"  # init (pid 1) runs it
    ok = any(line.strip() == want for line in lines) and init_status(lines) == 3 and status == 3
    for line in lines[-4:]:
        print(line)
    print("initramfs:", "PASS" if ok else f"FAIL (status {status})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
