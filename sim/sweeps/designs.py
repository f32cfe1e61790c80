"""Experimental designs of a sweep: which parameter values each design point takes.

Pure functions, no I/O. A design is read from the ``design`` section of the sweep config::

    design:
      type: sobol                  # grid | lhs | sobol | morris
      n: 1024                      # samples (Sobol: a power of two; Morris: trajectories)
      parameters:
        dynamics.heider: [0.25, 1.0]          # a range [low, high]
        decision:                             # nested keys are joined with dots
          lam: [2.0, 8.0]
        decision.rule: {levels: [logit, best_response]}   # a list of levels

A parameter is any dotted path of the composed configuration (``scenario.events.soleimani.change``;
``a.list[2].b`` for list items). Ranges are continuous, except over a key whose
configured value is an integer (``decision.horizon``) with integer bounds: those draw integers
in [low, high]. Levels are discrete: a grid takes every level, a sampling design maps its unit
sample onto the levels in equal shares.

The sampling designs (Latin hypercube, Sobol' with Saltelli's scheme, Morris trajectories) come
from SALib, drawn on the unit cube with the design's seed and scaled here with SALib's own rule
(``low + u * (high - low)``), so a continuous column equals SALib's scaled sample exactly.
Every mistake raises :class:`~sim.errors.ConfigError` naming the key and the value.
"""

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import ConfigError

DESIGNS = ("grid", "lhs", "sobol", "morris")
DESIGN_KEYS = {
    "grid": {"type", "parameters", "n"},
    "lhs": {"type", "parameters", "n", "seed"},
    "sobol": {"type", "parameters", "n", "seed", "second_order", "scramble"},
    "morris": {
        "type",
        "parameters",
        "n",
        "seed",
        "num_levels",
        "optimal_trajectories",
        "local_optimization",
    },
}
# Keys of the sweep config that are not model parameters (they cannot be swept).
RESERVED = ("design", "executor", "hydra", "seed")


@dataclass(frozen=True)
class Parameter:
    """One swept parameter: a range ``[low, high]`` or a tuple of ``levels``."""

    path: str
    keys: tuple  # the path as dict keys and list indices, e.g. ("scenario", "events", 2, "change")
    low: float | None = None
    high: float | None = None
    levels: tuple | None = None
    integer: bool = False

    @property
    def kind(self) -> str:
        return "levels" if self.levels is not None else "range"

    def spec(self) -> dict:
        """The normalised description kept in manifest.json (and hashed)."""
        if self.levels is not None:
            return {"levels": list(self.levels)}
        return {"range": [self.low, self.high], "integer": self.integer}

    def from_unit(self, u: np.ndarray):
        """Values of this parameter for unit-cube samples ``u`` in [0, 1]: a NumPy array for a
        range (no Python object per point: a sweep of millions of runs stays small), a list for
        levels."""
        if self.levels is not None:
            k = len(self.levels)
            pick = np.minimum(np.floor(u * k).astype(np.int64), k - 1)
            return [self.levels[int(i)] for i in pick]
        if self.integer:
            span = int(self.high) - int(self.low)
            pick = np.minimum(np.floor(u * (span + 1)).astype(np.int64), span)
            return int(self.low) + pick
        return u * (self.high - self.low) + self.low  # SALib's scale_samples

    def grid_levels(self, n: int) -> list:
        """Levels of this parameter in a full factorial grid (a range: ``n`` evenly spaced)."""
        if self.levels is not None:
            return list(self.levels)
        if self.integer:
            return sorted({int(round(x)) for x in np.linspace(self.low, self.high, n)})
        return np.linspace(self.low, self.high, n).tolist()


@dataclass(frozen=True)
class Design:
    """A validated design: its parameters and its points (one row per point)."""

    type: str
    parameters: tuple
    points: pd.DataFrame  # columns: parameter paths, in order; index: point number 0..P-1
    spec: dict  # the normalised design, as kept in manifest.json

    @property
    def size(self) -> int:
        return len(self.points)

    @property
    def names(self) -> list[str]:
        return [p.path for p in self.parameters]

    def problem(self) -> dict:
        """SALib's problem dict for analysing this design (levels are indexed 0..k on [0, k])."""
        bounds = [
            [0.0, float(len(p.levels))] if p.levels is not None else [p.low, p.high]
            for p in self.parameters
        ]
        return {"num_vars": len(self.parameters), "names": self.names, "bounds": bounds}


