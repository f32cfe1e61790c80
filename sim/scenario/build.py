"""From a composed Hydra config to typed, validated parameters of one run.

Every check raises :class:`~sim.errors.ConfigError` naming the dotted key and the value, so that
``sim-run`` can print one line and exit 2 before anything is written.
"""

import datetime as dt
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
from mesa.experimental.scenarios import Scenario

from sim.core.actions import REQUIREMENTS, TARGET_KINDS, ActionSpec, ActionTable
from sim.core.events import Event, build_event, parse_date
from sim.core.world import Structure
from sim.errors import ConfigError

WEIGHT_KEYS = ("security", "economic", "prestige")
# `parameters`: free values a scenario file can interpolate into its events (${scenario.parameters.x})
SCENARIO_KEYS = (
    "name", "description", "start", "end", "step_days", "events", "parameters", "random_stances",
)  # fmt: skip


@dataclass(frozen=True)
class Calendar:
    """Weekly (or ``step_days``) steps; step t covers [start + (t-1)*days, start + t*days)."""

    start: dt.date
    end: dt.date
    step_days: int

    @property
    def steps(self) -> int:
        return math.ceil(((self.end - self.start).days + 1) / self.step_days)

    def step_of(self, date: dt.date) -> int | None:
        if not self.start <= date <= self.end:
            return None
        return (date - self.start).days // self.step_days + 1

    def date_of(self, step: int) -> dt.date:
        return self.start + dt.timedelta(days=(step - 1) * self.step_days)


@dataclass(frozen=True)
class Dynamics:
    alpha: float
    self_shift: float
    heider: float
    relaxation: float
    prestige_decay: float
    damage_decay: float
    threat_aversion: float
    theatre_weight: float
    attribution: float
    expression: float
    balance_rate: float
    reciprocity: float
    harm_weight: float
    resolve: float

    def effect_params(self) -> tuple:
        """The scalars ``kernels.alternative_effects`` reads, in its argument order."""
        return (self.alpha, self.self_shift, self.heider, self.attribution)


DYNAMICS_RANGES = {
    "alpha": (0.0, 1.0),
    "self_shift": (0.0, 1.0),
    "heider": (0.0, 5.0),
    "relaxation": (0.0, 1.0),
    "prestige_decay": (0.0, 1.0),
    "damage_decay": (0.0, 1.0),
    "threat_aversion": (0.0, 10.0),
    "theatre_weight": (0.0, 1.0),
    "attribution": (0.0, 1.0),
    "expression": (0.0, 100.0),
    "balance_rate": (0.0, 1.0),
    "reciprocity": (0.0, 1.0),
    "harm_weight": (0.0, 1.0),
    "resolve": (0.0, 10.0),
}

_DYNAMICS_CHECKS = tuple((k, f"dynamics.{k}", r) for k, r in DYNAMICS_RANGES.items())


@dataclass(frozen=True)
class Decision:
    rule: str
    lam: float
    horizon: int
    discount: float
    prior_weight: float


class RunSpec(Scenario):
    """Everything one run of the balancing model needs, validated: the typed run spec (Mesa's
    Scenario, with the seed as ``rng``). "Scenario" alone means a file of configs/scenario/."""

    name: str
    structure: Structure
    table: ActionTable
    dynamics: Dynamics
    decision: Decision
    calendar: Calendar
    events: tuple
    balancer: tuple  # (actor, rival_1, rival_2) codes
    response_window: int
    random_stances: float = 0.0  # > 0: initial stances uniform in +-this, from the seed

    def anticipations(self) -> list:
        """The foreseen events (elections) the agents' look-ahead weighs."""
        from sim.core.events import EventIndex

        index = EventIndex(self.structure.index)
        return [a for e in self.events if (a := e.anticipation(index)) is not None]

    def alternatives(self):
        """Every actor's alternatives (``actions.Alternatives``; shared by every scenario of the
        same catalogue)."""
        from sim.core.actions import build_alternatives

        return build_alternatives(self.structure.n, self.table, self.structure.relevant)


