"""The facts against null models and ablations (docs/VALIDATION.md, "Rules fixed before any
result"): each variant of the study ``configs/experiment/validation.yaml`` is a sweep of the same
seeds; each fact's share of runs in the model must reach 80% and beat every null by 0.3.

    .venv/bin/python -m sim.validation.facts [--out DIR] [--replicates N]      (make facts)

writes ``facts.json`` and ``table.md`` (and one sweep folder per variant: each is
``sim-sweep experiment=validation`` with the variant's overrides) into the study's folder and
prints the table and where it is.
"""

import argparse
import json
import sys
from pathlib import Path

from sim.errors import ConfigError

MIN_SHARE = 0.8  # a fact holds in at least 80% of the model's runs ...
MIN_MARGIN = 0.3  # ... and in at least 0.3 more of them than under every null
MODEL = "model"
SCENARIO = "jan2020"  # the episode of the record
LOGLIK_KEYS = ("model", "uniform", "base_rate", "same_as_last_week")


def reproduced(model: float, nulls: dict) -> bool:
    """The committed test of a fact: ``model`` (its share of runs) at least :data:`MIN_SHARE`
    and at least :data:`MIN_MARGIN` above the share under every null."""
    return model >= MIN_SHARE and all(model - share >= MIN_MARGIN for share in nulls.values())


def fact_shares(sweep_dir) -> dict[str, float]:
    """Each fact's share of the runs of one sweep (``collect=steps``). A fact about something
    the variant removed (no prisoner, no assassination) does not hold: it counts as false."""
    from sim.outputs.facts import FACTS, RunView, stylized_facts
    from sim.scenario.build import build_scenario
    from sim.sweeps.store import load_results, load_steps

    root = Path(sweep_dir)
    manifest = json.loads((root / "manifest.json").read_text())
    scenarios = {n: build_scenario(c) for n, c in manifest["scenario_configs"].items()}
    results = load_results(root, columns=["run", "scenario"])
    by_run = dict(tuple(load_steps(root).groupby("run", sort=True)))
    held = {fact: 0 for fact in FACTS}
    for r in results.itertuples(index=False):
        facts = stylized_facts(RunView.of_steps(by_run[r.run], scenarios[r.scenario]))
        for fact, value in facts.items():
            held[fact] += bool(value)
    return {fact: held[fact] / len(results) for fact in FACTS}


def variants(study: dict) -> dict[str, tuple[str, list[str]]]:
    """Variant name -> (kind: model, null or ablation; its overrides), from the study config."""
    out = {MODEL: (MODEL, [])}
    for kind, key in (("null", "nulls"), ("ablation", "ablations")):
        for name, overrides in (study.get(key) or {}).items():
            out[name] = (kind, [str(o) for o in overrides])
    return out


def facts_table(shares: dict[str, dict[str, float]], kinds: dict[str, str]) -> dict:
    """The ``facts`` part of facts.json from each variant's shares (variant -> fact -> share)."""
    table = {}
    for fact, model in shares[MODEL].items():
        nulls = {v: s[fact] for v, s in shares.items() if kinds[v] == "null"}
        ablations = {v: s[fact] for v, s in shares.items() if kinds[v] == "ablation"}
        table[fact] = {
            "model": model,
            "nulls": nulls,
            "ablations": ablations,
            "reproduced": reproduced(model, nulls),
        }
    return table


def record_loglik(study: dict, extra=()) -> dict:
    """The log-likelihood of the coded record under the model (its configuration with
    ``extra``) and the nulls (``sim.validation.likelihood``)."""
    from sim.scenario.compose import compose_dict
    from sim.validation.likelihood import conditioned, logliks, observed_labels
    from sim.validation.record import load_record, observations

    config = compose_dict([f"scenario={SCENARIO}", *extra])
    outcomes = dict((study.get("likelihood") or {}).get("outcomes") or {})
    scored, seed = conditioned(config, observed_labels(observations(load_record())), outcomes)
    return {**logliks(scored), "seed": seed}


def run_study(out_dir=None, replicates: int | None = None, extra=()) -> Path:
    """Run every variant's sweep (resumed where done) and write ``facts.json``; its path.
    ``extra``: overrides of the model's configuration, for every variant and the likelihood."""
    import sim
    from sim.scenario.compose import compose_dict

    base = ["experiment=validation", *extra]
    if replicates is not None:
        base.append(f"replicates={replicates}")
    config = compose_dict(base, "sweep", resolve=False)
    study = config["study"]
    out = Path(out_dir or f"outputs/experiments/{study['name']}/v{study['version']}")
    kinds, shares = {}, {}
    for name, (kind, overrides) in variants(study).items():
        folder = out / name
        outcome = sim.run_sweep([*base, *overrides], folder)
        if outcome.exit_code:
            raise RuntimeError(f"the sweep of variant {name} failed ({folder})")
        kinds[name], shares[name] = kind, fact_shares(folder)
    payload = {
        "study": study["name"],
        "study_version": study["version"],
        "replicates": config["replicates"],
        "master_seed": config["seed"],
        "rule": {"min_share": MIN_SHARE, "min_margin_over_every_null": MIN_MARGIN},
        "facts": facts_table(shares, kinds),
        "loglik": record_loglik(study, extra),
    }
    path = out / "facts.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    (out / "table.md").write_text(describe(payload) + "\n")
    return path


def describe(payload: dict) -> str:
    """The facts table in Markdown: each fact's share under the model, every null and every
    ablation, and whether it is reproduced."""
    rows = list(payload["facts"].items())
    nulls, ablations = list(rows[0][1]["nulls"]), list(rows[0][1]["ablations"])
    head = ["fact", "model", *nulls, *ablations, "reproduced"]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for fact, row in rows:
        cells = [row["model"], *row["nulls"].values(), *row["ablations"].values()]
        mark = "**yes**" if row["reproduced"] else "no"
        lines.append(f"| {fact} | " + " | ".join(f"{c:.2f}" for c in cells) + f" | {mark} |")
    ll = payload.get("loglik")
    if ll:
        lines += [
            "",
            f"Log-likelihood of the record's {ll['observations']} observed choices, one step ahead:",
            "",
            "| model | uniform | base_rate | same_as_last_week |",
            "|---|---|---|---|",
            "| " + " | ".join(f"{ll[k]:.2f}" for k in LOGLIK_KEYS) + " |",
        ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sim.validation.facts", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", default=None, help="study folder (default from the study config)")
    parser.add_argument("--replicates", type=int, default=None, help="seeds per variant")
    args = parser.parse_args(argv)
    if args.replicates is not None and args.replicates < 1:
        print(f"facts: error: --replicates={args.replicates}: must be at least 1", file=sys.stderr)
        return 2
    try:
        path = run_study(args.out, args.replicates)
    except ConfigError as error:
        print(f"facts: error: {error}", file=sys.stderr)
        return 2
    print(describe(json.loads(path.read_text())))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
