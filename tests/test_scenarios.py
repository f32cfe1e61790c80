"""The scenario library: every shipped scenario runs through the command line; the counterfactuals
are jan2020 with only their stated change; the new event types (airstrike, peace_plan) do what
their docstrings say, checked against hand-computed values; the parameters of prisoner_swap,
syria_deconfliction and oil_shock change what the mechanism says they change; and every broken
scenario in tests/data/bad_scenarios/ stops with exit 2 and one line naming file, key and value.

The command-line runs are launched together at the start of the module (two per core)
to keep the file under a minute.
"""

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import default_config
from omegaconf import OmegaConf
from test_cli import ROOT, sim_run

from sim.abm.model import BalanceModel, run
from sim.core.events import EVENT_TYPES
from sim.errors import ConfigError
from sim.scenario.build import build_scenario

SCENARIO_DIR = ROOT / "configs" / "scenario"
SCENARIOS = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))  # games/ is a folder: not listed
BAD_DIR = Path(__file__).resolve().parent / "data" / "bad_scenarios"
BAD = sorted(p.stem for p in (BAD_DIR / "scenario").glob("*.yaml"))


def build(overrides=(), edit=None):
    """The typed scenario of ``configs/config.yaml`` with overrides, interpolations resolved."""
    cfg = default_config(tuple(overrides))
    if edit is not None:
        edit(cfg)
    return build_scenario(OmegaConf.create(cfg))


