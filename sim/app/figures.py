"""The page's and the debrief's figures, drawn with Matplotlib's object API (``Figure``, never
pyplot: each browser session draws from its own thread, and pyplot's state is global).

Colours: blue for a positive stance, red for a negative one (the diverging pair of ColorBrewer's
RdBu, Brewer 2003), so a reader with red-green colour blindness can still tell them apart.
"""

import base64
import io

import numpy as np
from matplotlib.figure import Figure

POSITIVE, NEGATIVE = "#2166ac", "#b2182b"  # ColorBrewer RdBu, its ends


def relation_graph(codes: list, stance: np.ndarray, title: str = "") -> Figure:
    """The states on a circle, an arrow from each to each other: its stance toward it (blue
    positive, red negative, the wider the stronger; arrows under 0.05 are left out)."""
    fig = Figure(figsize=(4.6, 4.2))
    ax = fig.subplots()
    n = len(codes)
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    xy = np.column_stack([np.cos(angle), np.sin(angle)])
    for i in range(n):
        for j in range(n):
            s = float(stance[i, j]) if i != j else 0.0
            if abs(s) < 0.05:
                continue
            ax.annotate(
                "", xy=xy[j] * 0.82, xytext=xy[i] * 0.82,
                arrowprops=dict(arrowstyle="-|>", color=POSITIVE if s > 0 else NEGATIVE,
                                lw=0.5 + 4 * abs(s), alpha=0.75, connectionstyle="arc3,rad=0.15"),
            )  # fmt: skip
            mid = (xy[i] * 0.6 + xy[j] * 0.4) * 0.82 + 0.08 * (xy[j] - xy[i])[::-1] * [1, -1]
            ax.text(*mid, f"{s:+.2f}", fontsize=7, ha="center", va="center")
    for k, code in enumerate(codes):
        ax.text(*xy[k], code, ha="center", va="center", fontsize=11, weight="bold",
                bbox=dict(boxstyle="circle", fc="white", ec="0.3"))  # fmt: skip
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or "Stances (arrow: from a state toward another)", fontsize=9)
    fig.tight_layout()
    return fig


def relations_plot(codes: list, stance_history: np.ndarray, pairs=None, dates=None) -> Figure:
    """Stance over the steps played for ``pairs`` ((i, j) index pairs; default: every pair one
    way)."""
    fig = Figure(figsize=(6.0, 3.2))
    ax = fig.subplots()
    n = len(codes)
    pairs = pairs or [(i, j) for i in range(n) for j in range(i + 1, n)]
    t = np.arange(1, len(stance_history) + 1)
    for i, j in pairs:
        ax.plot(t, stance_history[:, i, j], lw=1.4, label=f"{codes[i]}→{codes[j]}")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("step")
    ax.set_ylabel("stance")
    ax.set_title("Relations", fontsize=9)
    if len(t):
        ax.legend(fontsize=7, ncol=3, loc="lower left")
    fig.tight_layout()
    return fig


def payoffs_plot(codes: list, cumulative: np.ndarray, ylabel: str = "cumulative utility") -> Figure:
    """Each state's cumulative utility (a game: payoff) after each step played."""
    fig = Figure(figsize=(6.0, 3.0))
    ax = fig.subplots()
    t = np.arange(1, len(cumulative) + 1)
    for k, code in enumerate(codes):
        ax.plot(t, cumulative[:, k], lw=1.4, label=code)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_title("Payoffs", fontsize=9)
    if len(t):
        ax.legend(fontsize=7, ncol=4)
    fig.tight_layout()
    return fig


def replay_strip(values: np.ndarray, human: float, actual: float | None, title: str) -> Figure:
    """The model's replays of a state as dots, the class's result (and the coded record's)
    as lines: where the class falls among the model's own runs."""
    fig = Figure(figsize=(6.0, 1.6))
    ax = fig.subplots()
    jitter = np.random.default_rng(0).uniform(-0.3, 0.3, len(values))  # fixed: the same figure
    ax.scatter(values, jitter, s=12, color="0.45", label="the model playing it")
    ax.axvline(human, color=NEGATIVE, lw=2, label="the class")
    if actual is not None:
        ax.axvline(actual, color=POSITIVE, lw=2, ls="--", label="what it actually did")
    ax.set_yticks([])
    ax.set_ylim(-1, 1)
    ax.set_xlabel("cumulative utility")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left", ncol=3, frameon=False, bbox_to_anchor=(0, -0.55))
    fig.tight_layout()
    return fig


def png_data_uri(fig: Figure, dpi: int = 90) -> str:
    """The figure as an inline ``data:image/png;base64,...`` address (no file, no network)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
