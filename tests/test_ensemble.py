"""The ensemble path agrees with the Mesa model run by run: same choices at every step, the same
numbers (to 1e-9; in practice bit for bit) and the same results row, over every scenario, many
seeds and parameter values that differ between the runs of one ensemble."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import default_config
from omegaconf import OmegaConf

from sim import run_sweep as sweep
from sim.abm.model import run
from sim.engine.backends import scenario_params
from sim.engine.ensemble import (
    Uniforms,
    ensemble_params,
    generators,
    run_ensemble,
    shape_key,
    stack_params,
)
from sim.outputs import metrics
from sim.scenario.build import Reuse, build_scenario
from sim.sweeps.executors import with_values
from sim.sweeps.store import (
    Layout,
    cumulative,
    ensemble_columns,
    flatten_summary,
    load_failures,
    load_results,
)
from sim.version import __version__

SCENARIOS = sorted(
    p.stem for p in (Path(__file__).parent.parent / "configs/scenario").glob("*.yaml")
)
# the spans of the sampling designs (configs/spans/default.yaml), one draw per run
SPANS = {
    (group, key): tuple(span)
    for group, spans in yaml.safe_load(
        (Path(__file__).parent.parent / "configs/spans/default.yaml").read_text()
    ).items()
    for key, span in spans.items()
}
RUNS = 12


def varied_scenarios(name: str, runs: int = RUNS, rule: str = "logit", seed: int = 0):
    """``runs`` scenarios of ``name``, each with its own seed and parameter values."""
    rng = np.random.default_rng([seed, SCENARIOS.index(name)])
    out = []
    for _ in range(runs):
        cfg = default_config((f"scenario={name}", f"decision={rule}"))
        for (group, key), (lo, hi) in SPANS.items():
            cfg[group][key] = float(rng.uniform(lo, hi))
        cfg["seed"] = int(rng.integers(2**62))
        out.append(build_scenario(OmegaConf.to_container(OmegaConf.create(cfg), resolve=True)))
    return out


def assert_rows_equal(got: dict, expected: dict):
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        value = got[key]
        if isinstance(want, float):
            assert value == pytest.approx(want, abs=1e-9, rel=0), key
        else:
            assert value == want and type(value) is type(want), (key, value, want)


def check_run_by_run(scenarios):
    assert len({shape_key(s) for s in scenarios}) == 1
    record = run_ensemble(scenarios)
    layout = Layout.of(_NoDesign(), scenarios[:1])
    columns, errors = ensemble_columns(record, scenarios[0], layout)
    assert errors == {}
    for r, scenario in enumerate(scenarios):
        model = run(scenario)
        mesa = model.record
        np.testing.assert_array_equal(record.choice[r], mesa.choice)
        for name in ("stance", "payoffs", "utility", "probability"):
            np.testing.assert_allclose(
                getattr(record, name)[r], getattr(mesa, name), rtol=0, atol=1e-9, err_msg=name
            )
        expected = flatten_summary(
            metrics.run_summary(model, scenario.rng, "", __version__), layout
        )
        got = {k: None if v is None else v.tolist()[r] for k, v in columns.items()}
        assert_rows_equal(got, expected)
    return record


class _NoDesign:
    names: tuple = ()
    points: dict = {}


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_agrees_run_by_run(name):
    record = check_run_by_run(varied_scenarios(name))
    # the runs really differ from one another (else agreement would prove little): in their
    # choices, or (balance_only, where every state waits) in their stances
    differ = {tuple(c.ravel()) for c in record.choice}
    if len(differ) == 1:
        differ = {tuple(s[-1].ravel()) for s in record.stance}
    assert len(differ) > RUNS // 2


@pytest.mark.parametrize("name", ["jan2020", "incumbent_loses", "syria_deconfliction"])
def test_best_response_agrees_run_by_run(name):
    check_run_by_run(varied_scenarios(name, runs=6, rule="best_response", seed=1))


def test_one_run_alone_equals_the_same_run_in_a_crowd():
    scenarios = varied_scenarios("jan2020", runs=8, seed=2)
    crowd = run_ensemble(scenarios)
    alone = run_ensemble(scenarios[5:6])
    np.testing.assert_array_equal(crowd.choice[5], alone.choice[0])
    np.testing.assert_array_equal(crowd.stance[5], alone.stance[0])


def test_uniforms_are_each_generators_own_stream():
    seeds = [3, 2**40 + 7, 0]
    u = Uniforms(seeds, expected=4)
    got = np.concatenate([u.take(1), u.take(3), u.take(5), u.take(2)], axis=1)  # past the buffer
    for row, seed in zip(got, seeds, strict=True):
        g = np.random.default_rng(seed)
        np.testing.assert_array_equal(row, [g.random() for _ in range(11)])


SWEPT = {  # a sweep's paths, each run's value drawn in the span
    ("dynamics", "theatre_weight"): (0.25, 0.75),
    ("dynamics", "relaxation"): (0.7, 0.95),
    ("dynamics", "prestige_decay"): (0.8, 0.95),
    ("decision", "lam"): (2.0, 8.0),
    ("decision", "discount"): (0.9, 1.0),
    ("actors", "ISR", "capability"): (0.001, 0.01),
    ("actors", "IRN", "rationality"): (0.5, 1.5),
    ("theatres", "SYR", "USA"): (0.0, 1.0),
    ("trade", "RUS", "USA"): (0.0, 50.0),
    ("actions", "engage", "goldstein"): (0.0, 3.0),
}


@pytest.mark.parametrize(
    "paths",
    [list(SWEPT)[:5], list(SWEPT)[:6], list(SWEPT)[5:9], list(SWEPT)],
    ids=["dynamics and decision", "and actors", "actors, theatres, trade", "and catalogue"],
)
def test_ensemble_params_equal_each_runs_kernel_params_stacked(paths):
    """Runs built as a sweep builds them (shared config objects, one Reuse): the ensemble's
    constants, gathered across the runs, equal each run's KernelParams stacked, bit for bit."""
    base, reuse = default_config(("scenario=jan2020",)), Reuse()
    rng = np.random.default_rng(len(paths))
    scenarios = [
        build_scenario(with_values(base, paths, [rng.uniform(*SWEPT[p]) for p in paths]), reuse)
        for _ in range(7)
    ]
    got = ensemble_params(scenarios)
    expected = stack_params([scenario_params(sc) for sc in scenarios])
    for name, want in expected._asdict().items():
        value, want = np.asarray(getattr(got, name)), np.asarray(want)
        assert (value.dtype, value.shape) == (want.dtype, want.shape), name
        assert value.tobytes() == want.tobytes(), name


