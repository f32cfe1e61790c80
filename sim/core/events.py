"""Typed events of a scenario: what each one does to the world, and how it is read from YAML.

An event is scheduled by ``date`` (the step whose week contains it) or by ``step`` (1-based).
Events that are acts of states (an assassination, a visit) apply an action of the catalogue, so
their effects, third parties included, follow the same rules as the agents' own acts.
Adding an event type: subclass :class:`Event`, declare its fields (name the fields that are
actors, optional actors and catalogue actions in ``ACTORS``, ``OPTIONAL_ACTORS`` and ``ACTIONS``,
their ranges in ``RANGES``; checks across fields go in ``check``), register it in ``EVENT_TYPES``
and document it in docs/SCENARIOS.md.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.core.expectations import Anticipation, survival_probability
from sim.errors import ConfigError


@dataclass(frozen=True)
class EventIndex:
    """The part of the event context that foresight needs: actor codes to indices."""

    index: dict


@dataclass(frozen=True)
class Event:
    type: ClassVar[str] = ""
    ACTORS: ClassVar[tuple[str, ...]] = ()  # fields that name an actor
    ACTIONS: ClassVar[tuple[str, ...]] = ()  # fields that name an action of the catalogue
    OPTIONAL_ACTORS: ClassVar[tuple[str, ...]] = ()  # fields that name an actor or are "" (none)
    RANGES: ClassVar[dict] = {}  # field -> (low, high), inclusive

    step: int
    date: dt.date
    label: str

    def apply(self, world, ctx) -> dict:
        """Change ``world`` in place; return extra fields for the events table.

        ``world`` is one run's (arrays (n, n), ...) or an ensemble's (a leading run axis:
        (R, n, n), ...), so index from the end (``world.affinity[..., i, j]``) and let a choice
        that can differ between runs be an array (``np.where``), never an ``if``."""
        raise NotImplementedError

    def anticipation(self, ctx):
        """A foreseen consequence the agents' look-ahead can weigh, or None."""
        return None

    def actors(self) -> list[str]:
        named = [getattr(self, f) for f in self.ACTORS + self.OPTIONAL_ACTORS]
        return [code for code in named if code]

    def check(self, key: str) -> None:
        """Checks across fields, after each field was checked alone; raise ConfigError."""


@dataclass(frozen=True)
class PrisonerCase(Event):
    """``holder`` holds a citizen of ``prisoner_of``; releasing becomes possible. While held, the
    prisoner's state's affinity toward the holder erodes by ``grievance`` a week; while ``linked`` to
    an extradition, releasing forgoes a swap worth ``linkage_cost`` prestige points."""

    type: ClassVar[str] = "prisoner_case"
    ACTORS: ClassVar = ("holder", "prisoner_of")
    RANGES: ClassVar = {"grievance": (0.0, 1.0), "linkage_cost": (0.0, 1000.0)}
    holder: str = ""
    prisoner_of: str = ""
    linked: bool = True
    grievance: float = 0.005
    linkage_cost: float = 50.0

    def apply(self, world, ctx):
        h, o = ctx.index[self.holder], ctx.index[self.prisoner_of]
        world.prisoner[..., h, o] = True
        world.grievance[..., o, h] = self.grievance
        world.linkage_cost[..., h, o] = self.linkage_cost if self.linked else 0.0
        return {}


@dataclass(frozen=True)
class Extradition(Event):
    """``by`` hands a citizen of ``national_of`` to ``to``: any prisoner linkage lapses, and the
    citizen's state protests to both. With ``lapse_persistence`` > 0 the cost of releasing the
    prisoner does not vanish at once but keeps that share of itself each week: yielding right
    after the affront would look like caving in."""

    type: ClassVar[str] = "extradition"
    ACTORS: ClassVar = ("by", "national_of", "to")
    ACTIONS: ClassVar = ("action",)
    RANGES: ClassVar = {"lapse_persistence": (0.0, 1.0)}
    by: str = ""
    national_of: str = ""
    to: str = ""
    action: str = "protest"
    lapse_persistence: float = 0.0

    def apply(self, world, ctx):
        b, nat, to = ctx.index[self.by], ctx.index[self.national_of], ctx.index[self.to]
        if self.lapse_persistence > 0.0:
            world.linkage_persistence[..., nat, b] = self.lapse_persistence
        else:
            world.linkage_cost[..., nat, b] = 0.0
        ctx.act(world, [(nat, self.action, b), (nat, self.action, to)])
        return {}


