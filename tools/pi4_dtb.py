#!/usr/bin/env python3
"""Writes the Raspberry Pi 4 device tree as a kernel receives it on a board.

The firmware (start4.elf) does not hand over the DTB file as shipped: it fills
in /memory for the board's RAM, /chosen (command line, initrd), and config.txt
can move the peripherals (arm_peri_high); U-Boot and TF-A edit it again. The
tests need those trees, so this takes the shipped bcm2711-rpi-4-b.dtb and
patches it the same way with fdtput (package device-tree-compiler):

  pi4_dtb.py --base bcm2711-rpi-4-b.dtb --out DIR VARIANT...   (or "all")

Variants:
  pi4-1g pi4-2g pi4-4g pi4-8g  /memory as the firmware writes it for the RAM
                    size (root #size-cells = 1, so the 4 GiB above 4 GiB on an
                    8 GB board is two entries), the VideoCore's share cut from
                    the first GiB (gpu_mem default: RAM to 0x3b400000), the
                    rest from 0x40000000 up to the peripherals at 0xfc000000
                    and from 4 GiB; a command line with the firmware's own
                    tokens first; the initrd range (1-cell values, as the
                    firmware writes them; 2-cell ones on pi4-8g, as U-Boot).
  pi4-8g-nodes      the 8 GB board's RAM as three /memory nodes with 64-bit
                    sizes (#size-cells = 2), as some loaders write it.
  pi4-highperi      pi4-4g with arm_peri_high=1: /soc ranges as the firmware's
                    highperi overlay sets them (peripherals at 0x4_7c000000,
                    the GIC at 0x4_c0000000).
  pi4-psci          pi4-4g as TF-A hands it over: CPUs with enable-method
                    "psci" and no cpu-release-addr, a /psci node (SMC), and
                    its own memory [0, 0x80000) reserved no-map.
  pi4-psci-hvc      the same with the /psci node's method "hvc".
  pi4-psci-nonode   CPUs with enable-method "psci" and no /psci node at all.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

GIB = 1 << 30
RAM_LOW_END = 0x3b400000        # below 1 GiB, minus the VideoCore's 76 MiB
PERIPH_LOW = 0xfc000000         # low-peripheral mode: RAM stops here below 4 GiB
FIRMWARE_ARGS = ("coherent_pool=1M 8250.nr_uarts=1 snd_bcm2835.enable_headphones=0 "
                 "bcm2708_fb.fbwidth=0 bcm2708_fb.fbheight=0 smsc95xx.macaddr=DC:A6:32:00:00:01 "
                 "vc_mem.mem_base=0x3ec00000 vc_mem.mem_size=0x40000000")
CPUS = ("/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3")


def ram_ranges(gib):
    """The firmware's /memory ranges for a board with `gib` GiB of RAM."""
    ranges = [(0, RAM_LOW_END)]
    if gib >= 2:
        ranges.append((GIB, min(gib * GIB, PERIPH_LOW) - GIB))
    if gib > 4:
        ranges.append((4 * GIB, (gib - 4) * GIB))
    return ranges


def cells(value, n):
    """value as n big-endian 32-bit cells, as fdtput -t x words."""
    return [f"{(value >> (32 * (n - 1 - i))) & 0xffffffff:x}" for i in range(n)]


def reg_words(ranges, size_cells):
    """reg words for (base, size) pairs under #address-cells 2. A size that
    does not fit one 32-bit cell is written as 2 GiB pieces, as the firmware
    writes the 4 GiB above 4 GiB of an 8 GB board."""
    words = []
    for base, size in ranges:
        while size:
            chunk = size if size_cells == 2 or size <= 0xffffffff else min(size, 1 << 31)
            words += cells(base, 2) + cells(chunk, size_cells)
            base += chunk
            size -= chunk
    return words


