#!/usr/bin/env python3
"""Build a bootable SD card image for the Raspberry Pi 4 (and QEMU raspi4b).

The image has an MBR with one FAT32 partition (type 0x0c, bootable flag) that
starts at 1 MiB and fills the rest of the image. What goes into it depends on
--mode:

  firmware  The Pi firmware starts the kernel itself:
              start4.elf fixup4.dat bcm2711-rpi-4-b.dtb config.txt
              cmdline.txt (the --append string) kernel8.img [initrd.img]
  uboot     The firmware starts U-Boot, which reads extlinux/extlinux.conf:
              start4.elf fixup4.dat bcm2711-rpi-4-b.dtb config.txt
              (kernel=u-boot.bin) u-boot.bin kernel8.img
              extlinux/extlinux.conf [initrd.img]
            QEMU skips the firmware (u-boot.bin is given with -kernel) and
            U-Boot boots the same card, so one image serves both.

No root needed: the partition table is written by sfdisk into the image file,
the file system by mkfs.vfat --offset, and files are copied with mtools.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOT_TEMPLATES = ROOT / "board" / "rpi4" / "boot"
DEFAULT_BOARD_DIR = ROOT / ".cache" / "debs" / "board"

SECTOR = 512
PART_START_SECTOR = 2048  # 1 MiB: erase-block aligned, what Pi OS images use
PART_TYPE = "c"  # W95 FAT32 (LBA)
VOLUME_LABEL = "TINEBOOT"
DISK_ID = 0x74696E65  # MBR disk signature; PARTUUID becomes 74696e65-01

# Names on the card. The firmware looks the DTB up by this name (config.txt
# device_tree=); U-Boot finds it the same way if asked for fdtdir.
DTB_NAME = "bcm2711-rpi-4-b.dtb"
KERNEL_NAME = "kernel8.img"
UBOOT_NAME = "u-boot.bin"
INITRD_NAME = "initrd.img"


class BuildError(Exception):
    pass


def run(cmd, stdin=None):
    env = dict(os.environ)
    # The image is a plain file, not a floppy: skip mtools' geometry checks.
    env["MTOOLS_SKIP_CHECK"] = "1"
    try:
        res = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                             env=env, check=False)
    except FileNotFoundError:
        raise BuildError(f"{cmd[0]} not found (Debian packages: mtools, dosfstools, "
                         "fdisk; tools/setup.sh installs them)") from None
    if res.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} failed ({res.returncode}):\n"
                         f"{res.stdout}{res.stderr}")
    return res.stdout


def find_tool(name):
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]:
        p = Path(d) / name
        if d and p.is_file() and os.access(p, os.X_OK):
            return str(p)
    raise BuildError(f"{name} not found (it lives in /usr/sbin on Debian)")


def fill_template(text, fields):
    """Replaces @NAME@ fields; drops lines that held only an empty field."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        replaced = line
        for key, value in fields.items():
            replaced = replaced.replace(f"@{key}@", value)
        if "@" in replaced and any(f"@{k}@" in replaced for k in fields):
            raise BuildError(f"template field left unfilled: {line!r}")
        if stripped.startswith("@") and stripped.endswith("@") and not replaced.strip():
            continue
        out.append(replaced)
    return "\n".join(out) + "\n"


def config_txt(mode, initrd):
    src = (BOOT_TEMPLATES / "config.txt").read_text()
    lines = src.splitlines()
    kernel_lines = [i for i, l in enumerate(lines) if l.startswith("kernel=")]
    if len(kernel_lines) != 1:
        raise BuildError("board/rpi4/boot/config.txt must have exactly one kernel= line")
    i = kernel_lines[0]
    if mode == "uboot":
        lines[i] = f"kernel={UBOOT_NAME}"
        lines.insert(i, "# (sdimage --mode uboot) U-Boot takes over from the firmware "
                        "and boots extlinux/extlinux.conf.")
    if initrd and mode == "firmware":
        lines += ["# (sdimage --initrd) Load the initramfs right after the kernel; the",
                  "# firmware puts its range into /chosen/linux,initrd-start/-end.",
                  f"initramfs {INITRD_NAME} followkernel"]
    return "\n".join(lines) + "\n"


def extlinux_conf(append, initrd, fdt):
    src = (BOOT_TEMPLATES / "extlinux.conf.in").read_text()
    fdt_line = {"firmware": "", "file": f"fdt /{DTB_NAME}", "dir": "fdtdir /"}[fdt]
    return fill_template(src, {
        "FDT": fdt_line,
        "APPEND": f"append {append}" if append else "",
        "INITRD": f"initrd /{INITRD_NAME}" if initrd else "",
    })


def data_extents(path):
    """(start, end) byte ranges of a file that hold data, holes left out."""
    size = path.stat().st_size
    extents = []
    with open(path, "rb") as f:
        fd = f.fileno()
        pos = 0
        try:
            while pos < size:
                try:
                    start = os.lseek(fd, pos, os.SEEK_DATA)
                except OSError:  # ENXIO: no data after pos
                    break
                end = os.lseek(fd, start, os.SEEK_HOLE)
                extents.append((start, end))
                pos = end
        except (AttributeError, OSError):
            # No hole reporting here: call all of it data (correct, only slower).
            extents = [(0, size)]
    return extents


