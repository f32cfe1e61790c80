"""What a results folder may become: the checks made before a command writes anything.

A run's folder holds one run's result (``summary.json`` marks it whole); a sweep's folder holds
one sweep (``manifest.json``). Neither command writes into the other's folder, under a file or
where it cannot write, and ``sim-run`` replaces a result of another configuration only when
asked to (``overwrite=true``). Each check returns the reason in a few words, or None.
"""

import json
import os
import tempfile
from pathlib import Path

from sim.outputs.atomic import SUMMARY

MANIFEST = "manifest.json"


def unwritable(path) -> str | None:
    """Why ``path`` cannot be made a folder and written into: it or a parent is a file, or the
    nearest existing parent cannot be written."""
    path = Path(path).absolute()
    for parent in (path, *path.parents):
        if parent.exists():
            if not parent.is_dir():
                return f"{parent} is a file, not a folder"
            return None if _can_write(parent) else f"cannot write into {parent} (permission denied)"
    return None  # pragma: no cover - the root exists


def _can_write(folder: Path) -> bool:
    """Whether a folder can be made in ``folder``: tried, as the permission bits do not tell
    (root ignores them; a read-only or immutable folder refuses even root)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".probe-", dir=folder))
    except OSError:
        return False
    return True


def run_folder_problem(path, config_hash: str, overwrite: bool) -> str | None:
    """Why ``sim-run`` may not write its result into ``path``."""
    path = Path(path)
    problem = unwritable(path)
    if problem is not None or not path.is_dir():
        return problem
    if (path / MANIFEST).exists():
        return "holds a sweep (manifest.json): choose another folder for a run"
    summary = path / SUMMARY
    if summary.exists() and not overwrite:
        try:
            held = json.loads(summary.read_text()).get("config_hash")
        except (OSError, ValueError, AttributeError):
            held = None
        if held != config_hash:
            what = f"config_hash {held[:12]}" if isinstance(held, str) else "an unreadable summary"
            return (
                f"holds the result of another configuration ({what}): choose another folder "
                "or add overwrite=true to replace it"
            )
    return None


def sweep_folder_problem(path) -> str | None:
    """Why ``sim-sweep`` may not write a sweep into ``path``."""
    path = Path(path)
    problem = unwritable(path)
    if problem is not None or not path.is_dir():
        return problem
    if (path / SUMMARY).exists() and not (path / MANIFEST).exists():
        return "holds the result of a sim-run (summary.json): choose another folder for a sweep"
    return None
