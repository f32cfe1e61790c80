"""Two interchangeable implementations of one step's numbers: readable NumPy and compiled Numba.

Both take the world, the step and the choice counts, and return what the model needs: which
alternatives are available, the effects of every alternative, their one-off costs, their
weighted expected-utility components and the choice probabilities; and the realised payoffs.
"""

import numpy as np

from . import kernels, payoffs
from .actions import act_effects, availability
from .decisions import RULES, fictitious_beliefs, sample
from .expectations import Evaluator


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


class NumbaBackend(NumpyBackend):
    """The same numbers from ``kernels``: what the model runs by default."""

    def __init__(self, structure, alts, table, dynamics, decision, anticipations):
        super().__init__(structure, alts, table, dynamics, decision, anticipations)
        ev, t = self.evaluator, table
        self.table_arrays = table.effect_arrays()
        d = dynamics
        self.dyn = dynamics.effect_params()
        self.alt_arrays = (
            alts.action,
            alts.target,
            alts.target2,
            alts.valid,
            t.requires,
            t.min_crisis,
        )
        self.lam = np.asarray(self.lam, dtype=float)
        self.cost_arrays = (
            ev.static_cost,
            ev.goldstein_other,
            ev.target_or_self,
            float(d.expression),
        )
        self.payoff_arrays = (
            structure.salience,
            structure.trade_share,
            structure.standing_share,
            structure.oil_exposure,
            float(structure.threat_aversion),
        )
        ants = ev.anticipations
        self.ant_step = np.array([a.step for a in ants], dtype=np.int64)
        self.ant_state = np.array([a.state for a in ants], dtype=np.int64)
        self.ant_bias = np.array([np.log(a.incumbent_prob / (1 - a.incumbent_prob)) for a in ants])
        self.ant_slope = np.array([a.prestige_slope for a in ants], dtype=float)
        shifts = np.zeros((len(ants), structure.n))
        for k, a in enumerate(ants):
            shifts[k] = a.loss_shift
            shifts[k, a.state] = 0.0
        self.ant_shift = shifts
        self.best = decision.rule == "best_response"

    def decide(self, world, step, counts):
        ev = self.evaluator
        return kernels.decide(
            world.affinity,
            world.baseline,
            world.grievance,
            world.stocks,
            world.prisoner,
            world.linkage_cost,
            float(world.oil_deviation),
            float(world.oil_persistence),
            counts,
            float(self.decision.prior_weight),
            self.flat[0],
            *self.alt_arrays[:4],
            *self.table_arrays,
            *self.alt_arrays[4:],
            *self.dyn,
            *self.cost_arrays,
            ev.stock_decay,
            float(ev.relaxation),
            ev.discount_h,
            ev.keeps_grievance,
            *self.payoff_arrays,
            self.structure.weights,
            self.ant_step - step,
            self.ant_state,
            self.ant_bias,
            self.ant_slope,
            self.ant_shift,
            self.lam,
            self.best,
        )

    def draw(self, probabilities, u):
        return kernels.draw(probabilities, u)

    def advance(self, world, d_aff, d_stk, choice, costs):
        return kernels.advance(
            world.affinity,
            world.baseline,
            world.grievance,
            world.stocks,
            self.evaluator.stock_decay,
            float(self.dynamics.relaxation),
            d_aff,
            d_stk,
            choice,
            costs,
            float(world.oil_deviation),
            *self.payoff_arrays,
            self.structure.weights,
        )


BACKENDS = {"numpy": NumpyBackend, "numba": NumbaBackend}
