"""The page's board as Vega-Lite specs (``sim.app.charts``): what they hold, checked by hand and
against the model's own arrays; the browser draws them (``test_journeys.py`` looks at the SVG)."""

import numpy as np
import pytest

import sim
from sim.app.charts import SMALLEST, arrows, payoffs_over_time, relations_over_time, stance_graph

PX = 330 / 2.7  # pixels per unit of the stance graph: its width over its domain [-1.35, 1.35]
FONT = 10  # the values' font size (px); a digit is about 0.6 em wide
NODE_PX = 17  # the radius of a state's circle: mark size 900 px² is about a 34 px disc


@pytest.fixture(scope="module", params=["jan2020", "turkey"])
def run(request):
    model = sim.run_model(sim.compose([f"scenario={request.param}"]))
    return list(model.structure.codes), model.record


def layer(spec: dict, mark: str, field: str | None = None) -> dict:
    """The one layer of ``spec`` with this mark type (and text field)."""
    found = [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == mark
        and (field is None or layer["encoding"].get("text", {}).get("field") == field)
    ]
    assert len(found) == 1, [lay["mark"] for lay in spec["layer"]]
    return found[0]


def rows_of(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws: its named dataset."""
    return spec["datasets"][layer["data"]["name"]]


def shape(spec: dict) -> str:
    """The spec without its rows: what ``chart.vue`` compares to swap rows in, not redraw."""
    import json

    return json.dumps({**spec, "datasets": sorted(spec["datasets"])}, sort_keys=True)


def boxes(rows: list[dict]) -> list[tuple[float, float, float, float]]:
    """Each value's text box in pixels (x0, y0, x1, y1), centred on its place."""
    out = []
    for r in rows:
        w, h = 0.6 * FONT * len(r["label"]), FONT
        x, y = r["lx"] * PX, r["ly"] * PX
        out.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return out


def test_one_arrow_per_stance_drawn_with_its_value(run):
    codes, record = run
    stance = record.stance[-1]
    rows = arrows(codes, stance)
    n = len(codes)
    expected = {(codes[i], codes[j]) for i in range(n) for j in range(n)
                if i != j and abs(stance[i, j]) >= SMALLEST}  # fmt: skip
    assert {(r["from"], r["to"]) for r in rows} == expected
    for r in rows:
        s = stance[codes.index(r["from"]), codes.index(r["to"])]
        assert r["label"] == f"{s:+.2f}"
        assert r["colour"] == ("#2166ac" if s > 0 else "#b2182b")  # RdBu: blue friendly


def test_the_values_do_not_overlap_each_other_or_a_state(run):
    codes, record = run
    rows = arrows(codes, np.where(np.eye(len(codes)), 0.0, 0.5))  # every arrow drawn
    spec = stance_graph(codes, record.stance[-1])
    (nodes,) = [la for la in spec["layer"] if la["mark"].get("shape") == "circle"]
    centres = [(p["x"] * PX, p["y"] * PX) for p in rows_of(spec, nodes)]
    b = boxes(rows)
    for k, (x0, y0, x1, y1) in enumerate(b):
        for m in range(k + 1, len(b)):
            u0, v0, u1, v1 = b[m]
            assert x1 <= u0 or u1 <= x0 or y1 <= v0 or v1 <= y0, (rows[k], rows[m])
        for cx, cy in centres:  # the nearest point of the box is outside the circle
            dx, dy = max(x0 - cx, 0, cx - x1), max(y0 - cy, 0, cy - y1)
            assert np.hypot(dx, dy) > NODE_PX, (rows[k], (cx, cy))


def test_an_arrow_points_at_its_target():
    rows = arrows(["A", "B"], np.array([[0.0, 0.5], [-0.5, 0.0]]))
    to_b = next(r for r in rows if r["to"] == "B")  # A at the top, B at the bottom
    assert to_b["y2"] < to_b["y"]  # it runs down
    assert to_b["angle"] == pytest.approx(180.0)  # a triangle turned half round points down
    to_a = next(r for r in rows if r["to"] == "A")
    assert to_a["x"] != pytest.approx(to_b["x"])  # the two directions on two lanes


def test_a_relation_is_the_mean_of_the_two_stances():
    history = np.array([[[0.0, 0.2], [0.6, 0.0]], [[0.0, -0.4], [0.0, 0.0]]])  # (t=2, 2, 2)
    spec = relations_over_time(["A", "B"], history, steps=5)
    values = rows_of(spec, layer(spec, "line"))
    assert [v["relation"] for v in values] == pytest.approx([0.4, -0.2])  # by hand
    assert [v["step"] for v in values] == [1, 2]


def test_the_time_axis_is_the_whole_scenario_before_and_after_steps(run):
    codes, record = run
    steps = len(record.stance)
    shapes = {}
    for played in (0, 3):
        for spec in (
            relations_over_time(codes, record.stance[:played], steps),
            payoffs_over_time(codes, np.ones((played, len(codes))), "utility", steps),
        ):
            x = layer(spec, "line")["encoding"]["x"]
            assert x["scale"]["domain"] == [0, steps]
            note = rows_of(spec, layer(spec, "text"))
            assert bool(note) == (played == 0)
            shapes.setdefault(spec["title"]["text"], set()).add(shape(spec))
    assert all(len(s) == 1 for s in shapes.values())  # only the rows differ: swapped, not redrawn


def test_payoffs_are_the_cumulative_sums_given():
    cumulative = np.array([[1.0, -2.0], [1.5, -1.0]])  # (t=2, n=2)
    spec = payoffs_over_time(["A", "B"], cumulative, "u", 4)
    values = rows_of(spec, layer(spec, "line"))
    assert [(v["step"], v["series"], v["payoff"]) for v in values] == [
        (1, "A", 1.0), (1, "B", -2.0), (2, "A", 1.5), (2, "B", -1.0)
    ]  # fmt: skip
