"""The held-out comparison counts what it says: directions by the declared threshold, an
observed ``unknown`` not counted."""

import pytest

from sim.validation.heldout import NO_CHANGE, compare, direction


@pytest.mark.parametrize(
    "change, expected",
    [(0.5, "warmer"), (NO_CHANGE * 1.01, "warmer"), (NO_CHANGE, "no_change"), (0.0, "no_change"),
     (-NO_CHANGE * 1.01, "colder"), (-0.3, "colder")],
)  # fmt: skip
def test_direction_by_the_declared_threshold(change, expected):
    assert direction(change) == expected


def test_compare_counts_right_and_leaves_unknown_out():
    # oil_shock: an oil-price spike and nothing else; Russia, an exporter, gains, and the
    # model's stances then only relax toward their baselines
    observed = {
        "oil_shock": {
            "responses": [
                {"from": "RUS", "to": "ISR", "direction": "warmer"},
                {"from": "RUS", "to": "ISR", "direction": "colder"},
                {"from": "IRN", "to": "USA", "direction": "unknown"},
            ]
        }
    }
    result = compare(observed, replicates=2)["oil_shock"]
    rows = result["responses"]
    assert [r["counted"] for r in rows] == [True, True, False]
    assert rows[0]["model"] == rows[1]["model"]  # the same pair: one model direction
    assert result["counted"] == 2 and result["right"] == sum(r["right"] for r in rows) <= 1
