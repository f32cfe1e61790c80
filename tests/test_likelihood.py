"""The likelihood on the record (issue 12) against hand-computed cases, and the conditioning:
the model runs on the observed history, and at lam = 0 it scores as uniform choice."""

import math

import numpy as np
import pytest

from sim.abm.model import BalanceModel
from sim.scenario.build import build_scenario
from sim.scenario.compose import compose_dict
from sim.validation import load_record, observations
from sim.validation.likelihood import (
    Scored,
    base_rate,
    base_rate_probabilities,
    choices_of,
    fit_eps,
    observed_labels,
    same_as_last_week,
    score,
)


def scored(actor, step, label, options, labels=None, model=None):
    m = len(label)
    return Scored(
        np.array(actor), np.array(step), tuple(label), np.array(options, dtype=float),
        np.array(model if model is not None else [0.5] * m), tuple(labels or [()] * m), 0,
    )  # fmt: skip


def test_same_as_last_week_by_hand():
    # one state, five weeks in a row, K = 4: a a a b b -> after the first (uniform), the repeats
    # are a->a, a->a, a->b, b->b: s = 3 same, d = 1 different. The likelihood
    # 3 log(1 - eps + eps/4) + log(eps/4) is largest at eps = d / ((s + d)(1 - 1/K)) = 1/3.
    s = scored([0] * 5, [1, 2, 3, 4, 5], list("aaabb"), [4] * 5)
    loglik, eps = same_as_last_week(s)
    assert eps == pytest.approx(1 / 3, abs=1e-6)
    expected = math.log(1 / 4) + 3 * math.log(1 - 0.75 / 3) + math.log(1 / 12)
    assert loglik == pytest.approx(expected, abs=1e-9)


def test_a_gap_scores_as_uniform():
    # weeks 1 and 3: the second has no observation the week before
    s = scored([0, 0], [1, 3], ["a", "a"], [5, 5])
    loglik, _ = same_as_last_week(s)
    assert loglik == pytest.approx(2 * math.log(1 / 5), abs=1e-9)


def test_base_rate_leave_one_out_by_hand():
    # one state: a, a, b with alternatives {a, b, c}; leave one out, kappa = 1:
    # a: others a, b -> (1 + 1) / (2 + 3) = 0.4; the second a the same; b: others a, a -> 1/5
    labels = [("a", "b", "c")] * 3
    s = scored([0, 0, 0], [1, 2, 3], ["a", "a", "b"], [3, 3, 3], labels)
    assert base_rate_probabilities(s, 1.0) == pytest.approx([0.4, 0.4, 0.2])
    loglik, kappa, eps = base_rate(s)
    assert loglik >= math.log(0.4) * 2 + math.log(0.2) - 1e-9  # fitted: no worse than kappa = 1


def test_fit_eps_by_hand():
    assert fit_eps([1.0, 1.0], [3, 3]) == (0.0, 0.0)  # a perfect predictor stays unmixed
    eps, loglik = fit_eps([0.0, 0.0], [4, 4])  # a predictor that is always wrong: uniform
    assert eps == 1.0 and loglik == pytest.approx(2 * math.log(1 / 4))


@pytest.fixture(scope="module")
def observed():
    return observed_labels(observations(load_record()))


def test_at_lam_zero_the_model_chooses_uniformly_among_what_is_available(observed):
    config = compose_dict(["scenario=jan2020", "decision.lam=0"])
    model = BalanceModel(build_scenario(config))
    s = score(model, observed)
    for i, t, p in zip(s.actor, s.step, s.model, strict=True):
        live = int(model.record.available[t - 1, i].sum())  # counted here, not by the rule
        assert p == pytest.approx(1.0 / live) or (p == 0.0 and live > 0)
    assert (s.model > 0).sum() > 40


def test_the_model_runs_on_the_observed_history(observed):
    model = BalanceModel(build_scenario(compose_dict(["scenario=jan2020"])))
    s = score(model, observed)
    assert len(s.label) + s.skipped == len(observed) and len(s.label) > 40
    codes = list(model.structure.codes)
    width = model.alts.shape[1]
    for i, t, label in zip(s.actor, s.step, s.label, strict=True):
        slot = [model.label(i, a) for a in range(width)].index(label)
        chosen = model.label(i, model.record.choice[t - 1, i])
        # imposed where the state had it at that step, else it waited
        assert chosen == (label if model.record.available[t - 1, i, slot] else "wait"), (t, i)
    # a week with no report is imposed as wait
    unobserved = [(t, i) for t in range(1, 23) for i in range(4) if (t, codes[i]) not in observed]
    assert unobserved
    assert all(model.label(i, model.record.choice[t - 1, i]) == "wait" for t, i in unobserved)


def test_the_replay_of_a_free_run_gives_its_own_probabilities():
    """Data simulated by the model: every choice of a free run imposed on a fresh model of the
    same seed gives back, step by step, the probabilities the free run drew them from."""
    from sim.abm.model import run

    config = compose_dict(["scenario=jan2020", "seed=5", "decision.lam=1"])
    free = run(build_scenario(config))
    s = score(BalanceModel(build_scenario(config)), choices_of(free))
    assert s.skipped == 0
    assert np.sum(np.log(s.model)) == pytest.approx(np.sum(np.log(free.record.probability)))
