#!/usr/bin/env python3
"""Which cross toolchain cmake/aarch64-tine.cmake picks. A folder of links named
aarch64-none-elf-* to Debian's aarch64-linux-gnu-* tools stands in for the Arm
GNU Toolchain; the kernel preset's configure step must choose
  - the prefix given in TINE_CROSS (here a full path);
  - aarch64-none-elf- when its gcc is on PATH and TINE_CROSS is not set;
  - aarch64-linux-gnu- otherwise;
and keep a folder's first choice when it is configured again without TINE_CROSS.
Only configures (no build): a few seconds. Exit status 0 when all hold."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
DEBIAN = "aarch64-linux-gnu-"


def cache(build):
    out = {}
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        if ":" in line and "=" in line and not line.startswith(("//", "#")):
            key, _, value = line.partition("=")
            out[key.split(":")[0]] = value
    # The compiler is not a cache entry when a toolchain file sets it.
    for f in build.glob("CMakeFiles/*/CMakeCCompiler.cmake"):
        for line in f.read_text().splitlines():
            if line.startswith("set(CMAKE_C_COMPILER "):
                out["CMAKE_C_COMPILER"] = line.split('"')[1]
    return out


def configure(build, env):
    r = subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
                        f"-DCMAKE_TOOLCHAIN_FILE={ROOT}/cmake/aarch64-tine.cmake",
                        "-DCMAKE_BUILD_TYPE=Release"], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-2000:], r.stderr[-2000:])
    return r.returncode == 0


def main():
    gcc = shutil.which(DEBIAN + "gcc")
    if not gcc:
        print("toolchain_select: no aarch64-linux-gnu-gcc (./tine setup installs it)")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        links = tmp / "arm-bin"
        links.mkdir()
        for tool in ("gcc", "g++", "cpp", "as", "ld", "ar", "nm", "objcopy", "objdump",
                     "ranlib", "readelf", "strip"):
            real = shutil.which(DEBIAN + tool)
            if real:
                (links / f"aarch64-none-elf-{tool}").symlink_to(real)
        base = {k: v for k, v in os.environ.items() if k != "TINE_CROSS"}
        # PATH without any aarch64-none-elf-gcc, to see Debian's chosen by default.
        plain = os.pathsep.join(d for d in base.get("PATH", "").split(os.pathsep)
                                if d and not (pathlib.Path(d) / "aarch64-none-elf-gcc").exists())
        with_links = f"{links}{os.pathsep}{plain}"
        cases = [
            ("TINE_CROSS names a prefix", {**base, "PATH": plain,
                                           "TINE_CROSS": f"{links}/aarch64-none-elf-"},
             f"{links}/aarch64-none-elf-", f"{links}/aarch64-none-elf-gcc"),
            ("aarch64-none-elf- on PATH", {**base, "PATH": with_links},
             "aarch64-none-elf-", f"{links}/aarch64-none-elf-gcc"),
            ("neither: Debian's", {**base, "PATH": plain}, DEBIAN, None),
        ]
        for i, (what, env, prefix, compiler) in enumerate(cases):
            build = tmp / f"b{i}"
            ok = configure(build, env)
            got = cache(build) if ok else {}
            cc = got.get("CMAKE_C_COMPILER", "")
            ok = (ok and got.get("TINE_CROSS") == prefix
                  and got.get("CMAKE_NM") == prefix + "nm"
                  and (cc == compiler if compiler else pathlib.Path(cc).name == DEBIAN + "gcc"))
            print(f"toolchain_select: {what}: TINE_CROSS={got.get('TINE_CROSS')} "
                  f"gcc={cc}: {'PASS' if ok else 'FAIL'}")
            failures += not ok
        # Configured again with the links gone from PATH, folder b1 keeps aarch64-none-elf-.
        ok = configure(tmp / "b1", {**base, "PATH": plain})
        got = cache(tmp / "b1") if ok else {}
        ok = ok and got.get("TINE_CROSS") == "aarch64-none-elf-" and \
            got.get("CMAKE_C_COMPILER") == f"{links}/aarch64-none-elf-gcc"
        print(f"toolchain_select: a folder keeps its first choice: {'PASS' if ok else 'FAIL'}")
        failures += not ok
    print(f"{4 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
