"""Solara's front end fetched at install (``python -m sim.app.assets``): the pins cover what the
installed Solara asks for, each tarball is checked against its pinned sha512 and unpacked
atomically, a second run fetches nothing, and an unreachable registry is one line and exit 2.
The tests of fetching run against a small registry served on localhost."""

import base64
import hashlib
import http.server
import io
import os
import re
import socket
import subprocess
import sys
import tarfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from sim.app import assets

# Folders Solara's files name under its CDN that this page never asks for, and why.
NOT_NEEDED = {
    # the Vue 2 front end, used only with ipyvue 2 (the lock pins ipyvue 3: the Vue 3 app)
    "@widgetti/solara-vuetify-app@10.1.1",
    # the search box of Solara's own documentation website (solara.website)
    "@docsearch/css@3",
    "@docsearch/js@3",
}


def solara_cdn_folders() -> set[str]:
    """Every ``<package>@<version>`` folder that the installed Solara's page template, Vue
    components, Python components and font setting request from its CDN."""
    import solara

    root = Path(solara.__file__).parent
    files = [root / "server" / "templates" / "solara.html.j2"]
    files += sorted((root / "widgets" / "vue").glob("*.vue"))
    files += sorted((root / "components").glob("*.py"))
    pattern = re.compile(
        r"(?:cdn\}\}|getCdn\(\)\}|cdn\}|_solara/cdn)/((?:@[\w.-]+/)?[\w.-]+@[\w.^~-]+)/"
    )
    found = set()
    for path in files:
        found.update(pattern.findall(path.read_text(errors="replace")))
    # the font the template links through settings.assets.fontawesome_path
    settings = (root / "server" / "settings.py").read_text()
    found.update(re.findall(r'fontawesome_path: str = "/([\w.-]+@[\w.-]+)/', settings))
    return found


def test_the_pins_cover_every_folder_solara_asks_for():
    asked = solara_cdn_folders()
    assert "requirejs@2.3.6" in asked and "vega@5" in asked  # the scan finds what it should
    pinned = {p.folder for p in assets.pinned()}
    assert asked - NOT_NEEDED - pinned == set(), "Solara asks for folders not pinned in assets.toml"
    assert pinned - asked == set(), "assets.toml pins folders Solara no longer asks for"


def test_the_pins_are_exact_and_checked():
    packages = assets.pinned()
    assert len({p.folder for p in packages}) == len(packages)
    for p in packages:
        assert re.fullmatch(r"\d+\.\d+\.\d+(-[\w.]+)?", p.version), p
        assert p.folder.startswith(p.name + "@"), p
        requested = p.folder.removeprefix(p.name + "@")
        assert p.version == requested or p.version.startswith(requested + "."), p
        assert p.integrity.startswith("sha512-") and len(base64.b64decode(p.integrity[7:])) == 64
    text = assets.PINS.read_text()
    assert "http" not in text.replace("https://registry.npmjs.org", ""), "no download addresses"


def test_the_tarball_address_is_the_registrys():
    p = assets.Package(
        "@widgetti/solara-vuetify3-app", "@widgetti/solara-vuetify3-app@5.2.0", "5.2.0", "x"
    )
    assert p.tarball("https://registry.npmjs.org/") == (
        "https://registry.npmjs.org/@widgetti/solara-vuetify3-app/-/solara-vuetify3-app-5.2.0.tgz"
    )
    assert assets.Package("vega", "vega@5", "5.33.1", "x").tarball("http://r") == (
        "http://r/vega/-/vega-5.33.1.tgz"
    )


def test_this_venv_has_the_front_end():
    """What ``make app`` (and so ``make test``) prepares: every pinned folder, complete."""
    assert assets.missing() == [], "run `make app` (python -m sim.app.assets)"


# --- fetching, against a registry on localhost ---------------------------------------------


def tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def registry():
    """A registry on localhost serving ``files[path]``; ``hits`` counts its requests."""
    files: dict[str, bytes] = {}
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            data = files.get(self.path)
            self.send_response(200 if data is not None else 404)
            self.end_headers()
            if data is not None:
                self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    yield url, files, hits
    server.shutdown()
    server.server_close()
    thread.join()


def publish(files, name, version, folder, content: dict[str, bytes]) -> assets.Package:
    data = tarball(content)
    package = assets.Package(name, folder, version, integrity(data))
    files[package.tarball("")] = data  # its path on the registry
    return package


def test_prepare_unpacks_each_package_into_the_folder_solara_asks_for(tmp_path, registry):
    url, files, hits = registry
    vega = publish(files, "vega", "5.33.1", "vega@5", {"build/vega.min.js": b"vega()"})
    app = publish(files, "@w/app", "1.2.3", "@w/app@1.2.3", {"dist/main.js": b"app()"})
    done = assets.prepare(tmp_path, [vega, app], url)
    assert sorted(done) == ["@w/app@1.2.3", "vega@5"]
    assert (tmp_path / "vega@5" / "build" / "vega.min.js").read_bytes() == b"vega()"
    assert (tmp_path / "@w" / "app@1.2.3" / "dist" / "main.js").read_bytes() == b"app()"
    assert assets.missing(tmp_path, [vega, app]) == []
    assert sorted(p.name for p in tmp_path.rglob(".tmp-*")) == []
    assert len(hits) == 2
    assert assets.prepare(tmp_path, [vega, app], url) == []  # a second run: present, complete
    assert len(hits) == 2


def test_a_partial_folder_is_replaced(tmp_path, registry):
    """A folder without the marker (files Solara's proxy cached one by one, an older version)."""
    url, files, _ = registry
    vega = publish(files, "vega", "5.33.1", "vega@5", {"build/vega.min.js": b"vega()"})
    (tmp_path / "vega@5" / "build").mkdir(parents=True)
    (tmp_path / "vega@5" / "build" / "stale.js").write_text("old")
    assert assets.missing(tmp_path, [vega]) == ["vega@5"]
    assets.prepare(tmp_path, [vega], url)
    assert not (tmp_path / "vega@5" / "build" / "stale.js").exists()
    assert assets.missing(tmp_path, [vega]) == []


def test_a_tarball_that_does_not_match_its_hash_is_not_kept(tmp_path, registry):
    url, files, _ = registry
    vega = publish(files, "vega", "5.33.1", "vega@5", {"build/vega.min.js": b"vega()"})
    forged = replace(vega, integrity=integrity(b"something else"))
    with pytest.raises(assets.Mismatch, match="vega@5.33.1"):
        assets.prepare(tmp_path, [forged], url)
    assert list(tmp_path.iterdir()) == []


def run_module(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sim.app.assets", *args], capture_output=True, text=True, env=env
    )


def test_an_unreachable_registry_is_one_line_and_exit_2(tmp_path, unused_port):
    env = dict(os.environ, NPM_CONFIG_REGISTRY=f"http://127.0.0.1:{unused_port}")
    result = run_module("--dest", str(tmp_path / "cdn"), env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "npm registry" in lines[0] and "cannot be reached" in lines[0], lines
    assert not any((tmp_path / "cdn").iterdir())


@pytest.fixture
def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
