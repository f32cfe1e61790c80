"""One run from a composed config: build the typed scenario, run the Mesa model to its end and,
when asked, write its result folder (``sim-run`` and ``sim.run_model``)."""

from sim.scenario.build import to_container


def is_game(config: dict) -> bool:
    """A classic two-player game scenario (it has ``scenario.payoffs``)."""
    return (config.get("scenario") or {}).get("payoffs") is not None


def build(config: dict):
    """The validated scenario: a ``GameSpec`` or a ``RunSpec`` (raises
    ``ConfigError``)."""
    if is_game(config):
        from sim.scenario.game import build_game

        return build_game(config)
    from sim.scenario.build import build_scenario

    return build_scenario(config)


def simulate(scenario, backend: str = "numba"):
    """The finished model of a validated scenario."""
    from sim.scenario.game import GameSpec

    if isinstance(scenario, GameSpec):
        from sim.abm.games import run_game

        return run_game(scenario)
    from sim.abm.model import run

    return run(scenario, backend)


def write(
    model, config: dict, out_dir, figures: bool | None = None, files: dict | None = None
) -> dict:
    """Write the model's result folder (tables, figures, ``files`` — relative name: text —
    and ``summary.json`` last); return the summary."""
    if figures is None:
        figures = bool((config.get("outputs") or {}).get("figures", True))
    if is_game(config):
        from sim.abm.games import write_game

        outputs = dict(config.get("outputs") or {}, figures=figures)
        config = {**config, "outputs": outputs}
        return write_game(model, config, out_dir, seed=config["seed"], files=files)
    from sim.outputs.tables import write_run

    return write_run(model, config, out_dir, seed=config["seed"], figures=figures, files=files)


def run_config(config, out_dir=None, *, figures: bool | None = None, backend: str = "numba"):
    """Build, run and (with ``out_dir``) write one run; the model, with ``model.summary`` set
    when written."""
    config = to_container(config)
    model = simulate(build(config), backend)
    if out_dir is not None:
        model.summary = write(model, config, out_dir, figures)
    return model
