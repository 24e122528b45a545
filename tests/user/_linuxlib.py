"""For the suites that run a program on tine and then the same program on
Linux, under qemu-aarch64 on the host (busybox.py, glibc.py): their command
line and qemu-aarch64."""
import argparse
import shutil


def suite_args(no_linux_help, names="names"):
    """Parses --no-linux, --timeout S (900 s) and the names to run (all when none)."""
    p = argparse.ArgumentParser()
    p.add_argument("--no-linux", action="store_true", help=no_linux_help)
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument(names, nargs="*")
    return p.parse_args()


def qemu_user():
    """qemu-aarch64's path, or None (and a line that says so)."""
    qemu = shutil.which("qemu-aarch64")
    if not qemu:
        print("linux: qemu-aarch64 is missing (./tine setup installs qemu-user)")
    return qemu
