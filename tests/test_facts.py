"""The article's stylized facts hold for most seeds of jan2020, and the counterfactuals move
them in the direction the theory says."""

import numpy as np
import pytest
from conftest import default_config

from sim.abm.model import run
from sim.outputs.facts import FACTS, iran_dip_depth, release_gain, stylized_facts, wilson_interval
from sim.scenario.build import build_scenario

SEEDS = range(100)
THRESHOLD = 0.8  # each fact must hold in at least 80% of the seeds with the default calibration


def _runs(scenario):
    models = []
    for seed in SEEDS:
        cfg = default_config([f"scenario={scenario}"])
        cfg["seed"] = seed
        models.append(run(build_scenario(cfg)))
    return models


@pytest.fixture(scope="module")
def jan2020():
    return _runs("jan2020")


def test_wilson_interval_by_hand():
    # n = 10, k = 5, z = 1.96: centre (0.5 + 1.9208/10) / 1.38416 = 0.5,
    # half-width 1.96 * sqrt(0.025 + 0.009604) / 1.38416 = 0.26341
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(0.23659, abs=1e-5) and hi == pytest.approx(0.76341, abs=1e-5)
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)


# A guard against breaking the scenario, not evidence (docs/VALIDATION.md): the facts of DESIGN.md
# the model meets with its default parameters. The sharpened and new facts of the validation
# study (muted_response, release_week, israel_strikes_go_on) are reported by it, met or not.
GUARDED = (
    "release_before_election",
    "positive_with_both",
    "iran_dip_no_collapse",
    "rivalry_persists",
)


def test_stylized_facts_hold_for_most_seeds(jan2020):
    shares = {f: np.mean([stylized_facts(m)[f] for m in jan2020]) for f in GUARDED}
    for fact, share in shares.items():
        assert share >= THRESHOLD, (fact, share)


def test_no_visits_removes_the_dip(jan2020):
    without = _runs("no_visits")
    dip_with = np.mean([iran_dip_depth(m) for m in jan2020])
    dip_without = np.mean([iran_dip_depth(m) for m in without])
    assert dip_without < dip_with
    # and the fact as defined (a dip after the visits) is not even measurable without visits
    assert all(stylized_facts(m)["iran_dip_no_collapse"] is None for m in without)


def test_incumbent_loss_shrinks_the_release_gain(jan2020):
    lost = _runs("incumbent_loses")
    gain_won = np.nanmean([g if (g := release_gain(m)) is not None else np.nan for m in jan2020])
    gain_lost = np.nanmean([g if (g := release_gain(m)) is not None else np.nan for m in lost])
    assert gain_lost < gain_won


def test_no_assassination_has_no_response_to_measure():
    for m in _runs("no_assassination")[:10]:
        assert stylized_facts(m)["muted_response"] is None


# --- the facts of a sweep's runs, from its per-step series (experiments/stylized_facts/) --------


@pytest.fixture(scope="module")
def study_sweep(tmp_path_factory):
    from sim import run_sweep

    out = tmp_path_factory.mktemp("study") / "sweep"
    overrides = ["experiment=stylized_facts", "replicates=2", "executor=serial", "progress=false"]
    assert run_sweep(overrides, out).exit_code == 0
    return out


def test_facts_from_a_sweeps_steps_are_the_facts_of_the_model(study_sweep):
    """RunView.of_steps reads a run of `collect=steps` back: every fact and measure equals the
    one measured on the model of the same scenario and seed."""
    import json

    import pandas as pd

    from sim.outputs.facts import RunView, run_measures
    from sim.sweeps.store import load_results

    manifest = json.loads((study_sweep / "manifest.json").read_text())
    configs = manifest["scenario_configs"]
    results = load_results(study_sweep, columns=["run", "scenario", "seed"])
    steps = pd.concat(pd.read_parquet(p) for p in sorted((study_sweep / "steps").glob("*.parquet")))
    assert len(results) == 8 and set(results["scenario"]) == set(configs)
    for r in results.itertuples(index=False):
        scenario = build_scenario({**configs[r.scenario], "seed": int(r.seed)})
        model = run(scenario)
        got = run_measures(RunView.of_steps(steps[steps["run"] == r.run], scenario))
        expected = run_measures(model)
        assert got.keys() == expected.keys()
        for key, value in expected.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-15), (r.run, key)
            else:
                assert got[key] == value, (r.run, key)


def test_the_study_writes_its_table(study_sweep, tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    import pandas as pd

    script = Path(__file__).resolve().parent.parent / "experiments/stylized_facts/study.py"
    proc = subprocess.run(
        [sys.executable, str(script), str(study_sweep), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert len(runs) == 8 and set(FACTS) <= set(runs.columns)
    table = (tmp_path / "table.md").read_text()
    assert all(f"| {fact}: " in table for fact in FACTS)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["study"] == "stylized_facts" and summary["replicates"] == 2
    missing = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "nothing")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
