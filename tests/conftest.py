"""Shared helpers of the test suite: the default Hydra configuration as a plain dict."""

import copy
import os
from functools import lru_cache

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

CONFIGS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "configs"))


def compose_config(overrides=()):
    """Compose ``configs/config.yaml`` with Hydra overrides and return it as a plain dict.

    The ``hydra`` key is absent (no ``return_hydra_config``), so interpolations such as
    ``${now:...}`` are never resolved.
    """
    with initialize_config_dir(config_dir=CONFIGS, version_base=None):
        cfg = compose("config", overrides=list(overrides))
    return OmegaConf.to_container(cfg, resolve=False)


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
