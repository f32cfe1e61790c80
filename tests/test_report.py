"""sim-report (issue 14): for a run folder and a sweep folder, every figure and both reports, a
self-contained HTML page, no warning, no overlapping labels; one line for a folder that is
neither."""

import pytest
from figure_checks import assert_no_overlap

import sim
from sim.analysis.report import run_report, sweep_report
from sim.cli.report import main


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "r"
    sim.run_model(sim.compose(["seed=2"]), out)
    return out


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "s"
    sim.run_sweep(["design=sobol", "design.n=16", "collect=steps", "progress=false"], out)
    return out


@pytest.mark.parametrize("folder", ["run_folder", "sweep_folder"])
def test_the_report_has_its_figures_and_both_pages(folder, request, capsys):
    path = request.getfixturevalue(folder)
    main([str(path)])
    report = path / "report"
    text = (report / "report.md").read_text()
    html = (report / "report.html").read_text()
    for line in text.splitlines():
        if line.startswith("![") and "](figures/" in line:
            assert (report / line.split("](")[1].rstrip(")")).is_file(), line
    assert "<table>" in html and html.count("data:image/png;base64,") == text.count("![")
    assert "report.html" in capsys.readouterr().out


def test_the_sweep_report_shows_sensitivity_and_trajectories(sweep_folder, monkeypatch):
    figures = {}
    _, text = sweep_report(sweep_folder, figures)
    assert {"sensitivity_tilt", "sensitivity_hedge_index", "trajectories"} <= set(figures)
    assert "Sensitivity of tilt" in text
    for fig in figures.values():
        assert_no_overlap(fig, monkeypatch, at_least=0)


def test_the_run_report_figures_have_no_overlapping_labels(run_folder, monkeypatch):
    figures = {}
    run_report(run_folder, figures)
    for fig in figures.values():
        assert_no_overlap(fig, monkeypatch, at_least=0)


def test_a_folder_that_is_neither_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path)])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "neither a run folder" in err[0]
    assert not (tmp_path / "report").exists()


@pytest.fixture(scope="module")
def breaking_sweep(tmp_path_factory):
    """A sweep in which the balance breaks in about a quarter of the runs: Iran's initial
    stance toward Russia and structural balance vary, with alpha pinned at 0.01 (the hand-set
    default before issue 12) so that acts move stances (measured: 58 of 200 runs; at the
    estimated alpha 0.00059, 2 of 200, too few for a box)."""
    out = tmp_path_factory.mktemp("prim") / "s"
    sim.run_sweep(["design=lhs", "design.n=200", "~design.parameters",
                   "+design.parameters.relations.IRN.RUS=[0.0,0.8]",
                   "+design.parameters.dynamics.heider=[0.25,2.0]",
                   "+design.parameters.decision.lam=[2.0,8.0]", "dynamics.alpha=0.01",
                   "progress=false"], out)  # fmt: skip
    return out


def test_the_sweep_report_shows_the_prim_box_of_balance_broken(breaking_sweep, monkeypatch):
    figures = {}
    _, text = sweep_report(breaking_sweep, figures)
    assert "prim_balance_broken" in figures
    assert "Scenario discovery (PRIM) of the runs where the balance broke" in text
    assert "![PRIM box of balance_broken](figures/prim_balance_broken.png)" in text
    # the box the model implies: a cool Iranian stance toward Russia is where the balance
    # breaks, so the box caps relations.IRN.RUS well below the top of its range (0.8)
    table = text.split("| parameter | lower | upper | sweep_min | sweep_max |")[1]
    rows = {line.split(" | ")[0].strip("| "): line for line in table.strip().splitlines()[1:]
            if line.startswith("| ")}  # fmt: skip
    assert "relations.IRN.RUS" in rows
    upper = float(rows["relations.IRN.RUS"].split(" | ")[2])
    assert upper < 0.6
    assert_no_overlap(figures.pop("prim_balance_broken"), monkeypatch, at_least=10)
    for fig in figures.values():
        assert_no_overlap(fig, monkeypatch, at_least=0)
    main([str(breaking_sweep)])
    html = (breaking_sweep / "report" / "report.html").read_text()
    assert (breaking_sweep / "report" / "figures" / "prim_balance_broken.png").is_file()
    assert "PRIM" in html and "relations.IRN.RUS" in html


def test_the_run_report_decomposes_each_states_payoffs(run_folder):
    figures = {}
    _, text = run_report(run_folder, figures)
    assert "payoff_decomposition" in figures and "payoff_decomposition.png" in text
    from sim.outputs.figures import plt

    for fig in figures.values():
        plt.close(fig)
