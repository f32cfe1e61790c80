"""The class's debrief: how each human state did against the model playing it, and against what
the state actually did; the turning points; why the others made their key choices.

Once a person chooses, the others answer differently, so one model run is no yardstick: the
state is replayed by its decision rule from the same start over ``replays`` seeds, with the
other people's choices and the teacher's shocks kept as they were, and the class's cumulative
utility is placed in that distribution (median, 5-95 % interval, the share of replays below it).
For jan2020 the coded record (``data/record.csv``) gives what the states actually did; it is
imposed as ``sim.validation.likelihood`` does, on the first seed whose election outcome is the
observed one (Netanyahu stayed in office, 2 March 2020: configs/experiment/validation.yaml).
The result is one self-contained HTML file: inline CSS, images as data addresses, no link out.
"""

import html
from dataclasses import dataclass

import numpy as np

from sim.abm.games import GameModel
from sim.abm.model import BalanceModel
from sim.abm.run import build
from sim.app.explain import explain_state
from sim.app.figures import payoffs_plot, png_data_uri, relations_plot, replay_strip

OBSERVED_OUTCOMES = {"election": "incumbent survives"}  # configs/experiment/validation.yaml
INTERVAL = (5, 95)  # percentiles of the replays' interval
SEED_OFFSET = 1000  # replays use seeds the class's own run (its config's seed) does not


@dataclass(frozen=True)
class Comparison:
    """One human state's result against the model's replays (and the record's history)."""

    code: str
    human: float
    replays: np.ndarray
    median: float
    interval: tuple
    below: float  # share of replays with less utility than the class
    actual: float | None


@dataclass(frozen=True)
class Debrief:
    comparisons: list
    turning_points: list  # dicts: step, date, pair, change, events
    key_choices: list  # Explanation of the others' choices
    body: str  # the HTML inside <body>
    html: str  # the whole file


def humans_of(session) -> list[str]:
    return [c for c in session.codes if any(x.human and x.code == c for x in session.history)]


def _model(session, seed: int):
    config = {**session.config, "seed": seed}
    spec = build(config)
    if session.is_game:
        return GameModel(spec)
    model = BalanceModel(spec, session.backend)
    for event in session.injected:  # the teacher's shocks, at their steps
        model.schedule(event)
    return model


def _replay(session, code: str, seed: int) -> float:
    """State ``code`` played by its rule, the other people's choices kept; its utility."""
    model = _model(session, seed)
    agents = model.players if session.is_game else model.states
    forced = session.human_choices()
    t_end = session.step_number
    for t in range(1, t_end + 1):
        for a in agents:
            a.forced = None if a.code == code else forced.get(t, {}).get(a.code)
        model.step()
    i = session.index(code)
    per_step = model.record.payoff if session.is_game else model.record.utility
    return float(per_step[:t_end, i].sum())


def actual_history(session) -> np.ndarray | None:
    """(n,) each state's utility over the steps played with the coded record imposed (jan2020
    only, and only where the source tree's record is there); None otherwise."""
    from sim.validation.likelihood import observed_labels, score
    from sim.validation.record import RECORD_PATH, load_record, observations

    if session.is_game or session.scenario != "jan2020" or not RECORD_PATH.exists():
        return None
    observed = observed_labels(observations(load_record()))
    for seed in range(100):
        model = BalanceModel(build({**session.config, "seed": seed}), session.backend)
        score(model, observed)
        fired = {r["event"].type: r.get("outcome") for r in model.record.events}
        if all(fired.get(k) == v for k, v in OBSERVED_OUTCOMES.items()):
            return model.record.utility[: session.step_number].sum(axis=0)
    return None


def compare(session, code: str, replays: int, actual=None) -> Comparison:
    i = session.index(code)
    human = float(session.cumulative()[-1, i]) if session.step_number else 0.0
    base = int(session.config.get("seed", 0)) + SEED_OFFSET
    values = np.array([_replay(session, code, base + r) for r in range(replays)])
    lo, hi = np.percentile(values, INTERVAL)
    return Comparison(
        code, human, values, float(np.median(values)), (float(lo), float(hi)),
        float(np.mean(values < human)), None if actual is None else float(actual[i]),
    )  # fmt: skip


def turning_points(session, top: int = 5) -> list[dict]:
    """The largest changes of one state's stance toward another in one step, with the events
    of that step."""
    if session.is_game or session.step_number == 0:
        return []
    m, t_end = session.model, session.step_number
    stance = np.concatenate([m.structure.initial_stance[None], m.record.stance[:t_end]])
    change = np.diff(stance, axis=0)
    codes = session.codes
    order = np.argsort(-np.abs(change), axis=None)[: top * 3]
    events = {}
    for r in m.record.events:
        events.setdefault(r["event"].step, []).append(r["event"].label)
    out = []
    for flat in order:
        k, i, j = np.unravel_index(flat, change.shape)
        if i != j and len(out) < top:
            out.append(dict(step=int(k) + 1, date=session.date_of(int(k) + 1),
                            pair=f"{codes[i]}→{codes[j]}", change=float(change[k, i, j]),
                            before=float(stance[k, i, j]), after=float(stance[k + 1, i, j]),
                            events=events.get(int(k) + 1, [])))  # fmt: skip
    return out


