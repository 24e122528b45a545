#!/usr/bin/env python3
"""Draws one run of tools/bench.py beside Linux's figures: bench.svg and bench.png.

Every tine figure comes from the run (the bench.json that `./tine bench --plot`
writes); every Linux figure from the tables in tools/bench.py and
tests/user/_benchlib.py (design.md's measurements of Debian's arm64 6.1 kernel).
Three panels:
  - instructions per round trip for each benchmark with a Linux figure (log scale);
  - fork + exit + wait4 against the memory the parent touched (0, 16, 64 MiB);
  - fork throughput against the number of workers (1, 2, 4), wall time.

  tools/bench_plot.py [BENCH_JSON] [--out DIR]   (default: docs/bench.json, docs/)
"""
import argparse
import json
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests/user"))

TINE = "#1f77b4"
TINE_COPY = "#8fb8dc"
LINUX = "#e6550d"

# Round trips of the first panel: (part of the run, name, label). The Linux
# figure is looked up in the tables (raw program where there is one, else libc).
ROUND_TRIPS = [
    ("proc", "user_getpid", "getpid"),
    ("proc", "user_sched_yield", "sched_yield"),
    ("proc", "user_fork_raw_exit_wait", "fork + exit + wait4"),
    ("proc", "user_clone_fork_exit_wait", "clone(SIGCHLD) + exit + wait4"),
    ("proc", "user_vfork_exit_wait", "vfork + exit + wait4"),
    ("proc", "user_pipe_pingpong", "pipe ping-pong, 1 byte each way"),
    ("proc", "user_lwp_create_exit_join_sleep", "lwp_create + exit + join"),
    ("fork", "user_fork_cow_16MiB_share_tables", "fork, child writes 16 MiB (4,096 COW)"),
    ("fork", "user_cow_fault_per_page_share_tables", "  the same per COW fault"),
    ("sched", "sched_yield_alone", "in-kernel: yield, nothing else runnable"),
    ("sched", "sched_wakeup_local_roundtrip", "in-kernel: wakeup round trip"),
    ("sched", "sched_thread_create_join", "in-kernel: thread create + exit + join"),
]
MIB = (0, 16, 64)


def linux_figures():
    """{(part, name): (figure, "raw" | "libc")} from the bench tables."""
    import bench
    import _benchlib
    lx = {}
    for name, _, raw, libc in bench.PROC_ROWS:
        if raw:
            lx[("proc", name)] = (raw, "raw")
        elif libc:
            lx[("proc", name)] = (libc, "libc")
    for name, _, raw in _benchlib.ROWS:
        if raw:
            lx[("fork", name)] = (raw, "raw")
    raws = {raw for _, _, raw, _ in bench.PROC_ROWS if raw}
    for name, _, figure in bench.SCHED_ROWS:
        if figure:
            # the nearest user-level figure (sched_yield, pipe ping-pong, thread c+j)
            lx[("sched", name)] = (figure, "raw" if figure in raws else "libc")
    return lx, dict(bench.LINUX_TPUT)


def tine_value(run, part, name):
    v = run.get(part, {}).get(name)
    if isinstance(v, list):  # sched: [value, unit]
        v = v[0]
    return v


def fmt(v):
    if v >= 1e6:
        return f"{v / 1e6:.1f} M"
    return f"{v:,.0f}"


def panel_round_trips(ax, run, lx):
    rows = []
    for part, name, label in ROUND_TRIPS:
        t = tine_value(run, part, name)
        if t is None or (part, name) not in lx:
            continue
        rows.append((label, t, *lx[(part, name)], part == "sched"))
    if not rows:
        ax.set_visible(False)
        return
    h = 0.38
    ys = list(range(len(rows)))
    for y, (label, t, linux, kind, in_kernel) in zip(ys, rows):
        ax.barh(y - h / 2, t, h, color=TINE)
        ax.barh(y + h / 2, linux, h, color=LINUX if kind == "raw" else "white",
                edgecolor=LINUX, hatch=None if kind == "raw" else "////")
        ax.text(t * 1.08, y - h / 2, fmt(t), va="center", fontsize=8)
        ratio = "" if in_kernel else f"  ({linux / t:,.0f}x)"
        ax.text(linux * 1.08, y + h / 2, fmt(linux) + ratio, va="center", fontsize=8,
                color="#7a2a00")
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=9)
    ax.invert_yaxis()
    first_kernel = next((i for i, r in enumerate(rows) if r[4]), None)
    if first_kernel is not None:
        ax.axhline(first_kernel - 0.5, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlim(40, max(max(r[1], r[2]) for r in rows) * 8)
    ax.set_xlabel("guest instructions per round trip (QEMU -icount shift=0), log scale")
    ax.grid(axis="x", which="major", color="#dddddd")
    ax.set_axisbelow(True)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=TINE, label="tine (release kernel)"),
                       Patch(color=LINUX, label="Linux 6.1, raw program"),
                       Patch(facecolor="white", edgecolor=LINUX, hatch="////",
                             label="Linux 6.1, through libc")],
              loc="lower right", fontsize=8)
    title = "Round trips, tine beside Linux (x: Linux / tine)"
    if first_kernel is not None:
        title += "\nbelow the dotted line: tine's in-kernel benchmark beside Linux's nearest " \
                 "user-level figure"
    ax.set_title(title, fontsize=10)


