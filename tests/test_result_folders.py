"""Result folders that never mislead (issue 13): where a command may write, what a rerun
replaces, what a refused command leaves (nothing)."""

import contextlib
import json
import os
import shutil
import subprocess

import pytest
import yaml
from cli_cases import Case, invoke


def run(tmp_path, *argv, out, command="sim-run"):
    return invoke(Case(command, list(argv), valid=True), tmp_path, out)


def snapshot(folder):
    """Every file under ``folder`` with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def one_error_line(outcome, command="sim-run"):
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{command}: error: "), outcome.stderr
    return lines[0]


@pytest.mark.parametrize("command", ["sim-run", "sim-sweep"])
def test_an_output_folder_under_a_file_is_one_line(tmp_path, command):
    (tmp_path / "afile").write_text("mine")
    line = one_error_line(run(tmp_path, out=tmp_path / "afile" / "x", command=command), command)
    assert "hydra.run.dir=" in line and "afile is a file, not a folder" in line
    assert (tmp_path / "afile").read_text() == "mine"


def test_a_multirun_folder_under_a_file_is_one_line(tmp_path):
    (tmp_path / "afile").write_text("")
    outcome = run(tmp_path, "-m", "seed=1,2", f"hydra.sweep.dir={tmp_path}/afile/m", out=None)
    assert "hydra.sweep.dir=" in one_error_line(outcome)


@contextlib.contextmanager
def locked_folder(folder):
    """A folder nobody may write into: without write permission, or, for root (whom
    permissions do not stop), immutable (``chattr +i``)."""
    folder.mkdir(mode=0o500)
    immutable = os.geteuid() == 0
    if immutable:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
            pytest.skip("root, and chattr +i cannot make the folder immutable here")
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run([chattr, "-i", str(folder)], check=True)
        folder.chmod(0o700)


@pytest.mark.parametrize("command", ["sim-run", "sim-sweep"])
def test_a_folder_that_cannot_be_written_is_one_line(tmp_path, command):
    with locked_folder(tmp_path / "locked") as locked:
        line = one_error_line(run(tmp_path, out=locked / "x", command=command), command)
        assert "permission denied" in line and not (locked / "x").exists()


def test_spaces_and_accents_in_the_output_path_are_a_path(tmp_path):
    out = tmp_path / "my results" / "été"
    outcome = run(tmp_path, "outputs.figures=false", out=out)
    assert outcome.code == 0, outcome
    assert (out / "summary.json").is_file()
    assert yaml.safe_load((out / ".hydra" / "hydra.yaml").read_text())["hydra"]["run"]["dir"] == (
        str(out)
    )


def test_a_rerun_replaces_the_whole_result_and_another_config_needs_overwrite(tmp_path):
    out = tmp_path / "r"
    assert run(tmp_path, "seed=1", out=out).code == 0
    assert (out / "figures" / "relations.png").is_file()
    assert run(tmp_path, "seed=1", out=out).code == 0  # the same configuration: allowed
    first = snapshot(out)
    # another configuration: refused, and the folder is left byte for byte
    line = one_error_line(run(tmp_path, "seed=2", "outputs.figures=false", out=out))
    assert "holds the result of another configuration" in line and "overwrite=true" in line
    assert snapshot(out) == first
    # with overwrite=true the whole result is replaced: no old figure beside the new tables
    assert run(tmp_path, "seed=2", "outputs.figures=false", "overwrite=true", out=out).code == 0
    assert not (out / "figures").exists()
    summary = json.loads((out / "summary.json").read_text())
    overrides = yaml.safe_load((out / ".hydra" / "overrides.yaml").read_text())
    assert summary["seed"] == 2 and "seed=2" in overrides
    assert not [p.name for p in out.iterdir() if p.name.startswith(".partial")]


def test_a_refused_run_leaves_a_result_folder_as_it_was(tmp_path):
    out = tmp_path / "r"
    assert run(tmp_path, "outputs.figures=false", out=out).code == 0
    before = snapshot(out)
    one_error_line(run(tmp_path, "outputs.figures=false", "decision.lam=-1", out=out))
    assert snapshot(out) == before


def test_a_refused_run_makes_no_folder(tmp_path):
    one_error_line(run(tmp_path, "+decision.lamda=3", out=tmp_path / "new"))
    assert not (tmp_path / "new").exists()


def test_run_and_sweep_never_share_a_folder(tmp_path):
    run_dir, sweep_dir = tmp_path / "run", tmp_path / "sweep"
    assert run(tmp_path, "outputs.figures=false", out=run_dir).code == 0
    line = one_error_line(
        run(tmp_path, "progress=false", out=run_dir, command="sim-sweep"), "sim-sweep"
    )
    assert "holds the result of a sim-run" in line
    assert not (run_dir / "manifest.json").exists()
    assert run(tmp_path, "progress=false", out=sweep_dir, command="sim-sweep").code == 0
    before = snapshot(sweep_dir)
    line = one_error_line(run(tmp_path, "overwrite=true", out=sweep_dir))
    assert "holds a sweep" in line and snapshot(sweep_dir) == before
