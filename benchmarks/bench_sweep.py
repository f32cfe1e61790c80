"""Throughput of sim-sweep next to mesa.batch_run and Hydra multirun: same model, design, machine.

    .venv/bin/python benchmarks/bench_sweep.py [--n 1024] [--batch-runs 0] [--multirun-runs 8]
        [--repeats 1] [--skip-serial] [--skip-local] [--skip-batch] [--batch1]
        [--skip-multirun] [--keep] [overrides ...]

The target: the Sobol' design over the twelve parameters of configs/design/sobol.yaml with
N=1024 (26,624 runs of jan2020) in under 60 s on two cores. Every method runs as a child process
timed by wall clock (interpreter start, imports, pool start and writing included), so fixed
costs count; "inner" rates leave out start-up (sim-sweep's own closing rate; the batch_run call
alone). batch_run runs the same runs (or the first --batch-runs of them: its worker start-up then
weighs more) with the same run seeds,
and its hedge index is checked against the sweep's rows. Extra arguments are Hydra overrides
passed to every sim-sweep command: executor options (executor.chunk_size=64, executor.workers=2);
an override of the design or the model would leave batch_run and multirun on other runs.
"""

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import mesa

from sim.abm.model import BalanceModel
from sim.outputs.metrics import balance_broken_step, hedge_and_tilt
from sim.scenario.build import build_scenario
from sim.sweeps.executors import run_seed, with_values

# batch_run (and Mesa's model.steps, which it reads) may warn of deprecations: not our concern here
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

CONFIGS = str(Path(__file__).resolve().parent.parent / "configs")
BIN = Path(sys.executable).parent
SCENARIO = "jan2020"
TARGET_RUNS, TARGET_SECONDS = 26_624, 60.0
_RATE = re.compile(r"this session ran (\d+) in ([\d.]+) s")


def sweep_overrides(n: int) -> list[str]:
    return [f"scenario={SCENARIO}", "design=sobol", f"design.n={n}", "replicates=1"]


def sobol_runs(n: int) -> int:
    return n * (2 * 12 + 2)


# ---------------------------------------------------------------------------------------------
# mesa.batch_run: the model as batch_run wants it (keyword parameters, a DataCollector)


def keyword(keys) -> str:
    """A dotted path's keys as a keyword-safe name: ("dynamics", "alpha") -> dynamics__alpha."""
    return "__".join(str(k) for k in keys)


def path_keys(name: str) -> tuple:
    return tuple(int(k) if k.isdigit() else k for k in name.split("__"))


@functools.cache
def base_config(scenario: str) -> dict:
    """The composed, resolved model config (once per process: batch_run's workers are spawned)."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    with initialize_config_dir(config_dir=CONFIGS, version_base=None):
        cfg = compose("config", overrides=[f"scenario={scenario}"])
    return OmegaConf.to_container(cfg, resolve=True)


def _balancer(model):
    return [model.structure.index[c] for c in model.scenario.balancer]


def final_hedge(model) -> float:
    return float(hedge_and_tilt(model.record.stance[-1], *_balancer(model))[0])


def final_tilt(model) -> float:
    return float(hedge_and_tilt(model.record.stance[-1], *_balancer(model))[1])


def broken(model) -> bool:
    return balance_broken_step(model.record.stance, *_balancer(model)) is not None


class BatchBalanceModel(BalanceModel):
    """BalanceModel built from keyword parameters, as batch_run builds models.

    batch_run crosses its parameters (a full factorial), so the points of a sampled design go in
    as one parameter, ``point``: keyword-safe names (``dynamics__alpha``) to values, plus the
    run's seed under ``rng`` (the seed the sweep gives that run). Swept values may also be given
    as keywords directly."""

    def __init__(self, scenario_name: str = SCENARIO, point=None, rng=None, **values):
        values = {**(point or {}), **values}
        seed = values.pop("rng", rng)
        config = with_values(
            base_config(scenario_name), [path_keys(k) for k in values], list(values.values())
        )
        config["seed"] = seed
        super().__init__(build_scenario(config))
        self.datacollector = mesa.DataCollector(
            model_reporters={"hedge_index": final_hedge, "tilt": final_tilt, "broken": broken}
        )

    def step(self):
        super().step()
        if not self.running:  # final metrics only, as the sweep keeps them
            self.datacollector.collect(self)


def design_points(n: int, count: int) -> list[dict]:
    """The first ``count`` runs of the sweep's design: keyword-safe values and the run's seed."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.sweeps.session import make_plan, model_config

    with initialize_config_dir(config_dir=CONFIGS, version_base=None):
        cfg = compose("sweep", overrides=sweep_overrides(n))
    unresolved = OmegaConf.to_container(cfg, resolve=False)
    plan = make_plan(
        OmegaConf.to_container(cfg, resolve=True), {SCENARIO: model_config(unresolved)}
    )
    names = [keyword(p.keys) for p in plan.design.parameters]
    rows = plan.design.points.iloc[:count].itertuples(index=False)
    return [
        {**dict(zip(names, row, strict=True)), "rng": run_seed(plan.master_seed, i)}
        for i, row in enumerate(rows)
    ]


