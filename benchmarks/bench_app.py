"""Load on the classroom server: many rooms stepping at once, plus a few real browser pages.

    .venv/bin/python benchmarks/bench_app.py [--rooms 30] [--steps 10] [--browsers 5]
                                             [--pause 0] [--url URL --key KEY]
                                             [--page MODULE:ATTR]

Starts ``sim-app`` on a free localhost port serving the classroom page (``sim.app.page:Page``;
``--page`` another one, e.g. ``placeholder_page:Page`` of ``tests/app/``), unless ``--url``
names a running one, then:

- ``--rooms`` light clients, each a Solara session of its own spoken to over Solara's websocket
  protocol (the Jupyter kernel messages its front end sends: ``comm_open`` of
  ``solara.control``, ``run``, then widget events: a button's ``click``, a text field's
  ``v_model`` update), so that the server is measured, not a browser. Each is a teacher: it
  presses "Teacher", types the teacher key (the one sim-app printed) into "Teacher key" and
  presses "Open room" (so ``--rooms`` distinct rooms, each with its own model);
- ``--browsers`` real pages in Debian's chromium (Playwright, ``/usr/bin/chromium``, no browser
  download), each playing alone.

When every client has its room (every page its first render), all of them step at once, each
``--steps`` times, back to back (``--pause`` seconds apart): the rooms with "Advance step", the
browsers with "Step". Every step is checked: the page's status line ("Step T of N") must have
gone from T to T+1 in what the server sent back, else the run fails (a click that did nothing
is not a fast step). A page without a "Teacher" button (the placeholder) is stepped with its
"Step" button and its "Stepped N times" line.

A light client's step is the time from sending the click until the server reports the kernel
idle again for that message (the page's whole re-render sent). A browser page's step is timed on
the page's own clock, as a student sees it: from the click event until the status line shows the
next step (a MutationObserver). The same step seen through DevTools (Playwright's websocket frame
events, click frame sent to idle frame received) is printed too; it is longer by the lag of the
DevTools pipe and of this process, which under load reach a second. Prints the count, median,
95th percentile and maximum of each, the rooms opened and PASS/FAIL against the target of
issue 15: a 95th percentile under 1.5 s, of the light clients', the browsers' and all steps.
Bounded: every client stops after ``--steps`` clicks; exit 0 on PASS, 1 otherwise.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sim.cli.app import banner_fields

ROOT = Path(__file__).resolve().parent.parent
SIM_APP = Path(sys.executable).with_name("sim-app")
PLACEHOLDER_DIR = ROOT / "tests" / "app"
TARGET_P95 = 1.5  # seconds
TIMEOUT = 180.0  # seconds for any one message's round trip (a stuck server fails the run)
# the status line: "jan2020: Step 3 of 22, date ..." (sim.app.page), "Stepped 3 times" (placeholder)
STATUS = re.compile(r"\bStep(?:ped)? (\d+)\b")
ROOM_CODE = re.compile(r"Room code: ([A-Z0-9]{5})\b")


class StepNotTaken(RuntimeError):
    """A click that did not step the page: the benchmark must not count it."""


def decode(frame) -> dict:
    """A kernel message from a websocket frame (JSON text, or Jupyter's binary framing)."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!i", frame[:4])[0]
    offsets = struct.unpack("!" + "I" * count, frame[4 : 4 * (count + 1)])
    end = offsets[1] if count > 1 else None
    return json.loads(frame[offsets[0] : end].decode())


class Client:
    """One Solara session over its websocket: the widget models it was sent, and its events."""

    def __init__(self, url: str):
        self.url = url
        self.session = str(uuid.uuid4())
        self.models: dict[str, dict] = {}  # comm id -> widget state
        self.waiting: dict[str, asyncio.Future] = {}  # msg id -> done when the kernel is idle
        self.shown: dict[int, float] = {}  # T -> when a status line "Step T" first arrived
        self.ws = None
        self.reader = None

    def _message(self, msg_type: str, content: dict) -> dict:
        header = {
            "msg_id": str(uuid.uuid4()), "msg_type": msg_type, "session": self.session,
            "username": "", "version": "5.2", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }  # fmt: skip
        return {"buffers": [], "channel": "shell", "content": content, "header": header,
                "metadata": {}, "parent_header": {}}  # fmt: skip

    async def send(self, msg_type: str, content: dict) -> float:
        """Send a shell message; its round trip in seconds (until the kernel is idle again)."""
        msg = self._message(msg_type, content)
        done = asyncio.get_running_loop().create_future()
        self.waiting[msg["header"]["msg_id"]] = done
        start = time.perf_counter()
        await self.ws.send(json.dumps(msg))
        await asyncio.wait_for(done, timeout=TIMEOUT)
        return time.perf_counter() - start

    async def _read(self):
        async for frame in self.ws:
            msg = decode(frame)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                done = self.waiting.pop(msg["parent_header"].get("msg_id"), None)
                if done is not None and not done.done():
                    done.set_result(None)
            elif kind == "comm_open":
                state = content.get("data", {}).get("state", {})
                self.models[content["comm_id"]] = dict(state)
                note_status(self.shown, state)
            elif kind == "comm_msg" and content.get("data", {}).get("method") == "update":
                self.models.setdefault(content["comm_id"], {}).update(content["data"]["state"])
                note_status(self.shown, content["data"]["state"])
            elif kind == "comm_close":
                self.models.pop(content["comm_id"], None)

    async def connect(self) -> float:
        """Open the page's session (a cookie, the websocket, the app's first render); the first
        render's round trip."""
        from websockets.asyncio.client import connect

        cookie = await asyncio.to_thread(session_cookie, self.url)
        kernel = str(uuid.uuid4())
        ws_url = self.url.replace("http", "ws", 1) + f"jupyter/api/kernels/{kernel}/channels"
        self.ws = await connect(
            f"{ws_url}?session_id={uuid.uuid4()}", additional_headers={"Cookie": cookie},
            max_size=None, open_timeout=60,
        )  # fmt: skip
        self.reader = asyncio.create_task(self._read())
        await self.send("kernel_info_request", {})
        control = str(uuid.uuid4())
        await self.send(
            "comm_open", {"comm_id": control, "target_name": "solara.control", "data": {}}
        )
        args = {"path": "/", "dark": False, "themes": {"light": {}, "dark": {}}, "appName": None}
        return await self.send(
            "comm_msg", {"comm_id": control, "data": {"method": "run", "args": args}}
        )

    def labels(self, state: dict) -> list[str]:
        """A widget's own texts: its label, its string children and those of its children."""
        children = state.get("children", [])
        texts = [state.get("label")] + [c for c in children if isinstance(c, str)]
        for child in children:
            if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                inner = self.models.get(child.removeprefix("IPY_MODEL_"), {}).get("children", [])
                texts += [c for c in inner if isinstance(c, str)]
        return [t for t in texts if isinstance(t, str)]

    def find(self, label: str, model: str = "BtnModel") -> str:
        """The comm id of the (enabled) widget labelled ``label``: a button (``BtnModel``) by
        its text, a text field (``TextFieldModel``) by its label."""
        for comm_id, state in self.models.items():
            enabled = state.get("_model_name") == model and not state.get("disabled")
            if enabled and label in self.labels(state):
                return comm_id
        raise LookupError(f"no enabled {model} labelled {label!r} on the page")

    def has(self, label: str, model: str = "BtnModel") -> bool:
        try:
            self.find(label, model)
        except LookupError:
            return False
        return True

    def texts(self) -> list[str]:
        """Every text the page shows as a widget's child (solara.Text, buttons, ...)."""
        return [
            c
            for state in self.models.values()
            for c in state.get("children", [])
            if isinstance(c, str) and not c.startswith("IPY_MODEL_")
        ]

    def matches(self, pattern: re.Pattern) -> list[re.Match]:
        return [m for text in self.texts() if (m := pattern.search(text))]

    def step_number(self) -> int:
        """T of the page's one status line ("Step T of N"); LookupError if it has none or
        several that disagree."""
        found = {int(m.group(1)) for m in self.matches(STATUS)}
        if len(found) != 1:
            raise LookupError(f"expected one status line 'Step T of N' on the page, got {found}")
        return found.pop()

    async def click(self, label: str) -> float:
        data = {"method": "custom", "content": {"event": "click", "data": {}}}
        return await self.send("comm_msg", {"comm_id": self.find(label), "data": data})

    async def type(self, label: str, value: str) -> float:
        """Set the text field labelled ``label`` to ``value`` as ipyvue's front end does on
        input (``model.set("v_model", value); model.save_changes()``: an ipywidgets
        ``update``)."""
        comm_id = self.find(label, "TextFieldModel")
        self.models[comm_id]["v_model"] = value
        data = {"method": "update", "state": {"v_model": value}, "buffer_paths": []}
        return await self.send("comm_msg", {"comm_id": comm_id, "data": data})

    async def step(self, label: str) -> tuple[float, float]:
        """Click the step button ``label``: the click's reply (sent to kernel idle) and the step
        shown (sent to the status line "Step T+1" received, or the reply when later), in
        seconds; StepNotTaken when the page does not show one step more within TIMEOUT."""
        before = self.step_number()
        start = time.perf_counter()
        reply = await self.click(label)
        shown = await wait_shown(self.shown, before + 1, start)
        after = self.step_number()
        if shown is None or after != before + 1:
            raise StepNotTaken(f"{label!r} went from step {before} to {after}, not {before + 1}")
        return reply, max(reply, shown)

    async def close(self):
        await self.ws.close()
        self.reader.cancel()


def note_status(shown: dict[int, float], state: dict) -> None:
    """When a widget's new texts show the status line "Step T", the first time T arrived."""
    for child in state.get("children") or []:
        if isinstance(child, str) and (m := STATUS.search(child)):
            shown.setdefault(int(m.group(1)), time.perf_counter())


async def wait_shown(shown: dict[int, float], step: int, start: float) -> float | None:
    """Seconds from ``start`` until the status line "Step ``step``" arrived (None: not within
    TIMEOUT). A page may redraw a step after the click's reply (from a thread of its own)."""
    while step not in shown and time.perf_counter() < start + TIMEOUT:
        await asyncio.sleep(0.01)
    return shown[step] - start if step in shown else None


def session_cookie(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


async def open_room(client: Client, key: str) -> str:
    """As a teacher: "Teacher", the key into "Teacher key", "Open room"; the room's code."""
    if not key:
        raise ValueError("a room needs the teacher key (--key with --url)")
    await client.click("Teacher")
    await client.type("Teacher key", key)
    await client.click("Open room")
    codes = {m.group(1) for m in client.matches(ROOM_CODE)}
    if len(codes) != 1:
        shown = [t for t in client.texts() if "room" in t.lower() or "teacher" in t.lower()]
        raise RuntimeError(f"'Open room' showed no one 'Room code: XXXXX' ({codes}): {shown}")
    return codes.pop()


@dataclass
class Results:
    """What a run measured (seconds), and what went wrong."""

    light: list[float] = field(default_factory=list)  # light clients' steps, click to shown
    browsers: list[float] = field(default_factory=list)  # pages' steps, click to shown, in page
    light_reply: list[float] = field(default_factory=list)  # click to the kernel's idle
    browser_reply: list[float] = field(default_factory=list)
    browser_devtools: list[float] = field(default_factory=list)  # the same, seen through CDP
    clicks_again: int = 0  # browser clicks that missed the button and were made again
    first_render: list[float] = field(default_factory=list)  # light clients' first render
    opening: list[float] = field(default_factory=list)  # Teacher + key + Open room
    rooms: list[str] = field(default_factory=list)  # the codes of the rooms opened
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0  # from the common start of the steps to the last one


class Start:
    """Every client steps only when all are ready (rooms opened, pages rendered), or failed."""

    def __init__(self, parties: int):
        self.left = parties
        self.event = asyncio.Event()
        self.at = 0.0

    def arrive(self):
        self.left -= 1
        if self.left <= 0 and not self.event.is_set():
            self.at = time.perf_counter()
            self.event.set()

    async def wait(self):
        self.arrive()
        await self.event.wait()


async def light_room(url, key, args, start: Start, out: Results):
    client = Client(url)
    arrived = False
    try:
        out.first_render.append(await client.connect())
        label = "Step"
        if client.has("Teacher"):
            began = time.perf_counter()
            out.rooms.append(await open_room(client, key))
            out.opening.append(time.perf_counter() - began)
            label = args.room_button
        arrived = True
        await start.wait()
        for i in range(args.steps):
            if i and args.pause:
                await asyncio.sleep(args.pause)
            reply, shown = await client.step(label)
            out.light_reply.append(reply)
            out.light.append(shown)
    except Exception as error:  # counted and printed: one room failing fails the run
        out.errors.append(f"light client: {type(error).__name__}: {error}")
    finally:
        if not arrived:
            start.arrive()
        if client.ws is not None:
            await client.close()


async def browser_pages(url: str, args, start: Start, out: Results):
    """``--browsers`` chromium pages at once, each playing alone and clicking ``--button``."""
    if args.browsers == 0:
        return
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox"] if os.geteuid() == 0 else [],
            )
        except Exception:
            for _ in range(args.browsers):
                start.arrive()
            raise
        try:
            pages = [one_page(browser, url, args, start, out) for _ in range(args.browsers)]
            await asyncio.gather(*pages)
        finally:
            await browser.close()


# The step T the page shows: the one text of a span's own that reads "Step T" ("Stepped T"),
# read in the page (a query over its spans, microseconds), not with Playwright's text locators;
# checked every POLL ms once the websocket frames brought it (every animation frame instead
# cost the five pages twice the CPU)
POLL = 100
SHOWN_STEP = """() => {
  const found = new Set();
  for (const span of document.querySelectorAll("span")) {
    const m = span.childElementCount === 0 && /\\bStep(?:ped)? (\\d+)\\b/.exec(span.textContent);
    if (m) found.add(Number(m[1]));
  }
  return found.size === 1 ? [...found][0] : null;
}"""
# In the page: when each click came (capture phase, before Vue sees it) and when each step T
# was first shown (a MutationObserver on the page), on the page's own clock.
WATCH = f"""() => {{
  const shown = ({SHOWN_STEP});
  const bench = (window.simBench = {{ clicks: [], shown: {{}} }});
  const note = () => {{
    const n = shown();
    if (n !== null && !(n in bench.shown)) bench.shown[n] = performance.now();
  }};
  document.addEventListener("click", () => bench.clicks.push(performance.now()), true);
  const all = {{ subtree: true, childList: true, characterData: true }};
  new MutationObserver(note).observe(document.body, all);
  note();
}}"""
IN_PAGE = "n => (window.simBench.shown[n] - window.simBench.clicks.at(-1)) / 1000"


async def one_page(browser, url, args, start: Start, out: Results):
    """One page: a click's round trip read from its websocket frames (the click sent to the
    kernel's idle for it); the page must show one step more after it.

    The page is driven as a person drives it, with the mouse: Playwright's locators (a click
    waits for the button to be found by its accessible name, visible, enabled and stable; a
    text locator walks the whole page) cost the browser about 140 ms of CPU per step on this
    machine, three times what the page's own redraw costs, on the two cores the server runs
    on. The button is found once; each click goes to the centre of where it is drawn then,
    and the step shown is read with one query over the page's spans (``SHOWN_STEP``)."""
    sent: dict[str, float] = {}
    done: dict[str, asyncio.Future] = {}
    shown: dict[int, float] = {}  # T -> when the status line "Step T" first arrived
    loop = asyncio.get_running_loop()

    def on_sent(frame):
        msg = decode(frame) if isinstance(frame, str) else None
        if msg and msg["content"].get("data", {}).get("method") == "custom":
            msg_id = msg["header"]["msg_id"]
            sent[msg_id] = time.perf_counter()
            done[msg_id] = loop.create_future()

    def on_received(frame):
        msg = decode(frame)
        parent = msg.get("parent_header", {}).get("msg_id")
        idle = msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
        if idle and parent in done and not done[parent].done():
            done[parent].set_result(time.perf_counter() - sent[parent])
        elif msg["msg_type"] in ("comm_open", "comm_msg"):
            note_status(shown, msg["content"].get("data", {}).get("state", {}))

    async def click(button):
        box = await button.bounding_box()
        if box is None:
            raise StepNotTaken(f"the {args.button!r} button is not drawn on the page")
        await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    arrived = False
    context = await browser.new_context(service_workers="block")
    try:
        page = await context.new_page()
        page.on(
            "websocket",
            lambda ws: (ws.on("framesent", on_sent), ws.on("framereceived", on_received)),
        )
        await page.goto(url, timeout=TIMEOUT * 1000)
        locator = page.get_by_role("button", name=args.button, exact=True).first
        await locator.wait_for(timeout=TIMEOUT * 1000)
        button = await locator.element_handle()
        await page.evaluate(WATCH)
        arrived = True
        await start.wait()
        for i in range(args.steps):
            if i and args.pause:
                await asyncio.sleep(args.pause)
            before_step, before = await page.evaluate(SHOWN_STEP), set(done)
            if before_step is None:
                raise StepNotTaken("the page shows no one status line 'Step T'")
            await click(button)
            for tick in range(int(TIMEOUT / 0.01)):
                if set(done) - before:
                    break
                if tick == 500:  # 5 s and no click sent: the button moved as the page laid out
                    await button.click(timeout=TIMEOUT * 1000)  # found where it is now
                    out.clicks_again += 1
                await asyncio.sleep(0.01)
            (new,) = set(done) - before
            reply = await asyncio.wait_for(done[new], timeout=TIMEOUT)
            arrived_after = await wait_shown(shown, before_step + 1, sent[new])
            try:  # what the browser shows, not only what it was sent
                await page.wait_for_function(
                    f"n => ({SHOWN_STEP})() === n", arg=before_step + 1, polling=POLL,
                    timeout=30_000,
                )  # fmt: skip
            except Exception:
                arrived_after = None
            if arrived_after is None:
                raise StepNotTaken(
                    f"{args.button!r} in a browser went from step {before_step} to "
                    f"{await page.evaluate(SHOWN_STEP)}, not {before_step + 1}"
                )
            out.browser_reply.append(reply)
            out.browser_devtools.append(max(reply, arrived_after))
            out.browsers.append(await page.evaluate(IN_PAGE, before_step + 1))
    except Exception as error:
        out.errors.append(f"browser: {type(error).__name__}: {error}")
    finally:
        if not arrived:
            start.arrive()
        await context.close()


def start_server(page: str | None):
    """``sim-app --port 0 [--page PAGE]``: the process, its address and its teacher key."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PLACEHOLDER_DIR), env.get("PYTHONPATH", "")])
    env.pop("SIM_APP_TEACHER_KEY", None)
    command = [str(SIM_APP), "--port", "0"] + (["--page", page] if page else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    url = key = None
    while url is None or key is None:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"sim-app did not start (exit {process.wait()})")
        found = banner_fields(line)
        url, key = found.get("url", url), found.get("key", key)
    return process, url, key


def stop_server(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def summary(name: str, times: list[float], expected: int | None = None) -> str:
    of = f" of {expected}" if expected is not None else ""
    if not times:
        return f"{name}: 0{of} measured"
    return (f"{name}: {len(times)}{of} measured, median {statistics.median(times):.3f} s, "
            f"p95 {p95(times):.3f} s, max {max(times):.3f} s")  # fmt: skip


async def load(url: str, key: str, args) -> Results:
    out = Results()
    start = Start(args.rooms + args.browsers)
    await asyncio.gather(
        *(light_room(url, key, args, start, out) for _ in range(args.rooms)),
        browser_pages(url, args, start, out),
        return_exceptions=False,
    )
    out.seconds = time.perf_counter() - start.at if start.at else 0.0
    return out


def bench(args) -> Results:
    """Start sim-app (unless ``args.url``), run the load, stop it."""
    process = None
    url, key = args.url, args.key
    if url is None:
        process, url, key = start_server(args.page)
    try:
        try:
            return asyncio.run(load(url, key, args))
        except Exception as error:  # e.g. chromium failed to start
            out = Results()
            out.errors.append(f"{type(error).__name__}: {error}")
            return out
    finally:
        if process is not None:
            stop_server(process)


def verdict(out: Results, args) -> tuple[bool, list[str]]:
    """PASS when every step was measured and checked, every room opened (the page has rooms),
    nothing failed, and the p95 of the light clients', the browsers' and all steps is under
    the target."""
    reasons = list(out.errors)
    if len(out.light) != args.rooms * args.steps:
        reasons.append(f"{len(out.light)} of {args.rooms * args.steps} light steps measured")
    if len(out.browsers) != args.browsers * args.steps:
        reasons.append(f"{len(out.browsers)} of {args.browsers * args.steps} browser steps")
    if out.rooms and len(set(out.rooms)) != args.rooms:
        reasons.append(f"{len(set(out.rooms))} distinct rooms opened, not {args.rooms}")
    for name, times in (("light", out.light), ("browsers", out.browsers),
                        ("all", out.light + out.browsers)):  # fmt: skip
        if times and p95(times) >= TARGET_P95:
            reasons.append(f"p95 of {name} {p95(times):.3f} s >= {TARGET_P95} s")
    if not out.light and not out.browsers:
        reasons.append("no step measured")
    return not reasons, reasons


def late(shown: list[float], reply: list[float]) -> str:
    """How many steps the page showed only after the click's reply (redrawn later, by a thread
    of the page's own), and by how much."""
    delays = [s - r for s, r in zip(shown, reply, strict=True) if s > r]
    if not delays:
        return f"0 of {len(shown)}"
    return f"{len(delays)} of {len(shown)}, median {statistics.median(delays):.3f} s later"


def report(out: Results, args) -> list[str]:
    ok, reasons = verdict(out, args)
    every = (args.rooms + args.browsers) * args.steps
    rooms = (
        f"rooms opened: {len(set(out.rooms))} distinct ({' '.join(sorted(out.rooms))})"
        if out.rooms
        else "rooms opened: 0 (the page has no Teacher mode: its Step button clicked)"
    )
    lines = [
        f"bench_app: {args.rooms} rooms and {args.browsers} browser pages at once, "
        f"{args.steps} steps each, pause {args.pause} s; stepping took {out.seconds:.1f} s",
        rooms,
        summary("light clients, first render", out.first_render),
        summary("light clients, Teacher + key + Open room", out.opening),
        "a step: light clients, from the click sent until the page was sent its status line",
        "        'Step T+1' (and the kernel was idle for the click: its reply); browser pages,",
        "        on the page's clock, from the click until the page showed 'Step T+1'",
        summary("  light clients' steps", out.light, args.rooms * args.steps),
        summary("  browser pages' steps", out.browsers, args.browsers * args.steps),
        summary("  all steps", out.light + out.browsers, every),
        summary("  light clients' replies", out.light_reply),
        summary("  browser pages' steps seen through DevTools", out.browser_devtools),
        summary("  browser pages' replies seen through DevTools", out.browser_reply),
        f"  shown after the reply: light {late(out.light, out.light_reply)}; "
        f"browsers {late(out.browser_devtools, out.browser_reply)}",
        f"  browser clicks made again (the first missed the button, moved): {out.clicks_again}",
    ]
    lines += [f"error: {e}" for e in out.errors]
    why = "; ".join(r for r in reasons if r not in out.errors) or "errors above"
    lines.append(f"target p95 < {TARGET_P95} s: " + ("PASS" if ok else f"FAIL ({why})"))
    return lines


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=30, help="light clients, a room each")
    parser.add_argument("--steps", type=int, default=10, help="steps each client clicks")
    parser.add_argument("--browsers", type=int, default=5, help="chromium pages, playing alone")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between two clicks")
    parser.add_argument("--button", default="Step", help="the browsers' step button")
    parser.add_argument("--room-button", default="Advance step", help="the teacher's")
    parser.add_argument("--url", default=None, help="a running sim-app (else one is started)")
    parser.add_argument("--key", default="", help="its teacher key (with --url)")
    parser.add_argument(
        "--page", default=None, help="the page sim-app serves (default sim.app.page:Page)"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    out = bench(args)
    print("\n".join(report(out, args)), flush=True)
    return 0 if verdict(out, args)[0] else 1


if __name__ == "__main__":
    sys.exit(main())
