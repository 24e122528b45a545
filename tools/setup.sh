#!/usr/bin/env bash
# Installs what building, running, testing and proving tine needs on Debian 12.
# Idempotent: a second run on a ready machine only checks and returns.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/.cache"
mkdir -p "$cache"

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo "$@"; else
      echo "setup: need root for: $*" >&2; exit 1; fi
  else "$@"; fi
}

host_tools=(cmake ninja-build g++ gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
  binutils-aarch64-linux-gnu gdb-multiarch device-tree-compiler u-boot-tools mtools
  dosfstools fdisk cpio python3 python3-matplotlib qemu-user libgtest-dev frama-c-base why3 cvc4
  spin clang-format clang-tidy)

missing=()
for p in "${host_tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
qemu_ok() {
  command -v qemu-system-aarch64 >/dev/null &&
    qemu-system-aarch64 -machine help 2>/dev/null | grep -q '^raspi4b'
}
arm64_ok() { dpkg --print-foreign-architectures | grep -qx arm64; }
sources_ok() { [ -f /etc/apt/sources.list.d/tine.sources ]; }

if [ ${#missing[@]} -eq 0 ] && qemu_ok && arm64_ok && sources_ok &&
   [ -f "$cache/debs/.done" ] && [ -f "$cache/busybox/.done" ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! sources_ok; then
  # bookworm-backports has QEMU 10 (raspi4b); non-free-firmware has the Pi firmware.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  need_root tee /etc/apt/sources.list.d/tine.sources >/dev/null <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $mirror
Suites: bookworm
Components: non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
arm64_ok || need_root dpkg --add-architecture arm64
# Unreachable third-party sources must not stop us; the install below checks the result.
need_root apt-get update -q || true
if [ ${#missing[@]} -gt 0 ]; then
  need_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! qemu_ok; then
  need_root apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-system-arm
fi
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1 || true

# Board files come from Debian's arm64 packages, unpacked into the ignored cache.
if [ ! -f "$cache/debs/.done" ]; then
  rm -rf "$cache/debs"; mkdir -p "$cache/debs"
  (
    cd "$cache/debs"
    kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
      awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$kpkg" ] || kpkg=linux-image-6.1.0-56-arm64
    chmod 777 . # apt's sandbox user writes the downloads
    apt-get download -q "${kpkg%:arm64}:arm64" u-boot-rpi:arm64 raspi-firmware
    for d in *.deb; do dpkg-deb -x "$d" root; done
    dtb=$(find root -name bcm2711-rpi-4-b.dtb | head -n1)
    ub=$(find root -path '*rpi_4/u-boot.bin' | head -n1)
    fw=$(find root -name start4.elf | head -n1)
    mkdir -p board
    cp "$dtb" board/bcm2711-rpi-4-b.dtb
    cp "$ub" board/u-boot-rpi4.bin
    cp "$(dirname "$fw")"/start4.elf "$(dirname "$fw")"/fixup4.dat board/
    rm -rf root ./*.deb
    touch .done
  )
fi
# Debian's static busybox for the busybox initramfs (tools/busybox_initramfs.py):
# only the binary is kept, in its own folder with its own marker.
if [ ! -f "$cache/busybox/.done" ]; then
  rm -rf "$cache/busybox"; mkdir -p "$cache/busybox"
  (
    cd "$cache/busybox"
    chmod 777 . # apt's sandbox user writes the download
    apt-get download -q busybox-static:arm64
    dpkg-deb -x busybox-static_*.deb root
    mkdir -p bin
    cp root/bin/busybox bin/busybox
    rm -rf root ./*.deb
    touch .done
  )
fi
qemu_ok || { echo "setup: qemu-system-aarch64 with raspi4b is missing" >&2; exit 1; }