def _number(key, value, lo=-math.inf, hi=math.inf) -> float:
    # a float first: the common case, checked once per swept number of each run of a sweep
    if type(value) is not float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(key, value, "must be a number")
    if not lo <= value <= hi or not math.isfinite(value):
        raise ConfigError(key, value, f"must be a finite number in [{lo}, {hi}]")
    return float(value)


TOP_LEVEL = (  # the sections of a run's config (a sweep adds its own keys, SWEEP_KEYS)
    "seed", "balancer", "dynamics", "outputs", "actors", "relations", "trade", "theatres",
    "actions", "decision", "scenario", "engine", "study", "overwrite",
)  # fmt: skip
DECISION_KEYS = ("rule", "lam", "horizon", "discount", "prior_weight")
OUTPUT_KEYS = ("response_window", "figures")
ACTOR_KEYS = (
    "name", "capability", "weights", "rationality", "oil_exposure", "standing", "trade_reference",
)  # fmt: skip
BALANCER_KEYS = ("actor", "rivals")


def closed(prefix: str, mapping: dict, allowed) -> None:
    """Refuse a key ``mapping`` may not have (a typo added with ``+`` is not ignored), naming
    the nearest known key."""
    import difflib

    for k in mapping:
        if k not in allowed:
            key = f"{prefix}.{k}" if prefix else str(k)
            near = difflib.get_close_matches(str(k), [str(a) for a in allowed], n=1)
            hint = f"; did you mean {near[0]}?" if near else f" (known: {', '.join(allowed)})"
            raise ConfigError(key, mapping[k], f"unknown key{hint}")


def _mapping(key, value) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(key, value, "must be a mapping")
    return value


def parse_actors(cfg):
    actors = _mapping("actors", cfg.get("actors"))
    if len(actors) < 2:
        raise ConfigError("actors", list(actors), "at least two actors are needed")
    allowed = ACTOR_KEYS
    rows = []
    for code, a in actors.items():
        key = f"actors.{code}"
        a = _mapping(key, a)
        closed(key, a, allowed)
        w = _mapping(f"{key}.weights", a.get("weights"))
        for k in w:
            if k not in WEIGHT_KEYS:
                raise ConfigError(
                    f"{key}.weights.{k}", w[k], "unknown weight (security, economic, prestige)"
                )
        weights = np.array([_number(f"{key}.weights.{k}", w.get(k, 0.0), 0.0) for k in WEIGHT_KEYS])
        if weights.sum() <= 0:
            raise ConfigError(f"{key}.weights", dict(w), "weights must not all be zero")
        rows.append(
            dict(
                code=str(code),
                name=str(a.get("name", code)),
                capability=_number(f"{key}.capability", a.get("capability"), 0.0),
                weights=weights / weights.sum(),
                rationality=_number(f"{key}.rationality", a.get("rationality", 1.0), 0.0),
                oil_exposure=_number(f"{key}.oil_exposure", a.get("oil_exposure", 0.0), -10, 10),
                standing=_number(f"{key}.standing", a.get("standing", 1.0), 0.0),
                trade_reference=_number(
                    f"{key}.trade_reference", a.get("trade_reference", 0.0), 0.0
                ),
            )
        )
    return rows


def _pairs(cfg, name, codes, lo, hi, symmetric):
    index = {c: k for k, c in enumerate(codes)}
    out = np.zeros((len(codes), len(codes)))
    seen = {}
    for a, row in _mapping(name, cfg.get(name, {}) or {}).items():
        if a not in index:
            raise ConfigError(f"{name}.{a}", row, "unknown actor")
        for b, v in _mapping(f"{name}.{a}", row).items():
            key = f"{name}.{a}.{b}"
            if b not in index:
                raise ConfigError(key, v, "unknown actor")
            if a == b:
                raise ConfigError(key, v, "an actor has no relation with itself")
            v = _number(key, v, lo, hi)
            i, j = index[a], index[b]
            if symmetric:
                pair = (min(i, j), max(i, j))
                if pair in seen and seen[pair][1] != v:
                    first, value = seen[pair]
                    raise ConfigError(key, v, f"conflicts with {first}={value!r} (trade is mutual)")
                seen[pair] = (key, v)
                out[j, i] = v
            out[i, j] = v
    out.setflags(write=False)  # may be shared by many scenarios (Reuse)
    return out


