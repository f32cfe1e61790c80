"""Comparative statics of the behavioural core (issue 11): each claim compares two conditions
over RUNS seeds with a 95% interval on the difference of means, and, where the claim is that a
mechanism produces the effect, against the model with that mechanism off (the null).

Seeds are not paired: the conditions' random streams diverge at the first different choice, so
the intervals are those of two independent samples. The runs go through the ensemble engine
(``tests/test_ensemble.py`` checks it against the Mesa model run by run).
"""

import numpy as np
import pytest
from conftest import default_config
from scipy import stats

from sim.abm.model import run
from sim.core.balance import is_balanced
from sim.engine.ensemble import run_ensemble
from sim.outputs.metrics import hedge_and_tilt, mutual
from sim.scenario.build import build_scenario

RUNS = 200
OFF = ("dynamics.harm_weight=0", "dynamics.resolve=0")  # no balance of threat, no resolve
# The mechanisms below act through acts that move stances, resolve and the balance of threat.
# At the defaults estimated by estimate_joint v1 (docs/VALIDATION.md, "The defaults") alpha is
# 0.00059, resolve 0 and harm_weight 0.0034: stances barely move and resolve is off, so the
# tests of those mechanisms pin what each needs at its hand-set value of before issue 12.
MOVING = ("dynamics.alpha=0.01",)  # acts move stances
RESOLVE = ("dynamics.resolve=1.0",)  # a harmed state gains prestige by answering
THREAT = ("dynamics.harm_weight=0.01",)  # 100 points of harm halve a state's strength


class Runs:
    """RUNS seeds of one condition: the record and what the tests read of it."""

    def __init__(self, *overrides, runs=RUNS):
        cfg = default_config(tuple(overrides))
        self.specs = [build_scenario({**cfg, "seed": s}) for s in range(runs)]
        first = self.specs[0]
        self.index, self.alts, self.table = first.structure.index, first.alternatives(), first.table
        self.record = run_ensemble(self.specs)
        self.stance = self.record.stance  # (R, T, n, n)

    def hedge_tilt(self, balancer="RUS", rivals=("ISR", "IRN")):
        """The balancer's hedge and tilt at every step, (R, T) each."""
        b, r1, r2 = (self.index[c] for c in (balancer, *rivals))
        return hedge_and_tilt(self.stance, b, r1, r2)

    def acts(self, actor: str, since: int = 0) -> np.ndarray:
        """``action>target`` labels of ``actor``'s choices from step ``since`` (0-based) on."""
        i = self.index[actor]
        codes = {k: c for c, k in self.index.items()}
        chosen = self.record.choice[:, since:, i]
        action, target = self.alts.action[i][chosen], self.alts.target[i][chosen]
        names = np.array(self.table.names)[action]
        return np.char.add(np.char.add(names, ">"), np.vectorize(codes.get)(target, "-"))

    def step_of(self, event_type: str) -> int:
        return next(e.step for e in self.specs[0].events if type(e).__name__ == event_type)


