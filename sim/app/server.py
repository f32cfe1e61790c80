"""Serving the classroom page (``sim-app``): Solara's Starlette app under uvicorn, offline.

What ``solara run --production --no-check-version`` would do, set up so that nothing leaves the
machine: production mode (no version check, no check iframe), Mixpanel telemetry off, and the
asset proxy (``/_solara/cdn/``) serving the front end that ``python -m sim.app.assets`` prepared.
An asset that was not prepared is answered 404 with one line on stderr rather than fetched from
the CDN, so a page that would need the internet shows it in the server's log.

The socket is bound here, before uvicorn starts, so that a busy port or a bad address is one
line and exit 2 (``sim.cli.app``), and ``--port 0`` can pick a free port and print it.

The teacher key is made here at start (or taken from ``SIM_APP_TEACHER_KEY`` when set, so that a
restarted server keeps it), put into ``SIM_APP_TEACHER_KEY`` for the page's classroom logic, and
given to ``sim.app.classroom.set_teacher_key`` when that module has it.
"""

import errno
import gc
import importlib
import importlib.util
import os
import secrets
import socket
import sys
import types
import warnings
from pathlib import Path

from sim.app import assets

PAGE = "sim.app.page:Page"
KEY_ENV = "SIM_APP_TEACHER_KEY"
# Python's collector thresholds for the server (gc.set_threshold; Python's own: 700, 10, 10).
# Rendering a step holds some thousands of container objects (elements, widget states, chart
# rows) until the pass ends; at a threshold of 700 a collection finds them still alive and
# promotes them, and the promoted objects soon trigger full collections over every session's
# widgets: 0.4-1.5 s each with the interpreter locked, several a minute with 30 rooms stepping
# (gc.callbacks timings, benchmarks/bench_app.py). At 50,000 a pass's objects are gone by
# refcount before a collection looks at them; cycles are still collected, a little later.
GC_THRESHOLDS = (50_000, 20, 10)


class ServeError(RuntimeError):
    """A user mistake that stops the server before it starts (one line)."""


def environment(cache_dir: Path, page: str) -> dict[str, str]:
    """The settings Solara reads from the environment when it is imported."""
    return {
        "SOLARA_APP": page,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "SOLARA_ASSETS_PROXY": "true",
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache_dir),
    }


def check_assets(cache_dir: Path) -> None:
    """Refuse to serve a page whose front end is not there (it would be blank offline)."""
    absent = assets.missing(cache_dir)
    if absent:
        raise ServeError(
            f"Solara's front end is not prepared in {cache_dir} ({', '.join(absent)} missing): "
            "run `make app` (or python -m sim.app.assets)"
        )


def check_page(page: str) -> None:
    module, _, attr = page.partition(":")
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found or not attr:
        raise ServeError(f"no page {page!r} (module:attribute, an importable module)")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as error:
        raise ServeError(f"--host {host!r} is not an address of this machine ({error})") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is busy: choose another with --port") from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise ServeError(
                f"port {port} on {host} needs privileges: choose one above 1023"
            ) from None
        raise ServeError(f"--host {host!r} cannot be served here ({error.strerror})") from None
    sock.set_inheritable(True)
    return sock


def teacher_key() -> str:
    """``SIM_APP_TEACHER_KEY`` when set, else a new random key."""
    return os.environ.get(KEY_ENV) or secrets.token_urlsafe(8)


def hand_over_key(key: str) -> None:
    """Give the key to the page's classroom logic: the environment, and ``set_teacher_key`` of
    ``sim.app.classroom`` when that module has one."""
    os.environ[KEY_ENV] = key
    if importlib.util.find_spec("sim.app.classroom") is None:
        return
    classroom = importlib.import_module("sim.app.classroom")
    setter = getattr(classroom, "set_teacher_key", None)
    if setter is not None:
        setter(key)


def refuse_outside_fetches() -> None:
    """Make Solara's asset proxy answer 404 for an asset not prepared, instead of fetching it
    from the CDN (its ``fetch_from_cdn``, called only for a file absent from the cache)."""
    from solara.server import cdn_helper

    def offline(url):
        path = url.removeprefix(cdn_helper.solara.settings.assets.cdn)
        print(
            f"sim-app: asset not prepared, not fetched: {path} (run `make app`)",
            file=sys.stderr,
            flush=True,
        )
        raise FileNotFoundError(path)

    cdn_helper.fetch_from_cdn = offline


class _NoEvents:
    """IPython's event hooks, every one doing nothing (see :func:`light_shell_events`)."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def light_shell_events() -> None:
    """Solara builds its stand-in IPython shell (``solara.server.patch.FakeIPython``) anew for
    every message a browser sends, each with a ``unittest.mock.MagicMock`` as its ``events``,
    which the comm layer then calls ("pre_execute", "post_execute"). Under load (bench_app, 30
    rooms stepping) building those mocks took 13% of the server's time (py-spy ``--gil``). The
    page registers no IPython event, so hooks that do nothing take their place: ``MagicMock``
    is the only name of ``mock`` that Solara 1.64's patch module uses."""
    import solara.server.server  # noqa: F401  (first: the patch module alone is a cycle)
    from solara.server import patch

    patch.mock = types.SimpleNamespace(MagicMock=_NoEvents)


def prepare(page: str = PAGE, cache_dir: Path | None = None) -> Path:
    """Check the page and its assets and set Solara's environment (before Solara is imported)."""
    cache_dir = assets.default_dest() if cache_dir is None else Path(cache_dir)
    check_page(page)
    check_assets(cache_dir)
    os.environ.update(environment(cache_dir, page))
    return cache_dir


def serve(sock: socket.socket, log_level: str = "warning") -> None:
    """Run Solara's Starlette app on ``sock`` until interrupted (after :func:`prepare`)."""
    import uvicorn

    # Solara warns at every page load on a plain-http address other than "localhost" that its
    # cookie falls back to samesite=lax; that is right for a page not embedded in an iframe
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    refuse_outside_fetches()
    light_shell_events()
    gc.set_threshold(*GC_THRESHOLDS)
    config = uvicorn.Config(
        "solara.server.starlette:app",
        log_level=log_level,
        access_log=False,
        lifespan="on",
    )
    uvicorn.Server(config).run(sockets=[sock])


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
