"""Equilibria of the classic games against hand-computed ones (issue 14)."""

import numpy as np
import pytest

import sim
from sim.analysis.equilibria import equilibria, logit_qre, nash_equilibria


def test_matching_pennies_has_one_mixed_equilibrium():
    row = np.array([[1.0, -1.0], [-1.0, 1.0]])
    found = nash_equilibria(row, -row)
    assert len(found) == 1 and found[0][0] == "mixed"
    assert found[0][1] == pytest.approx([0.5, 0.5]) and found[0][2] == pytest.approx([0.5, 0.5])


def test_stag_hunt_by_hand():
    # stag/stag 4, hare alone 3 whatever the other does, stag alone 0: two pure equilibria and a
    # mixed one where the other hunts stag with p: 4p = 3, p = 3/4
    row = np.array([[4.0, 0.0], [3.0, 3.0]])
    found = nash_equilibria(row, row.T)
    kinds = sorted(k for k, _, _ in found)
    assert kinds == ["mixed", "pure", "pure"]
    mixed = next((r, c) for k, r, c in found if k == "mixed")
    assert mixed[0] == pytest.approx([0.75, 0.25]) and mixed[1] == pytest.approx([0.75, 0.25])


def test_qre_at_zero_precision_is_uniform_and_tends_to_nash():
    row = np.array([[3.0, 0.0], [5.0, 1.0]])  # a prisoner's dilemma: defect (1) dominates
    assert logit_qre(row, row.T, 0.0)[0] == pytest.approx([0.5, 0.5])
    r, c = logit_qre(row, row.T, 50.0)
    assert r[1] > 0.99 and c[1] > 0.99


def test_a_games_scenario_side_by_side_with_play():
    table = equilibria(sim.compose(["scenario=games/prisoners_dilemma"]))
    assert list(table["kind"]) == ["pure", "qre", "played"]
    played = table[table["kind"] == "played"].iloc[0, 1:].to_numpy(dtype=float)
    assert played[:2].sum() == pytest.approx(1.0) and played[2:].sum() == pytest.approx(1.0)
