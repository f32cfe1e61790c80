"""Equilibria of the classic games and of the model's stage game against hand-computed ones and
against pygambit (issue 14)."""

import itertools

import numpy as np
import pytest

import sim
from sim.analysis.equilibria import equilibria, logit_qre, nash_equilibria
from sim.analysis.stage_game import logit_qre_n, pure_equilibria, solve, stage_game


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


# The model's stage game (issue 14): a hand-built three-player game first, then jan2020's week of
# Soleimani's killing checked by deviations the Mesa model itself plays out.


def three_player_game() -> np.ndarray:
    """Player 1 has a dominant strategy (0: 2 points against 0), player 2 wants to differ from
    player 1 and player 3 to match player 2: the one pure equilibrium is (0, 1, 1)."""
    u = np.zeros((3, 2, 2, 2))
    for a1, a2, a3 in itertools.product(range(2), repeat=3):
        u[:, a1, a2, a3] = (2.0 * (a1 == 0) + 0.5 * a2, float(a2 != a1), float(a3 == a2))
    return u


def pygambit_pure(payoffs) -> list[tuple]:
    import pygambit

    game = pygambit.Game.from_arrays(*payoffs)
    found = pygambit.nash.enumpure_solve(game).equilibria
    return sorted(tuple(int(np.argmax([float(eq[s]) for s in p.strategies])) for p in game.players)
                  for eq in found)  # fmt: skip


def test_the_enumerator_finds_the_known_equilibrium_and_rejects_the_rest():
    u = three_player_game()
    assert pure_equilibria(u) == [(0, 1, 1)] == pygambit_pure(u)
    assert (0, 0, 0) not in pure_equilibria(u)  # player 2 gains 1 by switching to 1
    coordination = np.ones((3, 2, 2, 2)) * 0.0
    coordination[:, 0, 0, 0] = coordination[:, 1, 1, 1] = 1.0
    assert pure_equilibria(coordination) == [(0, 0, 0), (1, 1, 1)] == pygambit_pure(coordination)


def logit_gap(payoffs, strategies, precision) -> float:
    """Largest gap between each player's strategy and its logit response to the others: our
    own statement of the QRE's definition, not pygambit's."""
    gap = 0.0
    for i, s in enumerate(strategies):
        values = np.moveaxis(payoffs[i], i, 0)
        for j, other in enumerate(strategies):
            if j != i:
                values = np.tensordot(values, other, axes=([1], [0]))
        response = np.exp(precision[i] * (values - values.max()))
        gap = max(gap, float(np.abs(response / response.sum() - s).max()))
    return gap


def test_the_n_player_qre_is_uniform_at_zero_and_pure_at_high_precision():
    u = three_player_game()
    for s in logit_qre_n(u, 0.0):
        assert s == pytest.approx([0.5, 0.5])
    for s in logit_qre_n(u, 1e-6):
        assert s == pytest.approx([0.5, 0.5], abs=1e-5)
    high = logit_qre_n(u, 40.0)
    assert [float(s[a]) for s, a in zip(high, (0, 1, 1), strict=True)] == [
        pytest.approx(1.0, abs=1e-3)
    ] * 3
    middle = logit_qre_n(u, 1.5, rationality=(1.0, 2.0, 0.5))
    assert logit_gap(u, middle, 1.5 * np.array([1.0, 2.0, 0.5])) < 1e-6
    # a state with no rationality plays uniformly, and the one matching it is then indifferent
    careless = logit_qre_n(u, 40.0, rationality=(1.0, 0.0, 1.0))
    assert careless[1] == pytest.approx([0.5, 0.5]) and careless[2] == pytest.approx([0.5, 0.5])


@pytest.fixture(scope="module")
def soleimani():
    return stage_game(sim.compose(["scenario=jan2020"]), "2020-01-03")


def forced_utility(step: int, slots) -> np.ndarray:
    """Every state's utility at ``step`` when each plays ``slots`` there: the Mesa model (the
    NumPy backend) played with imposed choices, not the stage game's own assembly."""
    from sim.abm.model import BalanceModel
    from sim.abm.run import build
    from sim.scenario.build import to_container

    model = BalanceModel(build(to_container(sim.compose(["scenario=jan2020"]))), "numpy")
    for _ in range(step - 1):
        model.step()
    for agent, slot in zip(model.states, slots, strict=True):
        agent.forced = int(slot)
    model.step()
    return model.record.utility[step - 1]


def test_the_stage_game_at_soleimani_is_k_to_the_n_and_its_equilibria_are_best_responses(
    soleimani,
):
    game = soleimani
    n, k = game.slots.shape
    assert game.step == 9 and (n, k) == (4, 3) and game.payoffs.shape == (4, 3, 3, 3, 3)
    found = pure_equilibria(game.payoffs)
    assert found and found == pygambit_pure(game.payoffs)
    rows = np.arange(n)
    for profile in found:
        here = forced_utility(game.step, game.slots[rows, profile])
        assert here == pytest.approx(game.payoffs[(slice(None), *profile)], abs=1e-9)
        for i, a in itertools.product(range(n), range(k)):
            if a != profile[i]:
                deviation = list(profile)
                deviation[i] = a
                assert forced_utility(game.step, game.slots[rows, deviation])[i] <= here[i] + 1e-9


def test_the_stage_table_sets_equilibria_beside_play(soleimani):
    table = solve(soleimani)
    assert list(table["kind"])[-3:] == ["qre", "played", "chosen"]
    alternatives = [c for c in table.columns if c.count(":") >= 1 and not c.startswith("u:")]
    assert len(alternatives) == 12 and alternatives[0].startswith("RUS:")
    for kind in ("pure", "qre"):
        row = table[table["kind"] == kind].iloc[0][alternatives].to_numpy(dtype=float)
        assert row.reshape(4, 3).sum(axis=1) == pytest.approx(np.ones(4))
    played = table[table["kind"] == "played"].iloc[0][alternatives].to_numpy(dtype=float)
    assert (played.reshape(4, 3).sum(axis=1) <= 1 + 1e-12).all()
    with pytest.raises(ValueError, match="classic game"):
        stage_game(sim.compose(["scenario=games/chicken"]), 1)