def write_bmap(image, bmap_path, block=4096):
    """Writes a bmap (format 2.0) so that bmaptool copies only the blocks the
    build wrote. Mapped means written, not non-zero: the FATs and the files'
    zero-filled pages must reach the card too, or a used card keeps its old
    bytes there. The image was made sparse (truncate), so its holes are
    exactly the blocks nothing wrote."""
    size = image.stat().st_size
    nblocks = (size + block - 1) // block
    spans = []
    for start, end in data_extents(image):
        first, last = start // block, (end - 1) // block
        if spans and first <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    ranges = []
    with open(image, "rb") as f:
        for first, last in spans:
            digest = hashlib.sha256()
            f.seek(first * block)
            left = min((last + 1) * block, size) - first * block
            while left:
                chunk = f.read(min(left, 1 << 20))
                digest.update(chunk)
                left -= len(chunk)
            ranges.append((first, last, digest.hexdigest()))
    mapped = sum(e - s + 1 for s, e, _ in ranges)
    body = ['<?xml version="1.0" ?>',
            "<!-- Block map for bmaptool: the blocks of the image that were written. -->",
            '<bmap version="2.0">',
            f"    <ImageSize> {size} </ImageSize>",
            f"    <BlockSize> {block} </BlockSize>",
            f"    <BlocksCount> {nblocks} </BlocksCount>",
            f"    <MappedBlocksCount> {mapped} </MappedBlocksCount>",
            "    <ChecksumType> sha256 </ChecksumType>",
            "    <BmapFileChecksum> @SUM@ </BmapFileChecksum>",
            "    <BlockMap>"]
    for s, e, h in ranges:
        span = f"{s}" if s == e else f"{s}-{e}"
        body.append(f'        <Range chksum="{h}"> {span} </Range>')
    body += ["    </BlockMap>", "</bmap>", ""]
    text = "\n".join(body)
    # The file's own checksum is taken with the field set to zeros.
    zeroed = text.replace("@SUM@", "0" * 64)
    text = text.replace("@SUM@", hashlib.sha256(zeroed.encode()).hexdigest())
    bmap_path.write_text(text)
    return mapped * block


