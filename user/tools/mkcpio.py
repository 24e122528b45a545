#!/usr/bin/env python3
"""Writes a cpio archive in the "newc" format (as `cpio -o -H newc` does).

  mkcpio.py OUT [--dir NAME]... NAME=FILE...

Each NAME=FILE becomes a regular file (mode 0755) named NAME holding FILE's
bytes; each --dir NAME a directory. Entries keep the order given; inode numbers
count from 1 and every time stamp is 0, so the same inputs give the same bytes.
"""
import sys


def header(ino, mode, size, name):
    namesize = len(name) + 1
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0]
    h = b"070701" + b"".join(b"%08X" % f for f in fields)
    data = h + name.encode() + b"\0"
    return data + b"\0" * (-len(data) % 4)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out, rest = args[0], args[1:]
    blob = bytearray()
    ino = 1
    i = 0
    while i < len(rest):
        if rest[i] == "--dir":
            blob += header(ino, 0o040755, 0, rest[i + 1])
            i += 2
        else:
            name, path = rest[i].split("=", 1)
            with open(path, "rb") as f:
                content = f.read()
            blob += header(ino, 0o100755, len(content), name)
            blob += content + b"\0" * (-len(content) % 4)
            i += 1
        ino += 1
    blob += header(ino, 0, 0, "TRAILER!!!")
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