def panel_fork_memory(ax, run, lx):
    fork = run.get("fork", {})
    lines = [("tine, page tables shared", TINE, "o", "-",
              [fork.get(f"user_fork_exit_wait_{m}MiB_share_tables") for m in MIB]),
             ("tine, per-PTE copy", TINE_COPY, "s", "--",
              [fork.get(f"user_fork_exit_wait_{m}MiB_copy_ptes") for m in MIB]),
             ("Linux 6.1, raw program", LINUX, "^", "-",
              [lx.get(("fork", f"user_fork_exit_wait_{m}MiB_share_tables"), (None,))[0]
               for m in MIB])]
    drawn = False
    for label, color, marker, style, ys in lines:
        pts = [(m, y) for m, y in zip(MIB, ys) if y is not None]
        if not pts or (label.startswith("tine") and not fork):
            continue
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, ls=style, color=color,
                label=label)
        below = label == "tine, page tables shared"  # under its line, clear of the copy's
        for m, y in pts:
            ax.annotate(fmt(y), (m, y), textcoords="offset points",
                        xytext=(4, -12 if below else 5), fontsize=8,
                        color=color if color != TINE_COPY else "#4a7aa8")
        drawn = True
    if not drawn:
        ax.set_visible(False)
        return
    ax.set_yscale("log")
    ax.set_xticks(MIB, [f"{m} MiB" for m in MIB])
    ax.set_xlim(-4, 84)
    ax.set_xlabel("memory the parent touched before fork")
    ax.set_ylabel("guest instructions, log scale")
    ax.set_title("fork + exit + wait4 against touched memory", fontsize=10)
    ax.grid(which="major", color="#dddddd")
    ax.legend(fontsize=8, loc="center right")


def panel_tput(ax, run, linux_tput):
    tput = {int(w): r for w, r in run.get("tput", {}).items()}
    if not tput:
        ax.set_visible(False)
        return
    workers = sorted(set(tput) | set(linux_tput))
    xs = range(len(workers))
    w = 0.38
    for x, n in zip(xs, workers):
        if n in tput:
            ax.bar(x - w / 2, tput[n], w, color=TINE)
            ax.text(x - w / 2, tput[n], f"{tput[n]:,.0f}", ha="center", va="bottom", fontsize=8)
        if n in linux_tput:
            ax.bar(x + w / 2, linux_tput[n], w, color="white", edgecolor=LINUX, hatch="////")
            ax.text(x + w / 2, linux_tput[n], f"{linux_tput[n]:,.1f}", ha="center", va="bottom",
                    fontsize=8, color="#7a2a00")
        else:
            ax.text(x + w / 2, 0, "no Linux\nfigure", ha="center", va="bottom", fontsize=7,
                    color="#7a2a00")
    ax.set_xticks(list(xs), [f"{n} worker{'s' if n > 1 else ''}" for n in workers])
    ax.set_ylabel("forks + exits + waits per second")
    ax.set_title("fork throughput against workers (4 vCPUs)", fontsize=10)
    ax.margins(y=0.3)
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=TINE, label="tine (release kernel)"),
                       Patch(facecolor="white", edgecolor=LINUX, hatch="////",
                             label="Linux 6.1, libc")], fontsize=8, loc="upper right")
    ms = run.get("tput_ms")
    ax.set_xlabel("wall time, no -icount: multi-threaded QEMU on a loaded 2-core host,\n"
                  f"so it varies from run to run{f' ({ms} ms a run)' if ms else ''};\n"
                  "Linux's figures (libc) have no 2-worker run", fontsize=8, color="#444444")


def plot(run, out_dir):
    """Draws run into out_dir/bench.svg and bench.png; returns the paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams["svg.hashsalt"] = "tine"  # the same run draws the same SVG
    plt.rcParams["hatch.linewidth"] = 0.6
    lx, linux_tput = linux_figures()
    fig = plt.figure(figsize=(11, 11), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.35, 1])
    panel_round_trips(fig.add_subplot(grid[0, :]), run, lx)
    panel_fork_memory(fig.add_subplot(grid[1, 0]), run, lx)
    panel_tput(fig.add_subplot(grid[1, 1]), run, linux_tput)
    title = "tine on QEMU raspi4b beside Linux 6.1 (Debian arm64) on the same machine"
    if run.get("quick"):
        title += "  [bench --quick: fewer rounds]"
    fig.suptitle(title, fontsize=12)
    out_dir = pathlib.Path(out_dir)
    paths = [out_dir / "bench.svg", out_dir / "bench.png"]
    fig.savefig(paths[0], metadata={"Date": None, "Creator": None})
    fig.savefig(paths[1], dpi=100, metadata={"Software": None})
    plt.close(fig)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", nargs="?", default=str(ROOT / "docs/bench.json"))
    ap.add_argument("--out", help="folder for bench.svg and bench.png (default: the json's)")
    args = ap.parse_args()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        # Debian's python3-matplotlib (./tine setup) is the system python3's; another
        # python3 first on PATH does not see it.
        system = "/usr/bin/python3"
        if pathlib.Path(system).exists() and pathlib.Path(sys.executable).resolve() != \
                pathlib.Path(system).resolve():
            os.execv(system, [system, __file__, *sys.argv[1:]])
        sys.exit("bench_plot: no matplotlib (./tine setup installs python3-matplotlib)")
    src = pathlib.Path(args.json)
    run = json.loads(src.read_text())
    for path in plot(run, pathlib.Path(args.out) if args.out else src.parent):
        print(f"plot: {path}")


if __name__ == "__main__":
    main()
