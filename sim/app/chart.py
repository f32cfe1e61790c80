"""The widget that draws a Vega-Lite spec in the browser (``chart.vue``), for the page's board.

Solara's own ``VegaLite`` widget draws a chart that was just taken off the page, which raises a
script error when a view changes within a second of loading; this one does not, and drops a
drawing a newer spec has overtaken. Same assets: vega, vega-lite and vega-embed from Solara's
local folder (``sim.app.assets``).
"""

from pathlib import Path

import ipyvue
import traitlets


class Chart(ipyvue.VueTemplate):
    """``spec``: a Vega-Lite specification (``sim.app.charts``)."""

    template_file = str(Path(__file__).with_name("chart.vue"))
    spec = traitlets.Dict().tag(sync=True)
