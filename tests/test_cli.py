"""The command line: a good run writes every file; every bad input exits 2 with one line naming
the key and value, and leaves no result behind."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SIM_RUN = Path(sys.executable).parent / "sim-run"


def sim_run(*args, out: Path, entry=(sys.executable, "-m", "sim.cli.run")):
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [*entry, *args, f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_run_writes_tables_summary_and_figures(tmp_path):
    proc = sim_run("seed=1", out=tmp_path, entry=(str(SIM_RUN),))
    assert proc.returncode == 0, proc.stderr
    for name in (
        "steps.parquet",
        "decisions.parquet",
        "events.parquet",
        "summary.json",
        "figures/relations.png",
        "figures/payoffs.png",
    ):
        assert (tmp_path / name).stat().st_size > 0, name
    summary = json.loads((tmp_path / "summary.json").read_text())
    required = {
        "scenario",
        "seed",
        "steps",
        "version",
        "config_hash",
        "actors",
        "final_stance",
        "cumulative_utility",
        "hedge_index",
        "tilt",
        "balance_broken",
        "balance_broken_step",
        "escalations",
        "responses",
        "action_counts",
    }
    assert required <= set(summary)
    assert summary["scenario"] == "jan2020" and summary["seed"] == 1
    assert summary["actors"] == ["RUS", "ISR", "IRN", "USA"]
    steps = pd.read_parquet(tmp_path / "steps.parquet")
    # 4 Nov 2019 .. 31 Mar 2020 is 149 days: 22 weekly steps
    assert summary["steps"] == 22 and len(steps) == 22 * 4
    assert {
        "stance_ISR",
        "security",
        "economic",
        "prestige",
        "utility",
        "action",
        "target",
        "probability",
    } <= set(steps.columns)
    decisions = pd.read_parquet(tmp_path / "decisions.parquet")
    chosen = decisions[decisions["chosen"]]
    assert len(chosen) == 22 * 4
    # the explanation adds up: expected utility is the sum of its three parts
    parts = decisions[["eu_security", "eu_economic", "eu_prestige"]].sum(axis=1)
    avail = decisions["available"]
    assert (parts[avail] - decisions.loc[avail, "expected_utility"]).abs().max() < 1e-9
    events = pd.read_parquet(tmp_path / "events.parquet")
    assert list(events["type"]).count("state_visit") == 2
    assert "RUS" in proc.stdout and "hedge index" in proc.stdout


BAD_INPUTS = [
    # (override, the text the one-line message must contain)
    ("scenario.events.2.target=XXX", "scenario.events[2].target='XXX'"),
    ("actors.RUS.weights.prestige=-0.5", "actors.RUS.weights.prestige=-0.5"),
    ("relations.ISR.IRN=-1.5", "relations.ISR.IRN=-1.5"),
    ("scenario.events.2.date=2021-01-01", "scenario.events[2].date='2021-01-01'"),
    ("scenario.events.2.type=coup", "scenario.events[2].type='coup'"),
    ("scenario.events.2.action=hug", "scenario.events[2].action='hug'"),
    ("+scenario.events.3.action=hug", "scenario.events[3].action='hug'"),  # oil shocks have none
    ("decision.lam=-1", "decision.lam=-1"),
    ("seed=abc", "seed='abc'"),
    ("decision=clairvoyant", "decision/clairvoyant"),
    ("nonsense=1", "nonsense"),
    # typos added with + are refused, naming the nearest key (issue 13)
    ("+decision.lamda=3", "decision.lamda=3: unknown key; did you mean lam?"),
    ("+seeed=3", "seeed=3: unknown key; did you mean seed?"),
    ("+dynamics.heidr=0.1", "dynamics.heidr=0.1: unknown key; did you mean heider?"),
    ("+outputs.figgures=true", "outputs.figgures=True: unknown key; did you mean figures?"),
    ("+balancer.rival=ISR", "balancer.rival='ISR': unknown key; did you mean rivals?"),
    ("outputs.figures='false'", "outputs.figures='false': must be true or false"),
    (
        "scenario.events.soleimani.target=USA",
        "soleimani.target='USA': must differ from perpetrator",
    ),
    ("scenario.name=../../escape", "scenario.name='../../escape': must be letters"),
]


@pytest.mark.parametrize("override, expected", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(tmp_path, override, expected):
    proc = sim_run(override, out=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "summary.json").exists()
    assert not list(tmp_path.glob("*.parquet"))


def test_all_zero_weights_exit_2(tmp_path):
    zero = [f"actors.IRN.weights.{k}=0" for k in ("security", "economic", "prestige")]
    proc = sim_run(*zero, out=tmp_path)
    assert proc.returncode == 2
    assert "actors.IRN.weights=" in proc.stderr and "zero" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_help_names_only_the_groups_each_command_uses(tmp_path):
    run_help = subprocess.run(
        [str(SIM_RUN), "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    sweep_help = subprocess.run(
        [str(SIM_RUN.parent / "sim-sweep"), "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run_help.returncode == 0 and sweep_help.returncode == 0
    groups = {
        text.split("== Config groups")[1].split("== Examples")[0] for text in (run_help.stdout,)
    }.pop()
    assert "decision:" in groups and "design:" not in groups and "executor:" not in groups
    assert "design: grid, lhs, sobol, morris" in sweep_help.stdout
