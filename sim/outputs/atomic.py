"""Writes that leave only whole files: a folder holds a whole result or none.

Two forms, one rule (write under a hidden name in the same folder, then ``os.replace``):

- :func:`atomic_write_bytes`, :func:`atomic_write_json`, :func:`atomic_write_table` for one file
  (a sweep's manifest, parts, design);
- :class:`StagedResult` for a run's folder: tables and figures go to a hidden staging folder and
  are moved into place at the end, ``summary.json`` last, so that its presence marks a whole
  result (``sim-run``, a game's run).
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SUMMARY = "summary.json"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_json(path: Path, payload: dict) -> None:
    text = json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n"
    atomic_write_bytes(path, text.encode())


def atomic_write_table(path: Path, table: pa.Table) -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    pq.write_table(table, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


class StagedResult:
    """A run's result folder, written through a hidden staging folder inside it.

    ``with StagedResult(out_dir) as result:`` then ``result.path(name)`` for each file to write
    and ``result.commit(summary)`` at the end; leaving the block without a commit (an error)
    leaves the folder as it was, less nothing. A commit replaces the whole result: what an
    earlier run wrote there (:attr:`OWNED`: tables, ``figures/``, ``.hydra/``, a log) and this
    one does not is removed, so that no old figure sits beside new tables."""

    OWNED = ("steps.parquet", "decisions.parquet", "events.parquet", "figures", ".hydra", "run.log")

    def __init__(self, out_dir):
        self.out_dir = Path(out_dir)
        self.names: list[str] = []
        self.staging: Path | None = None

    def __enter__(self) -> "StagedResult":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=self.out_dir))
        return self

    def path(self, name: str) -> Path:
        """Where to write the result file ``name`` (a relative path, such as figures/a.png)."""
        target = self.staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        self.names.append(name)
        return target

    def write_table(self, name: str, table: pa.Table) -> None:
        pq.write_table(table, self.path(name))

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8")

    def commit(self, summary: dict) -> None:
        """Write ``summary.json`` and move every file into place, the summary last (it is
        removed first: until it is back, the folder holds no result)."""
        (self.staging / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n")
        (self.out_dir / SUMMARY).unlink(missing_ok=True)
        for owned in self.OWNED:
            old = self.out_dir / owned
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            elif old.exists() or old.is_symlink():
                old.unlink()
        for name in [*self.names, SUMMARY]:
            (self.out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / name, self.out_dir / name)

    def __exit__(self, *exc) -> bool:
        shutil.rmtree(self.staging, ignore_errors=True)
        return False
