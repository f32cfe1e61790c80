"""The two figures of a run: relations over time, and each state's payoffs over time."""

import sys

import matplotlib

if "ipykernel" not in sys.modules:  # files only, no window; a notebook keeps its inline figures
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.outputs.metrics import hedge_and_tilt  # noqa: E402

PNG_METADATA = {"Software": None}  # no version stamp: same run, same bytes
MARKERS = ("o", "s", "^", "D", "v", "P")
PAYOFF_STYLES = (
    ("security", {"ls": "-", "lw": 1.2, "marker": "o", "ms": 3, "markevery": 3}),
    ("economic", {"ls": "-.", "lw": 1.2, "marker": "s", "ms": 3, "markevery": 3}),
    ("prestige", {"ls": ":", "lw": 1.5, "marker": "^", "ms": 3.5, "markevery": 3}),
    ("utility", {"ls": "--", "lw": 2.2, "color": "k"}),
)


def event_groups(events) -> list[tuple]:
    """The events that fired, grouped by date in time order: [(date, [label, ...]), ...]."""
    groups: dict = {}
    for rec in events:
        e = rec["event"]
        groups.setdefault(e.date, []).append(e.label)
    return sorted(groups.items())


def _mark_events(ax, groups):
    """A thin line at each event date and its number at the top of the axes (the key below the
    figure names them): labels written along the lines ran into each other where events are
    days apart. Returns the number labels, to be moved apart once the layout is final."""
    marks = []
    for k, (date, _) in enumerate(groups, 1):
        ax.axvline(date, color="0.75", lw=0.8, zorder=0)
        marks.append(
            ax.text(
                date, 0.98, str(k), fontsize=7, ha="center", va="top", color="0.25",
                transform=ax.get_xaxis_transform(),
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "0.75", "lw": 0.5},
            )
        )  # fmt: skip
    return marks


def _separate(fig, marks) -> None:
    """Move each event number down below the ones it would cover (nearby dates), in the order
    of the dates, until no two overlap; measured with the figure's renderer."""
    renderer = fig.canvas.get_renderer()
    placed = []
    for mark in marks:
        box = mark.get_window_extent(renderer).padded(2)  # a gap, not only no overlap
        while any(box.overlaps(p) for p in placed):
            x, y = mark.get_position()
            mark.set_position((x, y - 0.065))
            box = mark.get_window_extent(renderer).padded(2)
        placed.append(box)


KEY_LINE_INCHES = 0.15  # height of one line of the event key at fontsize 7


def _event_key(fig, groups, height_inches: float) -> float:
    """The numbered list of events below the plots; the share of the figure's height it
    takes (the plots' layout leaves it free)."""
    if not groups:
        return 0.0
    lines = [f"{k}  {date:%d %b %Y}: {'; '.join(labels)}" for k, (date, labels) in
             enumerate(groups, 1)]  # fmt: skip
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=7, va="bottom", ha="left", color="0.2")
    return (len(lines) * KEY_LINE_INCHES + 0.1) / height_inches


def _finish(fig, groups, axes_marks, path) -> None:
    """Lay out the plots above the event key, move the event numbers apart, save."""
    import matplotlib.dates as mdates

    for ax in fig.axes:  # short horizontal dates (rotated ones ran into each other's boxes)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    key = _event_key(fig, groups, fig.get_figheight())
    fig.tight_layout(rect=(0, key, 1, 1))
    for marks in axes_marks:
        _separate(fig, marks)
    if path is not None:
        fig.savefig(path, dpi=110, metadata=PNG_METADATA)
        plt.close(fig)


def relations(steps, events, balancer, rivals, codes, path):
    """Stances toward and from the balancer, the rivals' mutual stance, and the hedge index.
    Saved to ``path``; with ``path`` None the open figure is returned (tests read it)."""
    dates = sorted(steps["date"].unique())
    stance = steps.pivot(index="date", columns="actor")
    groups = event_groups(events)
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(13, 4.8 + len(groups) * KEY_LINE_INCHES), sharex=True
    )
    others = [c for c in codes if c != balancer]
    for code, marker in zip(others, MARKERS, strict=False):  # a marker per state: greyscale
        style = {"marker": marker, "markevery": 3, "ms": 4}
        ax1.plot(
            dates, stance[(f"stance_{balancer}", code)], lw=2, label=f"{code} toward {balancer}",
            **style,
        )  # fmt: skip
        ax1.plot(
            dates, stance[(f"stance_{code}", balancer)], lw=1, ls="--",
            label=f"{balancer} toward {code}", mfc="white", **style,
        )  # fmt: skip
    r1, r2 = rivals
    ax1.plot(
        dates, stance[(f"stance_{r2}", r1)], color="k", lw=1, ls=":", label=f"{r1} toward {r2}"
    )
    ax1.set(ylim=(-1.05, 1.05), ylabel="stance (-1 hostile .. 1 aligned)", title="Relations")
    ax1.axhline(0, color="k", lw=0.5)
    ax1.legend(fontsize=7, ncol=2, loc="best")  # where the lines leave room
    marks = [_mark_events(ax1, groups)]

    hedge, tilt = hedges(steps, balancer, rivals, codes)
    ax2.plot(dates, hedge, lw=2, label=f"hedge index (min of mutual stances with {r1} and {r2})")
    ax2.plot(dates, tilt, lw=1.5, ls="--", label=f"tilt (toward {r1} if > 0)")
    ax2.axhline(0, color="k", lw=0.5)
    ax2.set(ylim=(-1.05, 1.05), title=f"{balancer}'s balancing act")
    ax2.legend(fontsize=7, loc="best")
    marks.append(_mark_events(ax2, groups))
    _finish(fig, groups, marks, path)
    return fig


def hedges(steps, balancer, rivals, codes):
    """Hedge and tilt series from the steps table."""
    import numpy as np

    n = len(codes)
    wide = steps.sort_values(["step", "actor"])
    t = wide["step"].nunique()
    stance = np.zeros((t, n, n))
    for i, code in enumerate(codes):
        rows = wide[wide["actor"] == code]
        for j, other in enumerate(codes):
            if other != code:
                stance[:, i, j] = rows[f"stance_{other}"].to_numpy()
    index = {c: k for k, c in enumerate(codes)}
    return hedge_and_tilt(stance, index[balancer], index[rivals[0]], index[rivals[1]])


def payoffs(steps, events, codes, path):
    """Security, economic and prestige payoffs and utility of each state, step by step.
    Saved to ``path``; with ``path`` None the open figure is returned."""
    cols = min(len(codes), 4)
    rows = -(-len(codes) // cols)
    groups = event_groups(events)
    height = 3.2 * rows + len(groups) * KEY_LINE_INCHES
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, height), sharex=True, squeeze=False)
    marks = []
    for ax, code in zip(axes.flat, codes, strict=False):
        d = steps[steps["actor"] == code]
        for col, style in PAYOFF_STYLES:  # line styles and markers apart: greyscale, print
            ax.plot(d["date"], d[col], label=col, **style)
        ax.set_title(code)
        marks.append(_mark_events(ax, groups))
    for ax in list(axes.flat)[len(codes) :]:
        ax.axis("off")
    axes.flat[0].set_ylabel("payoff points")
    last = axes.flat[len(codes) - 1]  # beside the plots, not over a line
    last.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    _finish(fig, groups, marks, path)
    return fig
