"""The model's stage game at one step, and its equilibria beside what the agents played.

The model never solves a game: each state answers its beliefs. Whether that play is an
equilibrium of the week's game is a question for the analyst, asked here. The world at step t is
rebuilt by running the Mesa model itself to step t - 1 (same seed, so the same events and
draws) and firing step t's events; each state keeps its ``k`` best alternatives by the expected
utility it chose by; every joint profile of them is applied at once through the model's own
backend (``advance``: one step's effects and utilities), giving an N-player normal-form game.
Its pure Nash equilibria are enumerated, and one logit QRE is followed by pygambit (``analysis``
extra), each state's rationality folded into its payoffs as in the two-player case.
"""

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

PAYOFFS = ("utility", "expected")


@dataclass
class StageGame:
    """What :func:`stage_game` returns.

    Attributes
    ----------
    step : int
        The step (1-based) whose decision the game is.
    codes : list of str
        The states, in the model's order.
    labels : list of list of str
        Each state's ``k`` alternatives (``mediate:IRN-USA``), best first.
    slots : ndarray, shape (n, k)
        Their indices among the state's alternatives (``model.alts``).
    payoffs : ndarray, shape (n, k, ..., k)
        ``payoffs[i][a_1, ..., a_n]``: state i's payoff of the joint profile.
    lam : float
        The decision config's ``lam``.
    rationality : ndarray, shape (n,)
        Each state's rationality: its precision is ``lam * rationality[i]``.
    played : ndarray, shape (n, k)
        The probabilities the model gave those alternatives at the step (a row sums to less
        than 1 when the state's other alternatives had mass).
    chosen : list of str
        What each state chose at the step (perhaps outside its ``k``).
    """

    step: int
    codes: list
    labels: list
    slots: np.ndarray
    payoffs: np.ndarray
    lam: float
    rationality: np.ndarray
    played: np.ndarray
    chosen: list


def pure_equilibria(payoffs: np.ndarray, tol: float = 1e-9) -> list[tuple]:
    """Every pure Nash equilibrium of an N-player game (``payoffs``: (n, k_1, ..., k_n)), by
    enumeration: the profiles at which no player gains more than ``tol`` (relative to the
    game's payoff range) by a deviation of its own."""
    payoffs = np.asarray(payoffs, dtype=float)
    slack = tol * max(float(np.ptp(payoffs)), 1.0)
    best = [payoffs[i] >= payoffs[i].max(axis=i, keepdims=True) - slack
            for i in range(payoffs.shape[0])]  # fmt: skip
    return [tuple(int(a) for a in p) for p in np.argwhere(np.logical_and.reduce(best))]


def logit_qre_n(payoffs: np.ndarray, lam: float, rationality=None) -> list[np.ndarray]:
    """The logit QRE on pygambit's principal branch at precision ``lam`` of an N-player game,
    player i's payoffs scaled by ``rationality[i]`` (its precision ``lam * rationality[i]``):
    one mixed strategy per player."""
    import pygambit

    payoffs = np.asarray(payoffs, dtype=float)
    n = payoffs.shape[0]
    if lam == 0:
        return [np.full(payoffs.shape[1 + i], 1.0 / payoffs.shape[1 + i]) for i in range(n)]
    scale = np.ones(n) if rationality is None else np.asarray(rationality, dtype=float)
    game = pygambit.Game.from_arrays(*(payoffs[i] * scale[i] for i in range(n)))
    profile = pygambit.qre.logit_solve_lambda(game, lam=[float(lam)])[0].profile
    return [np.array([float(profile[s]) for s in p.strategies]) for p in game.players]


def expected_payoffs(payoffs: np.ndarray, strategies) -> np.ndarray:
    """Each player's expected payoff (n,) when player j plays the mixed ``strategies[j]``."""
    out = np.asarray(payoffs, dtype=float)
    for s in strategies:  # contract the first player axis each time
        out = np.tensordot(out, np.asarray(s, dtype=float), axes=([1], [0]))
    return out


def _world_at(spec, step: int, backend: str):
    """The model run to ``step - 1`` with step ``step``'s events fired, and the decision's
    numbers at ``step`` (``available, d_aff, d_stk, costs, components, probabilities``)."""
    from sim.abm.model import BalanceModel

    model = BalanceModel(spec, backend)
    for _ in range(step - 1):
        model.step()
    model.fire_events(step)
    return model, model.backend.decide(model.world, step, model.counts)


def _payoff_array(model, step: int, decision, slots: np.ndarray, payoff: str) -> np.ndarray:
    """Every state's payoff of every joint profile of its ``slots`` (n, k): the utility of the
    step's joint outcome (``advance``), or the look-ahead expected utility each would have
    computed knowing the others' alternatives (``expected``)."""
    available, d_aff, d_stk, costs, _, _ = decision
    n, k = slots.shape
    rows = np.arange(n)
    out = np.empty((n, *(k,) * n))
    for profile in itertools.product(range(k), repeat=n):
        choice = slots[rows, profile]
        if payoff == "utility":
            value = model.backend.advance(model.world, d_aff, d_stk, choice, costs)[3]
        else:
            beliefs = np.zeros(available.shape)
            beliefs[rows, choice] = 1.0
            parts = model.backend.evaluator.evaluate(
                model.world, step, d_aff, d_stk, beliefs, costs
            )
            value = parts.sum(axis=-1)[rows, choice]
        out[(slice(None), *profile)] = value
    return out


