"""sim.analysis.sensitivity: Sobol' indices and Morris effects of a sweep's outcome, from designs
drawn by the project's own design code, with results shuffled and replicated as a sweep leaves
them."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.load import Sweep
from sim.analysis.sensitivity import sensitivity
from sim.sweeps.designs import build_design

NAMES = ("x1", "x2", "x3")
CONFIGS = {"base": dict.fromkeys(NAMES, 0.0)}  # a model config holding three float keys

# Ishigami & Homma (1990), a = 7, b = 0.1 on [-pi, pi]^3: analytic indices (Saltelli et al.
# 2008, Global Sensitivity Analysis: The Primer, p. 179).
ISHIGAMI_S1 = (0.314, 0.442, 0.0)
ISHIGAMI_ST = (0.558, 0.442, 0.244)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def design_of(bounds, **raw):
    """A design over x1, x2, x3 drawn by sim.sweeps.designs.build_design."""
    parameters = {name: list(b) for name, b in zip(NAMES, bounds, strict=True)}
    return build_design({**raw, "parameters": parameters}, CONFIGS, master_seed=0)


def sweep_of(design, y, replicates=2, scenarios=("base",), noise=0.0, seed=1) -> Sweep:
    """A Sweep as load_sweep returns it, for outcome ``y`` (one value per design point), with
    ``replicates`` runs per point and scenario and its rows shuffled."""
    rng = np.random.default_rng(seed)
    points = design.points.reset_index(names="point")
    p, r = len(points), replicates
    frames = []
    for s, name in enumerate(scenarios):
        point = np.repeat(np.arange(p), r)
        frames.append(
            pd.DataFrame(
                {
                    "run": (s * p + point) * r + np.tile(np.arange(r), p),
                    "scenario": name,
                    "point": point,
                    "replicate": np.tile(np.arange(r), p),
                    "seed": rng.integers(0, 2**62, p * r),
                    **{n: points[n].to_numpy()[point] for n in design.names},
                    "y": y[point] + noise * rng.standard_normal(p * r),
                    "high": y[point] > np.median(y),
                }
            )
        )
    runs = pd.concat(frames, ignore_index=True)
    runs = runs.iloc[rng.permutation(len(runs))].reset_index(drop=True)
    return Sweep(
        path=None,
        runs=runs,
        parameters=list(design.names),
        design=points,
        problem=design.problem() if design.type != "grid" else None,
        design_type=design.type,
        manifest={"design": design.spec, "problem": design.problem(), "replicates": r},
    )


@pytest.fixture(scope="module")
def ishigami_sweep():
    design = design_of([(-np.pi, np.pi)] * 3, type="sobol", n=2048, seed=3)
    return sweep_of(design, ishigami(design.points.to_numpy()), noise=1e-6)


def test_sobol_recovers_the_ishigami_indices(ishigami_sweep):
    table = sensitivity(ishigami_sweep, "y")
    assert list(table.columns) == ["index", "parameter", "parameter_2", "value", "conf"]
    assert table.attrs["method"] == "sobol"
    assert table.attrs["points"] == 2048 * 8 and table.attrs["runs"] == 2048 * 8 * 2
    for index, expected in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        rows = table[table["index"] == index]
        assert rows["parameter"].tolist() == list(NAMES)
        assert rows["parameter_2"].isna().all()
        np.testing.assert_allclose(rows["value"], expected, atol=0.05)
        assert (rows["conf"] > 0).all() and (rows["conf"] < 0.1).all()
    # second order: the only interaction of Ishigami is x1-x3 (S13 = ST1 - S1 = 0.244)
    s2 = table[table["index"] == "S2"]
    assert list(zip(s2["parameter"], s2["parameter_2"], strict=True)) == [
        ("x1", "x2"),
        ("x1", "x3"),
        ("x2", "x3"),
    ]
    np.testing.assert_allclose(s2["value"], [0.0, 0.244, 0.0], atol=0.05)


def test_sobol_is_reproducible_and_independent_of_row_order(ishigami_sweep):
    first = sensitivity(ishigami_sweep, "y", seed=0)
    again = sensitivity(ishigami_sweep, "y", seed=0)
    pd.testing.assert_frame_equal(first, again)  # the bootstrap is seeded (seed 0 too)
    ordered = Sweep(**{**vars(ishigami_sweep), "runs": ishigami_sweep.runs.sort_values("run")})
    np.testing.assert_allclose(
        sensitivity(ordered, "y", seed=0)["value"], first["value"], rtol=0, atol=1e-12
    )
    other = sensitivity(ishigami_sweep, "y", seed=5)
    np.testing.assert_array_equal(other["value"], first["value"])
    assert not np.array_equal(other["conf"], first["conf"])


def test_sobol_without_second_order_and_a_boolean_outcome():
    design = design_of([(-np.pi, np.pi)] * 3, type="sobol", n=1024, second_order=False)
    assert design.size == 1024 * 5
    table = sensitivity(sweep_of(design, ishigami(design.points.to_numpy())), "high")
    assert table["index"].unique().tolist() == ["S1", "ST"]
    assert np.isfinite(table["value"]).all()


def test_morris_of_a_linear_function():
    """Morris' elementary effect of y = c x on [0, 1] is c: mu_star = (5, 1, 0), sigma = 0."""
    design = design_of([(0.0, 1.0)] * 3, type="morris", n=20, num_levels=4, seed=2)
    x = design.points.to_numpy()
    table = sensitivity(sweep_of(design, 5 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2]), "y")
    assert table["index"].unique().tolist() == ["mu", "mu_star", "sigma"]
    mu_star = table[table["index"] == "mu_star"].set_index("parameter")
    assert mu_star.loc["x1", "value"] > mu_star.loc["x2", "value"] > mu_star.loc["x3", "value"]
    np.testing.assert_allclose(mu_star["value"], [5.0, 1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(table[table["index"] == "mu"]["value"], [5.0, 1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(table[table["index"] == "sigma"]["value"], 0.0, atol=1e-9)
    assert table[table["index"] != "mu_star"]["conf"].isna().all()


def test_morris_effects_are_per_unit_step_of_the_range():
    """Over [0, 10] the same y = 5 x1 + x2 has mu_star = coefficient * range (SALib's unscaled
    effects divide by the unit-grid step, not by the parameter's step)."""
    design = design_of([(0.0, 10.0), (0.0, 2.0), (0.0, 1.0)], type="morris", n=10, seed=4)
    x = design.points.to_numpy()
    table = sensitivity(sweep_of(design, 5 * x[:, 0] + x[:, 1]), "y")
    mu_star = table[table["index"] == "mu_star"]["value"]
    np.testing.assert_allclose(mu_star, [50.0, 2.0, 0.0], atol=1e-9)


@pytest.mark.parametrize("kind", ["lhs", "grid"])
def test_a_design_without_indices_is_refused(kind):
    raw = {"type": kind, "n": 8} if kind == "lhs" else {"type": kind, "n": 2}
    design = design_of([(0.0, 1.0)] * 3, **raw)
    sweep = sweep_of(design, design.points.to_numpy().sum(axis=1))
    with pytest.raises(ValueError, match=f"a {kind} design"):
        sensitivity(sweep, "y")
    with pytest.raises(ValueError, match=f"design is {kind}"):
        sensitivity(sweep, "y", method="sobol")


def test_a_method_that_does_not_fit_the_design_is_refused(ishigami_sweep):
    with pytest.raises(ValueError, match="morris method needs a morris design"):
        sensitivity(ishigami_sweep, "y", method="morris")
    with pytest.raises(ValueError, match="unknown sensitivity method 'fast'"):
        sensitivity(ishigami_sweep, "y", method="fast")


def test_missing_points_are_refused():
    design = design_of([(-np.pi, np.pi)] * 3, type="sobol", n=64)
    sweep = sweep_of(design, ishigami(design.points.to_numpy()))
    lost = sweep.runs["point"].isin([3, 17, 40])  # every replicate of three points failed
    failed = Sweep(**{**vars(sweep), "runs": sweep.runs[~lost]})
    with pytest.raises(ValueError, match="3 of 512 design points have no result"):
        sensitivity(failed, "y")
    one_left = sweep.runs[~(lost & (sweep.runs["replicate"] == 0))]  # one replicate is enough
    assert len(sensitivity(Sweep(**{**vars(sweep), "runs": one_left}), "y")) == 9


def test_several_scenarios_need_a_choice():
    design = design_of([(-np.pi, np.pi)] * 3, type="sobol", n=64)
    sweep = sweep_of(design, ishigami(design.points.to_numpy()), scenarios=("a", "b"))
    with pytest.raises(ValueError, match=r"2 scenarios \(\['a', 'b'\]\); pick one"):
        sensitivity(sweep, "y")
    with pytest.raises(ValueError, match="no scenario 'c'"):
        sensitivity(sweep, "y", scenario="c")
    table = sensitivity(sweep, "y", scenario="b")
    assert table.attrs["scenario"] == "b" and table.attrs["runs"] == 64 * 8 * 2


def test_unknown_and_constant_outcomes_are_refused(ishigami_sweep):
    with pytest.raises(ValueError, match="no outcome 'nope'"):
        sensitivity(ishigami_sweep, "nope")
    flat = Sweep(**{**vars(ishigami_sweep), "runs": ishigami_sweep.runs.assign(y=1.0)})
    with pytest.raises(ValueError, match="no variance"):
        sensitivity(flat, "y")
    text = Sweep(**{**vars(ishigami_sweep), "runs": ishigami_sweep.runs.assign(y="a")})
    with pytest.raises(ValueError, match="not numeric"):
        sensitivity(text, "y")


def test_morris_reads_a_discrete_parameter_by_its_level_index():
    """Levels enter SALib's X as their index: y = index of four levels moves by 2 on each
    Morris step of 2/3 (num_levels=4), an effect of 3 per unit step."""
    raw = {"type": "morris", "n": 10, "num_levels": 4}
    parameters = {"a": [0.0, 1.0], "rule": {"levels": ["lo", "mid", "hi", "top"]}}
    design = build_design({**raw, "parameters": parameters}, {"b": {"a": 0.0, "rule": "lo"}}, 0)
    index = design.points["rule"].map({"lo": 0, "mid": 1, "hi": 2, "top": 3}).to_numpy()
    table = sensitivity(sweep_of(design, 2 * design.points["a"].to_numpy() + index), "y")
    mu_star = table[table["index"] == "mu_star"]["value"]
    np.testing.assert_allclose(mu_star, [2.0, 3.0], atol=1e-9)