# ---------------------------------------------------------------------------------------------
# Parameters


def flatten_parameters(raw, prefix: str = "") -> list[tuple[str, object]]:
    """``{dynamics: {heider: [0, 1]}, "decision.lam": {levels: [2, 4]}}`` ->
    ``[("dynamics.heider", [0, 1]), ("decision.lam", {"levels": [2, 4]})]``.

    A mapping is a level list when it has the key ``levels``; any other mapping nests keys."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise ConfigError(prefix or "design.parameters", raw, "must be a mapping of parameters")
    out = []
    for key, value in raw.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and "levels" not in value:
            out.extend(flatten_parameters(value, path))
        else:
            out.append((path, value))
    return out


_INDEX = re.compile(r"\[(\d+)\]")


def split_path(path: str) -> list[str]:
    """``a.list[2].b`` -> ``["a", "list", "2", "b"]``."""
    return [p for p in _INDEX.sub(r".\1", path).split(".")]


def lookup(config: dict, path: str) -> tuple[tuple, object]:
    """The keys of ``path`` in ``config`` (list indices as ints) and the value there.

    Raises ``KeyError`` (with a reason) when the path does not exist."""
    node, keys = config, []
    for part in split_path(path):
        if isinstance(node, dict):
            if part not in node:
                raise KeyError(f"no key {part!r} there")
            keys.append(part)
            node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"no item {part!r} in a list of {len(node)}")
            keys.append(int(part))
            node = node[int(part)]
        else:
            raise KeyError(f"{keys[-1] if keys else path!r} holds a value, not keys")
    return tuple(keys), node


def _is_number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _is_scalar(x) -> bool:
    return x is None or isinstance(x, str | bool | int | float)


def parse_parameters(raw, configs: dict[str, dict]) -> tuple[Parameter, ...]:
    """Validate ``design.parameters`` against the composed model config of every scenario
    (``configs``: scenario name -> config dict, unresolved interpolations allowed)."""
    params = []
    seen = set()
    for path, value in flatten_parameters(raw):
        key = f"design.parameters.{path}"
        norm = ".".join(split_path(path))
        if norm in seen:
            raise ConfigError(key, value, "parameter given twice")
        seen.add(norm)
        top = split_path(path)[0]
        if top in RESERVED or top == "":
            reason = (
                "the seed of every run derives from the master seed `seed`; use `replicates`"
                if top == "seed"
                else "not a model parameter"
            )
            raise ConfigError(key, value, reason)
        keys, integer = None, True
        for name, config in configs.items():
            try:
                k, current = lookup(config, path)
            except KeyError as error:
                where = f" of scenario {name}" if len(configs) > 1 else ""
                raise ConfigError(
                    key,
                    value,
                    f"unknown parameter: {path} is not in the composed config{where} "
                    f"({error.args[0]})",
                ) from None
            if not _is_scalar(current):
                raise ConfigError(
                    key,
                    value,
                    f"{path} holds a {type(current).__name__}, not one value; "
                    "sweep one of its keys",
                )
            keys = keys or k
            integer = integer and isinstance(current, int) and not isinstance(current, bool)
        params.append(_parameter(key, norm, keys, value, integer))
    return tuple(params)


def _parameter(key: str, path: str, keys: tuple, value, integer: bool) -> Parameter:
    if isinstance(value, dict):  # {levels: [...]}
        extra = set(value) - {"levels"}
        if extra:
            raise ConfigError(
                key, value, f"unknown keys {sorted(extra)} (a level list is {{levels: [...]}})"
            )
        levels = value["levels"]
        if not isinstance(levels, list | tuple) or not levels:
            raise ConfigError(key, value, "levels must be a non-empty list")
        if not all(_is_scalar(v) for v in levels):
            raise ConfigError(key, value, "each level must be a single value")
        kinds = {type(v) for v in levels}
        if kinds - {int, float} and len(kinds) > 1:
            raise ConfigError(
                key, value, "levels must all be numbers, or all strings, or all booleans"
            )
        if float in kinds:
            levels = [float(v) for v in levels]
        return Parameter(path, keys, levels=tuple(levels))
    if not isinstance(value, list | tuple) or len(value) != 2 or not all(map(_is_number, value)):
        raise ConfigError(
            key, value, "must be a range [low, high] of two finite numbers or {levels: [...]}"
        )
    low, high = value
    if low == high:
        raise ConfigError(
            key, list(value), "empty range: low equals high (use {levels: [x]} for one value)"
        )
    if low > high:
        raise ConfigError(key, list(value), "reversed range: low is above high")
    integer = integer and isinstance(low, int) and isinstance(high, int)
    if integer:
        return Parameter(path, keys, low=int(low), high=int(high), integer=True)
    return Parameter(path, keys, low=float(low), high=float(high))


# ---------------------------------------------------------------------------------------------
# Sampling


def _positive_int(key, value, minimum=1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(key, value, f"must be an integer >= {minimum}")
    return value


def is_power_of_two(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def _unit_problem(d: int) -> dict:
    return {"num_vars": d, "names": [f"x{k}" for k in range(d)], "bounds": [[0.0, 1.0]] * d}


def grid(parameters, n: int = 3) -> list[tuple]:
    """Every combination of the parameters' levels, the first parameter varying slowest."""
    return list(itertools.product(*(p.grid_levels(n) for p in parameters)))