def _theatres(cfg, codes):
    theatres = _mapping("theatres", cfg.get("theatres", {}) or {})
    index = {c: k for k, c in enumerate(codes)}
    presence = np.zeros((len(codes), max(len(theatres), 1)))
    for t, (name, row) in enumerate(theatres.items()):
        for code, v in _mapping(f"theatres.{name}", row).items():
            if code not in index:
                raise ConfigError(f"theatres.{name}.{code}", v, "unknown actor")
            presence[index[code], t] = _number(f"theatres.{name}.{code}", v, 0.0, 1.0)
    presence.setflags(write=False)  # may be shared by many scenarios (Reuse)
    return presence


def _action_table(cfg) -> ActionTable:
    specs = []
    known = {f.name for f in fields(ActionSpec)} - {"name"}
    for name, a in _mapping("actions", cfg.get("actions")).items():
        key = f"actions.{name}"
        a = dict(_mapping(key, a))
        closed(key, a, sorted(known))
        if a.get("target", "other") not in TARGET_KINDS:
            raise ConfigError(f"{key}.target", a.get("target"), f"must be one of {TARGET_KINDS}")
        if a.get("requires") not in REQUIREMENTS:
            raise ConfigError(
                f"{key}.requires", a.get("requires"), f"must be one of {REQUIREMENTS}"
            )
        needs = {"crisis": "pair", "prisoner": "other"}.get(a.get("requires"))
        if needs and a.get("target", "other") != needs:
            raise ConfigError(
                f"{key}.requires", a["requires"], f"needs an action with `target: {needs}`"
            )
        cost = dict(_mapping(f"{key}.cost", a.get("cost", {}) or {}))
        for k, v in cost.items():
            if k not in WEIGHT_KEYS:
                raise ConfigError(
                    f"{key}.cost.{k}", v, "unknown payoff (security, economic, prestige)"
                )
            cost[k] = _number(f"{key}.cost.{k}", v)
        a["cost"] = dict(cost)
        a["goldstein"] = _number(f"{key}.goldstein", a.get("goldstein"), -10.0, 10.0)
        if "intensity" in a:
            a["intensity"] = _number(f"{key}.intensity", a["intensity"], 0.0, 100.0)
        for k in ("visibility", "party_share"):
            if k in a:
                a[k] = _number(f"{key}.{k}", a[k], 0.0, 1.0)
        for k in (
            "prestige_self",
            "prestige_target",
            "damage_target",
            "sanction_target",
            "pair_goldstein",
            "min_crisis",
        ):
            if k in a:
                a[k] = _number(f"{key}.{k}", a[k])
        a["cameo"] = str(a.get("cameo", ""))
        specs.append(ActionSpec(name=str(name), **a))
    if "wait" not in {s.name for s in specs}:
        raise ConfigError("actions", sorted(s.name for s in specs), "the catalogue needs `wait`")
    return ActionTable(specs)


def _dynamics(cfg) -> Dynamics:
    d = _mapping("dynamics", cfg.get("dynamics"))
    closed("dynamics", d, tuple(DYNAMICS_RANGES))
    return Dynamics(**{k: _number(key, d.get(k), *r) for k, key, r in _DYNAMICS_CHECKS})


def parse_decision(cfg) -> Decision:
    from sim.core.decisions import RULE_NAMES

    d = _mapping("decision", cfg.get("decision"))
    closed("decision", d, DECISION_KEYS)
    if d.get("rule") not in RULE_NAMES:
        raise ConfigError(
            "decision.rule", d.get("rule"), f"unknown rule (known: {', '.join(RULE_NAMES)})"
        )
    horizon = d.get("horizon", 0)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 0 <= horizon <= 52:
        raise ConfigError("decision.horizon", horizon, "must be an integer in 0..52")
    return Decision(
        rule=d["rule"],
        lam=_number("decision.lam", d.get("lam", 1.0), 0.0),
        horizon=horizon,
        discount=_number("decision.discount", d.get("discount", 1.0), 0.0, 1.0),
        prior_weight=_number("decision.prior_weight", d.get("prior_weight", 1.0), 1e-9),
    )


