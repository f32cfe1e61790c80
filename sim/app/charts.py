"""The page's board as Vega-Lite specifications: plain dicts the browser draws (vega-embed, in
``sim.app.chart.Chart``), so that a step sends numbers, not pictures.

Drawing three Matplotlib PNGs took 0.24 s of a step's 0.36 s on the server (the model: 0.3 ms),
and every room's step waits on the one Python process; a spec costs the server about a
millisecond. The debrief keeps Matplotlib (``sim.app.figures``): it must be one self-contained
file, with no script to run.

The colours are those of ``sim.app.figures`` (ColorBrewer's RdBu ends): blue friendly, red
hostile, readable with red-green colour blindness.
"""

import numpy as np

from sim.app.figures import NEGATIVE, POSITIVE

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier: nothing is fetched
SMALLEST = 0.05  # arrows of a weaker stance are left out, as in sim.app.figures
RADIUS = 1.35  # the graph's half-width, in the units of the circle the states sit on
NODE = 0.2  # an arrow starts and ends this far from a state's centre
LANE = 0.06  # the two arrows of a pair run this far apart, each on its own right-hand side


def _spec(title: str, layers: list, width: int, height: int, datasets: dict) -> dict:
    """The layers read named ``datasets`` (``{"data": {"name": ...}}``): on the next step the
    browser swaps the rows of each in the chart it has drawn (``chart.vue``), without compiling
    and drawing the chart anew, as long as the rest of the spec is the same."""
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "fontSize": 12},
        "width": width,
        "height": height,
        "layer": layers,
        "datasets": datasets,
        "config": {"view": {"stroke": None}},
    }


def positions(n: int) -> np.ndarray:
    """The states on the unit circle, the first at the top, then clockwise.

    Returns
    -------
    ndarray, shape (n, 2)
    """
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    return np.column_stack([np.cos(angle), np.sin(angle)])


def arrows(codes: list, stance: np.ndarray) -> list[dict]:
    """One row per drawn arrow i -> j: its ends, its head's angle, its value and where the
    value sits (near the start, beside its own lane, so the two directions of a pair and two
    crossing diagonals never share a place).

    Parameters
    ----------
    stance : ndarray, shape (n, n)
        ``stance[i, j]``: i's stance toward j, in [-1, 1].
    """
    xy = positions(len(codes))
    rows = []
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            s = float(stance[i, j])
            if i == j or abs(s) < SMALLEST:
                continue
            d = xy[j] - xy[i]
            length = float(np.hypot(*d))
            unit = d / length
            right = np.array([unit[1], -unit[0]])
            start = xy[i] + NODE * unit + LANE * right
            end = xy[j] - NODE * unit + LANE * right
            at = xy[i] + 0.36 * unit * (1.0 if length < 1.6 else 1.5) + 0.15 * right
            rows.append({
                "from": a, "to": b, "stance": round(s, 2), "label": f"{s:+.2f}",
                "x": float(start[0]), "y": float(start[1]),
                "x2": float(end[0]), "y2": float(end[1]),
                "angle": float(np.degrees(np.arctan2(unit[0], unit[1]))),  # clockwise from up
                "lx": float(at[0]), "ly": float(at[1]),
                "width": 0.5 + 4 * abs(s), "colour": POSITIVE if s > 0 else NEGATIVE,
            })  # fmt: skip
    return rows


def stance_graph(codes: list, stance: np.ndarray, title: str = "") -> dict:
    """The states on a circle, an arrow from each to each other: its stance toward it (blue
    friendly, red hostile, the wider the stronger)."""
    xy = positions(len(codes))
    nodes = [
        {"code": c, "x": float(p[0]), "y": float(p[1])} for c, p in zip(codes, xy, strict=True)
    ]
    rows = arrows(codes, stance)
    scale = {"domain": [-RADIUS, RADIUS]}
    x = {"field": "x", "type": "quantitative", "scale": scale, "axis": None}
    y = {"field": "y", "type": "quantitative", "scale": scale, "axis": None}
    colour = {"field": "colour", "type": "nominal", "scale": None}
    tip = [{"field": "from"}, {"field": "to"}, {"field": "stance"}]
    layers = [
        {"data": {"name": "arrows"}, "mark": {"type": "rule", "opacity": 0.75},
         "encoding": {"x": x, "y": y, "x2": {"field": "x2"}, "y2": {"field": "y2"},
                      "color": colour, "tooltip": tip,
                      "strokeWidth": {"field": "width", "type": "quantitative", "scale": None}}},
        {"data": {"name": "arrows"}, "mark": {"type": "point", "shape": "triangle", "filled": True,
                                             "size": 70, "opacity": 0.9},
         "encoding": {"x": {**x, "field": "x2"}, "y": {**y, "field": "y2"}, "color": colour,
                      "angle": {"field": "angle", "type": "quantitative", "scale": None}}},
        {"data": {"name": "arrows"}, "mark": {"type": "text", "fontSize": 10},
         "encoding": {"x": {**x, "field": "lx"}, "y": {**y, "field": "ly"},
                      "text": {"field": "label"}, "color": colour}},
        {"data": {"name": "nodes"}, "mark": {"type": "point", "shape": "circle", "size": 900,
                                              "filled": True, "color": "white",
                                              "stroke": "#4d4d4d", "strokeWidth": 1}},
        {"data": {"name": "nodes"}, "mark": {"type": "text", "fontSize": 13,
                                              "fontWeight": "bold"},
         "encoding": {"text": {"field": "code"}}},
    ]  # fmt: skip
    for layer in layers[3:]:
        layer.setdefault("encoding", {}).update({"x": x, "y": y})
    title = title or "Stances (arrow: from a state toward another; blue friendly, red hostile)"
    return _spec(title, layers, 330, 330, {"arrows": rows, "nodes": nodes})


