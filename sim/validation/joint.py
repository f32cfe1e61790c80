"""Joint estimates against the coded record and the facts (docs/VALIDATION.md, "Results: the
joint estimates"), with profile-likelihood intervals.

    .venv/bin/python -m sim.validation.joint [--out DIR] [--workers N] [OVERRIDES ...]
                                                                        (make estimate-joint)

The objective of a point is the record's one-step-ahead log-likelihood (``sim.validation.
likelihood``, as in ``sim.validation.estimate``) plus the facts' simulated log-likelihood: for
each fact of ``study.facts`` (the committed facts that happened), ``log((k + 0.5) / (n + 1))``,
with k of the n runs of jan2020 in which it holds. The n runs are the sweep engine's ensemble
(``sim.engine.ensemble``) on common seeds: replicate k's seed is that of run k of the validation
study, at every point, so the objective is a deterministic function of the parameters and two
points differ by their parameters alone. The search (design, Nelder-Mead refinement, profiles
and their bisection) is ``sim.validation.estimate``'s, on a smaller budget, its evaluations
spread over worker processes.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from sim.validation.estimate import Problem, interval, profile_at, refine

FLOOR = 0.5  # a share (k + FLOOR) / (n + 2 FLOOR): never 0, so a fact no run shows costs a finite


def share(k: int, n: int) -> float:
    """The smoothed share of ``k`` runs in ``n``: ``(k + 0.5) / (n + 1)``."""
    return (k + FLOOR) / (n + 2 * FLOOR)


def facts_loglik(counts: dict, n: int, facts) -> float:
    """The facts' simulated log-likelihood: the sum over ``facts`` of ``log share(k, n)``, k =
    ``counts[fact]`` of ``n`` runs."""
    return float(sum(np.log(share(counts[f], n)) for f in facts))


def run_views(config: dict, seeds) -> list:
    """The :class:`~sim.outputs.facts.RunView` of each run of ``config`` at ``seeds``, all run
    together as one ensemble of the sweep engine (through the Mesa model for a rule the
    ensemble does not compute)."""
    from sim.abm.model import run
    from sim.core.world import WorldState
    from sim.engine.ensemble import run_ensemble, supports
    from sim.outputs.facts import RunView
    from sim.scenario.build import Reuse, build_scenario
    from sim.sweeps.store import alternative_labels

    reuse = Reuse()
    scenarios = [build_scenario({**config, "seed": int(s)}, reuse) for s in seeds]
    first = scenarios[0]
    if not supports(first):
        return [RunView.of_model(run(sc)) for sc in scenarios]
    record = run_ensemble(scenarios)
    labels = [np.array(row, dtype=object) for row in alternative_labels(first)]
    index, table = first.structure.index, first.table
    fixed = {
        "events": tuple(first.events),
        "index": index,
        "balancer": tuple(index[c] for c in first.balancer),
        "response_window": first.response_window,
        "escalations": frozenset(a for a in table.names if table.escalation[table.index[a]]),
        "baseline": WorldState.initial(first.structure).baseline,
    }
    return [
        RunView(
            stance=record.stance[r],
            labels=tuple(tuple(labels[i][record.choice[r, :, i]]) for i in range(len(labels))),
            **fixed,
        )
        for r in range(len(scenarios))
    ]


def fact_counts(config: dict, seeds) -> dict[str, int]:
    """Fact -> the number of the runs of ``config`` at ``seeds`` in which it holds (a fact about
    something the run lacks counts as not holding, as in ``sim.validation.facts``)."""
    from sim.outputs.facts import FACTS, stylized_facts

    counts = dict.fromkeys(FACTS, 0)
    for view in run_views(config, seeds):
        for fact, value in stylized_facts(view).items():
            counts[fact] += bool(value)
    return counts


@dataclass
class JointProblem(Problem):
    """The record's log-likelihood plus the facts' simulated log-likelihood at ``seeds``."""

    seeds: tuple = ()
    facts: tuple = ()

    def parts(self, values) -> dict:
        """The objective and its parts at ``values``: ``record``, ``facts`` (log-likelihoods),
        ``counts`` (fact -> runs in which it holds), ``joint`` (their sum; -inf where the record
        part is)."""
        from sim.errors import ConfigError

        record = Problem.loglik(self, values)
        if not np.isfinite(record):
            return {"record": record, "facts": -np.inf, "counts": {}, "joint": -np.inf}
        try:
            counts = fact_counts(self.config(values), self.seeds)
        except (ConfigError, ValueError, FloatingPointError):
            return {"record": record, "facts": -np.inf, "counts": {}, "joint": -np.inf}
        facts = facts_loglik(counts, len(self.seeds), self.facts)
        return {"record": record, "facts": facts, "counts": counts, "joint": record + facts}

    def loglik(self, values) -> float:
        return self.parts(values)["joint"]


def problem_of(overrides=(), observed=None, experiment="estimate_joint"):
    """The joint problem of ``configs/experiment/estimate_joint.yaml`` (with ``overrides`` of
    the sweep config), its design and its study settings."""
    from sim.scenario.compose import compose_dict
    from sim.sweeps.designs import build_design
    from sim.sweeps.executors import run_seeds
    from sim.sweeps.session import model_config
    from sim.validation.likelihood import observed_labels
    from sim.validation.record import load_record, observations

    sweep = compose_dict([f"experiment={experiment}", *overrides], "sweep")
    base = model_config(sweep)
    design = build_design(sweep["design"], {"jan2020": base}, sweep["seed"])
    if observed is None:
        observed = observed_labels(observations(load_record()))
    study = sweep["study"]
    seeds = tuple(run_seeds(sweep["seed"], range(sweep["replicates"])).tolist())
    outcomes = dict(study.get("outcomes") or {})
    problem = JointProblem(
        design.parameters, base, observed, outcomes, seeds=seeds, facts=tuple(study["facts"])
    )
    return problem, design, study


def parallel(function, items, workers: int) -> list:
    """``[function(x) for x in items]``, over ``workers`` forked processes when more than one."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [function(x) for x in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(items)), mp_context=context) as pool:
        return list(pool.map(function, items))


