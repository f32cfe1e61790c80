"""The debrief: the class against the model's replays and the record, in one offline file."""

import re

import numpy as np
import pytest

from sim.app.debrief import debrief
from sim.app.session import Session


@pytest.fixture(scope="module")
def played():
    s = Session()
    for _ in range(12):
        s.step({"RUS": "wait"})  # Russia only waits: it forgoes the mediation the model prizes
    return s, debrief(s, replays=12)


def test_the_human_state_is_compared_with_the_model_playing_it(played):
    s, d = played
    (c,) = d.comparisons
    assert c.code == "RUS" and len(c.replays) == 12
    assert c.human == pytest.approx(s.model.record.utility[:12, 0].sum())
    assert c.interval[0] <= c.median <= c.interval[1]
    assert len(set(np.round(c.replays, 9))) > 1  # other seeds: the others answer differently
    assert c.human < c.median  # waiting throughout is worse than the model's own play
    assert c.actual is not None  # jan2020: the coded record's history


def test_replays_keep_the_other_players_choices_and_the_shocks():
    s = Session()
    s.inject("sanctions", {"imposer": "USA", "target": "IRN", "level": 50.0})
    for _ in range(4):
        s.step({"RUS": "wait", "IRN": "condemn:USA"})
    d = debrief(s, replays=3)
    assert [c.code for c in d.comparisons] == ["RUS", "IRN"]


def test_turning_points_and_key_choices(played):
    s, d = played
    assert d.turning_points and all(p["pair"].count("→") == 1 for p in d.turning_points)
    sizes = [abs(p["change"]) for p in d.turning_points]
    assert sizes == sorted(sizes, reverse=True)
    assert {e.name for e in d.key_choices} == {"Israel", "Iran", "United States"}


def test_the_file_is_self_contained(played):
    _, d = played
    page = d.html
    assert page.startswith("<!DOCTYPE html>") and "<img" in page
    images = re.findall(r"src='(data:image/png;base64,[A-Za-z0-9+/=]+)'", page)
    assert len(images) == page.count("<img")
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert not re.search(r"https?:|//|\bhref=|@import|url\(|\bsrc=['\"]\w", text)


def test_a_game_debrief():
    s = Session("games/chicken")
    for _ in range(5):
        s.step({"IRN": "escalate"})
    (c,) = debrief(s, replays=4).comparisons
    assert c.code == "IRN" and c.actual is None and c.human == s.cumulative()[-1, 1]
