"""``make lab``: JupyterLab from the pinned environment serves the notebooks with its offline
settings (``notebooks/jupyter_lab_config.py``): no extension catalogue, news feed or update
check that would reach the internet."""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = Path(sys.executable).with_name("jupyter")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_make_lab_serves_the_notebooks_offline(tmp_path):
    port, token = free_port(), "labtest"
    command = [str(JUPYTER), "lab", "--config=notebooks/jupyter_lab_config.py", "--no-browser"]
    command += [f"--port={port}", f"--IdentityProvider.token={token}", "--allow-root"]
    command += [f"--ServerApp.runtime_dir={tmp_path}"]
    with (tmp_path / "lab.log").open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                contents = json.loads(get(f"{base}/api/contents?token={token}"))
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "lab.log").read_text()
                time.sleep(0.25)
        else:
            raise AssertionError("JupyterLab did not start in 60 s")
        names = {item["name"] for item in contents["content"]}
        assert {"01_compare_scenarios.ipynb", "04_write_a_scenario.ipynb"} <= names
        page = get(f"{base}/lab?token={token}")
        config = json.loads(
            re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)[1]
        )
        assert config["news"] == {"disabled": True}
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Extension Manager is 'readonly'" in (tmp_path / "lab.log").read_text()
