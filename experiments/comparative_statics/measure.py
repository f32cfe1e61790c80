"""Print the figures of tests/test_comparative_statics.py (issue 11): each condition over its
seeds, the difference of means with its 95% interval, the KS p-values and the nulls.

Run from the repository root: ``.venv/bin/python experiments/comparative_statics/measure.py``
(about a minute). It uses the test module's helpers, so the figures are those the tests check.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))

import numpy as np  # noqa: E402
import test_comparative_statics as cs  # noqa: E402
from scipy import stats  # noqa: E402

from sim.outputs.metrics import mutual  # noqa: E402


def hedge_end(runs):
    return runs.hedge_tilt()[0][:, -1]


def tilt_mean(runs):
    return runs.hedge_tilt()[1].mean(axis=1)


def tilt_end(runs):
    return runs.hedge_tilt()[1][:, -1]


def show(label, new, old):
    d, lo, hi = cs.difference(new, old)
    print(
        f"{label}: {old.mean():+.4f} -> {new.mean():+.4f}, difference {d:+.4f} [{lo:+.4f}, {hi:+.4f}]"
    )


def main() -> None:
    base = cs.Runs()
    show(
        "no rivalry, hedge at the end",
        hedge_end(cs.Runs("relations.ISR.IRN=0.0", "relations.IRN.ISR=0.0")),
        hedge_end(base),
    )
    heavy = cs.Runs("trade.RUS.ISR=20.0")
    show("4x trade RUS-ISR, tilt over the run", tilt_mean(heavy), tilt_mean(base))
    show("4x trade RUS-ISR, tilt at the end", tilt_end(heavy), tilt_end(base))
    for weight in (0.5, 1.0):
        more = cs.Runs(f"actors.RUS.weights.economic={weight}")
        show(f"RUS economic weight {weight}, tilt over the run", tilt_mean(more), tilt_mean(base))
    harder = cs.Runs("actions.assassinate.damage_target=30")
    show(
        "3x assassination damage, Iran hostile to the US",
        cs.hostile_to_us_share(harder),
        cs.hostile_to_us_share(base),
    )
    for first, second in (("ISR", "IRN"), ("IRN", "ISR")):
        tilt = tilt_end(cs.Runs(*cs.tied(first, second)))
        half = 1.96 * tilt.std(ddof=1) / np.sqrt(len(tilt))
        print(f"close ties with {first}: tilt at the end {tilt.mean():+.4f} +- {half:.4f}")
    added = cs.Runs(*cs.IRRELEVANT)
    for name, f in (
        ("hedge at the end", hedge_end),
        ("tilt over the run", tilt_mean),
        ("tilt at the end", tilt_end),
        ("Iran hostile to the US", cs.hostile_to_us_share),
    ):
        print(f"unrelated state, {name}: KS p = {stats.ks_2samp(f(added), f(base)).pvalue:.3f}")
    for label, extra in (("model", ()), ("null (no threat, no resolve)", cs.OFF)):
        runs = cs.Runs(*cs.TWO_YEARS, *extra, runs=100)
        m = mutual(runs.stance[:, -1], runs.index["ISR"], runs.index["IRN"])
        print(
            f"two years without baselines, {label}: hostile in {(m < 0).mean():.0%}, mean {m.mean():+.3f}"
        )


if __name__ == "__main__":
    main()
