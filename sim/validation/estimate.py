"""Maximum-likelihood estimates of the parameters the results hang on, against the coded record
(docs/VALIDATION.md, "Estimation"), with profile-likelihood intervals.

    .venv/bin/python -m sim.validation.estimate [--out DIR] [--points N]      (make estimate)

The parameters and their bounds are the design of the named experiment
``configs/experiment/estimate.yaml`` (its ``design.parameters``: the sweep engine's design, so
``sim-sweep experiment=estimate`` runs the free model at the very points scored here). Each point
is scored by the record's one-step-ahead log-likelihood (``sim.validation.likelihood``: one
conditioned run, a few milliseconds); the best points of the design are refined by Nelder-Mead
(integer parameters held at their best level), and each parameter's 95% interval is the set of
its values whose profile log-likelihood (the others re-optimised) is within 1.92 of the maximum.
"""

import argparse
import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DROP = 1.92  # half the 95% quantile of chi-square with one degree of freedom (3.84 / 2)


@dataclass
class Problem:
    """The likelihood as a function of the parameters: ``loglik(values)`` (values in the order
    of ``parameters``, each a ``sim.sweeps.designs.Parameter``)."""

    parameters: tuple
    base: dict  # the resolved model config the values are set into
    observed: dict  # (step, state) -> observed label
    outcomes: dict  # scripted events' observed outcomes (the election)

    def config(self, values) -> dict:
        config = copy.deepcopy(self.base)
        for p, v in zip(self.parameters, values, strict=True):
            *head, last = p.keys
            node = config
            for k in head:
                node = node[k]
            node[last] = int(round(v)) if p.integer else float(v)
        return config

    def loglik(self, values) -> float:
        """The model's log-likelihood of the record at ``values`` (mixed with uniform at its
        fitted eps); -inf where the config is refused or the run fails."""
        from sim.errors import ConfigError
        from sim.validation.likelihood import conditioned, model_loglik

        try:
            scored, _ = conditioned(self.config(values), self.observed, self.outcomes)
        except (ConfigError, ValueError, FloatingPointError):
            return -np.inf
        return model_loglik(scored)[0]

    def clip(self, values) -> np.ndarray:
        lo = np.array([p.low for p in self.parameters], dtype=float)
        hi = np.array([p.high for p in self.parameters], dtype=float)
        return np.clip(np.asarray(values, dtype=float), lo, hi)


def refine(problem: Problem, start, free, max_evals: int = 400):
    """Nelder-Mead from ``start`` over the parameters of ``free`` (indices; the others held),
    within their bounds; (values, loglik)."""
    from scipy.optimize import minimize

    start = np.asarray(start, dtype=float)
    free = list(free)
    if not free:
        return start, problem.loglik(start)

    def full(x):
        values = start.copy()
        values[free] = x
        return problem.clip(values)

    spans = np.array([problem.parameters[k].high - problem.parameters[k].low for k in free])
    simplex = [start[free]] + [start[free] + np.eye(len(free))[k] * 0.1 * spans[k] * (
        1 if start[free][k] + 0.1 * spans[k] <= problem.parameters[free[k]].high else -1)
        for k in range(len(free))]  # fmt: skip
    result = minimize(
        lambda x: -problem.loglik(full(x)),
        start[free],
        method="Nelder-Mead",
        options={
            "maxfev": max_evals,
            "initial_simplex": np.array(simplex),
            "xatol": 1e-4,
            "fatol": 1e-4,
        },  # fmt: skip
    )
    best = full(result.x)
    return best, problem.loglik(best)


def estimate(problem: Problem, points, top: int = 4, max_evals: int = 400):
    """The maximum over the design ``points`` (P, d) refined from its ``top`` best; (values,
    loglik, the design's logliks (P,))."""
    scores = np.array([problem.loglik(x) for x in points])
    continuous = [k for k, p in enumerate(problem.parameters) if not p.integer]
    best_values, best = None, -np.inf
    for k in np.argsort(-scores)[:top]:
        values, ll = refine(problem, points[k], continuous, max_evals)
        if ll > best:
            best_values, best = values, ll
    return best_values, best, scores


def profile_at(problem: Problem, best, k: int, level: float, max_evals: int = 150):
    """The profile log-likelihood of parameter ``k`` at ``level``: the other continuous
    parameters re-optimised by Nelder-Mead from ``best``; (values, loglik)."""
    free = [j for j, p in enumerate(problem.parameters) if j != k and not p.integer]
    start = np.array(best, dtype=float)
    start[k] = level
    return refine(problem, start, free, max_evals)


def profile(problem: Problem, best, k: int, levels, max_evals: int = 150):
    """The profile of parameter ``k`` at ``levels``: a list of (level, loglik, values)."""
    return [(float(v), *profile_at(problem, best, k, v, max_evals)[::-1]) for v in levels]


