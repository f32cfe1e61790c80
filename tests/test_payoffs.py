"""Unit and property tests of sim/payoffs.py: security, economic, prestige and components.

All expected values are computed by hand in the comments; payoffs are in points (POINTS = 100).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import payoffs
from sim.core.world import PayoffParams, Structure

TA = 2.25  # threat aversion of the examples (Tversky & Kahneman 1992 loss aversion)

# A three-actor world (actors 0, 1, 2). S[i, j] is i's stance toward j.
S = np.array(
    [
        [0.0, 0.5, -0.4],
        [0.8, 0.0, -0.6],
        [-0.5, 0.2, 0.0],
    ]
)
# Row i: weight of j in i's security (zero on the actor itself, rows sum to 1).
SALIENCE = np.array(
    [
        [0.0, 0.6, 0.4],
        [0.5, 0.0, 0.5],
        [0.25, 0.75, 0.0],
    ]
)
TRADE_SHARE = np.array(
    [
        [0.0, 0.75, 0.25],
        [0.8, 0.0, 0.2],
        [0.5, 0.5, 0.0],
    ]
)
STANDING_SHARE = np.array(
    [
        [0.0, 0.5, 0.5],
        [0.5, 0.0, 0.5],
        [0.5, 0.5, 0.0],
    ]
)
OIL_EXPOSURE = np.array([0.4, -0.05, 0.2])
OIL_DEVIATION = 0.05
# stocks[i] = (prestige, damage, sanctions) in points
STOCKS = np.array(
    [
        [2.0, 1.0, 0.0],
        [0.0, 0.0, 3.0],
        [-1.0, 4.0, 0.5],
    ]
)

# toward[i] = S[:, i], the others' stances toward i:
#   toward[0] = [0, 0.8, -0.5], toward[1] = [0.5, 0, 0.2], toward[2] = [-0.4, -0.6, 0]
#
# Security = 100 * sum_j salience[j] * (toward[j] if >= 0 else 2.25 * toward[j]) - damage
#   actor 0: weighted [0, 0.8, -1.125] . [0, 0.6, 0.4] = 0.48 - 0.45 = 0.03 -> 3 - 1 = 2.0
#   actor 1: weighted [0.5, 0, 0.2] . [0.5, 0, 0.5] = 0.25 + 0.1 = 0.35 -> 35 - 0 = 35.0
#   actor 2: weighted [-0.9, -1.35, 0] . [0.25, 0.75, 0] = -0.225 - 1.0125 = -1.2375
#            -> -123.75 - 4 = -127.75
EXPECTED_SECURITY = np.array([2.0, 35.0, -127.75])

# Economic = 100 * (sum_j trade[j] * (own[j] + toward[j]) / 2 + oil_exposure * oil_dev) - sanctions
#   actor 0: own + toward = [0, 1.3, -0.9]; . [0, .75, .25] = 0.975 - 0.225 = 0.75; /2 = 0.375
#            oil 0.4 * 0.05 = 0.02 -> 100 * 0.395 = 39.5 - 0 = 39.5
#   actor 1: own + toward = [1.3, 0, -0.4]; . [.8, 0, .2] = 1.04 - 0.08 = 0.96; /2 = 0.48
#            oil -0.05 * 0.05 = -0.0025 -> 100 * 0.4775 = 47.75 - 3 = 44.75
#   actor 2: own + toward = [-0.9, -0.4, 0]; . [.5, .5, 0] = -0.45 - 0.2 = -0.65; /2 = -0.325
#            oil 0.2 * 0.05 = 0.01 -> 100 * -0.315 = -31.5 - 0.5 = -32.0
EXPECTED_ECONOMIC = np.array([39.5, 44.75, -32.0])

# Prestige = 100 * sum_j standing[j] * toward[j] + prestige stock
#   actor 0: [0, 0.8, -0.5] . [0, .5, .5] = 0.4 - 0.25 = 0.15 -> 15 + 2 = 17.0
#   actor 1: [0.5, 0, 0.2] . [.5, 0, .5] = 0.25 + 0.1 = 0.35 -> 35 + 0 = 35.0
#   actor 2: [-0.4, -0.6, 0] . [.5, .5, 0] = -0.2 - 0.3 = -0.5 -> -50 - 1 = -51.0
EXPECTED_PRESTIGE = np.array([17.0, 35.0, -51.0])


def params():
    return PayoffParams(SALIENCE, TRADE_SHARE, STANDING_SHARE, OIL_EXPOSURE, TA)


def test_points_unit():
    assert payoffs.POINTS == 100.0


@pytest.mark.parametrize("i", range(3))
def test_security_hand_computed(i):
    got = payoffs.security(S[:, i], SALIENCE[i], TA, STOCKS[i, 1])
    assert got == pytest.approx(EXPECTED_SECURITY[i], abs=1e-9)


def test_security_batched_over_actors():
    got = payoffs.security(S.T, SALIENCE, TA, STOCKS[:, 1])
    np.testing.assert_allclose(got, EXPECTED_SECURITY, atol=1e-9)


@pytest.mark.parametrize("i", range(3))
def test_economic_hand_computed(i):
    got = payoffs.economic(
        S[i], S[:, i], TRADE_SHARE[i], OIL_EXPOSURE[i], OIL_DEVIATION, STOCKS[i, 2]
    )
    assert got == pytest.approx(EXPECTED_ECONOMIC[i], abs=1e-9)


@pytest.mark.parametrize("i", range(3))
def test_prestige_hand_computed(i):
    got = payoffs.prestige(S[:, i], STANDING_SHARE[i], STOCKS[i, 0])
    assert got == pytest.approx(EXPECTED_PRESTIGE[i], abs=1e-9)


def test_components_hand_computed_in_order_security_economic_prestige():
    got = payoffs.components(S, S.T, STOCKS, params(), OIL_DEVIATION)
    expected = np.stack([EXPECTED_SECURITY, EXPECTED_ECONOMIC, EXPECTED_PRESTIGE], axis=-1)
    assert got.shape == (3, 3)
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_components_reads_stocks_in_prestige_damage_sanctions_order():
    # Only the stocks differ from zero: security = -damage, economic = -sanctions,
    # prestige = +prestige stock.
    zeros = np.zeros((3, 3))
    stocks = np.array([[7.0, 11.0, 13.0]] * 3)
    got = payoffs.components(zeros, zeros, stocks, params(), 0.0)
    np.testing.assert_array_equal(got, np.array([[-11.0, -13.0, 7.0]] * 3))


def test_components_over_extra_axes_equals_single_states():
    # Two states of the world stacked on an axis after the actor axis (as the look-ahead does):
    # state 0 is S, state 1 is -S (the same world with every relation reversed).
    # Actor 0 in state 1: toward = [0, -0.8, 0.5]; security weighted [0, -1.8, 0.5] . [0, .6, .4]
    #   = -1.08 + 0.2 = -0.88 -> -88 - 1 = -89.0
    own = np.stack([S, -S], axis=1)  # (3, 2, 3)
    toward = np.stack([S.T, -S.T], axis=1)
    stocks = np.repeat(STOCKS[:, None, :], 2, axis=1)
    p = PayoffParams(
        SALIENCE[:, None, :],
        TRADE_SHARE[:, None, :],
        STANDING_SHARE[:, None, :],
        OIL_EXPOSURE[:, None],
        TA,
    )
    got = payoffs.components(own, toward, stocks, p, OIL_DEVIATION)
    assert got.shape == (3, 2, 3)
    first = payoffs.components(S, S.T, STOCKS, params(), OIL_DEVIATION)
    second = payoffs.components(-S, -S.T, STOCKS, params(), OIL_DEVIATION)
    np.testing.assert_allclose(got[:, 0], first, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], second, atol=1e-12)
    assert got[0, 1, 0] == pytest.approx(-89.0, abs=1e-9)


def three_states(**kw):
    """Three states A, B, C: capabilities [1, 3, 1], trade A-B 2, A-C 6, B-C 1; ``kw``
    replaces any field."""
    fields = dict(
        codes=("A", "B", "C"),
        names=("A", "B", "C"),
        capability=np.array([1.0, 3.0, 1.0]),
        weights=np.full((3, 3), 1 / 3),
        rationality=np.ones(3),
        oil_exposure=np.zeros(3),
        standing=np.ones(3),
        trade=np.array([[0.0, 2.0, 6.0], [2.0, 0.0, 1.0], [6.0, 1.0, 0.0]]),
        presence=np.zeros((3, 1)),
        initial_stance=np.zeros((3, 3)),
        threat_aversion=TA,
        theatre_weight=0.5,
    )
    fields.update(kw)
    return Structure(**fields)


def test_components_with_structure_payoff_params():
    # Structure computes the shares; with no theatres salience is the capability share:
    # actor 0 of capabilities [1, 3, 1] -> salience [0, 3/4, 1/4]; standing 1 -> [0, 1/3, 1/3]
    # (full recognition is three states of standing 1, not renormalised over the two present);
    # trade 0-1 = 2, 0-2 = 6, no reference given -> trade share [0, 1/4, 3/4].
    # Actor 0, everyone at stance 0.5 toward everyone, no stocks, no oil:
    #   security = 100 * 0.5 = 50, economic = 100 * (0.5 + 0.5) / 2 = 50,
    #   prestige = 100 * (1/3 + 1/3) * 0.5 = 33.33.
    p = three_states().payoff_params()
    np.testing.assert_allclose(p.salience[0], [0.0, 0.75, 0.25])
    np.testing.assert_allclose(p.trade_share[0], [0.0, 0.25, 0.75])
    half = 0.5 * (1.0 - np.eye(3))
    got = payoffs.components(half, half.T, np.zeros((3, 3)), p, 0.0)
    np.testing.assert_allclose(got[0], [50.0, 50.0, 100.0 / 3.0], atol=1e-9)


def test_a_structure_under_other_dynamics_equals_one_built_with_them():
    """Structure.with_dynamics keeps what follows from the actors alone (a sweep's runs share
    it) and derives the rest again: the same numbers, bit for bit, as a structure built anew."""
    rng = np.random.default_rng(3)
    fields = dict(
        codes=("A", "B", "C", "D"),
        names=("A", "B", "C", "D"),
        capability=rng.uniform(0.0, 0.2, 4),
        weights=np.full((4, 3), 1 / 3),
        rationality=np.ones(4),
        oil_exposure=rng.uniform(-1, 1, 4),
        standing=rng.uniform(0.5, 1.5, 4),
        trade=np.full((4, 4), 3.0),
        presence=np.array([[1.0, 0.0], [0.7, 0.0], [0.0, 0.0], [0.2, 1.0]]),
        initial_stance=np.zeros((4, 4)),
    )
    base = Structure(**fields, threat_aversion=TA, theatre_weight=0.5)
    base.payoff_params()
    other = base.with_dynamics(1.7, 0.3)
    fresh = Structure(**fields, threat_aversion=1.7, theatre_weight=0.3)
    assert other == fresh
    for got, want in zip(other.payoff_params(), fresh.payoff_params(), strict=True):
        assert np.asarray(got).tobytes() == np.asarray(want).tobytes()
    assert other.salience.tobytes() != base.salience.tobytes()


def test_full_alignment_is_100_points_each():
    # Everyone aligned (stance 1) with everyone, shares summing to 1, no stocks, no oil shock.
    ones = 1.0 - np.eye(3)
    got = payoffs.components(ones, ones.T, np.zeros((3, 3)), params(), 0.0)
    np.testing.assert_allclose(got, np.full((3, 3), 100.0), atol=1e-9)


def test_full_hostility_costs_threat_aversion_times_100_in_security():
    # Everyone hostile (stance -1): security = -2.25 * 100 = -225; economic = -100;
    # prestige = -100 (no loss aversion outside security).
    neg = -(1.0 - np.eye(3))
    got = payoffs.components(neg, neg.T, np.zeros((3, 3)), params(), 0.0)
    np.testing.assert_allclose(got, np.tile([-225.0, -100.0, -100.0], (3, 1)), atol=1e-9)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

N = 4
unit = st.floats(-1.0, 1.0, allow_nan=False)
nonneg = st.floats(0.0, 10.0, allow_nan=False)
stance_rows = st.lists(unit, min_size=N, max_size=N).map(np.array)
weight_rows = st.lists(nonneg, min_size=N, max_size=N).map(np.array)
aversion = st.floats(0.0, 10.0, allow_nan=False)
stock = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    toward=stance_rows,
    salience=weight_rows,
    ta=aversion,
    damage=stock,
    j=st.integers(0, N - 1),
    up=st.floats(0.0, 2.0, allow_nan=False),
)
def test_security_monotone_in_each_stance_toward_actor(toward, salience, ta, damage, j, up):
    warmer = toward.copy()
    warmer[j] = min(1.0, toward[j] + up)
    before = payoffs.security(toward, salience, ta, damage)
    after = payoffs.security(warmer, salience, ta, damage)
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(
    support=st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=N, max_size=N).map(np.array),
    salience=weight_rows,
    ta=aversion,
)
def test_hostility_counts_threat_aversion_times_support(support, salience, ta):
    # Mirror every supportive stance into an equally hostile one: security scales by -ta.
    friendly = payoffs.security(support, salience, ta, 0.0)
    hostile = payoffs.security(-support, salience, ta, 0.0)
    assert hostile == pytest.approx(-ta * friendly, rel=1e-12, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(toward=stance_rows, salience=weight_rows, ta=aversion, damage=stock)
def test_security_damage_is_subtracted_point_for_point(toward, salience, ta, damage):
    base = payoffs.security(toward, salience, ta, 0.0)
    assert payoffs.security(toward, salience, ta, damage) == pytest.approx(base - damage, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(toward=stance_rows, salience=weight_rows, ta=aversion)
def test_security_within_bounds_for_shares(toward, salience, ta):
    # With shares summing to 1 the payoff lies in [-100 * ta, 100].
    total = salience.sum()
    share = salience / total if total > 0 else salience
    got = payoffs.security(toward, share, ta, 0.0)
    assert -100.0 * ta - 1e-9 <= got <= 100.0 + 1e-9


@settings(max_examples=200, deadline=None)
@given(
    own=stance_rows,
    toward=stance_rows,
    trade=weight_rows,
    oil_exposure=st.floats(-10, 10, allow_nan=False),
    oil_deviation=st.floats(-1, 1, allow_nan=False),
    sanctions=stock,
)
def test_economic_symmetric_in_the_two_stances(
    own, toward, trade, oil_exposure, oil_deviation, sanctions
):
    a = payoffs.economic(own, toward, trade, oil_exposure, oil_deviation, sanctions)
    b = payoffs.economic(toward, own, trade, oil_exposure, oil_deviation, sanctions)
    assert a == pytest.approx(b, rel=1e-12, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    own=stance_rows,
    toward=stance_rows,
    trade=weight_rows,
    j=st.integers(0, N - 1),
    up=st.floats(0.0, 2.0, allow_nan=False),
)
def test_economic_monotone_in_both_stances(own, toward, trade, j, up):
    warmer_own, warmer_toward = own.copy(), toward.copy()
    warmer_own[j] = min(1.0, own[j] + up)
    warmer_toward[j] = min(1.0, toward[j] + up)
    before = payoffs.economic(own, toward, trade, 0.0, 0.0, 0.0)
    assert payoffs.economic(warmer_own, toward, trade, 0.0, 0.0, 0.0) >= before
    assert payoffs.economic(own, warmer_toward, trade, 0.0, 0.0, 0.0) >= before


@settings(max_examples=200, deadline=None)
@given(toward=stance_rows, standing=weight_rows, prestige_stock=stock)
def test_prestige_linear_without_loss_aversion(toward, standing, prestige_stock):
    # Recognition has no loss aversion: reversing every stance reverses the recognition part.
    plus = payoffs.prestige(toward, standing, prestige_stock) - prestige_stock
    minus = payoffs.prestige(-toward, standing, prestige_stock) - prestige_stock
    assert plus == pytest.approx(-minus, rel=1e-9, abs=1e-7)


# Balance of threat, trade at stake, recognition without dilution, targets (issue 11)


def test_strength_halves_at_one_over_harm_weight():
    assert payoffs.strength(0.0, 0.01) == 1.0
    assert payoffs.strength(100.0, 0.01) == pytest.approx(0.5)
    assert payoffs.strength(300.0, 0.01) == pytest.approx(0.25)
    assert payoffs.strength(50.0, 0.0) == 1.0  # the term off


def test_security_counts_each_state_with_its_strength_by_hand():
    # salience [0, 0.5, 0.5]; j=1 hostile (-0.5) and halved by 100 points of harm, j=2 friendly
    # (0.5) and whole: 100 * (0.5 * 0.5 * 2.25 * -0.5 + 0.5 * 1 * 0.5) = -3.125
    toward = np.array([0.0, -0.5, 0.5])
    salience = np.array([0.0, 0.5, 0.5])
    strong = payoffs.strength(np.array([0.0, 100.0, 0.0]), 0.01)
    assert payoffs.security(toward, salience, TA, 0.0, strong) == pytest.approx(-3.125)
    # a rival's loss is the actor's gain, a friend's loss its loss
    whole = payoffs.security(toward, salience, TA, 0.0)
    assert whole == pytest.approx(100 * (0.5 * TA * -0.5 + 0.25))
    assert payoffs.security(toward, salience, TA, 0.0, strong) > whole
    friend_hurt = payoffs.strength(np.array([0.0, 0.0, 100.0]), 0.01)
    assert payoffs.security(toward, salience, TA, 0.0, friend_hurt) < whole


def test_trade_at_stake_is_measured_against_a_fixed_reference():
    # A's reference 8 (its trade 2 + 6): shares [0, 1/4, 3/4]; four times the A-B trade gives
    # [0, 1, 3/4], not the renormalised [0, 4/7, 3/7]
    ref = np.array([8.0, 3.0, 7.0])
    assert three_states(trade_reference=ref).trade_share[0] == pytest.approx([0.0, 0.25, 0.75])
    more = np.array([[0.0, 8.0, 6.0], [8.0, 0.0, 1.0], [6.0, 1.0, 0.0]])
    got = three_states(trade=more, trade_reference=ref).trade_share[0]
    assert got == pytest.approx([0.0, 1.0, 0.75])


def test_recognition_is_not_diluted_by_a_state_of_no_standing():
    assert three_states().standing_share[0] == pytest.approx([0.0, 1 / 3, 1 / 3])


def test_states_that_count_in_no_payoff_are_not_targets():
    # C: no capability, no trade, no standing -> nobody's target; C itself targets A and B
    s = three_states(
        capability=np.array([1.0, 3.0, 0.0]),
        standing=np.array([1.0, 1.0, 0.0]),
        trade=np.array([[0.0, 2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    )
    np.testing.assert_array_equal(
        s.relevant, [[False, True, False], [True, False, False], [True, True, False]]
    )
