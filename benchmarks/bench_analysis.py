"""Speed of the analysis layer on a 100,000-run sweep: python benchmarks/bench_analysis.py [DIR]

Runs (once; resumed if DIR holds it) a Sobol' design of the twelve default spans with n = 4096
(4096 x 26 = 106,496 runs), then times, as medians of 3 repetitions: loading the sweep with one
outcome column (sim.analysis.load_sweep) and computing its Sobol' indices
(sim.analysis.sensitivity); and once, a PRIM box (sim.analysis.discover). Prints each figure."""

import statistics
import sys
import time
from pathlib import Path

import sim
from sim.analysis import discover, load_sweep, sensitivity


def median_seconds(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(folder: str = "outputs/bench/analysis_sobol_4096") -> int:
    out = Path(folder)
    start = time.perf_counter()
    outcome = sim.run_sweep(["design=sobol", "design.n=4096", "progress=false"], out)
    print(f"sweep: {outcome.total if hasattr(outcome, 'total') else ''} runs ready in "
          f"{time.perf_counter() - start:.1f} s -> {out}")  # fmt: skip
    sweep = load_sweep(out, columns=["tilt"])
    print(f"runs: {len(sweep.runs):,}")
    load = median_seconds(lambda: load_sweep(out, columns=["tilt"]))
    print(f"load_sweep (one outcome column): median {load:.2f} s")
    sobol = median_seconds(lambda: sensitivity(sweep, "tilt", num_resamples=100))
    print(f"sensitivity (Sobol' S1, ST, S2 of tilt, 100 bootstrap resamples): median {sobol:.2f} s")
    cut = float(sweep.runs["tilt"].quantile(0.8))
    box = discover(sweep.runs, "tilt", threshold=cut)
    prim = median_seconds(lambda: discover(sweep.runs, "tilt", threshold=cut), repeat=1)
    print(
        f"discover (PRIM box of the top 20% of tilt, 12 parameters): {prim:.2f} s "
        f"(one run; coverage {box.coverage:.2f}, density {box.density:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
