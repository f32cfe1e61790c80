"""Named, versioned studies: each file of configs/experiment/ is a Hydra experiment config of the
sweep (``sim-sweep experiment=NAME``), and top-level experiments/NAME/ holds its README (with the
command) and its committed results, of the same version."""

import json
from pathlib import Path

import pytest
import yaml

from sim.scenario.compose import CONFIG_DIR, compose_dict

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = sorted(p.stem for p in (Path(CONFIG_DIR) / "experiment").glob("*.yaml"))


def test_the_sweep_composes_an_experiment_last():
    defaults = yaml.safe_load((Path(CONFIG_DIR) / "sweep.yaml").read_text())["defaults"]
    groups = [d for d in defaults if isinstance(d, dict) and not any("override" in k for k in d)]
    assert groups[-1] == {"experiment": None}
    assert "study" not in compose_dict([], "sweep")


def test_the_stylized_facts_study_is_shipped():
    assert "stylized_facts" in EXPERIMENTS


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_is_a_documented_study_with_results(name):
    path = Path(CONFIG_DIR) / "experiment" / f"{name}.yaml"
    assert path.read_text().splitlines()[0] == "# @package _global_"
    cfg = compose_dict([f"experiment={name}"], "sweep")
    study = cfg["study"]
    assert study["name"] == name and isinstance(study["version"], int)
    folder = ROOT / "experiments" / name
    readme = (folder / "README.md").read_text()
    assert f"sim-sweep experiment={name}" in readme
    summaries = [json.loads(p.read_text()) for p in (folder / "results").glob("*.json")]
    assert any(
        s.get("study") == name and s.get("study_version") == study["version"] for s in summaries
    ), "results/ holds no JSON summary of this study and version"
    assert (folder / "results" / "table.md").is_file()
