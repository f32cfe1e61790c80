"""The classroom page in a real headless browser (Debian's chromium under Playwright), offline:
every request to anything but localhost is aborted and counted, and the count must be 0.

First the serving side with the placeholder page (the front end renders, Vega included, and
talks to the server), then the real page (``sim.app.page``) once it exists."""

import pytest
from harness import has_real_page, snap, solara_ready
from placeholder_page import HEADING


def clean_log(server, mark: int) -> None:
    """Nothing in the server's log since ``mark``: no asset it could not serve, no traceback."""
    text = server.log_text(since=mark)
    assert "asset not prepared" not in text, text
    assert "Traceback" not in text, text


def test_the_guard_aborts_and_counts_outside_requests(placeholder_server, guard):
    """What makes the zero count meaningful: a request elsewhere is blocked and counted."""
    page = guard.page(placeholder_server.url)
    solara_ready(page)
    failed = page.evaluate(
        "() => fetch('https://example.org/x.js').then(() => 'loaded', () => 'blocked')"
    )
    assert failed == "blocked"
    assert guard.blocked == ["https://example.org/x.js"]
    guard.blocked.clear()  # counted as it should be: not a failure of this test


def test_the_front_end_renders_offline(placeholder_server, new_page):
    mark = placeholder_server.mark()
    page = new_page(placeholder_server.url)
    page.get_by_text(HEADING).wait_for()
    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for()  # Vega, offline
    page.get_by_text("Stepped 0 times; turns 3").wait_for()
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Stepped 1 times; turns 3").wait_for()  # a round trip to the server
    page.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    page.get_by_text("Stepped 1 times; turns 4").wait_for()
    snap(page, "placeholder-page")
    clean_log(placeholder_server, mark)


def test_two_browsers_have_their_own_sessions(placeholder_server, new_page):
    first, second = new_page(placeholder_server.url), new_page(placeholder_server.url)
    for page in (first, second):
        page.get_by_text("Stepped 0 times").wait_for()
    first.get_by_role("button", name="Step").click()
    first.get_by_text("Stepped 1 times").wait_for()
    second.get_by_role("button", name="Step").click()
    second.get_by_text("Stepped 1 times").wait_for()  # not 2: the state is per session


real_page = pytest.mark.skipif(not has_real_page(), reason="sim/app/page.py does not exist yet")


@real_page
def test_the_page_loads_offline_and_shows_its_content(app_server, new_page):
    mark = app_server.mark()
    page = new_page(app_server.url)
    solara_ready(page)
    page.wait_for_function("() => document.body.innerText.trim().length > 200")
    snap(page, "page-loaded")
    clean_log(app_server, mark)