def lhs_unit(d: int, n: int, seed: int) -> np.ndarray:
    """Latin hypercube sample of ``n`` points on [0, 1]^d (SALib)."""
    from SALib.sample import latin

    return latin.sample(_unit_problem(d), n, seed=seed)


def sobol_unit(d: int, n: int, seed: int, second_order=True, scramble=True) -> np.ndarray:
    """Saltelli's extension of the Sobol' sequence on [0, 1]^d (SALib): ``n * (2d + 2)`` points
    with second-order indices, ``n * (d + 2)`` without."""
    from SALib.sample import sobol

    return sobol.sample(
        _unit_problem(d), n, calc_second_order=second_order, scramble=scramble, seed=seed
    )


def morris_unit(
    d: int, n: int, seed: int, num_levels=4, optimal_trajectories=None, local_optimization=True
) -> np.ndarray:
    """``n`` Morris trajectories on a ``num_levels`` grid of [0, 1]^d (SALib): ``n * (d + 1)``
    points, or ``optimal_trajectories * (d + 1)`` when the most spread trajectories are kept."""
    from SALib.sample import morris

    return morris.sample(
        _unit_problem(d),
        n,
        num_levels=num_levels,
        optimal_trajectories=optimal_trajectories,
        local_optimization=local_optimization,
        seed=seed,
    )


def design_size(spec: dict, d: int, n_levels: list[int] | None = None) -> int:
    """Number of points of a design with ``d`` parameters (a grid needs each one's level count)."""
    t, n = spec["type"], spec.get("n")
    if t == "grid":
        return math.prod(n_levels or [])
    if t == "lhs":
        return n
    if t == "sobol":
        return n * (2 * d + 2 if spec.get("second_order", True) else d + 2)
    if t == "morris":
        return (spec.get("optimal_trajectories") or n) * (d + 1)
    raise ValueError(t)


@dataclass(frozen=True)
class Draft:
    """A validated design not yet drawn. Drawing a sampling design imports SALib and SciPy (about
    a second), which ``sim-sweep`` does in another process while it prepares the rest."""

    type: str
    parameters: tuple
    spec: dict
    rows: list | None = None  # a grid's points (no sampling)

    @property
    def sampled(self) -> bool:
        """Whether drawing it takes SALib (any design but a grid)."""
        return self.rows is None

    def unit(self) -> np.ndarray | None:
        """The sample on the unit cube (SALib); None for a grid."""
        if not self.sampled:
            return None
        d, n, seed, spec = len(self.parameters), self.spec["n"], self.spec["seed"], self.spec
        if self.type == "lhs":
            return lhs_unit(d, n, seed)
        if self.type == "sobol":
            return sobol_unit(d, n, seed, spec["second_order"], spec["scramble"])
        levels, optimal = spec["num_levels"], spec["optimal_trajectories"]
        try:
            return morris_unit(d, n, seed, levels, optimal, spec["local_optimization"])
        except ValueError as error:  # SALib's own checks of the Morris options
            raise ConfigError("design", {"n": n, "num_levels": levels}, str(error)) from None

    def design(self, unit: np.ndarray | None = None) -> Design:
        """The design, from its unit sample (``unit()``, drawn here when not given)."""
        spec = dict(self.spec)
        if not self.sampled:
            return _design(self.type, self.parameters, self.rows, spec)
        unit = self.unit() if unit is None else unit
        columns = [p.from_unit(unit[:, j]) for j, p in enumerate(self.parameters)]
        return _design_of_columns(self.type, self.parameters, columns, spec)


