"""Study `stylized_facts`, step 2: the article's stylized facts of every run of the study's sweep.

    .venv/bin/sim-sweep experiment=stylized_facts                  # step 1: the runs
    .venv/bin/python experiments/stylized_facts/study.py [SWEEP_DIR] [--out DIR]

Step 1 (configs/experiment/stylized_facts.yaml) runs jan2020 and its counterfactuals with the
default calibration, `replicates` seeds each, and keeps the per-step series (collect=steps) in
SWEEP_DIR (default outputs/experiments/stylized_facts/v1). This step measures the five facts and
the counterfactual measures of each run from its steps (sim.outputs.facts.RunView.of_steps) and
writes into --out (default SWEEP_DIR/facts): runs.csv (one row per run), table.md (shares with
Wilson 95% intervals, means with normal 95% intervals) and summary.json. README.md beside this
file says how to read the table.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.outputs.facts import FACTS, RunView, run_measures, wilson_interval
from sim.scenario.build import build_scenario
from sim.sweeps.store import load_results, load_steps

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SWEEP = ROOT / "outputs/experiments/stylized_facts/v1"
MEASURES = {
    "iran_dip_depth": "mean fall of Iran's stance toward Russia after the visit weeks",
    "release_gain": "mean gain of Israel's stance toward Russia from the release to the end",
}


def measure(root) -> tuple[pd.DataFrame, dict]:
    """One row per run of the sweep in ``root``: run, scenario, replicate, seed, the five facts,
    the release step and the counterfactual measures; and the sweep's manifest."""
    root = Path(root)
    manifest = json.loads((root / "manifest.json").read_text())
    scenarios = {
        name: build_scenario(config) for name, config in manifest["scenario_configs"].items()
    }
    results = load_results(root, columns=["run", "scenario", "replicate", "seed"])
    steps = {run: rows for run, rows in load_steps(root).groupby("run", sort=True)}
    rows = []
    for r in results.itertuples(index=False):
        view = RunView.of_steps(steps[r.run], scenarios[r.scenario])
        rows.append(
            {
                "run": r.run,
                "scenario": r.scenario,
                "replicate": r.replicate,
                "seed": r.seed,
                **run_measures(view),
            }
        )
    return pd.DataFrame(rows), manifest


def mean_interval(values) -> tuple[float, float, float]:
    """Mean and normal-approximation 95% interval of the mean."""
    v = np.asarray([x for x in values if x is not None and not pd.isna(x)], dtype=float)
    if v.size == 0:
        return (float("nan"),) * 3
    half = 1.96 * v.std(ddof=1) / np.sqrt(v.size) if v.size > 1 else 0.0
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def table(runs: pd.DataFrame, scenarios: list[str]) -> str:
    lines = ["| fact | " + " | ".join(scenarios) + " |", "|---|" + "---|" * len(scenarios)]
    for fact, text in FACTS.items():
        cells = []
        for name in scenarios:
            known = runs.loc[runs["scenario"] == name, fact].dropna()
            if known.empty:
                cells.append("n/a")
                continue
            k, n = int(known.astype(bool).sum()), len(known)
            lo, hi = wilson_interval(k, n)
            cells.append(f"{k / n:.2f} [{lo:.2f}, {hi:.2f}]")
        lines.append(f"| {fact}: {text} | " + " | ".join(cells) + " |")
    for measure_name, text in MEASURES.items():
        cells = []
        for name in scenarios:
            m, lo, hi = mean_interval(runs.loc[runs["scenario"] == name, measure_name])
            cells.append("n/a" if np.isnan(m) else f"{m:.4f} [{lo:.4f}, {hi:.4f}]")
        lines.append(f"| {measure_name}: {text} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summarise(runs: pd.DataFrame, manifest: dict) -> dict:
    config = manifest["config"]
    study = config.get("study") or {}
    shares = {}
    for name, g in runs.groupby("scenario", sort=False):
        known = [f for f in FACTS if g[f].notna().any()]
        shares[name] = {f: float(g[f].dropna().astype(bool).mean()) for f in known}
    return {
        "study": study.get("name", "stylized_facts"),
        "study_version": study.get("version"),
        "model_version": manifest["version"],
        "git": manifest.get("git"),
        "master_seed": manifest["seeds"]["master"],
        "replicates": manifest["replicates"],
        "scenarios": manifest["scenarios"],
        "runs": len(runs),
        "shares": shares,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", nargs="?", default=str(DEFAULT_SWEEP))
    parser.add_argument("--out", default=None, help="default: SWEEP/facts")
    args = parser.parse_args(argv)
    root = Path(args.sweep)
    if not (root / "manifest.json").is_file():
        hint = "run sim-sweep experiment=stylized_facts first"
        print(f"study.py: error: {root}: no sweep here ({hint})", file=sys.stderr)
        return 2
    runs, manifest = measure(root)
    if manifest["status"] != "complete":
        print(f"study.py: error: {root}: the sweep is {manifest['status']}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else root / "facts"
    out.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out / "runs.csv", index=False)
    text = table(runs, list(manifest["scenarios"]))
    (out / "table.md").write_text(text + "\n")
    summary = summarise(runs, manifest)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{manifest['replicates']} seeds per scenario; share of runs (Wilson 95% interval)\n")
    print(text)
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
