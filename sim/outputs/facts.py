"""The article's stylized facts, measured on one run (DESIGN.md section 2, "What the default
January 2020 scenario should show"). Each function returns a bool, or None when the scenario
lacks what the fact is about (no assassination, no prisoner, no visits).

A run is a model after ``run`` or a :class:`RunView`: what the facts read of a run (stances,
choices, events), built from a model (:meth:`RunView.of_model`) or from a sweep's per-step
series (``collect=steps``: :meth:`RunView.of_steps`), so that a study measures the facts of
every run of a sweep without a column of them in every sweep's results table
(experiments/stylized_facts/)."""

from dataclasses import dataclass

import numpy as np

from sim.outputs.metrics import balance_broken_step

FACTS = {
    "muted_response": (
        "answers the assassination with condemnation and mediation, no costly act against the perpetrator"
    ),
    "release_before_election": "releases the prisoner before the election",
    "positive_with_both": "keeps positive relations with both rivals (all four stances > 0 every step)",
    "iran_dip_no_collapse": "the second rival's stance toward it dips after the visits and stays positive",
    "rivalry_persists": "the two rivals stay hostile to each other (both stances < 0 every step)",
    "release_week": "releases the prisoner within a week of the real release (step 13 of jan2020)",
    "israel_strikes_go_on": "the first rival strikes the second in 4 steps, 2 after the assassination",
}
# docs/VALIDATION.md, "Rules fixed before any result": jan2020's real release, 29 January 2020
RELEASE_STEP = 13
STRIKES, STRIKES_AFTER = 4, 2


@dataclass(frozen=True)
class RunView:
    """What the facts read of one run."""

    stance: np.ndarray  # (T, n, n): row's stance toward column at the end of each step
    labels: tuple  # labels[i][t - 1]: the alternative actor i chose at step t
    events: tuple  # the typed events that fired, in order
    index: dict  # actor code -> index
    balancer: tuple  # (balancer, first rival, second rival) indices
    response_window: int
    escalations: frozenset  # names of the catalogue's escalation actions
    baseline: np.ndarray  # (n, n) latent baseline (a release in step 1 is measured from it)

    @classmethod
    def of_model(cls, model) -> "RunView":
        n = model.structure.n
        index = model.structure.index
        table = model.table
        return cls(
            stance=model.record.stance,
            labels=tuple(
                tuple(model.label(i, a) for a in model.record.choice[:, i]) for i in range(n)
            ),
            events=tuple(r["event"] for r in model.record.events),
            index=index,
            balancer=tuple(index[c] for c in model.scenario.balancer),
            response_window=model.scenario.response_window,
            escalations=frozenset(a for a in table.names if table.escalation[table.index[a]]),
            baseline=model.world.baseline,
        )

    @classmethod
    def of_steps(cls, steps, scenario) -> "RunView":
        """One run of a sweep from its rows of ``steps/`` (a DataFrame: one row per step and
        actor, as ``collect=steps`` writes them) and its typed scenario (``build_scenario`` of
        the run's config, e.g. the scenario's config in the sweep's manifest.json). The stances
        are the run's exact floats; the baseline is the initial one (a model's is the final one:
        they differ only after an election lost, for a release in the first step)."""
        from sim.core.world import WorldState

        codes = scenario.structure.codes
        n, T = len(codes), scenario.calendar.steps
        rows = steps.sort_values(["step", "actor"], key=_actor_order(codes))
        if len(rows) != T * n or list(rows["step"].iloc[::n]) != list(range(1, T + 1)):
            raise ValueError(f"expected {T} steps of {n} actors, got {len(rows)} rows")
        stance = rows[[f"stance_{c}" for c in codes]].to_numpy(dtype=float).reshape(T, n, n)
        actions = rows["action"].to_numpy().reshape(T, n)
        index = scenario.structure.index
        table = scenario.table
        return cls(
            stance=stance,
            labels=tuple(tuple(actions[:, i]) for i in range(n)),
            events=tuple(scenario.events),
            index=index,
            balancer=tuple(index[c] for c in scenario.balancer),
            response_window=scenario.response_window,
            escalations=frozenset(a for a in table.names if table.escalation[table.index[a]]),
            baseline=WorldState.initial(scenario.structure).baseline,
        )


def _actor_order(codes):
    rank = {c: k for k, c in enumerate(codes)}

    def key(column):
        return column.map(rank) if column.name == "actor" else column

    return key


def as_view(run) -> RunView:
    """``run`` itself if it is a :class:`RunView`, else the view of a model."""
    return run if isinstance(run, RunView) else RunView.of_model(run)


def _events(view, kind):
    return [e for e in view.events if e.type == kind]


def _labels(view, actor: int) -> tuple:
    return view.labels[actor]


