"""Shared helpers of the test suite: the default Hydra configuration as a plain dict."""

import copy
from functools import lru_cache

import pytest

from sim.scenario.compose import CONFIG_DIR, compose_dict

CONFIGS = CONFIG_DIR


def compose_config(overrides=()):
    """Compose ``configs/config.yaml`` with Hydra overrides and return it as a plain dict, its
    interpolations kept (the ``hydra`` key is absent, so ``${now:...}`` is never resolved)."""
    return compose_dict(overrides, resolve=False)


@lru_cache(maxsize=8)
def _cached(overrides: tuple) -> dict:
    return compose_config(overrides)


def default_config(overrides=()) -> dict:
    """A fresh deep copy of the composed config (composition itself is done once per overrides)."""
    return copy.deepcopy(_cached(tuple(overrides)))


@pytest.fixture(scope="session")
def config_factory():
    """``config_factory(overrides=())`` -> a fresh composed config dict (session-scoped, so it can
    be used by hypothesis tests)."""
    return default_config
