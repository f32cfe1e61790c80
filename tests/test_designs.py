"""Designs of a sweep: grid points by hand, sizes and bounds of the SALib designs, and every bad
design rejected with a ConfigError naming the key and the value."""

from pathlib import Path

import numpy as np
import pytest
from SALib.sample import latin, morris, sobol

from sim.errors import ConfigError
from sim.sweeps.designs import (
    build_design,
    design_size,
    flatten_parameters,
    lookup,
    parse_parameters,
)


@pytest.fixture(scope="module")
def configs(config_factory):
    """The composed model config (config.yaml with jan2020) as the sweep's only scenario."""
    return {"jan2020": config_factory()}


def design(configs, seed=0, **raw):
    return build_design(raw, configs, seed)


def test_grid_points_by_hand(configs):
    d = design(
        configs,
        type="grid",
        parameters={
            "dynamics": {"heider": {"levels": [0.25, 1.0]}},
            "decision.rule": {"levels": ["logit", "best_response", "logit"]},
        },
    )
    assert d.size == 6 == design_size(d.spec, 2, [2, 3])
    assert d.names == ["dynamics.heider", "decision.rule"]
    assert list(d.points.itertuples(index=False, name=None)) == [
        (0.25, "logit"),
        (0.25, "best_response"),
        (0.25, "logit"),
        (1.0, "logit"),
        (1.0, "best_response"),
        (1.0, "logit"),
    ]


def test_grid_ranges_integers_and_no_parameters(configs):
    d = design(
        configs,
        type="grid",
        n=3,
        parameters={"dynamics.alpha": [0.0, 0.02], "decision.horizon": [2, 6]},
    )
    # a range gives n evenly spaced levels; decision.horizon is an integer key: integer levels
    assert d.points["dynamics.alpha"].unique().tolist() == [0.0, 0.01, 0.02]
    assert d.points["decision.horizon"].unique().tolist() == [2, 4, 6]
    assert d.size == 9 and d.parameters[1].integer and not d.parameters[0].integer
    one = design(configs, type="grid", parameters={})
    assert one.size == 1 and one.names == []


def test_nested_dotted_and_indexed_paths_agree(configs):
    a = flatten_parameters({"dynamics": {"heider": [0, 1], "alpha": {"levels": [0.1]}}})
    b = flatten_parameters({"dynamics.heider": [0, 1], "dynamics.alpha": {"levels": [0.1]}})
    assert a == b == [("dynamics.heider", [0, 1]), ("dynamics.alpha", {"levels": [0.1]})]
    # events by id: the oil spike of jan2020 (configs/events/us_iran_crisis.yaml)
    (p,) = parse_parameters({"scenario.events.brent_spike.change": [0.0, 0.1]}, configs)
    (q,) = parse_parameters(
        {"scenario": {"events": {"brent_spike": {"change": [0.0, 0.1]}}}}, configs
    )
    assert p.keys == q.keys == ("scenario", "events", "brent_spike", "change")
    assert lookup(configs["jan2020"], "scenario.events.brent_spike.change") == (p.keys, 0.04)
    # list items by index, in either spelling (a list of the composed config)
    (r,) = parse_parameters({"balancer.rivals[1]": {"levels": ["IRN"]}}, configs)
    (t,) = parse_parameters({"balancer.rivals.1": {"levels": ["IRN"]}}, configs)
    assert r.keys == t.keys == ("balancer", "rivals", 1)


