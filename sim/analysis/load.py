"""Run and sweep folders as pandas DataFrames, for notebooks (``sim.analysis.load_run``,
``sim.analysis.load_sweep``). Parquet is read with pyarrow, only the columns asked for, so a
sweep of 100,000 runs loads in seconds."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

RUN_TABLES = ("steps", "decisions", "events")


@dataclass
class Run:
    """One ``sim-run`` result folder.

    Attributes
    ----------
    path : Path
    summary : dict
        ``summary.json``.
    steps, decisions, events : pandas.DataFrame
        The run's tables (``decisions`` and ``events`` empty for a classic game).
    config : dict
        The composed configuration (``.hydra/config.yaml``), when the folder has it.
    """

    path: Path
    summary: dict
    steps: pd.DataFrame
    decisions: pd.DataFrame
    events: pd.DataFrame
    config: dict = field(default_factory=dict)


@dataclass
class Sweep:
    """One ``sim-sweep`` folder.

    Attributes
    ----------
    path : Path
    runs : pandas.DataFrame
        One row per run (``run``, ``scenario``, ``point``, ``replicate``, ``seed``, the swept
        parameters, the outcomes), sorted by run.
    parameters : list of str
        The swept parameters' paths (columns of ``runs`` and ``design``).
    design : pandas.DataFrame
        One row per design point (``point`` and the parameters), in the design's order.
    problem : dict or None
        SALib's problem of the design (names, bounds), None for a grid.
    design_type : str
        ``grid``, ``lhs``, ``sobol`` or ``morris``.
    manifest : dict
        ``manifest.json`` (configuration, seeds, status, parts).
    """

    path: Path
    runs: pd.DataFrame
    parameters: list
    design: pd.DataFrame
    problem: dict | None
    design_type: str
    manifest: dict

    def steps(self, columns=None) -> pd.DataFrame:
        """The per-step series (``collect=steps``): one row per run, step and state."""
        from sim.sweeps.store import load_steps

        return load_steps(self.path, columns)


def load_run(path) -> Run:
    """A run folder (``summary.json`` and its tables) into DataFrames.

    Raises FileNotFoundError when ``path`` holds no whole result (no ``summary.json``).
    """
    path = Path(path)
    summary_file = path / "summary.json"
    if not summary_file.is_file():
        raise FileNotFoundError(f"{path}: no summary.json here (not a sim-run result folder)")
    tables = {
        name: pd.read_parquet(path / f"{name}.parquet")
        if (path / f"{name}.parquet").is_file()
        else pd.DataFrame()
        for name in RUN_TABLES
    }
    config = {}
    if (path / ".hydra" / "config.yaml").is_file():
        import yaml

        config = yaml.safe_load((path / ".hydra" / "config.yaml").read_text()) or {}
    return Run(path, json.loads(summary_file.read_text()), **tables, config=config)


def load_sweep(path, columns=None) -> Sweep:
    """A sweep folder into DataFrames: its runs (``columns``: only these, with the run's keys
    and the parameters), design, SALib problem and manifest.

    Raises FileNotFoundError when ``path`` holds no sweep (no ``manifest.json``).
    """
    from sim.sweeps.store import load_results

    path = Path(path)
    manifest_file = path / "manifest.json"
    if not manifest_file.is_file():
        raise FileNotFoundError(f"{path}: no manifest.json here (not a sim-sweep folder)")
    manifest = json.loads(manifest_file.read_text())
    spec = manifest.get("design") or {}
    parameters = list((spec.get("parameters") or {}).keys())
    keys = ["run", "scenario", "point", "replicate", "seed"]
    wanted = None if columns is None else list(dict.fromkeys([*keys, *parameters, *columns]))
    runs = load_results(path, columns=wanted)
    runs.attrs["parameters"] = parameters  # what discover() explores by default
    design_file = path / "design.parquet"
    design = pd.read_parquet(design_file) if design_file.is_file() else pd.DataFrame()
    return Sweep(
        path=path,
        runs=runs,
        parameters=parameters,
        design=design,
        problem=manifest.get("problem") if spec.get("type") != "grid" else None,
        design_type=str(spec.get("type", "grid")),
        manifest=manifest,
    )
