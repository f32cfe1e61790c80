"""``sim-sweep``: one Hydra job runs a whole sweep (a design crossed with replicates and
scenarios), in chunks, on one of three executors, into resumable Parquet parts.

    sim-sweep design=sobol design.n=1024 replicates=1 executor=local hydra.run.dir=sweeps/s1

The composed config is ``configs/sweep.yaml``: everything ``sim-run`` composes (actors, actions,
decision, scenario, seed, balancer, dynamics, outputs) plus the groups ``design/`` (grid, lhs,
sobol, morris) and ``executor/`` (serial, local, dask) and the sweep's own keys. Mistakes in the
configuration or the design print one line and exit 2 before any run. docs/SWEEPS.md has the
details; ``sim/results.py`` the output layout.
"""

import contextlib
import copy
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, ConfigError
from sim.scenario.compose import CONFIG_DIR
from sim.sweeps.lock import FolderLock

ROOT = Path(__file__).resolve().parent.parent.parent  # the source tree (git_state)
FORMAT = 1  # version of the output layout (manifest.json "format")

# Keys of the sweep config that are not part of the model's config.
SWEEP_KEYS = (
    "design",
    "executor",
    "replicates",
    "scenarios",
    "collect",
    "resume",
    "retry_failed",
    "progress",
    "part_rows",
    "flush_seconds",
    "overwrite",  # sim-run's (a sweep's folder is never overwritten: see resume)
    "seeds",
)
COLLECT = ("summary", "steps")
ENGINES = ("ensemble", "mesa")
SEEDINGS = ("index", "common")
RESUME = ("auto", True, False)
_SCENARIO_OVERRIDE = re.compile(r"^[+~]*scenario=")


class SweepAborted(RuntimeError):
    """The executor failed (a worker died, the cluster went away); what ran is saved."""


def model_config(config: dict) -> dict:
    """The model's part of a composed sweep config (what ``sim-run`` would see)."""
    return {k: v for k, v in config.items() if k not in SWEEP_KEYS and k != "hydra"}


def resolve(config: dict) -> dict:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(OmegaConf.create(config), resolve=True)


def digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True)
class Options:
    """The sweep's own keys, validated."""

    replicates: int
    scenarios: tuple | None
    collect: str
    resume: object  # "auto" | True | False
    retry_failed: bool
    progress: object  # "auto" | True | False
    part_rows: int
    flush_seconds: float
    chunk_size: int | None
    engine: str = "ensemble"
    seeds: str = "index"

    @classmethod
    def of(cls, cfg: dict) -> "Options":
        from sim.scenario.build import TOP_LEVEL, closed

        closed("", cfg, (*SWEEP_KEYS, *TOP_LEVEL, "hydra"))  # a sweep's typo: its nearest key

        def integer(key, minimum=1):
            v = cfg.get(key)
            if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
                raise ConfigError(key, v, f"must be an integer >= {minimum}")
            return v

        scenarios = cfg.get("scenarios")
        if scenarios is not None:
            if (
                not isinstance(scenarios, list)
                or not scenarios
                or not all(isinstance(s, str) and s for s in scenarios)
            ):
                raise ConfigError(
                    "scenarios", scenarios, "must be a non-empty list of scenario names"
                )
            if len(set(scenarios)) != len(scenarios):
                raise ConfigError("scenarios", scenarios, "a scenario is listed twice")
            scenarios = tuple(scenarios)
        collect = cfg.get("collect", "summary")
        if collect not in COLLECT:
            raise ConfigError("collect", collect, f"must be one of {', '.join(COLLECT)}")
        resume = cfg.get("resume", "auto")
        if resume not in RESUME:
            raise ConfigError("resume", resume, "must be auto, true or false")
        retry = cfg.get("retry_failed", False)
        if not isinstance(retry, bool):
            raise ConfigError("retry_failed", retry, "must be true or false")
        progress = cfg.get("progress", "auto")
        if progress not in RESUME:
            raise ConfigError("progress", progress, "must be auto, true or false")
        flush = cfg.get("flush_seconds", 60)
        if isinstance(flush, bool) or not isinstance(flush, int | float) or not flush > 0:
            raise ConfigError("flush_seconds", flush, "must be a positive number")
        engine = cfg.get("engine", "ensemble")
        if engine not in ENGINES:
            raise ConfigError("engine", engine, f"must be one of {', '.join(ENGINES)}")
        seeds = cfg.get("seeds", "index")
        if seeds not in SEEDINGS:
            raise ConfigError("seeds", seeds, f"must be one of {', '.join(SEEDINGS)}")
        executor = cfg.get("executor") or {}
        return cls(
            replicates=integer("replicates"),
            scenarios=scenarios,
            collect=collect,
            resume=resume,
            retry_failed=retry,
            progress=progress,
            part_rows=integer("part_rows"),
            flush_seconds=float(flush),
            chunk_size=executor.get("chunk_size") if isinstance(executor, dict) else None,
            engine=engine,
            seeds=seeds,
        )