def test_lhs_size_bounds_and_strata(configs):
    n = 50
    d = design(
        configs,
        type="lhs",
        n=n,
        seed=7,
        parameters={"dynamics.heider": [0.25, 1.0], "decision.lam": [2.0, 8.0]},
    )
    assert d.size == n and d.spec["seed"] == 7
    for name, (lo, hi) in (("dynamics.heider", (0.25, 1.0)), ("decision.lam", (2.0, 8.0))):
        x = d.points[name].to_numpy()
        assert lo <= x.min() and x.max() <= hi
        # Latin hypercube: exactly one point in each of the n equal strata
        strata = np.floor((x - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata) == list(range(n))
    # equal to SALib's own sample scaled to the bounds, bit for bit
    problem = d.problem()
    np.testing.assert_array_equal(d.points.to_numpy(), latin.sample(problem, n, seed=7))


@pytest.mark.parametrize("second_order", [True, False])
def test_sobol_size_and_bounds(configs, second_order):
    params = {
        "dynamics.heider": [0.25, 1.0],
        "decision.lam": [2.0, 8.0],
        "dynamics.alpha": [0, 0.02],
    }
    n, dims = 64, 3
    d = design(configs, type="sobol", n=n, second_order=second_order, parameters=params)
    expected = n * (2 * dims + 2) if second_order else n * (dims + 2)
    assert d.size == expected == design_size(d.spec, dims)
    problem = d.problem()
    reference = sobol.sample(problem, n, calc_second_order=second_order, seed=0)
    np.testing.assert_array_equal(d.points.to_numpy(), reference)
    lows, highs = np.array(problem["bounds"]).T
    assert (d.points.to_numpy() >= lows).all() and (d.points.to_numpy() <= highs).all()


def test_morris_size_levels_and_discrete_parameters(configs):
    params = {
        "dynamics.heider": [0.0, 1.0],
        "decision.horizon": [2, 5],
        "decision.rule": {"levels": ["logit", "best_response"]},
    }
    d = design(configs, type="morris", n=10, num_levels=4, parameters=params)
    assert d.size == 10 * (3 + 1) == design_size(d.spec, 3)
    assert set(d.points["dynamics.heider"].round(12)) <= {
        0.0,
        round(1 / 3, 12),
        round(2 / 3, 12),
        1.0,
    }
    assert set(d.points["decision.horizon"]) <= {2, 3, 4, 5}
    assert set(d.points["decision.rule"]) <= {"logit", "best_response"}
    unit = morris.sample(
        {"num_vars": 3, "names": list("abc"), "bounds": [[0, 1]] * 3}, 10, num_levels=4, seed=0
    )
    np.testing.assert_array_equal(d.points["dynamics.heider"].to_numpy(), unit[:, 0])
    optimal = design(configs, type="morris", n=10, optimal_trajectories=4, parameters=params)
    assert optimal.size == 4 * (3 + 1)


def test_sampling_is_deterministic_in_the_seed(configs):
    params = {"dynamics.heider": [0.25, 1.0], "decision.lam": [2.0, 8.0]}
    a = design(configs, seed=3, type="lhs", n=20, parameters=params).points
    b = design(configs, seed=3, type="lhs", n=20, parameters=params).points
    c = design(configs, seed=4, type="lhs", n=20, parameters=params).points
    assert a.equals(b) and not a.equals(c)


BAD = [
    (
        {"type": "grid", "parameters": {"dynamics.nope": [0, 1]}},
        "design.parameters.dynamics.nope=[0, 1]: unknown parameter",
    ),
    (
        {"type": "grid", "parameters": {"dynamics": {"heidr": {"levels": [1]}}}},
        "design.parameters.dynamics.heidr={'levels': [1]}: unknown parameter",
    ),
    (
        {"type": "lhs", "n": 10, "parameters": {"dynamics.heider": [0.5, 0.5]}},
        "design.parameters.dynamics.heider=[0.5, 0.5]: empty range",
    ),
    (
        {"type": "lhs", "n": 10, "parameters": {"dynamics.heider": [1.0, 0.5]}},
        "design.parameters.dynamics.heider=[1.0, 0.5]: reversed range",
    ),
    (
        {"type": "sobol", "n": 1000, "parameters": {"dynamics.heider": [0, 1]}},
        "design.n=1000: Sobol' sampling needs a power of two (such as 512 or 1024)",
    ),
    ({"type": "lhs", "n": 0, "parameters": {"dynamics.heider": [0, 1]}}, "design.n=0: must be"),
    ({"type": "lhs", "n": 10, "parameters": {}}, "design.parameters={}: a lhs design needs"),
    (
        {"type": "lhs", "n": 10, "parameters": {"dynamics": [0, 1]}},
        "design.parameters.dynamics=[0, 1]: dynamics holds a dict, not one value",
    ),
    (
        {"type": "lhs", "n": 10, "parameters": {"seed": [0, 9]}},
        "design.parameters.seed=[0, 9]: the seed of every run derives from the master seed",
    ),
    (
        {"type": "lhs", "n": 10, "parameters": {"dynamics.heider": [0, "x"]}},
        "design.parameters.dynamics.heider=[0, 'x']: must be a range",
    ),
    (
        {"type": "grid", "parameters": {"dynamics.heider": {"levels": []}}},
        "design.parameters.dynamics.heider={'levels': []}: levels must be a non-empty list",
    ),
    (
        {"type": "grid", "parameters": {"decision.rule": {"levels": ["logit", 1]}}},
        "design.parameters.decision.rule={'levels': ['logit', 1]}: levels must all be",
    ),
    ({"type": "factorial", "parameters": {}}, "design.type='factorial': unknown design"),
    (
        {"type": "lhs", "n": 10, "levels": 3, "parameters": {"dynamics.heider": [0, 1]}},
        "design.levels=3: not a key of a lhs design",
    ),
    (
        {
            "type": "morris",
            "n": 4,
            "optimal_trajectories": 4,
            "parameters": {"dynamics.heider": [0, 1]},
        },
        "design.optimal_trajectories=4: must be below design.n=4",
    ),
    (
        {"type": "grid", "parameters": {"scenario.events.nosuch.change": [0, 1]}},
        "design.parameters.scenario.events.nosuch.change=[0, 1]: unknown parameter",
    ),
]


@pytest.mark.parametrize(("raw", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_designs_raise_config_errors(configs, raw, message):
    with pytest.raises(ConfigError) as info:
        build_design(raw, configs, 0)
    assert str(info.value).startswith(message), str(info.value)
    assert "\n" not in str(info.value)


def test_a_parameter_must_exist_in_every_scenario(config_factory):
    other = config_factory()
    events = dict(list(other["scenario"]["events"].items())[:2])  # not the oil spike
    other["scenario"] = {**other["scenario"], "events": events}
    configs = {"jan2020": config_factory(), "short": other}
    with pytest.raises(ConfigError, match="not in the composed config of scenario short"):
        build_design(
            {"type": "grid", "parameters": {"scenario.events.brent_spike.change": [0, 1]}},
            configs,
            0,
        )


def test_the_sampling_designs_share_one_group_of_spans():
    """lhs, sobol and morris compose configs/spans/default.yaml as design.parameters: the same
    twelve spans in the same order (the design's columns, hence its draws, follow the order)."""
    import yaml

    from sim.scenario.compose import CONFIG_DIR, compose_dict

    spans = yaml.safe_load((Path(CONFIG_DIR) / "spans" / "default.yaml").read_text())
    assert len(flatten_parameters(spans)) == 12
    for name in ("lhs", "sobol", "morris"):
        design_cfg = compose_dict([f"design={name}"], "sweep")["design"]
        assert flatten_parameters(design_cfg["parameters"]) == flatten_parameters(spans), name
        text = (Path(CONFIG_DIR) / "design" / f"{name}.yaml").read_text()
        assert "/spans@parameters: default" in text and "alpha:" not in text, name