def test_generators_draw_default_rngs_streams():
    """The seeds are hashed all at once (numpy's SeedSequence rewritten on arrays): the same
    streams, for seeds of one and two 32-bit words."""
    seeds = [0, 1, 2**32 - 1, 2**32, 2**40 + 7, 2**63 - 1]
    seeds += np.random.default_rng(4).integers(0, 2**63 - 1, 40).tolist()
    for generator, seed in zip(generators(seeds), seeds, strict=True):
        np.testing.assert_array_equal(generator.random(20), np.random.default_rng(seed).random(20))


@pytest.mark.parametrize("steps", [3, 8, 22, 129, 300])
def test_cumulative_utility_sums_as_one_run_does_bit_for_bit(steps):
    rng = np.random.default_rng(steps)
    utility = rng.normal(size=(6, steps, 4)) * 10.0 ** rng.uniform(-3, 3, size=(6, steps, 4))
    expected = [[utility[r, :, i].sum() for i in range(4)] for r in range(6)]  # as summary()
    np.testing.assert_array_equal(cumulative(utility), expected, strict=True)


def test_shapes_that_cannot_share_an_ensemble_have_different_keys():
    base = default_config(("scenario=jan2020",))
    key = shape_key(build_scenario(base))
    assert shape_key(build_scenario({**base, "seed": 5})) == key
    assert (
        shape_key(build_scenario({**base, "dynamics": {**base["dynamics"], "alpha": 0.02}})) == key
    )
    longer = {**base, "decision": {**base["decision"], "horizon": 3}}
    assert shape_key(build_scenario(longer)) != key
    events = {k: dict(e) for k, e in base["scenario"]["events"].items()}
    events["issachar"]["label"] = "another label"
    other = {**base, "scenario": {**base["scenario"], "events": events}}
    assert shape_key(build_scenario(other)) != key


