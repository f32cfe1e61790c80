"""Classic two-actor games (sim/games.py, configs/scenario/games/): the model's agents and decision
rules reproduce the logit quantal response equilibrium that pygambit computes and the pure Nash
equilibria that nashpy finds; bad payoff matrices are one-line errors; runs write whole results.

Reference values are computed here with pygambit and nashpy, never copied.

The command-line runs (subprocesses, 3 to 5 s each, mostly imports) start in a background thread
when the module starts, so that they run on another core while the long in-process runs (the QRE
checks, 20,000 to 40,000 steps each) go on; each command-line test then waits for its result.
"""

import json
import math
from concurrent.futures import ThreadPoolExecutor

import nashpy
import numpy as np
import pandas as pd
import pygambit
import pytest
from conftest import default_config
from test_cli import ROOT, sim_run

from sim.abm import games
from sim.core.decisions import logit
from sim.errors import ConfigError

GAMES = ("prisoners_dilemma", "chicken", "stag_hunt", "matching_pennies")
LAMS = (0.5, 1.0, 2.0)
# The shares' sampling error is about 0.5 / sqrt(T / 2): 0.005 at T = 20,000 steps, 0.0035 at
# 40,000; feedback between the players' beliefs adds to it in chicken and matching pennies, whose
# scenario files therefore run 40,000 steps (docs/GAMES.md).
TOLERANCE = 0.02
# an inspection game with unequal stakes: catching a cheater is worth 3 to the inspector
ASYMMETRIC_PENNIES = ("scenario.payoffs.row=[[3,-1],[-1,1]]",)


def game_of(name, *overrides):
    """The validated game of a scenario file with Hydra overrides (composition is cached)."""
    return games.build_game(default_config((f"scenario=games/{name}", *overrides)))


def logit_qre(game, lam):
    """The logit QRE on pygambit's principal branch at ``lam``: [row's mixed strategy, column's]."""
    row, col = game.payoffs
    g = pygambit.Game.from_arrays(row, col)
    profile = pygambit.qre.logit_solve_lambda(g, lam=[lam])[0].profile
    return [np.array([profile[s] for s in player.strategies]) for player in g.players]


def frequencies(summary):
    """The summary's action shares as arrays in matrix order: [row player's, column player's]."""
    return [np.array(list(summary["action_frequencies"][c].values())) for c in summary["actors"]]


def pure_equilibria(game):
    """nashpy's pure Nash equilibria as (row action, column action) index pairs."""
    found = set()
    for sigma_r, sigma_c in nashpy.Game(*game.payoffs).support_enumeration():
        if np.isclose(sigma_r.max(), 1.0) and np.isclose(sigma_c.max(), 1.0):
            found.add((int(sigma_r.argmax()), int(sigma_c.argmax())))
    return found


def qre_run(name, lam, overrides=()):
    """One logit run of a game as its scenario file sets it (seed 0): (steps, the action shares
    over the second half, pygambit's QRE), each as [row player's, column player's]."""
    game = game_of(name, "decision=logit", f"decision.lam={lam}", "seed=0", *overrides)
    summary = games.game_summary(games.run_game(game), 0, "test")
    return game.steps, frequencies(summary), logit_qre(game, lam)


# ---------------------------------------------------------------------------------------------
# command-line runs, in a background thread
# ---------------------------------------------------------------------------------------------

CLI_BAD = [
    ("scenario.payoffs.row=[[1,2],[3]]", "scenario.payoffs.row=[[1, 2], [3]]"),  # not rectangular
    ("scenario.payoffs.row=[[1,2,3],[4,5,6]]", "scenario.payoffs.row=[[1, 2, 3], [4, 5, 6]]"),
    ("scenario.payoffs.col=[[1,2],[3,abc]]", "scenario.payoffs.col[1][1]='abc'"),  # a string
]


def cli_args(job):
    kind, value = job
    if kind == "cli-bad":
        return ("scenario=games/chicken", value)
    figures = value == "chicken"  # one run draws the figure; the others save the time
    return (
        f"scenario=games/{value}",
        "scenario.steps=1000",
        "seed=4",
        f"outputs.figures={str(figures).lower()}",
    )


