"""sim.analysis: loading run and sweep folders; comparing groups with bootstrap intervals,
paired by seed under common random numbers (seeds=common), against hand values and SciPy."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.analysis.compare import bootstrap_mean, compare
from sim.analysis.load import load_run, load_sweep


def test_a_constant_paired_difference_is_exact():
    seeds = np.arange(50)
    rng = np.random.default_rng(1)
    a = rng.normal(size=50)
    frame = pd.DataFrame(
        {"scenario": ["a"] * 50 + ["b"] * 50, "seed": [*seeds, *seeds], "y": [*a, *(a + 0.7)]}
    )
    effect = compare(frame, "y").effect
    assert effect["paired"] and effect["difference"] == pytest.approx(0.7)
    assert effect["low"] == pytest.approx(0.7) and effect["high"] == pytest.approx(0.7)


def test_unpaired_difference_and_cohens_d_by_hand():
    frame = pd.DataFrame(
        {"scenario": ["a"] * 3 + ["b"] * 3, "seed": [1, 2, 3, 4, 5, 6], "y": [1, 2, 3, 3, 4, 5]}
    )
    effect = compare(frame, "y").effect
    # means 2 and 4, both sample sd 1: difference 2, pooled sd 1, d = 2
    assert not effect["paired"]
    assert effect["difference"] == pytest.approx(2.0) and effect["standardized"] == pytest.approx(2)


def test_the_bootstrap_interval_agrees_with_scipy():
    values = np.random.default_rng(3).normal(1.0, 2.0, size=400)
    ours = bootstrap_mean(values, n_boot=4000, rng=0)
    ref = stats.bootstrap((values,), np.mean, n_resamples=4000, method="percentile", rng=0)
    ci = ref.confidence_interval
    assert ours[0] == pytest.approx(ci.low, abs=0.05) and ours[1] == pytest.approx(
        ci.high, abs=0.05
    )


def test_common_seeds_pair_scenarios_in_a_real_sweep(tmp_path):
    out = tmp_path / "sweep"
    outcome = sim.run_sweep(
        ["seeds=common", "replicates=20", "scenarios=[jan2020,no_visits]", "progress=false",
         "design=grid", "~design.parameters"],
        out,
    )  # fmt: skip
    assert outcome.exit_code == 0
    sweep = load_sweep(out, columns=["hedge_index", "tilt"])
    runs = sweep.runs
    by_scenario = runs.groupby("scenario")["seed"].apply(list)
    assert (
        by_scenario["jan2020"] == by_scenario["no_visits"]
    )  # the same seeds, replicate by replicate
    c = compare(runs, "tilt", groups=("jan2020", "no_visits"))
    assert c.effect["paired"] and c.effect["n"] == 20
    assert set(c.groups.index) == {"jan2020", "no_visits"} and (c.groups["n"] == 20).all()
    assert sweep.design_type == "grid" and sweep.problem is None


def test_without_common_seeds_no_two_runs_share_a_seed(tmp_path):
    out = tmp_path / "sweep"
    sim.run_sweep(["replicates=5", "scenarios=[jan2020,no_visits]", "progress=false"], out)
    runs = load_sweep(out).runs
    assert runs["seed"].is_unique
    assert not compare(runs, "tilt").effect["paired"]


def test_load_run_reads_every_table(tmp_path):
    out = tmp_path / "run"
    model = sim.run_model(sim.compose(["outputs.figures=false"]), out)
    run = load_run(out)
    assert run.summary["seed"] == model.summary["seed"]
    assert len(run.steps) == 22 * 4 and not run.decisions.empty and not run.events.empty
    with pytest.raises(FileNotFoundError):
        load_run(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_sweep(out)