def _score(problem, x):
    return problem.loglik(x)


def _refine(problem, free, evals, start):
    return refine(problem, start, free, evals)


def _profile_at(problem, best, evals, item):
    k, level = item
    return profile_at(problem, best, k, level, evals)


def profiles(problem, best, settings: dict, workers: int) -> dict:
    """Each parameter's profile (``estimate.profile``) at its :func:`levels` and the estimate:
    k -> [(level, loglik, values)], every (parameter, level) a task of its own."""
    items = [(k, level) for k, p in enumerate(problem.parameters)
             for level in sorted({*levels(p, settings), float(best[k])})]  # fmt: skip
    found = parallel(partial(_profile_at, problem, best, settings["profile_evals"]), items, workers)
    curves = {k: [] for k in range(len(problem.parameters))}
    for (k, level), (values, ll) in zip(items, found, strict=True):
        curves[k].append((float(level), ll, values))
    return curves


def _interval(problem, best, curves, maximum, settings, k):
    return interval(problem, best, k, curves[k], maximum, settings["bisect"],
                    settings["profile_evals"])  # fmt: skip


def levels(p, settings) -> list:
    """The profile levels of parameter ``p``: ``settings["levels"]`` evenly spaced over its
    range, or for an integer at most ``settings["integer_levels"]`` of its integers (both ends)."""
    if p.integer:
        n = min(int(p.high - p.low) + 1, settings["integer_levels"])
        return sorted({int(round(v)) for v in np.linspace(p.low, p.high, n)})
    return np.linspace(p.low, p.high, settings["levels"]).tolist()


def search(problem: JointProblem, points, settings: dict, workers: int) -> dict:
    """The design scored, its ``top`` best refined, each parameter profiled and its 95%
    interval: ``{"best", "maximum", "scores", "curves", "intervals", "rounds"}``. When a profile
    finds a higher point than the estimate, the search refines from it and profiles again (at
    most ``rounds`` times), so that every interval is measured from the maximum it reports."""
    scores = np.array(parallel(partial(_score, problem), points, workers))
    continuous = [k for k, p in enumerate(problem.parameters) if not p.integer]
    refine_from = partial(_refine, problem, continuous, settings["refine_evals"])
    starts = [points[k] for k in np.argsort(-scores)[: settings["top"]]]
    best, maximum = max(parallel(refine_from, starts, workers), key=lambda r: r[1])
    ks = range(len(problem.parameters))
    stable, rounds = False, 0
    while not stable and rounds < settings.get("rounds", 3):
        rounds += 1
        curves = profiles(problem, best, settings, workers)
        higher = max((c for curve in curves.values() for c in curve), key=lambda c: c[1])
        stable = higher[1] <= maximum + 1e-6
        if not stable:  # a profile found a higher point: refine from it, profile again
            best, maximum = refine_from(higher[2])
    ends = parallel(partial(_interval, problem, best, curves, maximum, settings), ks, workers)
    return {"best": best, "maximum": maximum, "scores": scores, "curves": curves,
            "intervals": dict(zip(ks, ends, strict=True)), "rounds": rounds, "stable": stable}  # fmt: skip


def payload_of(problem: JointProblem, found: dict, study: dict, seconds: float) -> dict:
    """estimates.json: the estimates, intervals, profiles, the objective's parts at the
    estimate and the record's nulls."""
    from sim.validation.likelihood import conditioned, logliks

    best, n = found["best"], len(problem.seeds)
    params = {
        p.path: {
            "estimate": float(best[k]),
            "interval": [float(e) for e in found["intervals"][k]],
            "at_bound": bool(best[k] in (p.low, p.high)),
            "bounds": [p.low, p.high],
            "profile": [(level, ll) for level, ll, _ in found["curves"][k]],
        }
        for k, p in enumerate(problem.parameters)
    }
    parts = problem.parts(best)
    scored, seed = conditioned(problem.config(best), problem.observed, problem.outcomes)
    return {
        "study": study["name"],
        "study_version": study["version"],
        "design_points": len(found["scores"]),
        "replicates": n,
        "facts_used": list(problem.facts),
        "search": dict(study["search"]),
        "seconds": round(seconds, 1),
        "profile_rounds": found["rounds"],
        "profiles_from_the_maximum": found["stable"],
        "objective": parts["joint"],
        "record_loglik": parts["record"],
        "facts_loglik": parts["facts"],
        "fact_shares": {f: k / n for f, k in parts["counts"].items()},
        "at_estimate": {**logliks(scored), "seed": seed},
        "parameters": params,
    }