@dataclass(frozen=True)
class Assassination(Event):
    """``perpetrator`` kills a leader of ``target``: the perpetrator's ``action`` toward the
    target (``assassinate``: damage and humiliation to the target), third parties reacting by
    structural balance."""

    type: ClassVar[str] = "assassination"
    ACTORS: ClassVar = ("perpetrator", "target")
    ACTIONS: ClassVar = ("action",)
    perpetrator: str = ""
    target: str = ""
    action: str = "assassinate"

    def apply(self, world, ctx):
        ctx.act(world, [(ctx.index[self.perpetrator], self.action, ctx.index[self.target])])
        return {}


@dataclass(frozen=True)
class Strike(Event):
    """``attacker`` strikes ``target``: the attacker's ``action`` toward the target
    (``missile_strike`` by default), third parties reacting by structural balance. For a strike
    in a theatre where a third state's forces may be hit, see :class:`Airstrike`."""

    type: ClassVar[str] = "strike"
    ACTORS: ClassVar = ("attacker", "target")
    ACTIONS: ClassVar = ("action",)
    attacker: str = ""
    target: str = ""
    action: str = "missile_strike"

    def apply(self, world, ctx):
        ctx.act(world, [(ctx.index[self.attacker], self.action, ctx.index[self.target])])
        return {}


@dataclass(frozen=True)
class StateVisit(Event):
    """The guest visits and the host hosts: two acts on the same world, applied together."""

    type: ClassVar[str] = "state_visit"
    ACTORS: ClassVar = ("guest", "host")
    ACTIONS: ClassVar = ("action", "host_action")
    guest: str = ""
    host: str = ""
    action: str = "visit"
    host_action: str = "host_visit"

    def apply(self, world, ctx):
        g, h = ctx.index[self.guest], ctx.index[self.host]
        ctx.act(world, [(g, self.action, h), (h, self.host_action, g)])
        return {}


@dataclass(frozen=True)
class Election(Event):
    """The incumbent of ``state`` survives with probability
    logistic(logit(incumbent_prob) + prestige_slope * prestige stock); if it loses, the state's
    affinity (and structural baseline) toward each actor in ``loss_shift`` shifts by that amount."""

    type: ClassVar[str] = "election"
    ACTORS: ClassVar = ("state",)
    RANGES: ClassVar = {"incumbent_prob": (1e-6, 1 - 1e-6), "prestige_slope": (0.0, 100.0)}
    state: str = ""
    incumbent_prob: float = 0.5
    prestige_slope: float = 0.0
    loss_shift: dict = dataclasses.field(default_factory=dict)

    def _shift(self, ctx):
        shift = np.zeros(len(ctx.index))
        for code, value in self.loss_shift.items():
            shift[ctx.index[code]] = value
        return shift

    def anticipation(self, ctx):
        return Anticipation(
            self.step,
            ctx.index[self.state],
            self.incumbent_prob,
            self.prestige_slope,
            self._shift(ctx),
        )

    def apply(self, world, ctx):
        s = ctx.index[self.state]
        p = survival_probability(self.anticipation(ctx), world.stocks[..., s, 0])
        survived = np.asarray(ctx.uniform() < p)
        shift = self._shift(ctx)
        shift[s] = 0.0
        shift = np.where(survived[..., None], 0.0, shift)
        world.affinity[..., s, :] += shift
        world.baseline[..., s, :] += shift
        return {
            "probability": _item(p),
            "outcome": _item(np.where(survived, "incumbent survives", "incumbent loses")),
        }


@dataclass(frozen=True)
class OilShock(Event):
    """The oil price jumps by ``change`` (relative); the deviation keeps ``persistence`` a week."""

    type: ClassVar[str] = "oil_shock"
    RANGES: ClassVar = {"change": (-1.0, 10.0), "persistence": (0.0, 1.0)}
    change: float = 0.0
    persistence: float = 0.5

    def apply(self, world, ctx):
        world.oil_deviation += self.change
        world.oil_persistence = self.persistence
        return {}


@dataclass(frozen=True)
class Sanctions(Event):
    """``imposer`` sanctions ``target``: the act of the catalogue plus ``level`` points of lasting
    economic loss to the target."""

    type: ClassVar[str] = "sanctions"
    ACTORS: ClassVar = ("imposer", "target")
    ACTIONS: ClassVar = ("action",)
    RANGES: ClassVar = {"level": (0.0, 1000.0)}
    imposer: str = ""
    target: str = ""
    level: float = 0.0
    action: str = "sanction"

    def apply(self, world, ctx):
        t = ctx.index[self.target]
        ctx.act(world, [(ctx.index[self.imposer], self.action, t)])
        world.stocks[..., t, 2] += self.level
        return {}


