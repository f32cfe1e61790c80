"""The load benchmark (``benchmarks/bench_app.py``): its light client speaks Solara's websocket
protocol for real (against the placeholder page a click re-renders it), a click that does not
step the page is refused rather than timed, and a small run against the real classroom page
opens a room per light client and steps each, with a browser page playing alone beside them."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from harness import chromium_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_app  # noqa: E402
from bench_app import Client, Results, StepNotTaken, bench, parse, verdict  # noqa: E402


def in_thread(coroutine_or_function, *args):
    """Run it in a thread of its own: Playwright's sync API (the browser fixture) keeps an
    event loop running in this one for the whole session."""
    with ThreadPoolExecutor(1) as pool:
        if asyncio.iscoroutine(coroutine_or_function):
            return pool.submit(asyncio.run, coroutine_or_function).result()
        return pool.submit(coroutine_or_function, *args).result()


def test_the_light_client_renders_and_clicks(placeholder_server):
    async def journey():
        client = Client(placeholder_server.url)
        try:
            await client.connect()
            before = client.texts()
            seconds = await client.click("Step")
            after = client.texts()
            reply, shown = await client.step("Step")
            return before, after, seconds, reply, shown, client.step_number()
        finally:
            await client.close()

    before, after, seconds, reply, shown, step = in_thread(journey())
    assert any("Stepped 0 times" in t for t in before)
    assert any("Stepped 1 times" in t for t in after) and 0 < seconds < 5
    assert step == 2 and 0 < reply <= shown < 5
    with pytest.raises(LookupError):
        Client(placeholder_server.url).find("No such button")


def test_a_click_that_does_not_step_is_refused(monkeypatch):
    """The benchmark cannot pass on no-ops: the status line must show one step more."""
    monkeypatch.setattr(bench_app, "TIMEOUT", 0.2)
    client = Client("http://127.0.0.1:1/")
    client.models = {
        "a": {"_model_name": "HtmlModel", "children": ["jan2020: Step 3 of 22, date 2020-01-06"]},
        "b": {"_model_name": "BtnModel", "children": ["Advance step"]},
    }

    async def nothing(label):
        return 0.01

    client.click = nothing
    with pytest.raises(StepNotTaken, match="from step 3 to 3"):
        in_thread(client.step("Advance step"))
    client.models["c"] = {"_model_name": "HtmlModel", "children": ["other: Step 5 of 22"]}
    with pytest.raises(LookupError, match="one status line"):
        client.step_number()


def test_the_verdict():
    args = parse(["--rooms", "2", "--steps", "2", "--browsers", "1"])
    good = Results(light=[0.2] * 4, browsers=[0.3] * 2, rooms=["AAAAA", "BBBBB"])
    assert verdict(good, args) == (True, [])
    slow = Results(light=[0.2, 0.2, 0.2, 2.0], browsers=[0.3] * 2, rooms=["AAAAA", "BBBBB"])
    assert not verdict(slow, args)[0]
    short = Results(light=[0.2] * 3, browsers=[0.3] * 2, rooms=["AAAAA", "BBBBB"])
    assert "3 of 4 light steps measured" in verdict(short, args)[1]
    shared = Results(light=[0.2] * 4, browsers=[0.3] * 2, rooms=["AAAAA", "AAAAA"])
    assert not verdict(shared, args)[0]


def test_a_small_run_on_the_classroom_page():
    """Two teachers open two rooms and advance each twice; a browser plays alone twice."""
    chromium_path()
    args = parse(["--rooms", "2", "--steps", "2", "--browsers", "1"])
    out = in_thread(bench, args)
    assert out.errors == []
    assert len(set(out.rooms)) == 2
    assert len(out.light) == 4 and len(out.browsers) == 2
    assert all(0 < r <= s for r, s in zip(out.light_reply, out.light, strict=True))
    # the pages' own clock: a number for each step (NaN if the click or the step was missed)
    assert all(0 < b < 60 for b in out.browsers) and len(out.browser_devtools) == 2
    lines = bench_app.report(out, args)
    assert any(line.startswith("rooms opened: 2 distinct") for line in lines)
    assert lines[-1].startswith("target p95 < 1.5 s: ")