def run(out_dir, overrides=(), workers: int = 2) -> dict:
    """Estimate, profile every parameter and write ``estimates.json`` and ``table.md``; the
    payload."""
    import time

    start = time.perf_counter()
    problem, design, study = problem_of(overrides)
    points = design.points.to_numpy(dtype=float)
    problem.loglik(points[0])  # compile the kernels once, before the workers fork
    found = search(problem, points, dict(study["search"]), workers)
    payload = payload_of(problem, found, study, time.perf_counter() - start)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "estimates.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out / "table.md").write_text(describe(payload) + "\n")
    return payload


def overrides_of(payload: dict, heldout: bool = False) -> list[str]:
    """The estimates as overrides of the model's config (``heldout``: without the jan2020-only
    Burkov linkage, for the other episodes)."""
    out = []
    for path, row in payload["parameters"].items():
        if heldout and path.startswith("scenario.events."):
            continue
        value = row["estimate"]
        out.append(f"{path}={int(round(value)) if path == 'decision.horizon' else value!r}")
    return out


def describe(payload: dict) -> str:
    lines = ["| parameter | estimate | 95% profile interval |", "|---|---|---|"]
    for path, row in payload["parameters"].items():
        lo, hi = row["interval"]
        bound = " (at a bound)" if row["at_bound"] else ""
        lines.append(f"| `{path}` | {row['estimate']:.4g}{bound} | [{lo:.4g}, {hi:.4g}] |")
    ll = payload["at_estimate"]
    shares = ", ".join(f"{f} {s:.2f}" for f, s in payload["fact_shares"].items())
    lines += [
        "",
        f"objective at the estimate {payload['objective']:.2f} = record {payload['record_loglik']:.2f}"
        f" + facts {payload['facts_loglik']:.2f} ({payload['replicates']} runs a point; design "
        f"of {payload['design_points']} points; {payload['seconds']:.0f} s)",
        f"record nulls on the same observations: uniform {ll['uniform']:.2f}, base_rate "
        f"{ll['base_rate']:.2f}, same_as_last_week {ll['same_as_last_week']:.2f}",
        f"fact shares at the estimate: {shares}",
    ]
    return "\n".join(lines)


def evaluate(estimates_path, out_dir, replicates: int = 300) -> dict:
    """The checks at the estimates of ``estimates_path`` (an estimates.json of this study or of
    ``estimate``): the facts against the nulls and ablations (``sim.validation.facts``'s study
    with the estimates as extra overrides, ``replicates`` seeds), the record's log-likelihood
    under the model and the nulls, and the held-out directions (``sim.validation.heldout``, 100
    seeds); writes ``facts.json``, ``table.md`` (into ``out_dir/facts``) and ``heldout.json``."""
    from sim.validation.facts import run_study
    from sim.validation.heldout import compare, load_heldout

    payload = json.loads(Path(estimates_path).read_text())
    out = Path(out_dir)
    facts = json.loads(run_study(out / "facts", replicates, overrides_of(payload)).read_text())
    held = compare(load_heldout(), overrides_of(payload, heldout=True))
    summary = {
        "estimates": str(estimates_path),
        "overrides": overrides_of(payload),
        "facts": facts,
        "heldout": {e: {"right": b["right"], "counted": b["counted"]} for e, b in held.items()},
    }
    (out / "heldout.json").write_text(json.dumps({"episodes": held}, indent=2) + "\n")
    (out / "evaluation.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sim.validation.joint", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", default="outputs/experiments/estimate_joint/v1")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--evaluate", metavar="ESTIMATES_JSON", default=None,
                        help="only check the estimates of this file (facts, record, held-out)")  # fmt: skip
    parser.add_argument(
        "overrides", nargs="*", help="overrides of the experiment, e.g. design.n=64"
    )
    args = parser.parse_args(argv)
    from sim.errors import ConfigError

    try:
        if args.evaluate:
            summary = evaluate(args.evaluate, args.out)
            from sim.validation.facts import describe as facts_table

            print(facts_table(summary["facts"]))
            for episode, body in summary["heldout"].items():
                print(f"{episode}: {body['right']} of {body['counted']} directions right")
            print(f"written to {Path(args.out) / 'evaluation.json'}")
            return 0
        payload = run(args.out, args.overrides, args.workers)
    except ConfigError as error:
        print(f"estimate_joint: error: {error}", file=sys.stderr)
        return 2
    print(describe(payload))
    print(f"written to {Path(args.out) / 'estimates.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
