"""Many runs at once: the ensemble path of sweeps.

One run through the Mesa model costs a few milliseconds, most of it Python between small
kernel calls. The ensemble stacks runs that share a scenario's shape (actors, catalogue,
calendar, events, decision rule) along a leading run axis and advances them all together:
each step, the scenario's events act on every run's world at once (the same ``Event.apply``
code, with arrays that have a run axis), then one compiled call (``ensemble_kernels.step_many``)
makes every run decide, draw, act and record: through the kernels a single run uses, and a block
kernel for the look-ahead that computes each run's numbers exactly as the single-run one does.

Every number of a run may differ from the next run's (the constants are stacked
``backends.KernelParams``); each run draws from its own generator, seeded as the Mesa model
seeds it (``numpy.random.default_rng(seed)``) and consumed in the same order (events first,
then one uniform per state), so a run gives the same choices and numbers whether it goes
through :class:`~sim.abm.model.BalanceModel` or through an ensemble
(``tests/test_ensemble.py``).
"""

from dataclasses import dataclass

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from sim.core.decisions import precision
from sim.core.expectations import discount_weights, stock_decay
from sim.core.world import WorldState, blend_salience, random_affinity
from sim.engine import ensemble_kernels
from sim.engine.backends import KernelParams, acts_arrays, scenario_params
from sim.scenario.build import Reuse, RunSpec

# KernelParams fields fixed by the catalogue and the events (equal across a group, not stacked)
SHARED = frozenset(
    {
        "alt_actor",
        "alt_action",
        "alt_target",
        "alt_target2",
        "valid",
        "kind",
        "requires",
        "target_or_self",
        "keeps_grievance",
        "ant_step",
        "ant_state",
        "ant_bias",
        "ant_slope",
        "ant_shift",
        "best_response",
    }
)


RULES = ("logit", "best_response")  # the rules the ensemble kernels compute


def supports(scenario: RunSpec) -> bool:
    """Whether the ensemble can run the scenario (else it runs through the Mesa model)."""
    return scenario.decision.rule in RULES


def shape_key(scenario: RunSpec) -> tuple:
    """Runs with equal keys can share an ensemble: same actors, catalogue structure, calendar,
    events (every field), decision rule and horizon, and balancer."""
    d = scenario.decision
    table, calendar, events = scenario.table, scenario.calendar, scenario.events
    return (
        scenario.name,
        scenario.structure.codes,
        _DESCRIBED.part("catalogue", (table,), lambda: _catalogue(table)),
        _DESCRIBED.part("timeline", (calendar, events), lambda: repr((calendar, events))),
        d.rule,
        d.horizon,
        scenario.balancer,
        scenario.structure.relevant.tobytes(),
    )


def _catalogue(table) -> str:
    return repr(
        tuple((s.name, s.target, s.event_only, s.requires, s.escalation) for s in table.specs)
    )


_DESCRIBED = Reuse(256)  # the runs of a sweep share their table, calendar and events objects
BLOCK = 32  # runs per block of ensemble_kernels.evaluate_block


def stack_params(params: list[KernelParams]) -> KernelParams:
    """One KernelParams whose run-specific fields have a leading run axis."""
    fields = {}
    for name, values in zip(KernelParams._fields, zip(*params, strict=True), strict=True):
        fields[name] = values[0] if name in SHARED else along_runs(values, float)
    return KernelParams(**fields)


