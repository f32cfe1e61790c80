"""The summary of a study: for a comparison (a sweep of several scenarios on common seeds) each
outcome's mean per scenario with its bootstrap interval and each scenario's paired effect
against the first; for a Sobol' or Morris design each outcome's sensitivity indices.

    .venv/bin/python -m sim.analysis.study SWEEP_DIR [--out DIR]

writes ``summary.json`` and ``table.md`` into ``SWEEP_DIR/summary`` (or ``--out``)."""

import argparse
import json
import sys
from pathlib import Path

from sim.analysis.compare import compare
from sim.analysis.load import load_sweep


def summarize(sweep_dir, outcomes=None) -> tuple[dict, str]:
    """(summary, Markdown table) of the sweep in ``sweep_dir``."""
    sweep = load_sweep(sweep_dir)
    study = sweep.manifest["config"].get("study") or {}
    outcomes = list(outcomes or study.get("outcomes") or ["tilt"])
    if sweep.design_type in ("sobol", "morris"):
        return _indices(sweep, study, outcomes)
    runs, names = sweep.runs, list(sweep.manifest["scenarios"])
    rows, lines = {}, ["| outcome | scenario | mean [95% interval] | effect against " + names[0] + " |",
                       "|---|---|---|---|"]  # fmt: skip
    for outcome in outcomes:
        rows[outcome] = {}
        for name in names:
            c = compare(runs, outcome, groups=(names[0], name))
            g = c.groups.loc[name]
            e = c.effect
            rows[outcome][name] = {"mean": g["mean"], "low": g["low"], "high": g["high"],
                                   "effect": None if name == names[0] else e}  # fmt: skip
            effect = (
                ""
                if name == names[0]
                else (
                    f"{e['difference']:+.4f} [{e['low']:+.4f}, {e['high']:+.4f}]"
                    f"{' paired' if e['paired'] else ''}"
                )
            )
            lines.append(f"| {outcome} | {name} | {g['mean']:.4f} [{g['low']:.4f}, "
                         f"{g['high']:.4f}] | {effect} |")  # fmt: skip
    summary = {
        "study": study.get("name"),
        "study_version": study.get("version"),
        "replicates": sweep.manifest["replicates"],
        "seeds": sweep.manifest["seeds"].get("seeds", "index"),
        "scenarios": names,
        "outcomes": rows,
    }
    return summary, "\n".join(lines)


def _indices(sweep, study: dict, outcomes: list) -> tuple[dict, str]:
    """Each outcome's sensitivity indices (sim.analysis.sensitivity), as a summary and a table."""
    from sim.analysis.sensitivity import sensitivity

    tables = {o: sensitivity(sweep, o) for o in outcomes}
    first = tables[outcomes[0]]
    names = list(dict.fromkeys(first["index"]))[:2]  # S1, ST (or mu, mu_star)
    head = " | ".join(f"{o} {n}" for o in outcomes for n in names)
    lines = [f"| parameter | {head} |", "|---" * (1 + len(outcomes) * len(names)) + "|"]
    rows = {}
    for p in sweep.parameters:
        cells = []
        for o in outcomes:
            t = tables[o]
            for n in names:
                r = t[(t["index"] == n) & (t["parameter"] == p)].iloc[0]
                rows.setdefault(o, {}).setdefault(p, {})[n] = {
                    "value": r["value"],
                    "conf": r["conf"],
                }
                cells.append(f"{r['value']:.3f} ± {r['conf']:.3f}")
        lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
    summary = {
        "study": study.get("name"),
        "study_version": study.get("version"),
        "design": sweep.design_type,
        "runs": len(sweep.runs),
        "indices": rows,
    }
    return summary, "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="sim.analysis.study", description=__doc__.split("\n")[0])
    parser.add_argument("sweep")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if not (Path(args.sweep) / "manifest.json").is_file():
        print(f"study: error: {args.sweep}: no sweep here (no manifest.json)", file=sys.stderr)
        return 2
    summary, table = summarize(args.sweep)
    out = Path(args.out) if args.out else Path(args.sweep) / "summary"
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
    (out / "table.md").write_text(table + "\n")
    print(table)
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
