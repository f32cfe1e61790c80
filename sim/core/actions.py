"""The action catalogue as arrays, each actor's alternatives, and the effects of acts.

The catalogue is data (configs/actions/): here it becomes one array per field, indexed by action,
so that the effects of every alternative of every actor are computed in one vectorised call.
"""

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

TARGET_KINDS = ("none", "other", "pair")
STOCKS = ("prestige", "damage", "sanctions")  # order of the stock axis everywhere
COMPONENTS = ("security", "economic", "prestige")  # order of the payoff axis everywhere
REQUIREMENTS = (None, "crisis", "prisoner")


@dataclass(frozen=True)
class ActionSpec:
    """One entry of the catalogue (see configs/actions/default.yaml for the meaning of fields)."""

    name: str
    cameo: str
    goldstein: float
    intensity: float = 1.0
    target: str = "other"
    visibility: float = 1.0
    cost: dict = field(default_factory=dict)
    prestige_self: float = 0.0
    prestige_target: float = 0.0
    damage_target: float = 0.0
    sanction_target: float = 0.0
    pair_goldstein: float = 0.0
    party_share: float = 0.0
    min_crisis: float = 0.0
    escalation: bool = False
    requires: str | None = None
    event_only: bool = False


class ActionTable:
    """Column arrays of the catalogue, one entry per action, in catalogue order."""

    def __init__(self, specs: list[ActionSpec]):
        self.specs = list(specs)
        self.names = [s.name for s in specs]
        self.index = {name: k for k, name in enumerate(self.names)}
        col = lambda attr: np.array([getattr(s, attr) for s in specs], dtype=float)  # noqa: E731
        self.goldstein = col("goldstein")
        self.effect = self.goldstein * col("intensity")  # Goldstein units the act moves affinity by
        self.visibility = col("visibility")
        self.prestige_self = col("prestige_self")
        self.prestige_target = col("prestige_target")
        self.damage_target = col("damage_target")
        self.sanction_target = col("sanction_target")
        self.pair_goldstein = col("pair_goldstein")
        self.party_share = col("party_share")
        self.min_crisis = col("min_crisis")
        self.escalation = np.array([s.escalation for s in specs], dtype=bool)
        self.kind = np.array([TARGET_KINDS.index(s.target) for s in specs])
        self.requires = np.array([REQUIREMENTS.index(s.requires) for s in specs])
        self.cost = np.array([[s.cost.get(c, 0.0) for c in COMPONENTS] for s in specs], dtype=float)

    def effect_arrays(self) -> tuple:
        """The columns ``kernels.alternative_effects`` reads, in its argument order."""
        return (
            self.effect,
            self.kind,
            self.visibility,
            self.prestige_self,
            self.prestige_target,
            self.damage_target,
            self.sanction_target,
            self.pair_goldstein,
            self.party_share,
        )


@dataclass(frozen=True)
class Alternatives:
    """Every actor's alternatives, padded to a common length A (shape (n, A) each).

    Padding slots hold ``wait`` with ``valid`` False; a slot's availability at a step also depends
    on the world (a pair in conflict, a prisoner held).
    """

    action: np.ndarray
    target: np.ndarray  # -1 when the action has no target
    target2: np.ndarray  # second party of a pair, else -1
    valid: np.ndarray

    @property
    def shape(self):
        return self.action.shape

    def label(self, i: int, a: int, names: list[str], codes: list[str]) -> str:
        """Readable label such as ``engage:ISR``, ``mediate:IRN-USA`` or ``wait``."""
        name, t, t2 = names[self.action[i, a]], self.target[i, a], self.target2[i, a]
        if t < 0:
            return name
        if t2 < 0:
            return f"{name}:{codes[t]}"
        return f"{name}:{codes[t]}-{codes[t2]}"


def build_alternatives(n: int, table: ActionTable, relevant=None) -> Alternatives:
    """List, for each actor, wait and every choosable action toward every valid target.

    ``relevant`` (n, n) bool, if given, limits each actor's targets to the states that matter to
    it (``world.Structure.relevant``): acts toward a state that counts in none of its payoffs
    would only copy ``wait`` and take choice probability from the alternatives that matter."""
    signature = tuple((s.name, s.target, s.event_only) for s in table.specs)
    mask = (
        None if relevant is None else tuple(map(tuple, np.asarray(relevant, dtype=bool).tolist()))
    )
    return _alternatives(n, signature, mask)