def build_design(raw: dict, configs: dict[str, dict], master_seed: int) -> Design:
    """Validate the ``design`` section against the scenarios' configs and draw its points.

    ``master_seed`` seeds the sampling designs unless ``design.seed`` is set."""
    return check_design(raw, configs, master_seed).design()


def check_design(raw: dict, configs: dict[str, dict], master_seed: int) -> Draft:
    """Validate the ``design`` section against the scenarios' configs (see :func:`build_design`);
    raises ConfigError."""
    if not isinstance(raw, dict):
        raise ConfigError("design", raw, "must be a mapping")
    t = raw.get("type")
    if t not in DESIGNS:
        raise ConfigError("design.type", t, f"unknown design (known: {', '.join(DESIGNS)})")
    for k in raw:
        if k not in DESIGN_KEYS[t]:
            known = ", ".join(sorted(DESIGN_KEYS[t]))
            raise ConfigError(f"design.{k}", raw[k], f"not a key of a {t} design (known: {known})")
    parameters = parse_parameters(raw.get("parameters"), configs)
    d = len(parameters)
    spec = {"type": t, "parameters": {p.path: p.spec() for p in parameters}}
    if t == "grid":
        ranges = any(p.levels is None for p in parameters)
        n = raw.get("n", 3)
        if ranges:
            n = _positive_int("design.n", n, 2)
            spec["n"] = n
        return Draft(t, parameters, spec, grid(parameters, n if ranges else 3))

    if d == 0:
        raise ConfigError(
            "design.parameters", raw.get("parameters"), f"a {t} design needs parameters"
        )
    n = _positive_int("design.n", raw.get("n"))
    seed = raw.get("seed")
    seed = master_seed if seed is None else _positive_int("design.seed", seed, 0)
    spec.update(n=n, seed=seed)
    if t == "sobol":
        if not is_power_of_two(n):
            lo = 1 << (n.bit_length() - 1)
            raise ConfigError(
                "design.n", n, f"Sobol' sampling needs a power of two (such as {lo} or {lo * 2})"
            )
        second = raw.get("second_order", True)
        scramble = raw.get("scramble", True)
        for k, v in (("second_order", second), ("scramble", scramble)):
            if not isinstance(v, bool):
                raise ConfigError(f"design.{k}", v, "must be true or false")
        spec.update(second_order=second, scramble=scramble)
    elif t == "morris":
        levels = _positive_int("design.num_levels", raw.get("num_levels", 4), 2)
        optimal = raw.get("optimal_trajectories")
        if optimal is not None:
            optimal = _positive_int("design.optimal_trajectories", optimal, 2)
            if optimal >= n:
                raise ConfigError(
                    "design.optimal_trajectories", optimal, f"must be below design.n={n}"
                )
        local = raw.get("local_optimization", True)
        if not isinstance(local, bool):
            raise ConfigError("design.local_optimization", local, "must be true or false")
        spec.update(num_levels=levels, optimal_trajectories=optimal, local_optimization=local)
    return Draft(t, parameters, spec)


def _design(t, parameters, rows, spec) -> Design:
    names = [p.path for p in parameters]
    if names:
        points = pd.DataFrame.from_records(rows, columns=names)
    else:
        points = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    spec["points"] = len(rows)
    return Design(t, parameters, points, spec)


def _design_of_columns(t, parameters, columns, spec) -> Design:
    points = pd.DataFrame({p.path: c for p, c in zip(parameters, columns, strict=True)})
    spec["points"] = len(points)
    return Design(t, parameters, points, spec)