def difference(x, y):
    """Mean of x minus mean of y and its 95% interval (independent samples)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    d = x.mean() - y.mean()
    half = 1.96 * np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    return d, d - half, d + half


@pytest.fixture(scope="module")
def default():
    return Runs()


@pytest.fixture(scope="module")
def moving():
    return Runs(*MOVING)


def test_removing_the_rivalry_does_not_lower_the_hedge(moving):
    """Russia hedges between friends more easily: with Israel and Iran neutral to each other
    its hedge at the end is not lower (alpha 0.01, measured: 0.488 -> 0.540, 200 seeds; at the
    hand-set defaults before issue 12, 0.514 -> 0.567; at alpha 0.00059 acts barely move the
    stances and the difference, +0.001 [-0.012, 0.014], does not separate from 0)."""
    calm = Runs(*MOVING, "relations.ISR.IRN=0.0", "relations.IRN.ISR=0.0")
    d, lo, hi = difference(calm.hedge_tilt()[0][:, -1], moving.hedge_tilt()[0][:, -1])
    assert lo > 0.0, (d, lo, hi)


def test_four_times_the_trade_with_israel_tilts_russia_toward_israel(moving):
    """Trade at stake is measured against a fixed reference, so four times the Russia-Israel
    trade raises what Russia has at stake with Israel (not only Israel's share). The tilt is
    averaged over the run (alpha 0.01, measured: +0.021 -> +0.041; at the hand-set defaults
    before issue 12, +0.004 -> +0.033, and the end-of-run tilt did not separate the two at 200
    seeds, -0.051 vs -0.052; at alpha 0.00059 the difference is +0.001 [-0.002, 0.004])."""
    heavy = Runs(*MOVING, "trade.RUS.ISR=20.0")
    d, lo, hi = difference(heavy.hedge_tilt()[1].mean(axis=1), moving.hedge_tilt()[1].mean(axis=1))
    assert lo > 0.0, (d, lo, hi)


@pytest.mark.parametrize("weight", [0.5, 1.0])
def test_more_economic_weight_does_not_tilt_russia_away_from_israel(default, weight):
    """Israel is Russia's larger trade partner of the two; support's cost is a security cost,
    so more weight on trade does not turn Russia from it (measured, tilt over the run:
    +0.004 -> +0.015 at 0.5, +0.031 at 1.0; before: the tilt fell, -0.053 -> -0.135)."""
    more = Runs(f"actors.RUS.weights.economic={weight}")
    d, lo, hi = difference(more.hedge_tilt()[1].mean(axis=1), default.hedge_tilt()[1].mean(axis=1))
    assert hi > 0.0 and d > -0.005, (d, lo, hi)


def hostile_to_us_share(runs: Runs) -> np.ndarray:
    """Per run, Iran's share of weeks from the assassination on with a hostile act (condemn,
    sanction, strike) toward the United States."""
    acts = runs.acts("IRN", since=runs.step_of("Assassination") - 1)
    hostile = np.isin(acts, ["condemn>USA", "sanction>USA", "strike>USA"])
    return hostile.mean(axis=1)


def test_more_damage_from_the_assassination_changes_irans_choices():
    """Resolve and the balance of threat: three times the damage makes Iran answer the US more
    often (alpha 0.01 and resolve 1, measured: 0.41 -> 0.47 of post-assassination weeks,
    difference +0.054 [0.027, 0.080]; at the hand-set defaults before issue 12, 0.47 -> 0.63,
    +0.157 [0.131, 0.184]; with resolve 0, as estimated, the difference is 0); with both off
    the damage stock changes no choice at all, as before issue 11 (every choice identical)."""
    pinned = (*MOVING, *RESOLVE)
    harder = Runs(*pinned, "actions.assassinate.damage_target=30")
    d, lo, hi = difference(hostile_to_us_share(harder), hostile_to_us_share(Runs(*pinned)))
    assert lo > 0.0, (d, lo, hi)
    null, null_harder = (
        Runs(*pinned, *OFF, runs=50),
        Runs(*pinned, *OFF, "actions.assassinate.damage_target=30", runs=50),
    )
    np.testing.assert_array_equal(null.record.choice, null_harder.record.choice)


def tied(first: str, second: str) -> tuple:
    """Russia's mutual ties 0.7 and trade 5 bn with ``first``, 0.3 and 2 bn with ``second``."""
    ties = {first: 0.7, second: 0.3}
    return (
        *(f"relations.RUS.{c}={v}" for c, v in ties.items()),
        *(f"relations.{c}.RUS={v}" for c, v in ties.items()),
        f"trade.RUS.{first}=5.0",
        f"trade.RUS.{second}=2.0",
    )


def test_swapping_russias_ties_flips_the_sign_of_its_tilt():
    """Close ties with Israel and loose ones with Iran tilt Russia toward Israel at the end;
    the same ties swapped tilt it toward Iran (each mean outside its 95% interval of 0)."""
    for ties, sign in ((tied("ISR", "IRN"), 1.0), (tied("IRN", "ISR"), -1.0)):
        tilt = Runs(*ties).hedge_tilt()[1][:, -1]
        half = 1.96 * tilt.std(ddof=1) / np.sqrt(len(tilt))
        assert sign * tilt.mean() > half, (ties, tilt.mean(), half)


