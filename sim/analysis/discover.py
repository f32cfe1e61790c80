"""Scenario discovery with PRIM (Friedman & Fisher 1999; ema-workbench's ``prim``, imported only
here): the box of parameter values in which an outcome (``balance_broken``, or a number above a
threshold) is concentrated, and the peeling trajectory that trades coverage for density."""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Box:
    """What :func:`discover` returns.

    Attributes
    ----------
    limits : pandas.DataFrame
        Indexed by parameter, columns ``lower`` and ``upper`` (a parameter the box does not
        restrict spans its data's range); ``restricted`` says which the box restricts;
        ``min`` and ``max`` are the data's range (what the limits are read against).
    coverage : float
        Share of the cases of interest that lie in the box.
    density : float
        Share of the box's runs that are cases of interest.
    mass : float
        Share of all runs in the box.
    trajectory : pandas.DataFrame
        The peeling trajectory: ``coverage``, ``density``, ``mass``, ``res_dim`` per box.
    chosen : int
        The row of ``trajectory`` this box is: the largest coverage x (density - the share
        of cases among all runs). Coverage x density alone favours the unpeeled box whenever
        cases are common (it scores the base share there, which a real box rarely beats).
    """

    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame
    chosen: int


OUTCOME_FAMILIES = ("final_stance", "cumulative_utility", "action_counts", "responses")


def _prim():
    with warnings.catch_warnings():  # exactly the two warnings of ema-workbench's import
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        warnings.filterwarnings("ignore", message="altair based interactive inspection")
        from ema_workbench.analysis import prim
    return prim


def discover(
    frame: pd.DataFrame,
    outcome: str,
    inputs=None,
    threshold: float | None = None,
    *,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> Box:
    """The PRIM box of ``outcome`` over ``inputs``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per run (``load_sweep(...).runs``).
    outcome : str
        A boolean column, or a numeric one with ``threshold`` (cases: above it).
    inputs : list of str, optional
        The parameter columns (default: the swept parameters ``load_sweep`` recorded in
        ``frame.attrs["parameters"]``; without them, every column whose name has a dot,
        except the outcome families of a sweep's results, such as ``final_stance.*``).
    peel_alpha, mass_min
        PRIM's peeling share and the smallest box (share of runs).
    """
    if outcome not in frame.columns:
        raise KeyError(f"no column {outcome!r}")
    y = frame[outcome]
    if threshold is None:
        if y.dtype != bool and not set(pd.unique(y.dropna())) <= {0, 1}:
            raise ValueError(f"{outcome!r} is not boolean: give a threshold")
        y = y.astype(bool).to_numpy()
    else:
        y = (y.astype(float) > threshold).to_numpy()
    if not y.any() or y.all():
        raise ValueError(f"{outcome!r}: no run is, or every run is, a case: nothing to discover")
    inputs = list(inputs or frame.attrs.get("parameters") or [
        c for c in frame.columns
        if "." in c and c != outcome and c.split(".")[0] not in OUTCOME_FAMILIES])  # fmt: skip
    x = frame[inputs].astype(float).reset_index(drop=True)
    with warnings.catch_warnings():  # pandas 3 deprecates the inplace= ema-workbench passes
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame")
        box = _prim().Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min).find_box()
    trajectory = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    lift = trajectory["density"] - trajectory["density"].iloc[0]
    chosen = int((trajectory["coverage"] * lift).to_numpy().argmax())
    lims = box.box_lims[chosen]
    limits = pd.DataFrame(
        {"lower": lims.loc[0, inputs].astype(float), "upper": lims.loc[1, inputs].astype(float)}
    )
    limits["restricted"] = (limits["lower"] > x.min()) | (limits["upper"] < x.max())
    limits["min"], limits["max"] = x.min(), x.max()
    row = trajectory.iloc[chosen]
    return Box(limits, float(row["coverage"]), float(row["density"]), float(row["mass"]),
               trajectory.reset_index(drop=True), chosen)  # fmt: skip


def plot_box(box: Box):
    """The peeling trajectory (coverage against density, the chosen box marked) and the box's
    limits on each restricted parameter as a share of its range in the data (parameters of
    different scales side by side), the limits' values written beside the names."""
    from matplotlib.ticker import MaxNLocator

    from sim.outputs.figures import plt

    restricted = box.limits[box.limits["restricted"]]
    height = max(4.0, 0.55 * len(restricted) + 1.6)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, height), width_ratios=(1, 1.15))
    t = box.trajectory
    ax1.plot(t["coverage"], t["density"], "o-", color="0.3", ms=3)
    ax1.plot(box.coverage, box.density, "s", color="k", ms=10, mfc="none", mew=1.5,
             label="chosen box")  # fmt: skip
    ax1.axhline(t["density"].iloc[0], color="0.5", lw=0.8, ls=":", label="all runs")
    ax1.xaxis.set_major_locator(MaxNLocator(5))
    ax1.yaxis.set_major_locator(MaxNLocator(6))
    ax1.set(xlabel="coverage (share of the cases inside)", ylabel="density (share of cases)",
            title="PRIM peeling trajectory")  # fmt: skip
    ax1.legend(fontsize=9, loc="best")
    span = (restricted["max"] - restricted["min"]).where(lambda v: v > 0, 1.0)
    lower = (restricted["lower"] - restricted["min"]) / span
    upper = (restricted["upper"] - restricted["min"]) / span
    y = np.arange(len(restricted))
    ax2.barh(y, np.ones(len(y)), color="white", edgecolor="0.4", lw=0.8, height=0.6)
    ax2.barh(y, upper - lower, left=lower, color="0.6", edgecolor="k", hatch="//", height=0.6)
    names = [f"{p}\n{r.lower:.3g} to {r.upper:.3g}" for p, r in restricted.iterrows()]
    ax2.set_yticks(y, names, fontsize=9)
    ax2.set_xlim(-0.02, 1.02)
    ax2.set(xlabel="share of the parameter's range in the data (hatched: the box)",
            title=f"box: coverage {box.coverage:.2f}, density {box.density:.2f}")  # fmt: skip
    fig.tight_layout()
    return fig