@pytest.fixture(scope="module", autouse=True)
def jobs(request, tmp_path_factory):
    """``{job: future of (finished process, its output folder)}`` for the command-line tests of
    this module selected in this session (``job`` is ``("cli-run", game)`` or
    ``("cli-bad", override)``), run one after another in a background thread."""
    wanted = dict.fromkeys(
        item.callspec.params["job"]
        for item in request.session.items
        if item.module is request.module
        and hasattr(item, "callspec")
        and "job" in item.callspec.params
    )
    thread = ThreadPoolExecutor(max_workers=1)

    def cli_run(job, out):
        return sim_run(*cli_args(job), out=out), out

    futures = {
        job: thread.submit(cli_run, job, tmp_path_factory.mktemp(f"cli{k}"))
        for k, job in enumerate(wanted)
    }
    yield futures
    thread.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------------------------
# logit response: the long-run frequencies are the logit QRE
# ---------------------------------------------------------------------------------------------


def test_pygambit_lambda_is_the_models_precision():
    """pygambit's lambda multiplies the raw payoffs, as decision.lam does: its QRE is a fixed
    point of sim.core.decisions.logit (so the comparison below compares like with like)."""
    game = game_of("chicken")
    row, col = game.payoffs
    for lam in LAMS:
        p, q = logit_qre(game, lam)
        values = np.array([row @ q, col.T @ p])
        again = logit(values, np.ones((2, 2), dtype=bool), np.array([lam, lam]))
        np.testing.assert_allclose(again, [p, q], atol=1e-6)


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("name", GAMES)
def test_logit_frequencies_match_pygambit_qre(name, lam):
    steps, got, want = qre_run(name, lam)
    assert steps >= 20_000  # the scenario file's own length
    for g, w in zip(got, want, strict=True):
        assert np.abs(g - w).max() < TOLERANCE, (name, lam, got, want)


def test_asymmetric_inspection_game_matches_pygambit_qre():
    """With unequal stakes the QRE moves away from 1/2 (and, unlike Nash, the inspector's own
    stake moves its own behaviour); the agents follow it."""
    steps, got, want = qre_run("matching_pennies", 1.0, ASYMMETRIC_PENNIES)
    assert abs(want[0][0] - 0.5) > 0.05 and abs(want[1][0] - 0.5) > 0.05  # not the trivial 1/2
    for g, w in zip(got, want, strict=True):
        assert np.abs(g - w).max() < TOLERANCE, (got, want)


# ---------------------------------------------------------------------------------------------
# best response: pure equilibria
# ---------------------------------------------------------------------------------------------


def run_best_response(name, *overrides, steps=2000):
    game = game_of(name, "decision=best_response", f"scenario.steps={steps}", *overrides)
    model = games.run_game(game)
    return game, model, games.game_summary(model, 0, "test")


