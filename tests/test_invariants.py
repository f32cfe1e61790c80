"""Property tests of whole runs over random valid configurations.

Each example composes the default Hydra config, randomises initial stances, payoff weights,
dynamics (within sim.scenario.build.DYNAMICS_RANGES), the decision rule, its precision and the seed, runs
the model to the end of the scenario and checks the invariants of the record.
"""

import numpy as np
from conftest import default_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.abm.model import run
from sim.scenario.build import DYNAMICS_RANGES, build_scenario

BASE = default_config()
CODES = list(BASE["actors"])


def finite_in(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def valid_configs(draw):
    cfg = default_config()
    relations = {}
    for a in CODES:
        relations[a] = {b: draw(finite_in(-1.0, 1.0)) for b in CODES if b != a}
    cfg["relations"] = relations
    for code in CODES:
        w = draw(st.lists(finite_in(0.0, 10.0), min_size=3, max_size=3))
        if sum(w) <= 0.0:  # not all zero: make one weight positive
            w[draw(st.integers(0, 2))] = draw(finite_in(1e-6, 10.0))
        cfg["actors"][code]["weights"] = dict(
            zip(("security", "economic", "prestige"), w, strict=True)
        )
    cfg["dynamics"] = {k: draw(finite_in(lo, hi)) for k, (lo, hi) in DYNAMICS_RANGES.items()}
    cfg["decision"]["rule"] = draw(st.sampled_from(["logit", "best_response"]))
    cfg["decision"]["lam"] = draw(finite_in(0.0, 50.0))
    cfg["seed"] = draw(st.integers(0, 2**31))
    return cfg


def test_valid_configs_do_change_the_defaults():
    # Guard: the strategy really writes the keys build_scenario reads (not silently ignored ones).
    base = build_scenario(default_config())
    s = BASE["relations"]["RUS"]["ISR"]
    assert base.structure.initial_stance[0, 1] == s
    modified = default_config()
    modified["relations"]["RUS"]["ISR"] = -0.25
    modified["dynamics"]["heider"] = 4.0
    modified["decision"]["rule"] = "best_response"
    sc = build_scenario(modified)
    assert sc.structure.initial_stance[0, 1] == -0.25
    assert sc.dynamics.heider == 4.0
    assert sc.decision.rule == "best_response"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cfg=valid_configs())
def test_run_invariants(cfg):
    m = run(build_scenario(cfg))
    r = m.record
    steps, n = m.calendar.steps, m.structure.n
    assert r.stance.shape == (steps, n, n)

    # stances stay in [-1, 1]
    assert np.isfinite(r.stance).all()
    assert (r.stance >= -1.0).all() and (r.stance <= 1.0).all()

    # realised payoffs are finite; expected-utility components finite where available
    assert np.isfinite(r.payoffs).all()
    assert np.isfinite(r.utility).all()
    assert np.isfinite(r.components[r.available]).all()

    # probabilities: a distribution over the available alternatives
    p = r.probabilities
    assert np.isfinite(p).all()
    assert (p >= 0.0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0.0, atol=1e-9)
    assert (p[~r.available] == 0.0).all()
    # wait is always available
    wait = m.table.index["wait"]
    first_wait = int(np.flatnonzero(m.alts.action[0] == wait)[0])
    assert r.available[:, :, first_wait].all()

    # chosen alternatives are available and had positive probability
    t_idx, i_idx = np.meshgrid(np.arange(steps), np.arange(n), indexing="ij")
    assert r.available[t_idx, i_idx, r.choice].all()
    chosen_p = p[t_idx, i_idx, r.choice]
    assert (chosen_p > 0.0).all()
    np.testing.assert_array_equal(r.probability, chosen_p)
    if cfg["decision"]["rule"] == "best_response":
        assert (chosen_p == 1.0).all()