def stage_game(config, step, k: int = 3, *, seed=None, payoff: str = "utility",
               backend: str = "numba") -> StageGame:  # fmt: skip
    """The stage game of a scenario's step: see :func:`stage_equilibria` for the parameters."""
    import sim
    from sim.abm.run import build, is_game
    from sim.scenario.build import to_container

    if config is None or isinstance(config, list | tuple):
        config = sim.compose(config or ())
    config = dict(to_container(config))
    if is_game(config):
        raise ValueError("a classic game scenario: use sim.analysis.equilibria")
    if payoff not in PAYOFFS:
        raise ValueError(f"payoff must be one of {PAYOFFS}, not {payoff!r}")
    if seed is not None:
        config["seed"] = int(seed)
    spec = build(config)
    if isinstance(step, str | dt.date):
        step = spec.calendar.step_of(dt.date.fromisoformat(str(step)))
    if step is None or not 1 <= int(step) <= spec.calendar.steps:
        raise ValueError(f"step must be in 1..{spec.calendar.steps} (or a date of the run)")
    step = int(step)
    model, decision = _world_at(spec, step, backend)
    available, components = decision[0], decision[4]
    value = np.where(available, components.sum(axis=-1), -np.inf)
    k = int(min(k, available.sum(axis=1).min()))
    slots = np.argsort(-value, axis=1, kind="stable")[:, :k]
    record = sim.run_model(config, backend=backend).record  # what the agents did at the step
    rows = np.arange(model.structure.n)
    return StageGame(
        step=step,
        codes=list(model.structure.codes),
        labels=[[model.label(i, a) for a in slots[i]] for i in rows],
        slots=slots,
        payoffs=_payoff_array(model, step, decision, slots, payoff),
        lam=float(spec.decision.lam),
        rationality=np.asarray(model.structure.rationality, dtype=float),
        played=record.probabilities[step - 1][rows[:, None], slots],
        chosen=[model.label(i, int(a)) for i, a in enumerate(record.choice[step - 1])],
    )


def stage_equilibria(config, step, k: int = 3, *, seed=None, payoff: str = "utility",
                     backend: str = "numba") -> pd.DataFrame:  # fmt: skip
    """The pure Nash equilibria and the logit QRE of the model's stage game at ``step``, beside
    what the agents played there.

    Parameters
    ----------
    config : dict, DictConfig, list of str or None
        A composed config of a scenario (not a classic game), or overrides for
        :func:`sim.compose`.
    step : int or str
        The step (1-based), or a date of the run (``"2020-01-03"``: the step holding it).
    k : int, default 3
        Alternatives kept per state, its best by the expected utility it chose by, so the
        game has ``k ** n`` profiles (81 for four states).
    seed : int, optional
        The run's seed (default: the config's).
    payoff : {"utility", "expected"}
        A profile's payoff: each state's utility of the step's joint outcome (the acts applied
        together, the model's one-step effects and utility), or the look-ahead expected utility
        it would compute knowing the others' alternatives.
    backend : {"numba", "numpy"}
        The model's backend (the same numbers).

    Returns
    -------
    pandas.DataFrame
        One row per pure equilibrium (``kind`` pure), one for the logit QRE at the config's
        ``lam`` (``qre``), one for the model's probabilities at the step (``played``; a row
        sums to less than 1 when other alternatives had mass) and one for its draws
        (``chosen``; all 0 for a state whose choice is outside its ``k``). Columns: ``kind``,
        one per alternative (``RUS:mediate:IRN-USA``) holding its probability, and ``u:CODE``,
        each state's expected payoff under the row (``played`` renormalised over the ``k``;
        NaN for ``chosen`` outside them).
    """
    return solve(stage_game(config, step, k, seed=seed, payoff=payoff, backend=backend))


def solve(game: StageGame) -> pd.DataFrame:
    """The table of :func:`stage_equilibria` for a :class:`StageGame` already built."""
    n, k = game.slots.shape
    rows = []
    for profile in pure_equilibria(game.payoffs):
        rows.append(("pure", [np.eye(k)[a] for a in profile]))
    rows.append(("qre", logit_qre_n(game.payoffs, game.lam, game.rationality)))
    rows.append(("played", list(game.played)))
    chosen = [np.array([c == x for x in labels], dtype=float)
              for c, labels in zip(game.chosen, game.labels, strict=True)]  # fmt: skip
    rows.append(("chosen", chosen))
    records = []
    for kind, strategies in rows:
        mass = np.array([s.sum() for s in strategies])
        if not (mass > 0).all() or (kind == "chosen" and not np.allclose(mass, 1.0)):
            u = np.full(n, np.nan)
        else:
            u = expected_payoffs(
                game.payoffs, [s / m for s, m in zip(strategies, mass, strict=True)]
            )
        records.append([kind, *np.concatenate(strategies), *u])
    columns = [
        f"{c}:{a}" for c, labels in zip(game.codes, game.labels, strict=True) for a in labels
    ]
    return pd.DataFrame(records, columns=["kind", *columns, *(f"u:{c}" for c in game.codes)])
