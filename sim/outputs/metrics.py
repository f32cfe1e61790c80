"""Run-level outcomes: the balancer's hedge and tilt, whether the balance broke, escalations,
each state's response to each event, and counts of what each state did."""

from collections import Counter

import numpy as np


def mutual(stance, a: int, b: int):
    """Mean of the two directed stances between a and b (works on a (T, n, n) series too)."""
    return (stance[..., a, b] + stance[..., b, a]) / 2.0


def hedge_and_tilt(stance, balancer: int, rival1: int, rival2: int):
    """Hedge: the weaker of the balancer's two mutual relations (> 0: friends with both).
    Tilt: mutual relation with the first rival minus with the second (> 0: leans to the first)."""
    r1, r2 = mutual(stance, balancer, rival1), mutual(stance, balancer, rival2)
    return np.minimum(r1, r2), r1 - r2


def balance_broken_steps(stance, balancer: int, rival1: int, rival2: int) -> np.ndarray:
    """First step (1-based) at which any directed stance between the balancer and a rival is
    <= 0, or 0 if none; ``stance`` is (..., T, n, n) (a leading run axis gives one per run)."""
    b, r1, r2 = balancer, rival1, rival2
    worst = np.minimum.reduce(
        [stance[..., b, r1], stance[..., r1, b], stance[..., b, r2], stance[..., r2, b]]
    )
    broken = worst <= 0.0
    return np.where(broken.any(axis=-1), broken.argmax(axis=-1) + 1, 0)


def balance_broken_step(stance, balancer: int, rival1: int, rival2: int) -> int | None:
    """:func:`balance_broken_steps` of one run (T, n, n), None if the balance held."""
    return int(balance_broken_steps(stance, balancer, rival1, rival2)) or None


def agent_escalations(choice, alt_action, escalation) -> np.ndarray:
    """Escalatory acts the states chose; ``choice`` is (..., T, n)."""
    n = alt_action.shape[0]
    return escalation[alt_action[np.arange(n), choice]].sum(axis=(-2, -1))


def event_escalations(events, table) -> int:
    """Events that are escalatory acts of the catalogue."""
    return sum(
        1
        for e in events
        for name in (getattr(e, "action", None),)
        if name is not None and table.escalation[table.index[name]]
    )


def run_summary(model, seed: int, config_hash: str, version: str) -> dict:
    """The keys of summary.json (docs/MODEL.md, "Outputs")."""
    s, r, codes = model.structure, model.record, list(model.structure.codes)
    b, r1, r2 = (s.index[c] for c in model.scenario.balancer)
    steps = model.calendar.steps
    hedge, tilt = hedge_and_tilt(r.stance[-1], b, r1, r2)
    broken = balance_broken_step(r.stance, b, r1, r2)
    labels = [[model.label(i, a) for i, a in enumerate(row)] for row in r.choice]
    escalations = int(
        agent_escalations(r.choice, model.alts.action, model.table.escalation)
    ) + event_escalations([e["event"] for e in r.events], model.table)
    window = model.scenario.response_window
    responses = []
    for rec in r.events:
        e = rec["event"]
        span = range(e.step, min(e.step + window, steps + 1))
        item = {"step": e.step, "date": e.date.isoformat(), "type": e.type, "label": e.label}
        item.update({k: v for k, v in rec.items() if k != "event"})
        item["actions"] = {c: [labels[t - 1][i] for t in span] for i, c in enumerate(codes)}
        responses.append(item)
    final = r.stance[-1]
    return {
        "scenario": model.scenario.name,
        "seed": seed,
        "steps": steps,
        "start": model.calendar.start.isoformat(),
        "end": model.calendar.end.isoformat(),
        "version": version,
        "config_hash": config_hash,
        "decision_rule": model.decision.rule,
        "actors": codes,
        "balancer": {"actor": codes[b], "rivals": [codes[r1], codes[r2]]},
        "final_stance": {
            a: {c: float(final[i, j]) for j, c in enumerate(codes) if j != i}
            for i, a in enumerate(codes)
        },
        "cumulative_utility": {c: float(r.utility[:, i].sum()) for i, c in enumerate(codes)},
        "hedge_index": float(hedge),
        "tilt": float(tilt),
        "balance_broken": broken is not None,
        "balance_broken_step": broken,
        "escalations": escalations,
        "responses": responses,
        "action_counts": {
            c: dict(sorted(Counter(row[i] for row in labels).items())) for i, c in enumerate(codes)
        },
    }
