"""The cross tool prefix (aarch64-linux-gnu-, aarch64-none-elf-, ...) for scripts
that run binutils on a kernel build: the one that build was configured with
(TINE_CROSS in its CMakeCache.txt), else the choice cmake/aarch64-tine.cmake
would make (TINE_CROSS, else aarch64-none-elf- when on PATH, else Debian's)."""
import os
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent


def prefix(build=ROOT / "build/kernel"):
    cache = pathlib.Path(build) / "CMakeCache.txt"
    if cache.exists():
        for line in cache.read_text().splitlines():
            if line.startswith("TINE_CROSS:"):
                return line.partition("=")[2]
    if os.environ.get("TINE_CROSS"):
        return os.environ["TINE_CROSS"]
    if shutil.which("aarch64-none-elf-gcc"):
        return "aarch64-none-elf-"
    return "aarch64-linux-gnu-"


def tool(name, build=ROOT / "build/kernel"):
    """e.g. tool("nm") -> "aarch64-linux-gnu-nm"."""
    return prefix(build) + name
