"""Expected utility of every alternative of every actor, with a short look-ahead.

One vectorised call evaluates all (actor, alternative) pairs. For actor i and alternative a, the
next state is the relaxed world plus a's effect plus the others' expected effects under i's
fictitious-play beliefs (simultaneous moves). The look-ahead then lets the world relax for
``horizon`` steps with no further acts, adds foreseen events (elections, whose outcome depends on
the stocks the alternative changes), and averages the discounted payoffs. One-off costs are paid in the
first step. The result is split into security, economic and prestige: the explanation of every choice.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sim.core import payoffs


@dataclass(frozen=True)
class Anticipation:
    """A foreseen event: an election in ``state`` at ``step``; if the incumbent loses, the state's
    affinity toward each actor shifts by ``loss_shift``. Survival probability is
    logistic(logit(incumbent_prob) + prestige_slope * prestige stock of the state)."""

    step: int
    state: int
    incumbent_prob: float
    prestige_slope: float
    loss_shift: np.ndarray  # (n,) latent shift toward each actor


def survival_probability(anticipation: Anticipation, prestige_stock):
    bias = np.log(anticipation.incumbent_prob / (1.0 - anticipation.incumbent_prob))
    return 1.0 / (1.0 + np.exp(-(bias + anticipation.prestige_slope * prestige_stock)))


class CatalogueArrays(NamedTuple):
    """What the look-ahead reads of each alternative that follows from the catalogue alone."""

    static_cost: np.ndarray  # (n, A, 3) the catalogue's one-off costs
    requires_prisoner: np.ndarray  # (n, A) bool: a release
    keeps_grievance: np.ndarray  # (n, A, n) 0 where the act ends the grievance toward the actor
    target_or_self: np.ndarray  # (n, A) the target of an act aimed at another state, else the actor
    goldstein_other: np.ndarray  # (n, A) the Goldstein value of such an act, else 0


def catalogue_arrays(alts, table) -> CatalogueArrays:
    """The :class:`CatalogueArrays` of ``alts`` under ``table``, computed once per table (a
    sweep's runs share one table when the catalogue is not swept; see ``config.Reuse``)."""
    memo = table.__dict__.setdefault("_catalogue_arrays", {})
    hit = memo.get(id(alts))
    if hit is not None and hit[0] is alts:
        return hit[1]
    n, width = alts.shape
    requires_prisoner = table.requires[alts.action] == 2
    # alternatives that end a grievance toward the actor: releasing the prisoner's state's citizen
    clears = np.zeros((n, width, n))
    i_idx, a_idx = np.nonzero(requires_prisoner)
    clears[i_idx, a_idx, alts.target[i_idx, a_idx]] = 1.0
    other = table.kind[alts.action] == 1
    arrays = CatalogueArrays(
        static_cost=table.cost[alts.action],
        requires_prisoner=requires_prisoner,
        keeps_grievance=1.0 - clears,
        target_or_self=np.where(other, alts.target, np.arange(n)[:, None]),
        goldstein_other=np.where(other, table.goldstein[alts.action], 0.0),
    )
    memo[id(alts)] = (alts, arrays)
    return arrays


def discount_weights(decision) -> np.ndarray:
    """Weights of look-ahead steps 0..horizon: discount**h, normalised to sum to 1."""
    w = decision.discount ** np.arange(decision.horizon + 1)
    return w / w.sum()


def stock_decay(dynamics) -> np.ndarray:
    """Weekly persistence of the prestige, damage and sanctions stocks."""
    return np.array([dynamics.prestige_decay, dynamics.damage_decay, 1.0])


class Evaluator:
    """Precomputes what does not change during a run; ``evaluate`` is called once per step."""

    def __init__(self, structure, alts, table, dynamics, decision, anticipations=()):
        n, width = alts.shape
        self.n, self.alts, self.table = n, alts, table
        self.horizon = decision.horizon
        h = np.arange(self.horizon + 1)
        rho = dynamics.relaxation
        self.rho_h = rho**h
        self.drift_h = h.astype(float) if rho == 1.0 else (1.0 - rho**h) / (1.0 - rho)
        self.discount_h = discount_weights(decision)
        self.stock_decay = stock_decay(dynamics)
        self.stock_decay_h = self.stock_decay[None, :] ** h[:, None]  # (H+1, 3)
        self.relaxation = rho
        self.params = structure.payoff_params(extra_axes=2)
        self.weights = structure.weights
        arrays = catalogue_arrays(alts, table)
        self.static_cost = arrays.static_cost
        self.requires_prisoner = arrays.requires_prisoner
        self.keeps_grievance = arrays.keeps_grievance
        self.anticipations = tuple(anticipations)
        self.target_or_self = arrays.target_or_self
        self.goldstein_other = arrays.goldstein_other
        self.expression = dynamics.expression
        self.resolve = dynamics.resolve
        self.harm_weight = dynamics.harm_weight
        self.idx = np.arange(n)

    def costs(self, world):
        """One-off costs of each alternative (n, A, 3): the catalogue's, a forgone swap, and the
        domestic cost (negative: gain) of an act that goes against (with) the actor's own stance,
        and the credibility a harmed actor regains by answering a state hostile to it."""
        cost = self.static_cost.copy()
        own = np.tanh(world.affinity[self.idx[:, None], self.target_or_self])
        cost[:, :, 2] -= self.expression * self.goldstein_other / 10.0 * own
        hostility = np.maximum(
            0.0, -np.tanh(world.affinity[self.target_or_self, self.idx[:, None]])
        )
        answer = np.maximum(0.0, -self.goldstein_other) / 10.0
        cost[:, :, 2] -= self.resolve * world.stocks[:, 1:2] * answer * hostility
        if self.requires_prisoner.any():
            i, a = np.nonzero(self.requires_prisoner)
            cost[i, a, 2] += world.linkage_cost[i, self.alts.target[i, a]]
        return cost

    def evaluate(self, world, step, d_aff, d_stk, beliefs, costs):
        """Weighted expected-utility components (n, A, 3), in payoff points per step."""
        idx = self.idx
        rho = self.relaxation
        base = world.baseline
        relaxed = base + rho * (world.affinity - base) - world.grievance
        exp_aff = np.einsum("ja,jakl->jkl", beliefs, d_aff)
        others_aff = exp_aff.sum(axis=0) - exp_aff  # (n, n, n): others' expected effect, per actor
        exp_stk = np.einsum("ja,jakm->jkm", beliefs, d_stk)
        others_stk = exp_stk.sum(axis=0) - exp_stk

        own0 = relaxed[idx][:, None, :] + d_aff[idx, :, idx, :] + others_aff[idx, idx, :][:, None]
        tow0 = relaxed.T[idx][:, None, :] + d_aff[idx, :, :, idx] + others_aff[idx, :, idx][:, None]
        stocks_all = self.stock_decay * world.stocks  # (n, 3)
        stk0_all = stocks_all[None, None] + d_stk + others_stk[:, None]  # (n, A, n, 3)
        stk0 = stk0_all[idx, :, idx, :]  # (n, A, 3) the actor's own stocks

        rho_h, drift_h = self.rho_h[None, None, :, None], self.drift_h[None, None, :, None]
        base_own, base_tow = base[idx][:, None, None, :], base.T[idx][:, None, None, :]
        own = base_own + rho_h * (own0[:, :, None, :] - base_own)
        own -= drift_h * world.grievance[idx][:, None, None, :]
        tow = base_tow + rho_h * (tow0[:, :, None, :] - base_tow)
        tow -= drift_h * (world.grievance.T[idx][:, None, :] * self.keeps_grievance)[:, :, None, :]
        own_s, tow_s = np.tanh(own), np.tanh(tow)

        for ant in self.anticipations:
            offset = ant.step - step
            if not 1 <= offset <= self.horizon:
                continue
            prestige = stk0_all[:, :, ant.state, 0] * self.stock_decay[0] ** (offset - 1)
            p = survival_probability(ant, prestige)  # (n, A)
            shift = ant.loss_shift.copy()
            shift[ant.state] = 0.0
            z = tow[:, :, offset:, ant.state]
            lost = np.tanh(z + shift[:, None, None])
            tow_s[:, :, offset:, ant.state] = (
                p[:, :, None] * tow_s[:, :, offset:, ant.state] + (1.0 - p[:, :, None]) * lost
            )

        stocks_h = stk0[:, :, None, :] * self.stock_decay_h[None, None]
        harm_h = (  # (n, A, H+1, n): each other state's damage plus sanctions
            stk0_all[:, :, None, :, 1] * self.stock_decay_h[None, None, :, 1:2]
            + stk0_all[:, :, None, :, 2] * self.stock_decay_h[None, None, :, 2:3]
        )
        strength_h = payoffs.strength(harm_h, self.harm_weight)
        oil_h = world.oil_deviation * world.oil_persistence ** np.arange(self.horizon + 1)
        comp = payoffs.components(
            own_s, tow_s, stocks_h, self.params, oil_h[None, None, :], strength_h
        )
        value = np.einsum("iahc,h->iac", comp, self.discount_h) - self.discount_h[0] * costs
        return self.weights[:, None, :] * value
