"""Plots for notebooks and reports: readable in print, on a projector and in greyscale (every
series also differs by line style or marker, not by colour alone). Each returns its Figure."""

import numpy as np
import pandas as pd

from sim.outputs.figures import plt

STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P")


def trajectories(steps: pd.DataFrame, pairs, level: float = 0.9, groups=None):
    """Directed stances over time across the runs of a sweep (``Sweep.steps()``) or several
    runs: the median and a band holding ``level`` of the runs, per pair; one panel per group
    when ``groups`` is given (runs of different scenarios pooled in one band would describe
    none of them).

    Parameters
    ----------
    steps : pandas.DataFrame
        One row per run, step and state: ``run``, ``step``, ``actor``, ``stance_<CODE>``.
    pairs : list of (from, to)
        The directed stances to draw, e.g. ``[("ISR", "RUS"), ("IRN", "RUS")]``.
    groups : pandas.Series, optional
        Each run's group (e.g. ``runs.set_index("run")["scenario"]``), in the order to draw.
    """
    names = [None] if groups is None else list(dict.fromkeys(groups))
    fig, axes = plt.subplots(1, len(names), figsize=(max(8, 3.6 * len(names)), 4.2),
                             sharey=True, squeeze=False)  # fmt: skip
    tail = (1 - level) / 2
    low, high = 0.0, 0.0  # the axis holds the bands and the zero line, no more
    for ax, name in zip(axes[0], names, strict=True):
        chosen = steps if name is None else steps[steps["run"].map(groups) == name]
        for k, (a, b) in enumerate(pairs):
            by_step = chosen[chosen["actor"] == a].groupby("step")[f"stance_{b}"]
            mid, lo, hi = by_step.median(), by_step.quantile(tail), by_step.quantile(1 - tail)
            line = ax.plot(
                mid.index, mid.to_numpy(), ls=STYLES[k % 4], lw=2, label=f"{a} toward {b}"
            )
            ax.fill_between(mid.index, lo.to_numpy(), hi.to_numpy(), color=line[0].get_color(),
                            alpha=0.18, lw=0)  # fmt: skip
            low, high = min(low, lo.min()), max(high, hi.max())
        ax.axhline(0, color="k", lw=0.5)
        ax.set(xlabel="step", title=name)
    axes[0, 0].set_ylim(max(low - 0.05, -1.05), min(high + 0.05, 1.05))
    axes[0, 0].set_ylabel("stance (-1 hostile .. 1 aligned)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.suptitle(f"Stances: median and {level:.0%} of runs", fontsize=11)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(pairs), fontsize=8, frameon=False)
    return fig


def comparison(result, outcome: str = "outcome"):
    """The groups of a :class:`sim.analysis.compare.Comparison`: each mean with its bootstrap
    interval, and the effect between the two compared groups in the title."""
    table = result.groups
    fig, ax = plt.subplots(figsize=(1.4 * len(table) + 3, 3.8))
    x = np.arange(len(table))
    ax.errorbar(x, table["mean"], yerr=[table["mean"] - table["low"], table["high"] - table["mean"]],
                fmt="o", color="k", capsize=4, lw=1.5)  # fmt: skip
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set(ylabel=outcome, xlim=(-0.6, len(table) - 0.4))
    e = result.effect
    if e:
        kind = "paired" if e["paired"] else "unpaired"
        ax.set_title(f"{e['b']} - {e['a']}: {e['difference']:+.3g} [{e['low']:+.3g}, "
                     f"{e['high']:+.3g}] ({kind}, n = {e['n']})", fontsize=9)  # fmt: skip
    fig.tight_layout()
    return fig


def sensitivity_bars(table: pd.DataFrame, indices=("S1", "ST")):
    """Sensitivity indices (``sim.analysis.sensitivity``) as horizontal bars with intervals,
    parameters sorted by the last index."""
    wide = table[table["index"].isin(indices)]
    order = wide[wide["index"] == indices[-1]].sort_values("value")["parameter"].tolist()
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(order) + 1.4))
    height = 0.8 / len(indices)
    hatches = ("", "//", "..")
    for k, name in enumerate(indices):
        rows = wide[wide["index"] == name].set_index("parameter").loc[order]
        y = np.arange(len(order)) + (k - (len(indices) - 1) / 2) * height
        ax.barh(y, rows["value"], height, xerr=rows["conf"], label=name, color=f"{0.35 + 0.3 * k}",
                hatch=hatches[k % 3], edgecolor="k", lw=0.5, capsize=2)  # fmt: skip
    ax.set_yticks(np.arange(len(order)), order, fontsize=8)
    ax.axvline(0, color="k", lw=0.5)
    ax.set(xlabel="index")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def _levels(column: pd.Series, bins: int) -> pd.Series:
    """A grid's levels as they are; a continuous design's values in ``bins`` quantile bins,
    each named by its range (one cell per sampled value would be unreadable)."""
    if column.nunique() <= bins:
        return column.map(lambda v: f"{v:.3g}")
    cut = pd.qcut(column, bins, duplicates="drop")
    return cut.cat.rename_categories([f"{i.left:.3g}–{i.right:.3g}" for i in cut.cat.categories])


