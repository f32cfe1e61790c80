"""The held-out episodes (data/heldout.yaml): the observed direction of each state's response in
four shipped scenarios kept out of the estimation, written from public reporting before any run
with estimated parameters. These are schema tests: the four episodes are there and named as their
scenario files, each window is its scenario's start and end, and every response is well formed
(states, direction, confidence, a source) with no directed pair given twice."""

from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "data" / "heldout.yaml"
SCENARIOS = ROOT / "configs" / "scenario"

EPISODES = ("il20", "syria_deconfliction", "western_isolation", "oil_shock")
STATES = {"RUS", "ISR", "IRN", "USA"}
DIRECTIONS = {"warmer", "colder", "no_change", "unknown"}
CONFIDENCES = {"high", "medium", "low"}
REQUIRED = {"from", "to", "direction", "confidence", "source"}
OPTIONAL = {"act", "when", "note"}
EPISODE_KEYS = {"window", "responses", "note"}
MIN_RESPONSES = 5


@pytest.fixture(scope="module")
def heldout():
    with HELDOUT.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict), "data/heldout.yaml must be a mapping of episodes"
    return data


def _scenario(name):
    with (SCENARIOS / f"{name}.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)["scenario"]


def _responses(heldout, episode):
    responses = heldout[episode]["responses"]
    assert isinstance(responses, list), f"{episode}: responses must be a list"
    return responses


def test_the_four_episodes_are_present(heldout):
    assert set(heldout) == set(EPISODES)


@pytest.mark.parametrize("episode", EPISODES)
def test_episode_is_named_as_its_scenario_file(heldout, episode):
    assert (SCENARIOS / f"{episode}.yaml").is_file()
    assert _scenario(episode)["name"] == episode
    assert set(heldout[episode]) <= EPISODE_KEYS, f"{episode}: unknown keys"
    assert {"window", "responses"} <= set(heldout[episode])


@pytest.mark.parametrize("episode", EPISODES)
def test_window_is_the_scenarios_start_and_end(heldout, episode):
    scenario = _scenario(episode)
    window = heldout[episode]["window"]
    assert [str(d) for d in window] == [str(scenario["start"]), str(scenario["end"])]
    start, end = (date.fromisoformat(str(d)) for d in window)
    assert start < end


@pytest.mark.parametrize("episode", EPISODES)
def test_every_response_is_well_formed(heldout, episode):
    start, end = (date.fromisoformat(str(d)) for d in heldout[episode]["window"])
    for i, r in enumerate(_responses(heldout, episode)):
        where = f"{episode}[{i}]"
        assert isinstance(r, dict), where
        assert set(r) >= REQUIRED, f"{where}: missing {REQUIRED - set(r)}"
        assert set(r) <= REQUIRED | OPTIONAL, (
            f"{where}: unknown keys {set(r) - REQUIRED - OPTIONAL}"
        )
        assert r["from"] in STATES, where
        assert r["to"] in STATES, where
        assert r["from"] != r["to"], where
        assert r["direction"] in DIRECTIONS, where
        assert r["confidence"] in CONFIDENCES, where
        assert isinstance(r["source"], str) and r["source"].strip(), f"{where}: empty source"
        for key in ("act", "note"):
            if key in r:
                assert isinstance(r[key], str) and r[key].strip(), f"{where}: empty {key}"
        if "when" in r:
            when = date.fromisoformat(str(r["when"]))
            assert start <= when <= end, f"{where}: when {when} outside the window"
        if r["direction"] == "unknown":
            assert r.get("note", "").strip(), f"{where}: an unknown direction needs a reason"


@pytest.mark.parametrize("episode", EPISODES)
def test_at_least_five_responses(heldout, episode):
    assert len(_responses(heldout, episode)) >= MIN_RESPONSES


@pytest.mark.parametrize("episode", EPISODES)
def test_no_directed_pair_twice(heldout, episode):
    pairs = [(r["from"], r["to"]) for r in _responses(heldout, episode)]
    duplicates = {p for p in pairs if pairs.count(p) > 1}
    assert not duplicates, f"{episode}: duplicate pairs {duplicates}"


@pytest.mark.parametrize("episode", EPISODES)
def test_the_pairs_about_russias_balancing_are_covered(heldout, episode):
    # The brief's minimum: Russia and Israel both ways, Russia and Iran both ways, Russia toward the US.
    pairs = {(r["from"], r["to"]) for r in _responses(heldout, episode)}
    needed = {("RUS", "ISR"), ("ISR", "RUS"), ("RUS", "IRN"), ("IRN", "RUS"), ("RUS", "USA")}
    assert needed <= pairs, f"{episode}: missing {needed - pairs}"
