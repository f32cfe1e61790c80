"""What every command shares: one way to fail (one line, an exit code), and the check of the
command line that composes the config once before Hydra does."""

import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from sim.scenario.compose import composer

__all__ = [
    "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "Command", "precheck",
    "remove_if_empty",
]  # fmt: skip


@dataclass(frozen=True)
class Command:
    """A command's name, for its error lines."""

    name: str

    def fail(self, message: str, code: int = EXIT_USAGE):
        """One line on stderr and exit (2 for a user mistake)."""
        print(f"{self.name}: error: {message}", file=sys.stderr)
        sys.exit(code)

    def prepare(self, argv: list[str], config_name: str, check=None) -> list[str]:
        """The command line as Hydra should read it (:func:`quote_values`), checked by
        :func:`precheck` with this command's :meth:`fail`."""
        argv = quote_values(argv)
        precheck(argv, config_name, self.fail, check)
        return argv


def remove_if_empty(folder) -> None:
    """Remove the empty folder Hydra made for a result that did not come (a command refused in
    its app leaves nothing behind)."""
    folder = Path(folder)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


# A value Hydra's override grammar cannot read unquoted (a space, a letter beyond ASCII) in
# what is plainly a path or a sentence: no brackets, braces (but ${...}), quotes or commas.
_INTERPOLATION = re.compile(r"\$\{[^{}]*\}")
_STRUCTURE = re.compile(r"[][{}()'\",]")
_NEEDS_QUOTES = re.compile(r"[\s]|[^\x00-\x7f]")


def quote_values(argv: list[str]) -> list[str]:
    """``hydra.run.dir=/tmp/my results/été`` as ``hydra.run.dir='/tmp/my results/été'``: the
    shell has already split the words, so a space or an accent in a value is meant, but Hydra's
    grammar would refuse it with a four-line lexer error."""
    out = []
    for arg in argv:
        key, eq, value = arg.partition("=")
        bare = _INTERPOLATION.sub("", value)
        if (
            eq
            and not key.startswith("-")
            and _NEEDS_QUOTES.search(value)
            and not _STRUCTURE.search(bare)
            and not value.endswith("\\")
        ):
            arg = f"{key}='{value}'"
        out.append(arg)
    return out


def _split_argv(argv: list[str]):
    """Overrides, overrides of ``hydra.*``, extra config directories and whether this is a
    multirun (-m, --multirun or hydra.mode=MULTIRUN) from the command line, or None when a flag
    other than --config-dir and --multirun asks Hydra for something else (--help, --cfg ...)."""
    overrides, hydra_overrides, dirs, multirun, k = [], [], [], False, 0
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
        elif arg.startswith("hydra."):
            hydra_overrides.append(arg)
        else:
            overrides.append(arg)
        k += 1
    return overrides, hydra_overrides, dirs, multirun