def build(args):
    board = Path(args.board_dir)
    kernel = Path(args.kernel)
    dtb = Path(args.dtb) if args.dtb else board / DTB_NAME
    uboot = Path(args.uboot) if args.uboot else board / "u-boot-rpi4.bin"
    start_elf = Path(args.firmware_dir or board) / "start4.elf"
    fixup = Path(args.firmware_dir or board) / "fixup4.dat"
    initrd = Path(args.initrd) if args.initrd else None

    # (path on card, source file or text)
    files = [("start4.elf", start_elf), ("fixup4.dat", fixup), (DTB_NAME, dtb),
             (KERNEL_NAME, kernel)]
    if args.mode == "uboot":
        files.append((UBOOT_NAME, uboot))
    if initrd:
        files.append((INITRD_NAME, initrd))
    if args.mode == "uboot" and args.fdt == "dir":
        # fdtdir / looks for /${fdtfile}, which U-Boot's Pi board code sets to
        # broadcom/<dtb> on arm64.
        files.append((f"broadcom/{DTB_NAME}", dtb))
    for _, src in files:
        if not src.is_file():
            hint = (" (run tools/setup.sh, or pass --board-dir)"
                    if src.parent == board else "")
            raise BuildError(f"missing input: {src}{hint}")
    if kernel.stat().st_size == 0:
        raise BuildError(f"{kernel} is empty")

    texts = [("config.txt", config_txt(args.mode, initrd))]
    if args.mode == "firmware":
        texts.append(("cmdline.txt", (args.append or "") + "\n"))
    else:
        texts.append(("extlinux/extlinux.conf",
                      extlinux_conf(args.append, initrd, args.fdt)))

    size = args.size_mib * 1024 * 1024
    part_sectors = size // SECTOR - PART_START_SECTOR
    # FAT32 needs at least 65525 clusters; mkfs.vfat picks 512-byte clusters
    # below 260 MiB, so the partition must hold 65525 sectors plus FATs.
    if part_sectors < 70000:
        raise BuildError("--size-mib must be at least 36 (FAT32 needs 65525 clusters)")
    payload = sum(src.stat().st_size for _, src in files) + sum(len(t) for _, t in texts)
    if payload + 2 * 1024 * 1024 > part_sectors * SECTOR:
        raise BuildError(f"{payload} bytes of files do not fit in a {args.size_mib} MiB "
                         "image; raise --size-mib")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_img = out.with_name(out.name + ".part")
    sfdisk, mkfs = find_tool("sfdisk"), find_tool("mkfs.vfat")
    with tempfile.TemporaryDirectory(prefix="sdimage.") as tdir:
        stage = Path(tdir)
        with open(tmp_img, "wb") as f:
            f.truncate(size)
        try:
            run([sfdisk, "--no-reread", "--no-tell-kernel", "--quiet", str(tmp_img)],
                stdin=(f"label: dos\nlabel-id: 0x{DISK_ID:08x}\nunit: sectors\n"
                       f"start={PART_START_SECTOR}, size={part_sectors}, "
                       f"type={PART_TYPE}, bootable\n"))
            # -h: hidden sectors = partition start, as a real disk would have it.
            run([mkfs, "-F", "32", "-n", VOLUME_LABEL, f"--offset={PART_START_SECTOR}",
                 "-h", str(PART_START_SECTOR), str(tmp_img),
                 str(part_sectors * SECTOR // 1024)])
            fs = f"{tmp_img}@@{PART_START_SECTOR * SECTOR}"
            dirs = sorted({str(Path(n).parent) for n, _ in texts + files} - {"."})
            for d in dirs:
                run(["mmd", "-i", fs, f"::/{d}"])
            for name, text in texts:
                p = stage / name
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text)
                files.append((name, p))
            for name, src in files:
                run(["mcopy", "-m", "-i", fs, str(src), f"::/{name}"])
            # Read every file back and compare: catches a short write or a
            # file system that mtools and mkfs.vfat disagree about.
            back = stage / "readback"
            back.mkdir()
            for name, src in files:
                dst = back / name.replace("/", "_")
                run(["mcopy", "-n", "-i", fs, f"::/{name}", str(dst)])
                if dst.read_bytes() != src.read_bytes():
                    raise BuildError(f"{name} reads back different from {src}")
            listing = run(["mdir", "-/", "-i", fs, "::/"])
            os.replace(tmp_img, out)
        finally:
            if tmp_img.exists():
                tmp_img.unlink()
        if args.bmap:
            mapped = write_bmap(out, Path(str(out) + ".bmap"))
        if not args.quiet:
            print(f"sdimage: {out} ({args.size_mib} MiB, mode {args.mode}, FAT32 "
                  f"partition at {PART_START_SECTOR * SECTOR // 1024} KiB)")
            for name, src in files:
                if str(src).startswith(tdir):
                    print(f"  {name:24} {src.stat().st_size:>9}  (generated)")
                else:
                    print(f"  {name:24} {src.stat().st_size:>9}  {src}")
            free = [l for l in listing.splitlines() if "bytes free" in l]
            if free:
                print("  " + free[-1].strip())
            if args.bmap:
                print(f"  {out}.bmap: {mapped // 1024} KiB mapped")
            if args.verbose:
                for name, _ in texts:
                    print(f"--- {name}")
                    print((stage / name).read_text(), end="")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Build an SD card image (MBR + FAT32) that boots tine on a "
                    "Raspberry Pi 4 or on QEMU raspi4b.")
    ap.add_argument("--out", required=True, help="image file to write")
    ap.add_argument("--kernel", default=str(ROOT / "build" / "kernel" / KERNEL_NAME),
                    help="kernel image (default: build/kernel/kernel8.img)")
    ap.add_argument("--mode", choices=("firmware", "uboot"), default="uboot",
                    help="who starts the kernel: the Pi firmware directly, or U-Boot "
                         "via extlinux (default: uboot; boots on QEMU and on a Pi)")
    ap.add_argument("--append", default="", help="kernel command line")
    ap.add_argument("--initrd", help="initramfs (cpio newc) to load with the kernel")
    ap.add_argument("--size-mib", type=int, default=64, help="image size (default 64)")
    ap.add_argument("--board-dir", default=str(DEFAULT_BOARD_DIR),
                    help="where bcm2711-rpi-4-b.dtb, u-boot-rpi4.bin, start4.elf and "
                         "fixup4.dat are (default: .cache/debs/board)")
    ap.add_argument("--dtb", help="device tree (default: BOARD_DIR/bcm2711-rpi-4-b.dtb)")
    ap.add_argument("--uboot", help="U-Boot binary (default: BOARD_DIR/u-boot-rpi4.bin)")
    ap.add_argument("--firmware-dir", help="where start4.elf and fixup4.dat are "
                                           "(default: BOARD_DIR)")
    ap.add_argument("--fdt", choices=("firmware", "file", "dir"), default="firmware",
                    help="uboot mode: which device tree U-Boot passes on: the one it was "
                         "started with (default), /bcm2711-rpi-4-b.dtb from the card "
                         "(fdt), or the one fdtdir finds")
    ap.add_argument("--bmap", action="store_true", help="also write OUT.bmap for bmaptool")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the generated config files")
    args = ap.parse_args(argv)
    if args.fdt != "firmware" and args.mode != "uboot":
        ap.error("--fdt applies to --mode uboot only")
    if "\n" in args.append:
        ap.error("--append must be one line")
    try:
        build(args)
    except BuildError as e:
        print(f"sdimage: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
