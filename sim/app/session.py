"""One model of one room (or one browser): reset, step with the players' choices, offers, shocks.

A person plays a state through its agent's ``forced`` (``sim.abm.agents.StateAgent.choose``):
the others answer with their decision rules in the same step, and all acts take effect together,
exactly as in a run of ``sim-run``. The offers a player sees are what the model itself computes
at that step (the step's events applied to a copy of the world, then the decision rule's
evaluation), so a predicted payoff is the number the model's own states weigh. Classic games
(``configs/scenario/games/``) are played with the same API: the human is the row or the column
player, the offers are its actions with their expected payoffs against its belief.
"""

import copy
import threading
from dataclasses import dataclass

import numpy as np

from sim.abm.games import GameModel
from sim.abm.model import BalanceModel, EventContext
from sim.abm.run import build, is_game
from sim.app.library import DEFAULT_SCENARIO, composed, with_values
from sim.core.events import EVENT_TYPES, build_event
from sim.errors import ConfigError

PARTS = ("security", "economic", "prestige")
PART_NAMES = {"security": "security", "economic": "the economy", "prestige": "prestige"}
LAM_RANGE = (0.0, 20.0)  # 0 is uniform choice, 20 near best response (configs/decision/)
LAM_LABEL = "How carefully states choose (lam: 0 at random, 20 the best)"


@dataclass(frozen=True)
class Offer:
    """One alternative a state can take now; the numbers are ``None`` when hidden."""

    slot: int
    label: str
    parts: tuple | None  # (security, economic, prestige) expected utility; None in a game
    value: float | None  # total expected utility (expected payoff in a game)
    probability: float | None  # what the state's decision rule would give it


@dataclass(frozen=True)
class Choice:
    """What one state did at one step, and whether a person chose it."""

    step: int
    date: str
    code: str
    slot: int
    label: str
    human: bool


@dataclass(frozen=True)
class Parameter:
    """A slider: a dotted config key, its current value and range."""

    key: str
    label: str
    value: float
    lo: float
    hi: float
    step: float