def ensemble_params(scenarios: list[RunSpec]) -> KernelParams:
    """:func:`stack_params` of the scenarios' ``scenario_params`` (the same arrays, bit for bit:
    ``tests/test_ensemble.py``), without a KernelParams per run: the numbers a sweep sets are
    gathered from the runs' dynamics, decisions and structures, and what the runs share is
    derived once. Runs of different catalogue objects (a swept catalogue number) are stacked
    run by run."""
    first = scenarios[0]
    if any(sc.table is not first.table for sc in scenarios):
        return stack_params([scenario_params(sc) for sc in scenarios])
    runs = len(scenarios)
    dynamics = [sc.dynamics for sc in scenarios]
    decisions = [sc.decision for sc in scenarios]
    structures = [sc.structure for sc in scenarios]
    fields = {  # the catalogue's fields, as the first run has them; the others are set below
        name: value if name in SHARED else along_runs([value] * runs, float)
        for name, value in scenario_params(first)._asdict().items()
    }
    fields.update(
        prior_weight=_floats(d.prior_weight for d in decisions),
        alpha=_floats(d.alpha for d in dynamics),
        self_shift=_floats(d.self_shift for d in dynamics),
        heider=_floats(d.heider for d in dynamics),
        attribution=_floats(d.attribution for d in dynamics),
        expression=_floats(d.expression for d in dynamics),
        stock_decay=_per_object(dynamics, stock_decay),
        rho=_floats(d.relaxation for d in dynamics),
        balance_rate=_floats(d.balance_rate for d in dynamics),
        reciprocity=_floats(d.reciprocity for d in dynamics),
        harm_weight=_floats(d.harm_weight for d in dynamics),
        resolve=_floats(d.resolve for d in dynamics),
        discount=_per_object(decisions, discount_weights),
        salience=_salience(structures),
        trade_share=along_runs([s.trade_share for s in structures], float),
        standing_share=along_runs([s.standing_share for s in structures], float),
        oil_exposure=along_runs([s.oil_exposure for s in structures], float),
        threat_aversion=_floats(s.threat_aversion for s in structures),
        weights=along_runs([s.weights for s in structures], float),
        lam=precision(
            _floats(d.lam for d in decisions)[:, None],
            along_runs([s.rationality for s in structures], float),
        ),
    )
    return KernelParams(**fields)


def _floats(values) -> np.ndarray:
    return np.array(list(values), dtype=float)


def _per_object(objects: list, derive) -> np.ndarray:
    """``derive(o)`` of each run's object, stacked; derived once per distinct object."""
    derived: dict[int, object] = {}
    values = []
    for o in objects:
        if id(o) not in derived:
            derived[id(o)] = derive(o)
        values.append(derived[id(o)])
    return along_runs(values, float)


def _salience(structures: list) -> np.ndarray:
    """Each run's salience; blended for all runs at once when they share the actors' shares."""
    shares = structures[0].salience_shares
    if all(s.salience_shares is shares for s in structures):
        weight = _floats(s.theatre_weight for s in structures)[:, None, None]
        return blend_salience(shares, weight)
    return along_runs([s.salience for s in structures], float)


def along_runs(values, dtype=None) -> np.ndarray:
    """``np.stack`` of the runs' values (as ``dtype``), one value repeated when every run has the
    very same object (the usual case: a sweep sets a few of a run's many constants)."""
    first = values[0]
    if len(set(map(id, values))) == 1:
        one = np.asarray(first, dtype=dtype)
        return np.repeat(one[None], len(values), axis=0)
    return np.array(values, dtype=dtype)


def stack_worlds(worlds: list[WorldState]) -> WorldState:
    """The runs' worlds with a leading run axis (the oil fields become arrays (R,))."""
    return WorldState(
        affinity=along_runs([w.affinity for w in worlds]),
        baseline=along_runs([w.baseline for w in worlds]),
        stocks=along_runs([w.stocks for w in worlds]),
        oil_deviation=np.array([w.oil_deviation for w in worlds], dtype=float),
        oil_persistence=np.array([w.oil_persistence for w in worlds], dtype=float),
        prisoner=along_runs([w.prisoner for w in worlds]),
        linkage_cost=along_runs([w.linkage_cost for w in worlds]),
        linkage_persistence=along_runs([w.linkage_persistence for w in worlds]),
        grievance=along_runs([w.grievance for w in worlds]),
    )


def initial_worlds(structures) -> list[WorldState]:
    """Each structure's ``WorldState.initial``, derived once for structures that share their
    initial stances (the world of each is read, never written, before it is stacked)."""
    worlds: dict[int, WorldState] = {}
    out = []
    for structure in structures:
        key = id(structure.initial_stance)
        if key not in worlds:
            worlds[key] = WorldState.initial(structure)
        out.append(worlds[key])
    return out


# ---------------------------------------------------------------------------------------------
# Seeds: numpy's SeedSequence (numpy/random/bit_generator.pyx) for many seeds at once. One
# SeedSequence costs ~10 us of Python; a chunk's runs need hundreds.

