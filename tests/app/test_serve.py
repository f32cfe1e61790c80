"""``sim-app`` without a browser: where it listens, what it prints, how it refuses, and that its
asset proxy never reaches for the CDN."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest
from harness import HERE, PLACEHOLDER, SIM_APP, start_server, stop_server

from sim.app import server


def sim_app(*args, env=None, timeout=60):
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = str(HERE)  # the placeholder page
    return subprocess.run(
        [str(SIM_APP), *args], capture_output=True, text=True, env=environment, timeout=timeout
    )


def one_error_line(result, *words):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("sim-app: error: "), lines
    for word in words:
        assert word in lines[0], lines
    return lines[0]


def test_a_bad_port_is_one_line():
    one_error_line(sim_app("--port", "70000"), "70000", "port")
    one_error_line(sim_app("--port", "eighty"), "eighty")


def test_a_busy_port_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_error_line(sim_app("--port", str(port), "--page", PLACEHOLDER), "busy", str(port))


def test_an_address_not_of_this_machine_is_one_line():
    one_error_line(sim_app("--host", "no-such-host.invalid", "--page", PLACEHOLDER), "--host")
    one_error_line(sim_app("--host", "192.0.2.1", "--page", PLACEHOLDER), "192.0.2.1")


def test_missing_assets_say_run_make_app(tmp_path):
    env = dict(os.environ, SOLARA_ASSETS_PROXY_CACHE_DIR=str(tmp_path))
    line = one_error_line(sim_app("--port", "0", "--page", PLACEHOLDER, env=env), "make app")
    assert "requirejs@2.3.6" in line


def test_a_missing_page_is_one_line():
    one_error_line(sim_app("--port", "0", "--page", "no_such_module:Page"), "no_such_module")


def test_it_listens_on_localhost_and_prints_a_teacher_key(placeholder_server):
    assert urlparse(placeholder_server.url).hostname == "127.0.0.1"
    key = placeholder_server.key
    assert len(key) >= 10 and key.replace("-", "").replace("_", "").isalnum()
    assert placeholder_server.lines[0] == f"sim-app: the classroom page at {placeholder_server.url}"


def test_each_start_has_its_own_key(tmp_path):
    other = start_server(PLACEHOLDER, tmp_path / "server.log")
    try:
        again = start_server(PLACEHOLDER, tmp_path / "server2.log")
        stop_server(again.process)
        assert other.key != again.key
    finally:
        stop_server(other.process)


def test_the_page_is_served_in_production_mode_from_the_local_proxy(placeholder_server):
    with urllib.request.urlopen(placeholder_server.url, timeout=10) as response:
        html = response.read().decode()
    assert (
        "/_solara/cdn/@widgetti/solara-vuetify3-app@5.2.0/dist/solara-vuetify-app8.min.js" in html
    )
    assert "solara.dev/static/public/success.html" not in html  # the version check iframe
    assert "cdn.jsdelivr.net" not in html


def test_a_prepared_asset_is_served(placeholder_server):
    url = placeholder_server.url + "_solara/cdn/requirejs@2.3.6/require.js"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200 and b"requirejs" in response.read()


def test_an_asset_not_prepared_is_404_at_once_and_logged(placeholder_server):
    url = placeholder_server.url + "_solara/cdn/left-pad@1.3.0/index.js"
    start = time.perf_counter()
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=10)
    error.value.close()
    assert error.value.code == 404
    assert time.perf_counter() - start < 1.0  # no fetch from the CDN, no retries
    deadline = time.monotonic() + 5
    while (
        "left-pad@1.3.0/index.js" not in placeholder_server.log_text()
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert (
        "asset not prepared, not fetched: left-pad@1.3.0/index.js" in placeholder_server.log_text()
    )


def test_the_key_is_handed_to_the_page(monkeypatch):
    monkeypatch.delenv(server.KEY_ENV, raising=False)
    key = server.teacher_key()
    assert key and server.teacher_key() != key
    server.hand_over_key(key)
    assert os.environ[server.KEY_ENV] == key
    monkeypatch.setenv(server.KEY_ENV, "kept-across-restarts")
    assert server.teacher_key() == "kept-across-restarts"


def test_solaras_settings_are_offline(tmp_path):
    env = server.environment(tmp_path, "m:Page")
    assert env["SOLARA_MODE"] == "production"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(tmp_path)


def test_solaras_per_message_shell_gets_no_mock_events():
    """``light_shell_events``: the stand-in shell Solara builds for every message has hooks
    that do nothing, not a MagicMock (in a process of its own: importing Solara's server
    patches the interpreter)."""
    code = (
        "import unittest.mock as m\n"
        "from types import SimpleNamespace as N\n"
        "from sim.app import server\n"
        "import solara.server.server\n"
        "from solara.server import patch\n"
        "before = patch.FakeIPython(N(kernel=N(shell=N(display_pub=None)))).events\n"
        "assert isinstance(before, m.Mock), type(before)\n"
        "server.light_shell_events()\n"
        "shell = patch.FakeIPython(N(kernel=N(shell=N(display_pub=None))))\n"
        "assert not isinstance(shell.events, m.Mock), type(shell.events)\n"
        "assert shell.events.trigger('pre_execute') is None\n"
        "print('light')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "light"
