"""Events are keyed by id: every shipped file writes ``scenario.events`` as a mapping, no event is
defined twice (a scenario that shares another's events composes them: a counterfactual composes
jan2020, and the events several scenarios share live once in ``configs/events/``), a file that
composes another sets only values that differ, and the old positional syntax on the command line
stops with one line that names the id to use."""

import dataclasses
import json

import pytest
import yaml
from conftest import default_config
from test_cli import ROOT, sim_run

from sim.core.events import EVENT_TYPES

SCENARIO_DIR = ROOT / "configs" / "scenario"
EVENTS_DIR = ROOT / "configs" / "events"
SCENARIO_FILES = sorted(p for p in SCENARIO_DIR.glob("*.yaml"))  # games/ have no events
EVENT_FILES = sorted(EVENTS_DIR.glob("*.yaml"))


def _load(path):
    return yaml.safe_load(path.read_text()) or {}


def own_events(path) -> dict:
    """The events a file itself writes (not those it composes): id -> body."""
    data = _load(path)
    if path.parent == EVENTS_DIR:
        return data
    return (data.get("scenario") or {}).get("events") or {}


def full_body(event: dict) -> str:
    """An event definition with its type's defaults filled in, as canonical JSON: two files that
    write the same event, one relying on a default the other spells out, give the same text."""
    body = {}
    for f in dataclasses.fields(EVENT_TYPES[event["type"]]):
        if f.default is not dataclasses.MISSING:
            body[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            body[f.name] = f.default_factory()
    body.update(event)
    body["type"] = event["type"]
    return json.dumps(body, sort_keys=True, default=str)


@pytest.mark.parametrize("path", SCENARIO_FILES + EVENT_FILES, ids=lambda p: p.stem)
def test_every_shipped_file_keys_its_events_by_id(path):
    events = own_events(path)
    assert isinstance(events, dict), f"{path.name}: scenario.events must be a mapping id -> event"
    for name, event in events.items():
        assert isinstance(name, str) and name.isidentifier(), (path.name, name)
        assert isinstance(event, dict), (path.name, name)


def test_no_event_is_defined_twice():
    seen = {}  # full body -> (file, id)
    ids = {}  # id -> file that defines it (with a type: a whole event)
    for path in SCENARIO_FILES + EVENT_FILES:
        for name, event in own_events(path).items():
            if "type" not in event:  # a change to a composed event, checked below
                continue
            body = full_body(event)
            assert body not in seen, f"{path.name}:{name} is {seen[body][0]}:{seen[body][1]} again"
            seen[body] = (path.name, name)
            if name in ids:
                other = own_events(ids[name])[name]
                assert full_body(other) != body, (path.name, ids[name].name, name)
            ids[name] = path


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_a_file_that_composes_a_scenario_sets_only_what_changes(path):
    data = _load(path)
    bases = [d for d in data.get("defaults", []) if isinstance(d, str) and d != "_self_"]
    bases = [b for b in bases if not b.startswith("/")]  # scenarios of this group
    if not bases:
        return
    (base,) = bases
    inherited = default_config((f"scenario={base}",))["scenario"]["events"]
    for name, change in own_events(path).items():
        if name not in inherited:
            continue
        assert "type" not in change, f"{path.name}:{name} copies {base}'s event: set only changes"
        for key, value in change.items():
            assert inherited[name].get(key, True if key == "enabled" else None) != value, (
                f"{path.name}: scenario.events.{name}.{key} is {base}'s value already"
            )


def test_events_shared_by_scenarios_are_composed_from_configs_events():
    for path in EVENT_FILES:
        users = [p.stem for p in SCENARIO_FILES if f"/events/{path.stem}" in p.read_text()]
        assert len(users) >= 2, f"{path.name} is used by {users}: keep it in the scenario file"
        for name in own_events(path):
            for user in users:
                events = default_config((f"scenario={user}",))["scenario"]["events"]
                assert name in events, (user, name)


def test_the_old_positional_syntax_names_the_id(tmp_path):
    proc = sim_run("scenario=il20", "scenario.events.0.deconflicted_by=RUS", out=tmp_path)
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("sim-run: error: scenario.events[0].deconflicted_by='RUS': ")
    assert "use scenario.events.latakia_raid.deconflicted_by" in line
    assert not list(tmp_path.iterdir())
