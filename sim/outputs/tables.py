"""Tables, summary and figures of one run, written so that a directory holds a whole result or
none: everything goes to a hidden staging folder first and is moved into place at the end,
``summary.json`` last."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.actions import COMPONENTS
from sim.outputs import metrics
from sim.outputs.atomic import StagedResult
from sim.version import __version__

RESULT_FILES = (
    "steps.parquet",
    "decisions.parquet",
    "events.parquet",
    "figures/relations.png",
    "figures/payoffs.png",
    "summary.json",
)


def config_hash(config: dict) -> str:
    """SHA-256 of the resolved configuration, canonical JSON (the Hydra section and
    ``overwrite``, which say where and how to write, not what, excluded)."""
    payload = {k: v for k, v in config.items() if k not in ("hydra", "overwrite")}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def steps_table(model) -> pd.DataFrame:
    """One row per step and actor."""
    s, r, cal = model.structure, model.record, model.calendar
    steps, n = r.utility.shape
    codes = list(s.codes)
    t = np.repeat(np.arange(1, steps + 1), n)
    i = np.tile(np.arange(n), steps)
    choice = r.choice.ravel()
    data = {
        "step": t,
        "date": [cal.date_of(int(k)) for k in t],
        "actor": [codes[k] for k in i],
    }
    for j, code in enumerate(codes):
        col = r.stance[:, :, j].ravel().copy()
        col[i == j] = np.nan
        data[f"stance_{code}"] = col
    for c, name in enumerate(COMPONENTS):
        data[name] = r.payoffs[:, :, c].ravel()
    data["utility"] = r.utility.ravel()
    action = model.alts.action[i, choice]
    target = model.alts.target[i, choice]
    data["action"] = [model.table.names[a] for a in action]
    data["target"] = [codes[x] if x >= 0 else None for x in target]
    data["label"] = [model.label(a, b) for a, b in zip(i, choice, strict=True)]
    data["probability"] = r.probability.ravel()
    return pd.DataFrame(data)


def decisions_table(model) -> pd.DataFrame:
    """One row per step, actor and alternative: the expected utility of each, split into the
    weighted contributions of security, economic and prestige (NaN where not available)."""
    s, r, cal = model.structure, model.record, model.calendar
    steps, n, width = r.probabilities.shape
    codes = list(s.codes)
    t, i, a = (
        x.ravel()
        for x in np.meshgrid(np.arange(1, steps + 1), np.arange(n), np.arange(width), indexing="ij")
    )
    keep = model.alts.valid[i, a]
    t, i, a = t[keep], i[keep], a[keep]
    comp = r.components[t - 1, i, a]
    labels = {(x, y): model.label(x, y) for x in range(n) for y in range(width)}
    target = model.alts.target[i, a]
    return pd.DataFrame(
        {
            "step": t,
            "date": [cal.date_of(int(k)) for k in t],
            "actor": [codes[k] for k in i],
            "alternative": [labels[(x, y)] for x, y in zip(i, a, strict=True)],
            "action": [model.table.names[k] for k in model.alts.action[i, a]],
            "target": [codes[x] if x >= 0 else None for x in target],
            "available": r.available[t - 1, i, a],
            "eu_security": comp[:, 0],
            "eu_economic": comp[:, 1],
            "eu_prestige": comp[:, 2],
            "expected_utility": comp.sum(axis=1),
            "probability": r.probabilities[t - 1, i, a],
            "chosen": r.choice[t - 1, i] == a,
        }
    )


def events_table(model) -> pd.DataFrame:
    rows = []
    for rec in model.record.events:
        e = rec["event"]
        params = {k: v for k, v in vars(e).items() if k not in ("step", "date", "label")}
        rows.append(
            {
                "step": e.step,
                "date": e.date,
                "type": e.type,
                "label": e.label,
                "actors": ",".join(e.actors()),
                "parameters": json.dumps(params, sort_keys=True),
                "outcome": rec.get("outcome"),
                "probability": rec.get("probability", np.nan),
            }
        )
    columns = ["step", "date", "type", "label", "actors", "parameters", "outcome", "probability"]
    return pd.DataFrame(rows, columns=columns)


def _write_parquet(df: pd.DataFrame, path: Path):
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)


def write_run(
    model, config: dict, out_dir, seed: int, figures: bool = True, files: dict | None = None
) -> dict:
    """Write the run's files into ``out_dir`` atomically (:class:`StagedResult`), with
    ``files`` (relative name: text, such as the command's ``.hydra/config.yaml``); return the
    summary."""
    from sim.outputs import figures as plots

    summary = metrics.run_summary(model, seed, config_hash(config), __version__)
    with StagedResult(out_dir) as result:
        steps = steps_table(model)
        _write_parquet(steps, result.path("steps.parquet"))
        _write_parquet(decisions_table(model), result.path("decisions.parquet"))
        _write_parquet(events_table(model), result.path("events.parquet"))
        if figures:
            codes = list(model.structure.codes)
            b, *rivals = model.scenario.balancer
            events = model.record.events
            plots.relations(steps, events, b, rivals, codes, result.path("figures/relations.png"))
            plots.payoffs(steps, events, codes, result.path("figures/payoffs.png"))
        for name, text in (files or {}).items():
            result.write_text(name, text)
        result.commit(summary)
    return summary
