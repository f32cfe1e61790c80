"""Scenario discovery (issue 14): PRIM finds a box planted in 2 of 5 uniform parameters with 5%
label noise, its limits within 0.05; and runs on a real sweep of the model."""

import numpy as np
import pandas as pd
import pytest
from figure_checks import assert_no_overlap

import sim
from sim.analysis import load_sweep
from sim.analysis.discover import discover, plot_box

PLANTED = {"p.b": (0.2, 0.6), "p.c": (0.5, 0.9)}


def planted(n=4000, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 5)), columns=[f"p.{k}" for k in "abcde"])
    inside = np.ones(n, dtype=bool)
    for name, (lo, hi) in PLANTED.items():
        inside &= x[name].between(lo, hi).to_numpy()
    flip = rng.uniform(size=n) < noise
    return x.assign(case=np.where(flip, ~inside, inside))


def test_prim_finds_the_planted_box():
    box = discover(planted(), "case")
    restricted = set(box.limits.index[box.limits["restricted"]])
    assert set(PLANTED) <= restricted
    for name, (lo, hi) in PLANTED.items():
        assert box.limits.loc[name, "lower"] == pytest.approx(lo, abs=0.05)
        assert box.limits.loc[name, "upper"] == pytest.approx(hi, abs=0.05)
    for name in set(box.limits.index) - set(PLANTED):  # the others barely cut
        assert box.limits.loc[name, "upper"] - box.limits.loc[name, "lower"] > 0.85
    # by hand: the true box holds 16% of the runs, 95% of them cases (density 0.95); 5% of the
    # other 84% are cases too, so the true box covers 0.152 / (0.152 + 0.042) = 0.78 of them
    assert box.coverage == pytest.approx(0.78, abs=0.05) and box.density > 0.9


def test_a_numeric_outcome_needs_a_threshold():
    frame = planted().assign(score=lambda f: f["case"].astype(float) + 0.1)
    with pytest.raises(ValueError, match="threshold"):
        discover(frame, "score")
    assert discover(frame, "score", threshold=0.5).coverage == pytest.approx(0.78, abs=0.05)


def test_discover_on_a_real_sweep(tmp_path, monkeypatch):
    out = tmp_path / "lhs"
    sim.run_sweep(["design=lhs", "design.n=400", "progress=false"], out)
    runs = load_sweep(out, columns=["tilt"]).runs
    box = discover(runs, "tilt", threshold=float(runs["tilt"].quantile(0.8)))
    assert 0 < box.coverage <= 1 and 0 < box.density <= 1 and box.limits["restricted"].any()
    assert_no_overlap(plot_box(box), monkeypatch, at_least=0)


def test_discover_explores_the_parameters_and_beats_the_unpeeled_box(tmp_path):
    # every column of a sweep's runs (final stances, action counts: outcomes, not inputs), and
    # cases common (tilt > 0 in about 40% of runs): the box chosen must be enriched, where
    # coverage x density alone picked the whole space (coverage 1, density = the base share)
    out = tmp_path / "lhs"
    sim.run_sweep(["design=lhs", "design.n=400", "progress=false"], out)
    sweep = load_sweep(out)
    box = discover(sweep.runs, "tilt", threshold=0.0)
    assert list(box.limits.index) == sweep.parameters
    base = float((sweep.runs["tilt"] > 0).mean())
    assert 0.2 < base < 0.8
    assert box.chosen > 0 and box.coverage < 1
    assert box.density > base + 0.1
