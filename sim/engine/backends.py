"""Two interchangeable implementations of one step's numbers: readable NumPy and compiled Numba.

Both take the world, the step and the choice counts, and return what the model needs: which
alternatives are available, the effects of every alternative, their one-off costs, their
weighted expected-utility components and the choice probabilities; and the realised payoffs.
"""

import numpy as np

from sim.core import payoffs
from sim.core.actions import act_effects, availability
from sim.core.decisions import RULES, fictitious_beliefs, sample
from sim.core.expectations import Evaluator
from sim.engine import kernels
from sim.engine.params import Acts, KernelParams, kernel_params, plain

__all__ = [
    "BACKENDS",
    "KernelParams",
    "NumbaBackend",
    "NumpyBackend",
    "compiled",
    "kernel_params",
    "scenario_params",
]


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
        self.rule = RULES[decision.rule]
        self.lam = decision.lam * structure.rationality
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
        components = self.evaluator.evaluate(world, step, d_aff, d_stk, belief, costs)
        probabilities = self.rule(components.sum(axis=-1), available, self.lam)
        return available, d_aff, d_stk, costs, components, probabilities

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
        affinity += d_aff[rows, choice].sum(axis=0) - world.grievance
        stocks = decay * world.stocks + d_stk[rows, choice].sum(axis=0)
        s = np.tanh(affinity)
        realised = payoffs.components(s, s.T, stocks, self.params_now, world.oil_deviation)
        realised -= costs[rows, choice]
        return affinity, stocks, realised, (self.structure.weights * realised).sum(axis=1)

    def act(self, world, actor, action, target):
        """The effects of m acts (actor, action, target: (m,) each) all on the same world:
        (m, n, n) and (m, n, 3), as ``EventContext.act`` adds them."""
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


class NumbaBackend(NumpyBackend):
    """The same numbers from ``kernels``: what the model runs by default."""

    def __init__(self, *args):
        super().__init__(*args)
        self.plain = plain(self.params)  # what kernels.decide takes fastest

    def decide(self, world, step, counts):
        return kernels.decide(_world(world), counts, step, self.plain)

    def draw(self, probabilities, u):
        return kernels.draw(probabilities, u)

    def advance(self, world, d_aff, d_stk, choice, costs):
        _, _, _, payoff, _, relaxation, _ = self.plain
        return kernels.advance(_world(world), d_aff, d_stk, choice, costs, relaxation, payoff)

    def act(self, world, actor, action, target):
        acts = Acts(actor, action, target, np.full(len(actor), -1))
        return kernels.alternative_effects(
            world.affinity, world.baseline, acts, self.params.effects
        )


def _world(world) -> tuple:
    """The kernels' view of a ``WorldState`` of one run: the fields of ``params.WorldArrays``, as a
    plain tuple (see ``kernels.named``)."""
    return (
        world.affinity,
        world.baseline,
        world.grievance,
        world.stocks,
        world.prisoner,
        world.linkage_cost,
        world.linkage_persistence,
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
        cache["params"] = kernel_params(
            scenario.structure,
            scenario.alternatives(),
            scenario.table,
            scenario.dynamics,
            scenario.decision,
            scenario.anticipations(),
        )
    return cache["params"]


def compiled(scenario, backend: str = "numba") -> tuple:
    """The scenario's alternatives and numeric backend (``numba`` or ``numpy``), built once."""
    cache = _cache(scenario)
    if backend not in cache:
        alts = scenario.alternatives()
        cache[backend] = (
            alts,
            BACKENDS[backend](
                scenario.structure,
                alts,
                scenario.table,
                scenario.dynamics,
                scenario.decision,
                scenario.anticipations(),
            ),
        )
    return cache[backend]