IRRELEVANT = (  # negligible capability, no trade, neutral stances, no theatre, no events
    "+actors.ZZZ.name=Nowhere",
    "+actors.ZZZ.capability=0.000001",
    "+actors.ZZZ.weights.security=1.0",
    "+actors.ZZZ.standing=0.0",
)


def test_an_unrelated_state_leaves_the_outcome_distributions_unchanged(default):
    """Distributions, not paired seeds (its own draws shift the stream): Russia's hedge and
    tilt at the end and over the run, Iran's post-assassination hostility to the US, by a
    two-sample Kolmogorov-Smirnov test at the 1% level; before this issue a fifth state diluted
    every share (capability, trade, recognition) and took choice probability from every state
    with acts toward it. Measured p-values: hedge at the end 0.27, tilt over the run 0.18,
    Iran 0.27 (0.04 for the tilt at the end, not tested: the new state mediates between Iran
    and the US, which moves it a little)."""
    added = Runs(*IRRELEVANT)
    z = added.index["ZZZ"]
    assert not (added.alts.target[:z] == z).any()  # nobody acts toward it: it matters to no one
    pairs = [
        (added.hedge_tilt()[0][:, -1], default.hedge_tilt()[0][:, -1]),
        (added.hedge_tilt()[0].mean(axis=1), default.hedge_tilt()[0].mean(axis=1)),
        (added.hedge_tilt()[1].mean(axis=1), default.hedge_tilt()[1].mean(axis=1)),
        (hostile_to_us_share(added), hostile_to_us_share(default)),
    ]
    for x, y in pairs:
        assert stats.ks_2samp(x, y).pvalue > 0.01


TWO_YEARS = ("dynamics.relaxation=1.0", "scenario.end=2022-01-31")


def test_the_rivalry_survives_two_years_without_baselines():
    """With no pull toward the baselines, the Israel-Iran hostility holds for two years in at
    least 90% of runs, because each threatens the other; with the balance of threat and
    resolve off (the null) it does not (alpha 0.01 and harm_weight 0.01, measured over 100
    seeds: 100% vs 37%, the pair's mean ending at -0.84 vs +0.03; at the hand-set defaults
    before issue 12, 100% vs 20%, -0.46 vs +0.12; at alpha 0.00059 acts barely move the
    stances and the hostility holds in 100% of runs with the mechanisms off too)."""

    def hostile(*extra):
        runs = Runs(*MOVING, *THREAT, *TWO_YEARS, *extra, runs=100)
        i, j = runs.index["ISR"], runs.index["IRN"]
        return (mutual(runs.stance[:, -1], i, j) < 0).mean()

    assert hostile() >= 0.9
    assert hostile(*OFF) <= 0.6


def test_balance_only_reaches_balance():
    """The scenario balance_only (tests/test_balance.py holds the null and the factions)."""
    runs = Runs("scenario=balance_only", runs=50)
    assert np.mean([is_balanced(s) for s in runs.stance[:, -1]]) >= 0.9


def test_lam_near_zero_is_uniform_choice():
    """Every step, each state gives each open alternative one over their number."""
    model = run(build_scenario({**default_config(("decision.lam=1e-9",)), "seed": 0}))
    probs, open_ = model.record.probabilities, model.record.available  # (T, n, A)
    uniform = open_ / open_.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(probs, uniform, rtol=1e-6, atol=1e-12)
    assert (open_.sum(axis=-1) > 1).all()


def test_large_lam_matches_best_response():
    """At lam = 1e4 each state chooses what best response chooses from the same expected
    utilities (the argmax over its open alternatives) in at least 99% of decisions."""
    hits = []
    for seed in range(5):
        model = run(build_scenario({**default_config(("decision.lam=1e4",)), "seed": seed}))
        r = model.record
        values = np.where(r.available, r.components.sum(axis=-1), -np.inf)
        hits.append(r.choice == values.argmax(axis=-1))
    assert np.mean(hits) >= 0.99
