"""The debrief's figures (``sim.app.figures``): no two texts overlap, with four states and with
five, and the time axis holds the whole scenario from the first step on. The page's own charts
are Vega-Lite (``test_charts.py``)."""

import numpy as np
import pytest
from figure_checks import assert_no_overlap as _assert_no_overlap
from matplotlib.backends.backend_agg import FigureCanvasAgg

import sim
from sim.app.figures import payoffs_plot, relations_plot


def assert_no_overlap(fig, monkeypatch, at_least: int = 1) -> None:
    """The suite's check, on an Agg canvas (the page's figures are bare ``Figure`` objects,
    whose base canvas draws nothing)."""
    FigureCanvasAgg(fig)
    _assert_no_overlap(fig, monkeypatch, at_least)


@pytest.fixture(scope="module", params=["jan2020", "turkey"])
def run(request):
    model = sim.run_model(sim.compose([f"scenario={request.param}"]))
    return list(model.structure.codes), model.record


def test_the_time_axis_is_the_whole_scenario_before_and_after_steps(run, monkeypatch):
    codes, record = run
    steps = len(record.stance)
    for played in (0, 3):
        fig = relations_plot(codes, record.stance[:played], steps=steps)
        ax = fig.axes[0]
        assert ax.get_xlim() == (0, steps)
        assert ("no step played yet" in [t.get_text() for t in ax.texts]) == (played == 0)
        assert len(ax.lines[0].get_xdata()) == played
        assert_no_overlap(fig, monkeypatch)
        cumulative = np.cumsum(np.ones((played, len(codes))), axis=0)
        fig = payoffs_plot(codes, cumulative, steps=steps)
        assert fig.axes[0].get_xlim() == (0, steps)
        assert_no_overlap(fig, monkeypatch)


def test_a_relation_is_the_mean_of_the_two_stances():
    codes = ["A", "B"]
    history = np.array([[[0.0, 0.2], [0.6, 0.0]], [[0.0, -0.4], [0.0, 0.0]]])  # (t=2, 2, 2)
    line = relations_plot(codes, history, steps=5).axes[0].lines[0]
    assert line.get_ydata() == pytest.approx([0.4, -0.2])  # by hand: (0.2+0.6)/2, (-0.4+0)/2


def test_the_replay_strip_keeps_its_legend_off_the_axis(monkeypatch):
    from sim.app.figures import replay_strip

    fig = replay_strip(np.array([-29.4, -29.7, -27.7]), -38.2, -29.6, "RUS: cumulative utility")
    assert_no_overlap(fig, monkeypatch, at_least=8)  # title, ticks, axis label, three entries
