"""Experiment: how often the article's stylized facts hold in jan2020, and how its
counterfactuals move them.

    .venv/bin/python experiments/jan2020_stylized_facts.py [--seeds 300] [--out DIR]

Runs the fixed seed list 0..N-1 (default 300) of jan2020 and of its counterfactuals
(no_visits, incumbent_loses, no_assassination) with the default calibration, and writes
``runs.parquet`` (one row per scenario and seed), ``table.md`` (shares with Wilson 95%
intervals, and the counterfactual measures with 95% intervals) and ``summary.json`` into
``--out`` (default outputs/experiments/jan2020_stylized_facts). docs/VALIDATION.md discusses
the table.
"""

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf
from tqdm import tqdm

from sim.abm.model import run
from sim.outputs.facts import (
    FACTS,
    iran_dip_depth,
    release_gain,
    release_step,
    stylized_facts,
    wilson_interval,
)
from sim.scenario.build import build_scenario
from sim.version import __version__

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("jan2020", "no_visits", "incumbent_loses", "no_assassination")


def compose_scenario(name: str) -> dict:
    with initialize_config_dir(config_dir=str(ROOT / "configs"), version_base=None):
        cfg = compose("config", overrides=[f"scenario={name}"])
    return OmegaConf.to_container(cfg, resolve=True)


def measure(seeds, scenarios=SCENARIOS, progress=True) -> pd.DataFrame:
    """One row per scenario and seed: the five facts and the counterfactual measures."""
    rows = []
    for name in scenarios:
        cfg = compose_scenario(name)
        for seed in tqdm(seeds, desc=name, disable=not progress, leave=False):
            model = run(build_scenario({**cfg, "seed": int(seed)}))
            row = {"scenario": name, "seed": int(seed), **stylized_facts(model)}
            row["release_step"] = release_step(
                model, model.structure.index[model.scenario.balancer[0]]
            )
            row["iran_dip_depth"] = iran_dip_depth(model)
            row["release_gain"] = release_gain(model)
            rows.append(row)
    return pd.DataFrame(rows)


def mean_interval(values) -> tuple[float, float, float]:
    """Mean and normal-approximation 95% interval of the mean."""
    v = np.asarray([x for x in values if x is not None and not np.isnan(x)], dtype=float)
    if v.size == 0:
        return (float("nan"),) * 3
    half = 1.96 * v.std(ddof=1) / np.sqrt(v.size) if v.size > 1 else 0.0
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def table(runs: pd.DataFrame) -> str:
    lines = ["| fact | " + " | ".join(SCENARIOS) + " |", "|---|" + "---|" * len(SCENARIOS)]
    for fact, text in FACTS.items():
        cells = []
        for name in SCENARIOS:
            col = runs.loc[runs["scenario"] == name, fact]
            known = col.dropna()
            if known.empty:
                cells.append("n/a")
                continue
            k, n = int(known.astype(bool).sum()), len(known)
            lo, hi = wilson_interval(k, n)
            cells.append(f"{k / n:.2f} [{lo:.2f}, {hi:.2f}]")
        lines.append(f"| {fact}: {text} | " + " | ".join(cells) + " |")
    for measure_name, text in (
        ("iran_dip_depth", "mean fall of Iran's stance toward Russia after the visit weeks"),
        ("release_gain", "mean gain of Israel's stance toward Russia from the release to the end"),
    ):
        cells = []
        for name in SCENARIOS:
            m, lo, hi = mean_interval(runs.loc[runs["scenario"] == name, measure_name])
            cells.append("n/a" if np.isnan(m) else f"{m:.4f} [{lo:.4f}, {hi:.4f}]")
        lines.append(f"| {measure_name}: {text} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--out", default=str(ROOT / "outputs/experiments/jan2020_stylized_facts"))
    args = parser.parse_args(argv)
    if args.seeds < 1:
        print(
            f"jan2020_stylized_facts: error: --seeds={args.seeds}: must be at least 1",
            file=sys.stderr,
        )
        return 2
    warnings.simplefilter("error", DeprecationWarning)
    runs = measure(range(args.seeds), progress=sys.stderr.isatty())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(out / "runs.parquet", index=False)
    text = table(runs)
    (out / "table.md").write_text(text + "\n")
    summary = {
        "experiment": "jan2020_stylized_facts",
        "version": __version__,
        "seeds": [0, args.seeds - 1],
        "scenarios": list(SCENARIOS),
        "shares": {
            name: {f: float(g[f].dropna().astype(bool).mean()) for f in FACTS if g[f].notna().any()}
            for name, g in runs.groupby("scenario", sort=False)
        },
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{args.seeds} seeds per scenario; share of runs (Wilson 95% interval)\n")
    print(text)
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