class Tree:
    def __init__(self, path):
        self.path = path

    def put(self, node, prop, kind, *values):
        self._run("fdtput", "-t", kind, str(self.path), node, prop, *map(str, values))

    def create(self, node):
        self._run("fdtput", "-c", "-p", str(self.path), node)

    def delete_prop(self, node, prop):
        self._run("fdtput", "-d", str(self.path), node, prop)

    def delete_node(self, node):
        self._run("fdtput", "-r", str(self.path), node)

    @staticmethod
    def _run(*cmd):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"pi4_dtb: {' '.join(cmd)} failed: {r.stderr.strip()}")


def firmware_board(t, gib, bootargs="poweroff", initrd=(0x2a00000, 0x2b00000), initrd_cells=1):
    t.put("/memory@0", "reg", "x", *reg_words(ram_ranges(gib), 1))
    t.put("/chosen", "bootargs", "s", f"{FIRMWARE_ARGS} {bootargs}")
    t.put("/chosen", "linux,initrd-start", "x", *cells(initrd[0], initrd_cells))
    t.put("/chosen", "linux,initrd-end", "x", *cells(initrd[1], initrd_cells))


def psci_cpus(t):
    for cpu in CPUS:
        t.put(cpu, "enable-method", "s", "psci")
        t.delete_prop(cpu, "cpu-release-addr")


def tfa_psci(t, method):
    psci_cpus(t)
    t.create("/psci")
    t.put("/psci", "compatible", "s", "arm,psci-1.0", "arm,psci-0.2")
    t.put("/psci", "method", "s", method)
    t.create("/reserved-memory/atf@0")
    t.put("/reserved-memory/atf@0", "reg", "x", *reg_words([(0, 0x80000)], 1))
    t.put("/reserved-memory/atf@0", "no-map", "x")  # no value: an empty property


def memory_nodes(t, gib):
    firmware_board(t, gib)
    t.put("/", "#size-cells", "u", 2)
    t.delete_node("/memory@0")
    for base, size in ram_ranges(gib):
        node = f"/memory@{base:x}"
        t.create(node)
        t.put(node, "device_type", "s", "memory")
        t.put(node, "reg", "x", *reg_words([(base, size)], 2))


def high_peripherals(t):
    firmware_board(t, 4)
    # The firmware's highperi overlay: /soc keeps its 1-cell bus addresses.
    t.put("/soc", "ranges", "x", "7c000000", "4", "7c000000", "4000000",
          "40000000", "4", "c0000000", "800000")


VARIANTS = {
    "pi4-1g": lambda t: firmware_board(t, 1),
    "pi4-2g": lambda t: firmware_board(t, 2),
    "pi4-4g": lambda t: firmware_board(t, 4),
    "pi4-8g": lambda t: firmware_board(t, 8, initrd=(0x2700000, 0x2f00000), initrd_cells=2),
    "pi4-8g-nodes": lambda t: memory_nodes(t, 8),
    "pi4-highperi": high_peripherals,
    "pi4-psci": lambda t: (firmware_board(t, 4), tfa_psci(t, "smc")),
    "pi4-psci-hvc": lambda t: (firmware_board(t, 4), tfa_psci(t, "hvc")),
    "pi4-psci-nonode": lambda t: (firmware_board(t, 4), psci_cpus(t)),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the shipped bcm2711-rpi-4-b.dtb")
    ap.add_argument("--out", required=True, help="directory for VARIANT.dtb")
    ap.add_argument("--bootargs", help="replace the command line after the firmware's tokens")
    ap.add_argument("variants", nargs="+", help=f"'all' or some of: {' '.join(VARIANTS)}")
    a = ap.parse_args(argv)
    names = list(VARIANTS) if a.variants == ["all"] else a.variants
    for name in names:
        if name not in VARIANTS:
            ap.error(f"unknown variant {name}")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        dtb = out / f"{name}.dtb"
        part = out / f"{name}.dtb.part"
        shutil.copyfile(a.base, part)
        t = Tree(part)
        VARIANTS[name](t)
        if a.bootargs is not None:
            t.put("/chosen", "bootargs", "s", f"{FIRMWARE_ARGS} {a.bootargs}")
        part.replace(dtb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