def test_sweep_engines_give_identical_tables(tmp_path):
    args = ["design=lhs", "design.n=12", "replicates=2", "seed=5", "executor=serial"]
    args += ["scenarios=[jan2020,il20]", "collect=steps"]
    tables = {}
    for engine in ("mesa", "ensemble"):
        out = tmp_path / engine
        outcome = sweep([*args, f"engine={engine}"], out)
        assert outcome.exit_code == 0
        tables[engine] = (
            pd.read_parquet(out / "results").sort_values("run").reset_index(drop=True),
            pd.read_parquet(out / "steps")
            .sort_values(["run", "step", "actor"])
            .reset_index(drop=True),
        )
    for mesa, ensemble in zip(tables["mesa"], tables["ensemble"], strict=True):
        assert len(mesa) > 0
        pd.testing.assert_frame_equal(mesa, ensemble, check_exact=False, rtol=0, atol=1e-9)


def test_sweep_engines_record_the_same_failures(tmp_path):
    """Runs whose config is refused and runs that choose an alternative the results have no
    column for are the same failures whichever engine ran them (the ensemble names every actor
    that chose such an alternative, the Mesa model the first, with the line that raised)."""
    args = ["design=lhs", "design.n=24", "seed=4", "executor=serial", "~design.parameters"]
    args += [
        "+design.parameters.actions.condemn.visibility=[0.0,1.2]",
        "+design.parameters.actions.assassinate.event_only={levels:[true,false]}",
        "+design.parameters.dynamics.alpha=[0.005,0.02]",
    ]
    tables = {}
    for engine in ("mesa", "ensemble"):
        outcome = sweep([*args, f"engine={engine}"], tmp_path / engine)
        assert outcome.exit_code == 1
        tables[engine] = [
            load(tmp_path / engine).sort_values("run").reset_index(drop=True)
            for load in (load_results, load_failures)
        ]
    (results, failures), (ensemble_results, ensemble_failures) = tables.values()
    assert failures["error"].str.contains("must be a finite number").any()
    assert failures["error"].str.contains("alternatives the base config").any()
    assert len(results) > 0
    refused = ~failures["error"].str.startswith("ValueError")
    pd.testing.assert_frame_equal(ensemble_failures[refused], failures[refused])
    pd.testing.assert_frame_equal(
        ensemble_failures.drop(columns="error"), failures.drop(columns="error")
    )
    pd.testing.assert_frame_equal(ensemble_results, results, check_exact=False, rtol=0, atol=1e-9)


def test_a_group_whose_ensemble_raises_is_run_one_by_one(tmp_path, monkeypatch):
    """If the ensemble of a group fails, each of its runs goes through the Mesa model, so that a
    failing run is recorded with its own error and the others still give their rows."""
    import sim.engine.ensemble

    args = ["design=lhs", "design.n=6", "seed=3", "executor=serial"]
    reference = sweep([*args, "engine=mesa"], tmp_path / "mesa")
    assert reference.exit_code == 0

    def broken(scenarios):
        raise FloatingPointError("an ensemble that cannot run")

    monkeypatch.setattr(sim.engine.ensemble, "run_ensemble", broken)
    outcome = sweep([*args, "engine=ensemble"], tmp_path / "fallback")
    assert outcome.exit_code == 0
    expected = pd.read_parquet(tmp_path / "mesa" / "results").sort_values("run")
    got = pd.read_parquet(tmp_path / "fallback" / "results").sort_values("run")
    pd.testing.assert_frame_equal(expected.reset_index(drop=True), got.reset_index(drop=True))
