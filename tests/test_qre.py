"""decision=qre: each step's logit quantal response equilibrium (sim/core/qre.py), checked
against pygambit's principal branch (``pygambit.qre.logit_solve_lambda``), which is computed
here and never copied. pygambit has one lambda for all players; each player's rationality is
folded into its payoffs, as the model folds it into its precision."""

import numpy as np
import pygambit
import pytest
from conftest import default_config

from sim.abm import games
from sim.abm.model import BalanceModel
from sim.core.decisions import logit
from sim.core.qre import logit_qre, normal_form_values
from sim.scenario.build import build_scenario

GAMES = ("prisoners_dilemma", "chicken", "stag_hunt", "matching_pennies")
TOLERANCE = 1e-3  # the bar; the solver's own tolerance is 1e-12


def gambit_qre(payoffs: np.ndarray, lam: float) -> list[np.ndarray]:
    """pygambit's logit QRE at ``lam`` of the game ``payoffs`` (n, A_1, ..., A_n)."""
    g = pygambit.Game.from_arrays(*payoffs)
    profile = pygambit.qre.logit_solve_lambda(g, lam=[lam])[0].profile
    return [np.array([float(profile[s]) for s in player.strategies]) for player in g.players]


def game_of(name, *overrides):
    config = default_config((f"scenario=games/{name}", "decision=qre", "seed=0", *overrides))
    return games.build_game(config)


def first_step(game) -> np.ndarray:
    """The rule's probabilities at step 1 of a game (2, width)."""
    model = games.GameModel(game)
    model.step()
    return model.record.probabilities[0]


def folded(game) -> np.ndarray:
    """The game's payoffs (2, m, n), each player's times its rationality."""
    rationality = np.array(game.rationality, dtype=float)
    return np.stack(game.payoffs) * rationality[:, None, None]


@pytest.mark.parametrize("lam", (0.5, 2.0, 8.0))
@pytest.mark.parametrize("name", GAMES)
def test_each_shipped_game_matches_pygambit(name, lam):
    game = game_of(name, f"decision.lam={lam}")
    got = first_step(game)
    want = gambit_qre(folded(game), lam)
    for k, w in enumerate(want):
        np.testing.assert_allclose(got[k, : len(w)], w, atol=TOLERANCE)


def test_an_asymmetric_two_by_three_game_no_file_holds():
    """Unequal stakes and unequal numbers of actions (the equilibrium is far from uniform)."""
    row = "scenario.payoffs.row=[[3,-1,0],[-1,1,2]]"
    col = "scenario.payoffs.col=[[-2,1,0.5],[1,-1,-3]]"
    actions = "scenario.actions.col=[a,b,c]"
    game = game_of("matching_pennies", row, col, actions, "decision.lam=1.5")
    got = first_step(game)
    want = gambit_qre(folded(game), 1.5)
    assert max(np.abs(w - 1 / len(w)).max() for w in want) > 0.05
    for k, w in enumerate(want):
        np.testing.assert_allclose(got[k, : len(w)], w, atol=TOLERANCE)


@pytest.mark.parametrize("lam", (0.5, 2.0, 6.0))
def test_a_three_player_game_matches_pygambit(lam):
    """The rule's solver on a random 2x3x2 game (the games scenarios hold two players; the
    model's stage game has four or more)."""
    payoffs = np.random.default_rng(1).normal(size=(3, 2, 3, 2))
    available = np.array([[1, 1, 0], [1, 1, 1], [1, 1, 0]], dtype=bool)
    got = logit_qre(normal_form_values(payoffs), available, np.full(3, lam))
    for k, w in enumerate(gambit_qre(payoffs, lam)):
        np.testing.assert_allclose(got[k, : len(w)], w, atol=TOLERANCE)


def test_precision_zero_is_uniform_choice():
    payoffs = np.random.default_rng(2).normal(size=(2, 3, 3))
    got = logit_qre(normal_form_values(payoffs), np.ones((2, 3), dtype=bool), np.zeros(2))
    np.testing.assert_allclose(got, 1 / 3)


def model_step(backend: str, *overrides):
    config = default_config(("decision=qre", "seed=4", *overrides))
    model = BalanceModel(build_scenario(config), backend)
    for _ in range(3):
        model.step()
    return model


def test_the_model_plays_a_fixed_point_of_its_own_look_ahead():
    """At every step each state's probabilities are its logit response to the others' (the
    components the model records are those at the equilibrium)."""
    model = model_step("numba")
    rec = model.record
    lam = model.decision.lam * model.structure.rationality
    for k in range(3):
        values = rec.components[k].sum(axis=-1)
        available = rec.available[k]
        again = logit(values, available, lam)
        np.testing.assert_allclose(again, rec.probabilities[k], atol=1e-9)


def test_the_numpy_reference_and_the_kernels_agree():
    a, b = model_step("numpy"), model_step("numba")
    np.testing.assert_allclose(a.record.probabilities[:3], b.record.probabilities[:3], atol=1e-9)


def test_a_sweep_runs_qre_through_the_mesa_model(tmp_path):
    """The ensemble computes only the response rules: a qre sweep's runs go through the Mesa
    model, and its rows are those of the runs made one by one (same seeds)."""
    import sim
    from sim.sweeps.store import load_results

    overrides = ["design=lhs", "design.n=2", "executor=serial", "progress=false", "decision=qre"]
    outcome = sim.run_sweep(overrides, tmp_path / "s")
    assert outcome.exit_code == 0 and outcome.done == 2
    rows = load_results(tmp_path / "s").sort_values("run")
    mesa_engine = sim.run_sweep([*overrides, "engine=mesa"], tmp_path / "m")
    assert mesa_engine.exit_code == 0
    again = load_results(tmp_path / "m").sort_values("run")
    assert rows["hedge_index"].tolist() == again["hedge_index"].tolist()
    assert rows["hedge_index"].notna().all()