def to_container(cfg) -> dict:
    """A plain dict of a DictConfig (resolved) or of a dict."""
    if type(cfg) is dict:
        return cfg
    try:
        from omegaconf import OmegaConf

        if OmegaConf.is_config(cfg):
            return OmegaConf.to_container(cfg, resolve=True)
    except ImportError:  # pragma: no cover
        pass
    return cfg


class Reuse:
    """Parts of scenarios built from the very same config objects, kept for the next scenario.

    A sweep builds thousands of scenarios from one base config in which only the dicts on the
    swept paths are new objects (``executors.with_values``); a part whose sources are the same
    objects (``is``) as before is the same part. The sources are held, so that their ids stay
    theirs; they must not be changed in place afterwards."""

    def __init__(self, size: int = 64):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()  # a Dask worker may run chunks in several threads

    def part(self, name: str, sources: tuple, build):
        """``build()``, or what it returned for the same ``sources`` before. The least recently
        used part goes first, so that a swept section's new part each run does not push out the
        parts every run shares."""
        key = (name, *map(id, sources))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[1]
        value = build()
        with self._lock:
            if len(self._items) >= self.size:
                self._items.popitem(last=False)
            self._items[key] = (sources, value)
        return value


class _NoReuse:
    def part(self, name, sources, build):
        return build()


def build_scenario(cfg, reuse: Reuse | None = None) -> RunSpec:
    """Validate a composed config and return the typed scenario of one run (``reuse``: parts
    already built from the same config objects, see :class:`Reuse`). Sections are checked in a
    fixed order, so that a config with several mistakes always reports the same one."""
    cfg = to_container(cfg)
    closed("", cfg, TOP_LEVEL)
    reuse = reuse or _NoReuse()
    shared = reuse.part(
        "sections",
        tuple(map(cfg.get, SHARED_SECTIONS)),
        lambda: _shared_sections(cfg, reuse),
    )
    dynamics = reuse.part("dynamics", (cfg.get("dynamics"),), lambda: _dynamics(cfg))
    decision = reuse.part("decision", (cfg.get("decision"),), lambda: parse_decision(cfg))
    seed = cfg.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError("seed", seed, "must be a non-negative integer")
    outputs = _mapping("outputs", cfg.get("outputs") or {})
    closed("outputs", outputs, OUTPUT_KEYS)
    if not isinstance(outputs.get("figures", True), bool):
        raise ConfigError("outputs.figures", outputs["figures"], "must be true or false")
    window = outputs.get("response_window", 3)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ConfigError("outputs.response_window", window, "must be a positive integer")
    base = shared.structure
    spread = (cfg.get("scenario") or {}).get("random_stances", 0.0)
    spread = _number("scenario.random_stances", spread, 0.0, 1.0)
    return RunSpec(
        rng=seed,
        name=shared.name,
        structure=reuse.part(
            "structure under dynamics",
            (base, dynamics),
            lambda: base.with_dynamics(dynamics.threat_aversion, dynamics.theatre_weight),
        ),
        table=shared.table,
        dynamics=dynamics,
        decision=decision,
        calendar=shared.calendar,
        events=shared.events,
        balancer=shared.balancer,
        response_window=window,
        random_stances=spread,
    )


# The sections of the actors, the catalogue and the events: the runs of a sweep share them (the
# same objects) unless it sweeps one of their values, so a run looks them up at once.
SHARED_SECTIONS = ("actors", "relations", "trade", "theatres", "actions", "scenario", "balancer")