def test_prisoners_dilemma_best_response_ends_in_mutual_defection():
    game, model, summary = run_best_response("prisoners_dilemma")
    arm = (game.actions[0].index("arm"), game.actions[1].index("arm"))
    assert pure_equilibria(game) == {arm}
    assert summary["final_actions"] == {"ISR": "arm", "IRN": "arm"}
    assert (model.record.choice[len(model.record.choice) // 2 :] == arm).all()
    assert summary["outcome_frequencies"]["arm"]["arm"] == 1.0


def test_chicken_best_response_ends_at_a_pure_nash_equilibrium():
    game, model, summary = run_best_response("chicken")
    equilibria = pure_equilibria(game)
    assert len(equilibria) == 2
    last = tuple(int(a) for a in model.record.choice[-1])
    assert last in equilibria
    assert (model.record.choice[len(model.record.choice) // 2 :] == last).all()  # it stays there


def test_symmetric_chicken_best_response_never_settles():
    """Two identical players with identical beliefs make identical choices: they alternate between
    both backing down and war (docs/GAMES.md); the reason chicken.yaml makes war worse for Iran."""
    game, model, summary = run_best_response("chicken", "scenario.payoffs.col=[[3,4],[2,1]]")
    half = model.record.choice[len(model.record.choice) // 2 :]
    assert (half[:, 0] == half[:, 1]).all()
    assert not set(map(tuple, half.tolist())) & pure_equilibria(game)


@pytest.mark.parametrize("name", GAMES)
def test_summary_pure_nash_agrees_with_nashpy(name):
    game = game_of(name)
    assert set(games.pure_nash(*game.payoffs)) == pure_equilibria(game)


def test_games_need_not_be_two_by_two():
    """A 3x2 game from the command line: three actions for the row player, two for the column."""
    game, model, summary = run_best_response(
        "stag_hunt",
        "scenario.actions.row=[cooperate,go_alone,defect]",
        "scenario.payoffs.row=[[4,0],[3,3],[1,2]]",
        "scenario.payoffs.col=[[4,3],[0,3],[1,1]]",
        steps=300,
    )
    assert list(summary["action_frequencies"]["RUS"]) == ["cooperate", "go_alone", "defect"]
    assert set(games.pure_nash(*game.payoffs)) == pure_equilibria(game)
    assert model.record.choice[:, 0].max() <= 2 and model.record.choice[:, 1].max() <= 1
    table = games.game_steps_table(model)
    assert table.loc[table["actor"] == "ISR", "p_defect"].isna().all()
    assert np.allclose(table.loc[table["actor"] == "RUS", "p_defect"].to_numpy(), 0.0)


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------

DELETE = object()
BAD_GAMES = [
    # (changes to the chicken scenario's composed config, the key the error names, its reason)
    ({"scenario.payoffs.row": [[1, 2], [3]]}, "scenario.payoffs.row", "row 1 has 1"),
    ({"scenario.payoffs.col": [[1, 2, 3], [4, 5, 6]]}, "scenario.payoffs.col", "row 0 has 3"),
    ({"scenario.payoffs.row": [[1, 2]]}, "scenario.payoffs.row", "has 1 rows"),
    ({"scenario.payoffs.row": [[1, 2], [3, "x"]]}, "scenario.payoffs.row[1][1]", "finite number"),
    ({"scenario.payoffs.row": [[1, 2], [3, math.nan]]}, "scenario.payoffs.row[1][1]", "finite"),
    ({"scenario.payoffs.col": [[1, math.inf], [3, 4]]}, "scenario.payoffs.col[0][1]", "finite"),
    ({"scenario.payoffs.row": [[1, 2], [3, True]]}, "scenario.payoffs.row[1][1]", "finite"),
    ({"scenario.payoffs.row": 5}, "scenario.payoffs.row", "list of 2 rows"),
    ({"scenario.payoffs.row": [1, 2]}, "scenario.payoffs.row", "list of 2 rows"),
    ({"scenario.payoffs.col": DELETE}, "scenario.payoffs.col", "list of 2 rows"),
    ({"scenario.payoffs": [[1]]}, "scenario.payoffs", "mapping"),
    ({"scenario.payoffs.diag": [[1]]}, "scenario.payoffs.diag", "unknown role"),
    ({"scenario.actions.row": ["back_down"]}, "scenario.actions.row", "2 to"),
    ({"scenario.actions.row": ["a", "a"]}, "scenario.actions.row", "differ"),
    ({"scenario.actions.row": ["a", ""]}, "scenario.actions.row[1]", "non-empty"),
    ({"scenario.actions.col": ["a", "b", "c"]}, "scenario.payoffs.row", "row 0 has 2"),
    ({"scenario.players": ["USA", "XXX"]}, "scenario.players[1]", "unknown actor"),
    ({"scenario.players": ["USA", "USA"]}, "scenario.players", "different"),
    ({"scenario.players": ["USA"]}, "scenario.players", "exactly two"),
    ({"scenario.players": ["USA", ["IRN"]]}, "scenario.players[1]", "unknown actor"),
    ({"scenario.steps": 0}, "scenario.steps", "integer"),
    ({"scenario.steps": 1.5}, "scenario.steps", "integer"),
    ({"scenario.steps": DELETE}, "scenario.steps", "integer"),
    ({"scenario.events": []}, "scenario.events", "unknown game scenario key"),
    ({"scenario.name": DELETE}, "scenario.name", "non-empty"),
    ({"decision.lam": -1}, "decision.lam", "finite number"),
    ({"decision.rule": "clairvoyant"}, "decision.rule", "unknown rule"),
    ({"actors.IRN.rationality": -1}, "actors.IRN.rationality", "finite number"),
    ({"seed": -3}, "seed", "non-negative"),
    ({"outputs.figures": "yes"}, "outputs.figures", "true or false"),
]


@pytest.mark.parametrize("changes, key, reason", BAD_GAMES)
def test_bad_game_config_names_the_key(changes, key, reason):
    config = default_config(("scenario=games/chicken",))
    for dotted, value in changes.items():
        *path, last = dotted.split(".")
        node = config
        for part in path:
            node = node[part]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    with pytest.raises(ConfigError) as caught:
        games.build_game(config)
    assert caught.value.key == key
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    "job, expected", [(("cli-bad", o), e) for o, e in CLI_BAD], ids=[o for o, _ in CLI_BAD]
)
def test_bad_payoffs_exit_2_with_one_line(jobs, job, expected):
    proc, tmp_path = jobs[job].result()
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert expected in lines[0] and "chicken.yaml" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "summary.json").exists()
    assert not list(tmp_path.glob("*.parquet"))


# ---------------------------------------------------------------------------------------------
# outputs
# ---------------------------------------------------------------------------------------------

REQUIRED = {
    "scenario",
    "seed",
    "steps",
    "version",
    "config_hash",
    "actors",
    "decision_rule",
    "lam",
    "action_frequencies",
    "cumulative_payoff",
}


@pytest.mark.parametrize("job", [("cli-run", name) for name in GAMES], ids=GAMES)
def test_cli_runs_each_game_end_to_end(jobs, job):
    name = job[1]
    figures = name == "chicken"
    proc, tmp_path = jobs[job].result()
    assert proc.returncode == 0, proc.stderr
    game = game_of(name)
    row_code, col_code = game.codes
    assert f"{row_code} (row) vs {col_code} (column)" in proc.stdout
    assert (tmp_path / "figures/frequencies.png").exists() == figures
    if figures:
        assert (tmp_path / "figures/frequencies.png").stat().st_size > 10_000
    assert not list(tmp_path.glob(".partial-*"))
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary) >= REQUIRED
    assert summary["scenario"] == f"games/{name}" and summary["seed"] == 4
    assert summary["steps"] == 1000 and summary["actors"] == [row_code, col_code]
    freq = summary["action_frequencies"]
    assert list(freq[row_code]) == list(game.actions[0])  # matrix row order
    assert list(freq[col_code]) == list(game.actions[1])  # matrix column order
    for code in (row_code, col_code):
        assert sum(freq[code].values()) == pytest.approx(1.0)

    steps = pd.read_parquet(tmp_path / "steps.parquet")
    assert len(steps) == 2 * 1000
    assert list(steps["actor"][:2]) == [row_code, col_code]
    row, col = game.payoffs
    index = [{a: k for k, a in enumerate(labels)} for labels in game.actions]
    by_actor = [steps[steps["actor"] == c].reset_index(drop=True) for c in game.codes]
    i = by_actor[0]["action"].map(index[0]).to_numpy()  # the row player's action each step
    j = by_actor[1]["action"].map(index[1]).to_numpy()  # the column player's
    for p, (code, mine, chosen) in enumerate(zip(game.codes, by_actor, (i, j), strict=True)):
        probs = mine[[f"p_{a}" for a in game.actions[p]]].to_numpy()
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)
        np.testing.assert_allclose(mine["probability"], probs[np.arange(len(mine)), chosen])
        # the realised payoff is the matrix entry of the two actions taken
        np.testing.assert_allclose(mine["payoff"], (row, col)[p][i, j])
        assert summary["cumulative_payoff"][code] == pytest.approx(mine["payoff"].sum())
    # step 1: beliefs are the uniform prior, so expected payoffs are the matrix's means
    first = steps[steps["step"] == 1]
    np.testing.assert_allclose(
        first.iloc[0][[f"eu_{a}" for a in game.actions[0]]].astype(float), row.mean(axis=1)
    )
    np.testing.assert_allclose(
        first.iloc[1][[f"eu_{a}" for a in game.actions[1]]].astype(float), col.mean(axis=0)
    )


def test_same_seed_same_bytes(tmp_path):
    config = default_config(("scenario=games/matching_pennies", "scenario.steps=500"))
    config["outputs"]["figures"] = False
    for out in ("a", "b"):
        model = games.run_game(games.build_game(config))
        games.write_game(model, config, tmp_path / out, seed=0)
    for name in ("steps.parquet", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = default_config(("scenario=games/matching_pennies", "scenario.steps=500", "seed=1"))
    choices = [games.run_game(games.build_game(c)).record.choice for c in (config, other)]
    assert not np.array_equal(*choices)


def test_scenario_files_are_documented():
    for name in GAMES:
        text = (ROOT / "configs/scenario/games" / f"{name}.yaml").read_text()
        assert text.startswith("# @package _global_")
        game = game_of(name)
        assert game.name == f"games/{name}" and len(game.description) > 40
        assert "Payoffs:" in text  # each file names the source of its matrix
