"""The classroom's session: a person's choice is applied, the offers are the model's own numbers,
shocks go through the scenario's validation, and the classic games play with the same API."""

import numpy as np
import pytest

from sim.app.library import library
from sim.app.session import Session
from sim.errors import ConfigError


@pytest.fixture(scope="module")
def scenarios():
    return library()


def test_library_has_every_scenario_and_the_games(scenarios):
    assert scenarios[0] == "jan2020"
    assert {"no_visits", "turkey", "games/chicken", "games/prisoners_dilemma"} <= set(scenarios)


def test_human_choice_is_applied_and_the_others_follow_their_rule():
    s = Session()
    free = Session()
    for _ in range(5):
        made = s.step({"RUS": "wait"})
        free.step()
        assert made["RUS"] == "wait"
    assert [c.label for c in s.history if c.code == "RUS"] == ["wait"] * 5
    assert all(c.human == (c.code == "RUS") for c in s.history)
    # the free run's Russia does not wait five times in a row (jan2020, seed 0)
    assert [c.label for c in free.history if c.code == "RUS"] != ["wait"] * 5
    assert s.human_choices()[3] == {"RUS": 0}


def test_an_unavailable_choice_becomes_wait():
    s = Session()
    label = "mediate:ISR-IRN"  # no crisis between Israel and Iran at the first step
    assert label not in {o.label for o in s.offers("RUS")}
    assert s.step({"RUS": label})["RUS"] == "wait"


def test_offers_are_the_numbers_the_step_computes():
    s = Session()
    for k in range(10):  # through Soleimani's killing (step 9) and its shocks
        offers = s.offers("RUS")
        s.step()
        r = s.model.record
        for o in offers:
            assert r.available[k, 0, o.slot]
            assert np.allclose(o.parts, r.components[k, 0, o.slot])
            assert o.probability == pytest.approx(r.probabilities[k, 0, o.slot])
        assert len(offers) == int(r.available[k, 0].sum())


def test_hidden_payoffs_hide_every_number():
    offers = Session().offers("RUS", payoffs=False)
    assert offers and all(o.parts is None and o.value is None for o in offers)


def test_preview_changes_nothing():
    a, b = Session(), Session()
    for _ in range(4):
        a.offers("IRN")
        a.step()
        b.step()
    assert np.array_equal(a.model.record.choice, b.model.record.choice)


def test_shock_is_validated_and_fires_at_the_next_step():
    s = Session()
    s.step()
    event = s.inject("sanctions", {"imposer": "USA", "target": "RUS", "level": 40.0})
    assert event.step == 2
    s.step()
    assert any(r["event"] is event for r in s.model.record.events)
    assert s.model.world.stocks[0, 2] > 20.0  # Russia's sanctions stock took the level
    assert [e for e in s.timeline() if e["injected"]][0]["happened"]
    with pytest.raises(ConfigError, match="shock.*target.*unknown actor"):
        s.inject("sanctions", {"imposer": "USA", "target": "XXX"})
    with pytest.raises(ConfigError, match="unknown event type"):
        s.inject("earthquake", {})
    with pytest.raises(ConfigError, match="current date"):
        s.inject("oil_shock", {"change": 0.1, "date": "2020-01-01"})


def test_reset_applies_values_and_refuses_unknown_keys():
    s = Session()
    s.step()
    s.reset("jan2020", {"decision.lam": 0.0, "actors.RUS.weights.prestige": 1.0})
    assert s.step_number == 0 and s.history == []
    assert s.model.decision.lam == 0.0
    p = s.offers("RUS")
    assert np.allclose([o.probability for o in p], 1.0 / len(p))  # lam 0: uniform
    with pytest.raises(ConfigError, match="decision.lambda"):
        s.reset("jan2020", {"decision.lambda": 1.0})
    assert s.model.decision.lam == 0.0  # the model it had is kept


def test_parameters_are_settable(scenarios):
    s = Session()
    keys = {p.key for p in s.parameters()}
    assert {
        "decision.lam",
        "actors.RUS.weights.prestige",
        "scenario.events.brent_spike.change",
    } <= keys
    s.reset("jan2020", {p.key: p.hi for p in s.parameters()})
    assert s.step_number == 0


def test_a_game_is_played_with_the_same_api():
    s = Session("games/chicken")
    assert s.is_game and s.codes == ["USA", "IRN"]
    offers = s.offers("IRN")
    assert [o.label for o in offers] == ["back_down", "escalate"]
    for _ in range(3):
        assert s.step({"IRN": "escalate"})["IRN"] == "escalate"
    assert s.model.record.choice[:3, 1].tolist() == [1, 1, 1]
    with pytest.raises(ConfigError, match="no events"):
        s.inject("oil_shock", {"change": 0.1})
    assert s.cumulative().shape == (3, 2)


def test_every_scenario_builds_and_steps(scenarios):
    for name in scenarios:
        s = Session(name)
        s.offers(s.codes[0])
        s.step({s.codes[0]: s.offers(s.codes[0])[0].slot})
        assert s.step_number == 1, name


def test_reset_of_an_uploaded_scenario_starts_it_again_with_the_sliders():
    from sim.app.upload import load

    text = 'scenario:\n  name: my_class\n  start: "2020-01-06"\n  end: "2020-03-30"\n'
    s = Session()
    s.reset(config=load(text))
    s.step()
    s.reset(None, {"decision.lam": 0.0})
    assert s.scenario == "my_class" and s.step_number == 0 and s.model.decision.lam == 0.0
    assert s.steps == 13  # weekly from 2020-01-06 to 2020-03-30 (84 days), both ends: not 22
    s.reset("jan2020")  # a library scenario again: the upload is left
    assert s.scenario == "jan2020" and s.uploaded is None
    s.reset()
    assert s.scenario == "jan2020"
