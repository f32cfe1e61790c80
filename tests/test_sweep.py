"""The sweep engine end to end: identical tables from every executor, a SIGKILLed sweep resumed
to the same rows, failures recorded and counted, bad designs refused before any run, scenarios
crossed, swept values reaching interpolations, per-step series."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import default_config
from omegaconf import OmegaConf

from sim import run_sweep as sweep
from sim.abm.model import run
from sim.errors import ConfigError
from sim.outputs import metrics
from sim.scenario.build import Reuse, build_scenario
from sim.scenario.compose import CONFIG_DIR, composer
from sim.sweeps.executors import run_seed, run_seeds, with_values
from sim.sweeps.store import flatten_summary, load_failures, load_results
from sim.version import __version__

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["design=lhs", "design.n=20", "replicates=2", "seed=11"]  # 40 runs, twelve parameters


def cli(*args, out: Path, timeout=180):
    env = {**os.environ, "CI": "true", "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli.sweep", *args, f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def wait_until(proc, ready, what: str, seconds: float = 120) -> None:
    """Poll until ``ready()`` while the subprocess ``proc`` still runs (it must not end first)."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert proc.poll() is None, f"the sweep ended before writing {what}"
        assert time.monotonic() < deadline, f"no {what} in {seconds:.0f} s"
        time.sleep(0.05)


def main(*args, out: Path, monkeypatch, capsys):
    """The real command line (``sim.cli.sweep.main``, Hydra included) in this process: exit code,
    stdout, stderr."""
    from sim.cli.sweep import main as sim_sweep

    monkeypatch.setattr(sys, "argv", ["sim-sweep", *args, f"hydra.run.dir={out}"])
    monkeypatch.setenv("CI", "true")
    capsys.readouterr()
    try:
        sim_sweep()
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("master", [0, 11, 2**32, 2**64 + 5, 2**130 + 7])
def test_run_seeds_equal_run_seed(master):
    """The seeds of a chunk are hashed all at once; each is still run_seed's."""
    indices = [0, 1, 2**32 - 1, 2**32, 2**40 + 3, *range(2, 400, 7)]
    assert run_seeds(master, indices).tolist() == [run_seed(master, i) for i in indices]


def direct_row(overrides, values: dict, run_index: int, seed: int, config_dir=CONFIG_DIR):
    """One run computed without the sweep engine: compose, set the values and the run's seed."""
    with composer(config_dir) as compose:
        cfg = compose("config", overrides)
    for path, value in values.items():
        OmegaConf.update(cfg, path, value, merge=False)
    config = OmegaConf.to_container(cfg, resolve=True)
    config["seed"] = run_seed(seed, run_index)
    model = run(build_scenario(config))
    return model, metrics.run_summary(model, config["seed"], "", __version__)


