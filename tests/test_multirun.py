"""``sim-run -m``: Hydra's multirun over a few variants, with the basic launcher (one job after
another in this process) and the joblib launcher (jobs in worker processes). Each variant writes
its usual run directory under ``hydra.sweep.dir``; a bad override exits 2 with one line before any
job runs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SIM_RUN = Path(sys.executable).parent / "sim-run"
ALPHAS = (0.005, 0.01)


def sim_run_m(*args, sweep_dir: Path):
    # warnings are errors here too, in the launcher and in its worker processes (they inherit it)
    env = {**os.environ, "HYDRA_FULL_ERROR": "0", "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [str(SIM_RUN), "-m", *args, "outputs.figures=false", f"hydra.sweep.dir={sweep_dir}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def job_config(job_dir: Path) -> dict:
    """The composed config a job ran with (Hydra writes it to ``.hydra/config.yaml``)."""
    return yaml.safe_load((job_dir / ".hydra" / "config.yaml").read_text())


def hydra_config(job_dir: Path) -> dict:
    return yaml.safe_load((job_dir / ".hydra" / "hydra.yaml").read_text())["hydra"]


@pytest.fixture(scope="module")
def basic_sweep(tmp_path_factory):
    sweep_dir = tmp_path_factory.mktemp("basic")
    alphas = ",".join(map(str, ALPHAS))
    return sim_run_m(f"dynamics.alpha={alphas}", sweep_dir=sweep_dir), sweep_dir


@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory):
    sweep_dir = tmp_path_factory.mktemp("joblib")
    alphas = ",".join(map(str, ALPHAS))
    proc = sim_run_m("hydra/launcher=joblib", f"dynamics.alpha={alphas}", sweep_dir=sweep_dir)
    return proc, sweep_dir


def check_variants(sweep_dir: Path) -> list[dict]:
    """Each variant's run directory is whole, ran with its own alpha, and the summaries differ."""
    assert (sweep_dir / "multirun.yaml").is_file()
    summaries = []
    for num, alpha in enumerate(ALPHAS):
        job = sweep_dir / str(num)
        for name in ("steps.parquet", "decisions.parquet", "events.parquet", "summary.json"):
            assert (job / name).stat().st_size > 0, (job, name)
        assert not (job / "figures").exists()  # outputs.figures=false reached every job
        assert job_config(job)["dynamics"]["alpha"] == alpha
        overrides = yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text())
        assert f"dynamics.alpha={alpha}" in overrides
        summary = json.loads((job / "summary.json").read_text())
        assert summary["scenario"] == "jan2020" and summary["steps"] == 22
        assert len(pd.read_parquet(job / "steps.parquet")) == 22 * 4
        summaries.append(summary)
    assert not (sweep_dir / str(len(ALPHAS))).exists()
    first, second = summaries
    # alpha scales every act's effect on the stances: the variants end in different worlds
    assert first["config_hash"] != second["config_hash"]
    assert first["final_stance"] != second["final_stance"]
    assert first["hedge_index"] != second["hedge_index"]
    return summaries


def test_basic_launcher_runs_each_variant_into_its_own_directory(basic_sweep):
    proc, sweep_dir = basic_sweep
    assert proc.returncode == 0, proc.stderr
    assert not proc.stderr, proc.stderr
    assert "Launching 2 jobs locally" in proc.stdout + proc.stderr
    check_variants(sweep_dir)
    for num in range(len(ALPHAS)):
        assert hydra_config(sweep_dir / str(num))["launcher"]["_target_"].endswith("BasicLauncher")


def test_joblib_launcher_runs_the_variants_in_worker_processes(joblib_sweep, basic_sweep):
    proc, sweep_dir = joblib_sweep
    assert proc.returncode == 0, proc.stderr
    assert not proc.stderr, proc.stderr
    assert "Joblib.Parallel(" in proc.stdout + proc.stderr
    assert "is launching 2 jobs" in proc.stdout + proc.stderr
    summaries = check_variants(sweep_dir)
    for num in range(len(ALPHAS)):
        launcher = hydra_config(sweep_dir / str(num))["launcher"]
        assert launcher["_target_"].endswith("JoblibLauncher")
        assert launcher["n_jobs"] == -1  # the plugin's default: every core
    # the same variant gives the same result whichever launcher ran it
    basic_proc, basic_dir = basic_sweep
    assert basic_proc.returncode == 0, basic_proc.stderr
    for num, summary in enumerate(summaries):
        assert summary == json.loads((basic_dir / str(num) / "summary.json").read_text())


BAD_MULTIRUNS = [
    # (overrides, the text the one-line message must contain)
    (("dynamics.alpha=0.01,0.02", "nonsense=1"), "nonsense"),
    (("dynamics.alpha=0.01,0.02", "decision=logit,clairvoyant"), "decision/clairvoyant"),
    (("hydra/launcher=joblib", "dynamics.alpha=0.01,0.02", "dynamics.heidr=1"), "heidr"),
    (("hydra/launcher=jobli", "dynamics.alpha=0.01,0.02"), "hydra/launcher/jobli"),
]


@pytest.mark.parametrize("overrides, expected", BAD_MULTIRUNS)
def test_bad_override_in_a_multirun_exits_2_with_one_line_before_any_job(
    tmp_path, overrides, expected
):
    sweep_dir = tmp_path / "sweep"
    proc = sim_run_m(*overrides, sweep_dir=sweep_dir)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("sim-run: error: ") and expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert not sweep_dir.exists()  # no job ran, nothing was written


@pytest.mark.parametrize("launcher", ["basic", "joblib"])
def test_bad_value_in_one_variant_exits_2_with_one_line(tmp_path, launcher):
    """A value the model refuses (not a composition error) is reported by the job that has it."""
    proc = sim_run_m(f"hydra/launcher={launcher}", "decision.lam=-1,1", sweep_dir=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert lines == ["sim-run: error: decision.lam=-1: must be a finite number in [0.0, inf]"]
    assert not (tmp_path / "0" / "summary.json").exists()
