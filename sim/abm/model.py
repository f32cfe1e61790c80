"""The Mesa model: the weekly loop of events, simultaneous decisions and simultaneous effects.

Numbers live in arrays shared by all states so that one vectorised call evaluates every
alternative of every state; the Mesa shell orders the step and keeps the record.
"""

from dataclasses import dataclass

import mesa
import numpy as np

from sim.abm.agents import StateAgent
from sim.core.world import WorldState, random_affinity
from sim.engine.backends import acts_arrays, compiled
from sim.scenario.build import RunSpec


@dataclass
class EventContext:
    """What an event needs to act on the world of one run (``sim.engine.ensemble.EnsembleContext`` is
    the same for many runs at once)."""

    index: dict  # actor code -> index
    actions: dict  # action name -> index in the catalogue
    backend: object  # backends.NumpyBackend or NumbaBackend
    rng: np.random.Generator

    def uniform(self) -> float:
        """The run's next uniform draw in [0, 1)."""
        return self.rng.random()

    def act(self, world, acts):
        """Apply acts ``[(actor, action_name, target), ...]``, all computed on the same world
        (by the run's backend: ``actions.act_effects`` or its compiled ``kernels.act``)."""
        d_aff, d_stk = self.backend.act(world, acts_arrays(acts, self.actions))
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

    def __init__(self, scenario: RunSpec, backend: str = "numba"):
        super().__init__(scenario=scenario)
        s = scenario
        self.structure, self.table, self.calendar = s.structure, s.table, s.calendar
        self.dynamics, self.decision = s.dynamics, s.decision
        n = s.structure.n
        self.alts, self.backend = compiled(s, backend)
        width = self.alts.shape[1]
        self.world = WorldState.initial(s.structure)
        if s.random_stances > 0:  # drawn first from the run's seed, before any step's draws
            z = random_affinity(self.rng, n, s.random_stances)
            self.world.affinity, self.world.baseline = z, z.copy()
        self.context = EventContext(s.structure.index, s.table.index, self.backend, self.rng)
        self.events_at: dict[int, list] = {}
        for event in s.events:
            self.schedule(event)
        self.counts = np.zeros((n, width))
        self._rows = np.arange(n)
        self.releases = s.table.requires[self.alts.action] == 2
        is_wait = (self.alts.action == s.table.index["wait"]) & self.alts.valid
        self.wait_slot = is_wait.argmax(axis=1)  # (n,) each state's wait alternative
        self.record = Record(s.calendar.steps, n, width)
        self.states = [
            StateAgent(self, code, name, i)
            for i, (code, name) in enumerate(zip(s.structure.codes, s.structure.names, strict=True))
        ]

    @property
    def step_number(self) -> int:
        """The current step, 1-based (Mesa's ``model.time``; ``model.steps`` goes away in Mesa 4)."""
        return int(round(self.time))

    def schedule(self, event):
        """Fire ``event`` at its step (a scenario's events; a teacher's shock on the page)."""
        self.events_at.setdefault(event.step, []).append(event)

    def fire_events(self, t: int):
        for event in self.events_at.get(t, ()):
            extra = event.apply(self.world, self.context)
            self.record.events.append({"event": event, **extra})

    def step(self):
        t = self.step_number
        world, n = self.world, self.structure.n
        self.fire_events(t)
        available, d_aff, d_stk, costs, components, probabilities = self.backend.decide(
            world, t, self.counts
        )
        drawn = self.backend.draw(probabilities, self.rng.random(n))
        choice = np.array(
            [agent.choose(int(drawn[agent.index]), available[agent.index]) for agent in self.states]
        )
        world.affinity, world.stocks, realised, utility = self.backend.advance(
            world, d_aff, d_stk, choice, costs
        )
        self._close_cases(choice)
        for agent in self.states:
            agent.cumulative_utility += utility[agent.index]
        self.counts[self._rows, choice] += 1.0
        world.oil_deviation *= world.oil_persistence
        world.linkage_cost *= world.linkage_persistence

        r, k = self.record, t - 1
        r.stance[k], r.payoffs[k], r.utility[k] = world.stance, realised, utility
        r.choice[k], r.probability[k] = choice, probabilities[self._rows, choice]
        components[~available] = np.nan  # an alternative that cannot be chosen has no value
        r.components[k], r.probabilities[k], r.available[k] = components, probabilities, available
        if t >= self.calendar.steps:
            self.running = False

    def _close_cases(self, choice):
        """A release ends its prisoner case, its grievance and its linkage."""
        w = self.world
        released = self.releases[self._rows, choice]
        if not released.any():
            return
        for i in np.flatnonzero(released):
            t = self.alts.target[i, choice[i]]
            w.prisoner[i, t] = False
            w.grievance[t, i] = 0.0
            w.linkage_cost[i, t] = 0.0

    def label(self, i: int, a: int) -> str:
        return self.alts.label(i, a, self.table.names, list(self.structure.codes))


def run(scenario: RunSpec, backend: str = "numba") -> BalanceModel:
    """Build and run a model to the end of its scenario."""
    model = BalanceModel(scenario, backend)
    model.run_model()
    return model
