"""Equilibria of a classic two-player game scenario beside what the agents played: the pure and
mixed Nash equilibria (nashpy's support enumeration) and the logit quantal response equilibrium
at the agents' precision (pygambit), each player's rationality folded into its payoffs.

Needs the ``analysis`` extra (nashpy, pygambit; both also in ``test``)."""

import numpy as np
import pandas as pd


def nash_equilibria(row: np.ndarray, col: np.ndarray, tol: float = 1e-9) -> list[tuple]:
    """Every Nash equilibrium of the bimatrix game (``row``, ``col``: (m, n) payoffs) as
    (kind, row strategy (m,), column strategy (n,)); kind ``pure`` or ``mixed``."""
    import nashpy

    out = []
    for sigma_r, sigma_c in nashpy.Game(row, col).support_enumeration(tol=tol):
        pure = np.isclose(sigma_r.max(), 1.0) and np.isclose(sigma_c.max(), 1.0)
        out.append(("pure" if pure else "mixed", np.asarray(sigma_r), np.asarray(sigma_c)))
    return out


def logit_qre(row: np.ndarray, col: np.ndarray, lam: float, rationality=(1.0, 1.0)) -> tuple:
    """The logit QRE on pygambit's principal branch at precision ``lam``, player i's payoffs
    scaled by its ``rationality`` (so its precision is ``lam * rationality[i]``): (row
    strategy (m,), column strategy (n,))."""
    import pygambit

    m, n = row.shape
    game = pygambit.Game.from_arrays(row * rationality[0], col * rationality[1])
    if lam == 0:
        return np.full(m, 1.0 / m), np.full(n, 1.0 / n)
    profile = pygambit.qre.logit_solve_lambda(game, lam=[float(lam)])[0].profile
    players = list(game.players)
    strategies = [
        np.array([float(profile[s]) for s in players[p].strategies]) for p in range(2)
    ]  # fmt: skip
    return strategies[0], strategies[1]


def equilibria(config) -> pd.DataFrame:
    """The Nash equilibria and the logit QRE of a games scenario, and the agents' play.

    Parameters
    ----------
    config : dict or DictConfig
        A composed config of a games scenario (``sim.compose(["scenario=games/chicken"])``).

    Returns
    -------
    pandas.DataFrame
        One row per equilibrium (``kind``: pure, mixed, qre) and one for ``played`` (each
        player's share of each action over the run), with one column per action of each
        player (``ROW:label``, ``COL:label``) holding its probability.
    """
    import sim
    from sim.scenario.build import to_container
    from sim.scenario.game import build_game

    spec = build_game(to_container(config))
    row, col = (np.asarray(p, dtype=float) for p in spec.payoffs)
    columns = [f"{spec.codes[p]}:{a}" for p in range(2) for a in spec.actions[p]]
    rows = [(kind, *r, *c) for kind, r, c in nash_equilibria(row, col)]
    r, c = logit_qre(row, col, spec.decision.lam, spec.rationality)
    rows.append(("qre", *r, *c))
    model = sim.run_model(config)
    played = [_shares(model, p, len(spec.actions[p])) for p in range(2)]
    rows.append(("played", *played[0], *played[1]))
    return pd.DataFrame(rows, columns=["kind", *columns])


def _shares(model, player: int, k: int) -> np.ndarray:
    """A player's share of each of its ``k`` actions over the run (``model.record.choice``:
    (steps, 2) action indices)."""
    counts = np.bincount(np.asarray(model.record.choice[:, player], dtype=np.int64), minlength=k)
    return counts[:k] / counts.sum()
