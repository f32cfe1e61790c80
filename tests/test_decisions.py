"""Unit and property tests of sim/decisions.py: logit, best response, sampling, fictitious play.

Expected values are computed by hand in the comments.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.decisions import RULES, best_response, fictitious_beliefs, logit, sample

LN2, LN3 = math.log(2.0), math.log(3.0)


def row(values, available=None):
    values = np.array([values], dtype=float)
    available = np.ones(values.shape, bool) if available is None else np.array([available])
    return values, available


# ---------------------------------------------------------------------------------------------
# logit
# ---------------------------------------------------------------------------------------------


def test_rules_registry():
    assert {"logit": logit, "best_response": best_response} == RULES


def test_logit_two_alternatives_hand_computed():
    # exp(1 * 0) = 1, exp(1 * ln 2) = 2 -> [1/3, 2/3]
    v, a = row([0.0, LN2])
    np.testing.assert_allclose(logit(v, a, np.array([1.0])), [[1 / 3, 2 / 3]], rtol=1e-12)


def test_logit_precision_scales_values():
    # lam = 2: exp(0) = 1, exp(2 ln 2) = 4 -> [1/5, 4/5]
    v, a = row([0.0, LN2])
    np.testing.assert_allclose(logit(v, a, np.array([2.0])), [[0.2, 0.8]], rtol=1e-12)


def test_logit_rows_have_their_own_precision():
    # row 0: lam 1 over [0, ln2, ln3] -> [1, 2, 3] / 6; row 1: lam 0.5 over [0, 2 ln2, 0]
    # -> exp(0.5 * 2 ln 2) = 2 -> [1, 2, 1] / 4
    values = np.array([[0.0, LN2, LN3], [0.0, 2 * LN2, 0.0]])
    got = logit(values, np.ones((2, 3), bool), np.array([1.0, 0.5]))
    np.testing.assert_allclose(got, [[1 / 6, 2 / 6, 3 / 6], [0.25, 0.5, 0.25]], rtol=1e-12)


def test_logit_unavailable_get_exactly_zero_and_the_rest_renormalise():
    # [0, ln2, ln3] with the middle one unavailable: [1, -, 3] / 4; the unavailable slot has a
    # huge value that would dominate if it were counted.
    v, a = row([0.0, 1e6, LN3], [True, False, True])
    got = logit(v, a, np.array([1.0]))
    assert got[0, 1] == 0.0
    np.testing.assert_allclose(got, [[0.25, 0.0, 0.75]], rtol=1e-12)


def test_logit_lam_zero_is_uniform_over_available():
    v, a = row([5.0, -3.0, 100.0, 7.0], [True, False, True, True])
    got = logit(v, a, np.array([0.0]))
    np.testing.assert_allclose(got, [[1 / 3, 0.0, 1 / 3, 1 / 3]], rtol=1e-12)
    assert got[0, 1] == 0.0


def test_logit_large_precision_and_values_do_not_overflow():
    # lam * values = 50 * 1000 = 50000: exp would overflow without the shift by the maximum
    # (warnings are errors in this suite). exp(-50000) underflows to 0 -> [1, 0].
    v, a = row([1000.0, 0.0])
    got = logit(v, a, np.array([50.0]))
    np.testing.assert_array_equal(got, [[1.0, 0.0]])


def test_logit_single_available_alternative_gets_everything():
    v, a = row([-1e3, 3.0, 2.0], [True, False, False])
    np.testing.assert_array_equal(logit(v, a, np.array([4.0])), [[1.0, 0.0, 0.0]])


@st.composite
def decision_problem(draw):
    n = draw(st.integers(1, 4))
    width = draw(st.integers(1, 12))
    values = np.array(
        draw(st.lists(st.floats(-1e4, 1e4), min_size=n * width, max_size=n * width))
    ).reshape(n, width)
    avail = np.array(draw(st.lists(st.booleans(), min_size=n * width, max_size=n * width))).reshape(
        n, width
    )
    avail[:, 0] |= ~avail.any(axis=1)  # at least one alternative available (wait always is)
    lam = np.array(draw(st.lists(st.floats(0.0, 50.0), min_size=n, max_size=n)))
    return values, avail, lam


@settings(max_examples=200, deadline=None)
@given(decision_problem())
def test_logit_is_a_distribution_over_available(problem):
    values, avail, lam = problem
    p = logit(values, avail, lam)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (p[~avail] == 0.0).all()
    assert (p >= 0.0).all()
    # the best available alternative is (one of) the most probable
    masked = np.where(avail, values, -np.inf)
    best = masked.argmax(axis=1)
    rows = np.arange(len(lam))
    assert (p[rows, best] >= p.max(axis=1) - 1e-12).all()


@settings(max_examples=200, deadline=None)
@given(decision_problem())
def test_logit_order_preserving(problem):
    # Among available alternatives, a higher value never gets a lower probability.
    values, avail, lam = problem
    p = logit(values, avail, lam)
    for i in range(values.shape[0]):
        idx = np.flatnonzero(avail[i])
        for a in idx:
            for b in idx:
                if values[i, a] > values[i, b]:
                    assert p[i, a] >= p[i, b]


# ---------------------------------------------------------------------------------------------
# best response
# ---------------------------------------------------------------------------------------------


def test_best_response_one_hot_on_argmax():
    values = np.array([[1.0, 3.0, 2.0], [-5.0, -7.0, -6.0]])
    got = best_response(values, np.ones((2, 3), bool))
    np.testing.assert_array_equal(got, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_best_response_ties_go_to_first_index():
    got = best_response(np.array([[1.0, 4.0, 4.0, 4.0]]), np.ones((1, 4), bool))
    np.testing.assert_array_equal(got, [[0.0, 1.0, 0.0, 0.0]])


def test_best_response_ignores_unavailable_and_lam():
    # The best value (9) is unavailable; among [1, -, 4, 4] the first 4 wins.
    values = np.array([[1.0, 9.0, 4.0, 4.0]])
    avail = np.array([[True, False, True, True]])
    np.testing.assert_array_equal(best_response(values, avail), [[0.0, 0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(
        best_response(values, avail, np.array([0.0])), [[0.0, 0.0, 1.0, 0.0]]
    )


@settings(max_examples=200, deadline=None)
@given(decision_problem())
def test_best_response_properties(problem):
    values, avail, lam = problem
    p = best_response(values, avail, lam)
    assert ((p == 0.0) | (p == 1.0)).all()
    np.testing.assert_array_equal(p.sum(axis=1), 1.0)
    assert (p[~avail] == 0.0).all()
    for i in range(values.shape[0]):
        k = int(np.flatnonzero(p[i])[0])
        best = values[i, avail[i]].max()
        assert values[i, k] == best
        # first index attaining the best available value
        assert k == min(a for a in np.flatnonzero(avail[i]) if values[i, a] == best)


# ---------------------------------------------------------------------------------------------
# sample
# ---------------------------------------------------------------------------------------------

# p = [1/4, 0, 1/4, 1/2]: cdf = [1/4, 1/4, 1/2, 1]. Slot k is drawn for u in [cdf[k-1], cdf[k]).
P = np.array([0.25, 0.0, 0.25, 0.5])
BELOW = np.nextafter


@pytest.mark.parametrize(
    ("u", "expected"),
    [
        (0.0, 0),
        (BELOW(0.25, 0.0), 0),  # just below the first boundary
        (0.25, 2),  # on it: the zero slot 1 is skipped
        (BELOW(0.5, 0.0), 2),
        (0.5, 3),
        (0.75, 3),
        (BELOW(1.0, 0.0), 3),
        (1.0, 3),  # the closed end of the interval still draws the last positive slot
    ],
)
def test_sample_follows_cdf(u, expected):
    assert sample(P, u) == expected


@pytest.mark.parametrize(
    ("p", "u", "expected"),
    [
        ([0.0, 0.5, 0.5, 0.0], 0.0, 1),  # leading zero never drawn
        ([0.0, 0.5, 0.5, 0.0], 1.0, 2),  # trailing zero never drawn
        ([0.0, 0.5, 0.5, 0.0], BELOW(1.0, 0.0), 2),
        ([0.0, 0.0, 1.0], 0.0, 2),
        ([1.0, 0.0, 0.0], BELOW(1.0, 0.0), 0),
        ([1.0, 0.0, 0.0], 1.0, 0),
        # unnormalised weights [1, 0, 3] (cdf [1, 1, 4]): u = 1/4 -> 1 -> slot 2
        ([1.0, 0.0, 3.0], 0.25, 2),
        ([1.0, 0.0, 3.0], BELOW(0.25, 0.0), 0),
    ],
)
def test_sample_edges(p, u, expected):
    assert sample(np.array(p), u) == expected


def test_sample_frequencies_on_a_uniform_grid():
    # u = (j + 1/2) / 1000: the grid points below 1/4 are j = 0..249 (250), etc.
    # p = [1/8, 0, 3/8, 1/2] -> counts [125, 0, 375, 500].
    p = np.array([0.125, 0.0, 0.375, 0.5])
    counts = np.zeros(4, int)
    for j in range(1000):
        counts[sample(p, (j + 0.5) / 1000)] += 1
    np.testing.assert_array_equal(counts, [125, 0, 375, 500])


@st.composite
def probability_row(draw):
    width = draw(st.integers(1, 20))
    weights = draw(
        st.lists(st.one_of(st.just(0.0), st.floats(1e-12, 1.0)), min_size=width, max_size=width)
    )
    if not any(weights):
        weights[draw(st.integers(0, width - 1))] = 1.0
    p = np.array(weights)
    return p / p.sum()


@settings(max_examples=300, deadline=None)
@given(p=probability_row(), u=st.floats(0.0, 1.0))
def test_sample_never_returns_a_zero_probability_slot(p, u):
    k = sample(p, u)
    assert 0 <= k < len(p)
    assert p[k] > 0.0


@settings(max_examples=300, deadline=None)
@given(p=probability_row(), u=st.floats(0.0, 1.0, exclude_max=True))
def test_sample_inverse_cdf(p, u):
    # The draw k satisfies cdf[k-1] <= u * cdf[-1] < cdf[k]; if rounding puts u * cdf[-1] on
    # cdf[-1] itself, the last slot with positive probability is drawn.
    k = sample(p, u)
    cdf = np.cumsum(p)
    x = u * cdf[-1]
    if x < cdf[-1]:
        lower = cdf[k - 1] if k > 0 else 0.0
        assert lower <= x < cdf[k]
    else:
        assert k == np.flatnonzero(p)[-1]


# ---------------------------------------------------------------------------------------------
# fictitious play beliefs
# ---------------------------------------------------------------------------------------------


def test_fictitious_beliefs_hand_computed():
    # counts [3, 1, 0, 0], alternatives 0..2 available, prior_weight 1.5 spread over the 3
    # available -> 0.5 each. weights [3.5, 1.5, 0.5, 0] / 5.5 = [7/11, 3/11, 1/11, 0]
    counts = np.array([[3.0, 1.0, 0.0, 0.0]])
    avail = np.array([[True, True, True, False]])
    got = fictitious_beliefs(counts, avail, 1.5)
    np.testing.assert_allclose(got, [[7 / 11, 3 / 11, 1 / 11, 0.0]], rtol=1e-12)


def test_fictitious_beliefs_drop_unavailable_counts():
    # A past choice that is unavailable now (count 4 in slot 3) is ignored: same as above.
    counts = np.array([[3.0, 1.0, 0.0, 4.0]])
    avail = np.array([[True, True, True, False]])
    got = fictitious_beliefs(counts, avail, 1.5)
    np.testing.assert_allclose(got, [[7 / 11, 3 / 11, 1 / 11, 0.0]], rtol=1e-12)
    assert got[0, 3] == 0.0


def test_fictitious_beliefs_rows_and_prior_only():
    # row 0: no history, prior 2 over 4 available -> uniform 1/4.
    # row 1: counts [0, 2, 6, 0], prior 2 over the 2 available slots 1, 2 -> 1 each:
    #        weights [0, 3, 7, 0] / 10.
    counts = np.array([[0.0, 0.0, 0.0, 0.0], [5.0, 2.0, 6.0, 0.0]])
    avail = np.array([[True, True, True, True], [False, True, True, False]])
    got = fictitious_beliefs(counts, avail, 2.0)
    np.testing.assert_allclose(got, [[0.25] * 4, [0.0, 0.3, 0.7, 0.0]], rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    problem=decision_problem(),
    counts=st.lists(st.integers(0, 50), min_size=48, max_size=48),
    prior=st.floats(1e-9, 100.0),
)
def test_fictitious_beliefs_distribution(problem, counts, prior):
    _, avail, _ = problem
    c = np.array(counts[: avail.size], dtype=float).reshape(avail.shape)
    b = fictitious_beliefs(c, avail, prior)
    assert np.isfinite(b).all()
    np.testing.assert_allclose(b.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (b[~avail] == 0.0).all()
    assert (b[avail] > 0.0).all()  # the prior keeps every available alternative possible


def test_logit_at_the_largest_precisions_is_best_response_not_nan():
    """lam * rationality up to infinity: the best alternative's exponent is exactly 0, so the
    probabilities are best response's (before: inf - inf gave NaN probabilities)."""
    values = np.array([[1.0, 3.0, 2.0, 3.5], [0.0, -1.0, 0.5, 5.0]])  # no ties among the open
    avail = np.array([[True, True, True, False], [True, True, True, False]])
    for lam in (1e308, np.inf, 4e307 * 10):
        p = logit(values, avail, np.array([lam, lam]))
        np.testing.assert_array_equal(p, best_response(values, avail))
    uniform = logit(values, avail, np.array([0.0, 0.0]))
    np.testing.assert_allclose(uniform, np.where(avail, 1 / 3, 0.0))


def test_a_run_at_huge_precision_chooses_only_open_alternatives(config_factory):
    from sim.abm.model import run
    from sim.scenario.build import build_scenario

    cfg = config_factory(("decision.lam=1e308", "actors.RUS.rationality=1e307"))
    r = run(build_scenario(cfg)).record
    assert np.isfinite(r.probabilities).all() and (r.probability == 1.0).all()
    chosen = np.take_along_axis(r.available, r.choice[..., None], axis=-1)
    assert chosen.all()
