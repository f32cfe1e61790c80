"""Shared helpers of the test suite: the default Hydra configuration as a plain dict."""

import copy
import os
import sys
from functools import lru_cache
from pathlib import Path


def _same_math_on_every_machine() -> None:
    """NumPy's AVX-512 kernels (its X86_V4 group) of exp and power may differ from its other
    kernels in the last bits (up to 4 ULP), so that the golden baseline's exact hashes would
    depend on the machine: a long chaotic run (balance_only) ends elsewhere. The suite turns
    them off where the CPU has them, before NumPy is imported (subprocesses and Dask workers
    inherit it); elsewhere the variable is left unset, as NumPy warns about disabling a
    feature the machine lacks."""
    if "numpy" in sys.modules or "NPY_DISABLE_CPU_FEATURES" in os.environ:
        return
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return
    if " avx512f" in flags:
        os.environ["NPY_DISABLE_CPU_FEATURES"] = "X86_V4"


_same_math_on_every_machine()

import pytest  # noqa: E402 - after the environment is set (neither imports NumPy)

from sim.scenario.compose import CONFIG_DIR, compose_dict  # noqa: E402

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
