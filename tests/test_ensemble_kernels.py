"""The ensemble's block kernel gives every run of a block the very numbers the single-run kernel
gives it (bit for bit), whatever the block's size and however its runs differ."""

import numpy as np
import pytest
from test_ensemble import varied_scenarios
from test_kernels import _three_elections

from sim.abm.model import run
from sim.engine import backends, ensemble, kernels
from sim.engine.backends import scenario_params
from sim.engine.ensemble import run_ensemble
from sim.engine.ensemble_kernels import evaluate_block
from sim.scenario.build import build_scenario

WORLD = ("affinity", "baseline", "grievance", "stocks", "prisoner", "linkage_cost")


def decide_inputs(scenarios, monkeypatch) -> list[list[tuple]]:
    """Each scenario's inputs to ``kernels.decide`` at every step of a Mesa run."""
    seen: list[tuple] = []
    original = backends.NumbaBackend.decide

    def spy(self, world, step, counts):
        arrays = tuple(getattr(world, name).copy() for name in WORLD)
        oil = (float(world.oil_deviation), float(world.oil_persistence))
        seen.append((*arrays, *oil, counts.copy(), step))
        return original(self, world, step, counts)

    monkeypatch.setattr(backends.NumbaBackend, "decide", spy)
    out = []
    for scenario in scenarios:
        seen.clear()
        run(scenario)
        out.append(list(seen))
    return out


def block_arguments(inputs: list[tuple], params: list) -> tuple[list, list]:
    """``evaluate_block``'s arguments for one step of several runs, and each run's arguments
    of ``kernels.evaluate`` (the same numbers)."""
    per_run = []
    for (aff, base, griev, stocks, pris, link, oil, oil_p, counts, step), p in zip(
        inputs, params, strict=True
    ):
        world = (aff, base, griev, stocks, pris, link, oil, oil_p)
        available, d_aff, d_stk, costs, _, _ = kernels.decide(world, counts, step, tuple(p))
        belief = kernels.beliefs(counts, available, p.prior_weight)
        per_run.append(
            (
                aff,
                base,
                griev,
                stocks,
                p.stock_decay,
                oil,
                oil_p,
                d_aff,
                d_stk,
                belief,
                costs,
                p.rho,
                p.discount,
                p.keeps_grievance,
                p.salience,
                p.trade_share,
                p.standing_share,
                p.oil_exposure,
                p.threat_aversion,
                p.harm_weight,
                p.weights,
                p.ant_step - step,
                p.ant_state,
                p.ant_bias,
                p.ant_slope,
                p.ant_shift,
                available,
            )  # fmt: skip
        )
    shared = {13, 21, 22, 23, 24, 25}  # the catalogue's and the elections' arrays
    stacked = [
        per_run[0][j] if j in shared else np.array([args[j] for args in per_run])
        for j in range(len(per_run[0]))
    ]
    return stacked, per_run


def check_block(scenarios, monkeypatch, steps=(1, 2, 5, 9, 14)):
    inputs = decide_inputs(scenarios, monkeypatch)
    params = [scenario_params(sc) for sc in scenarios]
    differing = 0
    for t in steps:
        stacked, per_run = block_arguments([runs[t - 1] for runs in inputs], params)
        available = stacked[-1]
        differing += int((available != available[0]).any())
        out = np.zeros(available.shape + (3,))
        evaluate_block(*stacked, out)
        for r, args in enumerate(per_run):
            want = kernels.evaluate(*args)
            assert out[r].tobytes() == want.tobytes(), (t, r)
    return differing


@pytest.mark.parametrize("rule", ["logit", "best_response"])
def test_block_equals_each_runs_evaluate_bit_for_bit(rule, monkeypatch):
    scenarios = varied_scenarios("jan2020", runs=9, rule=rule, seed=4)
    differing = check_block(scenarios, monkeypatch)
    assert differing > 0  # some steps have runs with different alternatives open


def test_block_equals_evaluate_with_several_elections_ahead(monkeypatch):
    scenarios = []
    for seed, decay in enumerate([0.0, 0.5, 0.9, 1.0]):
        cfg = _three_elections()
        cfg["seed"], cfg["dynamics"]["prestige_decay"] = seed, decay
        scenarios.append(build_scenario(cfg))
    check_block(scenarios, monkeypatch, steps=(1, 3, 6, 8))


def test_block_size_does_not_change_the_runs(monkeypatch):
    """Blocks of 1, 3 and 7 runs (a last block part full) against all runs in one block, and
    both against the Mesa model's choices."""
    scenarios = varied_scenarios("jan2020", runs=10, seed=5)
    records = {}
    for size in (1, 3, 7, 64):
        monkeypatch.setattr(ensemble, "BLOCK", size)
        records[size] = run_ensemble(scenarios)
    for size in (1, 3, 7):
        for name in ("choice", "stance", "payoffs", "utility", "probability"):
            got, want = getattr(records[size], name), getattr(records[64], name)
            assert got.tobytes() == want.tobytes(), (size, name)
    for r, scenario in enumerate(scenarios):
        np.testing.assert_array_equal(records[64].choice[r], run(scenario).record.choice)