@pytest.fixture(scope="module")
def serial_small(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    outcome = sweep([*SMALL, "executor=serial"], out)
    assert outcome.exit_code == 0 and outcome.done == 40
    return out


def test_serial_local_and_dask_give_identical_tables(serial_small, tmp_path):
    """Also checked through the real command line in a subprocess (local vs serial)
    by the SIGKILL test below (300 runs)."""
    serial = load_results(serial_small)
    assert serial["run"].tolist() == list(range(40))
    assert serial["seed"].tolist() == [run_seed(11, r) for r in range(40)]
    for executor in ("local", "dask"):  # a real process pool; a real LocalCluster of processes
        out = tmp_path / executor
        outcome = sweep([*SMALL, f"executor={executor}", "executor.workers=2"], out)
        assert (outcome.exit_code, outcome.done, outcome.ran) == (0, 40, 40)
        session = json.loads((out / "manifest.json").read_text())["sessions"][0]
        assert session["executor"]["type"] == executor and session["executor"]["workers"] == 2
        pd.testing.assert_frame_equal(load_results(out), serial, check_exact=True)


def test_a_row_equals_the_run_done_by_hand(serial_small):
    results = load_results(serial_small)
    design = pd.read_parquet(serial_small / "design.parquet")
    row = results.iloc[7]
    assert (row["point"], row["replicate"]) == (3, 1)  # run = point * replicates + replicate
    values = design.loc[design["point"] == 3].drop(columns="point").iloc[0].to_dict()
    assert values == {k: row[k] for k in values}
    _, summary = direct_row([], values, run_index=7, seed=11)
    expected = flatten_summary(summary, _layout(serial_small, results))
    assert len(expected) > 100
    for key, value in expected.items():
        assert _same(row[key], value), (key, row[key], value)


def _same(a, b) -> bool:
    """Exactly equal, or both missing (None in a summary, NaN in a table)."""
    missing = [x is None or (isinstance(x, float) and np.isnan(x)) for x in (a, b)]
    return all(missing) if any(missing) else a == b


def _layout(out, results):
    from sim.sweeps.store import Layout

    cols = [c for c in results.columns if c.startswith("action_counts.")]
    codes = tuple(dict.fromkeys(c.split(".")[1] for c in cols))
    labels = {a: tuple(c.split(".", 2)[2] for c in cols if c.split(".")[1] == a) for a in codes}
    return Layout((), codes, labels)


def test_manifest_design_file_and_rerun_of_a_complete_sweep(serial_small):
    manifest = json.loads((serial_small / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["runs"] == {"total": 40, "done": 40, "failed": 0, "pending": 0}
    assert manifest["design"]["type"] == "lhs" and manifest["design"]["points"] == 20
    assert manifest["seeds"]["master"] == 11 and "SeedSequence" in manifest["seeds"]["rule"]
    assert manifest["version"] == __version__ and "commit" in manifest["git"]
    assert manifest["config"]["dynamics"]["heider"] == 0.5
    assert len(pd.read_parquet(serial_small / "design.parquet")) == 20
    again = sweep([*SMALL, "executor=serial"], serial_small)  # same command, same directory
    assert again.ran == 0 and again.done == 40 and again.exit_code == 0
    # another design in the same directory is refused before anything runs
    with pytest.raises(ConfigError, match="holds a sweep with a different design"):
        sweep([*SMALL[:-1], "seed=12", "executor=serial"], serial_small)
    with pytest.raises(ConfigError, match="holds a sweep with a different design"):
        sweep(
            ["design=lhs", "design.n=21", "replicates=2", "seed=11", "executor=serial"],
            serial_small,
        )


def test_sigkill_part_way_then_resume_equals_an_uninterrupted_sweep(tmp_path):
    args = [
        "design=lhs",
        "design.n=150",
        "replicates=2",
        "seed=5",  # 300 runs
        "executor=local",
        "executor.workers=2",
        "executor.chunk_size=10",
        "part_rows=20",
    ]
    out = tmp_path / "killed"
    env = {**os.environ, "CI": "true"}
    command = [sys.executable, "-m", "sim.cli.sweep", *args, f"hydra.run.dir={out}"]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(proc, lambda: list((out / "results").glob("part-*.parquet")), "a part")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep, its fork server and its workers
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running" and manifest["runs"]["pending"] > 0
    before = load_results(out)
    assert 0 < len(before) < 300 and before["run"].is_unique

    resumed = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"took over the lock of a sweep that did not finish (pid {proc.pid})" in resumed.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["sessions"]) == 2
    assert manifest["sessions"][1]["runs"] == 300 - len(before)
    assert not list(out.rglob(".*.tmp"))
    after = load_results(out)
    assert after["run"].tolist() == list(range(300))  # each run exactly once

    reference = sweep(
        [a for a in args if not a.startswith("executor")] + ["executor=serial"],
        tmp_path / "reference",
    )
    assert reference.done == 300
    pd.testing.assert_frame_equal(after, load_results(tmp_path / "reference"), check_exact=True)
    kept = after.set_index("run").loc[before["run"]].reset_index()
    pd.testing.assert_frame_equal(kept, before, check_exact=True)  # nothing rewritten


def test_a_second_sweep_into_a_folder_in_use_is_refused(tmp_path):
    """Two sweeps into one folder at once: the second exits 2 with one line naming the first's
    pid and writes nothing; the first's table is exact (before the lock both reported success
    with 272 duplicated and 184 missing runs of 1500)."""
    args = ["design=lhs", "design.n=2500", "replicates=2", "seed=5", "executor=serial"]
    out = tmp_path / "shared"  # 5000 runs: the first is still running when the second starts
    env = {**os.environ, "CI": "true"}
    command = [sys.executable, "-m", "sim.cli.sweep", *args, "part_rows=20"]
    first = subprocess.Popen(
        [*command, f"hydra.run.dir={out}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = out / "sweep.lock"
        wait_until(first, lambda: lock.is_file() and lock.stat().st_size, "the lock")
        second = cli(*args, "part_rows=20", out=out)
        assert first.poll() is None, "the first sweep ended before the second was refused"
    finally:
        _, err = first.communicate(timeout=300)
    assert second.returncode == 2, second.stderr
    line = f"another sweep is writing into this folder (pid {first.pid} on "
    assert second.stderr.count("\n") == 1 and line in second.stderr, second.stderr
    assert first.returncode == 0, err
    reference = sweep([*args, "part_rows=20"], tmp_path / "reference")
    assert reference.done == 5000
    pd.testing.assert_frame_equal(
        load_results(out), load_results(tmp_path / "reference"), check_exact=True
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["sessions"]) == 1


WEIGHTS = [
    "design=grid",
    "~design.parameters",
    "+design.parameters.actors.ISR.weights.security={levels:[0.0,0.5]}",
    "+design.parameters.actors.ISR.weights.economic={levels:[0.0,0.5]}",
    "+design.parameters.actors.ISR.weights.prestige={levels:[0.0,0.5]}",
    "replicates=2",
    "executor=serial",
]


def test_failing_runs_are_recorded_and_the_exit_code_says_so(tmp_path, monkeypatch, capsys):
    out = tmp_path / "weights"
    code, stdout, stderr = main(*WEIGHTS, out=out, monkeypatch=monkeypatch, capsys=capsys)
    # point 0 sets all three of Israel's weights to 0: build_scenario refuses it, runs 0 and 1
    assert code == 1, stderr
    assert "14 of 16 runs done, 2 failed" in stdout
    assert "sim-sweep: 2 of 16 runs failed (see" in stderr
    failures = load_failures(out)
    assert failures["run"].tolist() == [0, 1] and failures["point"].tolist() == [0, 0]
    assert (failures["actors.ISR.weights.security"] == 0.0).all()
    assert failures["error"].str.contains("weights must not all be zero").all()
    assert failures["seed"].tolist() == [run_seed(0, 0), run_seed(0, 1)]
    results = load_results(out)
    assert results["run"].tolist() == list(range(2, 16))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == {"total": 16, "done": 14, "failed": 2, "pending": 0}

    again = sweep(WEIGHTS, out)  # resume: nothing left; the failures still count
    assert (again.ran, again.failed, again.exit_code) == (0, 2, 1)
    retried = sweep([*WEIGHTS, "retry_failed=true"], out)  # run them again: still once each
    assert (retried.ran, retried.failed, retried.done) == (2, 2, 14)
    assert load_failures(out)["run"].tolist() == [0, 1]


MISTAKES = {  # two mistakes in one run's config; the first named is checked first
    "actors, dynamics": (("actors", "ISR", "capability"), -1.0, ("dynamics", "alpha"), 2.0),
    "dynamics, theatres": (("dynamics", "alpha"), 2.0, ("theatres", "SYR", "USA"), 2.0),
    "theatres, decision": (("theatres", "SYR", "USA"), 2.0, ("decision", "lam"), -1.0),
    "decision, scenario": (("decision", "lam"), -1.0, ("scenario", "step_days"), 0),
    "scenario, balancer": (("scenario", "step_days"), 0, ("balancer", "actor"), "XXX"),
    "balancer, outputs": (("balancer", "actor"), "XXX", ("outputs", "response_window"), 0),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_a_run_reports_its_first_mistake_whatever_ran_before(case):
    """A sweep's runs share the parts built from their shared config sections (config.Reuse): a
    run with two mistakes reports the one checked first, whether or not the sections around them
    were built for earlier runs."""
    first, first_value, second, second_value = MISTAKES[case]
    base = default_config(("scenario=jan2020",))
    warm = Reuse()
    build_scenario(base, warm)
    for reuse in (None, warm):
        for keys, values, reported in (
            ([second], [second_value], second),
            ([first], [first_value], first),
            ([first, second], [first_value, second_value], first),
            ([second, first], [second_value, first_value], first),
        ):
            with pytest.raises(ConfigError) as caught:
                build_scenario(with_values(base, keys, values), reuse)
            assert caught.value.key == ".".join(reported), (keys, reuse)


BAD = {
    "unknown-path": (
        ["+design.parameters.dynamics.nope=[0,1]"],
        "sim-sweep: error: design.parameters.dynamics.nope=[0, 1]: unknown parameter",
    ),
    "empty-range": (
        ["design=lhs", "~design.parameters", "+design.parameters.dynamics.heider=[0.5,0.5]"],
        "sim-sweep: error: design.parameters.dynamics.heider=[0.5, 0.5]: empty range",
    ),
    "sobol-not-power-of-two": (
        ["design=sobol", "design.n=1000"],
        "sim-sweep: error: design.n=1000: Sobol' sampling needs a power of two",
    ),
    "unreachable-dask": (
        ["executor=dask", "executor.address=tcp://127.0.0.1:1", "executor.timeout=1"],
        "sim-sweep: error: executor.address='tcp://127.0.0.1:1': no Dask scheduler answers there",
    ),
    "unknown-override": (["design.nope=3"], "sim-sweep: error: Could not override 'design.nope'"),
    "typo-with-plus": (
        ["+replicatess=5"],
        "sim-sweep: error: replicatess=5: unknown key; did you mean replicates?",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_designs_exit_2_with_one_line_before_any_run(tmp_path, monkeypatch, capsys, case):
    overrides, message = BAD[case]
    out = tmp_path / case
    if case == "unreachable-dask":  # through a real subprocess too
        proc = cli(*overrides, out=out)
        code, stderr = proc.returncode, proc.stderr
    else:
        code, _, stderr = main(*overrides, out=out, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2, stderr
    assert stderr.startswith(message), stderr
    assert stderr.count("\n") == 1
    assert not (out / "manifest.json").exists() and not (out / "results").exists()


QUIET = """# @package _global_
# A test scenario: a fifth state, one oil shock whose size is a scenario parameter.
scenario:
  name: quiet
  start: "2019-11-04"
  end: "2020-01-31"
  step_days: 7
  parameters:
    shock: 0.04
  events:
    - type: oil_shock
      date: "2019-12-02"
      change: ${scenario.parameters.shock}
      persistence: 0.5
      label: an oil shock
actors:
  TUR: {name: Turkey, capability: 0.01, weights: {security: 0.4, economic: 0.3, prestige: 0.3}}
"""


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("configs") / "configs"
    shutil.copytree(CONFIG_DIR, folder)
    (folder / "scenario" / "quiet.yaml").write_text(QUIET)
    return str(folder)


def test_scenarios_are_crossed_with_the_design(config_dir, tmp_path):
    overrides = [
        "scenarios=[jan2020,quiet]",
        "design=grid",
        "~design.parameters",
        "+design.parameters.dynamics.heider={levels:[0.25,1.0]}",
        "replicates=3",
        "executor=serial",
    ]
    outcome = sweep(overrides, tmp_path, config_dir=config_dir)
    assert outcome.done == 12 and outcome.exit_code == 0
    results = load_results(tmp_path)
    assert results["scenario"].tolist() == ["jan2020"] * 6 + ["quiet"] * 6
    assert results["point"].tolist() == [0, 0, 0, 1, 1, 1] * 2
    # the union of the scenarios' actors: jan2020 has no Turkey
    jan, quiet = results.iloc[0], results.iloc[6]
    assert np.isnan(jan["final_stance.RUS.TUR"]) and not np.isnan(quiet["final_stance.RUS.TUR"])
    assert jan[[c for c in results if c.startswith("action_counts.TUR.")]].sum() == 0
    _, summary = direct_row(["scenario=quiet"], {"dynamics.heider": 0.25}, 6, 0, config_dir)
    assert quiet["hedge_index"] == summary["hedge_index"]
    assert quiet["final_stance.RUS.TUR"] == summary["final_stance"]["RUS"]["TUR"]


def test_a_swept_value_reaches_what_interpolates_it(config_dir, tmp_path):
    overrides = [
        "scenario=quiet",
        "design=grid",
        "~design.parameters",
        "+design.parameters.scenario.parameters.shock={levels:[0.0,0.5]}",
        "executor=serial",
        "collect=steps",
    ]
    assert sweep(overrides, tmp_path, config_dir=config_dir).done == 2
    results = load_results(tmp_path)
    for r, shock in ((0, 0.0), (1, 0.5)):
        model, summary = direct_row(
            ["scenario=quiet"], {"scenario.parameters.shock": shock}, r, 0, config_dir
        )
        assert results.loc[r, "tilt"] == summary["tilt"]
        assert model.record.events[0]["event"].change == shock
    # collect=steps: one row per run, step and actor, in its own dataset
    steps = pd.read_parquet(tmp_path / "steps")
    assert len(steps) == 2 * 13 * 5 and set(steps["run"]) == {0, 1}
    last = steps[(steps["run"] == 1) & (steps["step"] == 13) & (steps["actor"] == "RUS")]
    assert last["stance_ISR"].item() == results.loc[1, "final_stance.RUS.ISR"]
    assert {"security", "economic", "prestige", "utility", "action", "probability"} <= set(steps)


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux: /proc/PID/task/*/children)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(x) for x in text]
    return out


def test_a_lost_local_worker_is_replaced_and_its_chunks_run_again(tmp_path):
    """SIGKILL one of the two local workers mid-sweep: the pool is rebuilt, the unfinished
    chunks run again, and the table equals an uninterrupted sweep's, each run once (before,
    BrokenProcessPool aborted the sweep)."""
    args = ["design=lhs", "design.n=1500", "replicates=2", "seed=5", "executor.chunk_size=20"]
    out = tmp_path / "lost"
    env = {**os.environ, "CI": "true"}
    command = [sys.executable, "-m", "sim.cli.sweep", *args, "executor=local", "part_rows=40"]
    proc = subprocess.Popen(
        [*command, "executor.workers=2", f"hydra.run.dir={out}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(proc, lambda: list((out / "results").glob("part-*.parquet")), "a part")
        workers = children(proc.pid)
        assert workers, "no worker process found"
        os.kill(workers[0], signal.SIGKILL)
    finally:
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "a local worker was lost; restarted the pool" in err, err
    reference = sweep([*args, "executor=serial", "part_rows=40"], tmp_path / "reference")
    assert reference.done == 3000
    after = load_results(out)
    assert after["run"].tolist() == list(range(3000))
    pd.testing.assert_frame_equal(after, load_results(tmp_path / "reference"), check_exact=True)


def verify_main(out: Path, capsys) -> tuple[int, str, str]:
    """``sim-verify out`` in this process: exit code, stdout, stderr."""
    from sim.cli.verify import main as sim_verify

    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        sim_verify([str(out)])
    captured = capsys.readouterr()
    return exit_.value.code, captured.out, captured.err


def test_verify_refuses_a_folder_that_is_not_a_sweep(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli.verify", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "not a sweep folder (no manifest.json)" in done.stderr


def read_steps(out: Path) -> pd.DataFrame:
    parts = sorted((out / "steps").glob("part-*.parquet"))
    frame = pd.concat([pd.read_parquet(p) for p in parts])
    return frame.sort_values(["run", "step", "actor"]).reset_index(drop=True)


DAMAGED = ["results/part-000001.parquet", "steps/part-000002.parquet", "failures.parquet"]


@pytest.mark.parametrize("damaged", [*DAMAGED, "design.parquet", "removed results part"])
def test_a_damaged_part_is_found_and_repaired_by_resume(tmp_path, capsys, damaged):
    """Each kind of part cut to half its bytes (or a results part deleted): the resumed sweep
    says what it repaired, runs those runs again, and ends with the tables of an undamaged
    sweep, exactly."""
    args = [*WEIGHTS, "collect=steps", "part_rows=4", "executor.chunk_size=4"]
    reference, out = tmp_path / "reference", tmp_path / "damaged"
    sweep(args, reference)
    shutil.copytree(reference, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(DAMAGED + ["design.parquet"]) <= set(manifest["parts"])
    if damaged == "removed results part":
        (out / "results/part-000000.parquet").unlink()
        said = "results/part-000000.parquet is missing: its 6 runs run again"  # runs 2-7
    else:
        data = (out / damaged).read_bytes()
        (out / damaged).write_bytes(data[: len(data) // 2])
        said = f"{damaged} cannot be read"
    capsys.readouterr()
    code, _, err = verify_main(out, capsys)
    assert code == 1 and (damaged if damaged in DAMAGED + ["design.parquet"] else said[:27]) in err
    assert "rerun the same sim-sweep command" in err
    again = sweep(args, out)
    err = capsys.readouterr().err
    assert f"sim-sweep: repaired: {said}" in err, err
    code, stdout, _ = verify_main(out, capsys)
    assert code == 0 and "parts whole, 14 result rows" in stdout, stdout
    assert again.exit_code == 1 and again.failed == 2 and again.done == 14
    pd.testing.assert_frame_equal(load_results(out), load_results(reference), check_exact=True)
    pd.testing.assert_frame_equal(load_failures(out), load_failures(reference), check_exact=True)
    pd.testing.assert_frame_equal(read_steps(out), read_steps(reference), check_exact=True)
    assert (out / "design.parquet").read_bytes() == (reference / "design.parquet").read_bytes()


def test_a_part_changed_in_place_is_found_by_its_checksum(tmp_path, capsys):
    """A part that still reads but is not the one written (rows rewritten): its checksum
    differs from the manifest's, so its runs run again."""
    args = [*WEIGHTS, "part_rows=4", "executor.chunk_size=4"]
    out = tmp_path / "changed"
    sweep(args, out)
    before = load_results(out)
    part = out / "results/part-000001.parquet"
    table = pd.read_parquet(part)
    table["hedge_index"] = 0.0
    table.to_parquet(part, index=False)
    capsys.readouterr()
    sweep(args, out)
    err = capsys.readouterr().err
    assert "results/part-000001.parquet differs from the checksum" in err, err
    pd.testing.assert_frame_equal(load_results(out), before, check_exact=True)
