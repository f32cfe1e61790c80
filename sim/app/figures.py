"""The debrief's figures (the page's own are drawn by the browser: ``sim.app.charts``), with
Matplotlib's object API (``Figure``, never pyplot: each browser session draws from its own
thread, and pyplot's state is global).

Colours: blue for a positive stance, red for a negative one (the diverging pair of ColorBrewer's
RdBu, Brewer 2003), so a reader with red-green colour blindness can still tell them apart.
"""

import base64
import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

POSITIVE, NEGATIVE = "#2166ac", "#b2182b"  # ColorBrewer RdBu, its ends
LINES = ("-", "--", ":")  # after Matplotlib's ten colours, the next ten lines are dashed


def _time_axis(ax, steps: int, played: int) -> None:
    """The whole scenario on the x axis (0 to ``steps``, whole steps), so that the plot does
    not rescale as the run goes and the weeks still to come are visible; a note before any
    step is played."""
    ax.set_xlim(0, max(steps, 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("step")
    if played == 0:
        ax.text(0.5, 0.5, "no step played yet", transform=ax.transAxes, ha="center",
                va="center", color="0.4")  # fmt: skip


def relations_plot(codes: list, stance_history: np.ndarray, pairs=None, steps=None) -> Figure:
    """Each pair's relation (the mean of its two stances) over the steps played; ``pairs``:
    (i, j) index pairs, default every pair; ``steps``: the scenario's length (the x axis).

    Parameters
    ----------
    stance_history : ndarray, shape (t, n, n)
        The stance matrices after each step played.
    """
    fig = Figure(figsize=(6.0, 3.2))
    ax = fig.subplots()
    n = len(codes)
    pairs = pairs or [(i, j) for i in range(n) for j in range(i + 1, n)]
    t = np.arange(1, len(stance_history) + 1)
    for k, (i, j) in enumerate(pairs):
        mean = 0.5 * (stance_history[:, i, j] + stance_history[:, j, i]) if len(t) else []
        ax.plot(t, mean, lw=1.6, ls=LINES[k // 10 % len(LINES)], label=f"{codes[i]}–{codes[j]}")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("relation (-1 hostile, +1 friendly)", fontsize=8)
    ax.set_title("Relations (the mean of the two stances)", fontsize=9)
    _time_axis(ax, steps or len(t), len(t))
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def payoffs_plot(
    codes: list, cumulative: np.ndarray, ylabel: str = "cumulative utility", steps=None
) -> Figure:
    """Each state's cumulative utility (a game: payoff) after each step played.

    Parameters
    ----------
    cumulative : ndarray, shape (t, n)
        After each step played, each state's sum so far.
    """
    fig = Figure(figsize=(6.0, 3.0))
    ax = fig.subplots()
    t = np.arange(1, len(cumulative) + 1)
    for k, code in enumerate(codes):
        ax.plot(t, cumulative[:, k] if len(t) else [], lw=1.6, label=code,
                ls=LINES[k // 10 % len(LINES)])  # fmt: skip
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title("Payoffs (the higher, the better the state has done)", fontsize=9)
    _time_axis(ax, steps or len(t), len(t))
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def replay_strip(values: np.ndarray, human: float, actual: float | None, title: str) -> Figure:
    """The model's replays of a state as dots, the class's result (and the coded record's)
    as lines: where the class falls among the model's own runs. The legend sits below the
    axis label, on a strip of its own."""
    fig = Figure(figsize=(6.0, 2.1))
    ax = fig.subplots()
    jitter = np.random.default_rng(0).uniform(-0.3, 0.3, len(values))  # fixed: the same figure
    ax.scatter(values, jitter, s=14, color="0.45", label="the model playing it (one dot a replay)")
    ax.axvline(human, color=NEGATIVE, lw=2, label="the class")
    if actual is not None:
        ax.axvline(actual, color=POSITIVE, lw=2, ls="--", label="what it actually did")
    ax.set_yticks([])
    ax.set_ylim(-1, 1)
    ax.set_xlabel("cumulative utility (higher is better)", fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=7,
               frameon=False)  # fmt: skip
    return fig


def png_data_uri(fig: Figure, dpi: int = 90) -> str:
    """The figure as an inline ``data:image/png;base64,...`` address (no file, no network)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
