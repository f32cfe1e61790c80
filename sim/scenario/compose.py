"""Hydra composition of the shipped configs: the one place that turns overrides into a config.

``configs/`` is installed as the package ``sim.conf`` (``pyproject.toml``), so the commands, the
tests and a notebook compose the same files from any folder, editable install or wheel.
"""

from importlib.resources import files

CONFIG_PACKAGE = "sim.conf"
CONFIG_DIR = str(files(CONFIG_PACKAGE))


def compose_dict(
    overrides=(), config_name: str = "config", *, resolve: bool = True, config_dir=None
) -> dict:
    """The composed config as a plain dict (no ``hydra`` key).

    ``resolve=False`` keeps interpolations (a sweep needs them: a swept value must reach what
    interpolates it). ``config_dir``: another primary config directory (tests of broken files).
    Raises Hydra's errors for an unknown key or option (the commands turn them into one line).
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from omegaconf import OmegaConf

    with initialize_config_dir(config_dir=config_dir or CONFIG_DIR, version_base=None):
        cfg = hydra_compose(config_name, overrides=list(overrides))
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
