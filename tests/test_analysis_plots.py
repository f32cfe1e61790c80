"""The analysis plots (issue 14) draw from real sweeps and runs without a warning, and no two of
their labels overlap."""

import pytest
from figure_checks import assert_no_overlap

import sim
from sim.analysis import compare, load_sweep, plots, sensitivity


@pytest.fixture(scope="module")
def paired(tmp_path_factory):
    out = tmp_path_factory.mktemp("paired")
    sim.run_sweep(["seeds=common", "replicates=12", "scenarios=[jan2020,no_visits]",
                   "collect=steps", "progress=false", "design=grid", "~design.parameters"], out)  # fmt: skip
    return load_sweep(out)


def test_trajectories_and_comparison(paired, monkeypatch):
    steps = paired.steps()
    assert_no_overlap(
        plots.trajectories(steps, [("ISR", "RUS"), ("IRN", "RUS"), ("RUS", "IRN")]), monkeypatch
    )
    assert_no_overlap(plots.comparison(compare(paired.runs, "tilt"), "tilt"), monkeypatch)


def test_sensitivity_bars_and_heatmap(tmp_path, monkeypatch):
    sobol = tmp_path / "sobol"
    sim.run_sweep(["design=sobol", "design.n=16", "progress=false"], sobol)
    table = sensitivity(load_sweep(sobol, columns=["tilt"]), "tilt")
    assert_no_overlap(plots.sensitivity_bars(table), monkeypatch)
    grid = tmp_path / "grid"
    levels = [
        "+design.parameters.dynamics.heider={levels: [0.0, 0.5, 1.0]}",
        "+design.parameters.decision.lam={levels: [1.0, 4.0]}",
    ]
    sim.run_sweep(["design=grid", "~design.parameters", *levels, "progress=false"], grid)
    runs = load_sweep(grid, columns=["hedge_index"]).runs
    assert_no_overlap(
        plots.heatmap(runs, "dynamics.heider", "decision.lam", "hedge_index"), monkeypatch
    )


def test_relation_graph(monkeypatch):
    model = sim.run_model(sim.compose(["scenario=turkey"]))
    fig = plots.relation_graph(model.record.stance[-1], list(model.structure.codes))
    assert_no_overlap(fig, monkeypatch)
