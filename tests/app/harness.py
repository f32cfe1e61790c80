"""What the classroom page's tests share, beside their fixtures (``app_fixtures.py``): ``sim-app``
started for real in a subprocess, a guard on browser contexts that aborts and counts every
request outside localhost, and screenshots into ``outputs/test-artefacts/app/`` (gitignored).

The page served is ``sim.app.page:Page`` when that module exists, else the placeholder of
``placeholder_page.py`` (this folder), so the serving side is tested before the page is.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sim.cli.app import banner_fields

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTEFACTS = ROOT / "outputs" / "test-artefacts" / "app"
SIM_APP = Path(sys.executable).with_name("sim-app")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
REAL_PAGE = "sim.app.page:Page"
PLACEHOLDER = "placeholder_page:Page"
START_TIMEOUT = 60.0  # seconds for sim-app to print its key and answer /readyz
UI_TIMEOUT = 30_000  # milliseconds for the page to show something


def has_real_page() -> bool:
    return importlib.util.find_spec("sim.app.page") is not None


@dataclass
class Server:
    """A running ``sim-app``."""

    url: str  # http://127.0.0.1:PORT/
    key: str  # the teacher key it printed
    process: subprocess.Popen
    log: Path  # its stderr
    lines: list[str] = field(default_factory=list)  # what it printed on stdout before serving

    def log_text(self, since: int = 0) -> str:
        """Its log, from byte ``since`` (a :meth:`mark`) on."""
        with open(self.log, "rb") as f:
            f.seek(since)
            return f.read().decode(errors="replace")

    def mark(self) -> int:
        """Where its log ends now."""
        return self.log.stat().st_size


def _read_banner(process: subprocess.Popen, deadline: float) -> tuple[str, str, list[str]]:
    """The address and key from sim-app's first lines on stdout."""
    url = key = None
    lines = []
    while (url is None or key is None) and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        found = banner_fields(line)
        url, key = found.get("url", url), found.get("key", key)
    if url is None or key is None:
        raise RuntimeError(f"sim-app did not print its address and key: {lines}")
    return url, key, lines


def _wait_ready(url: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sim-app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"sim-app at {url} did not get ready in {START_TIMEOUT} s")


def start_server(page: str, log: Path, args=(), env=None) -> Server:
    """``sim-app --port 0 --page PAGE ARGS`` (the port it picked is in the address it prints)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join([str(HERE), environment.get("PYTHONPATH", "")])
    environment.pop("SIM_APP_TEACHER_KEY", None)
    with open(log, "w") as err:
        process = subprocess.Popen(
            [str(SIM_APP), "--port", "0", "--page", page, *args],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env=environment,
            cwd=ROOT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        url, key, lines = _read_banner(process, deadline)
        _wait_ready(url, process, deadline)
    except BaseException:
        stop_server(process)
        raise
    return Server(url=url, key=key, process=process, log=log, lines=lines)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout:
        process.stdout.close()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (.ci/run does)")
    return path


class Guard:
    """Browser contexts whose requests outside localhost are aborted and recorded, and whose
    pages' script errors are recorded (an error in a chart's drawing can blank the page below
    it while the server's side looks right)."""

    def __init__(self, browser):
        self.browser = browser
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.contexts = []

    def _watch(self, page):
        page.on("websocket", self._websocket)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message):
        # a request this guard aborted is logged by the browser too: it is in ``blocked``
        if message.type == "error" and "ERR_BLOCKED_BY_CLIENT" not in message.text:
            self.errors.append(f"{page.url}: {message.text}")

    def _route(self, route):
        url = route.request.url
        if urlparse(url).hostname in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _websocket(self, ws):
        if urlparse(ws.url).hostname not in LOCAL_HOSTS:
            self.blocked.append(ws.url)

    def context(self, **options):
        """A new browser context (its own cookies: another student, another teacher)."""
        context = self.browser.new_context(
            service_workers="block", accept_downloads=True, **options
        )
        context.set_default_timeout(UI_TIMEOUT)
        context.route("**/*", self._route)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def page(self, url: str | None = None, **options):
        """A page in a new context, at ``url`` when given."""
        page = self.context(**options).new_page()
        if url is not None:
            page.goto(url)
        return page

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def snap(page, name: str) -> Path:
    """Save a full-page screenshot as ``outputs/test-artefacts/app/<name>.png``."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def solara_ready(page, timeout: float = UI_TIMEOUT) -> None:
    """Wait until Solara's front end has rendered the app (its loader gone, content shown)."""
    page.wait_for_function(
        "() => !!document.querySelector('.v-application .solara-content-main, "
        "#app .v-application--wrap, #app main') && document.body.innerText.trim().length > 0",
        timeout=timeout,
    )