def muted_response(run, balancer: int):
    """In the response window of the first assassination: at least one condemnation of the
    perpetrator and at least one mediation between perpetrator and victim, and no escalation
    against the perpetrator (docs/VALIDATION.md: sharpened from DESIGN.md's "or")."""
    view = as_view(run)
    hits = _events(view, "assassination")
    if not hits:
        return None
    e = hits[0]
    perp, victim = e.perpetrator, e.target
    window = _labels(view, balancer)[e.step - 1 : e.step - 1 + view.response_window]
    escalations = {f"{a}:{perp}" for a in view.escalations}
    mediation = {f"mediate:{perp}-{victim}", f"mediate:{victim}-{perp}"}
    acts = set(window)
    return not escalations & acts and f"condemn:{perp}" in acts and bool(mediation & acts)


def release_step(run, holder: int) -> int | None:
    """First step at which ``holder`` released a prisoner, or None."""
    for k, label in enumerate(_labels(as_view(run), holder)):
        if label.startswith("release:"):
            return k + 1
    return None


def release_before_election(run, balancer: int):
    view = as_view(run)
    cases = [e for e in _events(view, "prisoner_case") if view.index[e.holder] == balancer]
    elections = _events(view, "election")
    if not cases or not elections:
        return None
    released = release_step(view, balancer)
    return released is not None and released < elections[0].step


def release_week(run, balancer: int, real: int = RELEASE_STEP):
    """The balancer releases its prisoner within one step of the real release."""
    view = as_view(run)
    if not [e for e in _events(view, "prisoner_case") if view.index[e.holder] == balancer]:
        return None
    released = release_step(view, balancer)
    return released is not None and abs(released - real) <= 1


def strikes_go_on(run, attacker: int, target: int, least=STRIKES, least_after=STRIKES_AFTER):
    """``attacker`` strikes ``target`` in at least ``least`` steps, ``least_after`` of them
    after the first assassination's step (None without one)."""
    view = as_view(run)
    hits = _events(view, "assassination")
    if not hits:
        return None
    code = next(c for c, k in view.index.items() if k == target)
    steps = [t + 1 for t, label in enumerate(_labels(view, attacker)) if label == f"strike:{code}"]
    return len(steps) >= least and sum(t > hits[0].step for t in steps) >= least_after


def positive_with_both(run, balancer: int, rival1: int, rival2: int):
    return balance_broken_step(as_view(run).stance, balancer, rival1, rival2) is None


def iran_dip_no_collapse(run, balancer: int, rival2: int, after: int = 3):
    """Stance of ``rival2`` toward the balancer: its minimum from the first visit's step to
    ``after`` steps past the last visit is below its value at the end of the step before the first
    visit, and above zero throughout."""
    view = as_view(run)
    visits = _events(view, "state_visit")
    if not visits:
        return None
    first, last = visits[0].step, visits[-1].step
    s = view.stance[:, rival2, balancer]
    before = s[first - 2]
    window = s[first - 1 : min(last + after, len(s))]
    return bool(window.min() < before and window.min() > 0.0)


def rivalry_persists(run, rival1: int, rival2: int):
    s = as_view(run).stance
    return bool(np.all(s[:, rival1, rival2] < 0.0) and np.all(s[:, rival2, rival1] < 0.0))


def stylized_facts(run) -> dict:
    """Every fact for one run, keyed as in ``FACTS``."""
    view = as_view(run)
    b, r1, r2 = view.balancer
    return {
        "muted_response": muted_response(view, b),
        "release_before_election": release_before_election(view, b),
        "positive_with_both": positive_with_both(view, b, r1, r2),
        "iran_dip_no_collapse": iran_dip_no_collapse(view, b, r2),
        "rivalry_persists": rivalry_persists(view, r1, r2),
        "release_week": release_week(view, b),
        "israel_strikes_go_on": strikes_go_on(view, r1, r2),
    }


def run_measures(run) -> dict:
    """One row of a study: the five facts, the balancer's release step and the counterfactual
    measures (``iran_dip_depth``, ``release_gain``)."""
    view = as_view(run)
    return {
        **stylized_facts(view),
        "release_step": release_step(view, view.balancer[0]),
        "iran_dip_depth": iran_dip_depth(view),
        "release_gain": release_gain(view),
    }


def iran_dip_depth(run, after: int = 3) -> float:
    """How far the second rival's stance toward the balancer falls after the visits (>= 0), measured
    over the jan2020 visit weeks even when a counterfactual has no visits."""
    view = as_view(run)
    b, _, r2 = view.balancer
    first, last = 12, 13  # jan2020: 23 and 30 January 2020
    visits = _events(view, "state_visit")
    if visits:
        first, last = visits[0].step, visits[-1].step
    s = view.stance[:, r2, b]
    return float(max(0.0, s[first - 2] - s[first - 1 : min(last + after, len(s))].min()))


def release_gain(run) -> float | None:
    """Gain in the first rival's stance toward the balancer from just before the release to the
    end of the run (None without a release)."""
    view = as_view(run)
    b, r1, _ = view.balancer
    step = release_step(view, b)
    if step is None:
        return None
    s = view.stance[:, r1, b]
    before = s[step - 2] if step >= 2 else np.tanh(view.baseline[r1, b])
    return float(s[-1] - before)


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial share (Wilson 1927), 95% by default."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))