def heatmap(frame: pd.DataFrame, x: str, y: str, outcome: str, bins: int = 6):
    """The mean of ``outcome`` over two swept parameters: a grid design's levels, or, for a
    sampled design (Sobol, LHS, Morris), ``bins`` quantile bins of each, so every cell holds
    about as many runs."""
    cells = pd.DataFrame({"x": _levels(frame[x], bins), "y": _levels(frame[y], bins),
                          "v": frame[outcome].astype(float)})  # fmt: skip
    grid = cells.pivot_table(index="y", columns="x", values="v", aggfunc="mean", observed=False)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    values = grid.to_numpy(dtype=float)
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis")
    middle = np.nanmean([np.nanmin(values), np.nanmax(values)])
    for (r, c), v in np.ndenumerate(values):  # the number too: print and greyscale lose hues
        ax.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=8,
                color="white" if v < middle else "black")  # fmt: skip
    ax.set_xticks(range(grid.shape[1]), list(grid.columns), fontsize=7, rotation=30, ha="right")
    ax.set_yticks(range(grid.shape[0]), list(grid.index), fontsize=7)
    ax.set(xlabel=x, ylabel=y, title=f"mean {outcome}")
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    return fig


LABEL_GAP = 8  # pixels between an edge's value and any other text of the relation graph
EDGE_CLEARANCE = 0.2  # data units (the circle's radius is 1) from a value to any other edge


