"""The comparison study's summary (sim.analysis.study) on a small real sweep: paired effects
against the first scenario, a one-line error for a folder without a sweep."""

import json

import sim
from sim.analysis.study import main


def test_the_summary_of_a_paired_study(tmp_path, capsys):
    out = tmp_path / "s"
    sim.run_sweep(["experiment=counterfactuals", "replicates=6", "progress=false"], out)
    assert main([str(out)]) == 0
    summary = json.loads((out / "summary" / "summary.json").read_text())
    assert summary["study"] == "counterfactuals" and summary["seeds"] == "common"
    tilt = summary["outcomes"]["tilt"]
    assert tilt["jan2020"]["effect"] is None
    assert all(tilt[s]["effect"]["paired"] for s in ("no_visits", "no_assassination"))
    assert "| tilt | no_visits |" in (out / "summary" / "table.md").read_text()
    assert main([str(tmp_path)]) == 2
    assert "no sweep here" in capsys.readouterr().err


def test_the_summary_of_a_sensitivity_study(tmp_path):
    out = tmp_path / "s"
    sim.run_sweep(["experiment=sensitivity", "design.n=16", "progress=false"], out)
    assert main([str(out)]) == 0
    summary = json.loads((out / "summary" / "summary.json").read_text())
    assert summary["study"] == "sensitivity" and summary["design"] == "sobol"
    assert set(summary["indices"]) == {"tilt", "hedge_index"}
    assert set(summary["indices"]["tilt"]["dynamics.alpha"]) == {"S1", "ST"}
