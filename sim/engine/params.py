"""The compiled kernels' arguments: a few typed NamedTuples, one meaning each.

Numba compiles a NamedTuple of arrays and numbers as a struct, so a kernel takes a handful of
these instead of dozens of positional arrays, and reads ``p.payoffs.salience`` where it used to
read its 40th argument. One run's tuples hold one run's arrays; an ensemble's
(``sim.engine.ensemble``) hold the same fields with a leading run axis (R, ...), except the
fields that every run of a scenario shape shares (``SHARED``), which it holds once.
"""

from typing import NamedTuple

import numpy as np

from sim.core.expectations import catalogue_arrays, discount_weights, stock_decay


class WorldArrays(NamedTuple):
    """What a step reads of ``core.world.WorldState`` and changes in place (R, ...) in an
    ensemble; the oil fields are numbers for one run, arrays (R,) for an ensemble."""

    affinity: np.ndarray  # (n, n) latent; stance = tanh(affinity)
    baseline: np.ndarray  # (n, n)
    grievance: np.ndarray  # (n, n)
    stocks: np.ndarray  # (n, 3) prestige, damage, sanctions
    prisoner: np.ndarray  # (n, n) bool
    linkage_cost: np.ndarray  # (n, n)
    linkage_persistence: np.ndarray  # (n, n)
    oil_deviation: float
    oil_persistence: float


def world_arrays(world, oil_deviation, oil_persistence) -> WorldArrays:
    """The kernels' view of a ``WorldState`` (the same arrays, not copies), with its oil fields
    as the kernels take them (floats for one run, arrays (R,) for an ensemble)."""
    return WorldArrays(
        world.affinity,
        world.baseline,
        world.grievance,
        world.stocks,
        world.prisoner,
        world.linkage_cost,
        world.linkage_persistence,
        oil_deviation,
        oil_persistence,
    )


def plain(t: tuple) -> tuple:
    """A (nested) NamedTuple as plain tuples of the same values, which Numba's dispatcher types
    several times faster (``kernels.named``)."""
    return tuple(plain(x) if isinstance(x, tuple) else x for x in t)


class Acts(NamedTuple):
    """A batch of m acts (m,) each: who acts, which catalogue action, toward whom (-1: none),
    the second party of a pair (-1: none)."""

    actor: np.ndarray
    action: np.ndarray
    target: np.ndarray
    target2: np.ndarray


def acts_arrays(acts, action_index: dict) -> tuple:
    """Actor, action and target columns of ``[(actor, action_name, target), ...]``."""
    actor = np.array([a for a, _, _ in acts], dtype=np.int64)
    action = np.array([action_index[name] for _, name, _ in acts], dtype=np.int64)
    target = np.array([x for _, _, x in acts], dtype=np.int64)
    return actor, action, target


class Alternatives(NamedTuple):
    """Every actor's alternatives and what follows from the catalogue's structure alone (no
    number of the config): shared by all runs of a scenario shape."""

    actor: np.ndarray  # (n*A,) the actor of each flattened alternative
    action: np.ndarray  # (n, A) catalogue index
    target: np.ndarray  # (n, A) -1 when none
    target2: np.ndarray  # (n, A) second party of a pair, else -1
    valid: np.ndarray  # (n, A) bool: False on padding slots
    releases: np.ndarray  # (n, A) bool: choosing it releases a prisoner
    target_or_self: np.ndarray  # (n, A) the target of an act at another state, else the actor
    keeps_grievance: np.ndarray  # (n, A, n) 0 where the act ends k's grievance toward the actor


class Effects(NamedTuple):
    """What an act's effects depend on (``actions.act_effects``): the catalogue's columns (K,)
    (``ActionTable.effect_arrays``) and ``Dynamics.effect_params``."""

    effect: np.ndarray  # (K,) Goldstein value times intensity
    kind: np.ndarray  # (K,) 0 none, 1 another state, 2 a pair
    visibility: np.ndarray
    prestige_self: np.ndarray
    prestige_target: np.ndarray
    damage_target: np.ndarray
    sanction_target: np.ndarray
    pair_goldstein: np.ndarray
    party_share: np.ndarray
    alpha: float
    self_shift: float
    heider: float
    attribution: float


class Requirements(NamedTuple):
    """What makes an alternative available now and what it costs once
    (``actions.availability``, ``Evaluator.costs``)."""

    requires: np.ndarray  # (K,) 0 nothing, 1 a pair in crisis, 2 a prisoner held
    min_crisis: np.ndarray  # (K,)
    static_cost: np.ndarray  # (n, A, 3) the catalogue's one-off costs
    goldstein_other: np.ndarray  # (n, A) Goldstein value of an act at another state, else 0
    expression: float