@lru_cache(maxsize=64)
def _alternatives(n: int, signature: tuple, mask: tuple | None = None) -> Alternatives:
    names = [name for name, _, _ in signature]
    rows = []
    for i in range(n):
        others = [j for j in range(n) if j != i and (mask is None or mask[i][j])]
        alts = []
        for k, (_, target, event_only) in enumerate(signature):
            if event_only:
                continue
            if target == "none":
                alts.append((k, -1, -1))
            elif target == "other":
                alts.extend((k, j, -1) for j in others)
            else:
                alts.extend((k, x, y) for x in others for y in others if x < y)
        rows.append(alts)
    width = max(len(r) for r in rows)
    wait = names.index("wait") if "wait" in names else 0
    out = np.full((4, n, width), -1, dtype=np.int64)
    out[0] = wait
    out[3] = 0
    for i, alts in enumerate(rows):
        for a, (k, t, t2) in enumerate(alts):
            out[:, i, a] = (k, t, t2, 1)
    out.setflags(write=False)  # shared by every model of the same catalogue
    valid = out[3].astype(bool)
    valid.setflags(write=False)
    return Alternatives(out[0], out[1], out[2], valid)


def crisis_depth(affinity, baseline, x, y):
    """How far the pair (x, y) has fallen below its structural baseline (mean latent drop, >= 0)."""
    return np.maximum(
        0.0, (baseline[x, y] + baseline[y, x] - affinity[x, y] - affinity[y, x]) / 2.0
    )


def act_effects(affinity, baseline, actor, action, target, target2, table: ActionTable, dynamics):
    """Changes to latent affinity and to stocks caused by a batch of acts on the same world.

    ``actor, action, target, target2`` are integer arrays of length m. Returns ``d_affinity`` of
    shape (m, n, n) (row = who changes, column = toward whom) and ``d_stocks`` of shape (m, n, 3).

    An act of Goldstein value g adds alpha*g*r to the target's affinity toward the actor, where
    r = 1 - attribution*(1 - sign(g)*stance[target, actor])/2 is the target's receptivity,
    self_shift*alpha*g*r to the actor's toward the target, and to each third party k's affinity
    toward the actor heider*visibility*alpha*g*r*stance[k, target] (Heider's structural balance).
    A mediation adds party_share*alpha*g to each party's affinity toward the mediator,
    alpha*pair_goldstein to the parties' affinities toward each other, and prestige_self times the
    depth of the parties' crisis to the mediator's prestige stock.
    """
    stance = np.tanh(affinity)
    m, n = len(actor), stance.shape[0]
    d_aff = np.zeros((m, n, n))
    d_stk = np.zeros((m, n, 3))
    g = dynamics.alpha * table.effect[action]
    kind = table.kind[action]
    rows = np.arange(m)

    other = np.flatnonzero(kind == 1)
    if other.size:
        i, t, gi = actor[other], target[other], g[other]
        # attribution (Mercer 1996): a friend's hostile act and a rival's kind act are discounted
        gi = gi * (1.0 - dynamics.attribution * (1.0 - np.sign(gi) * stance[t, i]) / 2.0)
        col = (dynamics.heider * table.visibility[action[other]] * gi)[:, None] * stance[:, t].T
        sub = np.arange(other.size)
        col[sub, i] = 0.0
        col[sub, t] = gi
        d_aff[other, :, i] = col
        d_aff[other, i, t] = dynamics.self_shift * gi
        act = action[other]
        d_stk[other, t, 0] += table.prestige_target[act]
        d_stk[other, t, 1] += table.damage_target[act]
        d_stk[other, t, 2] += table.sanction_target[act]

    pair = np.flatnonzero(kind == 2)
    factor = np.ones(m)
    if pair.size:
        i, x, y, act = actor[pair], target[pair], target2[pair], action[pair]
        credit = table.party_share[act] * g[pair]
        d_aff[pair, x, i] = credit
        d_aff[pair, y, i] = credit
        calm = dynamics.alpha * table.pair_goldstein[act]
        d_aff[pair, x, y] = calm
        d_aff[pair, y, x] = calm
        factor[pair] = crisis_depth(affinity, baseline, x, y)

    d_stk[rows, actor, 0] += table.prestige_self[action] * factor
    return d_aff, d_stk


def availability(alts: Alternatives, table: ActionTable, affinity, baseline, flags) -> np.ndarray:
    """Which alternatives can be chosen now: valid slots whose requirement the world meets
    (a pair in crisis for a mediation, a prisoner held for a release)."""
    req = table.requires[alts.action]
    ok = alts.valid.copy()
    crisis = req == 1
    if crisis.any():
        depth = crisis_depth(affinity, baseline, alts.target[crisis], alts.target2[crisis])
        ok[crisis] &= depth >= table.min_crisis[alts.action[crisis]]
    held = req == 2
    if held.any():
        i = np.broadcast_to(np.arange(alts.shape[0])[:, None], alts.shape)[held]
        ok[held] &= flags["prisoner"][i, alts.target[held]]
    return ok
