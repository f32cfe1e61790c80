"""What the figure tests measure: every text a figure draws, and which of them overlap."""

import itertools

import matplotlib.text


def drawn_texts(fig, monkeypatch) -> list[tuple[str, object]]:
    """Every text the renderer draws (legend entries, tick labels inside the limits, titles,
    event numbers and key), with its bounding box at draw time."""
    drawn = []
    draw = matplotlib.text.Text.draw

    def record(self, renderer):
        draw(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append((self.get_text(), self.get_window_extent(renderer)))

    monkeypatch.setattr(matplotlib.text.Text, "draw", record)
    fig.canvas.draw()
    monkeypatch.undo()
    return drawn


def overlapping(drawn) -> list[tuple[str, str]]:
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(drawn, 2) if ba.overlaps(bb)]


def assert_no_overlap(fig, monkeypatch, at_least: int = 1) -> None:
    """Draw ``fig``, assert at least ``at_least`` labels and no two overlapping, and close it."""
    from sim.outputs.figures import plt

    try:
        drawn = drawn_texts(fig, monkeypatch)
        assert len(drawn) >= at_least  # the measure sees the labels
        assert not overlapping(drawn), overlapping(drawn)
    finally:
        plt.close(fig)