def batch_child(n: int, count: int, processes: int) -> None:
    """Run batch_run on the first ``count`` points; print one JSON line: runs, seconds of the
    call, the hedge index of each point in order."""
    import logging

    logging.getLogger("MESA").setLevel(logging.WARNING)
    points = design_points(n, count)
    start = time.perf_counter()
    results = mesa.batch_run(
        BatchBalanceModel,
        parameters={"scenario_name": SCENARIO, "point": points},
        number_processes=processes,
        data_collection_period=-1,
        max_steps=1000,
        display_progress=False,
    )
    seconds = time.perf_counter() - start
    hedge = {r["point"]["rng"]: r["hedge_index"] for r in results}
    seeds = [p["rng"] for p in points]
    print(
        json.dumps({"runs": len(results), "seconds": seconds, "hedge": [hedge[s] for s in seeds]})
    )


# ---------------------------------------------------------------------------------------------
# Measurements, each a child process


def timed(cmd: list[str], **kwargs) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "CI": "true"}, **kwargs
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def measure_sweep(executor: str, n: int, overrides: list[str], tmp: Path, repeats: int) -> dict:
    from sim.sweeps.store import load_results

    walls, inner, rows = [], [], 0
    for k in range(repeats):
        out = tmp / f"sweep-{executor}-{k}"
        cmd = [str(BIN / "sim-sweep"), *sweep_overrides(n), f"executor={executor}"]
        seconds, stdout = timed([*cmd, *overrides, f"hydra.run.dir={out}"])
        rows = len(load_results(out, columns=["run"]))
        walls.append(seconds)
        if rate := _RATE.search(stdout):  # the closing line: "this session ran N in S s"
            inner.append(int(rate[1]) / float(rate[2]))
    return {
        "method": f"sim-sweep executor={executor}",
        "runs": rows,
        "seconds": statistics.median(walls),
        "inner": statistics.median(inner) if inner else None,
        "dir": out,
    }


def measure_batch(n: int, count: int, processes: int, repeats: int) -> dict:
    walls, inner = [], []
    for _ in range(repeats):
        cmd = [sys.executable, __file__, "--batch-child", str(processes), "--n", str(n)]
        seconds, stdout = timed([*cmd, "--batch-runs", str(count)])
        child = json.loads(stdout.strip().splitlines()[-1])
        walls.append(seconds)
        inner.append(child["runs"] / child["seconds"])
    return {
        "method": f"mesa.batch_run number_processes={processes}",
        "runs": child["runs"],
        "seconds": statistics.median(walls),
        "inner": statistics.median(inner),
        "hedge": child["hedge"],
    }


def measure_multirun(n: int, count: int, tmp: Path, repeats: int) -> dict:
    """Basic launcher jobs over distinct dynamics.alpha values of the design (Saltelli's first
    rows repeat a value, varying one column at a time); each job is a whole sim-run."""
    points = design_points(n, sobol_runs(n))
    alphas = list(dict.fromkeys(p["dynamics__alpha"] for p in points))[:count]
    walls = []
    for k in range(repeats):
        out = tmp / f"multirun-{k}"
        cmd = [str(BIN / "sim-run"), "-m", f"scenario={SCENARIO}"]
        cmd += ["dynamics.alpha=" + ",".join(repr(a) for a in alphas), f"hydra.sweep.dir={out}"]
        seconds, _ = timed(cmd)
        walls.append(seconds)
        runs = len(list(out.glob("*/summary.json")))
    return {
        "method": "sim-run -m (Hydra basic launcher)",
        "runs": runs,
        "seconds": statistics.median(walls),
        "inner": None,
    }


# ---------------------------------------------------------------------------------------------
# Report


def warm_up(tmp: Path) -> float:
    """Compile what a stale Numba cache would otherwise compile inside the first measurement (in
    each of batch_run's spawned workers): one model here, one tiny sweep."""
    start = time.perf_counter()
    BatchBalanceModel(rng=0).run_model()
    timed(
        [str(BIN / "sim-sweep"), *sweep_overrides(1), "executor=serial", f"hydra.run.dir={tmp}/w"]
    )
    return time.perf_counter() - start


