"""An exclusive lock on a sweep folder: one sweep writes into a folder at a time.

Two sweeps into one folder used to both finish and report success with duplicated and missing
runs (issue 13). The lock is an ``fcntl.flock`` on ``sweep.lock`` in the folder, held for the
whole session: the kernel releases it when the process ends, however it ends, so a lock left by
a killed sweep is stale by construction and the next sweep takes it over. The file records the
holder's pid and host so that a refused sweep can name it. (``flock`` is reliable on local
file systems; on NFS use one folder per machine.)
"""

import fcntl
import json
import os
import socket
from pathlib import Path

from sim.errors import ConfigError

LOCK_FILE = "sweep.lock"


def _holder(path: Path) -> dict:
    try:
        return json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}


class FolderLock:
    """``with FolderLock(folder):`` holds the folder or raises ``ConfigError`` (exit 2) naming
    the sweep that holds it. ``stale`` is the record of a previous holder that died with the
    lock file in place (taken over), or None."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK_FILE
        self.fd: int | None = None
        self.stale: dict | None = None

    def __enter__(self) -> "FolderLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            who = _holder(self.path)
            raise ConfigError(
                "hydra.run.dir",
                str(self.path.parent),
                f"another sweep is writing into this folder (pid {who.get('pid', '?')} on "
                f"{who.get('host', '?')}); wait for it to finish or choose another folder",
            ) from None
        previous = _holder(self.path)
        self.stale = previous or None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode())
        os.fsync(fd)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)  # an empty file: no holder (the next sweep sees no stale one)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
