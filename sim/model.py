"""The Mesa model: the weekly loop of events, simultaneous decisions and simultaneous effects.

Numbers live in arrays shared by all states so that one vectorised call evaluates every
alternative of every state; the Mesa shell orders the step and keeps the record.
"""

from dataclasses import dataclass

import mesa
import numpy as np

from . import payoffs
from .actions import act_effects, availability, build_alternatives
from .agents import StateAgent
from .config import BalanceScenario
from .decisions import RULES, fictitious_beliefs
from .expectations import Evaluator
from .world import WorldState


@dataclass
class EventContext:
    """What an event needs to act on the world."""

    index: dict
    table: object
    dynamics: object
    rng: np.random.Generator

    def act(self, world, acts):
        """Apply acts ``[(actor, action_name, target), ...]``, all computed on the same world."""
        actor = np.array([a for a, _, _ in acts])
        action = np.array([self.table.index[name] for _, name, _ in acts])
        target = np.array([t for _, _, t in acts])
        d_aff, d_stk = act_effects(
            world.affinity, world.baseline, actor, action, target, np.full(len(acts), -1),
            self.table, self.dynamics,
        )
        world.affinity += d_aff.sum(axis=0)
        world.stocks += d_stk.sum(axis=0)


class Record:
    """Preallocated arrays of everything a run produces, one slot per step."""

    def __init__(self, steps: int, n: int, width: int):
        self.stance = np.zeros((steps, n, n))
        self.payoffs = np.zeros((steps, n, 3))
        self.utility = np.zeros((steps, n))
        self.choice = np.zeros((steps, n), dtype=np.int64)
        self.probability = np.zeros((steps, n))
        self.components = np.zeros((steps, n, width, 3))
        self.probabilities = np.zeros((steps, n, width))
        self.available = np.zeros((steps, n, width), dtype=bool)
        self.events: list[dict] = []


class BalanceModel(mesa.Model):
    """Four (or more) states balancing, competing and reacting to a scenario's events."""

    def __init__(self, scenario: BalanceScenario):
        super().__init__(scenario=scenario)
        s = scenario
        self.structure, self.table, self.calendar = s.structure, s.table, s.calendar
        self.dynamics, self.decision = s.dynamics, s.decision
        n = s.structure.n
        self.alts = build_alternatives(n, s.table)
        width = self.alts.shape[1]
        self._flat = (
            np.repeat(np.arange(n), width),
            self.alts.action.ravel(),
            self.alts.target.ravel(),
            self.alts.target2.ravel(),
        )
        self.world = WorldState.initial(s.structure)
        self.context = EventContext(s.structure.index, s.table, s.dynamics, self.rng)
        self.events_at: dict[int, list] = {}
        for event in s.events:
            self.events_at.setdefault(event.step, []).append(event)
        anticipations = [a for e in s.events if (a := e.anticipation(self.context)) is not None]
        self.evaluator = Evaluator(s.structure, self.alts, s.table, s.dynamics, s.decision, anticipations)
        self.rule = RULES[s.decision.rule]
        self.lam = s.decision.lam * s.structure.rationality
        self.counts = np.zeros((n, width))
        self.releases = s.table.requires[self.alts.action] == 2
        self.params_now = s.structure.payoff_params()
        self.record = Record(s.calendar.steps, n, width)
        self.states = [
            StateAgent(self, code, name, i)
            for i, (code, name) in enumerate(zip(s.structure.codes, s.structure.names, strict=True))
        ]

    @property
    def step_number(self) -> int:
        """The current step, 1-based (Mesa's ``model.time``; ``model.steps`` goes away in Mesa 4)."""
        return int(round(self.time))

    def fire_events(self, t: int):
        for event in self.events_at.get(t, ()):
            extra = event.apply(self.world, self.context)
            self.record.events.append({"event": event, **extra})

    def step(self):
        t = self.step_number
        world, n = self.world, self.structure.n
        self.fire_events(t)

        available = availability(
            self.alts, self.table, world.affinity, world.baseline, {"prisoner": world.prisoner}
        )
        d_aff, d_stk = act_effects(
            world.affinity, world.baseline, *self._flat, self.table, self.dynamics
        )
        width = self.alts.shape[1]
        d_aff = d_aff.reshape(n, width, n, n)
        d_stk = d_stk.reshape(n, width, n, 3)
        beliefs = fictitious_beliefs(self.counts, available, self.decision.prior_weight)
        costs = self.evaluator.costs(world)
        components = self.evaluator.evaluate(world, t, d_aff, d_stk, beliefs, costs)
        probabilities = self.rule(components.sum(axis=-1), available, self.lam)

        draws = self.rng.random(n)
        choice = np.array([agent.choose(probabilities[i], draws[i]) for i, agent in enumerate(self.states)])
        rows = np.arange(n)
        self._advance_world(d_aff[rows, choice].sum(axis=0), d_stk[rows, choice].sum(axis=0), choice)

        stance_now = world.stance
        realised = payoffs.components(stance_now, stance_now.T, world.stocks, self.params_now, world.oil_deviation)
        realised -= costs[rows, choice]
        utility = (self.structure.weights * realised).sum(axis=1)
        for agent in self.states:
            agent.cumulative_utility += utility[agent.index]
        self.counts[rows, choice] += 1.0
        world.oil_deviation *= world.oil_persistence

        r, k = self.record, t - 1
        r.stance[k], r.payoffs[k], r.utility[k] = stance_now, realised, utility
        r.choice[k], r.probability[k] = choice, probabilities[rows, choice]
        r.components[k], r.probabilities[k], r.available[k] = components, probabilities, available
        if t >= self.calendar.steps:
            self.running = False

    def _advance_world(self, d_aff, d_stk, choice):
        """Relax toward the baseline, erode held grievances, apply this step's acts together."""
        w, d = self.world, self.dynamics
        w.affinity = w.baseline + d.relaxation * (w.affinity - w.baseline) - w.grievance + d_aff
        decay = np.array([d.prestige_decay, d.damage_decay, 1.0])
        w.stocks = decay * w.stocks + d_stk
        for i, a in enumerate(choice):
            if self.releases[i, a]:
                t = self.alts.target[i, a]
                w.prisoner[i, t] = False
                w.grievance[t, i] = 0.0
                w.linkage_cost[i, t] = 0.0

    def label(self, i: int, a: int) -> str:
        return self.alts.label(i, a, self.table.names, list(self.structure.codes))


def run(scenario: BalanceScenario) -> BalanceModel:
    """Build and run a model to the end of its scenario."""
    model = BalanceModel(scenario)
    model.run_model()
    return model