_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL_SIZE = 4


def _mix(x, y):
    result = (_MIX_L * x - _MIX_R * y) & _MASK32
    return result ^ (result >> 16)


class SeedPool:
    """The entropy pool of ``SeedSequence`` for many entropies at once. A word is a Python int or
    a uint64 array of 32-bit values (the arithmetic is numpy's uint32 arithmetic, masked)."""

    def __init__(self, words: list):
        """``words``: the entropy, lowest word first (numpy pads a spawned sequence's run entropy
        with zeros to the pool size: pass them)."""
        self.const = _INIT_A
        first = [words[i] if i < len(words) else 0 for i in range(_POOL_SIZE)]
        self.pool = [self._hashmix(w) for w in first]
        for src in range(_POOL_SIZE):
            for dst in range(_POOL_SIZE):
                if src != dst:
                    self.pool[dst] = _mix(self.pool[dst], self._hashmix(self.pool[src]))
        self.absorb(words[_POOL_SIZE:])

    def _hashmix(self, value):
        value = value ^ self.const
        self.const = (self.const * _MULT_A) & _MASK32
        value = (value * self.const) & _MASK32
        return value ^ (value >> 16)

    def absorb(self, words: list) -> None:
        """Mix in entropy beyond the pool size (a spawn key)."""
        for word in words:
            for dst in range(_POOL_SIZE):
                self.pool[dst] = _mix(self.pool[dst], self._hashmix(word))

    def state(self, words64: int) -> list:
        """``generate_state(words64, np.uint64)``, one entry per 64-bit word."""
        const, halves = _INIT_B, []
        for k in range(2 * words64):
            value = self.pool[k % _POOL_SIZE] ^ const
            const = (const * _MULT_B) & _MASK32
            value = (value * const) & _MASK32
            halves.append(value ^ (value >> 16))
        return [halves[2 * k] | (halves[2 * k + 1] << 32) for k in range(words64)]


def uint32_words(values: np.ndarray, count: int) -> list:
    """The ``count`` lowest 32-bit words of non-negative int64 ``values``, lowest first, as uint64
    arrays."""
    values = values.astype(np.uint64)
    return [(values >> np.uint64(32 * k)) & np.uint64(_MASK32) for k in range(count)]


class _Stated(ISeedSequence):
    """A seed sequence whose PCG64 state was computed beforehand (:func:`generators`)."""

    def __init__(self, words: np.ndarray):
        self.words = words

    def generate_state(self, n_words, dtype=np.uint32):
        if n_words != 4 or np.dtype(dtype) != np.uint64:  # what PCG64 asks for, and all we hold
            raise ValueError(f"only PCG64's state is held, not {n_words} words of {dtype}")
        return self.words


def generators(seeds) -> list:
    """``[np.random.default_rng(s) for s in seeds]`` (the same streams), with the seeds hashed
    all at once."""
    seeds = list(seeds)
    if not all(isinstance(s, int | np.integer) and 0 <= s < 2**63 for s in seeds):
        return [np.random.default_rng(s) for s in seeds]
    if not seeds:
        return []
    state = SeedPool(uint32_words(np.array(seeds, dtype=np.int64), 2)).state(4)
    words = np.stack(state, axis=1)  # (R, 4): each seed's SeedSequence(seed).generate_state
    return [np.random.Generator(np.random.PCG64(_Stated(w))) for w in words]


class Uniforms:
    """Each run's stream of uniform draws, taken in blocks for all runs at once; a run's k-th
    draw is the k-th ``random()`` of ``default_rng(seed)``, as in the Mesa model."""

    def __init__(self, seeds, expected: int, first=None):
        self.generators = generators(seeds)
        for r, g in enumerate(self.generators if first else ()):
            first(r, g)  # draws a run takes before its steps' (its random initial stances)
        self.buffer = np.stack([g.random(expected) for g in self.generators])
        self.cursor = 0

    def take(self, k: int) -> np.ndarray:
        """The next ``k`` draws of every run: (R, k)."""
        end = self.cursor + k
        if end > self.buffer.shape[1]:
            more = max(k, self.buffer.shape[1])
            extra = np.stack([g.random(more) for g in self.generators])
            self.buffer = np.concatenate([self.buffer[:, self.cursor :], extra], axis=1)
            self.cursor, end = 0, k
        out = self.buffer[:, self.cursor : end]
        self.cursor = end
        return out