def _distance_to_segments(point: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Distance from ``point`` (shape (2,)) to each segment ``ends[k] = (a, b)`` (shape (m, 2, 2))."""
    a, b = ends[:, 0], ends[:, 1]
    t = np.clip(np.einsum("ij,ij->i", point - a, b - a) / np.einsum("ij,ij->i", b - a, b - a), 0, 1)
    return np.linalg.norm(a + t[:, None] * (b - a) - point, axis=1)


def relation_graph(stance: np.ndarray, codes, title: str = "Relations"):
    """The states on a circle, each pair joined by a line as thick as the mean of their two
    stances: solid where positive, dashed where negative (greyscale-safe). Each edge's value
    sits on its edge, away from every other edge and at least ``LABEL_GAP`` pixels from any
    other text, so that the values of two crossing edges never read as one.

    Parameters
    ----------
    stance : ndarray, shape (n, n)
        ``stance[i, j]``: i's stance toward j at the chosen date.
    """
    n = len(codes)
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    xy = np.c_[np.cos(angle), np.sin(angle)]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    fig, ax = plt.subplots(figsize=(4.8, 4.8))
    ax.set(xlim=(-1.35, 1.35), ylim=(-1.35, 1.35), aspect="equal")
    ax.scatter(*xy.T, s=900, color="white", edgecolor="k", zorder=2)
    names = [ax.text(x, y, code, ha="center", va="center", fontsize=10, weight="bold", zorder=4)
             for (x, y), code in zip(xy, codes, strict=True)]  # fmt: skip
    renderer = fig.canvas.get_renderer()
    placed = [t.get_window_extent(renderer).padded(2) for t in names]
    for i, j in pairs:
        w = 0.5 * (stance[i, j] + stance[j, i])
        ax.plot(*xy[[i, j]].T, color="k", lw=0.5 + 5 * abs(w), ls="-" if w >= 0 else "--",
                alpha=0.8, zorder=1)  # fmt: skip
        label = ax.text(0, 0, f"{w:+.2f}", fontsize=8, ha="center", va="center", zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})  # fmt: skip
        others = np.array([xy[[a, b]] for a, b in pairs if {a, b} & {i, j} == set()]).reshape(
            -1, 2, 2
        )
        for t in (0.5, 0.35, 0.65, 0.25, 0.75, 0.42, 0.58):  # along the edge, first free
            at = xy[i] + t * (xy[j] - xy[i])
            label.set_position(at)
            box = label.get_window_extent(renderer).padded(LABEL_GAP)
            crossed = len(others) and _distance_to_segments(at, others).min() < EDGE_CLEARANCE
            if not crossed and not any(box.overlaps(p) for p in placed):
                break
        placed.append(box)
    ax.set_title(title)
    ax.axis("off")
    fig.tight_layout()
    return fig


COMPONENTS = ("security", "economic", "prestige")
SHADES = ("0.2", "0.55", "0.85")  # dark to light: distinct in greyscale
HATCHES = ("", "//", "..")


def contribution_weights(steps: pd.DataFrame) -> dict:
    """Each state's weights on security, economic and prestige, read back from its rows of a
    steps table (``utility`` is exactly their weighted sum, so a least-squares fit recovers
    them; a run folder does not store the weights). Raises ValueError when the fit is not
    exact (a table whose utility is something else)."""
    out = {}
    for code, rows in steps.groupby("actor", sort=False):
        x, y = rows[list(COMPONENTS)].to_numpy(float), rows["utility"].to_numpy(float)
        w = np.linalg.lstsq(x, y, rcond=None)[0]
        if np.abs(x @ w - y).max() > 1e-6 * max(np.abs(y).max(), 1.0):
            raise ValueError(f"{code}: utility is not a weighted sum of the three payoffs")
        out[code] = w
    return out


def payoff_decomposition(run, weights: dict | None = None):
    """Each state's utility per step split into what security, economic and prestige
    contribute (weight times payoff): bars stacked up for gains and down for losses, shaded
    and hatched apart (greyscale-safe), the utility as a line.

    Parameters
    ----------
    run : Run or pandas.DataFrame
        A run folder (``load_run``) or its steps table (``step``, ``date``, ``actor``, the
        three payoffs and ``utility``).
    weights : dict, optional
        ``{code: (w_security, w_economic, w_prestige)}``; default: read back from the table
        (:func:`contribution_weights`).
    """
    import matplotlib.dates as mdates
    from matplotlib import patheffects

    steps = run if isinstance(run, pd.DataFrame) else run.steps
    weights = weights or contribution_weights(steps)
    codes = list(dict.fromkeys(steps["actor"]))
    cols = 2 if len(codes) > 1 else 1
    rows = -(-len(codes) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.6 * cols, 3.3 * rows + 1.2), sharex=True,
                             squeeze=False)  # fmt: skip
    halo = [patheffects.withStroke(linewidth=4, foreground="white")]  # visible on dark bars
    for ax, code in zip(axes.flat, codes, strict=False):
        d = steps[steps["actor"] == code].sort_values("step")
        dates = pd.to_datetime(d["date"]).to_numpy()
        w = np.asarray(weights[code], float)
        parts = d[list(COMPONENTS)].to_numpy(float) * w
        up, down = np.zeros(len(d)), np.zeros(len(d))
        for c, name in enumerate(COMPONENTS):
            v = parts[:, c]
            ax.bar(dates, v, width=5.0, bottom=np.where(v >= 0, up, down), color=SHADES[c],
                   hatch=HATCHES[c], edgecolor="k", lw=0.4, label=name)  # fmt: skip
            up, down = up + np.maximum(v, 0), down + np.minimum(v, 0)
        ax.plot(dates, d["utility"], color="k", lw=2, marker="o", ms=4, mec="white",
                path_effects=halo, label="utility (their sum)")  # fmt: skip
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"{code}   weights {w[0]:.2f} / {w[1]:.2f} / {w[2]:.2f}", fontsize=10)
        ax.tick_params(labelsize=9)
    for k, ax in enumerate(axes.flat):
        if k >= len(codes):
            ax.axis("off")
            axes.flat[k - cols].xaxis.set_tick_params(labelbottom=True)  # dates above a gap
    for ax in axes[:, 0]:
        ax.set_ylabel("utility points", fontsize=10)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    for ax in axes.flat:
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=9, frameon=False)
    fig.suptitle("What each state's utility is made of (weights: security / economic / "
                 "prestige)", fontsize=11)  # fmt: skip
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
