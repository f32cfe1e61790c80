"""Two interchangeable implementations of one step's numbers: readable NumPy and compiled Numba.

Both take the world, the step and the choice counts, and return what the model needs: which
alternatives are available, the effects of every alternative, their one-off costs, their
weighted expected-utility components and the choice probabilities; and the realised payoffs.
"""

from typing import NamedTuple

import numpy as np

from sim.core import payoffs
from sim.core.actions import act_effects, availability
from sim.core.balance import balance_drift
from sim.core.decisions import RULES, fictitious_beliefs, precision, sample
from sim.core.expectations import Evaluator, catalogue_arrays, discount_weights, stock_decay
from sim.core.qre import logit_qre
from sim.engine import kernels


class NumpyBackend:
    """The reference: the functions of ``actions``, ``expectations``, ``decisions``, ``payoffs``."""

    def __init__(self, structure, alts, table, dynamics, decision, anticipations):
        self.structure, self.alts, self.table, self.dynamics = structure, alts, table, dynamics
        self.decision = decision
        n, width = alts.shape
        self.shape = (n, width)
        self.flat = (
            np.repeat(np.arange(n), width),
            alts.action.ravel(),
            alts.target.ravel(),
            alts.target2.ravel(),
        )
        self.evaluator = Evaluator(structure, alts, table, dynamics, decision, anticipations)
        self.qre = decision.rule == "qre"
        self.rule = None if self.qre else RULES[decision.rule]
        self.lam = precision(decision.lam, structure.rationality)
        self.params_now = structure.payoff_params()
        self.params = kernel_params(structure, alts, table, dynamics, decision, anticipations)

    def decide(self, world, step, counts):
        n, width = self.shape
        available = availability(
            self.alts, self.table, world.affinity, world.baseline, {"prisoner": world.prisoner}
        )
        d_aff, d_stk = act_effects(
            world.affinity, world.baseline, *self.flat, self.table, self.dynamics
        )
        d_aff, d_stk = d_aff.reshape(n, width, n, n), d_stk.reshape(n, width, n, 3)
        belief = fictitious_beliefs(counts, available, self.decision.prior_weight)
        costs = self.evaluator.costs(world)
        evaluate = self.evaluator.evaluate
        if self.qre:  # the others play the stage game's QRE, not their past frequencies

            def values(p):
                return evaluate(world, step, d_aff, d_stk, p, costs).sum(axis=-1)

            belief = logit_qre(values, available, self.lam)
        components = evaluate(world, step, d_aff, d_stk, belief, costs)
        if self.qre:
            return available, d_aff, d_stk, costs, components, belief
        probabilities = self.rule(components.sum(axis=-1), available, self.lam)
        return available, d_aff, d_stk, costs, components, probabilities

    def act(self, world, acts):
        """The effects of acts ``(actor, action, target)`` (each (k,)) on the world: d_aff
        (k, n, n) and d_stk (k, n, 3)."""
        actor, action, target = acts
        target2 = np.full(len(actor), -1)
        return act_effects(
            world.affinity,
            world.baseline,
            actor,
            action,
            target,
            target2,
            self.table,
            self.dynamics,
        )

    def draw(self, probabilities, u):
        return np.array([sample(row, x) for row, x in zip(probabilities, u, strict=True)])

    def advance(self, world, d_aff, d_stk, choice, costs):
        """Relax toward the baseline, erode held grievances, apply this step's acts together;
        return the new affinity and stocks, the realised payoffs net of the acts' costs (n, 3)
        and the utilities (n,)."""
        d = self.dynamics
        rows = np.arange(len(choice))
        decay = np.array([d.prestige_decay, d.damage_decay, 1.0])
        affinity = world.baseline + d.relaxation * (world.affinity - world.baseline)
        affinity += balance_drift(np.tanh(world.affinity), d.balance_rate, d.reciprocity)
        affinity += d_aff[rows, choice].sum(axis=0) - world.grievance
        stocks = decay * world.stocks + d_stk[rows, choice].sum(axis=0)
        s = np.tanh(affinity)
        harm = payoffs.strength(stocks[:, 1] + stocks[:, 2], d.harm_weight)[None, :]
        realised = payoffs.components(s, s.T, stocks, self.params_now, world.oil_deviation, harm)
        realised -= costs[rows, choice]
        return affinity, stocks, realised, (self.structure.weights * realised).sum(axis=1)


