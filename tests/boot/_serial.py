"""Talking to the kernel over QEMU's serial line (stdio), for the interactive tests."""
import os
import select
import time


def wait_for(proc, buf, text, timeout):
    """Reads proc's output into buf[0] until `text` shows up; False on timeout or EOF."""
    end = time.monotonic() + timeout
    while text not in buf[0]:
        left = end - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([proc.stdout], [], [], left)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return text in buf[0]
            buf[0] += chunk.decode("utf-8", "replace")
    return True