# --- command-line runs, started once for the module --------------------------------------------


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Every command-line run this module checks, run concurrently: a multirun over all shipped
    scenarios, prisoner_swap with the linkage open, and each broken scenario."""
    base = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}

    def multirun():
        out = base / "multirun"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim.cli.run",
                "-m",
                f"scenario={','.join(SCENARIOS)}",
                "outputs.figures=false",
                f"hydra.sweep.dir={out}",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=300,
        )
        return proc, out

    def single(name, *args):
        out = base / name
        return sim_run(*args, "outputs.figures=false", out=out), out

    jobs = {"multirun": multirun}
    jobs["prisoner_swap_open"] = lambda: single(
        "prisoner_swap_open", "scenario=prisoner_swap", "scenario.parameters.linkage_open=true"
    )
    for name in BAD:
        jobs[f"bad/{name}"] = lambda name=name: single(
            f"bad_{name}", "--config-dir", str(BAD_DIR), f"scenario={name}"
        )
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


def test_the_library_has_the_scenarios_of_issue_3():
    expected = {
        "jan2020",
        "soleimani",
        "prisoner_swap",
        "syria_deconfliction",
        "oil_shock",
        "western_isolation",
        "no_visits",
        "incumbent_loses",
        "no_assassination",
        "turkey",
    }
    assert expected <= set(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_runs_through_the_cli(cli_runs, name):
    proc, out = cli_runs["multirun"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    job = SCENARIOS.index(name)  # the sweep runs the scenarios in the order given
    summary = json.loads((out / str(job) / "summary.json").read_text())
    assert summary["scenario"] == name
    assert summary["steps"] >= 1 and "hedge_index" in summary


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_file_is_documented(name):
    text = (SCENARIO_DIR / f"{name}.yaml").read_text()
    lines = text.splitlines()
    assert lines[0] == "# @package _global_"
    assert len([x for x in lines[1:12] if x.startswith("#")]) >= 3  # a header: what, when, sources
    scenario = build([f"scenario={name}"]).name
    assert scenario == name
    docs = (ROOT / "docs" / "SCENARIOS.md").read_text()
    assert f"`{name}`" in docs


def test_turkey_adds_a_fifth_state(cli_runs):
    proc, out = cli_runs["multirun"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads((out / str(SCENARIOS.index("turkey")) / "summary.json").read_text())
    assert summary["actors"] == ["RUS", "ISR", "IRN", "USA", "TUR"]
    assert set(summary["final_stance"]["TUR"]) == {"RUS", "ISR", "IRN", "USA"}


# --- counterfactuals of jan2020: only the stated change ------------------------------------------


def _events(name):
    return default_config((f"scenario={name}",))["scenario"]["events"]


def _live(events: dict) -> dict:
    """The events that are switched on, without ``enabled``."""
    return {
        k: {f: v for f, v in e.items() if f != "enabled"}
        for k, e in events.items()
        if e.get("enabled", True)
    }


def test_counterfactuals_keep_jan2020_events_order_and_labels():
    base = _events("jan2020")
    assert list(base) == [
        "issachar",
        "burkov",
        "putin_jerusalem",
        "election",
        "soleimani",
        "brent_spike",
        "al_asad",
        "netanyahu_moscow",
    ]
    visits = {"putin_jerusalem", "netanyahu_moscow"}
    assert _live(_events("no_visits")) == {k: e for k, e in base.items() if k not in visits}
    crisis = {"soleimani", "brent_spike", "al_asad"}
    assert _live(_events("no_assassination")) == {k: e for k, e in base.items() if k not in crisis}
    lost = _events("incumbent_loses")
    assert list(lost) == list(base)
    changed = [k for k in base if base[k] != lost[k]]
    assert changed == ["election"]
    before, after = base["election"], lost["election"]
    assert {k for k in before if before[k] != after.get(k)} == {"incumbent_prob"}
    assert after["incumbent_prob"] == 1e-6


def test_counterfactual_files_say_only_what_changes():
    """A counterfactual composes jan2020 and names only the events it changes or switches off."""
    import yaml

    for name, events in {
        "no_visits": {
            "putin_jerusalem": {"enabled": False},
            "netanyahu_moscow": {"enabled": False},
        },
        "no_assassination": {
            k: {"enabled": False} for k in ("soleimani", "brent_spike", "al_asad")
        },
        "incumbent_loses": {"election": {"incumbent_prob": 1e-6}},
    }.items():
        data = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text())
        assert data["defaults"] == ["jan2020", "_self_"], name
        assert data["scenario"]["events"] == events, name
        assert set(data) == {"defaults", "scenario"}, name


def test_events_fire_in_the_order_of_their_steps_and_files():
    # jan2020 composes its crisis and Netanyahu's visit after its own events: they are sorted by
    # step, and same-step events (the killing and the oil spike) keep their order
    labels = [e.label for e in build(["scenario=jan2020"]).events]
    assert labels == [
        "Naama Issachar held in Russia",
        "Burkov extradited to the US; the linkage lapses",
        "US kills Qassem Soleimani",
        "Brent up 4%",
        "Iran strikes US bases in Iraq",
        "Putin in Jerusalem",
        "Netanyahu in Moscow",
        "Israel's general election",
    ]
    turkey = [e.label for e in build(["scenario=turkey"]).events]
    assert turkey.index("Putin in Istanbul (TurkStream)") + 1 == turkey.index(
        "Iran strikes US bases in Iraq"
    )


def test_an_event_is_switched_off_with_enabled_false_and_then_not_checked():
    sc = build(["scenario=jan2020", "++scenario.events.soleimani.enabled=false"])
    assert "assassination" not in {e.type for e in sc.events} and len(sc.events) == 7
    # a switched-off event may be anything: it is left out before it is checked
    off = build(["scenario=jan2020", "+scenario.events.x={type: coup, enabled: false}"])
    assert len(off.events) == 8


@pytest.mark.parametrize(
    "override, key, value",
    [
        ("scenario.events.soleimani.target=XXX", "scenario.events.soleimani.target", "XXX"),
        (
            "scenario.events.brent_spike.date=2021-01-01",
            "scenario.events.brent_spike.date",
            "2021-01-01",
        ),
        ("++scenario.events.election.enabled=1", "scenario.events.election.enabled", 1),
        ("+scenario.events.7={type: coup}", "scenario.events.7", {"type": "coup"}),
    ],
)
def test_bad_events_are_named_by_id(override, key, value):
    with pytest.raises(ConfigError) as err:
        build(["scenario=jan2020", override])
    assert err.value.key == key and err.value.value == value


def test_events_must_be_a_mapping_of_ids():
    def edit(cfg):
        cfg["scenario"]["events"] = "soleimani"

    with pytest.raises(ConfigError, match="mapping of event ids"):
        build(edit=edit)


def test_incumbent_loses_loses_in_every_seed_tried():
    # survival probability logistic(logit(1e-6) + 0.08 * P) is below 1e-3 unless Israel's
    # prestige stock P exceeds about 86 points; the draws of a few seeds never land there.
    for seed in range(3):
        model = run(build(["scenario=incumbent_loses", f"seed={seed}"]))
        (election,) = [r for r in model.record.events if r["event"].type == "election"]
        assert election["outcome"] == "incumbent loses"
        assert election["probability"] < 1e-3


# --- airstrike ------------------------------------------------------------------------------------

# Israel strikes Iran at the initial stances with the `strike` act (G = -10, intensity 1):
# g = alpha * G = 0.01 * -10 = -0.1. Iran's receptivity to a hostile act from a state it views
# at -0.9 is q = (1 - (-0.9)) / 2 = 0.95, so g*q = -0.095:
#   Iran toward Israel: -0.095; Israel toward Iran (self_shift 0.5): -0.0475;
#   Russia toward Israel (heider 0.5, visibility 1, Russia's stance toward Iran 0.5):
#     0.5 * 1 * -0.095 * 0.5 = -0.02375;  USA toward Israel: 0.5 * -0.095 * -0.8 = +0.038.
#   Iran's damage stock: +5 (strike's damage_target).
# alpha is pinned at 0.01 for round numbers (the hand-set default before issue 12; the default,
# estimated, is 0.00059): every affinity change here is proportional to it.
ALPHA = "dynamics.alpha=0.01"
STRIKE_EFFECT = {("IRN", "ISR"): -0.095, ("ISR", "IRN"): -0.0475, ("RUS", "ISR"): -0.02375}


def _fire_airstrike(edit_relations=None, **params):
    def edit(cfg):
        cfg["scenario"]["events"] = {
            "raid": {
                "type": "airstrike",
                "step": 1,
                "attacker": "ISR",
                "target": "IRN",
                "theatre": "SYR",
                **params,
            }
        }
        if edit_relations:
            edit_relations(cfg)

    model = BalanceModel(build([ALPHA], edit=edit))
    before = model.world.copy()
    model.fire_events(1)
    ix = model.structure.index
    d_aff = model.world.affinity - before.affinity
    d_stk = model.world.stocks - before.stocks
    return ix, d_aff, d_stk, model.record.events[-1]


def test_deconflicted_airstrike_spares_the_deconflicting_state():
    ix, d_aff, d_stk, rec = _fire_airstrike(deconflicted_by="RUS")
    for (a, b), value in STRIKE_EFFECT.items():
        assert np.isclose(d_aff[ix[a], ix[b]], value)
    assert np.isclose(d_aff[ix["USA"], ix["ISR"]], 0.038)
    assert np.allclose(d_stk[ix["RUS"]], 0.0)  # Russia forewarned: not hit
    assert np.allclose(d_stk[ix["IRN"]], [0.0, 5.0, 0.0])
    assert rec["outcome"] == "RUS spared (deconflicted)"


def test_airstrike_without_deconfliction_hits_the_exposed_state():
    ix, d_aff, d_stk, rec = _fire_airstrike(
        exposed="RUS", collateral_damage=7.0, prestige_loss=3.0, affinity_loss=0.2
    )
    rus, isr = ix["RUS"], ix["ISR"]
    assert np.allclose(d_stk[rus], [-3.0, 7.0, 0.0])  # prestige -3, damage +7
    assert np.isclose(d_aff[rus, isr], -0.02375 - 0.2)  # structural balance plus resentment
    assert np.allclose(d_stk[ix["IRN"]], [0.0, 5.0, 0.0])
    assert rec["outcome"] == "RUS hit"


def test_deconfliction_fails_when_the_deconflictor_is_not_friendly():
    def cool(cfg):
        cfg["relations"]["RUS"]["ISR"] = -0.2  # Russia's stance toward the attacker <= 0

    ix, d_aff, d_stk, rec = _fire_airstrike(cool, deconflicted_by="RUS")
    assert np.allclose(d_stk[ix["RUS"]], [-5.0, 5.0, 0.0])  # the defaults: 5 and 5
    assert rec["outcome"] == "RUS hit"


def test_airstrike_with_no_third_state_is_the_strike_alone():
    ix, d_aff, d_stk, rec = _fire_airstrike()
    assert np.allclose(d_stk[ix["RUS"]], 0.0)
    assert np.isclose(d_aff[ix["RUS"], ix["ISR"]], -0.02375)
    assert "outcome" not in rec


@pytest.mark.parametrize(
    "params, key, value",
    [
        ({"deconflicted_by": "SAU"}, "deconflicted_by", "SAU"),
        ({"exposed": "IRN"}, "exposed", "IRN"),
        ({"deconflicted_by": "RUS", "exposed": "USA"}, "exposed", "USA"),
        ({"theatre": ""}, "theatre", ""),
        ({"collateral_damage": -1.0}, "collateral_damage", -1.0),
    ],
)
def test_airstrike_validation(params, key, value):
    def edit(cfg):
        event = {"type": "airstrike", "step": 1, "attacker": "ISR", "target": "IRN"}
        event["theatre"] = "SYR"
        cfg["scenario"]["events"] = {"raid": {**event, **params}}

    with pytest.raises(ConfigError) as err:
        build(edit=edit)
    assert err.value.key == f"scenario.events.raid.{key}" and err.value.value == value


def test_syria_deconfliction_spares_russia_exactly_while_it_is_friendly_to_israel():
    for deconflictor in ("RUS", "''"):
        parameter = f"scenario.parameters.deconflicted_by={deconflictor}"
        model = run(build(["scenario=syria_deconfliction", parameter]))
        ix = model.structure.index
        strikes = [r for r in model.record.events if r["event"].type == "airstrike"]
        assert len(strikes) == 3
        for rec in strikes:
            t = rec["event"].step  # fires at the start of step t, on the stances of step t-1's end
            friendly = model.record.stance[t - 2, ix["RUS"], ix["ISR"]] > 0
            spared = deconflictor == "RUS" and friendly
            assert rec["outcome"] == ("RUS spared (deconflicted)" if spared else "RUS hit")


# --- peace_plan -----------------------------------------------------------------------------------


def test_peace_plan_by_hand():
    # The US hosts Israel's prime minister (host_visit: G = 2.8, intensity 5): g = 0.01*2.8*5 =
    # 0.14; Israel's receptivity (1 + 0.9)/2 = 0.95: Israel toward the US +0.133, the US toward
    # Israel 0.5 * 0.133 = +0.0665; third parties toward the US, 0.5 * 0.133 * stance toward
    # Israel: Iran 0.0665 * -0.9 = -0.05985, Russia 0.0665 * 0.5 = +0.03325; then the reactions.
    def edit(cfg):
        cfg["scenario"]["events"] = {
            "plan": {
                "type": "peace_plan",
                "step": 1,
                "proposer": "USA",
                "favoured": "ISR",
                "action": "host_visit",
                "reactions": {"IRN": -0.1, "RUS": -0.02},
            }
        }

    model = BalanceModel(build([ALPHA], edit=edit))  # alpha 0.01, as in the airstrike's numbers
    before = model.world.copy()
    model.fire_events(1)
    ix = model.structure.index
    d = model.world.affinity - before.affinity
    usa = ix["USA"]
    assert np.isclose(d[ix["ISR"], usa], 0.133)
    assert np.isclose(d[usa, ix["ISR"]], 0.0665)
    assert np.isclose(d[ix["IRN"], usa], -0.05985 - 0.1)
    assert np.isclose(d[ix["RUS"], usa], 0.03325 - 0.02)
    assert np.isclose(model.world.stocks[usa, 0] - before.stocks[usa, 0], 2.0)  # prestige_self


@pytest.mark.parametrize(
    "params, key, value",
    [
        ({"favoured": "USA"}, "favoured", "USA"),
        ({"reactions": {"IRN": -1.5}}, "reactions.IRN", -1.5),
        ({"reactions": {"USA": -0.1}}, "reactions.USA", -0.1),
        ({"reactions": {"SAU": -0.1}}, "reactions.SAU", -0.1),
    ],
)
def test_peace_plan_validation(params, key, value):
    def edit(cfg):
        event = {"type": "peace_plan", "step": 1, "proposer": "USA", "favoured": "ISR"}
        cfg["scenario"]["events"] = {"plan": {**event, **params}}

    with pytest.raises(ConfigError) as err:
        build(edit=edit)
    assert err.value.key == f"scenario.events.plan.{key}" and err.value.value == value


# --- prisoner_swap: the linkage -------------------------------------------------------------------


def test_prisoner_swap_parameter_reaches_the_event():
    for flag, linked in (("true", True), ("false", False)):
        sc = build(["scenario=prisoner_swap", f"scenario.parameters.linkage_open={flag}"])
        (case,) = [e for e in sc.events if e.type == "prisoner_case"]
        assert case.linked is linked


def test_open_linkage_makes_the_first_release_dearer(cli_runs):
    """Both runs face the same world at step 1; the only difference is the linkage cost L = 50 of
    the release, paid once: EU drops by w_prestige(RUS) * d_0 * L, with d_0 = 1 / sum_h delta^h
    over h = 0..H (docs/MODEL.md), and its logit probability is lower."""
    runs = {}
    proc, out = cli_runs["prisoner_swap_open"]
    assert proc.returncode == 0, proc.stderr
    runs["open"] = out
    proc, out = cli_runs["multirun"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs["lapsed"] = out / str(SCENARIOS.index("prisoner_swap"))
    first = {}
    for key, path in runs.items():
        summary = json.loads((path / "summary.json").read_text())
        assert summary["scenario"] == "prisoner_swap"
        d = pd.read_parquet(path / "decisions.parquet")
        rows = d[(d.step == 1) & (d.actor == "RUS")].set_index("alternative")
        first[key] = rows[["eu_security", "eu_economic", "eu_prestige", "probability"]]
    cfg = default_config(("scenario=prisoner_swap",))
    w = cfg["actors"]["RUS"]["weights"]
    w_prestige = w["prestige"] / (w["security"] + w["economic"] + w["prestige"])
    H, delta = cfg["decision"]["horizon"], cfg["decision"]["discount"]
    d0 = 1.0 / sum(delta**h for h in range(H + 1))
    gap = first["lapsed"] - first["open"]
    assert np.isclose(gap.loc["release:ISR", "eu_prestige"], w_prestige * d0 * 50.0)
    others = gap.drop(index="release:ISR")[["eu_security", "eu_economic", "eu_prestige"]]
    assert np.allclose(others.dropna().to_numpy(), 0.0)
    p_open, p_lapsed = (first[k].loc["release:ISR", "probability"] for k in ("open", "lapsed"))
    assert p_open < p_lapsed


# --- oil_shock ------------------------------------------------------------------------------------


def test_oil_shock_moves_payoffs_by_exposure_and_not_choices():
    """The deviation enters every alternative of a state alike, so with the same seed the choices
    are the same, and economic payoffs differ by 100 * oil_exposure * change * persistence^k."""
    shock = run(build(["scenario=oil_shock"]))
    calm = run(build(["scenario=oil_shock", "scenario.parameters.change=0.0"]))
    assert (shock.record.choice == calm.record.choice).all()
    step = shock.record.events[0]["event"].step
    exposure = {"RUS": 0.39, "ISR": -0.05, "IRN": 0.20, "USA": 0.0}  # configs/actors/default.yaml
    gap = shock.record.payoffs[:, :, 1] - calm.record.payoffs[:, :, 1]
    for code, eps in exposure.items():
        i = shock.structure.index[code]
        expected = [0.0] * (step - 1) + [
            100 * eps * 0.3 * 0.7**k for k in range(shock.calendar.steps - step + 1)
        ]
        assert np.allclose(gap[:, i], expected)


# --- broken scenario files --------------------------------------------------------------------------

# file -> what its one-line message must contain besides the file name: key=value
BAD_EXPECTED = {
    "unknown_event_type": "scenario.events.coup.type='coup'",
    "unknown_actor": "scenario.events.strike.target='SAU'",
    "impossible_date": "scenario.events.visit.date='2020-02-30'",
    "date_outside_horizon": "scenario.events.late_killing.date='2020-03-15'",
    "missing_parameter": "scenario.events.killing.target=None",
    "wrong_type": "scenario.events.shock.change='a lot'",
    "unknown_parameter": "scenario.events.strike.severity=3",
    "end_before_start": "scenario.end='2020-01-06'",
    "unknown_action": "scenario.events.visit.action='hug'",
    "airstrike_exposes_attacker": "scenario.events.raid.deconflicted_by='ISR'",
    "relation_to_undefined_actor": "relations.TUR=",
    "enabled_not_a_boolean": "scenario.events.visit.enabled='sometimes'",
    # YAML's parser names no key: it names the file and the line and column where parsing failed
    "yaml_syntax": "line 9, column 1",
}


def test_every_bad_scenario_has_an_expectation():
    assert set(BAD) == set(BAD_EXPECTED)


@pytest.mark.parametrize("name", BAD)
def test_bad_scenario_exits_2_with_one_line(cli_runs, name):
    proc, out = cli_runs[f"bad/{name}"]
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("sim-run: error: ")
    assert re.search(rf"tests/data/bad_scenarios/scenario/{name}\.yaml\b", line), line
    assert BAD_EXPECTED[name] in line, line
    assert "Traceback" not in proc.stderr
    assert not (out / "summary.json").exists()


# --- documentation --------------------------------------------------------------------------------


def test_every_event_type_is_documented():
    docs = (ROOT / "docs" / "SCENARIOS.md").read_text()
    for kind, cls in EVENT_TYPES.items():
        assert f"### `{kind}`" in docs, kind
        assert not cls.__doc__.startswith(f"{cls.__name__}("), kind  # a written docstring