def interval(problem: Problem, best, k: int, curve, maximum: float, steps: int = 5,
             max_evals: int = 150):  # fmt: skip
    """The 95% profile interval of parameter ``k``: the levels of ``curve`` within
    :data:`DROP` of ``maximum``, each end refined by bisection toward the first level outside
    (``steps`` halvings, each profile point re-optimised in ``max_evals`` evaluations); an end
    at a bound of the parameter stays there."""
    inside = [c for c in curve if c[1] >= maximum - DROP]
    if not inside:
        return (float("nan"), float("nan"))
    levels = [c[0] for c in curve]
    ends = []
    for end, direction in ((min(c[0] for c in inside), -1), (max(c[0] for c in inside), 1)):
        j = levels.index(end)
        if not 0 <= j + direction < len(levels) or problem.parameters[k].integer:
            ends.append(end)
            continue
        good, bad = end, levels[j + direction]
        for _ in range(steps):
            mid = 0.5 * (good + bad)
            if profile_at(problem, best, k, mid, max_evals)[1] >= maximum - DROP:
                good = mid
            else:
                bad = mid
        ends.append(good)
    return tuple(ends)


def levels_of(p, n: int = 9) -> list:
    if p.integer:
        return list(range(int(p.low), int(p.high) + 1))
    return np.linspace(p.low, p.high, n).tolist()


def problem_of(overrides=(), observed=None) -> tuple[Problem, object]:
    """The estimation problem of ``configs/experiment/estimate.yaml`` (with ``overrides`` of the
    sweep config) and its design."""
    from sim.scenario.compose import compose_dict
    from sim.sweeps.designs import build_design
    from sim.sweeps.session import model_config
    from sim.validation.likelihood import observed_labels
    from sim.validation.record import load_record, observations

    sweep = compose_dict(["experiment=estimate", *overrides], "sweep")
    base = model_config(sweep)
    design = build_design(sweep["design"], {"jan2020": base}, sweep["seed"])
    if observed is None:
        observed = observed_labels(observations(load_record()))
    outcomes = dict(sweep["study"].get("outcomes") or {})
    return Problem(design.parameters, base, observed, outcomes), design


def run(out_dir, overrides=(), profile_levels: int = 9) -> dict:
    """Estimate, profile every parameter and write ``estimates.json`` and ``table.md``; the
    payload."""
    from sim.validation.likelihood import conditioned, logliks

    problem, design = problem_of(overrides)
    points = design.points.to_numpy(dtype=float)
    best, maximum, scores = estimate(problem, points)
    curves = {}
    for k, p in enumerate(problem.parameters):
        curves[k] = profile(problem, best, k, sorted({*levels_of(p, profile_levels), best[k]}))
        for _, ll, values in curves[k]:  # a profile may find a higher point: start from it
            if ll > maximum:
                best, maximum = values, ll
    params = {}
    for k, p in enumerate(problem.parameters):
        params[p.path] = {
            "estimate": float(best[k]),
            "interval": interval(problem, best, k, curves[k], maximum),
            "at_bound": bool(best[k] in (p.low, p.high)),
            "profile": [(level, ll) for level, ll, _ in curves[k]],
        }
    scored, seed = conditioned(problem.config(best), problem.observed, problem.outcomes)
    payload = {
        "study": "estimate",
        "study_version": 1,
        "design_points": len(points),
        "loglik": maximum,
        "at_estimate": {**logliks(scored), "seed": seed},
        "parameters": params,
        "aic": {"model": 2 * (len(params) + 1) - 2 * maximum},
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "estimates.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out / "table.md").write_text(describe(payload) + "\n")
    return payload


def describe(payload: dict) -> str:
    lines = ["| parameter | estimate | 95% profile interval |", "|---|---|---|"]
    for path, row in payload["parameters"].items():
        lo, hi = row["interval"]
        lines.append(f"| `{path}` | {row['estimate']:.4g} | [{lo:.4g}, {hi:.4g}] |")
    ll = payload["at_estimate"]
    lines += [
        "",
        f"log-likelihood at the estimate {payload['loglik']:.2f} (design of "
        f"{payload['design_points']} points); nulls on the same observations: uniform "
        f"{ll['uniform']:.2f}, base_rate {ll['base_rate']:.2f}, same_as_last_week "
        f"{ll['same_as_last_week']:.2f}",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sim.validation.estimate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", default="outputs/experiments/estimate/v1")
    parser.add_argument(
        "overrides", nargs="*", help="overrides of the experiment, e.g. design.n=64"
    )
    args = parser.parse_args(argv)
    from sim.errors import ConfigError

    try:
        payload = run(args.out, args.overrides)
    except ConfigError as error:
        print(f"estimate: error: {error}", file=sys.stderr)
        return 2
    print(describe(payload))
    print(f"written to {Path(args.out) / 'estimates.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
