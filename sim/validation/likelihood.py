"""The likelihood of the coded record, one step ahead (docs/VALIDATION.md, "The likelihood").

The model is run on jan2020 with every state's observed choice imposed at every step (a week
with no report imposed as ``wait``), and each observed choice is scored by the probability the
decision rule gave it at its step, before it was imposed. Only choices the state could make are
scored: an act that is not one of its alternatives (a target outside its alternatives) is left
out; one not available at its step (no crisis to mediate) is scored, with probability zero under
the model, and imposed as ``wait``. The nulls score the same observations. Every predictor is
mixed with uniform choice over the state's K alternatives, ``(1 - eps) p + eps / K``, its ``eps``
fitted by maximum likelihood: so the observations scored, and K, do not depend on the
parameters, and likelihoods at different parameter values compare.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar


@dataclass(frozen=True)
class Scored:
    """The scored observations of one conditioned run, in step order.

    ``actor`` (m,) state index; ``step`` (m,) 1-based; ``label`` (m,) the observed alternative;
    ``options`` (m,) the number K of the state's alternatives (whether or not available at that
    step: the floor of the mixture, the same at every parameter value); ``model`` (m,) the
    probability the model gave the observed alternative (0 where it was not available then);
    ``labels`` the state's alternatives (for the base rate)."""

    actor: np.ndarray
    step: np.ndarray
    label: tuple
    options: np.ndarray
    model: np.ndarray
    labels: tuple
    skipped: int  # observations not scored: not one of the state's alternatives


def mix(p, options, eps: float):
    """``(1 - eps) p + eps / K``: a predictor that never gives a choice probability zero."""
    return (1.0 - eps) * np.asarray(p, dtype=float) + eps / np.asarray(options, dtype=float)


def fit_eps(p, options) -> tuple[float, float]:
    """The ``eps`` in [0, 1] that maximises ``sum log mix(p, options, eps)``; (eps, loglik)."""

    def loss(eps):
        with np.errstate(divide="ignore"):  # log 0 = -inf: a predictor that rules out a choice
            return -float(np.sum(np.log(mix(p, options, eps))))

    best = minimize_scalar(loss, bounds=(0.0, 1.0), method="bounded", options={"xatol": 1e-10})
    # the bounded search never evaluates the ends: a predictor may be best unmixed, or uniform
    candidates = [(loss(e), e) for e in (0.0, float(best.x), 1.0) if np.isfinite(loss(e))]
    value, eps = min(candidates)
    return eps, -value


def uniform(scored: Scored) -> float:
    """Log-likelihood of choosing uniformly among the available alternatives."""
    return float(-np.sum(np.log(scored.options)))


def same_as_last_week(scored: Scored) -> tuple[float, float]:
    """Log-likelihood of the state repeating its observed choice of the step before (a state
    not observed the step before scores as uniform), mixed with uniform; (loglik, eps)."""
    last = {(a, t): lab for a, t, lab in zip(scored.actor, scored.step, scored.label, strict=True)}
    p = np.array(
        [
            (1.0 if last.get((a, t - 1)) == lab else 0.0) if (a, t - 1) in last else 1.0 / k
            for a, t, lab, k in zip(
                scored.actor, scored.step, scored.label, scored.options, strict=True
            )
        ]
    )
    eps, loglik = fit_eps(p, scored.options)
    return loglik, eps


def base_rate_probabilities(scored: Scored, kappa: float) -> np.ndarray:
    """Each observation's probability under its state's frequencies of the other observations
    (leave one out) with additive smoothing ``kappa`` over the K alternatives available then."""
    p = np.empty(len(scored.label))
    for k, (a, lab, labels) in enumerate(
        zip(scored.actor, scored.label, scored.labels, strict=True)
    ):
        others = [x for j, (b, x) in enumerate(zip(scored.actor, scored.label, strict=True))
                  if b == a and j != k]  # fmt: skip
        count = sum(x == lab for x in others)
        total = sum(x in labels for x in others)
        p[k] = (count + kappa) / (total + kappa * len(labels))
    return p


def base_rate(scored: Scored) -> tuple[float, float, float]:
    """Log-likelihood of each state's base rate (leave one out), its smoothing ``kappa`` and the
    mixing ``eps`` fitted jointly by maximum likelihood; (loglik, kappa, eps)."""

    def loss(x):
        kappa, eps = np.exp(x[0]), x[1]
        return -float(
            np.sum(np.log(mix(base_rate_probabilities(scored, kappa), scored.options, eps)))
        )

    starts = [(np.log(k), e) for k in (0.01, 0.3, 3.0) for e in (0.0, 0.3)]
    fits = [
        minimize(loss, s, bounds=[(np.log(1e-6), np.log(1e4)), (0.0, 1.0)], method="L-BFGS-B")
        for s in starts
    ]
    best = min(fits, key=lambda f: f.fun)
    return -float(best.fun), float(np.exp(best.x[0])), float(best.x[1])