# ---------------------------------------------------------------------------------------------
# Plan: everything decided before the first run


@dataclass
class Plan:
    config: dict  # the resolved sweep config (the default scenario's)
    options: Options
    master_seed: int
    names: tuple  # scenario names
    configs: dict  # name -> resolved model config
    design: object  # sim.sweeps.designs.Design
    layout: object  # sim.sweeps.store.Layout
    context: object  # sim.sweeps.executors.RunContext
    identity: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.context.total


def make_plan(sweep: dict, unresolved: dict[str, dict], prepare=None) -> Plan:
    """Validate the sweep config and the design against every scenario's config.

    ``sweep``: the resolved sweep config; ``unresolved``: scenario name -> model config with its
    interpolations kept (so that a swept value reaches what interpolates it). ``prepare``: called
    once all is valid, while the design is drawn in another process (the executor gets ready for
    the runs there). Raises ConfigError; the design's mistakes before the scenarios'."""
    from sim.sweeps.designs import check_design
    from sim.sweeps.executors import RunContext, needs_resolution
    from sim.sweeps.store import Layout

    options = Options.of(sweep)
    seed = sweep.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError("seed", seed, "the master seed must be a non-negative integer")
    names = tuple(unresolved)
    configs = {}
    for name, config in unresolved.items():
        resolved = resolve(config)
        if (resolved.get("scenario") or {}).get("payoffs") is not None:
            raise ConfigError(
                "scenario", name, "a two-player game scenario; sim-sweep runs the balancing model"
            )
        configs[name] = resolved
    draft = check_design(sweep.get("design"), unresolved, seed)
    with Background(draft.unit, draft.sampled) as unit:  # SALib, SciPy there; Mesa, Numba here
        scenarios = build_scenarios(configs)
        if prepare is not None:
            prepare(scenarios[0] if options.engine == "ensemble" else None)
        design = draft.design(unit.result())
    layout = Layout.of(design, scenarios)
    paths = [p.path for p in design.parameters]
    resolve_each = tuple(needs_resolution(unresolved[n], paths) for n in names)
    context = RunContext(
        master_seed=seed,
        points=design.size,
        replicates=options.replicates,
        scenario_names=names,
        configs=tuple(  # copies: runs in this process must not touch the manifest's configs
            copy.deepcopy(unresolved[n] if r else configs[n])
            for n, r in zip(names, resolve_each, strict=True)
        ),
        resolve=resolve_each,
        keys=tuple(p.keys for p in design.parameters),
        names=tuple(paths),
        layout=layout,
        collect_steps=options.collect == "steps",
        engine=options.engine,
        common_seeds=options.seeds == "common",
    )
    identity = {
        "design_hash": digest(
            {
                "design": design.spec,
                "replicates": options.replicates,
                "scenarios": list(names),
                "seed": seed,
                **({"seeds": "common"} if options.seeds == "common" else {}),
            }
        ),
        "config_hash": digest(
            {n: {k: v for k, v in c.items() if k != "seed"} for n, c in configs.items()}
        ),
        "collect": options.collect,
    }
    return Plan(sweep, options, seed, names, configs, design, layout, context, identity)


def build_scenarios(configs: dict[str, dict]) -> list:
    """Each scenario's validated ``RunSpec`` (raises ConfigError naming the scenario)."""
    from sim.scenario.build import build_scenario

    scenarios = []
    for name, config in configs.items():
        try:
            scenarios.append(build_scenario(config))
        except ConfigError as error:
            raise (error.located(f"scenario {name}") if len(configs) > 1 else error) from None
    return scenarios