@dataclass
class EnsembleContext:
    """``model.EventContext`` for an ensemble: the same interface, every run at once."""

    index: dict
    actions: dict
    params: KernelParams  # stacked
    uniforms: Uniforms

    def uniform(self) -> np.ndarray:
        """Every run's next uniform draw: (R,)."""
        return self.uniforms.take(1)[:, 0]

    def act(self, world, acts):
        ensemble_kernels.act_many(
            (world.affinity, world.baseline, world.stocks),
            acts_arrays(acts, self.actions),
            self.params.effect_args(),
        )


@dataclass
class EnsembleRecord:
    """What an ensemble of R runs of T steps and n states produces (``model.Record``'s arrays
    with a leading run axis)."""

    stance: np.ndarray  # (R, T, n, n)
    payoffs: np.ndarray  # (R, T, n, 3)
    utility: np.ndarray  # (R, T, n)
    choice: np.ndarray  # (R, T, n) int
    probability: np.ndarray  # (R, T, n)


def _runs(x, runs: int) -> np.ndarray:
    """An oil field set by an event to one number for every run, as an array (R,) again."""
    x = np.asarray(x, dtype=float)
    return x if x.shape == (runs,) else np.full(runs, float(x))


def world_args(world) -> tuple:
    """The stacked world as ``ensemble_kernels.step_many`` takes it: affinity, baseline,
    grievance (R, n, n), stocks (R, n, 3), prisoner (R, n, n), linkage cost and persistence
    (R, n), oil deviation and persistence (R,)."""
    return (
        world.affinity,
        world.baseline,
        world.grievance,
        world.stocks,
        world.prisoner,
        world.linkage_cost,
        world.linkage_persistence,
        world.oil_deviation,
        world.oil_persistence,
    )


def run_ensemble(scenarios: list[RunSpec]) -> EnsembleRecord:
    """Run scenarios of one shape (equal :func:`shape_key`) together, each with its own seed
    (``scenario.rng``); the record's row r is scenario r's run."""
    first = scenarios[0]
    runs, steps, n = len(scenarios), first.calendar.steps, first.structure.n
    params = ensemble_params(scenarios)
    alt_action = params.alt_action
    width = alt_action.shape[1]
    world = stack_worlds(initial_worlds(sc.structure for sc in scenarios))

    def initial_stances(r, g):
        spread = scenarios[r].random_stances
        if spread > 0:  # as the Mesa model draws them, first from the run's stream
            z = random_affinity(g, n, spread)
            world.affinity[r], world.baseline[r] = z, z

    expected = steps * n + len(first.events)
    uniforms = Uniforms([sc.rng for sc in scenarios], expected, initial_stances)
    ctx = EnsembleContext(first.structure.index, first.table.index, params, uniforms)
    events_at: dict[int, list] = {}
    for event in first.events:
        events_at.setdefault(event.step, []).append(event)
    releases = first.table.requires[alt_action] == 2
    counts = np.zeros((runs, n, width))
    affinity = np.zeros((runs, steps, n, n))
    rec = EnsembleRecord(
        stance=affinity,
        payoffs=np.zeros((runs, steps, n, 3)),
        utility=np.zeros((runs, steps, n)),
        choice=np.zeros((runs, steps, n), dtype=np.int64),
        probability=np.zeros((runs, steps, n)),
    )
    record = (affinity, rec.payoffs, rec.utility, rec.choice, rec.probability)
    flat = tuple(params)  # a plain tuple: see kernels.decide
    for t in range(1, steps + 1):
        for event in events_at.get(t, ()):
            event.apply(world, ctx)
        world.oil_deviation = _runs(world.oil_deviation, runs)
        world.oil_persistence = _runs(world.oil_persistence, runs)
        ensemble_kernels.step_many(
            t, BLOCK, world_args(world), counts, uniforms.take(n), releases, record, flat
        )
    rec.stance = np.tanh(affinity)  # as WorldState.stance, after the run
    return rec
