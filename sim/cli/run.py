"""``sim-run``: run one scenario and write its tables, summary and figures.

A Hydra app: every config key is a dotted override (``sim-run seed=3 decision=best_response``),
and the output goes to Hydra's run directory (``hydra.run.dir=PATH`` to choose it). A mistake in
the configuration prints one line naming the key and value and exits with code 2.
"""

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.cli.common import EXIT_FAILED, Command, remove_if_empty
from sim.errors import ConfigError
from sim.scenario.compose import CONFIG_DIR

COMMAND = Command("sim-run")
fail = COMMAND.fail


def describe(summary: dict, out_dir: str) -> str:
    """The short readable summary printed after a run."""
    b = summary["balancer"]["actor"]
    r1, r2 = summary["balancer"]["rivals"]
    fs = summary["final_stance"]
    lines = [
        f"{summary['scenario']}: {summary['steps']} steps from {summary['start']} to "
        f"{summary['end']}, seed {summary['seed']}, rule {summary['decision_rule']}",
        f"  final stances  {b}->{r1} {fs[b][r1]:+.2f}  {r1}->{b} {fs[r1][b]:+.2f}  "
        f"{b}->{r2} {fs[b][r2]:+.2f}  {r2}->{b} {fs[r2][b]:+.2f}  {r1}->{r2} {fs[r1][r2]:+.2f}",
        f"  hedge index {summary['hedge_index']:+.3f}   tilt {summary['tilt']:+.3f} "
        f"(> 0 leans to {r1})   balance broken: "
        + (f"yes, at step {summary['balance_broken_step']}" if summary["balance_broken"] else "no"),
        f"  escalations {summary['escalations']}",
        f"  {b}'s responses:",
    ]
    for e in summary["responses"]:
        extra = f" [{e['outcome']}]" if "outcome" in e else ""
        lines.append(f"    {e['date']} {e['label']}{extra}: {', '.join(e['actions'][b])}")
    lines.append(f"  written to {out_dir}")
    return "\n".join(lines)


@hydra.main(version_base=None, config_path=CONFIG_DIR, config_name="config")
def app(cfg: DictConfig) -> None:
    from sim.abm import games
    from sim.abm.run import build, is_game, simulate, write
    from sim.core.qre import QREFailure

    for noisy in ("MESA", "matplotlib"):  # Mesa logs every step at INFO under Hydra's logging
        logging.getLogger(noisy).setLevel(logging.WARNING)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    config = OmegaConf.to_container(cfg, resolve=True)
    try:
        try:
            scenario = build(config)
        except ConfigError as error:
            fail(str(error.located(scenario_file_of(error.key, HydraConfig.get()))))
        try:
            model = simulate(scenario)
        except QREFailure as error:  # a valid input the solver cannot follow: no traceback
            fail(f"decision.rule='qre': {error}; try decision=logit", EXIT_FAILED)
        summary = write(model, config, out_dir, files=hydra_files(cfg))
    except BaseException:
        remove_if_empty(out_dir)
        raise
    print((games.describe if is_game(config) else describe)(summary, str(out_dir)))


def hydra_files(cfg: DictConfig) -> dict[str, str]:
    """The ``.hydra/`` files of the result (the composed config, Hydra's own, the overrides),
    written with it rather than by Hydra before the run, so that a folder never holds the
    record of one run beside the result of another."""
    return {
        ".hydra/config.yaml": OmegaConf.to_yaml(cfg),
        ".hydra/hydra.yaml": OmegaConf.to_yaml(HydraConfig.instance().cfg),
        ".hydra/overrides.yaml": OmegaConf.to_yaml(HydraConfig.get().overrides.task),
    }


def check(config: dict, out_dir: str, multirun: bool, hydra_cfg) -> str | None:
    """The error line for a run that would fail or write where it must not (``precheck``):
    the scenario is built, and the folder checked, before Hydra makes it."""
    from sim.abm.run import build
    from sim.outputs.folders import run_folder_problem, unwritable
    from sim.outputs.tables import config_hash

    try:
        build(config)
    except ConfigError as error:
        return str(error.located(scenario_file_of(error.key, hydra_cfg)))
    if multirun:
        problem = unwritable(out_dir)
        key = "hydra.sweep.dir"
    else:
        overwrite = config.get("overwrite", False)
        if not isinstance(overwrite, bool):
            return f"overwrite={overwrite!r}: must be true or false"
        problem = run_folder_problem(out_dir, config_hash(config), overwrite)
        key = "hydra.run.dir"
    return f"{key}={out_dir!r}: {problem}" if problem else None


def scenario_file_of(key: str, hydra_cfg) -> str | None:
    """The scenario file that sets ``key`` (for error messages), if the key comes from it;
    ``hydra_cfg``: the run's ``hydra`` section (``HydraConfig.get()``)."""
    import yaml

    choice = hydra_cfg.runtime.choices.get("scenario")
    for source in hydra_cfg.runtime.config_sources:
        if source.schema != "file":
            continue
        path = Path(source.path) / "scenario" / f"{choice}.yaml"
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text()) or {}
        except (yaml.YAMLError, ValueError):  # such as a date 2020-02-31 (Hydra reads it)
            data = {}
        top = key.split(".")[0].split("[")[0]
        if top == "scenario" or top in data:
            try:
                return str(path.relative_to(Path.cwd()))
            except ValueError:
                return str(path)
    return None


def main() -> None:
    sys.argv[1:] = COMMAND.prepare(sys.argv[1:], "config", check)
    app()


if __name__ == "__main__":
    main()