class Payoffs(NamedTuple):
    """The payoff parameters (``payoffs.components``) and the actors' component weights."""

    salience: np.ndarray  # (n, n)
    trade_share: np.ndarray  # (n, n)
    standing_share: np.ndarray  # (n, n)
    oil_exposure: np.ndarray  # (n,)
    threat_aversion: float
    weights: np.ndarray  # (n, 3)


class Elections(NamedTuple):
    """The E foreseen elections (``expectations.Anticipation``), shared by a shape's runs."""

    step: np.ndarray  # (E,) int
    state: np.ndarray  # (E,) int
    bias: np.ndarray  # (E,) logit of the incumbent's chance
    slope: np.ndarray  # (E,) prestige slope
    shift: np.ndarray  # (E, n) the state's shift toward each actor if the incumbent loses


class Relaxation(NamedTuple):
    """How the world moves by itself from one step to the next."""

    rho: float  # affinity relaxes toward the baseline by this factor
    stock_decay: np.ndarray  # (3,) weekly persistence of the stocks


class Decision(NamedTuple):
    """How the look-ahead weighs its steps and how expected utilities become a choice."""

    prior_weight: float  # fictitious play's prior
    discount: np.ndarray  # (H+1,) normalised weights of the look-ahead steps
    lam: np.ndarray  # (n,) logit precision: decision.lam * rationality
    best_response: bool


class KernelParams(NamedTuple):
    """A run's constants for the kernels. ``alternatives``, ``effects.kind``,
    ``requirements.requires``, ``elections`` and ``decision.best_response`` follow from the
    catalogue and the events alone; the rest from every number of the config."""

    alternatives: Alternatives
    effects: Effects
    requirements: Requirements
    payoffs: Payoffs
    elections: Elections
    relaxation: Relaxation
    decision: Decision


# The fields equal across an ensemble's runs (held once, not stacked): group -> fields.
SHARED = {
    "alternatives": frozenset(Alternatives._fields),
    "effects": frozenset({"kind"}),
    "requirements": frozenset({"requires"}),
    "payoffs": frozenset(),
    "elections": frozenset(Elections._fields),
    "relaxation": frozenset(),
    "decision": frozenset({"best_response"}),
}


class Options(NamedTuple):
    """One step's numbers of every alternative, which the look-ahead weighs."""

    available: np.ndarray  # (n, A) bool
    d_aff: np.ndarray  # (n, A, n, n) each alternative's effect on affinity
    d_stk: np.ndarray  # (n, A, n, 3) and on the stocks
    costs: np.ndarray  # (n, A, 3) one-off costs
    belief: np.ndarray  # (n, A) the others' beliefs of each actor's choice


class Trace(NamedTuple):
    """What an ensemble of R runs of T steps records (``model.Record``'s arrays with a leading
    run axis; the affinity, whose tanh is the stance)."""

    affinity: np.ndarray  # (R, T, n, n)
    payoffs: np.ndarray  # (R, T, n, 3)
    utility: np.ndarray  # (R, T, n)
    choice: np.ndarray  # (R, T, n) int
    probability: np.ndarray  # (R, T, n)


def kernel_params(structure, alts, table, dynamics, decision, anticipations) -> KernelParams:
    """The constants of one run for the compiled kernels."""
    n, width = alts.shape
    d, cat = dynamics, catalogue_arrays(alts, table)
    ants = tuple(anticipations)
    shifts = np.zeros((len(ants), n))
    for k, a in enumerate(ants):
        shifts[k] = a.loss_shift
        shifts[k, a.state] = 0.0
    alpha, self_shift, heider, attribution = (float(x) for x in d.effect_params())
    return KernelParams(
        Alternatives(
            np.repeat(np.arange(n), width),
            alts.action,
            alts.target,
            alts.target2,
            alts.valid,
            cat.requires_prisoner,
            cat.target_or_self,
            cat.keeps_grievance,
        ),
        Effects(*table.effect_arrays(), alpha, self_shift, heider, attribution),
        Requirements(
            table.requires,
            table.min_crisis,
            cat.static_cost,
            cat.goldstein_other,
            float(d.expression),
        ),
        Payoffs(
            structure.salience,
            structure.trade_share,
            structure.standing_share,
            structure.oil_exposure,
            float(structure.threat_aversion),
            structure.weights,
        ),
        Elections(
            np.array([a.step for a in ants], dtype=np.int64),
            np.array([a.state for a in ants], dtype=np.int64),
            np.array([np.log(a.incumbent_prob / (1 - a.incumbent_prob)) for a in ants]),
            np.array([a.prestige_slope for a in ants], dtype=float),
            shifts,
        ),
        Relaxation(float(d.relaxation), stock_decay(d)),
        Decision(
            float(decision.prior_weight),
            discount_weights(decision),
            np.asarray(decision.lam * structure.rationality, dtype=float),
            decision.rule == "best_response",
        ),
    )
