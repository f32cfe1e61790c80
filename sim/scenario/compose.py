"""Hydra composition of the shipped configs: the one place that turns overrides into a config.

``configs/`` is installed as the package ``sim.conf`` (``pyproject.toml``), so the commands, the
tests and a notebook compose the same files from any folder, editable install or wheel.
"""

import contextlib
import re
from importlib.resources import files
from pathlib import Path

from sim.errors import ConfigError

CONFIG_PACKAGE = "sim.conf"
CONFIG_DIR = str(files(CONFIG_PACKAGE))


@contextlib.contextmanager
def composer(config_dir=None, extra_dirs=()):
    """Hydra initialised on the shipped configs (or ``config_dir``), with ``extra_dirs`` on the
    search path (``--config-dir``); yields ``compose(config_name, overrides,
    return_hydra_config=False)`` returning a ``DictConfig``. The one place that initialises Hydra
    outside the commands' own ``@hydra.main``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    searchpath = []
    if extra_dirs:
        paths = ",".join(f"'file://{Path(d).resolve()}'" for d in extra_dirs)  # spaces too
        searchpath = [f"hydra.searchpath=[{paths}]"]

    def compose(config_name: str, overrides=(), return_hydra_config: bool = False):
        _refuse_existing_actors(
            overrides, lambda rest: hydra_compose(config_name, [*rest, *searchpath])
        )
        return hydra_compose(
            config_name,
            overrides=[*overrides, *searchpath],
            return_hydra_config=return_hydra_config,
        )

    with initialize_config_dir(config_dir=str(config_dir or CONFIG_DIR), version_base=None):
        yield compose


# +actors.TUR={...} adds a state; with a code the config has already, Hydra would merge the
# mapping into that state's instead (+ means add; ++ add or override, and stays a merge).
_ADDED_ACTOR = re.compile(r"^\+actors\.([^.=]+)=")


def _refuse_existing_actors(overrides, compose_rest) -> None:
    """Raise ``ConfigError`` for ``+actors.CODE=...`` where the config (``compose_rest`` of the
    other overrides) has a state CODE already."""
    added = {m.group(1): o for o in overrides if (m := _ADDED_ACTOR.match(o))}
    if not added:
        return
    actors = compose_rest([o for o in overrides if o not in added.values()]).get("actors") or {}
    for code, override in added.items():
        if code in actors:
            raise ConfigError(
                f"actors.{code}",
                override.partition("=")[2],
                f"state {code} already exists (+ adds a new state; change one of its keys "
                f"with actors.{code}.KEY=VALUE)",
            )


def compose_dict(
    overrides=(), config_name: str = "config", *, resolve: bool = True, config_dir=None
) -> dict:
    """The composed config as a plain dict (no ``hydra`` key).

    ``resolve=False`` keeps interpolations (a sweep needs them: a swept value must reach what
    interpolates it). ``config_dir``: another primary config directory (tests of broken files).
    Raises Hydra's errors for an unknown key or option (the commands turn them into one line).
    """
    from omegaconf import OmegaConf

    with composer(config_dir) as compose_with:
        cfg = compose_with(config_name, overrides)
    return OmegaConf.to_container(cfg, resolve=resolve)


def compose(overrides=(), config_name: str = "config"):
    """The validated config of one run, as an OmegaConf ``DictConfig`` (attribute access:
    ``compose(["seed=3"]).seed``). Raises ``ConfigError`` (one line naming key and value) for a
    value the model refuses, Hydra's errors for an unknown key or option."""
    from omegaconf import OmegaConf

    config = compose_dict(overrides, config_name)
    if (config.get("scenario") or {}).get("payoffs") is not None:
        from sim.scenario.game import build_game

        build_game(config)
    else:
        from sim.scenario.build import build_scenario

        build_scenario(config)
    return OmegaConf.create(config)
