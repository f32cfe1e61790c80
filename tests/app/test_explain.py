"""The "why" of a choice, against a case checked by hand."""

import numpy as np

from sim.abm.model import Record
from sim.app.explain import explain, explain_state
from sim.app.session import Session

LABELS = ["wait", "mediate:ISR-IRN", "condemn:ISR"]
NAMES = {"RUS": "Russia", "ISR": "Israel", "IRN": "Iran"}


def hand_record(choice: int, probability: float) -> Record:
    """One step of three states; Russia (row 0) may wait or mediate (condemning is not open)."""
    r = Record(1, 3, 3)
    r.components[0, 0] = [[0.10, 0.20, 0.30], [0.07, 0.19, 0.42], [0.30, 0.00, 0.10]]
    r.available[0, 0] = [True, True, False]
    r.probabilities[0, 0] = [1 - probability, probability, 0.0]
    r.choice[0, 0] = choice
    return r


def test_mediating_explained_against_waiting():
    # by hand: mediate - wait = security -0.03, economic -0.01, prestige +0.12; totals 0.68, 0.60
    e = explain(hand_record(1, 0.7), 1, 0, LABELS, NAMES, "RUS")
    assert [r.label for r in e.rows] == ["wait", "mediate:ISR-IRN"]
    assert e.rows[1].chosen and np.isclose(e.rows[1].value, 0.68) and e.reference == "wait"
    assert e.sentence == (
        "Russia mediated between Israel and Iran because its prestige gain (+0.12) outweighed "
        "its security loss (-0.03) and its economic loss (-0.01), compared with waiting. "
        "Waiting would have given an expected utility of +0.60, against +0.68. "
        "It was its best option; its decision rule gave it probability 70%."
    )


def test_waiting_explained_against_the_best_option_passed_over():
    e = explain(hand_record(0, 0.7), 1, 0, LABELS, NAMES, "RUS", human=True)
    assert e.chosen == "wait" and e.reference == "mediate:ISR-IRN"
    assert e.sentence == (
        "Russia (a player's choice) waited even though its prestige loss (-0.12) outweighed its "
        "security gain (+0.03) and its economic gain (+0.01), compared with mediating between "
        "Israel and Iran. Mediating between Israel and Iran would have given an expected utility "
        "of +0.68, against +0.60. Its best option was mediating between Israel and Iran (+0.68); "
        "its rule picks at random, better options more often, and gave this one probability 30%."
    )


def test_every_state_of_a_run_is_explained():
    s = Session()
    for _ in range(10):
        s.step({"RUS": "wait"})
    for t in (1, 9, 10):
        for code in s.codes:
            e = explain_state(s, code, t)
            assert e.chosen == s.label(code, int(s.model.record.choice[t - 1, s.index(code)]))
            assert np.isclose(sum(r.probability for r in e.rows), 1.0)
            assert e.sentence.startswith(s.names[code])
    assert "(a player's choice) waited" in explain_state(s, "RUS", 9).sentence


def test_a_game_choice_is_explained():
    s = Session("games/prisoners_dilemma")
    s.step()
    e = explain_state(s, s.codes[0], 1)
    assert len(e.rows) == 2 and all(r.parts is None for r in e.rows)
    assert "expected payoffs were" in e.sentence
