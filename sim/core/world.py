"""The state of the world: structural data that does not change, and the state that does.

Stances live as latent affinities ``z`` with ``stance = tanh(z)``: events and acts add to ``z``, so
stances stay inside (-1, 1) and entrenched relations (near +-1) move little, as enduring rivalries
and alliances do (Diehl & Goertz 2000).
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

STANCE_LIMIT = (
    0.999  # configured stances of exactly +-1 are read as +-STANCE_LIMIT (atanh is finite)
)


def affinity(stance):
    """Latent affinity of a stance in [-1, 1]."""
    return np.arctanh(np.clip(stance, -STANCE_LIMIT, STANCE_LIMIT))


def random_affinity(rng, n: int, spread: float) -> np.ndarray:
    """Latent affinities (n, n) of stances drawn uniformly in [-spread, spread] for every
    ordered pair (so relations start asymmetric), zero on the diagonal."""
    stance = rng.uniform(-spread, spread, size=(n, n)) * (1.0 - np.eye(n))
    return affinity(stance)


class PayoffParams(NamedTuple):
    """Per-actor rows of the payoff functions, shaped to broadcast against stance rows."""

    salience: np.ndarray
    trade_share: np.ndarray
    standing_share: np.ndarray
    oil_exposure: np.ndarray
    threat_aversion: float


MIN_RELEVANCE = 1e-3  # a state weighing less than 0.1% in all of an actor's payoffs is not a target
RECOGNITION_PEERS = (
    3.0  # full recognition: three states of standing 1 (the default system's others)
)


def _row_shares(weights: np.ndarray) -> np.ndarray:
    """Normalise each row to sum to 1 (rows of zeros stay zero)."""
    total = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)


@dataclass(frozen=True)
class Structure:
    """What the scenario fixes: who the actors are and what matters to each of them."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    capability: np.ndarray  # (n,) CINC
    weights: np.ndarray  # (n, 3) normalised security, economic, prestige
    rationality: np.ndarray  # (n,)
    oil_exposure: np.ndarray  # (n,)
    standing: np.ndarray  # (n,)
    trade: np.ndarray  # (n, n) symmetric, bn USD
    presence: np.ndarray  # (n, theatres) in [0, 1]
    initial_stance: np.ndarray  # (n, n), zero diagonal
    threat_aversion: float
    theatre_weight: float
    trade_reference: np.ndarray | None = None  # (n,) bn USD; None: each actor's trade in the run
    index: dict = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "index", {c: k for k, c in enumerate(self.codes)})

    @property
    def n(self) -> int:
        return len(self.codes)

    @cached_property
    def others(self) -> np.ndarray:
        return 1.0 - np.eye(self.n)

    @cached_property
    def salience_shares(self) -> tuple:
        """What salience blends by ``theatre_weight``: each actor's share of the others'
        capability, its share of their presence in shared theatres, whether it shares any."""
        global_share = _row_shares(self.capability[None, :] * self.others)
        shared = (self.presence @ self.presence.T) * self.others
        return global_share, _row_shares(shared), shared.sum(axis=1, keepdims=True) > 0

    @cached_property
    def salience(self) -> np.ndarray:
        """Weight of j in i's security: global capability share blended with shared theatres."""
        return blend_salience(self.salience_shares, self.theatre_weight)

    @cached_property
    def trade_share(self) -> np.ndarray:
        """Trade with j over the actor's ``trade_reference``: the trade at stake, which grows
        with the trade and is not diluted by a state the actor does not trade with."""
        trade = self.trade * self.others
        if self.trade_reference is None:
            return _row_shares(trade)
        reference = self.trade_reference[:, None]
        return np.divide(trade, reference, out=np.zeros_like(trade), where=reference > 0)

    @cached_property
    def standing_share(self) -> np.ndarray:
        """Recognition weight of j for each actor: standing over ``RECOGNITION_PEERS``, not
        renormalised over the states present, so that a state with neutral stances changes no
        one's prestige."""
        return self.standing[None, :] * self.others / RECOGNITION_PEERS

    @cached_property
    def relevant(self) -> np.ndarray:
        """(n, n) bool: j counts in one of i's payoffs (salience, trade at stake or recognition,
        together at least ``MIN_RELEVANCE``): the states i can act toward."""
        weight = self.salience + self.trade_share + self.standing_share
        return (weight >= MIN_RELEVANCE) & (self.others > 0)

    def with_dynamics(self, threat_aversion: float, theatre_weight: float) -> "Structure":
        """This structure under other dynamics, sharing what follows from the actors alone (a
        sweep over dynamics derives it once, not once per run)."""
        other = Structure(
            self.codes,
            self.names,
            self.capability,
            self.weights,
            self.rationality,
            self.oil_exposure,
            self.standing,
            self.trade,
            self.presence,
            self.initial_stance,
            threat_aversion,
            theatre_weight,
            self.trade_reference,
        )
        other.__dict__.update({name: getattr(self, name) for name in ACTORS_ALONE})
        return other

    def payoff_params(self, extra_axes: int = 0) -> PayoffParams:
        """Payoff parameters for all actors, with ``extra_axes`` singleton axes after the actor axis."""
        shape_m = (self.n,) + (1,) * extra_axes + (self.n,)
        shape_v = (self.n,) + (1,) * extra_axes
        return PayoffParams(
            self.salience.reshape(shape_m),
            self.trade_share.reshape(shape_m),
            self.standing_share.reshape(shape_m),
            self.oil_exposure.reshape(shape_v),
            self.threat_aversion,
        )


