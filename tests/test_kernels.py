"""The compiled kernels compute the same numbers as the readable NumPy functions."""

import numpy as np
import pytest
from conftest import default_config

from sim.abm.model import run
from sim.scenario.build import build_scenario

FIFTH_STATE = {
    "name": "Turkey",
    "capability": 0.01,
    "weights": {"security": 0.4, "economic": 0.3, "prestige": 0.3},
}


def _five_actors():
    cfg = default_config()
    cfg["actors"]["TUR"] = dict(FIFTH_STATE)
    cfg["relations"]["TUR"] = {"RUS": 0.2, "ISR": -0.3, "IRN": 0.1, "USA": 0.3}
    cfg["relations"]["RUS"]["TUR"] = 0.1
    cfg["trade"]["TUR"] = {"RUS": 26.0}
    cfg["theatres"]["SYR"]["TUR"] = 1.0
    return cfg


@pytest.mark.parametrize("rule", ["logit", "best_response"])
@pytest.mark.parametrize("make", [default_config, _five_actors], ids=["four", "five"])
def test_numba_and_numpy_backends_agree(rule, make):
    for seed in range(6):
        cfg = make()
        cfg["seed"], cfg["decision"]["rule"] = seed, rule
        a = run(build_scenario(cfg), backend="numpy").record
        b = run(build_scenario(cfg), backend="numba").record
        np.testing.assert_array_equal(a.available, b.available)
        np.testing.assert_array_equal(a.choice, b.choice)
        np.testing.assert_allclose(a.stance, b.stance, rtol=0, atol=1e-12)
        np.testing.assert_allclose(a.payoffs, b.payoffs, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.components, b.components, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.probabilities, b.probabilities, rtol=0, atol=1e-12)


def _three_elections():
    """Two elections in Israel two weeks apart and one in Iran between them: look-aheads that
    see several elections, two of them in one state (they apply in order)."""
    cfg = default_config()
    events = cfg["scenario"]["events"]
    election = events["election"]
    events["election_again"] = {**election, "date": "2020-03-16", "incumbent_prob": 0.3}
    events["election_iran"] = {
        **election,
        "date": "2020-03-09",
        "state": "IRN",
        "loss_shift": {"USA": 0.4, "ISR": 0.2},
    }
    return cfg


@pytest.mark.parametrize("rule", ["logit", "best_response"])
def test_backends_agree_when_the_look_ahead_sees_several_elections(rule):
    for seed in range(4):
        cfg = _three_elections()
        cfg["seed"], cfg["decision"]["rule"] = seed, rule
        scenario = build_scenario(cfg)
        assert len(scenario.anticipations()) == 3
        a = run(scenario, backend="numpy").record
        b = run(build_scenario(cfg), backend="numba").record
        np.testing.assert_array_equal(a.choice, b.choice)
        np.testing.assert_allclose(a.components, b.components, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.probabilities, b.probabilities, rtol=0, atol=1e-12)


@pytest.mark.parametrize("decay", [0.0, 1.0])
def test_backends_agree_at_the_ends_of_the_prestige_decay(decay):
    """Prestige that vanishes at once (0) or never fades (1), with an election ahead: its
    power before the election must not divide by zero (a past election's offset is negative)."""
    cfg = default_config()
    cfg["dynamics"]["prestige_decay"] = decay
    a = run(build_scenario(cfg), backend="numpy").record
    b = run(build_scenario(cfg), backend="numba").record
    np.testing.assert_array_equal(a.choice, b.choice)
    np.testing.assert_allclose(a.components, b.components, rtol=0, atol=1e-9)


def _edges():
    rng = np.random.default_rng(7)
    tiny = [0.0, -0.0, 1e-300, -1e-300, 1e-17, 1e-9, -1e-9]
    near = [19.999999, 20.0, 20.000001, -20.0, -20.000001, 25.0, -25.0, 1e6, -1e6]
    return np.concatenate([tiny, near, rng.normal(0, 3, 50_000), rng.uniform(-30, 30, 50_000)])


def test_tanh_matches_libm_to_a_few_ulp():
    from sim.engine import kernels

    x = _edges()
    y = x.copy()
    kernels.tanh_all(y)
    np.testing.assert_allclose(y, np.tanh(x), rtol=0, atol=4.5e-16)
    assert np.all(np.abs(y) <= 1.0)
    assert np.all(np.sign(y[np.abs(x) > 1e-300]) == np.sign(x[np.abs(x) > 1e-300]))
    assert np.all(y[x >= 20.0] == 1.0) and np.all(y[x <= -20.0] == -1.0)


@pytest.mark.parametrize("y", [-700.0, -40.0, -1.0, -1e-12, 0.0, 0.3465, 0.5, 1.0, 40.0, 700.0])
def test_exp_within_one_ulp_of_libm(y):
    import math

    from sim.engine import kernels

    for v in np.linspace(y - 0.5, y + 0.5, 2001) if abs(y) < 700 else [y]:
        expected = math.exp(v)
        assert abs(kernels._exp(v) - expected) <= math.ulp(expected)
