"""Fuzz sim-run and sim-sweep at size: python benchmarks/fuzz_cli.py [CASES] [SEED]

Draws CASES command lines (tests/cli_cases.py: valid lines, and lines with one mistake of a
known key), runs each in this process and prints how many of each kind passed the oracle and
every case that did not (exit code, lines, key named, nothing written). The test suite runs the
same cases at a modest size (tests/test_cli_fuzz.py)."""

import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from cli_cases import cases, check, invoke  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402


def main(n: int = 1000, master_seed: int = 0) -> int:
    tried, failed, problems = collections.Counter(), collections.Counter(), []
    start = time.perf_counter()

    @seed(master_seed)
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # every case is recorded, none shrunk
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases())
    def one(case):
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            problem = check(case, invoke(case, folder), folder)
        tried[case.kind] += 1
        if problem:
            failed[case.kind] += 1
            problems.append(f"{case.command} {' '.join(case.argv)} ({case.kind}): {problem}")
        done = sum(tried.values())
        if done % 100 == 0:
            print(f"{done} of {n} cases, {len(problems)} failed", file=sys.stderr, flush=True)

    one()
    seconds = time.perf_counter() - start
    print(f"{sum(tried.values())} cases in {seconds:.0f} s, {len(problems)} failed")
    for kind in sorted(tried):
        print(f"  {kind:24s} {tried[kind]:5d} tried  {failed[kind]:4d} failed")
    for line in problems:
        print("FAILED", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
