"""The layers of the package (``[tool.importlinter]`` in pyproject.toml): the contracts hold on
the source, and they fail when a forbidden import is planted in a copy of it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_contracts_hold(copy):
    proc = lint(copy)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        ("core/world.py", "import sim.engine.kernels", "Layers"),
        ("core/payoffs.py", "import sim.abm.model", "Layers"),
        ("core/actions.py", "import numba", "core) import neither"),
        ("scenario/compose.py", "import sim.sweeps.store", "Layers"),
    ],
)
def test_a_planted_import_breaks_a_contract(copy, module, planted, broken):
    path = copy / "sim" / module
    path.write_text(path.read_text() + f"\n{planted}  # planted by the test\n")
    proc = lint(copy)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout and broken in proc.stdout.split("Broken contracts")[1]
