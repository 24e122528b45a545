"""Runs of a tool that share a folder take turns: each holds the folder's
.lock (flock) from when it starts until its process ends."""
import fcntl

_held = []  # the open lock files: closing one would let the next run in


def take_turn(folder, who):
    """Waits (saying so) while another process holds folder/.lock, then holds
    it until this process ends."""
    lock = open(folder / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"{who}: another run holds {folder / '.lock'}; waiting for it", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    _held.append(lock)
