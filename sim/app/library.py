"""The scenario library the page offers, and composing one of its scenarios with a room's values.

Hydra keeps its initialisation in a process-wide singleton, so two rooms resetting at once from
two server threads would trample each other: composition is serialised here and each scenario is
composed once (about 0.25 s), later resets copy the cached dict and set their values in it.
"""

import copy
import threading
from functools import lru_cache
from pathlib import Path

from sim.errors import ConfigError
from sim.scenario.compose import CONFIG_DIR, compose_dict

DEFAULT_SCENARIO = "jan2020"
_HYDRA = threading.Lock()


def library() -> list[str]:
    """Every scenario of ``configs/scenario/`` (``jan2020`` first), the games as ``games/NAME``."""
    root = Path(CONFIG_DIR) / "scenario"
    names = [p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.yaml")]
    return sorted(names, key=lambda n: (n != DEFAULT_SCENARIO, n.startswith("games/"), n))


@lru_cache(maxsize=64)
def _composed(name: str) -> dict:
    if name not in library():
        raise ConfigError("scenario", name, f"unknown scenario (known: {', '.join(library())})")
    with _HYDRA:
        return compose_dict([f"scenario={name}"])


def composed(name: str, values: dict | None = None) -> dict:
    """A fresh copy of the library scenario ``name`` composed, with ``values`` (dotted key ->
    value, e.g. ``{"decision.lam": 2.0}``) set in it. Raises ``ConfigError``."""
    config = copy.deepcopy(_composed(name))
    return with_values(config, values)


def with_values(config: dict, values: dict | None) -> dict:
    """``config`` with each dotted key of ``values`` set (in place; returned). A key must lead
    through mappings the config has, to an existing key: a slider cannot add a section."""
    for key, value in (values or {}).items():
        parts = str(key).split(".")
        node = config
        for k, part in enumerate(parts):
            if not isinstance(node, dict) or part not in node:
                where = ".".join(parts[: k + 1])
                raise ConfigError(where, value, "no such key in the scenario's configuration")
            if k == len(parts) - 1:
                node[part] = value
            else:
                node = node[part]
    return config
