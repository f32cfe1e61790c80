"""Peak memory of sim-sweep at 10,000 runs against 100,000 runs: memory should stay flat.

    .venv/bin/python benchmarks/bench_sweep_memory.py [--scale 1.0] [--executor local]
        [--interval 0.05] [--keep] [overrides ...]

Each sweep (``design=lhs design.n=SIZE`` of jan2020, SIZE = 10,000 and 100,000 times --scale)
runs as a child process. Two figures per sweep: the peak of the summed RSS of the whole process
tree (sim-sweep and its workers, sampled with psutil every --interval s; shared copy-on-write
pages count once per process, so it overstates, the same way for both sizes) and the peak RSS of
the largest single process (``os.wait4``'s ru_maxrss, which covers the child and the
descendants it waited for). Within 10%: the larger sweep's peak is at most 1.1 times the
smaller's. Extra arguments are Hydra overrides for both sweeps (e.g. ``part_rows=1000`` to keep
the results buffer in proportion with --scale).
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from sim.sweeps.store import load_results

BIN = Path(sys.executable).parent
SIZES = (10_000, 100_000)
TOLERANCE = 1.10


def tree_rss(root: psutil.Process) -> int:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # ended between listing and reading
            total += proc.memory_info().rss
    return total


def measure(size: int, executor: str, overrides: list[str], out: Path, interval: float) -> dict:
    """Run one sweep; return its rows, wall time, peak tree RSS and peak single-process RSS."""
    cmd = [str(BIN / "sim-sweep"), "scenario=jan2020", "design=lhs", f"design.n={size}"]
    cmd += ["replicates=1", f"executor={executor}", *overrides, f"hydra.run.dir={out}"]
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "CI": "true"},
    )
    root, peak, stop = psutil.Process(child.pid), [0], threading.Event()

    def sample():
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                peak[0] = max(peak[0], tree_rss(root))
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = child.stderr.read()  # until the child closes it (it exits)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if child.returncode:
        sys.exit(f"failed ({child.returncode}): {' '.join(cmd)}\n{stderr.decode()[-2000:]}")
    return {
        "size": size,
        "runs": len(load_results(out, columns=["run"])),
        "seconds": seconds,
        "tree": peak[0] / 2**20,
        "single": usage.ru_maxrss / 2**10,  # KiB on Linux
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies both sizes")
    parser.add_argument("--executor", default="local", choices=("serial", "local", "dask"))
    parser.add_argument("--interval", type=float, default=0.05, help="RSS sampling period (s)")
    parser.add_argument("--keep", action="store_true", help="keep the output directories")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for sim-sweep")
    args = parser.parse_args()
    sizes = [max(1, round(s * args.scale)) for s in SIZES]
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_memory_"))
    try:
        results = [
            measure(s, args.executor, args.overrides, tmp / f"lhs-{s}", args.interval)
            for s in sizes
        ]
    finally:
        if args.keep:
            print(f"outputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"executor={args.executor}, {psutil.cpu_count()} cores")
    print(f"{'runs':>8} {'wall s':>8} {'runs/s':>8} {'tree peak MiB':>14} {'process peak MiB':>17}")
    for r in results:
        print(
            f"{r['runs']:>8} {r['seconds']:>8.1f} {r['runs'] / r['seconds']:>8.1f}"
            f" {r['tree']:>14.1f} {r['single']:>17.1f}"
        )
    small, large = results
    for key, label in (("tree", "tree peak"), ("single", "process peak")):
        ratio = large[key] / small[key]
        within = "yes" if ratio <= TOLERANCE else "NO"
        print(
            f"{label}: {large['runs']} / {small['runs']} runs = {ratio:.3f}; within 10%: {within}"
        )


if __name__ == "__main__":
    main()