def key_choices(session, humans: list[str], per_state: int = 2) -> list:
    """For each state no person played, its most decisive choices: those whose expected utility
    most exceeded waiting's (in a game, the best alternative passed over)."""
    out = []
    t_end = session.step_number
    for code in session.codes:
        if code in humans or t_end == 0:
            continue
        margins = []
        for t in range(1, t_end + 1):
            e = explain_state(session, code, t)
            chosen = next(r for r in e.rows if r.chosen)
            ref = next(r for r in e.rows if r.label == e.reference)
            margins.append((chosen.value - ref.value, t, e))
        margins.sort(key=lambda m: -m[0])
        out += [e for _, _, e in margins[:per_state]]
    return out


def debrief(session, replays: int = 20) -> Debrief:
    """The debrief of a session at its current step (every step played so far)."""
    with session.lock:
        humans = humans_of(session)
        actual = actual_history(session) if humans else None
        comparisons = [compare(session, c, replays, actual) for c in humans]
        points = turning_points(session)
        choices = key_choices(session, humans)
        body = render(session, comparisons, points, choices)
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Debrief: {html.escape(session.scenario)}</title></head><body>{body}</body></html>"
    )
    return Debrief(comparisons, points, choices, body, page)


CSS = """<style>
.debrief{font-family:system-ui,sans-serif;max-width:900px;color:#222;line-height:1.4}
.debrief table{border-collapse:collapse;margin:6px 0}
.debrief td,.debrief th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.debrief h2{border-bottom:1px solid #ddd;margin-top:22px}
.debrief img{max-width:100%}
</style>"""


def _comparison_html(session, c: Comparison) -> str:
    name = html.escape(f"{session.names[c.code]} ({c.code})")
    actual = (f" What it actually did (the coded record) gave {c.actual:+.2f}."
              if c.actual is not None else "")  # fmt: skip
    text = (
        f"<p><b>{name}</b>: the class earned {c.human:+.2f}. Played by the model from the same "
        f"start ({len(c.replays)} replays with other seeds, the other players' choices and the "
        f"shocks kept), it earned {c.median:+.2f} in the median, {c.interval[0]:+.2f} to "
        f"{c.interval[1]:+.2f} in 90% of the replays; the class did better than "
        f"{c.below:.0%} of them.{html.escape(actual)}</p>"
    )
    fig = replay_strip(c.replays, c.human, c.actual, f"{c.code}: cumulative utility")
    return text + f"<img alt='replays of {c.code}' src='{png_data_uri(fig)}'>"


def render(session, comparisons, points, choices) -> str:
    """The debrief's HTML (inside <body>): every text escaped, every image inline."""
    e = html.escape
    parts = [CSS, "<div class='debrief'>",
             f"<h1>Debrief: {e(session.scenario)}</h1>",
             f"<p>{session.step_number} of {session.steps} steps played, to {e(session.date)}.</p>",
             "<h2>The players against the model</h2>"]  # fmt: skip
    if not comparisons:
        parts.append("<p>No state was played by a person in this run.</p>")
    parts += [_comparison_html(session, c) for c in comparisons]
    if session.step_number:
        codes, t = session.codes, session.step_number
        ylabel = "cumulative payoff" if session.is_game else "cumulative utility"
        figs = [payoffs_plot(codes, session.cumulative(), ylabel, steps=session.steps)]
        if not session.is_game:
            history = session.model.record.stance[:t]
            figs.insert(0, relations_plot(codes, history, steps=session.steps))
        parts += [f"<img alt='run' src='{png_data_uri(f)}'>" for f in figs]
    parts.append("<h2>Turning points</h2>")
    rows = "".join(
        f"<tr><td>{p['date']}</td><td>{e(p['pair'])}</td><td>{p['before']:+.2f} → "
        f"{p['after']:+.2f}</td><td>{e('; '.join(p['events']) or '(no event)')}</td></tr>"
        for p in points
    )
    parts.append("<table><tr><th>date</th><th>stance</th><th>change</th><th>events that "
                 f"step</th></tr>{rows}</table>" if points else "<p>None.</p>")  # fmt: skip
    parts.append("<h2>Why the others acted</h2>")
    parts += [f"<p><b>{e(session.date_of(x.step))}</b>: {e(x.sentence)}</p>" for x in choices]
    parts.append("</div>")
    return "\n".join(parts)
