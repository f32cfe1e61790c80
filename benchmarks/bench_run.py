"""Time one run of a scenario (default jan2020, default decision rule), Mesa model included.

    .venv/bin/python benchmarks/bench_run.py [--repeats 300] [overrides ...]

Prints the median, quartiles and the per-step cost. Target (issue 2): median <= 5 ms on a
2-core machine. Building the model is inside the timing; composing the Hydra config and
validating it (done once per sweep, not per run) are outside it.
"""

import argparse
import os
import statistics
import time
import warnings
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.abm.model import run
from sim.scenario.build import build_scenario

CONFIGS = str(Path(__file__).resolve().parent.parent / "configs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    warnings.simplefilter("error")
    with initialize_config_dir(config_dir=CONFIGS, version_base=None):
        cfg = OmegaConf.to_container(compose("config", overrides=args.overrides), resolve=True)
    scenarios = [build_scenario({**cfg, "seed": seed}) for seed in range(args.repeats)]
    run(scenarios[0])  # warm-up: imports and caches
    times = []
    for scenario in scenarios:
        t0 = time.perf_counter()
        model = run(scenario)
        times.append(time.perf_counter() - t0)
    steps = model.calendar.steps
    q1, med, q3 = statistics.quantiles(times, n=4)
    print(
        f"scenario {model.scenario.name}, rule {model.decision.rule}, {steps} steps, "
        f"{model.structure.n} actors, {model.alts.shape[1]} alternatives each, "
        f"{args.repeats} runs (seeds 0..{args.repeats - 1}), pid {os.getpid()}"
    )
    print(
        f"one run: median {med * 1e3:.2f} ms (quartiles {q1 * 1e3:.2f}-{q3 * 1e3:.2f} ms), "
        f"{med / steps * 1e6:.0f} us per step; target <= 5 ms: {'met' if med <= 5e-3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