class KernelParams(NamedTuple):
    """A run's constants, in the argument order of ``kernels.decide`` (after the world, the counts
    and the step). Integer fields and ``keeps_grievance``/``ant_*`` follow from the catalogue and
    the events alone; the float fields follow from every number of the config. The ensemble
    (``sim.engine.ensemble``) stacks them over runs."""

    prior_weight: float
    alt_actor: np.ndarray  # (n*A,) the actor of each flattened alternative
    alt_action: np.ndarray  # (n, A)
    alt_target: np.ndarray
    alt_target2: np.ndarray
    valid: np.ndarray
    effect: np.ndarray  # (K,) catalogue columns: see ActionTable.effect_arrays
    kind: np.ndarray
    visibility: np.ndarray
    prestige_self: np.ndarray
    prestige_target: np.ndarray
    damage_target: np.ndarray
    sanction_target: np.ndarray
    pair_goldstein: np.ndarray
    party_share: np.ndarray
    requires: np.ndarray
    min_crisis: np.ndarray
    alpha: float  # Dynamics.effect_params
    self_shift: float
    heider: float
    attribution: float
    static_cost: np.ndarray  # (n, A, 3)
    goldstein_other: np.ndarray  # (n, A)
    target_or_self: np.ndarray  # (n, A)
    expression: float
    stock_decay: np.ndarray  # (3,)
    rho: float
    discount: np.ndarray  # (H+1,) normalised discount weights
    keeps_grievance: np.ndarray  # (n, A, n)
    salience: np.ndarray  # (n, n) payoff parameters
    trade_share: np.ndarray
    standing_share: np.ndarray
    oil_exposure: np.ndarray
    threat_aversion: float
    weights: np.ndarray  # (n, 3)
    ant_step: np.ndarray  # (E,) foreseen elections
    ant_state: np.ndarray
    ant_bias: np.ndarray
    ant_slope: np.ndarray
    ant_shift: np.ndarray  # (E, n)
    lam: np.ndarray  # (n,) decision.lam * rationality
    best_response: bool
    balance_rate: float  # Dynamics: structural balance and reciprocity (sim.core.balance)
    reciprocity: float
    harm_weight: float  # Dynamics: balance of threat and resolve (sim.core.payoffs)
    resolve: float

    def effect_args(self) -> tuple:
        """The constants ``kernels.act`` takes (its ``effect_params``, the arguments of
        ``kernels.alternative_effects`` after the acts): the catalogue's columns
        (``ActionTable.effect_arrays``) and ``Dynamics.effect_params``."""
        return tuple(getattr(self, name) for name in EFFECT_FIELDS)

    def advance_args(self) -> tuple:
        """The constants ``kernels.advance`` takes (its ``params``)."""
        return (
            self.stock_decay,
            self.rho,
            self.balance_rate,
            self.reciprocity,
            self.salience,
            self.trade_share,
            self.standing_share,
            self.oil_exposure,
            self.threat_aversion,
            self.harm_weight,
            self.weights,
        )


def _fields_from(first: str, last: str) -> tuple:
    names = KernelParams._fields
    return names[names.index(first) : names.index(last) + 1]


EFFECT_FIELDS = _fields_from("effect", "party_share") + _fields_from("alpha", "attribution")