class _Sections(NamedTuple):
    """What :data:`SHARED_SECTIONS` give (the structure under the dynamics of the run that first
    built it: see ``Structure.with_dynamics``)."""

    structure: Structure
    table: ActionTable
    name: str
    calendar: Calendar
    events: tuple
    balancer: tuple


def _shared_sections(cfg, reuse) -> _Sections:
    """:data:`SHARED_SECTIONS` checked in the order of every check of a config, dynamics and
    decision included (they come between them), so that the first mistake is always the same."""
    who = cfg.get("actors")
    actors = reuse.part("actors", (who,), lambda: _actor_columns(parse_actors(cfg)))
    codes = actors.codes
    stance = reuse.part(
        "relations",
        (cfg.get("relations"), who),
        lambda: _pairs(cfg, "relations", codes, -1.0, 1.0, symmetric=False),
    )
    trade = reuse.part(
        "trade",
        (cfg.get("trade"), who),
        lambda: _pairs(cfg, "trade", codes, 0.0, math.inf, symmetric=True),
    )
    dynamics = reuse.part("dynamics", (cfg.get("dynamics"),), lambda: _dynamics(cfg))
    presence = reuse.part("theatres", (cfg.get("theatres"), who), lambda: _theatres(cfg, codes))
    table = reuse.part("actions", (cfg.get("actions"),), lambda: _action_table(cfg))
    reuse.part("decision", (cfg.get("decision"),), lambda: parse_decision(cfg))
    name, calendar, events = reuse.part(
        "scenario", (cfg.get("scenario"), who, table), lambda: _scenario(cfg, codes, table)
    )
    balancer = reuse.part("balancer", (cfg.get("balancer"), who), lambda: _balancer(cfg, codes))
    structure = reuse.part(
        "structure",
        (actors, stance, trade, presence),
        lambda: Structure(
            codes=actors.codes,
            names=actors.names,
            capability=actors.capability,
            weights=actors.weights,
            rationality=actors.rationality,
            oil_exposure=actors.oil_exposure,
            standing=actors.standing,
            trade=trade,
            presence=presence,
            initial_stance=stance,
            threat_aversion=dynamics.threat_aversion,
            theatre_weight=dynamics.theatre_weight,
            trade_reference=np.where(
                actors.trade_reference > 0, actors.trade_reference, trade.sum(axis=1)
            ),
        ),
    )
    return _Sections(structure, table, name, calendar, events, balancer)


class ActorColumns(NamedTuple):
    """The validated actors as columns, in config order."""

    codes: tuple
    names: tuple
    capability: np.ndarray
    weights: np.ndarray
    rationality: np.ndarray
    oil_exposure: np.ndarray
    standing: np.ndarray
    trade_reference: np.ndarray  # 0 where not given: the actor's trade in the run


def _actor_columns(rows: list) -> ActorColumns:
    return ActorColumns(
        codes=tuple(a["code"] for a in rows),
        names=tuple(a["name"] for a in rows),
        capability=np.array([a["capability"] for a in rows]),
        weights=np.array([a["weights"] for a in rows]),
        rationality=np.array([a["rationality"] for a in rows]),
        oil_exposure=np.array([a["oil_exposure"] for a in rows]),
        standing=np.array([a["standing"] for a in rows]),
        trade_reference=np.array([a["trade_reference"] for a in rows]),
    )


def _scenario(cfg, codes, table) -> tuple:
    """The scenario section: its name, calendar and typed events in order."""
    sc = _mapping("scenario", cfg.get("scenario"))
    closed("scenario", sc, SCENARIO_KEYS)
    start = parse_date("scenario.start", sc.get("start"))
    end = parse_date("scenario.end", sc.get("end"))
    if end < start:
        raise ConfigError("scenario.end", str(end), f"is before scenario.start {start}")
    step_days = sc.get("step_days", 7)
    if isinstance(step_days, bool) or not isinstance(step_days, int) or step_days < 1:
        raise ConfigError("scenario.step_days", step_days, "must be a positive integer")
    calendar = Calendar(start, end, step_days)
    _check_size(calendar, len(codes), table)
    events: list[Event] = [
        build_event(
            body,
            key,
            calendar,
            set(codes),
            {a.name for a in table.specs if a.target == "other"},
        )
        for key, body in enabled_events(sc.get("events"))
    ]
    events.sort(key=lambda e: e.step)  # stable: same-step events keep their file order
    name = str(sc.get("name", "scenario"))
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*", name) or ".." in name.split("/"):
        raise ConfigError(
            "scenario.name", name, "must be letters, digits, '_', '-', '.' (and '/' between them)"
        )  # it names the output folder: nothing may lead out of outputs/
    return name, calendar, tuple(events)


