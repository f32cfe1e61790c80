"""The article's stylized facts, measured on one run (DESIGN.md section 2, "What the default
January 2020 scenario should show"). Each function returns a bool, or None when the scenario
lacks what the fact is about (no assassination, no prisoner, no visits)."""

import numpy as np

from sim.outputs.metrics import balance_broken_step

FACTS = {
    "muted_response": (
        "answers the assassination with condemnation or mediation, no costly act against the perpetrator"
    ),
    "release_before_election": "releases the prisoner before the election",
    "positive_with_both": "keeps positive relations with both rivals (all four stances > 0 every step)",
    "iran_dip_no_collapse": "the second rival's stance toward it dips after the visits and stays positive",
    "rivalry_persists": "the two rivals stay hostile to each other (both stances < 0 every step)",
}


def _events(model, kind):
    return [r["event"] for r in model.record.events if r["event"].type == kind]


def _labels(model, actor: int) -> list[str]:
    return [model.label(actor, a) for a in model.record.choice[:, actor]]


def muted_response(model, balancer: int):
    """In the response window of the first assassination: at least one condemnation of the
    perpetrator or mediation between perpetrator and victim, and no escalation against the
    perpetrator."""
    hits = _events(model, "assassination")
    if not hits:
        return None
    e = hits[0]
    perp, victim = e.perpetrator, e.target
    window = _labels(model, balancer)[e.step - 1 : e.step - 1 + model.scenario.response_window]
    escalations = {
        f"{a}:{perp}" for a in model.table.names if model.table.escalation[model.table.index[a]]
    }
    muted = {f"condemn:{perp}", f"mediate:{perp}-{victim}", f"mediate:{victim}-{perp}"}
    return not escalations & set(window) and bool(muted & set(window))


def release_step(model, holder: int) -> int | None:
    """First step at which ``holder`` released a prisoner, or None."""
    for k, label in enumerate(_labels(model, holder)):
        if label.startswith("release:"):
            return k + 1
    return None


def release_before_election(model, balancer: int):
    cases = [
        e for e in _events(model, "prisoner_case") if model.structure.index[e.holder] == balancer
    ]
    elections = _events(model, "election")
    if not cases or not elections:
        return None
    released = release_step(model, balancer)
    return released is not None and released < elections[0].step


def positive_with_both(model, balancer: int, rival1: int, rival2: int):
    return balance_broken_step(model.record.stance, balancer, rival1, rival2) is None


def iran_dip_no_collapse(model, balancer: int, rival2: int, after: int = 3):
    """Stance of ``rival2`` toward the balancer: its minimum from the first visit's step to
    ``after`` steps past the last visit is below its value at the end of the step before the first
    visit, and above zero throughout."""
    visits = _events(model, "state_visit")
    if not visits:
        return None
    first, last = visits[0].step, visits[-1].step
    s = model.record.stance[:, rival2, balancer]
    before = s[first - 2]
    window = s[first - 1 : min(last + after, len(s))]
    return bool(window.min() < before and window.min() > 0.0)


def rivalry_persists(model, rival1: int, rival2: int):
    s = model.record.stance
    return bool(np.all(s[:, rival1, rival2] < 0.0) and np.all(s[:, rival2, rival1] < 0.0))


def stylized_facts(model) -> dict:
    """All five facts for one run, keyed as in ``FACTS``."""
    b, r1, r2 = (model.structure.index[c] for c in model.scenario.balancer)
    return {
        "muted_response": muted_response(model, b),
        "release_before_election": release_before_election(model, b),
        "positive_with_both": positive_with_both(model, b, r1, r2),
        "iran_dip_no_collapse": iran_dip_no_collapse(model, b, r2),
        "rivalry_persists": rivalry_persists(model, r1, r2),
    }


def iran_dip_depth(model, after: int = 3) -> float:
    """How far the second rival's stance toward the balancer falls after the visits (>= 0), measured
    over the jan2020 visit weeks even when a counterfactual has no visits."""
    b, _, r2 = (model.structure.index[c] for c in model.scenario.balancer)
    first, last = 12, 13  # jan2020: 23 and 30 January 2020
    visits = _events(model, "state_visit")
    if visits:
        first, last = visits[0].step, visits[-1].step
    s = model.record.stance[:, r2, b]
    return float(max(0.0, s[first - 2] - s[first - 1 : min(last + after, len(s))].min()))


def release_gain(model) -> float | None:
    """Gain in the first rival's stance toward the balancer from just before the release to the
    end of the run (None without a release)."""
    b, r1, _ = (model.structure.index[c] for c in model.scenario.balancer)
    step = release_step(model, b)
    if step is None:
        return None
    s = model.record.stance[:, r1, b]
    before = s[step - 2] if step >= 2 else np.tanh(model.world.baseline[r1, b])
    return float(s[-1] - before)


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial share (Wilson 1927), 95% by default."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))