def _jobs(overrides: list[str]) -> list[list[str]]:
    """The override lists of the jobs a multirun launches: Hydra's basic sweeper expands
    ``key=a,b``, ``range()``, ``choice()``, ``glob()`` into their product the same way."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create(config_loader=GlobalHydra.instance().config_loader())
    return BasicSweeper.split_arguments(parser.parse_overrides(overrides), None)[0]


Check = Callable[[dict, str, bool, object], str | None]


def precheck(argv: list[str], config_name: str, on_error, check: Check | None = None) -> None:
    """Compose the config once before Hydra does, so that a bad override (an unknown key, an
    unknown option of a config group, a scenario file that is not YAML, an interpolation that
    does not resolve) is one line and exit 2 rather than Hydra's traceback-like exit 1, and
    nothing is written. In a multirun, every job's overrides are composed, so that no job runs
    when one of them would fail. ``check(config, out_dir, multirun, hydra)``: the command's own
    check of a job's resolved config (``hydra`` left out), of the folder it would write (the
    run's, or a multirun's) and its ``hydra`` section, returning the error line or None. Used by
    sim-run and sim-sweep."""
    split = _split_argv(argv)
    if split is None:
        return
    overrides, hydra_overrides, dirs, multirun = split
    message = None
    for d in dirs:
        if not Path(d).is_dir():
            on_error(f"--config-dir {d!r}: no such folder")
            return
    by_position = [o for o in overrides if _EVENT_BY_POSITION.match(o)]
    if by_position:
        rest = [o for o in overrides if o not in by_position]
        with composer(extra_dirs=dirs) as compose:
            jobs = _jobs(rest) if multirun else [rest]
            message = _by_position_message(by_position[0], jobs[0], config_name, compose)
        on_error(message)
        return
    try:
        with composer(extra_dirs=dirs) as compose:
            for job in _jobs(overrides) if multirun else [overrides]:
                cfg = compose(config_name, [*job, *hydra_overrides], return_hydra_config=True)
                message = _check_job(cfg, multirun, check)
                if message:
                    break
    except Exception as error:  # any failure to compose is a mistake in the configuration
        message = _one_line(error)
    if message:
        on_error(message)


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    cause = error.__cause__
    if cause is not None and str(cause).split():
        text += f" ({' '.join(str(cause).split()[:30])})"
    return text


def _check_job(cfg, multirun: bool, check: Check | None) -> str | None:
    """The error line of one composed job (with its ``hydra`` section), or None."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    try:
        out_dir = str(OmegaConf.select(cfg, key, throw_on_resolution_failure=True))
        job = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
        config = OmegaConf.to_container(job, resolve=True)
    except OmegaConfBaseException as error:
        where = getattr(error, "full_key", None) or key
        return f"{where}: {str(error).splitlines()[0]}"
    return check(config, out_dir, multirun, cfg.hydra) if check is not None else None


# scenario.events.2.target=X or scenario.events[2].target=X (optionally +, ++ or ~): the syntax of
# the time when scenario.events was a list; events are keyed by id now (docs/SCENARIOS.md)
_EVENT_BY_POSITION = re.compile(r"^[+~]*scenario\.events(?:\.(\d+)|\[(\d+)\])(?=[.=]|$)")


def _by_position_message(override, others, config_name, compose) -> str:
    """The one line for an override that names an event by its position: what to write instead,
    with the id of the event at that position in time order in the scenario that ``others`` (the
    rest of the command line) compose."""
    match = _EVENT_BY_POSITION.match(override)
    position = int(match.group(1) or match.group(2))
    tail, has_value, value = override[match.end() :].partition("=")
    shown = f"scenario.events[{position}]{tail}" + (f"={value!r}" if has_value else "")
    name, ids = _scheduled_event_ids(others, config_name, compose)
    hint = "scenario.events.<id>" + tail
    if 0 <= position < len(ids):
        hint = f"scenario.events.{ids[position]}{tail}"
    known = f" (events of {name} in time order: {', '.join(ids)})" if ids else ""
    return f"{shown}: events are keyed by id, not by position: use {hint}{known}"


def _scheduled_event_ids(overrides, config_name, compose) -> tuple[str, list[str]]:
    """The composed scenario's name and the ids of its enabled events in the order they fire
    (stable for events of the same step), or ("", []) when it does not compose."""
    from omegaconf import OmegaConf

    try:
        cfg = OmegaConf.to_container(compose(config_name, overrides), resolve=True)
        sc = cfg["scenario"]
        events = sc.get("events") or {}
        start, days = dt.date.fromisoformat(str(sc["start"])), int(sc.get("step_days", 7))
    except Exception:  # the error line then names no ids
        return "", []

    def step(event):
        try:
            if "date" in event:
                return (dt.date.fromisoformat(str(event["date"])) - start).days // days + 1
            return int(event["step"])
        except Exception:
            return float("inf")

    live = {k: e for k, e in events.items() if isinstance(e, dict) and e.get("enabled", True)}
    return str(sc.get("name", "")), sorted(live, key=lambda k: step(live[k]))
