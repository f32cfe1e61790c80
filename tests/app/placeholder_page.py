"""A tiny Solara page for the serving tests while ``sim.app.page`` does not exist: a heading, a
slider, a button whose clicks are counted and a Vega-Lite chart (what ``solara.FigureAltair``
renders), enough to see that the front end, Vega included, renders and talks to the server
offline."""

import solara
import solara.widgets

HEADING = "Placeholder classroom page"


def chart(turns: int) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"turn": t, "relation": 0.1 * t} for t in range(1, turns + 1)]},
        "mark": "line",
        "encoding": {
            "x": {"field": "turn", "type": "quantitative"},
            "y": {"field": "relation", "type": "quantitative"},
        },
    }


@solara.component
def Page():
    clicks, set_clicks = solara.use_state(0)
    turns, set_turns = solara.use_state(3)
    with solara.Column():
        solara.Markdown(f"# {HEADING}")
        solara.SliderInt("Turns", value=turns, on_value=set_turns, min=1, max=10)
        solara.Button("Step", on_click=lambda: set_clicks(clicks + 1))
        solara.Text(f"Stepped {clicks} times; turns {turns}")
        solara.widgets.VegaLite.element(spec=chart(turns))
