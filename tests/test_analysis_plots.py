"""The analysis plots (issue 14) draw from real sweeps and runs without a warning, and no two of
their labels overlap."""

import numpy as np
import pytest
from figure_checks import assert_no_overlap

import sim
from sim.analysis import compare, load_run, load_sweep, plots, sensitivity


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


def test_trajectories_draw_one_panel_per_scenario_with_its_own_median(paired, monkeypatch):
    steps, runs = paired.steps(), paired.runs
    groups = runs.set_index("run")["scenario"]
    fig = plots.trajectories(steps, [("ISR", "RUS")], groups=groups)
    assert [ax.get_title() for ax in fig.axes] == ["jan2020", "no_visits"]
    for ax, name in zip(fig.axes, ["jan2020", "no_visits"], strict=True):
        own = steps[
            (steps["actor"] == "ISR") & steps["run"].isin(runs.loc[runs["scenario"] == name, "run"])
        ]
        expected = own.groupby("step")["stance_RUS"].median().to_numpy()  # pandas, not the plot
        assert ax.lines[0].get_ydata() == pytest.approx(expected)
    pooled = steps[steps["actor"] == "ISR"].groupby("step")["stance_RUS"].median().to_numpy()
    assert not np.allclose(fig.axes[1].lines[0].get_ydata(), pooled)  # the runs were not pooled
    assert_no_overlap(fig, monkeypatch)


def test_sensitivity_bars_and_heatmap(tmp_path, monkeypatch):
    sobol = tmp_path / "sobol"
    sim.run_sweep(["design=sobol", "design.n=16", "progress=false"], sobol)
    table = sensitivity(load_sweep(sobol, columns=["tilt"]), "tilt")
    assert_no_overlap(plots.sensitivity_bars(table), monkeypatch)
    # a sampled design: 416 distinct values per parameter, shown as 6 x 6 quantile bins
    fig = plots.heatmap(load_sweep(sobol).runs, "dynamics.heider", "decision.lam", "tilt")
    assert fig.axes[0].images[0].get_array().shape == (6, 6)
    assert_no_overlap(fig, monkeypatch, at_least=36)
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


def test_relation_graph_keeps_values_off_the_crossing_of_the_diagonals(monkeypatch):
    # four states on a circle: the diagonals RUS-IRN and ISR-USA cross at the centre (0, 0),
    # where both values once sat side by side and read as one
    model = sim.run_model(sim.compose([]))
    fig = plots.relation_graph(model.record.stance[-1], list(model.structure.codes))
    values = [t for t in fig.axes[0].texts if t.get_text()[:1] in ("+", "-")]
    assert len(values) == 6
    assert min(np.hypot(*t.get_position()) for t in values) > 0.15
    assert_no_overlap(fig, monkeypatch)


def test_payoff_decomposition_reads_back_the_weights_and_stacks_to_utility(tmp_path, monkeypatch):
    # the weights a run folder does not store, recovered from its table, against the actors'
    # config (unnormalised there: RUS 0.35 / 0.25 / 0.40 sums to 1 already)
    sim.run_model(sim.compose(["actors.RUS.weights.prestige=0.8"]), tmp_path / "run")
    run = load_run(tmp_path / "run")
    weights = plots.contribution_weights(run.steps)
    assert weights["RUS"] == pytest.approx(np.array([0.35, 0.25, 0.8]) / 1.4, abs=1e-9)
    assert weights["ISR"] == pytest.approx([0.6, 0.25, 0.15], abs=1e-9)
    fig = plots.payoff_decomposition(run)
    ax = fig.axes[0]  # RUS: the bars of a step add up to the utility line
    heights = np.array([[p.get_height() for p in c.patches] for c in ax.containers])
    utility = run.steps[run.steps["actor"] == "RUS"].sort_values("step")["utility"].to_numpy()
    assert heights.sum(axis=0) == pytest.approx(utility, abs=1e-9)
    assert_no_overlap(fig, monkeypatch, at_least=20)
    broken = run.steps.assign(utility=run.steps["utility"] + 1.0)  # not a weighted sum
    with pytest.raises(ValueError, match="weighted sum"):
        plots.contribution_weights(broken)


def test_payoff_decomposition_of_five_states(monkeypatch):
    from sim.outputs.tables import steps_table

    steps = steps_table(sim.run_model(sim.compose(["scenario=turkey"])))
    fig = plots.payoff_decomposition(steps)
    shown = [ax.xaxis.get_tick_params()["labelbottom"] for ax in fig.axes[:5]]
    assert shown == [False, False, False, True, True]  # dates under USA, above the empty panel
    assert_no_overlap(fig, monkeypatch, at_least=20)
