"""The command line: a good run writes every file; every bad input exits 2 with one line naming
the key and value, and leaves no result behind."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_cases import Case, invoke

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
    ("+trade.ISR.RUS=99", "trade.ISR.RUS=99.0: conflicts with trade.RUS.ISR=5.0"),
    ("seed=${nope.nothere}", "seed: Interpolation key 'nope.nothere' not found"),
    ("seed=${seed}", "seed: Recursive interpolation detected"),
    ("+actors.RUS={name: X}", "actors.RUS='{name: X}': state RUS already exists"),
    ("scenario.start=notadate", "scenario.start='notadate': is not a date"),
    ("+scenario.foo=1", "scenario.foo=1: unknown key"),
    ("+scenario.step_dayz=1", "scenario.step_dayz=1: unknown key; did you mean step_days?"),
    ("+actions.strike.goldstien=1", "strike.goldstien=1: unknown key; did you mean goldstein?"),
    ("+actors.RUS.rationalty=1", "RUS.rationalty=1: unknown key; did you mean rationality?"),
    ("overwrite=yes", "overwrite='yes': must be true or false"),
    (
        ("scenario.start=0001-01-01", "scenario.end=9999-12-31", "scenario.step_days=1"),
        "more than the 5,000,000 a run may hold",
    ),
    (("--config-dir", "/nonexistent"), "--config-dir '/nonexistent': no such folder"),
]


@pytest.mark.parametrize("override, expected", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(tmp_path, override, expected):
    """In this process, as the fuzz test runs (``cli_cases.invoke``); the result folder is
    never made."""
    argv = list(override) if isinstance(override, tuple) else [override]
    outcome = invoke(Case("sim-run", argv, valid=False), tmp_path)
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    assert expected in lines[0]
    assert not (tmp_path / "result").exists()


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


def test_a_qre_the_fixed_continuation_lost_is_followed(tmp_path):
    """Found by the fuzz test: at a large alpha in the five-state turkey scenario the logit
    QRE's branch turns faster than eight continuation steps follow (a traceback, residual 0.7);
    halving the step where the fixed point is lost follows it to the end."""
    argv = ["scenario=turkey", "dynamics.alpha=0.6", "seed=1", "decision=qre"]
    outcome = invoke(Case("sim-run", [*argv, "outputs.figures=false"], valid=True), tmp_path)
    assert outcome.code == 0, outcome.stderr
    summary = json.loads((tmp_path / "result" / "summary.json").read_text())
    assert summary["decision_rule"] == "qre" and summary["steps"] > 0