class Session:
    """One model for one room: built from a library scenario (or a validated uploaded config)
    with dotted ``values``; thread-safe (the page's play loop and its buttons may overlap)."""

    def __init__(
        self, scenario: str = DEFAULT_SCENARIO, values=None, *, config=None, backend="numba"
    ):
        self.lock = threading.RLock()
        self.backend = backend
        self.reset(scenario, values, config=config)

    # -- building -------------------------------------------------------------------------------

    def reset(self, scenario: str | None = None, values=None, *, config: dict | None = None):
        """Start again from step 0: the library ``scenario`` (default: the current one) with
        ``values`` set, or ``config`` (an uploaded file's, ``sim.app.upload``). Raises
        ``ConfigError`` and then keeps the model it had."""
        with self.lock:
            uploaded = getattr(self, "uploaded", None)
            if config is None and uploaded is not None and scenario in (None, self.scenario):
                # Reset of an uploaded scenario starts it again, with the sliders' values
                name, config = self.scenario, with_values(copy.deepcopy(uploaded), values)
            elif config is None:
                name = scenario or getattr(self, "scenario", DEFAULT_SCENARIO)
                config = composed(name, values)
                uploaded = None
            else:
                uploaded = copy.deepcopy(config)
                name = str((config.get("scenario") or {}).get("name", "uploaded"))
            spec = build(config)
            self.model = GameModel(spec) if is_game(config) else BalanceModel(spec, self.backend)
            self.scenario, self.values, self.config = name, dict(values or {}), config
            self.uploaded = uploaded  # the file's config as uploaded, or None (the library's)
            self.history: list[Choice] = []
            self.injected: list = []
            self._preview_cache = None

    @property
    def is_game(self) -> bool:
        return isinstance(self.model, GameModel)

    @property
    def agents(self) -> list:
        return self.model.players if self.is_game else self.model.states

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.agents]

    @property
    def names(self) -> dict[str, str]:
        return {a.code: a.name for a in self.agents}

    def index(self, code: str) -> int:
        if code not in self.codes:
            raise ConfigError("state", code, f"unknown state (known: {', '.join(self.codes)})")
        return self.codes.index(code)

    @property
    def steps(self) -> int:
        """The number of steps of the scenario."""
        return self.model.game.steps if self.is_game else self.model.calendar.steps

    @property
    def step_number(self) -> int:
        """Steps resolved so far (0 before the first)."""
        return self.model.step_number

    @property
    def done(self) -> bool:
        return not self.model.running or self.step_number >= self.steps

    def date_of(self, step: int) -> str:
        """The date a step starts (a round number in a game)."""
        if self.is_game:
            return f"round {step}"
        return self.model.calendar.date_of(step).isoformat()

    @property
    def date(self) -> str:
        """The date of the step to be resolved next (the last one's when the run is over)."""
        return self.date_of(min(self.step_number + 1, self.steps))

    def label(self, code: str, slot: int) -> str:
        i = self.index(code)
        if self.is_game:
            return self.model.game.actions[i][slot]
        return self.model.label(i, slot)

    def slots(self, code: str) -> list[int]:
        """Every alternative the state has in this scenario (available now or not)."""
        i = self.index(code)
        if self.is_game:
            return list(range(len(self.model.game.actions[i])))
        return [int(a) for a in np.flatnonzero(self.model.alts.valid[i])]

    # -- the step to come -----------------------------------------------------------------------

    def preview(self):
        """(available (n, A), components (n, A, 3) or None, values (n, A), probabilities (n, A))
        the decision rule will compute at the next step, from copies: nothing of the model
        changes. Cached until the step or its events change."""
        with self.lock:
            m, t = self.model, self.step_number + 1
            key = (id(m), t, len(getattr(m, "events_at", {}).get(t, ())))
            if self._preview_cache is None or self._preview_cache[0] != key:
                result = _game_preview(m) if self.is_game else _balance_preview(m, t)
                self._preview_cache = (key, result)
            return self._preview_cache[1]

    def offers(self, code: str, payoffs: bool = True) -> list[Offer]:
        """The alternatives the state can take at the next step (available ones only), with
        their predicted expected utility split into its three parts when ``payoffs``."""
        i = self.index(code)
        if self.done:
            return []
        available, components, values, probabilities = self.preview()
        out = []
        for a in self.slots(code):
            if not available[i, a]:
                continue
            parts = None
            if payoffs and components is not None:
                parts = tuple(float(x) for x in components[i, a])
            out.append(
                Offer(
                    slot=a,
                    label=self.label(code, a),
                    parts=parts,
                    value=float(values[i, a]) if payoffs else None,
                    probability=float(probabilities[i, a]) if payoffs else None,
                )
            )
        return out

    # -- resolving a step -----------------------------------------------------------------------

    def slot_of(self, code: str, choice) -> int:
        """A choice given as a slot or as a label (``mediate:IRN-USA``) -> its slot."""
        slots = self.slots(code)
        if isinstance(choice, str):
            labels = {self.label(code, a): a for a in slots}
            if choice not in labels:
                raise ConfigError(f"choice.{code}", choice, "not one of the state's alternatives")
            return labels[choice]
        if (
            isinstance(choice, bool)
            or not isinstance(choice, int | np.integer)
            or choice not in slots
        ):
            raise ConfigError(f"choice.{code}", choice, "not one of the state's alternatives")
        return int(choice)

    def step(self, choices: dict | None = None) -> dict[str, str]:
        """Resolve the next step with the players' ``choices`` (state code -> slot or label; an
        alternative not available now becomes wait); the others follow their decision rules.
        Returns every state's label for the step."""
        with self.lock:
            if self.done:
                raise ConfigError("step", self.step_number, "the scenario is over (reset it)")
            forced = {code: self.slot_of(code, c) for code, c in (choices or {}).items()}
            for agent in self.agents:
                agent.forced = forced.get(agent.code)
            try:
                self.model.step()
            finally:
                for agent in self.agents:
                    agent.forced = None
            t = self.step_number
            row = self.model.record.choice[t - 1]
            made = {}
            for i, code in enumerate(self.codes):
                slot = int(row[i])
                made[code] = self.label(code, slot)
                self.history.append(
                    Choice(t, self.date_of(t), code, slot, made[code], code in forced)
                )
            return made

    def human_choices(self) -> dict[int, dict[str, int]]:
        """step -> {state code: slot} of the choices people made (to replay them)."""
        out: dict[int, dict[str, int]] = {}
        for c in self.history:
            if c.human:
                out.setdefault(c.step, {})[c.code] = c.slot
        return out

    # -- what the page shows --------------------------------------------------------------------

    def stance(self) -> np.ndarray:
        """The current stances (n, n): row's stance toward column, in [-1, 1] (a game: zeros)."""
        if self.is_game:
            return np.zeros((2, 2))
        return self.model.world.stance

    def cumulative(self) -> np.ndarray:
        """(steps so far, n) each state's cumulative utility (payoff in a game) after each step."""
        t = self.step_number
        r = self.model.record
        per_step = r.payoff[:t] if self.is_game else r.utility[:t]
        return np.cumsum(per_step, axis=0)

    def timeline(self) -> list[dict]:
        """Every scheduled event (the scenario's and the injected): step, date, label, type,
        whether it has happened and its outcome (an election's)."""
        if self.is_game:
            return []
        fired = {id(r["event"]): r for r in self.model.record.events}
        out = []
        for step in sorted(self.model.events_at):
            for e in self.model.events_at[step]:
                r = fired.get(id(e))
                out.append(
                    dict(
                        step=step,
                        date=e.date.isoformat(),
                        label=e.label,
                        type=e.type,
                        happened=r is not None,
                        outcome=(r or {}).get("outcome"),
                        injected=any(e is x for x in self.injected),
                    )
                )
        return out

    def parameters(self) -> list[Parameter]:
        """The main parameters as sliders: each state's weights, ``lam`` and the magnitudes
        (numbers with a range) of the scenario's events."""
        c = self.config
        out = [Parameter("decision.lam", LAM_LABEL, float(c["decision"]["lam"]), *LAM_RANGE, 0.5)]
        if self.is_game:
            return out
        for code, actor in c["actors"].items():
            for part in PARTS:
                value = float(actor["weights"].get(part, 0.0))
                key = f"actors.{code}.weights.{part}"
                label = f"{self.names[code]}: weight of {PART_NAMES[part]}"
                out.append(Parameter(key, label, value, 0.0, 1.0, 0.05))
        events = (c.get("scenario") or {}).get("events") or {}
        for eid, body in events.items() if isinstance(events, dict) else ():
            cls = EVENT_TYPES.get(body.get("type"))
            for name, (lo, hi) in cls.RANGES.items() if cls else ():
                if name in body and body.get("enabled", True):
                    key = f"scenario.events.{eid}.{name}"
                    value = float(body[name])
                    lo, hi = _slider_range(value, float(lo), float(hi))
                    label = f"{body.get('label') or eid}: {name.replace('_', ' ')}"
                    out.append(Parameter(key, label, value, lo, hi, (hi - lo) / 100))
        return out

    # -- the teacher's shocks -------------------------------------------------------------------

    def inject(self, event_type: str, params: dict | None = None, label: str | None = None):
        """Schedule an event of ``event_type`` with ``params`` at the step to be resolved next,
        validated by the same path as a scenario file's events (``sim.core.events.build_event``);
        the typed event. Raises ``ConfigError`` (one line). An injected election is not foreseen
        by the states' look-ahead (that is compiled from the scenario's own events)."""
        with self.lock:
            if self.is_game:
                raise ConfigError("event", event_type, "a classic game has no events")
            if self.done:
                raise ConfigError("event", event_type, "the scenario is over")
            params = dict(params or {})
            for k in ("date", "step", "type"):
                if k in params:
                    raise ConfigError(
                        f"event.{k}", params[k], "a shock happens at the current date"
                    )
            m, t = self.model, self.step_number + 1
            raw = {"type": event_type, **params, "step": t}
            if label:
                raw["label"] = str(label)
            aimed = {a.name for a in m.table.specs if a.target == "other"}
            key = f"shock[{len(self.injected) + 1}]"
            event = build_event(raw, key, m.calendar, set(self.codes), aimed)
            m.schedule(event)
            self.injected.append(event)
            return event


def _slider_range(value: float, lo: float, hi: float) -> tuple[float, float]:
    """An event's range, narrowed to four times its value either side where it is wide (a
    linkage cost of 50 in [0, 1000]): a slider over the whole range could not set it finely."""
    span = 4.0 * max(abs(value), 0.01)
    return max(lo, min(0.0, value - span)), min(hi, value + span)


def _balance_preview(m: BalanceModel, t: int):
    world = m.world.copy()
    ctx = EventContext(m.context.index, m.context.actions, m.backend, copy.deepcopy(m.rng))
    for event in m.events_at.get(t, ()):
        event.apply(world, ctx)
    available, _, _, _, components, probabilities = m.backend.decide(world, t, m.counts.copy())
    components = np.where(available[..., None], components, np.nan)
    return available, components, components.sum(axis=-1), probabilities


def _game_preview(m: GameModel):
    values, probabilities = m.next_decision()
    return m.available, None, values, probabilities
