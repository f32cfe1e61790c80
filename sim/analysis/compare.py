"""Outcome distributions per group (scenario, design point ...) with bootstrap intervals, and the
effect between two groups, paired by seed when the groups share their seeds (a sweep run with
``seeds=common``): the same random draws in both, so that the difference is the scenario's."""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Comparison:
    """What :func:`compare` returns.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per group: ``n``, ``mean``, ``low``, ``high`` (bootstrap interval of the mean),
        ``median``, ``std``.
    effect : dict
        The effect of ``b`` against ``a``: ``a``, ``b``, ``paired``, ``difference`` (mean of
        b minus mean of a), ``low``, ``high`` (its bootstrap interval), ``standardized``
        (Cohen's d, or d_z = mean / sd of the paired differences) and ``n``; None with fewer
        than two groups.
    """

    groups: pd.DataFrame
    effect: dict | None


def bootstrap_mean(values, n_boot: int = 2000, level: float = 0.95, rng=None):
    """Percentile bootstrap interval of the mean of ``values`` (m,): (low, high)."""
    values = np.asarray(values, dtype=float)
    rng = np.random.default_rng(rng)
    if values.size < 2:
        return (float("nan"), float("nan"))
    means = values[rng.integers(0, values.size, size=(n_boot, values.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    return float(np.quantile(means, tail)), float(np.quantile(means, 1.0 - tail))


def compare(
    frame: pd.DataFrame,
    outcome: str,
    by: str = "scenario",
    groups: tuple | None = None,
    *,
    pair_on: str = "seed",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Compare ``outcome`` across the groups of column ``by``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per run (``load_sweep(...).runs``, or runs of several ``load_run``).
    outcome : str
        A numeric or boolean column (a boolean's mean is a share).
    by : str
        The grouping column.
    groups : (a, b), optional
        The two groups whose effect is reported (default: the first two in order of
        appearance).
    pair_on : str
        The column that pairs runs across groups: the effect is paired when both groups hold
        each value of it once and the same values.
    n_boot, level, seed
        Bootstrap resamples, interval level and the resampling seed (same inputs, same output).
    """
    if outcome not in frame.columns:
        raise KeyError(f"no column {outcome!r} (columns: {', '.join(map(str, frame.columns))})")
    rng = np.random.default_rng(seed)
    data = frame[[by, outcome, *([pair_on] if pair_on in frame.columns else [])]].copy()
    data[outcome] = data[outcome].astype(float)
    rows = []
    for name, g in data.groupby(by, sort=False):
        v = g[outcome].dropna().to_numpy()
        low, high = bootstrap_mean(v, n_boot, level, rng)
        rows.append(
            {by: name, "n": v.size, "mean": v.mean(), "low": low, "high": high,
             "median": float(np.median(v)), "std": float(v.std(ddof=1)) if v.size > 1 else 0.0}
        )  # fmt: skip
    table = pd.DataFrame(rows).set_index(by)
    names = list(table.index)
    if groups is None and len(names) < 2:
        return Comparison(table, None)
    a, b = groups or names[:2]
    effect = _effect(data, by, outcome, a, b, pair_on, n_boot, level, rng)
    return Comparison(table, effect)


def _effect(data, by, outcome, a, b, pair_on, n_boot, level, rng) -> dict:
    ga, gb = data[data[by] == a], data[data[by] == b]
    if ga.empty or gb.empty:
        raise KeyError(f"no runs of group {a if ga.empty else b!r} in column {by!r}")
    paired = (
        pair_on in data.columns
        and ga[pair_on].is_unique
        and gb[pair_on].is_unique
        and set(ga[pair_on]) == set(gb[pair_on])
    )
    tail = (1.0 - level) / 2.0
    if paired:
        d = (gb.set_index(pair_on)[outcome] - ga.set_index(pair_on)[outcome]).dropna().to_numpy()
        low, high = bootstrap_mean(d, n_boot, level, rng)
        sd = d.std(ddof=1) if d.size > 1 else 0.0
        return {"a": a, "b": b, "paired": True, "difference": float(d.mean()), "low": low,
                "high": high, "standardized": float(d.mean() / sd) if sd > 0 else float("nan"),
                "n": int(d.size)}  # fmt: skip
    va, vb = ga[outcome].dropna().to_numpy(), gb[outcome].dropna().to_numpy()
    boots = vb[rng.integers(0, vb.size, size=(n_boot, vb.size))].mean(axis=1) - va[
        rng.integers(0, va.size, size=(n_boot, va.size))
    ].mean(axis=1)
    pooled = np.sqrt(
        ((va.size - 1) * va.var(ddof=1) + (vb.size - 1) * vb.var(ddof=1)) / (va.size + vb.size - 2)
    )
    diff = vb.mean() - va.mean()
    return {"a": a, "b": b, "paired": False, "difference": float(diff),
            "low": float(np.quantile(boots, tail)), "high": float(np.quantile(boots, 1 - tail)),
            "standardized": float(diff / pooled) if pooled > 0 else float("nan"),
            "n": int(min(va.size, vb.size))}  # fmt: skip
