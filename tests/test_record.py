"""The coded record of jan2020 (data/record.csv) follows the rules committed before it was coded
(docs/VALIDATION.md, "The coded record" and "One observation per state and week"), checked
against hand-written references: the calendar, the Goldstein table, the mapping, the sources."""

import csv
import datetime as dt

import pandas as pd
import pytest

from sim.validation import RECORD_PATH, action_for, load_record, observations, step_of

STATES = {"RUS", "ISR", "IRN", "USA"}
ACTIONS = {"engage", "support", "condemn", "mediate", "sanction", "strike", "release"}
STATUSES = {"confirmed", "attributed", "unverified"}
FIRST, LAST = dt.date(2019, 11, 4), dt.date(2020, 3, 31)

# CAMEO.goldsteinscale.txt (github mpiccirilli/UNDP-BCPR-Project, commit 08d29bb), the table the
# timeline copies its values from: every code the record uses.
GOLDSTEIN = {
    "012": -0.4, "016": -2.0, "018": 3.4, "0253": -0.3, "0256": -0.3, "030": 4.0,
    "033": 5.2, "0333": 5.2, "036": 4.0, "040": 1.0, "042": 1.9, "043": 2.8, "044": 2.5,
    "045": 5.0, "046": 7.0, "051": 3.4, "052": 3.5, "062": 7.4, "064": 7.0, "073": 7.4,
    "084": 7.0, "0842": 7.0, "085": 7.0, "1054": -5.0, "111": -2.0, "112": -2.0,
    "114": -2.0, "120": -4.0, "121": -4.0, "1243": -4.0, "130": -4.4, "131": -5.8,
    "138": -7.0, "160": -4.0, "163": -8.0, "171": -9.2, "172": -5.0, "186": -10.0,
    "190": -10.0, "195": -10.0,
}  # fmt: skip


@pytest.fixture(scope="module")
def record():
    return load_record()


