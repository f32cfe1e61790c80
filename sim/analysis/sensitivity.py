"""Global sensitivity indices of a sweep's outcome (``sim.analysis.sensitivity``): Sobol' indices
of a ``sobol`` design, Morris elementary effects of a ``morris`` design, computed by SALib from
the runs of a loaded :class:`~sim.analysis.load.Sweep`.

SALib reads the outcome positionally: Saltelli's estimators take the rows of a ``sobol`` design
in blocks of ``2D + 2`` (``D + 2`` without second order) per base sample, Morris takes them in
trajectories of ``D + 1``. The runs of a sweep are in run order, possibly resumed, with several
replicates and scenarios and failed runs missing, so this module first reduces them to one value
per design point, in the design's row order, and refuses anything it cannot line up.

SALib is imported inside :func:`sensitivity` (it takes about a second to import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.analysis.load import Sweep

METHODS = ("sobol", "morris")
COLUMNS = ["index", "parameter", "parameter_2", "value", "conf"]


def sensitivity(
    sweep: Sweep,
    outcome: str,
    *,
    method: str | None = None,
    scenario: str | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    seed: int = 0,
) -> pd.DataFrame:
    """Sensitivity indices of one outcome over a ``sobol`` or ``morris`` sweep.

    The outcome is averaged over the replicates of each design point (the indices apportion
    the variance of the mean outcome, replicate noise averaged out), ordered as the design's
    rows and handed to ``SALib.analyze.sobol.analyze`` or ``SALib.analyze.morris.analyze``.

    Parameters
    ----------
    sweep : Sweep
        A loaded sweep (:func:`sim.analysis.load_sweep`, or one built by hand). Used:
        ``runs`` (columns ``point``, ``scenario``, the outcome; any row order, any number of
        replicates per point), ``design`` (``point`` and the parameters, one row per point,
        ``P`` rows), ``parameters`` (``D`` paths), ``problem``, ``design_type`` and
        ``manifest["design"]`` (``second_order``, ``num_levels``, the levels of discrete
        parameters).
    outcome : str
        A column of ``sweep.runs``: numbers or booleans (booleans count as 0/1).
    method : {"sobol", "morris"}, optional
        Defaults to the design's type. A method that does not fit the design raises.
    scenario : str, optional
        The scenario to analyse when the runs hold several (each scenario has its own indices:
        mixing them would add the scenario's effect to every parameter's). Needed then; when
        the runs hold one scenario it may be left out.
    conf_level : float
        Level of the bootstrap confidence intervals, in (0, 1).
    num_resamples : int
        Bootstrap resamples for the confidence intervals.
    seed : int
        Seed of SALib's bootstrap, so that ``conf`` is the same on every call.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per index and parameter, columns ``index``, ``parameter``,
        ``parameter_2``, ``value``, ``conf``:

        - ``sobol``: ``S1`` and ``ST`` (``D`` rows each), then ``S2`` when the design has
          second-order samples (``D (D - 1) / 2`` rows, one per pair ``parameter`` <
          ``parameter_2`` in the design's order). ``parameter_2`` is NaN except for ``S2``;
          ``conf`` is the half-width of the ``conf_level`` interval.
        - ``morris``: ``mu``, ``mu_star`` and ``sigma`` (``D`` rows each); ``conf`` is
          ``mu_star_conf`` for ``mu_star`` and NaN otherwise (effects per unit-grid step:
          ``y = c x`` on ``[low, high]`` has ``mu_star = |c| (high - low)``).
        ``attrs``: ``method``, ``outcome``, ``scenario``, ``points``, ``runs``.

    Raises
    ------
    ValueError
        A design that is neither ``sobol`` nor ``morris``, a method that does not fit it,
        several scenarios without ``scenario``, an unknown outcome or scenario, a non-numeric
        or constant outcome, or design points without a result (failed or missing runs).
    """
    method = _method(sweep.design_type, method, conf_level)
    y, runs = point_means(sweep, outcome, scenario)
    if np.ptp(y) <= np.finfo(float).eps:
        raise ValueError(
            f"{outcome!r} takes one value over the whole design: there is no variance to apportion"
        )
    names = list(sweep.parameters)
    spec = sweep.manifest.get("design") or {}
    problem = {"num_vars": len(names), "names": names, "bounds": _bounds(sweep, names)}
    if method == "sobol":
        table = _sobol(problem, y, spec, conf_level, num_resamples, seed)
    else:
        x = design_matrix(sweep, names, spec)
        table = _morris(problem, x, y, spec, conf_level, num_resamples, seed)
    table.attrs.update(
        method=method, outcome=outcome, scenario=scenario, points=int(y.size), runs=runs
    )
    return table


def _method(design_type: str, method: str | None, conf_level: float) -> str:
    """The method to use: the design's by default; one that does not fit it raises."""
    method = design_type if method is None else method
    if method not in METHODS:
        raise ValueError(
            f"unknown sensitivity method {method!r}: {' or '.join(METHODS)} "
            f"(a {design_type} design has no sensitivity indices here)"
        )
    if method != design_type:
        raise ValueError(
            f"the {method} method needs a {method} design, and this sweep's design is "
            f"{design_type}; draw the sweep with design={method}"
        )
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be between 0 and 1, not {conf_level!r}")
    return method


def point_means(sweep: Sweep, outcome: str, scenario: str | None = None) -> tuple[np.ndarray, int]:
    """The outcome averaged over replicates, one value per design point in the design's row
    order (shape ``(P,)``), and how many runs it averages.

    Why: SALib matches outputs to design rows by position only; a shuffled, resumed or
    replicated result table must be reduced and reordered first, and a hole must not shift
    the rest silently."""
    runs = sweep.runs
    if outcome not in runs.columns:
        raise ValueError(f"no outcome {outcome!r} in the sweep's runs")
    if "scenario" in runs.columns:
        present = sorted(pd.unique(runs["scenario"]).tolist())
        if scenario is not None:
            if scenario not in present:
                raise ValueError(f"no scenario {scenario!r} in the runs (they hold {present})")
            runs = runs[runs["scenario"] == scenario]
        elif len(present) > 1:
            raise ValueError(
                f"the runs hold {len(present)} scenarios ({present}); pick one with scenario="
            )
    elif scenario is not None:
        raise ValueError(f"the runs have no scenario column to pick scenario {scenario!r} from")
    values = runs[outcome]
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(float)
    elif not pd.api.types.is_numeric_dtype(values):
        raise ValueError(f"outcome {outcome!r} is not numeric (dtype {values.dtype})")
    means = values.astype(float).groupby(runs["point"]).mean()
    points = _design_points(sweep)
    y = means.reindex(points).to_numpy(dtype=float)
    missing = int(np.isnan(y).sum())
    if missing:
        raise ValueError(
            f"{missing} of {points.size} design points have no result for {outcome!r} "
            "(failed or not yet run); resume or retry the sweep before its sensitivity analysis"
        )
    extra = np.setdiff1d(means.index.to_numpy(), points)
    if extra.size:
        raise ValueError(f"{extra.size} points of the runs are not in the design")
    return y, int(values.notna().sum())


def design_matrix(sweep: Sweep, names: list[str], spec: dict) -> np.ndarray:
    """The design's values as floats, shape ``(P, D)``, rows in design order; a discrete
    parameter (levels) by its level's index.

    Why: SALib's Morris reads only which parameter moved, and which way, between consecutive
    rows of a trajectory; a level's index moves the same way as the unit sample behind it."""
    design = sweep.design.set_index("point").loc[_design_points(sweep)]
    specs = spec.get("parameters") or {}
    columns = []
    for name in names:
        column = design[name]
        levels = (specs.get(name) or {}).get("levels")
        if levels is not None:
            index = {level: k for k, level in enumerate(levels)}
            column = column.map(index)
        elif not pd.api.types.is_numeric_dtype(column):
            raise ValueError(
                f"parameter {name!r} has non-numeric values and no levels in the manifest's design"
            )
        columns.append(column.to_numpy(dtype=float))
    return np.column_stack(columns)


def _design_points(sweep: Sweep) -> np.ndarray:
    """The design's point numbers in its row order (shape ``(P,)``)."""
    if sweep.design is None or "point" not in sweep.design.columns or sweep.design.empty:
        raise ValueError("the sweep has no design table (design.parquet) to order the points by")
    return sweep.design["point"].to_numpy()


def _bounds(sweep: Sweep, names: list[str]) -> list:
    """SALib's bounds: the manifest's problem when it names these parameters, else [0, 1]
    (Sobol' indices use no bounds; Morris' unscaled effects neither)."""
    problem = sweep.problem or {}
    if list(problem.get("names") or []) == names and problem.get("bounds"):
        return [list(map(float, b)) for b in problem["bounds"]]
    return [[0.0, 1.0]] * len(names)


def _second_order(spec: dict, points: int, d: int) -> bool:
    """Whether a Sobol' design holds the ``BA`` cross samples for second-order indices: the
    manifest says so; else its size tells (``n (2D + 2)`` or ``n (D + 2)`` points)."""
    second = spec.get("second_order", points % (2 * d + 2) == 0)
    step = 2 * d + 2 if second else d + 2
    if points % step:
        kind = "with" if second else "without"
        raise ValueError(
            f"a Sobol' design of {d} parameters {kind} second order has a multiple of {step} "
            f"points, and this one has {points}"
        )
    return second


def _sobol(problem, y, spec, conf_level, num_resamples, seed) -> pd.DataFrame:
    """Saltelli's estimators (SALib) into the tidy table."""
    from SALib.analyze import sobol

    d = problem["num_vars"]
    second = _second_order(spec, y.size, d)
    # SALib tests `if seed:` and falls back to the global NumPy state for seed 0; a Generator
    # is always taken (np.random.default_rng returns it as it is), so seed 0 is reproducible too.
    result = sobol.analyze(
        problem,
        y,
        calc_second_order=second,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=np.random.default_rng(seed),
    )
    names = problem["names"]
    rows = [
        (index, name, np.nan, float(result[index][j]), float(result[f"{index}_conf"][j]))
        for index in ("S1", "ST")
        for j, name in enumerate(names)
    ]
    if second:
        rows += [
            ("S2", names[j], names[k], float(result["S2"][j, k]), float(result["S2_conf"][j, k]))
            for j in range(d)
            for k in range(j + 1, d)
        ]
    return _table(rows)


def _morris(problem, x, y, spec, conf_level, num_resamples, seed) -> pd.DataFrame:
    """Morris' elementary effects (SALib) into the tidy table."""
    from SALib.analyze import morris

    d = problem["num_vars"]
    if y.size % (d + 1):
        raise ValueError(
            f"a Morris design of {d} parameters has trajectories of {d + 1} points, and this "
            f"one has {y.size} points"
        )
    result = morris.analyze(
        dict(problem),  # SALib adds a "groups" key to the problem it is given
        x,
        y,
        num_resamples=num_resamples,
        conf_level=conf_level,
        num_levels=int(spec.get("num_levels", 4)),
        seed=seed,
    )
    conf = {"mu_star": np.asarray(result["mu_star_conf"], dtype=float)}
    rows = [
        (
            index,
            name,
            np.nan,
            float(np.asarray(result[index], dtype=float)[j]),
            float(conf[index][j]) if index in conf else np.nan,
        )
        for index in ("mu", "mu_star", "sigma")
        for j, name in enumerate(problem["names"])
    ]
    return _table(rows)


def _table(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame.from_records(rows, columns=COLUMNS)
    table["parameter_2"] = table["parameter_2"].astype(object)
    return table