class Background:
    """``fn()`` computed in a forked child process while this process goes on (when ``fork``);
    else, or if this process runs other threads (never a fork then) or the child fails, computed
    here when its result is asked for."""

    def __init__(self, fn, fork: bool = True):
        self.fn, self.process, self.reader = fn, None, None
        if (
            fork
            and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            mp = multiprocessing.get_context("fork")
            self.reader, writer = mp.Pipe(duplex=False)
            self.process = mp.Process(target=_send, args=(writer, fn), daemon=True)
            self.process.start()
            writer.close()

    def result(self):
        value = None
        if self.process is not None:
            with contextlib.suppress(EOFError, OSError):  # the child died
                value = self.reader.recv()
            self.close()
        return self.fn() if value is None else value  # a failure (a ConfigError) is raised here

    def close(self) -> None:
        """End the child (it is no longer wanted, or it has sent its value)."""
        if self.process is not None:
            self.reader.close()
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _send(writer, fn) -> None:
    """The child of :class:`Background`: ``fn()``'s value, or None when it raises."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent
    gc.freeze()  # its collections then skip the parent's objects (no walk, no copy-on-write)
    try:
        value = fn()
    except Exception:  # noqa: BLE001 - the parent computes it again and raises
        value = None
    writer.send(value)
    writer.close()


# ---------------------------------------------------------------------------------------------
# Provenance


def git_state() -> dict:
    """The commit of the source tree (and whether it has uncommitted changes), when known."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("balancing-sim", "mesa", "numpy", "numba", "SALib", "pyarrow", "distributed"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


SEEDS_RULE = (
    "run r uses seed int(SeedSequence(seed, spawn_key=(r,)).generate_state(1, uint64)[0] >> 1), "
    "i.e. from SeedSequence(seed).spawn(runs)[r]: it depends only on the master seed and r"
)
COMMON_SEEDS_RULE = (
    "seeds=common: run r uses the seed above of its replicate k = r % replicates instead of r, "
    "so that replicate k has the same seed at every design point and scenario"
)
RUN_RULE = "run = (scenario_index * points + point) * replicates + replicate"


def new_manifest(plan: Plan, overrides) -> dict:
    from sim.version import __version__

    return {
        "format": FORMAT,
        "status": "running",
        "created": now(),
        "updated": now(),
        **plan.identity,
        "runs": {"total": plan.total, "done": 0, "failed": 0, "pending": plan.total},
        "design": plan.design.spec,
        "problem": plan.design.problem(),
        "replicates": plan.options.replicates,
        "scenarios": list(plan.names),
        "seeds": {
            "master": plan.master_seed,
            "rule": COMMON_SEEDS_RULE if plan.options.seeds == "common" else SEEDS_RULE,
            "seeds": plan.options.seeds,
        },
        "run_index": RUN_RULE,
        "collect": plan.options.collect,
        "columns": plan.layout.describe(),
        "version": __version__,
        "git": git_state(),
        "packages": package_versions(),
        "command": "sim-sweep " + " ".join(overrides),
        "config": {k: v for k, v in plan.config.items() if k != "hydra"},
        "scenario_configs": plan.configs,
        "sessions": [],
    }


# ---------------------------------------------------------------------------------------------
# The output directory


def read_manifest(folder: Path) -> dict | None:
    from sim.sweeps.store import MANIFEST

    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(
            "hydra.run.dir", str(folder), f"manifest.json cannot be read ({error})"
        ) from None


def check_same(manifest: dict, plan: Plan, folder: Path) -> None:
    """A directory holds one sweep: refuse to mix in another design, config or collect."""
    for key, what in (
        ("design_hash", "design (parameters, n, replicates, scenarios or master seed)"),
        ("config_hash", "model configuration"),
        ("collect", "collect setting"),
    ):
        if manifest.get(key) != plan.identity[key]:
            raise ConfigError(
                "hydra.run.dir",
                str(folder),
                f"holds a sweep with a different {what} (manifest.json {key} "
                f"{str(manifest.get(key))[:12]}, this command {str(plan.identity[key])[:12]}); "
                "choose another directory",
            )


def choose_directory(out_dir: Path, plan: Plan) -> tuple[Path, dict | None]:
    """The directory to write into and its manifest (None for a new sweep), by ``resume``."""
    from sim.sweeps.store import RESULTS_DIR

    manifest = read_manifest(out_dir)
    resume = plan.options.resume
    if manifest is not None:
        if resume is False:
            raise ConfigError(
                "resume", False, f"{out_dir} already holds a sweep (resume=auto continues it)"
            )
        check_same(manifest, plan, out_dir)
        return out_dir, manifest
    if (out_dir / RESULTS_DIR).exists():
        raise ConfigError("hydra.run.dir", str(out_dir), "has results/ but no manifest.json")
    if resume is True and out_dir.parent.is_dir():
        candidates = []
        for sibling in out_dir.parent.iterdir():
            if sibling == out_dir or not sibling.is_dir():
                continue
            try:
                m = read_manifest(sibling)
            except ConfigError:
                continue
            same = m and all(m.get(k) == v for k, v in plan.identity.items())
            if same and m.get("status") != "complete":
                candidates.append((m.get("updated", ""), sibling, m))
        if candidates:
            _, folder, m = max(candidates, key=lambda c: (c[0], str(c[1])))
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # the fresh, empty run directory Hydra made for this job
            print(f"sim-sweep: resuming {folder}", file=sys.stderr)
            return folder, m
    return out_dir, None


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Outcome:
    out_dir: Path
    total: int
    done: int  # runs with results (all sessions)
    failed: int  # runs recorded in failures.parquet
    ran: int  # runs executed in this session
    seconds: float
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.failed or self.done + self.failed < self.total else 0


def show_progress(option) -> bool:
    if option in (True, False):
        return option
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return sys.stderr.isatty() and not ci


class SweepSession:
    """One session of a sweep: what this command runs of the plan into one folder, with its
    store, its manifest record and its progress bar. ``run()`` does it all once."""

    def __init__(self, plan: Plan, out_dir, overrides=(), executor=None):
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir, self.manifest = choose_directory(out_dir, plan)
        self.plan, self.overrides = plan, overrides
        self.executor = executor
        self.ran = 0  # runs executed (with results or failed)
        self.ran_ok = 0  # runs of this session with results
        self.n_results = 0  # runs with results from earlier sessions
        self.record: dict = {}
        self.store = None

    def run(self) -> Outcome:
        """Run the plan's remaining runs (created folder, resumed store, manifest kept current)."""
        if self.executor is None:
            from sim.sweeps.executors import make_executor

            self.executor = make_executor(self.plan.config.get("executor") or {"type": "local"})
        with FolderLock(self.out_dir) as lock, self.executor:
            if lock.stale:
                print(
                    f"sim-sweep: took over the lock of a sweep that did not finish (pid "
                    f"{lock.stale.get('pid', '?')}); its saved runs are kept",
                    file=sys.stderr,
                )
            fresh = read_manifest(self.out_dir)  # another sweep may have written it meanwhile
            if fresh is not None:
                check_same(fresh, self.plan, self.out_dir)
                self.manifest = fresh
            if hasattr(self.executor, "connect"):
                self.executor.connect()  # an unreachable scheduler: a mistake found before runs
            todo = self._open()
            self.save("running")
            start = time.perf_counter()
            interrupted = self._run(todo, start) if todo.size else False
            self.store.flush()
            seconds = time.perf_counter() - start
            self.record.update(finished=now(), seconds=round(seconds, 3), ran=self.ran)
            done = self.n_results + self.ran_ok
            complete = done + len(self.store.failures) == self.plan.total
            self.save("complete" if complete and not interrupted else "incomplete")
        return Outcome(
            self.out_dir, self.plan.total, done, len(self.store.failures), self.ran, seconds,
            interrupted,
        )  # fmt: skip

    def _open(self) -> np.ndarray:
        """Scan the store, start or continue the manifest, write the design; the runs to do."""
        from sim.outputs.atomic import atomic_write_table
        from sim.sweeps.store import DESIGN_FILE, Store
        from sim.version import __version__

        plan = self.plan
        self.store = Store(self.out_dir, plan.layout, collect_steps=plan.options.collect == "steps")
        recorded = (self.manifest or {}).get("parts", {})
        try:
            done, self.n_results = self.store.scan(plan.total, plan.options.retry_failed, recorded)
        except RuntimeError as error:
            raise ConfigError("hydra.run.dir", str(self.out_dir), str(error)) from None
        for repair in self.store.repairs:
            print(f"sim-sweep: repaired: {repair}", file=sys.stderr)
        self.manifest = self.manifest or new_manifest(plan, self.overrides)
        if not (self.out_dir / DESIGN_FILE).is_file():
            import pyarrow as pa

            points = plan.design.points.reset_index(names="point")
            atomic_write_table(
                self.out_dir / DESIGN_FILE, pa.Table.from_pandas(points, preserve_index=False)
            )
        self.store.record(self.out_dir / DESIGN_FILE)
        todo = np.flatnonzero(~done)
        sessions = self.manifest["sessions"]
        self.record = {
            "started": now(),
            "executor": None,
            "runs": int(todo.size),
            "version": __version__,
            "git": git_state() if sessions else self.manifest["git"],
        }
        sessions.append(self.record)
        return todo

    def save(self, status: str) -> None:
        """The manifest, with this status and the current counts, written atomically."""
        from sim.outputs.atomic import atomic_write_json
        from sim.sweeps.store import MANIFEST

        failed, done = len(self.store.failures), self.n_results + self.ran_ok
        self.manifest.update(status=status, updated=now())
        self.manifest["runs"] = {
            "total": self.plan.total,
            "done": done,
            "failed": failed,
            "pending": self.plan.total - done - failed,
        }
        self.manifest["parts"] = dict(sorted(self.store.parts.items()))
        atomic_write_json(self.out_dir / MANIFEST, self.manifest)

    def _chunks(self, todo: np.ndarray, size: int):
        values = PointValues(self.plan.design, self.plan.options.replicates)
        for k in range(0, todo.size, size):
            batch = todo[k : k + size]
            yield list(zip(batch.tolist(), values.of(batch), strict=True))

    def _take(self, result, bar) -> None:
        self.store.add(result.table, result.failures, result.steps)
        self.ran += result.runs
        self.ran_ok += result.table.num_rows
        bar.update(result.runs)

    def _run(self, todo: np.ndarray, start: float) -> bool:
        """Run ``todo`` on the executor, flushing parts as they fill; whether interrupted."""
        from tqdm import tqdm

        from sim.sweeps.executors import chunk_size

        plan, executor = self.plan, self.executor
        executor.start(plan.context)
        size = chunk_size(plan.options.chunk_size, int(todo.size), executor.workers)
        self.record["executor"] = {**executor.describe(), "chunk_size": size}
        bar = tqdm(
            total=plan.total,
            initial=plan.total - int(todo.size),
            unit="run",
            disable=not show_progress(plan.options.progress),
            file=sys.stderr,
            dynamic_ncols=True,
            smoothing=0.05,
        )
        last_flush = time.monotonic()
        try:
            for result in executor.imap(self._chunks(todo, size)):
                self._take(result, bar)
                if (
                    self.store.buffered >= plan.options.part_rows
                    or time.monotonic() - last_flush >= plan.options.flush_seconds
                ):
                    self.store.flush()
                    self.save("running")
                    last_flush = time.monotonic()
        except KeyboardInterrupt:  # keep the chunks already running (a second Ctrl-C: not)
            with contextlib.suppress(KeyboardInterrupt):
                for result in executor.drain():
                    self._take(result, bar)
            return True
        except Exception as error:  # a worker died or the cluster went away: keep what ran
            self.store.flush()
            self.record.update(finished=now(), seconds=round(time.perf_counter() - start, 3))
            self.save("incomplete")
            raise SweepAborted(
                f"the {executor.name} executor failed ({type(error).__name__}: "
                f"{' '.join(str(error).split())[:300]}); {self.ran_ok} runs of this session are "
                "saved; rerun the same command to resume"
            ) from error
        finally:
            bar.close()
        return False


def execute(plan: Plan, out_dir, overrides=(), executor=None) -> Outcome:
    """Run the plan's remaining runs into ``out_dir`` (created if needed)."""
    return SweepSession(plan, out_dir, overrides, executor).run()


def run_sweep(sweep: dict, configs: dict, out_dir, overrides=(), executor=None) -> Outcome:
    """Plan and run a sweep (``make_plan``'s arguments). The executor gets ready (imports, sets up
    Numba) once the sweep is known to be valid, while the design is drawn in another process."""
    with contextlib.ExitStack() as stack:

        def prepare(sample=None):
            nonlocal executor
            if executor is None:
                from sim.sweeps.executors import make_executor

                executor = make_executor(sweep.get("executor") or {"type": "local"})
            stack.enter_context(executor).prepare(sample)

        plan = make_plan(sweep, configs, prepare)
        return execute(plan, out_dir, overrides, executor)


class PointValues:
    """The parameter values of runs, as tuples of plain Python values, made chunk by chunk from
    the design's columns (no per-run objects are kept for the whole sweep)."""

    def __init__(self, design, replicates: int):
        self.columns = [design.points[name].to_numpy() for name in design.names]
        self.points, self.replicates = design.size, replicates

    def of(self, runs: np.ndarray) -> list[tuple]:
        point = (runs // self.replicates) % self.points
        if not self.columns:
            return [()] * len(runs)
        return list(zip(*(column[point].tolist() for column in self.columns), strict=True))


def report(outcome: Outcome) -> int:
    """Print the closing lines and return the exit code."""
    rate = outcome.ran / outcome.seconds if outcome.seconds > 0 and outcome.ran else 0.0
    print(
        f"sim-sweep: {outcome.done} of {outcome.total} runs done, {outcome.failed} failed; "
        f"this session ran {outcome.ran} in {outcome.seconds:.1f} s ({rate:.0f} runs/s) "
        f"-> {outcome.out_dir}"
    )
    if outcome.interrupted:
        print("sim-sweep: interrupted; rerun the same command to resume", file=sys.stderr)
    elif outcome.failed:
        print(
            f"sim-sweep: {outcome.failed} of {outcome.total} runs failed "
            f"(see {outcome.out_dir / 'failures.parquet'})",
            file=sys.stderr,
        )
    return outcome.exit_code


# ---------------------------------------------------------------------------------------------
# Composition and the command line


def scenario_configs(sweep_unresolved: dict, choice: str, overrides, compose) -> dict:
    """Scenario name -> unresolved model config: the composed one alone, or, with
    ``scenarios=[a, b]``, one composition per scenario (a scenario file may change any key)."""
    names = sweep_unresolved.get("scenarios")
    if not names:
        return {choice: model_config(sweep_unresolved)}
    if not isinstance(names, list):
        raise ConfigError("scenarios", names, "must be a list of scenario names")
    from omegaconf import OmegaConf

    kept = [o for o in overrides if not _SCENARIO_OVERRIDE.match(o)]
    out = {}
    for name in names:
        try:
            cfg = compose(kept + [f"scenario={name}"])
        except Exception as error:  # noqa: BLE001 - an unknown scenario or a broken file
            text = " ".join(str(error).split())
            raise ConfigError("scenarios", names, f"scenario {name}: {text}") from None
        out[str(name)] = model_config(OmegaConf.to_container(cfg, resolve=False))
    return out


def sweep_from_overrides(
    overrides, out_dir, config_dir: str = CONFIG_DIR, executor=None
) -> Outcome:
    """Compose ``sweep.yaml`` with Hydra ``overrides`` and run the sweep into ``out_dir`` (the
    Python face of ``sim-sweep``, used by the tests and notebooks). Raises ConfigError."""
    from omegaconf import OmegaConf, open_dict

    from sim.scenario.compose import composer

    overrides = list(overrides)
    with composer(config_dir) as compose:
        cfg = compose("sweep", overrides, return_hydra_config=True)
        choice = cfg.hydra.runtime.choices.get("scenario")
        with open_dict(cfg):
            del cfg["hydra"]
        unresolved = OmegaConf.to_container(cfg, resolve=False)
        configs = scenario_configs(unresolved, choice, overrides, lambda o: compose("sweep", o))
        sweep_config = OmegaConf.to_container(cfg, resolve=True)
    return run_sweep(sweep_config, configs, out_dir, overrides, executor)
