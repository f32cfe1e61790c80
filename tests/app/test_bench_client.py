"""The benchmark's light client (``benchmarks/bench_app.py``) speaks Solara's websocket protocol
for real: against the served placeholder page it renders the app and a click re-renders it."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_app import Client  # noqa: E402


def texts(client) -> list[str]:
    return [
        c
        for state in client.models.values()
        for c in state.get("children", [])
        if isinstance(c, str)
    ]


def test_the_light_client_renders_and_clicks(placeholder_server):
    async def journey():
        client = Client(placeholder_server.url)
        try:
            await client.connect()
            before = texts(client)
            seconds = await client.click("Step")
            return before, texts(client), seconds
        finally:
            await client.close()

    # in a thread of its own: Playwright's sync API (the browser fixture) keeps an event loop
    # running in this one for the whole session
    with ThreadPoolExecutor(1) as pool:
        before, after, seconds = pool.submit(asyncio.run, journey()).result()
    assert any("Stepped 0 times" in t for t in before)
    assert any("Stepped 1 times" in t for t in after) and 0 < seconds < 5
    try:
        Client(placeholder_server.url).find("No such button")
    except LookupError:
        pass
    else:
        raise AssertionError("find() should refuse a label that is not on the page")
