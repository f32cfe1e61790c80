"""Running a sweep's runs in chunks: the work of one chunk, and where chunks run.

A chunk is a list of ``(run index, parameter values)``. Whoever runs it (this process, a local
process pool or a Dask worker) builds each run's config from the sweep's base config of the
run's scenario plus the run's values, derives the run's seed from the master seed and the run
index alone (:func:`run_seed`), runs the model and returns flat rows. Nothing depends on which
worker ran what, so results are identical for every executor and number of workers.

Executors share one interface, :meth:`Executor.imap`: chunks in, chunk results out as they
finish, with a bounded number of chunks in flight so that memory stays flat however long the
sweep.
"""

import contextlib
import gc
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from sim.errors import ConfigError

EXECUTORS = ("serial", "local", "dask")
_REUSE = None  # this process's config.Reuse: the parts of scenarios its runs share
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")


def run_seed(master: int, index: int) -> int:
    """The seed of run ``index``: the first 63 bits of the state of
    ``SeedSequence(master).spawn(index + 1)[index]`` (that child is
    ``SeedSequence(master, spawn_key=(index,))``), so it depends only on the master seed and the
    run index."""
    state = np.random.SeedSequence(master, spawn_key=(index,)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def run_seeds(master: int, indices) -> np.ndarray:
    """:func:`run_seed` of every run index in ``indices`` (int64), hashed all at once: the same
    numbers, a small share of the cost."""
    from sim.engine.ensemble import SeedPool, uint32_words

    indices = np.asarray(indices, dtype=np.int64)
    seeds = np.empty(indices.shape, dtype=np.int64)
    entropy = _int_words(master)
    entropy += [0] * (4 - len(entropy))  # numpy pads the run entropy of a spawned sequence
    wide = indices >= 2**32  # a spawn key of two words
    for part, spawn_words in ((~wide, 1), (wide, 2)):
        if part.any():
            pool = SeedPool(entropy)
            pool.absorb(uint32_words(indices[part], spawn_words))
            (state,) = pool.state(1)
            seeds[part] = (state >> np.uint64(1)).astype(np.int64)
    return seeds


def _int_words(value: int) -> list[int]:
    """A non-negative integer as 32-bit words, lowest first (0 is one word), as numpy reads it."""
    words = [value & 0xFFFFFFFF]
    while value := value >> 32:
        words.append(value & 0xFFFFFFFF)
    return words


def with_values(config: dict, keys_list, values) -> dict:
    """A copy of ``config`` with each path in ``keys_list`` set to its value. Only the dicts and
    lists on the paths are copied (the rest is shared with ``config``, which is not changed)."""
    root = dict(config)
    copied = {id(root)}  # the dicts and lists of the copy (each path's are copied once)
    for keys, value in zip(keys_list, values, strict=True):
        node = root
        for k in keys[:-1]:
            child = node[k]
            if id(child) not in copied:
                child = dict(child) if isinstance(child, dict) else list(child)
                copied.add(id(child))
                node[k] = child
            node = child
        node[keys[-1]] = value
    return root


def interpolation_targets(config) -> set[str]:
    """Every path referenced by an OmegaConf interpolation ``${...}`` in ``config``."""
    found = set()
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and "${" in node:
            found.update(m.strip() for m in _INTERPOLATION.findall(node))
    return found


def needs_resolution(config: dict, paths) -> bool:
    """Whether a swept path feeds an interpolation (``${scenario.parameters.x}``), so that each
    run's config must be resolved again after its values are set."""
    targets = interpolation_targets(config)
    for t in targets:
        if t.startswith(".") or ":" in t:  # relative or resolver interpolation: be safe
            return True
        for p in paths:
            if t == p or t.startswith(p + ".") or p.startswith(t + "."):
                return True
    return False


@dataclass(frozen=True)
class RunContext:
    """What every chunk of a sweep needs, sent once to each worker."""

    master_seed: int
    points: int
    replicates: int
    scenario_names: tuple
    configs: tuple  # the model config of each scenario (unresolved where `resolve` is True)
    resolve: tuple  # per scenario: re-resolve interpolations after setting the values
    keys: tuple  # the keys of each swept parameter's path
    names: tuple  # the swept parameters' dotted paths
    layout: object  # sim.sweeps.store.Layout
    collect_steps: bool = False
    engine: str = "ensemble"  # ensemble: runs of one shape together; mesa: one BalanceModel each
    common_seeds: bool = False  # seeds=common: replicate k has one seed at every point, scenario

    def seed_keys(self, indices):
        """What each run's seed derives from: its index, or with common seeds its replicate (so
        that comparisons between points and scenarios can be paired)."""
        if not self.common_seeds:
            return indices
        return [index % self.replicates for index in indices]

    @property
    def total(self) -> int:
        return len(self.scenario_names) * self.points * self.replicates

    def locate(self, index: int) -> tuple[int, int, int]:
        """(scenario, point, replicate) of a run: ``index = (scenario * points + point) *
        replicates + replicate``."""
        q, replicate = divmod(index, self.replicates)
        scenario, point = divmod(q, self.points)
        return scenario, point, replicate

    def head(self, index: int, values, seed: int | None = None) -> dict:
        """The columns that say which run a row is (``seed``: the run's seed, when already
        derived)."""
        s, point, replicate = self.locate(index)
        head = {
            "run": index,
            "scenario": self.scenario_names[s],
            "point": point,
            "replicate": replicate,
            "seed": run_seed(self.master_seed, self.seed_keys([index])[0])
            if seed is None
            else seed,
        }
        head.update(zip(self.names, values, strict=True))
        return head

    def head_columns(self, indices: np.ndarray, values: list, seeds: list) -> dict:
        """:meth:`head` of many runs, as columns (``values``: each run's parameter values)."""
        q, replicate = np.divmod(indices, self.replicates)
        scenario, point = np.divmod(q, self.points)
        columns = {
            "run": indices,
            "scenario": [self.scenario_names[s] for s in scenario.tolist()],
            "point": point,
            "replicate": replicate,
            "seed": np.array(seeds, dtype=np.int64),
        }
        columns.update(zip(self.names, map(list, zip(*values, strict=True)), strict=True))
        return columns

    def config_of(self, index: int, values, seed: int | None = None) -> tuple[dict, int]:
        """The complete model config of run ``index`` and its seed (``seed``: the run's seed,
        when already derived)."""
        s, _, _ = self.locate(index)
        config = with_values(self.configs[s], self.keys, values)
        if self.resolve[s]:
            from omegaconf import OmegaConf

            config = OmegaConf.to_container(OmegaConf.create(config), resolve=True)
        seed = run_seed(self.master_seed, self.seed_keys([index])[0]) if seed is None else seed
        config["seed"] = seed
        return config, seed


@dataclass
class ChunkResult:
    """What a chunk returns: a results table, failures, and the steps table (or None)."""

    runs: int
    table: pa.Table
    failures: list
    steps: pa.Table | None


class ChunkInterrupted(KeyboardInterrupt):
    """Ctrl-C during a chunk run in this process; carries the runs that finished before it."""

    def __init__(self, result: "ChunkResult"):
        super().__init__()
        self.result = result


def _reuse():
    global _REUSE
    if _REUSE is None:
        from sim.scenario.build import Reuse

        _REUSE = Reuse()
    return _REUSE


def run_chunk(ctx: RunContext, chunk) -> ChunkResult:
    """Run every ``(index, values)`` of ``chunk``; a run that raises becomes a failure record."""
    if ctx.engine == "mesa":
        return run_chunk_mesa(ctx, chunk)
    return run_chunk_ensemble(ctx, chunk)


def run_chunk_mesa(ctx: RunContext, chunk) -> ChunkResult:
    """One :class:`~sim.abm.model.BalanceModel` per run, as ``sim-run`` runs it."""
    from sim.abm.model import run
    from sim.outputs import metrics
    from sim.scenario.build import build_scenario
    from sim.sweeps.store import flatten_summary, steps_columns
    from sim.version import __version__

    layout = ctx.layout
    rows = {name: [] for name in layout.schema().names}
    failures, steps = [], []
    done = 0
    seeds = run_seeds(ctx.master_seed, ctx.seed_keys([index for index, _ in chunk])).tolist()
    try:
        for (index, values), seed in zip(chunk, seeds, strict=True):
            head = ctx.head(index, values, seed)
            try:
                config, _ = ctx.config_of(index, values, seed)
                model = run(build_scenario(config, _reuse()))
                summary = metrics.run_summary(model, seed, "", __version__)
                metric_row = flatten_summary(summary, layout)
                if ctx.collect_steps:
                    steps.append(steps_columns(model, index, layout.codes))
            except Exception as error:  # noqa: BLE001 - a failing run is recorded, not fatal
                failures.append(_failure(head, error))
                done += 1
                continue
            for name, value in head.items():
                rows[name].append(value)
            for name, value in metric_row.items():
                rows[name].append(value)
            done += 1
    except KeyboardInterrupt:
        table = pa.Table.from_pydict(rows, schema=layout.schema())
        raise ChunkInterrupted(_chunk_result(ctx, done, [table], failures, steps)) from None
    table = pa.Table.from_pydict(rows, schema=layout.schema())
    return _chunk_result(ctx, done, [table], failures, steps)


def run_chunk_ensemble(ctx: RunContext, chunk) -> ChunkResult:
    """The chunk's runs grouped by scenario shape, each group as one ensemble
    (``sim.engine.ensemble``); the rows equal :func:`run_chunk_mesa`'s. A group whose ensemble raises is
    run again one run at a time, so that each failing run is recorded with its own error."""
    from sim.engine.ensemble import shape_key
    from sim.scenario.build import build_scenario

    out = _Collected()
    groups: dict[tuple, list] = {}
    seeds = run_seeds(ctx.master_seed, ctx.seed_keys([index for index, _ in chunk])).tolist()
    try:
        for (index, values), seed in zip(chunk, seeds, strict=True):
            try:
                config, _ = ctx.config_of(index, values, seed)
                scenario = build_scenario(config, _reuse())
            except Exception as error:  # noqa: BLE001
                out.failures.append(_failure(ctx.head(index, values, seed), error))
                out.runs += 1
                continue
            groups.setdefault(shape_key(scenario), []).append(
                _Member(index, values, seed, scenario)
            )
        for members in groups.values():
            _run_group(ctx, members, out)
    except KeyboardInterrupt:
        raise ChunkInterrupted(out.result(ctx)) from None
    return out.result(ctx)


class _Member(NamedTuple):
    """A run of a chunk's group: its index, parameter values, seed and scenario."""

    index: int
    values: tuple
    seed: int
    scenario: object


@dataclass
class _Collected:
    """What a chunk has produced so far (results tables, failures, steps columns)."""

    tables: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    runs: int = 0

    def result(self, ctx: RunContext) -> ChunkResult:
        return _chunk_result(ctx, self.runs, self.tables, self.failures, self.steps)


def _run_alone(ctx: RunContext, members: list, out: _Collected) -> None:
    """A group's runs one at a time through the Mesa model."""
    alone = run_chunk_mesa(ctx, [(m.index, m.values) for m in members])
    out.tables.append(alone.table)
    out.failures.extend(alone.failures)
    if ctx.collect_steps:
        out.steps.append(alone.steps.to_pydict())
    out.runs += alone.runs


def _run_group(ctx: RunContext, members: list, out: _Collected) -> None:
    """One ensemble of runs of one shape; each through the Mesa model if the ensemble raises."""
    from sim.engine.ensemble import run_ensemble, supports
    from sim.sweeps.store import ensemble_columns

    scenarios = [m.scenario for m in members]
    if not supports(scenarios[0]):  # the group's rule (qre) runs through the Mesa model
        _run_alone(ctx, members, out)
        return
    try:
        record = run_ensemble(scenarios)
        columns, errors = ensemble_columns(record, scenarios[0], ctx.layout)
    except Exception as error:  # noqa: BLE001
        if _interrupted(error):
            raise KeyboardInterrupt from error
        _run_alone(ctx, members, out)
        return
    for r in sorted(errors):
        m = members[r]
        out.failures.append({**ctx.head(m.index, m.values, m.seed), "error": errors[r]})
    ok = [r for r in range(len(members)) if r not in errors]
    if ok:
        out.tables.append(_group_table(ctx, [members[r] for r in ok], columns, ok))
    if ctx.collect_steps:
        out.steps.extend(_group_steps(ctx, members, record, ok))
    out.runs += len(members)


def _group_table(ctx: RunContext, members: list, columns: dict, rows: list) -> pa.Table:
    """The results rows of a group's runs that finished (``rows``: theirs in the ensemble's
    ``columns``), built column by column."""
    data = ctx.head_columns(
        np.array([m.index for m in members], dtype=np.int64),
        [m.values for m in members],
        [m.seed for m in members],
    )
    picked = np.array(rows, dtype=np.int64)
    for name, column in columns.items():
        data[name] = None if column is None else column[picked]
    schema = ctx.layout.schema()
    arrays = [
        pa.nulls(len(rows), f.type) if data[f.name] is None else pa.array(data[f.name], f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _group_steps(ctx: RunContext, members: list, record, rows: list) -> list:
    """The steps columns of a group's runs that finished."""
    from sim.sweeps.store import alternative_labels, record_steps

    labels = alternative_labels(members[0].scenario)
    return [
        record_steps(
            record.stance[r],
            record.payoffs[r],
            record.utility[r],
            record.choice[r],
            record.probability[r],
            members[r].scenario.structure.codes,
            labels,
            members[r].index,
            ctx.layout.codes,
        )
        for r in rows
    ]


def _failure(head: dict, error: BaseException) -> dict:
    """The failure record of a run that raised; Ctrl-C (inside compiled code it comes back as a
    SystemError) is not a failure but an interrupt."""
    if _interrupted(error):
        raise KeyboardInterrupt from error
    message = str(error) if isinstance(error, ConfigError) else _describe(error)
    return {**head, "error": message}


def _chunk_result(ctx, runs, tables, failures, steps) -> ChunkResult:
    layout = ctx.layout
    table = pa.concat_tables(tables) if tables else layout.schema().empty_table()
    steps_table = None
    if ctx.collect_steps:
        steps_schema = layout.steps_schema()
        steps_table = (
            pa.concat_tables(pa.Table.from_pydict(s, schema=steps_schema) for s in steps)
            if steps
            else steps_schema.empty_table()
        )
    return ChunkResult(runs, table, failures, steps_table)


def _interrupted(error: BaseException) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _describe(error: BaseException) -> str:
    """``Type: message`` and the innermost frame, on one line."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {' '.join(str(error).split())}{where}"


# ---------------------------------------------------------------------------------------------
# Executors

_WORKER_CONTEXT: RunContext | None = None


def _init_worker(ctx: RunContext) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = ctx
    logging.getLogger("MESA").setLevel(logging.WARNING)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process, which saves
    _warm_up()  # a forked worker inherits it all: then a few ms


def _warm_up(sample=None) -> None:
    """Import what runs need and set up Numba's compiler; with ``sample`` (a scenario of the
    sweep), also run it once as an ensemble, which loads the compiled kernels from Numba's cache
    (about 0.1 s). Done in the main process before forking (``prepare``), while the design is
    drawn elsewhere: the workers inherit it all rather than each doing it first."""
    from sim.abm import model  # noqa: F401 - Numba and the kernels
    from sim.engine import ensemble  # noqa: F401 - Numba and the kernels

    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
    except (ImportError, AttributeError):  # pragma: no cover - another Numba: the first chunk
        pass
    if sample is not None:
        with contextlib.suppress(Exception):  # only a warm-up: the runs will say what fails
            ensemble.run_ensemble([sample])


def _run_chunk_here(chunk) -> ChunkResult:
    return run_chunk(_WORKER_CONTEXT, chunk)


def _start_method() -> str:
    """fork when this process runs no other Python thread, else a fork server (spawn where
    neither exists)."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Executor:
    """Runs chunks of a sweep. Use as a context manager; ``imap`` yields results as chunks end."""

    name = "executor"
    workers = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        pass

    def prepare(self, sample=None) -> None:
        """Called once the sweep is known to be valid, while its design is drawn in another
        process: get ready for the runs (import, set up) meanwhile. ``sample``: one of the
        sweep's scenarios, to load the kernels with (None: the runs do not use the ensemble)."""

    def drain(self):
        """After an interrupt: cancel the chunks not started; yield those that still finish."""
        return iter(())

    def describe(self) -> dict:
        return {"type": self.name, "workers": self.workers}


class SerialExecutor(Executor):
    """Every chunk in this process, one after the other."""

    name = "serial"

    def prepare(self, sample=None) -> None:
        _warm_up(sample)

    def start(self, ctx: RunContext) -> None:
        self.ctx = ctx

    def imap(self, chunks):
        self._partial = None
        for chunk in chunks:
            try:
                result = run_chunk(self.ctx, chunk)
            except ChunkInterrupted as stop:
                self._partial = stop.result  # the runs of this chunk done before Ctrl-C
                raise KeyboardInterrupt from None
            yield result

    def drain(self):
        partial, self._partial = getattr(self, "_partial", None), None
        if partial is not None:
            yield partial


class LocalExecutor(Executor):
    """A pool of processes on this machine (``concurrent.futures.ProcessPoolExecutor``).

    Workers are forked from this process when it runs no other Python thread (they start at once,
    with everything imported and Numba set up: ``_warm_up``), else started from a fork server that
    imports the model once (never a fork of a threaded process, e.g. a notebook's kernel). Each
    receives the sweep's context once, when it starts."""

    name = "local"

    MAX_RESTARTS = 3  # pools rebuilt after lost workers before the sweep gives up

    def __init__(self, workers: int | None = None, in_flight: int = 4):
        self.workers = workers or available_cores()
        self.in_flight = in_flight
        self.pool = None
        self.method = None
        self.restarts = 0

    def prepare(self, sample=None) -> None:
        """Forked workers will inherit what is imported, set up and loaded here, now."""
        if _start_method() == "fork":
            _warm_up(sample)

    def start(self, ctx: RunContext) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.ctx = ctx
        mp = multiprocessing.get_context(_start_method())
        if mp.get_start_method() == "fork":
            _warm_up()  # after prepare: a few ms
            # the workers' collections then skip what they inherit (Python's advice for forking:
            # no walks over the parent's objects, no copy-on-write of their pages)
            gc.freeze()
        elif mp.get_start_method() == "forkserver":
            mp.set_forkserver_preload(
                ["sim.sweeps.executors", "sim.abm.model", "sim.scenario.build"]
            )
        self.method = mp.get_start_method()
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=mp, initializer=_init_worker, initargs=(ctx,)
        )

    def describe(self) -> dict:
        return {"type": self.name, "workers": self.workers, "start_method": self.method}

    def imap(self, chunks):
        """Results as chunks end. A lost worker (killed, out of memory) breaks the whole pool:
        the chunks it and the others had not finished are run again in a new pool, as Dask
        reruns a lost worker's tasks (at most ``MAX_RESTARTS`` times a sweep)."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        live = self._live = set()  # submitted, not yet handed out
        chunk_of = {}
        again: list = []  # chunks of a broken pool, run first
        chunks = iter(chunks)
        limit = self.workers * self.in_flight
        exhausted = False
        while True:
            broken = False
            while len(live) < limit and (again or not exhausted):
                chunk = again.pop(0) if again else next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                try:
                    future = self.pool.submit(_run_chunk_here, chunk)
                except BrokenProcessPool:  # the pool broke since the last wait
                    again.insert(0, chunk)
                    broken = True
                    break
                live.add(future)
                chunk_of[future] = chunk
            if not live and not broken:
                return
            finished, _ = wait(live, return_when=FIRST_COMPLETED) if live else (set(), set())
            for future in finished:
                live.discard(future)
                chunk = chunk_of.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    again.append(chunk)
                    broken = True
                    continue
                yield future.result()
            if broken:
                wait(live)  # a broken pool fails every pending chunk at once
                for future in list(live):
                    live.discard(future)
                    chunk = chunk_of.pop(future)
                    if future.exception() is None:
                        yield future.result()
                    else:
                        again.append(chunk)
                self._restart(len(again))

    def _restart(self, chunks: int) -> None:
        from concurrent.futures.process import BrokenProcessPool

        self.restarts += 1
        if self.restarts > self.MAX_RESTARTS:
            raise BrokenProcessPool(
                f"local workers were lost {self.restarts} times (a run may crash its process)"
            )
        print(
            f"sim-sweep: a local worker was lost; restarted the pool, {chunks} unfinished "
            "chunks run again",
            file=sys.stderr,
        )
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.start(self.ctx)

    def drain(self):
        from concurrent.futures import as_completed

        running = [f for f in getattr(self, "_live", ()) if not f.cancel()]
        self._live = set()
        for future in as_completed(running):
            if not future.cancelled() and future.exception() is None:
                yield future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class DaskExecutor(Executor):
    """A Dask ``distributed`` cluster: a ``LocalCluster`` of processes when no address is given,
    else the scheduler at ``address`` (``tcp://host:port``), e.g. one started by dask-jobqueue on
    Slurm or PBS. The context is scattered to every worker once; chunks are tasks."""

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        threads_per_worker: int = 1,
        timeout: float = 10.0,
        in_flight: int = 4,
    ):
        self.address = address
        self.requested = workers
        self.threads_per_worker = threads_per_worker
        self.timeout = timeout
        self.in_flight = in_flight
        self.client = self.cluster = None
        self.workers = 0

    def connect(self) -> None:
        """Start the local cluster or reach the scheduler; raises ConfigError when no scheduler
        answers at ``address`` (checked before any run)."""
        from distributed import Client, LocalCluster

        for noisy in ("distributed", "tornado", "bokeh"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        if self.address:
            try:
                self.client = Client(self.address, timeout=f"{self.timeout}s")
            except (OSError, TimeoutError) as error:
                reason = " ".join(str(error).split())
                raise ConfigError(
                    "executor.address", self.address, f"no Dask scheduler answers there ({reason})"
                ) from None
        else:
            self.cluster = LocalCluster(
                n_workers=self.requested or available_cores(),
                threads_per_worker=self.threads_per_worker,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        info = self.client.scheduler_info()
        self.workers = sum(w.get("nthreads", 1) for w in info["workers"].values()) or 1

    def start(self, ctx: RunContext) -> None:
        if self.client is None:
            self.connect()
        [self.ctx] = self.client.scatter([ctx], broadcast=True)

    def imap(self, chunks):
        from distributed import as_completed

        chunks = iter(chunks)
        limit = max(self.workers, 1) * self.in_flight
        live = self._live = set()

        def submit(chunk):
            future = self.client.submit(run_chunk, self.ctx, chunk, pure=False)
            live.add(future)
            return future

        first = [submit(c) for c in _take(chunks, limit)]
        if not first:
            return
        queue = as_completed(first)
        for future in queue:
            live.discard(future)
            result = future.result()
            future.release()
            for chunk in _take(chunks, 1):
                queue.add(submit(chunk))
            yield result

    def drain(self):
        live = list(getattr(self, "_live", ()))
        self._live = set()
        unfinished = [f for f in live if not f.done()]
        if unfinished:
            self.client.cancel(unfinished)
        for future in live:
            if future.status == "finished":
                yield future.result()

    def describe(self) -> dict:
        return {"type": self.name, "workers": self.workers, "address": self.address}

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None


def _take(iterator, n) -> list:
    out = []
    for _ in range(n):
        item = next(iterator, None)
        if item is None:
            break
        out.append(item)
    return out


def make_executor(cfg: dict) -> Executor:
    """The executor described by the ``executor`` section of the sweep config."""
    if not isinstance(cfg, dict):
        raise ConfigError("executor", cfg, "must be a mapping")
    kind = cfg.get("type")
    if kind not in EXECUTORS:
        raise ConfigError(
            "executor.type", kind, f"unknown executor (known: {', '.join(EXECUTORS)})"
        )
    allowed = {
        "serial": {"type", "chunk_size"},
        "local": {"type", "chunk_size", "workers"},
        "dask": {"type", "chunk_size", "workers", "address", "threads_per_worker", "timeout"},
    }[kind]
    for k in cfg:
        if k not in allowed:
            raise ConfigError(f"executor.{k}", cfg[k], f"not a key of the {kind} executor")
    chunk = cfg.get("chunk_size")
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1):
        raise ConfigError(
            "executor.chunk_size", chunk, "must be a positive integer or null (automatic)"
        )
    workers = cfg.get("workers")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ConfigError(
            "executor.workers", workers, "must be a positive integer or null (all cores)"
        )
    if kind == "serial":
        return SerialExecutor()
    if kind == "local":
        return LocalExecutor(workers)
    address = cfg.get("address")
    if address is not None and (not isinstance(address, str) or "://" not in address):
        raise ConfigError("executor.address", address, "must look like tcp://host:port")
    timeout = cfg.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError("executor.timeout", timeout, "must be a positive number of seconds")
    threads = cfg.get("threads_per_worker", 1)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ConfigError("executor.threads_per_worker", threads, "must be a positive integer")
    return DaskExecutor(address, workers, threads, float(timeout))


def chunk_size(requested: int | None, todo: int, workers: int) -> int:
    """Runs per task: as asked, else about eight tasks per worker, between 16 and 256 runs (so
    per-task overhead stays a small share and the last tasks still balance across workers)."""
    if requested:
        return requested
    return max(1, min(256, max(16, -(-todo // (workers * 8)))))
