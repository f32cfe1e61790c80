"""``python -m sim.app.assets [--dest DIR]``: Solara's front end, prepared once at install.

Solara's page loads its front end (the Vue app, RequireJS, fonts, and for some components
Mermaid, KaTeX and Vega) through its asset proxy, ``/_solara/cdn/<package>@<version>/<path>``,
which serves files from a cache folder (``share/solara/cdn`` of the venv, Solara's
``settings.assets.proxy_cache_dir``) and otherwise fetches them from a CDN. Offline, that CDN is
out of reach and the page stays blank. This module fills the cache folder from the npm registry
(the one address ``make app`` needs), so ``sim-app`` serves everything itself.

The packages are pinned in ``assets.toml`` beside this module: the folder name as Solara asks for
it (a range such as ``vega@5`` kept as is), the exact version fetched into it and the sha512 of its
tarball. Each tarball is checked against that hash, its ``package/`` unpacked into a temporary
folder beside the target and renamed into place, so a folder is either absent or complete (a
marker file inside names the version and hash). A second run skips what is already there.

Exit codes: 0 ready; 1 a tarball did not match its pinned hash; 2 the registry could not be
reached (one line on stderr).
"""

import argparse
import base64
import hashlib
import io
import os
import shutil
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sim.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE

PINS = Path(__file__).with_name("assets.toml")
DEFAULT_REGISTRY = "https://registry.npmjs.org"
MARKER = ".sim-app-assets"  # in each prepared folder: "name@version integrity"
TIMEOUT = 60.0  # seconds without a byte before a download counts as unreachable


class Unreachable(RuntimeError):
    """The registry did not answer (no network, a wrong address)."""


class Mismatch(RuntimeError):
    """A tarball whose sha512 is not the pinned one."""


@dataclass(frozen=True)
class Package:
    """One folder of Solara's asset cache and the npm package version that fills it."""

    name: str  # npm name, e.g. "@widgetti/solara-vuetify3-app"
    folder: str  # as Solara requests it under /_solara/cdn/, e.g. "vega@5"
    version: str  # the exact version fetched, e.g. "5.33.1"
    integrity: str  # "sha512-<base64>", the registry's dist.integrity of that version

    def tarball(self, registry: str) -> str:
        """The tarball's address on an npm registry (``<name>/-/<basename>-<version>.tgz``)."""
        return f"{registry.rstrip('/')}/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"

    @property
    def stamp(self) -> str:
        return f"{self.name}@{self.version} {self.integrity}\n"


def pinned(path: Path = PINS) -> list[Package]:
    """The packages of ``assets.toml``."""
    with open(path, "rb") as f:
        return [Package(**entry) for entry in tomllib.load(f)["package"]]


def default_dest() -> Path:
    """Where Solara's asset proxy looks: ``SOLARA_ASSETS_PROXY_CACHE_DIR`` when set, else
    ``share/solara/cdn`` under the running Python's prefix (the venv), as Solara computes it."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def registry() -> str:
    """npm's own setting (``NPM_CONFIG_REGISTRY``, for a mirror), else the public registry."""
    env = os.environ.get("NPM_CONFIG_REGISTRY")
    return env or DEFAULT_REGISTRY


def is_ready(dest: Path, package: Package) -> bool:
    """Whether ``dest`` holds this package's folder, complete, at the pinned version."""
    try:
        return (dest / package.folder / MARKER).read_text() == package.stamp
    except OSError:
        return False


def missing(dest: Path | None = None, packages: list[Package] | None = None) -> list[str]:
    """The folders of ``packages`` (all pinned ones by default) not ready in ``dest``."""
    dest = default_dest() if dest is None else Path(dest)
    return [p.folder for p in (pinned() if packages is None else packages) if not is_ready(dest, p)]


def download(package: Package, registry_url: str) -> bytes:
    """The package's tarball, checked against its pinned sha512."""
    url = package.tarball(registry_url)
    request = urllib.request.Request(url, headers={"User-Agent": "sim.app.assets"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read()
    except urllib.error.HTTPError as error:
        raise Unreachable(f"{url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise Unreachable(f"{registry_url} cannot be reached ({reason})") from None
    algorithm, _, expected = package.integrity.partition("-")
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if got != expected:
        raise Mismatch(
            f"{package.name}@{package.version}: tarball {algorithm} is {got}, pinned {expected}"
        )
    return data


def unpack(package: Package, data: bytes, dest: Path) -> None:
    """Unpack the tarball's top folder (``package/``) as ``dest/<folder>``, atomically: into a
    temporary folder beside it, marked complete, then renamed over whatever was there."""
    target = dest / package.folder
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(work, filter="data")
        tops = [p for p in work.iterdir() if p.is_dir()]
        top = work / "package" if (work / "package").is_dir() else (tops + [None])[0]
        if top is None or (top.name != "package" and len(tops) != 1):
            raise Mismatch(f"{package.name}@{package.version}: no package/ folder in its tarball")
        (top / MARKER).write_text(package.stamp)
        old = None
        if target.exists():  # an older version, or files Solara's proxy cached one by one
            old = work / "old"
            target.rename(old)
        top.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare(dest: Path, packages: list[Package], registry_url: str, log=None) -> list[str]:
    """Fetch and unpack every package not ready in ``dest`` (four downloads at a time); the
    folders fetched. Raises :class:`Unreachable` or :class:`Mismatch`, leaving ``dest`` as it
    was for the packages not done."""
    todo = [p for p in packages if not is_ready(dest, p)]
    dest.mkdir(parents=True, exist_ok=True)

    def one(package: Package) -> str:
        unpack(package, download(package, registry_url), dest)
        if log:
            log(f"{package.folder} ({package.name}@{package.version})")
        return package.folder

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, todo))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sim.app.assets",
        description="Fetch Solara's front end from the npm registry into its asset cache.",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="the cache folder (default: share/solara/cdn of this venv)",
    )
    args = parser.parse_args(argv)
    dest = default_dest() if args.dest is None else args.dest
    name = "sim.app.assets"
    start = time.perf_counter()
    url = registry()
    try:
        done = prepare(
            dest, pinned(), url, log=lambda line: print(f"{name}: {line}", file=sys.stderr)
        )
    except Unreachable as error:
        print(
            f"{name}: error: the npm registry is needed once, for Solara's front end: {error}",
            file=sys.stderr,
        )
        sys.exit(EXIT_USAGE)
    except Mismatch as error:
        print(f"{name}: error: {error}; nothing of it was kept", file=sys.stderr)
        sys.exit(EXIT_FAILED)
    except OSError as error:
        print(f"{name}: error: {dest}: {error.strerror or error}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    seconds = time.perf_counter() - start
    total = len(pinned())
    print(
        f"{name}: Solara's front end ready in {dest} ({len(done)} of {total} fetched, {seconds:.1f} s)",
        file=sys.stderr,
    )
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