# The largest run: steps x states x alternatives per state, the size of the arrays of utilities
# and choice probabilities a run keeps. Measured: about 330 bytes a cell at peak (jan2020 in
# daily steps to 2039 and to 2059, 0.65 and 1.29 million cells: 537 and 747 MB), so 5 million
# cells is about 1.7 GB. jan2020 has 22 x 4 x 22; a century in weekly steps of 6 states fits.
MAX_CELLS = 5_000_000


def _check_size(calendar: Calendar, n: int, table: ActionTable) -> None:
    """Refuse, before anything is allocated, a run too large to hold (a scenario from year 1 to
    9999 in daily steps would ask for hundreds of gigabytes)."""
    targets = {"none": 1, "other": n - 1, "pair": (n - 1) * (n - 2) // 2}
    per_state = sum(targets[s.target] for s in table.specs if not s.event_only)
    cells = calendar.steps * n * per_state
    if cells > MAX_CELLS:
        raise ConfigError(
            "scenario.end",
            str(calendar.end),
            f"{calendar.steps} steps x {n} states x {per_state} alternatives is {cells:,} cells, "
            f"more than the {MAX_CELLS:,} a run may hold: shorten the scenario or use longer "
            "steps (scenario.step_days)",
        )


def event_items(raw) -> list[tuple[str, object]]:
    """``scenario.events`` as (key, event) pairs in file order: a mapping of event ids to events
    (the form of scenario files and the command line: ``scenario.events.soleimani.date``), or,
    from Python, a list (keys ``scenario.events[k]``)."""
    if raw is None:
        return []
    if isinstance(raw, dict):
        for name, event in raw.items():
            if not isinstance(name, str) or not name or name.isdigit():
                raise ConfigError(
                    f"scenario.events.{name}",
                    event,
                    "an event id is a name such as `soleimani` (scenario.events maps ids to events)",
                )
        return [(f"scenario.events.{name}", event) for name, event in raw.items()]
    if isinstance(raw, list):
        return [(f"scenario.events[{k}]", event) for k, event in enumerate(raw)]
    raise ConfigError("scenario.events", raw, "must be a mapping of event ids to events")


def enabled_events(raw) -> list[tuple[str, dict]]:
    """The events of ``scenario.events`` that are not switched off with ``enabled: false`` (a
    counterfactual's way to leave out an event it composes: Hydra merges cannot delete a key),
    as (key, event without ``enabled``) pairs in file order. A disabled event is not checked."""
    out = []
    for key, event in event_items(raw):
        event = _mapping(key, event)
        enabled = event.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{key}.enabled", enabled, "must be true or false")
        if enabled:
            out.append((key, {k: v for k, v in event.items() if k != "enabled"}))
    return out


def _balancer(cfg, codes) -> tuple:
    b = _mapping("balancer", cfg.get("balancer"))
    closed("balancer", b, BALANCER_KEYS)
    balancer = (b.get("actor"), *list(b.get("rivals") or []))
    if len(balancer) != 3:
        raise ConfigError("balancer.rivals", b.get("rivals"), "name exactly two rivals")
    for key, code in zip(
        ("balancer.actor", "balancer.rivals", "balancer.rivals"), balancer, strict=True
    ):
        if code not in codes:
            raise ConfigError(key, code, "unknown actor")
    if len(set(balancer)) != 3:
        raise ConfigError("balancer", list(balancer), "the balancer and its two rivals must differ")
    return tuple(balancer)
