"""Same config and seed, same bytes; another seed, another run."""

import hashlib
import sys
from pathlib import Path

from test_cli import sim_run

FILES = ("steps.parquet", "decisions.parquet", "events.parquet", "summary.json")


def digests(folder: Path) -> dict:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    runs = {}
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        proc = sim_run(f"seed={seed}", "outputs.figures=false", out=tmp_path / name)
        assert proc.returncode == 0, proc.stderr
        runs[name] = digests(tmp_path / name)
    assert runs["a"] == runs["b"]
    assert runs["a"]["steps.parquet"] != runs["c"]["steps.parquet"]
    assert sys.executable  # the runs above used this interpreter
