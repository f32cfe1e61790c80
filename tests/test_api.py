"""The public API (``sim.compose``, ``sim.run_model``, ``sim.run_sweep``) from any folder."""

import json

import pytest
from hydra.errors import ConfigCompositionException

import sim
from sim.errors import ConfigError
from sim.sweeps.store import load_results


def test_compose_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = sim.compose(["seed=3", "decision=best_response"])
    assert cfg.seed == 3 and cfg.decision.rule == "best_response"
    assert cfg.scenario.name == "jan2020"


def test_compose_refuses_a_bad_value_naming_the_key():
    with pytest.raises(ConfigError, match=r"^relations\.ISR\.IRN=") as caught:
        sim.compose(["relations.ISR.IRN=3"])
    assert "\n" not in str(caught.value)


def test_compose_refuses_an_unknown_option():
    with pytest.raises(ConfigCompositionException):
        sim.compose(["decision=nope"])


def test_run_model_writes_the_folder_sim_run_writes(tmp_path):
    model = sim.run_model(["seed=4"], out_dir=tmp_path / "r", figures=False)
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary == model.summary and summary["seed"] == 4
    assert (tmp_path / "r" / "steps.parquet").is_file()
    assert not (tmp_path / "r" / "figures").exists()
    assert model.record.stance.shape[0] == summary["steps"]


def test_run_model_plays_a_game():
    model = sim.run_model(["scenario=games/prisoners_dilemma", "scenario.steps=50"])
    assert model.record.choice.shape == (50, 2)


def test_run_sweep_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outcome = sim.run_sweep(
        ["design=lhs", "design.n=4", "executor=serial", "progress=false"], "lhs"
    )
    assert outcome.exit_code == 0 and outcome.done == 4
    assert sorted(load_results(tmp_path / "lhs")["run"]) == [0, 1, 2, 3]
