"""`make run`: the development server and a background worker (`manage.py db_worker`) side by side.

The worker runs the queued jobs (imports, large exports…). It is started first, in its own process
group, and stopped whenever the server stops — Ctrl+C, an error, or the terminal closing — so no worker
is left behind.

    python scripts/run_dev.py [HOST:PORT]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def stop(process: subprocess.Popen, *, grace: float = 10) -> None:
    """Ask a child and its own children (runserver's reloader, the worker's) to stop, then make sure."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main() -> int:
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"
    # Each child leads its own process group, so stopping it stops its reloader's child as well.
    worker = subprocess.Popen([*MANAGE, "db_worker", "--interval", "1"], cwd=ROOT, start_new_session=True)
    print(f"Background worker started (pid {worker.pid}); it stops with the server.", flush=True)
    server = subprocess.Popen([*MANAGE, "runserver", address], cwd=ROOT, start_new_session=True)
    # Ctrl+C reaches only this script (the children have their own groups); SIGTERM/SIGHUP (make killed,
    # terminal closed) end it the same way.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(server, grace=5)
        stop(worker)


if __name__ == "__main__":
    sys.exit(main())
