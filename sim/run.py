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

from .errors import ConfigError

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
EXIT_USAGE = 2


def fail(message: str):
    """One line on stderr, exit code 2: the response to any user mistake."""
    print(f"sim-run: error: {message}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


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
    from .config import build_scenario
    from .model import run
    from .output import write_run

    for noisy in ("MESA", "matplotlib"):  # Mesa logs every step at INFO under Hydra's logging
        logging.getLogger(noisy).setLevel(logging.WARNING)
    out_dir = HydraConfig.get().runtime.output_dir
    if (cfg.get("scenario") or {}).get("payoffs") is not None:  # a classic two-player game
        run_game(cfg, out_dir)
        return
    try:
        scenario = build_scenario(cfg)
    except ConfigError as error:
        fail(str(error.located(scenario_file_of(error.key))))
    model = run(scenario)
    config = OmegaConf.to_container(cfg, resolve=True)
    figures = bool(config.get("outputs", {}).get("figures", True))
    summary = write_run(model, config, out_dir, seed=config["seed"], figures=figures)
    print(describe(summary, out_dir))


def run_game(cfg: DictConfig, out_dir: str) -> None:
    """A scenario with ``scenario.payoffs``: a two-player normal-form game (``sim/games.py``)."""
    from . import games

    try:
        game = games.build_game(cfg)
    except ConfigError as error:
        fail(str(error.located(scenario_file_of(error.key))))
    model = games.run_game(game)
    config = OmegaConf.to_container(cfg, resolve=True)
    summary = games.write_game(model, config, out_dir, seed=config["seed"])
    print(games.describe(summary, out_dir))


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


def _split_argv(argv: list[str]):
    """Overrides, extra config directories and whether this is a multirun (-m, --multirun or
    hydra.mode=MULTIRUN) from the command line, or None when a flag other than --config-dir and
    --multirun asks Hydra for something else (--help, --cfg ...)."""
    overrides, dirs, multirun, k = [], [], False, 0
    while k < len(argv):
        arg = argv[k]
        if arg in ("--config-dir", "-cd"):
            dirs.append(argv[k + 1] if k + 1 < len(argv) else "")
            k += 2
            continue
        if arg.startswith("--config-dir="):
            dirs.append(arg.split("=", 1)[1])
        elif arg in ("-m", "--multirun"):
            multirun = True
        elif arg.startswith("-"):
            return None
        elif arg.replace(" ", "").upper() == "HYDRA.MODE=MULTIRUN":
            multirun = True
        elif not arg.startswith("hydra."):
            overrides.append(arg)
        k += 1
    return overrides, dirs, multirun


def _jobs(overrides: list[str]) -> list[list[str]]:
    """The override lists of the jobs a multirun launches: Hydra's basic sweeper expands
    ``key=a,b``, ``range()``, ``choice()``, ``glob()`` into their product the same way."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create(config_loader=GlobalHydra.instance().config_loader())
    return BasicSweeper.split_arguments(parser.parse_overrides(overrides), None)[0]


def precheck(argv: list[str], config_name: str = "config", on_error=None) -> None:
    """Compose the config once before Hydra does, so that a bad override (an unknown key, an
    unknown option of a config group, a scenario file that is not YAML) is one line and exit 2
    rather than Hydra's traceback-like exit 1. In a multirun, every job's overrides are composed,
    so that no job runs when one of them would fail. Used by sim-run and sim-sweep."""
    split = _split_argv(argv)
    if split is None:
        return
    overrides, dirs, multirun = split
    from hydra import compose, initialize_config_dir

    searchpath = []
    if dirs:
        paths = ",".join(f"file://{Path(d).resolve()}" for d in dirs)
        searchpath = [f"hydra.searchpath=[{paths}]"]
    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base=None):
            for job in _jobs(overrides) if multirun else [overrides]:
                compose(config_name, overrides=[*job, *searchpath])
    except Exception as error:  # any failure to compose is a mistake in the configuration
        text = " ".join(str(error).split())
        cause = error.__cause__
        if cause is not None and str(cause).split():
            text += f" ({' '.join(str(cause).split()[:30])})"
        (on_error or fail)(text)


def main() -> None:
    precheck(sys.argv[1:])
    app()


if __name__ == "__main__":
    main()
