"""The classroom page served for real and driven in a real browser, offline (``harness.py``);
a pytest plugin (``-p app_fixtures`` in pyproject.toml), not a second ``conftest.py``.

- ``app_server``: ``sim-app`` (the installed entry point) in a subprocess on a free localhost
  port, waited for until ``/readyz`` answers, stopped at the end of the session: its address,
  the teacher key it printed and its log. ``placeholder_server``: the same with the placeholder
  page (the serving side on its own).
- ``browser``: Debian's ``chromium`` launched by Playwright's sync API (no browser download).
- ``guard`` / ``new_page``: browser contexts in which every request to anything but
  127.0.0.1/localhost is aborted and counted; the count must be 0 when the test ends.
"""

import os

import pytest
from harness import (
    ARTEFACTS,
    PLACEHOLDER,
    REAL_PAGE,
    Guard,
    chromium_path,
    has_real_page,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def app_server():
    """``sim-app`` serving the page (the real one when it exists, else the placeholder)."""
    page = REAL_PAGE if has_real_page() else PLACEHOLDER
    server = start_server(page, ARTEFACTS / "server.log")
    yield server
    stop_server(server.process)


@pytest.fixture(scope="session")
def placeholder_server():
    """``sim-app`` serving the placeholder page (the serving side on its own)."""
    server = start_server(PLACEHOLDER, ARTEFACTS / "placeholder-server.log")
    yield server
    stop_server(server.process)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium under Playwright's sync API (headless)."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=args)
        yield launched
        launched.close()


@pytest.fixture
def guard(browser):
    """The guard of this test's browser contexts; at teardown, no request may have left
    localhost, and no page may have had a script error."""
    watch = Guard(browser)
    yield watch
    errors = list(watch.errors)  # before the pages close (closing widgets is not the test's)
    watch.close()
    assert watch.blocked == [], f"requests outside localhost: {watch.blocked}"
    assert errors == [], f"script errors in the page: {errors[:5]}"


@pytest.fixture
def new_page(guard):
    """``new_page(url)``: a guarded page (in its own context) at ``url``."""
    return guard.page