def model_loglik(scored: Scored) -> tuple[float, float]:
    """Log-likelihood of the model's one-step-ahead probabilities, mixed with uniform; (loglik,
    eps)."""
    eps, loglik = fit_eps(scored.model, scored.options)
    return loglik, eps


def score(model, observed: dict) -> Scored:
    """Run ``model`` (a fresh ``BalanceModel``) to its end with the observed choices imposed and
    score them. ``observed``: (step, state code) -> the observed alternative's label, such as
    ``condemn:USA`` or ``mediate:IRN-USA`` (either order of the pair)."""
    codes = list(model.structure.codes)
    n = model.structure.n
    labels = [[model.label(i, a) for a in range(model.alts.shape[1])] for i in range(n)]
    index = [{_canonical(x): a for a, x in enumerate(lab)} for lab in labels]
    own = [tuple(labels[i][a] for a in np.flatnonzero(model.alts.valid[i])) for i in range(n)]
    rows, skipped = [], 0
    for t in range(1, model.calendar.steps + 1):
        wanted = {}
        for i, code in enumerate(codes):
            want = observed.get((t, code))
            a = index[i].get(_canonical(want)) if want is not None else None
            if want is not None and (a is None or not model.alts.valid[i, a]):
                skipped, a = skipped + 1, None  # not an alternative the state has at all
            elif a is not None:
                wanted[i] = a
            model.states[i].forced = a if a is not None else int(model.wait_slot[i])
        model.step()  # the step's events, then the decision rule's probabilities, then the acts
        probabilities = model.record.probabilities[t - 1]  # 0 where not available then
        for i, a in wanted.items():
            rows.append((i, t, labels[i][a], len(own[i]), probabilities[i, a], own[i]))
    if not rows:
        raise ValueError("no observation of the record is a choice the model's states had")
    actor, step, label, options, p, live = zip(*rows, strict=True)
    return Scored(
        np.array(actor), np.array(step), label, np.array(options, dtype=float), np.array(p), live,
        skipped,
    )  # fmt: skip


def _canonical(label):
    """A label with a pair's two codes sorted (``mediate:USA-IRN`` is ``mediate:IRN-USA``)."""
    if label is None or ":" not in label:
        return label
    action, target = label.split(":", 1)
    return f"{action}:{'-'.join(sorted(target.split('-')))}"


def logliks(scored: Scored) -> dict:
    """The log-likelihoods of facts.json: the model and the three nulls, with what was fitted."""
    model, eps = model_loglik(scored)
    same, same_eps = same_as_last_week(scored)
    base, kappa, base_eps = base_rate(scored)
    return {
        "model": model,
        "uniform": uniform(scored),
        "base_rate": base,
        "same_as_last_week": same,
        "fitted": {
            "model_eps": eps,
            "same_as_last_week_eps": same_eps,
            "base_rate_kappa": kappa,
            "base_rate_eps": base_eps,
        },
        "observations": len(scored.label),
        "not_scored": scored.skipped,
    }


def choices_of(model) -> dict:
    """(step, state) -> label of every choice of a finished run: data the model simulated, in
    the form of :func:`observed_labels` (the parameter-recovery tests score it)."""
    codes = list(model.structure.codes)
    return {
        (t + 1, codes[i]): model.label(i, model.record.choice[t, i])
        for t in range(model.calendar.steps)
        for i in range(model.structure.n)
    }


def observed_labels(observations) -> dict:
    """(step, state) -> label of the observed choices (``sim.validation.observations``)."""
    return {
        (int(r.step), r.actor): f"{r.action}:{r.target}" if r.target else str(r.action)
        for r in observations.itertuples(index=False)
    }


def conditioned(scenario_config: dict, observed: dict, outcomes: dict, seeds=range(100)):
    """The scored run of jan2020 on the observed history whose scripted events' random outcomes
    are those observed (``outcomes``: event label or type -> outcome, such as the election's
    ``incumbent survives``): the first seed from ``seeds`` that gives them. The outcomes do not
    change the probabilities of the steps before them; they set the world after them."""
    from sim.abm.model import BalanceModel
    from sim.scenario.build import build_scenario

    for seed in seeds:
        model = BalanceModel(build_scenario({**scenario_config, "seed": seed}))
        scored = score(model, observed)
        fired = {r["event"].type: r.get("outcome") for r in model.record.events}
        if all(fired.get(kind) == outcome for kind, outcome in outcomes.items()):
            return scored, seed
    raise ValueError(f"no seed of {seeds} gives the observed outcomes {outcomes}")