def _over_time(
    rows: list, series: list, value: str, title: str, ylabel: str, steps: int, y_scale: dict
) -> dict:
    """Lines over the whole scenario (0 to ``steps``, so that the axis does not rescale as the
    run goes), one per name of ``series``, with a note before any step is played.

    The spec is the same before and after the first step but for its datasets (the series and
    the y range are known from the start; the note's dataset empties), so the browser only ever
    swaps rows into the chart it drew first. ``y_scale`` must give a range even with no row:
    an empty layer's extent is infinite."""
    x = {
        "field": "step",
        "type": "quantitative",
        "title": "step",
        "scale": {"domain": [0, max(steps, 1)]},
        "axis": {"tickMinStep": 1, "format": "d"},
    }
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "scheme": "category20" if len(series) > 10 else "tableau10"},
    }
    layers = [
        {"data": {"name": "lines"}, "mark": {"type": "line", "strokeWidth": 2},
         "encoding": {
             "x": x,
             "y": {"field": value, "type": "quantitative", "title": ylabel, "scale": y_scale},
             "color": colour,
             "tooltip": [{"field": "series"}, {"field": "step"},
                         {"field": value, "format": "+.2f"}],
         }},
        # a dot at the last step played: after one step a line has one point, and draws none
        {"data": {"name": "lines"},
         "transform": [{"joinaggregate": [{"op": "max", "field": "step", "as": "last"}]},
                       {"filter": "datum.step === datum.last"}],
         "mark": {"type": "point", "filled": True, "size": 36},
         "encoding": {"x": x, "y": {"field": value, "type": "quantitative", "scale": y_scale},
                      "color": colour}},
        {"data": {"name": "note"}, "mark": {"type": "text", "color": "#666666", "fontSize": 12},
         "encoding": {"text": {"field": "note"}, "x": {"value": 210}, "y": {"value": 90}}},
    ]  # fmt: skip
    note = [] if rows else [{"note": "no step played yet"}]
    return _spec(title, layers, 420, 180, {"lines": rows, "note": note})


def relations_over_time(codes: list, stance_history: np.ndarray, steps: int) -> dict:
    """Each pair's relation (the mean of its two stances) after each step played.

    Parameters
    ----------
    stance_history : ndarray, shape (t, n, n)
        The stance matrices after each step played.
    """
    n = len(codes)
    rows = [
        {"step": k + 1, "series": f"{codes[i]}–{codes[j]}",
         "relation": round(0.5 * float(m[i, j] + m[j, i]), 3)}
        for k, m in enumerate(stance_history) for i in range(n) for j in range(i + 1, n)
    ]  # fmt: skip
    pairs = [f"{codes[i]}–{codes[j]}" for i in range(n) for j in range(i + 1, n)]
    return _over_time(
        rows,
        pairs,
        "relation",
        "Relations (the mean of the two stances)",
        "relation (-1 hostile, +1 friendly)",
        steps,
        {"domain": [-1.05, 1.05]},
    )


def payoffs_over_time(codes: list, cumulative: np.ndarray, ylabel: str, steps: int) -> dict:
    """Each state's cumulative utility (a game: payoff) after each step played.

    Parameters
    ----------
    cumulative : ndarray, shape (t, n)
        After each step played, each state's sum so far.
    """
    rows = [
        {"step": k + 1, "series": c, "payoff": round(float(v), 3)}
        for k, row in enumerate(cumulative) for c, v in zip(codes, row, strict=True)
    ]  # fmt: skip
    title = "Payoffs (the higher, the better the state has done)"
    y_scale = {"domain": {"unionWith": [-1, 1]}, "zero": False}  # a range with no row yet
    return _over_time(rows, list(codes), "payoff", title, ylabel, steps, y_scale)
