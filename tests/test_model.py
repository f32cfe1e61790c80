"""The Mesa shell: calendar, events, prisoner release, play-one-state mode, Mesa idioms."""

import datetime as dt

import mesa
import numpy as np
from conftest import default_config

from sim.abm.agents import StateAgent
from sim.abm.model import BalanceModel, run
from sim.scenario.build import Calendar, build_scenario


def test_calendar_by_hand():
    cal = Calendar(dt.date(2019, 11, 4), dt.date(2020, 3, 31), 7)
    assert cal.steps == 22  # 149 days -> 21 full weeks and 2 days
    assert cal.step_of(dt.date(2019, 11, 4)) == 1
    assert cal.step_of(dt.date(2019, 11, 12)) == 2  # 8 days in
    assert cal.step_of(dt.date(2020, 1, 3)) == 9  # 60 days in: 60 // 7 + 1
    assert cal.step_of(dt.date(2020, 3, 2)) == 18  # 119 days in: 119 // 7 + 1
    assert cal.step_of(dt.date(2020, 4, 1)) is None
    assert cal.date_of(9) == dt.date(2019, 12, 30)


def test_agents_are_mesa_agents_and_time_advances():
    model = run(build_scenario(default_config()))
    assert isinstance(model, mesa.Model)
    assert len(model.agents) == 4 and all(isinstance(a, StateAgent) for a in model.agents)
    assert model.time == 22 and not model.running


def test_events_can_be_scheduled_by_step():
    cfg = default_config()
    cfg["scenario"]["events"] = [
        {"type": "oil_shock", "step": 3, "change": 0.5, "persistence": 0.5}
    ]
    model = run(build_scenario(cfg))
    assert [r["event"].step for r in model.record.events] == [3]


def test_release_ends_the_prisoner_case_and_its_grievance():
    model = BalanceModel(build_scenario(default_config()))
    ix = model.structure.index
    rus, isr = ix["RUS"], ix["ISR"]
    model.step()  # step 1: the case opens
    assert model.world.prisoner[rus, isr] and model.world.grievance[isr, rus] > 0
    release = next(a for a in range(model.alts.shape[1]) if model.label(rus, a) == "release:ISR")
    model.states[rus].forced = release  # play-one-state mode: a person chooses for Russia
    model.step()
    assert model.record.choice[1, rus] == release
    assert not model.world.prisoner[rus, isr] and model.world.grievance[isr, rus] == 0
    model.states[rus].forced = None
    model.step()
    assert not model.record.available[2, rus, release]


def test_election_loss_shifts_the_new_government(monkeypatch):
    cfg = default_config()
    cfg["scenario"]["events"] = [
        {
            "type": "election",
            "step": 2,
            "state": "ISR",
            "incumbent_prob": 1e-6,
            "prestige_slope": 0.0,
            "loss_shift": {"RUS": -0.5},
        }
    ]
    lose = BalanceModel(build_scenario(cfg))
    lose.step()
    before = lose.world.affinity.copy(), lose.world.baseline.copy()
    lose.fire_events(2)
    ix = lose.structure.index
    assert lose.record.events[-1]["outcome"] == "incumbent loses"
    assert np.isclose(
        lose.world.affinity[ix["ISR"], ix["RUS"]], before[0][ix["ISR"], ix["RUS"]] - 0.5
    )
    assert np.isclose(
        lose.world.baseline[ix["ISR"], ix["RUS"]], before[1][ix["ISR"], ix["RUS"]] - 0.5
    )
