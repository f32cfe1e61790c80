"""The validation's rules came before its results (issue 12): in the history, the commit that
fixed the rules (docs/VALIDATION.md, "Rules fixed before any result") precedes the record, the
first null-model results, the likelihood and the estimation; the held-out episodes' observed
directions precede any held-out result."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def first_commit_adding(path: str) -> int:
    """The position (0 = oldest) in the history of the commit that first added ``path``."""
    order = git("log", "--reverse", "--format=%H")
    added = git("log", "--diff-filter=A", "--format=%H", "--", path)
    if not added:
        pytest.fail(f"{path} is in no commit")
    return order.index(added[-1])


def first_commit_with(text: str, path: str) -> int:
    order = git("log", "--reverse", "--format=%H")
    hits = git("log", "--format=%H", "-S", text, "--", path)
    if not hits:
        pytest.fail(f"no commit adds {text!r} to {path}")
    return order.index(hits[-1])


def git(*args) -> list[str]:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.fixture(autouse=True)
def _history():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    if git("rev-parse", "--is-shallow-repository") == ["true"]:
        pytest.skip("a shallow clone has no history to read")


def test_the_rules_were_committed_before_any_result():
    rules = first_commit_with("## Rules fixed before any result", "docs/VALIDATION.md")
    results = {
        "the record": first_commit_adding("data/record.csv"),
        "the null models' results": first_commit_adding(
            "experiments/validation/results/facts.json"
        ),
        "the likelihood": first_commit_adding("sim/validation/likelihood.py"),
        "the estimation": first_commit_adding("configs/experiment/estimate.yaml"),
    }
    for what, position in results.items():
        assert rules < position, f"{what} was committed before the rules"


def test_the_held_out_directions_were_committed_before_any_held_out_result():
    directions = first_commit_adding("data/heldout.yaml")
    try:
        result = first_commit_adding("experiments/heldout/results/heldout.json")
    except pytest.fail.Exception:
        pytest.skip("no held-out result committed yet")
    assert directions < result
