"""Interleaved A/B timing of two checkouts on this machine: one run (bench_run.py) and a sweep.

    .venv/bin/python benchmarks/ab.py A_DIR B_DIR [--rounds 5] [--repeats 200] [--n 128]
        [--executors serial,local]

Each checkout needs its own .venv (``make run`` in it, or ``uv venv`` and an editable install)
and is timed with its own benchmark script and commands, so a checkout from before a refactor
is measured as it was. Rounds alternate A, B, A, B... so that the machine's drift (2 noisy
cores) falls on both alike. Prints, per measure, each side's median over the rounds and the
median of the per-round ratios B/A (for run time, < 1 means B is faster; for sweep throughput,
> 1 means B is faster).
"""

import argparse
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

_RUN = re.compile(r"one run: median ([\d.]+) ms")
_SWEEP = re.compile(r"this session ran (\d+) in ([\d.]+) s")


def bench_run(side: Path, repeats: int) -> float:
    """Median milliseconds of one run, by the side's own bench_run.py."""
    out = subprocess.run(
        [side / ".venv/bin/python", side / "benchmarks/bench_run.py", "--repeats", str(repeats)],
        cwd=side,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(_RUN.search(out).group(1))


def sweep_rate(side: Path, n: int, executor: str) -> float:
    """Runs per second of a Sobol sweep of jan2020 (the session's own closing rate)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            side / ".venv/bin/sim-sweep",
            "scenario=jan2020",
            "design=sobol",
            f"design.n={n}",
            "replicates=1",
            f"executor={executor}",
            "progress=false",
            f"hydra.run.dir={tmp}/s",
        ]
        done = subprocess.run(cmd, cwd=side, capture_output=True, text=True, check=True)
    ran, seconds = _SWEEP.search(done.stdout + done.stderr).groups()
    return int(ran) / float(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--n", type=int, default=128)
    parser.add_argument("--executors", default="serial,local")
    args = parser.parse_args()
    a, b = args.a.resolve(), args.b.resolve()
    measures = {"run ms": lambda side: bench_run(side, args.repeats)}
    for ex in args.executors.split(","):
        measures[f"sweep {ex} runs/s"] = lambda side, ex=ex: sweep_rate(side, args.n, ex)
    for measure in measures.values():  # warm-up: compile caches, imports
        measure(a), measure(b)
    seen = {name: ([], []) for name in measures}
    for r in range(args.rounds):
        for name, measure in measures.items():
            first, second = (a, b) if r % 2 == 0 else (b, a)
            x, y = measure(first), measure(second)
            xa, xb = (x, y) if first == a else (y, x)
            seen[name][0].append(xa)
            seen[name][1].append(xb)
            print(f"round {r + 1} {name}: A {xa:.2f}  B {xb:.2f}", flush=True)
    print(f"A = {a}\nB = {b}")
    for name, (xa, xb) in seen.items():
        ratio = statistics.median(y / x for x, y in zip(xa, xb, strict=True))
        print(
            f"{name}: A median {statistics.median(xa):.2f}, B median {statistics.median(xb):.2f}, "
            f"median ratio B/A {ratio:.3f} over {args.rounds} rounds"
        )


if __name__ == "__main__":
    main()