def same_runs(batch: dict, sweep_dir: Path) -> str:
    """Largest |hedge index difference| between batch_run's runs and the sweep's same runs."""
    from sim.sweeps.store import load_results

    rows = load_results(sweep_dir, columns=["run", "hedge_index"])
    sweep = rows["hedge_index"].to_numpy()[: len(batch["hedge"])]
    return f"{max(abs(a - b) for a, b in zip(batch['hedge'], sweep, strict=True)):.1e}"


def table(results: list[dict], reference: dict | None) -> None:
    ref = reference["runs"] / reference["seconds"] if reference else None
    ref_inner = reference["inner"] if reference else None
    head = f"{'method':<40} {'runs':>7} {'wall s':>8} {'runs/s':>8} {'x batch':>8}"
    print(f"{head} {'inner runs/s':>13} {'x batch':>8}")
    for r in results:
        rate = r["runs"] / r["seconds"]
        ratio = f"{rate / ref:.2f}" if ref else "-"
        inner = f"{r['inner']:.0f}" if r["inner"] else "-"
        inner_ratio = f"{r['inner'] / ref_inner:.2f}" if r["inner"] and ref_inner else "-"
        print(
            f"{r['method']:<40} {r['runs']:>7} {r['seconds']:>8.1f} {rate:>8.1f} {ratio:>8}"
            f" {inner:>13} {inner_ratio:>8}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1024, help="Sobol' N, a power of two")
    parser.add_argument(
        "--batch-runs", type=int, default=0, help="batch_run on the first K runs (0: all)"
    )
    parser.add_argument("--batch1", action="store_true", help="also batch_run, 1 process")
    parser.add_argument("--multirun-runs", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=1, help="median of this many")
    for skip in ("serial", "local", "batch", "multirun"):
        parser.add_argument(f"--skip-{skip}", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the output directories")
    parser.add_argument("--batch-child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for sim-sweep")
    args = parser.parse_args()
    if args.n < 1 or args.n & (args.n - 1):
        parser.error(f"--n {args.n}: Sobol' sampling needs a power of two")
    if args.batch_child:
        batch_child(args.n, args.batch_runs, args.batch_child)
        return
    runs = sobol_runs(args.n)
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    print(f"Sobol' N={args.n}, 12 parameters: {runs} runs of {SCENARIO}; {os.cpu_count()} cores")
    results, batch, sweep_dir, local, check = [], None, None, None, None
    try:
        print(f"warm-up (Numba's cache, after a kernel edit): {warm_up(tmp):.1f} s")
        for executor in ("serial", "local"):
            if not getattr(args, f"skip_{executor}"):
                r = measure_sweep(executor, args.n, args.overrides, tmp, args.repeats)
                results.append(r)
                sweep_dir = r["dir"]
                local = r if executor == "local" else local
        count = min(args.batch_runs or runs, runs)
        for processes, skip in ((2, args.skip_batch), (1, args.skip_batch or not args.batch1)):
            if not skip:
                r = measure_batch(args.n, count, processes, args.repeats)
                results.append(r)
                batch = batch or r
        if batch and sweep_dir:
            check = same_runs(batch, sweep_dir)
        if not args.skip_multirun:
            results.append(measure_multirun(args.n, args.multirun_runs, tmp, args.repeats))
    finally:
        if args.keep:
            print(f"outputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    table(results, batch)
    print("x batch: runs/s over mesa.batch_run number_processes=2's; inner: start-up left out")
    print()
    if check:
        print(
            f"batch_run vs sweep, same {len(batch['hedge'])} runs: max |hedge index diff| {check}"
        )
    if local and batch:
        wall = (local["runs"] / local["seconds"]) / (batch["runs"] / batch["seconds"])
        inner = f", {local['inner'] / batch['inner']:.2f}x inner" if local["inner"] else ""
        print(f"local / batch_run (2 processes): {wall:.2f}x wall clock{inner}")
    if local:
        if local["runs"] == TARGET_RUNS:
            met = "yes" if local["seconds"] < TARGET_SECONDS else "NO"
            first = local["runs"] / local["inner"] if local["inner"] else None
            first = f" ({first:.1f} s from the first run)" if first else ""
            print(
                f"{TARGET_RUNS} runs, local: {local['seconds']:.1f} s wall clock{first}; "
                f"under {TARGET_SECONDS:.0f} s: {met}"
            )
        elif local["inner"]:
            startup = local["seconds"] - local["runs"] / local["inner"]
            projected = startup + TARGET_RUNS / local["inner"]
            print(
                f"{TARGET_RUNS} runs, local, under {TARGET_SECONDS:.0f} s: not measured "
                f"(--n 1024); projected {projected:.0f} s from {local['inner']:.0f} runs/s "
                f"+ {startup:.1f} s start-up"
            )


if __name__ == "__main__":
    main()
