"""The two figures of a run: relations over time, and each state's payoffs over time."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.outputs.metrics import hedge_and_tilt  # noqa: E402

PNG_METADATA = {"Software": None}  # no version stamp: same run, same bytes


def _mark_events(ax, events):
    for rec in events:
        e = rec["event"]
        ax.axvline(e.date, color="0.75", lw=0.8, zorder=0)
        ax.text(
            e.date,
            1.02,
            e.label,
            rotation=90,
            fontsize=6,
            va="top",
            ha="right",
            transform=ax.get_xaxis_transform(),
            color="0.35",
        )


def relations(steps, events, balancer, rivals, codes, path):
    """Stances toward and from the balancer, the rivals' mutual stance, and the hedge index."""
    dates = sorted(steps["date"].unique())
    stance = steps.pivot(index="date", columns="actor")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8), sharex=True)
    for code in codes:
        if code == balancer:
            continue
        ax1.plot(
            dates, stance[(f"stance_{balancer}", code)], lw=2, label=f"{code} toward {balancer}"
        )
        ax1.plot(
            dates,
            stance[(f"stance_{code}", balancer)],
            lw=1,
            ls="--",
            label=f"{balancer} toward {code}",
        )
    r1, r2 = rivals
    ax1.plot(
        dates, stance[(f"stance_{r2}", r1)], color="k", lw=1, ls=":", label=f"{r1} toward {r2}"
    )
    ax1.set(ylim=(-1.05, 1.05), ylabel="stance (-1 hostile .. 1 aligned)", title="Relations")
    ax1.axhline(0, color="k", lw=0.5)
    ax1.legend(fontsize=7, ncol=2, loc="lower left")
    _mark_events(ax1, events)

    hedge, tilt = hedges(steps, balancer, rivals, codes)
    ax2.plot(dates, hedge, lw=2, label=f"hedge index (min of mutual stances with {r1} and {r2})")
    ax2.plot(dates, tilt, lw=1.5, label=f"tilt (toward {r1} if > 0)")
    ax2.axhline(0, color="k", lw=0.5)
    ax2.set(ylim=(-1.05, 1.05), title=f"{balancer}'s balancing act")
    ax2.legend(fontsize=7, loc="lower left")
    _mark_events(ax2, events)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(fig)


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
    """Security, economic and prestige payoffs and utility of each state, step by step."""
    cols = min(len(codes), 4)
    rows = -(-len(codes) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.6 * cols, 3.2 * rows), sharex=True, squeeze=False
    )
    for ax, code in zip(axes.flat, codes, strict=False):
        d = steps[steps["actor"] == code]
        for col, style in (
            ("security", "-"),
            ("economic", "-"),
            ("prestige", "-"),
            ("utility", "--"),
        ):
            ax.plot(d["date"], d[col], ls=style, lw=1.8 if col == "utility" else 1.2, label=col)
        ax.set_title(code)
        _mark_events(ax, events)
    for ax in list(axes.flat)[len(codes) :]:
        ax.axis("off")
    axes.flat[0].set_ylabel("payoff points")
    axes.flat[0].legend(fontsize=7)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(fig)
