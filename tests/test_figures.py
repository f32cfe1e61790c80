"""A run's figures are readable: no two text labels overlap (their bounding boxes from the
renderer), however close the events (issue 14: the labels of events days apart ran into each
other and into the legend)."""

import pytest
from figure_checks import assert_no_overlap

import sim
from sim.outputs import figures
from sim.outputs.tables import steps_table


@pytest.mark.parametrize(
    "overrides",
    [
        ["scenario=jan2020"],  # two events on 3 January, one on 8 January
        ["scenario=jan2020", "scenario.events.al_asad.date=2020-01-04"],  # a day apart
        ["scenario=turkey"],  # five states
    ],
)
def test_no_two_labels_of_a_run_figure_overlap(overrides, monkeypatch):
    model = sim.run_model(sim.compose(overrides))
    steps, events = steps_table(model), model.record.events
    codes = list(model.structure.codes)
    b, *rivals = model.scenario.balancer
    for fig in (
        figures.relations(steps, events, b, rivals, codes, None),
        figures.payoffs(steps, events, codes, None),
    ):
        assert_no_overlap(fig, monkeypatch, at_least=21)
