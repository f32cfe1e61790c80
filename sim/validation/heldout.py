"""Held-out episodes (docs/VALIDATION.md, "Held-out episodes"): the directions of the states'
responses the model gives, at given parameters, against those observed (``data/heldout.yaml``,
committed before any run).

    .venv/bin/python -m sim.validation.heldout [--replicates N] [--out DIR] [OVERRIDES ...]

A direction is the sign of the change of a directed stance from the start of the episode (the
configured relations) to the end of its last step, averaged over seeds: ``warmer`` above
:data:`NO_CHANGE`, ``colder`` below minus it, ``no_change`` within. An observed ``unknown`` is not
counted.
"""

import argparse
import json
import sys
from pathlib import Path

NO_CHANGE = 0.02  # stance units (-1..1): a mean change smaller than this is no change
HELDOUT_PATH = Path(__file__).resolve().parents[2] / "data" / "heldout.yaml"


def load_heldout(path=HELDOUT_PATH) -> dict:
    """The observed directions: episode -> {window, responses: [{from, to, direction, ...}]}."""
    import yaml

    return yaml.safe_load(Path(path).read_text())


def direction(change: float, threshold: float = NO_CHANGE) -> str:
    if change > threshold:
        return "warmer"
    if change < -threshold:
        return "colder"
    return "no_change"


def model_changes(episode: str, overrides=(), replicates: int = 100) -> dict:
    """(from, to) -> the mean change of from's stance toward to over ``replicates`` seeds."""
    import sim
    from sim.scenario.compose import compose_dict

    config = compose_dict([f"scenario={episode}", *overrides])  # once: only the seed changes
    total = None
    for seed in range(replicates):
        model = sim.run_model({**config, "seed": seed})
        change = model.record.stance[-1] - model.structure.initial_stance
        total = change if total is None else total + change
    codes = list(model.structure.codes)
    mean = total / replicates
    return {(a, b): float(mean[i, j]) for i, a in enumerate(codes) for j, b in enumerate(codes)}


def compare(observed: dict, overrides=(), replicates: int = 100) -> dict:
    """Per episode, each observed response with the model's direction and whether they agree."""
    out = {}
    for episode, body in observed.items():
        changes = model_changes(episode, overrides, replicates)
        rows = []
        for r in body["responses"]:
            change = changes.get((r["from"], r["to"]))
            model = None if change is None else direction(change)
            counted = r["direction"] != "unknown" and model is not None
            rows.append(
                {
                    "from": r["from"],
                    "to": r["to"],
                    "observed": r["direction"],
                    "model": model,
                    "model_change": change,
                    "right": bool(counted and model == r["direction"]),
                    "counted": counted,
                }
            )
        right = sum(r["right"] for r in rows)
        counted = sum(r["counted"] for r in rows)
        out[episode] = {"responses": rows, "right": right, "counted": counted}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sim.validation.heldout", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--out", default="outputs/experiments/heldout")
    parser.add_argument("overrides", nargs="*", help="parameter overrides, e.g. the estimates")
    args = parser.parse_args(argv)
    result = compare(load_heldout(), args.overrides, args.replicates)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    payload = {"overrides": args.overrides, "replicates": args.replicates, "episodes": result}
    (out / "heldout.json").write_text(json.dumps(payload, indent=2) + "\n")
    for episode, body in result.items():
        print(f"{episode}: {body['right']} of {body['counted']} directions right")
        for r in body["responses"]:
            mark = "ok" if r["right"] else ("--" if not r["counted"] else "xx")
            print(f"  {mark} {r['from']}->{r['to']}: observed {r['observed']}, model {r['model']}"
                  f" ({r['model_change']:+.3f})")  # fmt: skip
    total = sum(b["right"] for b in result.values()), sum(b["counted"] for b in result.values())
    print(f"all: {total[0]} of {total[1]} right; written to {out / 'heldout.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
