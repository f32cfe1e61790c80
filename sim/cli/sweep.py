"""``sim-sweep``: one Hydra job runs a whole sweep (``sim.sweeps.session``) and reports it.

    sim-sweep design=sobol design.n=1024 replicates=1 executor=local hydra.run.dir=sweeps/s1

Mistakes in the configuration or the design print one line and exit 2 before any run.
"""

import atexit
import gc
import logging
import sys

from sim.cli.common import EXIT_FAILED, Command, remove_if_empty
from sim.errors import ConfigError
from sim.scenario.compose import CONFIG_DIR
from sim.sweeps.session import SweepAborted, report, run_sweep, scenario_configs

COMMAND = Command("sim-sweep")
fail = COMMAND.fail


def _app():
    import hydra

    @hydra.main(version_base=None, config_path=CONFIG_DIR, config_name="sweep")
    def app(cfg) -> None:
        from hydra import compose
        from hydra.core.hydra_config import HydraConfig
        from omegaconf import OmegaConf

        logging.getLogger("MESA").setLevel(logging.WARNING)
        hc = HydraConfig.get()
        overrides = list(hc.overrides.task)
        try:
            unresolved = OmegaConf.to_container(cfg, resolve=False)
            configs = scenario_configs(
                unresolved,
                hc.runtime.choices.get("scenario"),
                overrides,
                lambda o: compose("sweep", overrides=o),
            )
            sweep_config = OmegaConf.to_container(cfg, resolve=True)
            outcome = run_sweep(sweep_config, configs, hc.runtime.output_dir, overrides)
        except ConfigError as error:
            remove_if_empty(hc.runtime.output_dir)
            fail(str(error))
        except SweepAborted as error:
            fail(str(error), EXIT_FAILED)
        code = report(outcome)
        if code:
            sys.exit(code)

    return app


def _freeze_at_exit() -> None:
    """At exit the interpreter's last garbage collections walk every object of the libraries
    imported (Hydra, Mesa, pandas, SciPy), a few hundred ms; freezing them first skips that walk.
    An exit handler, so that it runs however the command ends and after everything is written."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def check(config: dict, out_dir: str, multirun: bool, hydra_cfg) -> str | None:
    """The error line for a sweep folder that cannot be written or holds a run (``precheck``);
    the sweep checks its config itself, before it writes."""
    from sim.outputs.folders import sweep_folder_problem, unwritable

    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    problem = unwritable(out_dir) if multirun else sweep_folder_problem(out_dir)
    return f"{key}={out_dir!r}: {problem}" if problem else None


def main() -> None:
    _freeze_at_exit()
    sys.argv[1:] = COMMAND.prepare(sys.argv[1:], "sweep", check)
    _app()()


if __name__ == "__main__":
    main()