def blend_salience(shares: tuple, theatre_weight) -> np.ndarray:
    """Salience from ``Structure.salience_shares`` and ``theatre_weight``: a number, or an array
    (R, 1, 1) for R runs at once (the same numbers, element by element)."""
    global_share, local_share, has_theatre = shares
    w = np.where(has_theatre, theatre_weight, 0.0)
    return (1.0 - w) * global_share + w * local_share


ACTORS_ALONE = ("others", "trade_share", "standing_share", "salience_shares")  # not dynamics


@dataclass
class WorldState:
    """What changes during a run."""

    affinity: np.ndarray  # (n, n) latent; stance = tanh(affinity)
    baseline: np.ndarray  # (n, n) latent structural baseline that affinities relax to
    stocks: np.ndarray  # (n, 3) prestige, damage, sanctions (points)
    oil_deviation: float = 0.0
    oil_persistence: float = 0.0
    prisoner: np.ndarray = None  # (n, n) bool: [holder, prisoner's state]
    linkage_cost: np.ndarray = None  # (n, n) prestige points forgone by releasing now
    linkage_persistence: np.ndarray = None  # (n, n) weekly persistence of that cost (1: fixed)
    grievance: np.ndarray = None  # (n, n) weekly affinity loss of [row] toward [column]

    @classmethod
    def initial(cls, structure: Structure) -> "WorldState":
        n = structure.n
        z = affinity(structure.initial_stance) * structure.others
        return cls(
            affinity=z,
            baseline=z.copy(),
            stocks=np.zeros((n, 3)),
            prisoner=np.zeros((n, n), dtype=bool),
            linkage_cost=np.zeros((n, n)),
            linkage_persistence=np.ones((n, n)),
            grievance=np.zeros((n, n)),
        )

    @property
    def stance(self) -> np.ndarray:
        return np.tanh(self.affinity)

    def copy(self) -> "WorldState":
        return WorldState(
            self.affinity.copy(),
            self.baseline.copy(),
            self.stocks.copy(),
            self.oil_deviation,
            self.oil_persistence,
            self.prisoner.copy(),
            self.linkage_cost.copy(),
            self.linkage_persistence.copy(),
            self.grievance.copy(),
        )
