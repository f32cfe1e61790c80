"""Why a state did what it did at a step, read from the run's record, in words a student follows.

The model's state chose among its available alternatives by their expected utility, the sum of
a security, an economic and a prestige part (already weighted by the state's weights,
``sim.core.expectations``), and its decision rule turned those totals into probabilities. So the
explanation compares the chosen alternative with waiting, part by part: what it gained and what
it gave up, which is the trade-off a student can argue about. A chosen ``wait`` is compared with
the best alternative it passed over.
"""

from dataclasses import dataclass

import numpy as np

PARTS = ("security", "economic", "prestige")
# (past tense, -ing form) of each action of the catalogue (configs/actions/default.yaml);
# {0} and {1} are the target's names
PHRASES = {
    "wait": ("waited", "waiting"),
    "engage": ("engaged with {0}", "engaging with {0}"),
    "support": ("supported {0}", "supporting {0}"),
    "condemn": ("condemned {0}", "condemning {0}"),
    "mediate": ("mediated between {0} and {1}", "mediating between {0} and {1}"),
    "sanction": ("sanctioned {0}", "sanctioning {0}"),
    "strike": ("struck {0}", "striking {0}"),
    "release": ("released the prisoner of {0}", "releasing the prisoner of {0}"),
}


@dataclass(frozen=True)
class Row:
    """One available alternative at the step."""

    slot: int
    label: str
    parts: tuple | None  # (security, economic, prestige); None in a classic game
    value: float
    probability: float
    chosen: bool


@dataclass(frozen=True)
class Explanation:
    name: str
    step: int
    rows: list  # of Row, in the state's order of alternatives
    chosen: str  # its label
    reference: str  # the alternative it is compared with
    sentence: str


def phrase(label: str, names: dict, form: int = 0) -> str:
    """``mediate:IRN-USA`` -> "mediated between Iran and the United States" (``form`` 0) or
    "mediating between ..." (1); a game's action label -> "chose escalate"."""
    action, _, target = label.partition(":")
    if action not in PHRASES:
        return f"{('chose', 'choosing')[form]} {label}"
    targets = [_the(names.get(c, c)) for c in target.split("-")] if target else []
    return PHRASES[action][form].format(*targets, "", "")


def _the(name: str) -> str:
    """ "the United States", "Israel": a name that is a plural or a union takes the article."""
    return f"the {name}" if name.startswith("United ") or name.endswith("s") else name


def _signed(x: float) -> str:
    return f"{x:+.2f}"


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _rows(record, k: int, i: int, labels: list) -> list[Row]:
    available = record.available[k, i] if hasattr(record, "available") else None
    comps = getattr(record, "components", None)
    rows = []
    for a, label in enumerate(labels):
        if not label or (available is not None and not available[a]):
            continue
        if comps is not None:
            parts = tuple(float(x) for x in comps[k, i, a])
            value = float(np.sum(parts))
        else:
            parts, value = None, float(record.values[k, i, a])
        chosen = a == int(record.choice[k, i])
        rows.append(Row(a, label, parts, value, float(record.probabilities[k, i, a]), chosen))
    return rows


def _reference(rows: list[Row], chosen: Row) -> Row:
    """Waiting, when the state did something else and could wait; otherwise the best
    alternative it passed over."""
    wait = [r for r in rows if r.label == "wait"]
    if wait and chosen.label != "wait":
        return wait[0]
    others = [r for r in rows if not r.chosen] or [chosen]
    return max(others, key=lambda r: r.value)


def _tradeoff(chosen: Row, ref: Row, names: dict) -> str:
    """ "because its prestige gain (+0.12) outweighed its security loss (-0.03), compared with
    waiting" (or "even though ..." when the choice was worth less than ``ref``)."""
    d = [(p, c - r) for p, c, r in zip(PARTS, chosen.parts, ref.parts, strict=True)]
    gains = [f"its {p} gain ({_signed(x)})" for p, x in sorted(d, key=lambda t: -t[1]) if x > 5e-3]
    losses = [f"its {p} loss ({_signed(x)})" for p, x in sorted(d, key=lambda t: t[1]) if x < -5e-3]
    against = f"compared with {phrase(ref.label, names, 1)}"
    if gains and losses:
        if chosen.value >= ref.value:
            return f"because {_list(gains)} outweighed {_list(losses)}, {against}"
        return f"even though {_list(losses)} outweighed {_list(gains)}, {against}"
    if gains:
        return f"because it gained on every count {against}: {_list(gains)}"
    if losses:
        return f"even though it lost on every count {against}: {_list(losses)}"
    return f"and it came to the same as {phrase(ref.label, names, 1)}"


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rule(chosen: Row, rows: list[Row], names: dict) -> str:
    best = max(rows, key=lambda r: r.value)
    p = f"{chosen.probability:.0%}"
    if chosen.value >= best.value - 1e-12:
        return f"It was its best option; its decision rule gave it probability {p}."
    return (
        f"Its best option was {phrase(best.label, names, 1)} ({_signed(best.value)}); its rule "
        f"picks at random, better options more often, and gave this one probability {p}."
    )


def explain(record, step: int, i: int, labels: list, names: dict, code: str, human=False):
    """The explanation of state ``i`` (code ``code``) at ``step`` (1-based) of a record
    (``BalanceModel.record`` or ``GameModel.record``). ``labels``: the state's alternatives by
    slot; ``names``: code -> name; ``human``: a player chose it."""
    k = step - 1
    rows = _rows(record, k, i, labels)
    chosen = next(r for r in rows if r.chosen)
    ref = _reference(rows, chosen)
    name = names.get(code, code)
    who = f"{name} (a player's choice)" if human else name
    if chosen.parts is None:  # a classic game: one expected payoff per action
        other = next((n for c, n in names.items() if c != code), "the other")
        worth = _list([f"{r.label} {_signed(r.value)}" for r in rows])
        sentence = (f"{who} chose {chosen.label}: against what it expected {other} to play, "
                    f"the expected payoffs were {worth}. {_rule(chosen, rows, names)}")  # fmt: skip
    else:
        sentence = (
            f"{who} {phrase(chosen.label, names)} {_tradeoff(chosen, ref, names)}. "
            f"{_upper(phrase(ref.label, names, 1))} would have given an expected utility of "
            f"{_signed(ref.value)}, against {_signed(chosen.value)}. "
            f"{_rule(chosen, rows, names)}"
        )
    return Explanation(name, step, rows, chosen.label, ref.label, sentence)


def explain_state(session, code: str, step: int) -> Explanation:
    """The explanation of a state of a ``sim.app.session.Session`` at a resolved step."""
    if not 1 <= step <= session.step_number:
        raise ValueError(f"step {step} has not been played (steps 1..{session.step_number})")
    i = session.index(code)
    width = session.model.record.probabilities.shape[-1]
    labels = [session.label(code, a) if a in session.slots(code) else "" for a in range(width)]
    human = any(c.human for c in session.history if c.step == step and c.code == code)
    return explain(session.model.record, step, i, labels, session.names, code, human)