def test_the_file_has_the_committed_columns_in_order():
    with open(RECORD_PATH, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [
        "id", "date", "step", "actor", "target", "cameo", "goldstein", "action", "scripted",
        "status", "source",
    ]  # fmt: skip


def test_types(record):
    assert pd.api.types.is_datetime64_any_dtype(record["date"])
    assert pd.api.types.is_integer_dtype(record["step"])
    assert pd.api.types.is_float_dtype(record["goldstein"])
    assert pd.api.types.is_bool_dtype(record["scripted"])
    for column in ("id", "actor", "target", "cameo", "action", "status", "source"):
        assert all(isinstance(v, str) for v in record[column]), column


def test_size_and_unique_ids(record):
    assert len(record) >= 40
    assert record["id"].is_unique


def test_dates_and_steps_by_the_calendar(record):
    for date, step in zip(record["date"], record["step"], strict=True):
        day = date.date()
        assert FIRST <= day <= LAST
        assert step == (day - FIRST).days // 7 + 1
        assert 1 <= step <= 22


@pytest.mark.parametrize(
    ("date", "step"),
    [
        ("2019-11-04", 1),
        ("2019-11-10", 1),
        ("2019-11-11", 2),
        ("2020-01-03", 9),  # the assassination (docs/VALIDATION.md, "Steps of jan2020")
        ("2020-01-29", 13),  # the pardon
        ("2020-03-02", 18),  # Israel's election
        ("2020-03-31", 22),
    ],
)
def test_step_of_the_anchors(date, step):
    assert step_of(date) == step


def test_actors_and_targets(record):
    assert set(record["actor"]) <= STATES
    for actor, target, action in zip(
        record["actor"], record["target"], record["action"], strict=True
    ):
        if action == "mediate":
            parties = target.split("-")
            assert len(parties) == 2 and set(parties) <= STATES - {actor}
            assert target == "-".join(sorted(parties))
        else:
            assert target in STATES and target != actor


def test_codes_values_and_statuses(record):
    assert set(record["action"]) <= ACTIONS
    assert set(record["status"]) <= STATUSES
    assert record["goldstein"].between(-10.0, 10.0).all()
    for cameo, value in zip(record["cameo"], record["goldstein"], strict=True):
        assert cameo.isdigit() and len(cameo) in (3, 4), cameo
        assert value == GOLDSTEIN[cameo], cameo


def test_every_row_has_a_source(record):
    for source in record["source"]:
        assert len(source.strip()) > 10


@pytest.mark.parametrize(
    ("cameo", "action"),
    [
        ("012", "engage"),
        ("0253", "engage"),
        ("036", "engage"),
        ("042", "engage"),
        ("043", "engage"),
        ("045", "mediate"),
        ("046", "mediate"),
        ("052", "engage"),
        ("062", "support"),
        ("073", "support"),
        ("084", "release"),
        ("0841", "release"),
        ("0842", "engage"),  # return property: no person released
        ("085", "engage"),
        ("090", "condemn"),
        ("1054", "condemn"),
        ("1243", "condemn"),
        ("138", "condemn"),
        ("145", "condemn"),
        ("150", "sanction"),
        ("160", "sanction"),
        ("163", "sanction"),
        ("171", "sanction"),
        ("186", "strike"),
        ("195", "strike"),
        ("204", "strike"),
    ],
)
def test_action_for_follows_the_committed_mapping(cameo, action):
    assert action_for(cameo) == action


@pytest.mark.parametrize("cameo", ["000", "21", "210", "xyz"])
def test_action_for_rejects_what_is_no_event_code(cameo):
    with pytest.raises(ValueError):
        action_for(cameo)


def test_every_row_maps_by_its_code_unless_an_offer_to_mediate(record):
    for cameo, action in zip(record["cameo"], record["action"], strict=True):
        if action != "mediate":
            assert action == action_for(cameo), cameo


def test_scripted_rows_are_the_events_of_jan2020(record):
    # configs/scenario/jan2020.yaml and configs/events/: the protests of Burkov's extradition
    # (12 Nov), the assassination (3 Jan), Iran's missiles (8 Jan), the two visits and their hosting
    scripted = record.loc[record["scripted"]]
    got = sorted(zip(scripted["step"], scripted["actor"], scripted["target"], strict=True))
    assert got == [
        (2, "RUS", "ISR"),
        (2, "RUS", "USA"),
        (9, "USA", "IRN"),
        (10, "IRN", "USA"),
        (12, "ISR", "RUS"),
        (12, "RUS", "ISR"),
        (13, "ISR", "RUS"),
        (13, "RUS", "ISR"),
    ]


def _one(record, **where):
    rows = record
    for column, value in where.items():
        rows = rows.loc[rows[column] == value]
    assert len(rows) == 1, where
    return rows.iloc[0]


def test_the_pardon_is_an_unscripted_release(record):
    # FACTS.md: Putin pardons Issachar on 29 Jan 2020 (RFE/RL, Haaretz, Ynet)
    row = _one(record, actor="RUS", target="ISR", cameo="084")
    assert row["date"] == pd.Timestamp("2020-01-29")
    assert row["step"] == 13
    assert row["action"] == "release"
    assert not row["scripted"]


def test_the_israeli_strike_of_20_november(record):
    # TIMELINE C9: the IDF announces strikes on Quds Force targets (VOA, 20 Nov 2019)
    row = _one(record, id="C9")
    assert (row["actor"], row["target"], row["step"]) == ("ISR", "IRN", 3)
    assert (row["cameo"], row["action"], row["status"]) == ("195", "strike", "confirmed")
    assert not row["scripted"]


def test_the_assassination_and_the_visits(record):
    soleimani = _one(record, actor="USA", target="IRN", cameo="186")
    assert soleimani["date"] == pd.Timestamp("2020-01-03") and soleimani["scripted"]
    putin = _one(record, actor="RUS", target="ISR", cameo="042")  # Jerusalem, 23 Jan
    assert (putin["step"], putin["scripted"]) == (12, True)
    host = _one(record, actor="RUS", target="ISR", cameo="043")  # Netanyahu in Moscow, 30 Jan
    assert (host["step"], host["scripted"]) == (13, True)


def test_proxies_left_out_and_strikes_attributed(record):
    # TIMELINE C23, C55: US strikes on Kataib Hezbollah in Iraq, no Iranian forces named
    assert not record["id"].str.match(r"^(C23|C55)[a-z]?$").any()
    us_strikes = record.loc[(record["actor"] == "USA") & (record["action"] == "strike")]
    assert list(us_strikes["cameo"]) == ["186"]  # the assassination only
    israeli = record.loc[(record["actor"] == "ISR") & (record["action"] == "strike")]
    assert set(israeli["target"]) == {"IRN"}
    assert len(israeli) >= 7
    assert set(israeli.loc[israeli["id"] != "C9", "status"]) == {"attributed"}


def test_both_ways_of_a_meeting(record):
    # TIMELINE C24: Zarif in Moscow, 30 Dec 2019 (visitor 042, host 043)
    assert _one(record, id="C24a")[["actor", "target", "cameo"]].tolist() == ["IRN", "RUS", "042"]
    assert _one(record, id="C24b")[["actor", "target", "cameo"]].tolist() == ["RUS", "IRN", "043"]


def _hand_made():
    columns = ["id", "date", "step", "actor", "target", "goldstein", "action", "scripted"]
    rows = [
        ("X1", "2020-01-08", 10, "RUS", "USA", -2.0, "condemn", False),  # tie, later date
        ("X2", "2020-01-06", 10, "RUS", "ISR", -2.0, "engage", False),  # tie, earlier: chosen
        ("X3", "2020-01-06", 10, "RUS", "IRN", -2.0, "condemn", False),  # same day, later row
        ("X4", "2020-01-07", 10, "USA", "IRN", -10.0, "strike", True),  # scripted: never chosen
        ("X5", "2020-01-09", 10, "USA", "IRN", -8.0, "sanction", False),
        ("X6", "2020-01-14", 11, "IRN", "USA", -10.0, "strike", True),  # IRN's only act: missing
        ("X7", "2020-01-15", 11, "RUS", "IRN-USA", 5.0, "mediate", False),
        ("X8", "2020-01-16", 11, "RUS", "ISR", 7.0, "release", False),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_observations_by_hand():
    got = observations(_hand_made())
    expected = pd.DataFrame(
        [
            (10, "RUS", "engage", "ISR", "X2"),
            (10, "USA", "sanction", "IRN", "X5"),
            (11, "RUS", "release", "ISR", "X8"),
        ],
        columns=["step", "actor", "action", "target", "id"],
    )
    assert got.to_dict("records") == expected.to_dict("records")
    assert list(got.columns) == ["step", "actor", "action", "target", "id"]


def test_observations_of_the_record(record):
    got = observations(record)
    assert not got.duplicated(["actor", "step"]).any()
    assert not set(got["id"]) & set(record.loc[record["scripted"], "id"])
    russia = got.loc[got["actor"] == "RUS"].set_index("step")
    assert russia.loc[13, "id"] == _one(record, actor="RUS", cameo="084")["id"]  # the pardon
    assert 12 not in russia.index  # only the scripted visit to Jerusalem
    israel = got.loc[got["actor"] == "ISR"].set_index("step")
    assert israel.loc[3, "id"] == "C9"
    # the largest |Goldstein| of each observed (state, step), recomputed by hand
    free = record.loc[~record["scripted"]]
    for step, actor, chosen in zip(got["step"], got["actor"], got["id"], strict=True):
        week = free.loc[(free["step"] == step) & (free["actor"] == actor)]
        value = week.set_index("id").loc[chosen, "goldstein"]
        assert abs(value) == week["goldstein"].abs().max()