@dataclass(frozen=True)
class Airstrike(Event):
    """``attacker`` strikes ``target`` in ``theatre`` (a label such as SYR), where the forces of a
    third state, ``exposed``, are close to the target.

    The strike is the attacker's ``action`` toward the target (``strike`` by default), applied
    like any act, so third parties react by structural balance. ``deconflicted_by`` names the
    state the attacker forewarns through a deconfliction line ("" for none); ``exposed`` defaults
    to it. The exposed state is spared if it is the one forewarned and its stance toward the
    attacker, at the moment of the strike, is above 0 (deconfliction needs a working relation).
    Otherwise its forces are hit: ``collateral_damage`` points to its damage stock,
    ``prestige_loss`` points off its prestige stock, and its latent affinity toward the attacker
    falls by ``affinity_loss``. This is how a state's security in a theatre can depend on its
    cooperation with another state's air force (Russia and Israel in Syria since 2015).
    """

    type: ClassVar[str] = "airstrike"
    ACTORS: ClassVar = ("attacker", "target")
    OPTIONAL_ACTORS: ClassVar = ("deconflicted_by", "exposed")
    ACTIONS: ClassVar = ("action",)
    RANGES: ClassVar = {
        "collateral_damage": (0.0, 1000.0),
        "prestige_loss": (0.0, 1000.0),
        "affinity_loss": (0.0, 10.0),
    }
    theatre: str
    attacker: str = ""
    target: str = ""
    deconflicted_by: str = ""
    exposed: str = ""
    action: str = "strike"
    collateral_damage: float = 5.0
    prestige_loss: float = 5.0
    affinity_loss: float = 0.1

    def check(self, key):
        if not self.theatre.strip():
            raise ConfigError(f"{key}.theatre", self.theatre, "must name a theatre")
        if self.attacker == self.target:
            raise ConfigError(f"{key}.target", self.target, "the attacker cannot strike itself")
        for name in self.OPTIONAL_ACTORS:
            if getattr(self, name) in (self.attacker, self.target):
                raise ConfigError(
                    f"{key}.{name}", getattr(self, name), "must be a third state (or empty)"
                )
        if self.exposed and self.deconflicted_by and self.exposed != self.deconflicted_by:
            raise ConfigError(
                f"{key}.exposed",
                self.exposed,
                f"differs from deconflicted_by {self.deconflicted_by!r}: only the exposed "
                "state can be forewarned",
            )

    def apply(self, world, ctx):
        a = ctx.index[self.attacker]
        exposed = self.exposed or self.deconflicted_by
        if not exposed:
            ctx.act(world, [(a, self.action, ctx.index[self.target])])
            return {}
        e = ctx.index[exposed]
        spared = np.asarray(
            (self.deconflicted_by == exposed) & (world.stance[..., e, a] > 0.0)
        )  # read before the strike changes the world
        ctx.act(world, [(a, self.action, ctx.index[self.target])])
        world.stocks[..., e, 1] += np.where(spared, 0.0, self.collateral_damage)
        world.stocks[..., e, 0] -= np.where(spared, 0.0, self.prestige_loss)
        world.affinity[..., e, a] -= np.where(spared, 0.0, self.affinity_loss)
        outcome = np.where(spared, f"{exposed} spared (deconflicted)", f"{exposed} hit")
        return {"outcome": _item(outcome)}


@dataclass(frozen=True)
class PeacePlan(Event):
    """``proposer`` announces a plan that favours ``favoured`` (the US "Middle East plan" of
    28 Jan 2020, announced with Israel's prime minister at the White House).

    The announcement is the proposer's ``action`` toward the favoured party (``support`` by
    default), applied like any act: the favoured party warms toward the proposer, and third
    parties react by structural balance (the favoured party's enemies cool toward the proposer,
    its friends warm). ``reactions`` adds, for each state named, a shift of its latent affinity
    toward the proposer (negative: the plan cools it further; each in [-1, 1]), for the reactions
    that structural balance does not capture (a state that rejects the plan on principle).
    """

    type: ClassVar[str] = "peace_plan"
    ACTORS: ClassVar = ("proposer", "favoured")
    ACTIONS: ClassVar = ("action",)
    proposer: str = ""
    favoured: str = ""
    action: str = "support"
    reactions: dict = dataclasses.field(default_factory=dict)

    def check(self, key):
        if self.proposer == self.favoured:
            raise ConfigError(f"{key}.favoured", self.favoured, "must differ from the proposer")
        for code, value in self.reactions.items():
            if code == self.proposer:
                raise ConfigError(
                    f"{key}.reactions.{code}", value, "the proposer has no stance toward itself"
                )
            if not -1.0 <= value <= 1.0:
                raise ConfigError(f"{key}.reactions.{code}", value, "must be in [-1.0, 1.0]")

    def apply(self, world, ctx):
        p = ctx.index[self.proposer]
        ctx.act(world, [(p, self.action, ctx.index[self.favoured])])
        for code, shift in self.reactions.items():
            world.affinity[..., ctx.index[code], p] += shift
        return {}


