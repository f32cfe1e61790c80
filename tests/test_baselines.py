"""The golden baseline: every shipped scenario and game, three seeds, both decision rules, and a
small sweep on each executor, reduced to hashes of their tables' contents and committed in
``tests/baseline/baseline.json``. A refactor that changes any number the model computes fails
here (the pattern of Covasim's ``tests/test_baselines.py``).

The hashes are of the table contents (column names, then every value as exact JSON: floats by
their shortest round-trip repr), never of Parquet bytes, which carry pyarrow's version. A
summary's ``version`` and ``config_hash`` are left out: the first is the package's release, the
second hashes the configuration's layout, which a refactor may change without changing a number.

Regenerate only deliberately, with a commit that says why: ``make baseline``.
"""

import hashlib
import json
import math
import sys
import tempfile
from pathlib import Path

if __name__ == "__main__":  # make baseline: the suite's NumPy settings, before NumPy is imported
    import conftest  # noqa: F401  (it sets NPY_DISABLE_CPU_FEATURES on an AVX-512 machine)

import numpy as np  # noqa: E402
import pandas as pd
import pytest

BASELINE = Path(__file__).resolve().parent / "baseline" / "baseline.json"
CONFIGS = Path(__file__).resolve().parent.parent / "configs"
SEEDS = (0, 1, 2)
RULES = ("logit", "best_response")
GAME_STEPS = 2000  # a game's first 2,000 rounds (the shipped 20,000-40,000 take a minute in all)
SUMMARY_SKIP = ("version", "config_hash")
SWEEP = ["design=lhs", "design.n=6", "replicates=2", "seed=5", "progress=false"]
EXECUTORS = {
    "serial": ["executor=serial"],
    "local": ["executor=local", "executor.workers=2"],
    "dask": ["executor=dask", "executor.workers=2"],
}


def scenario_names() -> list[str]:
    """Every scenario file shipped in ``configs/scenario/`` (games included), by name."""
    root = CONFIGS / "scenario"
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.yaml"))


def _plain(value):
    """A JSON-ready value, exact for floats (NaN and infinities spelled out)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def digest(payload) -> str:
    return hashlib.sha256(json.dumps(_plain(payload), sort_keys=True).encode()).hexdigest()


def table_digest(frame: pd.DataFrame) -> str:
    """Hash of a table's column names and values in row order (not of any file's bytes)."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    return digest({"columns": list(frame.columns), "values": columns})


def summary_digest(summary: dict) -> str:
    return digest({k: v for k, v in summary.items() if k not in SUMMARY_SKIP})


def run_tables(overrides: list[str]) -> tuple[dict, dict]:
    """One run's tables (name -> DataFrame) and its summary."""
    import sim
    from sim.abm import games
    from sim.outputs import metrics
    from sim.outputs.tables import decisions_table, events_table, steps_table

    config = sim.compose(overrides)
    model = sim.run_model(config)
    if config.scenario.get("payoffs") is not None:
        return {"steps": games.game_steps_table(model)}, games.game_summary(model, config.seed, "")
    frames = {
        "steps": steps_table(model),
        "decisions": decisions_table(model),
        "events": events_table(model),
    }
    return frames, metrics.run_summary(model, config.seed, "", "")


def run_case(scenario: str, seed: int, rule: str) -> dict:
    """The hashes of one run's tables and summary."""
    overrides = [f"scenario={scenario}", f"seed={seed}", f"decision={rule}"]
    if scenario.startswith("games/"):
        overrides.append(f"scenario.steps={GAME_STEPS}")
    frames, summary = run_tables(overrides)
    return {name: table_digest(frame) for name, frame in frames.items()} | {
        "summary": summary_digest(summary)
    }


def sweep_case(executor: str) -> dict:
    """The hash of a small sweep's results table on one executor."""
    import sim
    from sim.sweeps.store import load_results

    with tempfile.TemporaryDirectory() as out:
        sim.run_sweep([*SWEEP, *EXECUTORS[executor]], out)
        results = load_results(out).sort_values("run").reset_index(drop=True)
    return {"results": table_digest(results)}


def cases():
    for scenario in scenario_names():
        for seed in SEEDS:
            for rule in RULES:
                yield f"{scenario}/seed{seed}/{rule}", (run_case, (scenario, seed, rule))
    for executor in EXECUTORS:
        yield f"sweep/{executor}", (sweep_case, (executor,))


def compute() -> dict:
    return {name: fn(*args) for name, (fn, args) in cases()}


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text())


def test_baseline_covers_every_case(baseline):
    assert sorted(baseline) == sorted(name for name, _ in cases())


@pytest.mark.parametrize("scenario", scenario_names())
def test_runs_match_baseline(baseline, scenario):
    for seed in SEEDS:
        for rule in RULES:
            name = f"{scenario}/seed{seed}/{rule}"
            assert run_case(scenario, seed, rule) == baseline[name], name


@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_sweeps_match_baseline(baseline, executor):
    assert sweep_case(executor) == baseline[f"sweep/{executor}"]


def test_digest_sees_one_ulp():
    """The hash can fail: one unit in the last place of one value changes it."""
    frame = pd.DataFrame({"x": [0.1, 0.2]})
    other = frame.copy()
    other.loc[1, "x"] = np.nextafter(0.2, 1.0)
    assert table_digest(frame) != table_digest(other)


if __name__ == "__main__":  # make baseline
    BASELINE.parent.mkdir(exist_ok=True)
    BASELINE.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE} ({len(json.load(BASELINE.open()))} cases)", file=sys.stderr)