def kernel_params(structure, alts, table, dynamics, decision, anticipations) -> KernelParams:
    """The constants of one run for the compiled kernels."""
    n, width = alts.shape
    d, cat = dynamics, catalogue_arrays(alts, table)
    ants = tuple(anticipations)
    shifts = np.zeros((len(ants), n))
    for k, a in enumerate(ants):
        shifts[k] = a.loss_shift
        shifts[k, a.state] = 0.0
    return KernelParams(
        float(decision.prior_weight),
        np.repeat(np.arange(n), width),
        alts.action,
        alts.target,
        alts.target2,
        alts.valid,
        *table.effect_arrays(),
        table.requires,
        table.min_crisis,
        *(float(x) for x in d.effect_params()),
        cat.static_cost,
        cat.goldstein_other,
        cat.target_or_self,
        float(d.expression),
        stock_decay(d),
        float(d.relaxation),
        discount_weights(decision),
        cat.keeps_grievance,
        structure.salience,
        structure.trade_share,
        structure.standing_share,
        structure.oil_exposure,
        float(structure.threat_aversion),
        structure.weights,
        np.array([a.step for a in ants], dtype=np.int64),
        np.array([a.state for a in ants], dtype=np.int64),
        np.array([np.log(a.incumbent_prob / (1 - a.incumbent_prob)) for a in ants]),
        np.array([a.prestige_slope for a in ants], dtype=float),
        shifts,
        precision(decision.lam, structure.rationality),
        decision.rule == "best_response",
        float(d.balance_rate),
        float(d.reciprocity),
        float(d.harm_weight),
        float(d.resolve),
    )


class NumbaBackend(NumpyBackend):
    """The same numbers from ``kernels``: what the model runs by default."""

    def __init__(self, *parts):
        super().__init__(*parts)
        p = self.params
        self.args = (
            tuple(p),
            p.advance_args(),
            p.effect_args(),
        )  # plain tuples: see kernels.decide

    def decide(self, world, step, counts):
        w, params = world_args(world), self.args[0]
        out = kernels.decide(w, counts, step, params)
        if not self.qre:
            return out
        available, d_aff, d_stk, costs, _, _ = out
        acts = (d_aff, d_stk, costs, available)

        def values(p):
            return kernels.expected(w, acts, p, step, params).sum(axis=2)

        p = logit_qre(values, available, self.lam)
        components = kernels.expected(w, acts, p, step, params)
        return available, d_aff, d_stk, costs, components, p

    def act(self, world, acts):
        return kernels.act(world.affinity, world.baseline, acts, self.args[2])

    def draw(self, probabilities, u):
        return kernels.draw(probabilities, u)

    def advance(self, world, d_aff, d_stk, choice, costs):
        w = (world.affinity, world.baseline, world.grievance, world.stocks)
        acts = (d_aff, d_stk, choice, costs)
        return kernels.advance(w, acts, float(world.oil_deviation), self.args[1])


def acts_arrays(acts, action_index: dict) -> tuple:
    """Actor, action and target columns of ``[(actor, action_name, target), ...]``."""
    actor = np.array([a for a, _, _ in acts], dtype=np.int64)
    action = np.array([action_index[name] for _, name, _ in acts], dtype=np.int64)
    target = np.array([x for _, _, x in acts], dtype=np.int64)
    return actor, action, target


def world_args(world) -> tuple:
    """The world as ``kernels.decide`` takes it: affinity, baseline, grievance (n, n), stocks
    (n, 3), prisoner (n, n), linkage cost (n,), oil deviation and persistence."""
    return (
        world.affinity,
        world.baseline,
        world.grievance,
        world.stocks,
        world.prisoner,
        world.linkage_cost,
        float(world.oil_deviation),
        float(world.oil_persistence),
    )


BACKENDS = {"numpy": NumpyBackend, "numba": NumbaBackend}


def _cache(scenario) -> dict:
    """What the engine keeps on a scenario: built once, reused by every model of it (nothing in
    it changes during a run)."""
    return scenario.__dict__.setdefault("_compiled", {})


def scenario_params(scenario) -> KernelParams:
    """The run's constants for the compiled kernels, built once per scenario: all an ensemble
    needs of a scenario (no backend)."""
    cache = _cache(scenario)
    if "params" not in cache:
        cache["params"] = kernel_params(*_parts(scenario, scenario.alternatives()))
    return cache["params"]


def compiled(scenario, backend: str = "numba") -> tuple:
    """The scenario's alternatives and numeric backend (``numba`` or ``numpy``), built once."""
    cache = _cache(scenario)
    if backend not in cache:
        alts = scenario.alternatives()
        cache[backend] = (alts, BACKENDS[backend](*_parts(scenario, alts)))
    return cache[backend]


def _parts(scenario, alts) -> tuple:
    """What a backend and the kernels' constants are built from, in their argument order."""
    s = scenario
    return (s.structure, alts, s.table, s.dynamics, s.decision, s.anticipations())