def _item(x):
    """A plain Python value for one run (summary.json), the array itself for an ensemble."""
    x = np.asarray(x)
    return x.item() if x.ndim == 0 else x


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        PrisonerCase,
        Extradition,
        Assassination,
        Strike,
        StateVisit,
        Election,
        OilShock,
        Sanctions,
        Airstrike,
        PeacePlan,
    )
}

_BASE_FIELDS = {"type", "date", "step", "label"}


def _a(kind: str) -> str:
    """``kind`` with its indefinite article: "a strike", "an airstrike"."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _check_type(key, value, kind):
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, value, "must be true or false")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(key, value, "must be a number")
        if not np.isfinite(value):
            raise ConfigError(key, value, "must be finite")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(key, value, "must be a string")
        return value
    if kind is dict:
        if not isinstance(value, dict):
            raise ConfigError(key, value, "must be a mapping")
        return dict(value)
    raise AssertionError(kind)


def parse_date(key, value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(key, value, "is not a date (YYYY-MM-DD)") from None


def build_event(raw: dict, key: str, calendar, actor_codes, action_names) -> Event:
    """Validate one event mapping from a scenario file and turn it into a typed event."""
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        known = ", ".join(sorted(EVENT_TYPES))
        raise ConfigError(f"{key}.type", kind, f"unknown event type (known: {known})")
    cls = EVENT_TYPES[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in raw:
        if name not in fields and name != "type":
            raise ConfigError(f"{key}.{name}", raw[name], f"unknown parameter of {_a(kind)} event")
    if ("date" in raw) == ("step" in raw):
        raise ConfigError(key, kind, "an event needs exactly one of `date` or `step`")
    if "date" in raw:
        date = parse_date(f"{key}.date", raw["date"])
        step = calendar.step_of(date)
        if step is None:
            raise ConfigError(
                f"{key}.date",
                str(date),
                f"outside the scenario's horizon {calendar.start}..{calendar.end}",
            )
    else:
        step = raw["step"]
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= calendar.steps:
            raise ConfigError(f"{key}.step", step, f"must be an integer in 1..{calendar.steps}")
        date = calendar.date_of(step)
    values = {"step": step, "date": date, "label": str(raw.get("label", kind))}
    for name, f in fields.items():
        if name in _BASE_FIELDS:
            continue
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        if name not in raw:
            if name in cls.ACTORS or not has_default:
                raise ConfigError(f"{key}.{name}", None, f"missing parameter of {_a(kind)} event")
            continue
        kind_of = f.type
        value = _check_type(f"{key}.{name}", raw[name], kind_of)
        if name in cls.ACTORS and value not in actor_codes:
            raise ConfigError(f"{key}.{name}", value, "unknown actor")
        if name in cls.OPTIONAL_ACTORS and value and value not in actor_codes:
            raise ConfigError(f"{key}.{name}", value, 'unknown actor ("" for none)')
        if name in cls.ACTIONS and value not in action_names:
            raise ConfigError(
                f"{key}.{name}", value, "unknown action (or not one aimed at one other state)"
            )
        if name in cls.RANGES:
            lo, hi = cls.RANGES[name]
            if not lo <= value <= hi:
                raise ConfigError(f"{key}.{name}", value, f"must be in [{lo}, {hi}]")
        if kind_of is dict:
            for code, v in value.items():
                if code not in actor_codes:
                    raise ConfigError(f"{key}.{name}.{code}", v, "unknown actor")
                value[code] = _check_type(f"{key}.{name}.{code}", v, float)
        values[name] = value
    event = cls(**values)
    for name in cls.ACTORS[1:]:  # the acting state toward itself: striking or visiting itself
        if values[name] == values[cls.ACTORS[0]]:
            raise ConfigError(f"{key}.{name}", values[name], f"must differ from {cls.ACTORS[0]}")
    event.check(key)
    return event
