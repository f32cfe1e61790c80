"""``sim-sweep``: one Hydra job runs a whole sweep (``sim.sweeps.session``) and reports it.

    sim-sweep design=sobol design.n=1024 replicates=1 executor=local hydra.run.dir=sweeps/s1

Mistakes in the configuration or the design print one line and exit 2 before any run.
"""

import atexit
import gc
import logging
import sys

from sim.cli.common import EXIT_FAILED, Command
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


def main() -> None:
    _freeze_at_exit()
    COMMAND.precheck(sys.argv[1:], "sweep")
    _app()()


if __name__ == "__main__":
    main()
