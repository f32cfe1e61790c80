"""Agent-based model of a great power balancing between two rivals (Russia, Israel, Iran, the USA).

The public API, for notebooks and scripts (every command and test composes through it)::

    import sim
    cfg = sim.compose(["seed=3", "decision=best_response"])   # the validated config
    model = sim.run_model(cfg)                                 # a finished Mesa model
    outcome = sim.run_sweep(["design=lhs", "design.n=50"], "sweeps/lhs50")

The layers, lowest first (``make test`` checks that none imports a higher one): ``core`` (the
NumPy equations), ``scenario`` (YAML to a typed run), ``engine`` (compiled kernels, ensembles,
seeds), ``outputs`` (tables, metrics, figures), ``abm`` (the Mesa shell), ``sweeps`` (designs,
executors, the results store), ``cli`` (the commands).
"""

from sim.version import __version__

__all__ = ["__version__", "compose", "run_model", "run_sweep"]


def compose(overrides=(), config_name: str = "config"):
    """The validated config of one run from Hydra ``overrides`` (``["seed=3"]``), as an
    OmegaConf ``DictConfig``. Raises ``sim.errors.ConfigError`` naming the key and the value."""
    from sim.scenario.compose import compose as _compose

    return _compose(overrides, config_name)


def run_model(config=None, out_dir=None, *, figures: bool | None = None, backend: str = "numba"):
    """Run one scenario (or classic game) to its end and return the finished Mesa model.

    ``config``: what :func:`compose` returns, or a list of overrides (``None``: the default
    scenario). With ``out_dir``, also write the run's tables, summary and figures there, as
    ``sim-run`` does (``figures``: default ``outputs.figures``). ``backend``: ``numba`` (the
    compiled kernels) or ``numpy`` (the readable reference, the same numbers)."""
    from sim.abm.run import run_config

    if config is None or isinstance(config, list | tuple):
        config = compose(config or ())
    return run_config(config, out_dir, figures=figures, backend=backend)


def run_sweep(overrides=(), out_dir="sweeps/run", *, executor=None, config_dir=None):
    """Compose ``sweep.yaml`` with ``overrides`` and run the sweep into ``out_dir`` (resumed
    when it holds the same sweep); return its ``Outcome`` (counts, folder, exit code). Read the
    results with ``sim.sweeps.store.load_results(out_dir)``. ``executor``: an executor object
    (else the config's); ``config_dir``: a config directory of your own instead of the shipped
    one."""
    from sim.scenario.compose import CONFIG_DIR
    from sim.sweeps.session import sweep_from_overrides

    return sweep_from_overrides(overrides, out_dir, config_dir or CONFIG_DIR, executor)
