"""The built wheel runs from any folder: the configs travel inside it (``sim.conf``), so an
installed ``sim-run`` and ``sim-sweep`` find them without the source tree."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from the source tree, unpacked into a folder of its own (as pip would
    install it into site-packages)."""
    out = tmp_path_factory.mktemp("wheel")
    build = (
        "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", build, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = out / proc.stdout.strip().splitlines()[-1]
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def run(site: Path, cwd: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "CI": "true", "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_wheel_holds_every_config(installed):
    shipped = {p.relative_to(ROOT / "configs") for p in (ROOT / "configs").rglob("*.yaml")}
    packed = {p.relative_to(installed / "sim" / "conf") for p in installed.rglob("conf/**/*.yaml")}
    assert shipped and shipped == packed


def test_installed_package_runs_from_another_folder(installed, tmp_path):
    where = run(installed, tmp_path, "-c", "import sim; print(sim.__file__)")
    assert where.stdout.startswith(str(installed)), where.stdout + where.stderr
    compose = run(installed, tmp_path, "-c", "import sim; print(sim.compose(['seed=3']).seed)")
    assert compose.stdout.strip() == "3", compose.stderr
    one = run(installed, tmp_path, "-m", "sim.cli.run", "seed=3", "hydra.run.dir=one")
    assert one.returncode == 0, one.stderr
    assert json.loads((tmp_path / "one" / "summary.json").read_text())["seed"] == 3
    sweep = run(
        installed, tmp_path, "-m", "sim.cli.sweep", "design=lhs", "design.n=5",
        "executor=serial", "hydra.run.dir=lhs",
    )  # fmt: skip
    assert sweep.returncode == 0, sweep.stderr
    manifest = json.loads((tmp_path / "lhs" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"]["done"] == 5
