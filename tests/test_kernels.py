"""The compiled kernels compute the same numbers as the readable NumPy functions."""

import numpy as np
import pytest
from conftest import default_config

from sim.config import build_scenario
from sim.model import run

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
