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

from sim.cli.common import Command
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

    for noisy in ("MESA", "matplotlib"):  # Mesa logs every step at INFO under Hydra's logging
        logging.getLogger(noisy).setLevel(logging.WARNING)
    out_dir = HydraConfig.get().runtime.output_dir
    config = OmegaConf.to_container(cfg, resolve=True)
    try:
        scenario = build(config)
    except ConfigError as error:
        fail(str(error.located(scenario_file_of(error.key))))
    summary = write(simulate(scenario), config, out_dir)
    print((games.describe if is_game(config) else describe)(summary, out_dir))


def scenario_file_of(key: str) -> str | None:
    """The scenario file that sets ``key`` (for error messages), if the key comes from it."""
    import yaml

    choice = HydraConfig.get().runtime.choices.get("scenario")
    for source in HydraConfig.get().runtime.config_sources:
        if source.schema != "file":
            continue
        path = Path(source.path) / "scenario" / f"{choice}.yaml"
        if not path.is_file():
            continue
        data = yaml.safe_load(path.read_text()) or {}
        top = key.split(".")[0].split("[")[0]
        if top == "scenario" or top in data:
            try:
                return str(path.relative_to(Path.cwd()))
            except ValueError:
                return str(path)
    return None


def main() -> None:
    COMMAND.precheck(sys.argv[1:], "config")
    app()


if __name__ == "__main__":
    main()
