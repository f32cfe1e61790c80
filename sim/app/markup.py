"""The page's live texts (timeline, tables) as HTML built here, every text escaped.

``solara.Markdown`` converts its text on every change and replaces its widget (a new Vue
template sent to the browser: four of them, 18 kB, on every step); an HTML widget keeps its
place and gets its new content. Labels may come from an uploaded scenario file, so every text
is escaped: nothing in a file becomes markup.
"""

from html import escape


def strong(text: str) -> str:
    return f"<strong>{escape(text)}</strong>"


def table(head: list[str], rows: list[list[str]], caption: str = "") -> str:
    """A plain table: one header row, then ``rows`` (each a list of cell texts)."""
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table class='sim-table'>{title}<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def bullets(items: list[tuple[str, bool]], title: str = "") -> str:
    """A list of ``(text, bold)`` items under an optional bold title."""
    lines = "".join(f"<li>{strong(t) if bold else escape(t)}</li>" for t, bold in items)
    head = f"<p>{strong(title)}</p>" if title else ""
    return f"{head}<ul>{lines}</ul>"


STYLE = (
    ".sim-table { border-collapse: collapse; margin: 6px 0; font-size: 0.92em }"
    ".sim-table caption { text-align: left; font-weight: bold; padding-bottom: 4px }"
    ".sim-table th, .sim-table td { border-bottom: 1px solid #ddd; padding: 3px 8px;"
    " text-align: left }"
)
